"""Collaboration change requests (issue 16, item 4): the creator proposes adding a member or
granting or revoking the receive-results ability; every other ACTIVE member votes; the creator
commits. Types the collaboration auto-approves take effect at once. Each refusal is tested.
"""
import unittest

import botocore.exceptions

from harness import ServerTestCase

CREATOR, OWNER1, OWNER2, NEWCOMER, STRANGER = (
    "304000000001", "304000000002", "304000000003", "304000000004", "304000000005")
UNKNOWN = "00000000-0000-0000-0000-000000000000"


def member_change(account, abilities, name=None):
    spec = {"accountId": account, "memberAbilities": abilities}
    if name:
        spec["displayName"] = name
    return {"specificationType": "MEMBER", "specification": {"member": spec}}


class ChangeRequests(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _, cls.cr = cls.server.accounts(CREATOR, OWNER1, OWNER2, NEWCOMER, STRANGER)

    def collaboration(self, **extra):
        c = self.cr[CREATOR].create_collaboration(
            name="changing", description="d", creatorDisplayName="creator",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="DISABLED",
            members=[{"accountId": OWNER1, "memberAbilities": [], "displayName": "o1"},
                     {"accountId": OWNER2, "memberAbilities": [], "displayName": "o2"}], **extra)["collaboration"]
        for account in (CREATOR, OWNER1, OWNER2):
            self.cr[account].create_membership(collaborationIdentifier=c["id"], queryLogStatus="DISABLED")
        return c["id"]

    def request(self, collab, *changes, account=CREATOR):
        return self.cr[account].create_collaboration_change_request(
            collaborationIdentifier=collab, changes=list(changes))["collaborationChangeRequest"]

    def act(self, collab, request, action, account):
        return self.cr[account].update_collaboration_change_request(
            collaborationIdentifier=collab, changeRequestIdentifier=request["id"],
            action=action)["collaborationChangeRequest"]

    def error(self, fn, *args, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*args, **kw)
        return cm.exception.response["Error"]

    def abilities(self, collab, account):
        members = self.cr[CREATOR].list_members(collaborationIdentifier=collab)["memberSummaries"]
        return {m["accountId"]: m["abilities"] for m in members}.get(account)

    def test_adding_a_member_takes_every_other_members_vote_and_the_creators_commit(self):
        collab = self.collaboration()
        r = self.request(collab, member_change(NEWCOMER, [], "newcomer"))
        self.assertEqual((r["status"], r["isAutoApproved"]), ("PENDING", False))
        self.assertEqual(r["changes"][0]["types"], ["ADD_MEMBER"])
        self.assertEqual(r["approvals"], {OWNER1: {"status": "PENDING"}, OWNER2: {"status": "PENDING"}})
        self.assertEqual(self.error(self.act, collab, r, "COMMIT", CREATOR)["Code"], "ConflictException")
        self.assertEqual(self.act(collab, r, "APPROVE", OWNER1)["status"], "PENDING")
        self.assertEqual(self.error(self.act, collab, r, "APPROVE", OWNER1)["Code"], "ConflictException",
                         "one vote each")
        self.assertIsNone(self.abilities(collab, NEWCOMER), "nothing changes before the commit")
        self.assertEqual(self.act(collab, r, "APPROVE", OWNER2)["status"], "APPROVED")
        self.assertIsNone(self.abilities(collab, NEWCOMER))
        done = self.act(collab, r, "COMMIT", CREATOR)
        self.assertEqual(done["status"], "COMMITTED")
        self.assertEqual(self.abilities(collab, NEWCOMER), [])
        invited = self.cr[NEWCOMER].list_collaborations(memberStatus="INVITED")["collaborationList"]
        self.assertIn(collab, [c["id"] for c in invited])
        got = self.cr[OWNER1].get_collaboration_change_request(collaborationIdentifier=collab,
                                                               changeRequestIdentifier=r["id"])
        self.assertEqual(got["collaborationChangeRequest"]["status"], "COMMITTED")

    def test_one_deny_denies_and_grant_then_revoke_receive_results(self):
        collab = self.collaboration()
        r = self.request(collab, member_change(OWNER1, ["CAN_RECEIVE_RESULTS"]))
        self.assertEqual(r["changes"][0]["types"], ["GRANT_RECEIVE_RESULTS_ABILITY"])
        self.act(collab, r, "APPROVE", OWNER1)
        self.assertEqual(self.act(collab, r, "DENY", OWNER2)["status"], "DENIED")
        self.assertEqual(self.error(self.act, collab, r, "COMMIT", CREATOR)["Code"], "ConflictException")
        self.assertEqual(self.abilities(collab, OWNER1), [])

        r = self.request(collab, member_change(OWNER1, ["CAN_RECEIVE_RESULTS"]))
        for voter in (OWNER1, OWNER2):
            self.act(collab, r, "APPROVE", voter)
        self.act(collab, r, "COMMIT", CREATOR)
        self.assertEqual(self.abilities(collab, OWNER1), ["CAN_RECEIVE_RESULTS"])
        r = self.request(collab, member_change(OWNER1, []))
        self.assertEqual(r["changes"][0]["types"], ["REVOKE_RECEIVE_RESULTS_ABILITY"])
        for voter in (OWNER1, OWNER2):
            self.act(collab, r, "APPROVE", voter)
        self.act(collab, r, "COMMIT", CREATOR)
        self.assertEqual(self.abilities(collab, OWNER1), [])
        statuses = [x["status"] for x in self.cr[CREATOR].list_collaboration_change_requests(
            collaborationIdentifier=collab)["collaborationChangeRequestSummaries"]]
        self.assertEqual(sorted(statuses), ["COMMITTED", "COMMITTED", "DENIED"])
        denied = self.cr[CREATOR].list_collaboration_change_requests(
            collaborationIdentifier=collab, status="DENIED")["collaborationChangeRequestSummaries"]
        self.assertEqual(len(denied), 1)

    def test_auto_approved_types_take_effect_at_once_but_changing_them_takes_a_vote(self):
        collab = self.collaboration(autoApprovedChangeRequestTypes=["ADD_MEMBER"])
        got = self.cr[OWNER1].get_collaboration(collaborationIdentifier=collab)["collaboration"]
        self.assertEqual(got["autoApprovedChangeTypes"], ["ADD_MEMBER"])
        r = self.request(collab, member_change(NEWCOMER, ["CAN_RECEIVE_RESULTS"]))
        self.assertEqual((r["status"], r["isAutoApproved"]), ("COMMITTED", True))
        self.assertEqual(self.abilities(collab, NEWCOMER), ["CAN_RECEIVE_RESULTS"])
        # Granting is not auto-approved here: a vote.
        r = self.request(collab, member_change(OWNER1, ["CAN_RECEIVE_RESULTS"]))
        self.assertEqual(r["status"], "PENDING")
        edit = self.request(collab, {"specificationType": "COLLABORATION", "specification": {
            "collaboration": {"autoApprovedChangeTypes": ["ADD_MEMBER", "GRANT_RECEIVE_RESULTS_ABILITY"]}}})
        self.assertEqual((edit["status"], edit["changes"][0]["types"]),
                         ("PENDING", ["EDIT_AUTO_APPROVED_CHANGE_TYPES"]))
        for voter in (OWNER1, OWNER2):
            self.act(collab, edit, "APPROVE", voter)
        self.act(collab, edit, "COMMIT", CREATOR)
        got = self.cr[OWNER1].get_collaboration(collaborationIdentifier=collab)["collaboration"]
        self.assertEqual(got["autoApprovedChangeTypes"], ["ADD_MEMBER", "GRANT_RECEIVE_RESULTS_ABILITY"])

    def test_cancel(self):
        collab = self.collaboration()
        r = self.request(collab, member_change(NEWCOMER, []))
        self.assertEqual(self.error(self.act, collab, r, "CANCEL", OWNER1)["Code"], "AccessDeniedException")
        self.assertEqual(self.act(collab, r, "CANCEL", CREATOR)["status"], "CANCELLED")
        self.assertEqual(self.error(self.act, collab, r, "APPROVE", OWNER1)["Code"], "ConflictException")
        self.assertIsNone(self.abilities(collab, NEWCOMER))

    def test_refusals(self):
        collab = self.collaboration()
        r = self.request(collab, member_change(NEWCOMER, []))
        cases = [
            ("a member that is not the creator requests", "AccessDeniedException",
             lambda: self.request(collab, member_change(NEWCOMER, []), account=OWNER1)),
            ("a stranger requests", "ResourceNotFoundException",
             lambda: self.request(collab, member_change(NEWCOMER, []), account=STRANGER)),
            ("a stranger reads", "ResourceNotFoundException",
             lambda: self.cr[STRANGER].get_collaboration_change_request(
                 collaborationIdentifier=collab, changeRequestIdentifier=r["id"])),
            ("a stranger lists", "ResourceNotFoundException",
             lambda: self.cr[STRANGER].list_collaboration_change_requests(collaborationIdentifier=collab)),
            ("the creator votes", "AccessDeniedException", lambda: self.act(collab, r, "APPROVE", CREATOR)),
            ("a member commits", "AccessDeniedException", lambda: self.act(collab, r, "COMMIT", OWNER1)),
            ("an unknown request", "ResourceNotFoundException",
             lambda: self.cr[OWNER1].get_collaboration_change_request(
                 collaborationIdentifier=collab, changeRequestIdentifier=UNKNOWN)),
            ("a new member who can query", "ValidationException",
             lambda: self.request(collab, member_change(STRANGER, ["CAN_QUERY"]))),
            ("a change that changes nothing", "ValidationException",
             lambda: self.request(collab, member_change(OWNER1, []))),
            ("another ability changed", "ValidationException",
             lambda: self.request(collab, member_change(OWNER1, ["CAN_QUERY"]))),
            ("one account twice", "ValidationException",
             lambda: self.request(collab, member_change(STRANGER, []), member_change(STRANGER, []))),
            ("a specification of another type", "ValidationException",
             lambda: self.request(collab, {"specificationType": "COLLABORATION",
                                           "specification": {"member": {"accountId": STRANGER,
                                                                        "memberAbilities": []}}})),
        ]
        for what, code, call in cases:
            with self.subTest(what):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    call()
                self.assertEqual(cm.exception.response["Error"]["Code"], code,
                                 cm.exception.response["Error"]["Message"])
        self.assertEqual(len(self.cr[CREATOR].list_collaboration_change_requests(
            collaborationIdentifier=collab)["collaborationChangeRequestSummaries"]), 1, "refusals record nothing")


if __name__ == "__main__":
    unittest.main()
