"""Who pays for query compute when a collaboration is created (issue 16, item 1).

The service model: "If the collaboration creator hasn't specified anyone as the member paying for
query compute costs, then the member who can query is the default payer"; exactly one member may
be named, and a FALSE for the member who can query is an error when nobody else pays. With several
members that can query and none named, the creator pays if it can query, else the first member
listed that can.
"""
import unittest

import botocore.exceptions

from harness import ServerTestCase

A, B, C, D = "301000000001", "301000000002", "301000000003", "301000000004"
PAYS = {"queryCompute": {"isResponsible": True}}
DOES_NOT_PAY = {"queryCompute": {"isResponsible": False}}


def member(account, abilities, payment=None):
    m = {"accountId": account, "displayName": "Member " + account, "memberAbilities": abilities}
    if payment is not None:
        m["paymentConfiguration"] = payment
    return m


class QueryComputePayer(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _, cls.cr = cls.server.accounts(A, B, C, D)

    def create(self, creator_abilities, members, **extra):
        return self.cr[A].create_collaboration(
            name="payer", description="who pays", creatorDisplayName="Creator",
            creatorMemberAbilities=creator_abilities, members=members, queryLogStatus="ENABLED",
            **extra)["collaboration"]

    def payers(self, collaboration):
        summaries = self.cr[A].list_members(collaborationIdentifier=collaboration["id"])["memberSummaries"]
        return sorted(m["accountId"] for m in summaries
                      if m["paymentConfiguration"]["queryCompute"]["isResponsible"])

    def assertRefused(self, creator_abilities, members, text, **extra):
        before = self.cr[A].list_collaborations()["collaborationList"]
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.create(creator_abilities, members, **extra)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], "ValidationException")
        self.assertIn(text, err["Message"])
        self.assertEqual(self.cr[A].list_collaborations()["collaborationList"], before)

    def test_two_members_can_query_and_none_is_named_the_creator_pays(self):
        c = self.create(["CAN_QUERY", "CAN_RECEIVE_RESULTS"], [member(B, ["CAN_QUERY"])])
        self.assertEqual(self.payers(c), [A])

    def test_a_creator_that_cannot_query_leaves_it_to_the_first_member_that_can(self):
        c = self.create(["CAN_RECEIVE_RESULTS"],
                        [member(B, []), member(C, ["CAN_QUERY"]), member(D, ["CAN_QUERY"])])
        self.assertEqual(self.payers(c), [C])

    def test_a_named_payer_pays_alone(self):
        c = self.create(["CAN_QUERY"], [member(B, ["CAN_QUERY"]), member(C, [], PAYS)])
        self.assertEqual(self.payers(c), [C])
        c = self.create(["CAN_QUERY"], [member(B, ["CAN_QUERY"])], creatorPaymentConfiguration=DOES_NOT_PAY)
        self.assertEqual(self.payers(c), [B], "the creator declined, so the next member that can query")

    def test_nobody_pays_when_nobody_can_query(self):
        c = self.create(["CAN_RECEIVE_RESULTS"], [member(B, [])])
        self.assertEqual(self.payers(c), [])

    def test_refusals(self):
        self.assertRefused(["CAN_QUERY"], [member(B, [], PAYS)], "exactly one member pays",
                           creatorPaymentConfiguration=PAYS)
        self.assertRefused(["CAN_QUERY"], [member(B, [])], "must not be false",
                           creatorPaymentConfiguration=DOES_NOT_PAY)
        self.assertRefused([], [member(B, ["CAN_QUERY"], DOES_NOT_PAY)], "must not be false")

    def test_the_member_confirms_what_the_creator_set_when_it_joins(self):
        c = self.create(["CAN_QUERY"], [member(B, ["CAN_QUERY"])])
        for account, wrong in ((A, DOES_NOT_PAY), (B, PAYS)):
            with self.subTest(account):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    self.cr[account].create_membership(collaborationIdentifier=c["id"],
                                                       queryLogStatus="ENABLED", paymentConfiguration=wrong)
                self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")
        mine = self.cr[A].create_membership(collaborationIdentifier=c["id"], queryLogStatus="ENABLED",
                                            paymentConfiguration=PAYS)["membership"]
        self.assertTrue(mine["paymentConfiguration"]["queryCompute"]["isResponsible"])
        theirs = self.cr[B].create_membership(collaborationIdentifier=c["id"], queryLogStatus="ENABLED")["membership"]
        self.assertFalse(theirs["paymentConfiguration"]["queryCompute"]["isResponsible"])


if __name__ == "__main__":
    unittest.main()
