"""Configured table association analysis rules (issue 16, item 3): a table owner's rule on its
association in one collaboration says who may receive the results of queries that read the table.

Create/Get/Update/Delete through boto3, each refusal, and the rule enforced when a query starts.
"""
import unittest

import botocore.exceptions

from harness import ServerTestCase

ANALYST, OWNER, RECEIVER = "303000000001", "303000000002", "303000000003"
QUERY = "SELECT campaign, COUNT(DISTINCT user_id) AS people FROM sales GROUP BY campaign"
UNKNOWN = "00000000-0000-0000-0000-000000000000"


class AssociationAnalysisRules(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _, cls.cr = cls.server.accounts(ANALYST, OWNER, RECEIVER)
        cls.server.new_bucket(ANALYST, "assoc-rules-results")
        rows = "".join(f"u{i},c{i % 2},{i}\n" for i in range(40))
        cls.server.upload_csv(OWNER, "shop.sales", "user_id,campaign,amount\n" + rows)

    def setUp(self):
        cr = self.cr
        c = cr[ANALYST].create_collaboration(
            name="receivers", description="d", creatorDisplayName="analyst",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="DISABLED",
            members=[{"accountId": OWNER, "memberAbilities": [], "displayName": "owner"},
                     {"accountId": RECEIVER, "memberAbilities": ["CAN_RECEIVE_RESULTS"], "displayName": "r"}])["collaboration"]
        self.ms_analyst = cr[ANALYST].create_membership(
            collaborationIdentifier=c["id"], queryLogStatus="DISABLED",
            defaultResultConfiguration={"outputConfiguration": {"s3": {
                "bucket": "assoc-rules-results", "keyPrefix": "r", "resultFormat": "CSV"}}})["membership"]["id"]
        self.ms_owner = cr[OWNER].create_membership(collaborationIdentifier=c["id"],
                                                    queryLogStatus="DISABLED")["membership"]["id"]
        t = cr[OWNER].create_configured_table(
            name="sales-" + c["id"][:8], tableReference={"glue": {"databaseName": "shop", "tableName": "sales"}},
            allowedColumns=["user_id", "campaign"], analysisMethod="DIRECT_QUERY")["configuredTable"]
        cr[OWNER].create_configured_table_analysis_rule(
            configuredTableIdentifier=t["id"], analysisRuleType="AGGREGATION",
            analysisRulePolicy={"v1": {"aggregation": {
                "aggregateColumns": [{"columnNames": ["user_id"], "function": "COUNT_DISTINCT"}],
                "joinColumns": [], "dimensionColumns": ["campaign"], "scalarFunctions": [],
                "outputConstraints": [{"columnName": "user_id", "minimum": 2, "type": "COUNT_DISTINCT"}]}}})
        self.assoc = cr[OWNER].create_configured_table_association(
            membershipIdentifier=self.ms_owner, configuredTableIdentifier=t["id"], name="sales",
            roleArn=f"arn:aws:iam::{OWNER}:role/cleanrooms")["configuredTableAssociation"]

    # --- helpers -------------------------------------------------------------------------------
    def rule(self, receivers=None, call="create", rule_type="AGGREGATION", member=None, **policy):
        if receivers is not None:
            policy["allowedResultReceivers"] = receivers
        fn = getattr(self.cr[OWNER], call + "_configured_table_association_analysis_rule")
        return fn(membershipIdentifier=self.ms_owner, configuredTableAssociationIdentifier=self.assoc["id"],
                  analysisRuleType=rule_type,
                  analysisRulePolicy={"v1": {(member or rule_type.lower()): policy}})["analysisRule"]

    def error(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        return cm.exception.response["Error"]

    def start(self):
        return self.cr[ANALYST].start_protected_query(
            type="SQL", membershipIdentifier=self.ms_analyst, sqlParameters={"queryString": QUERY})

    # --- tests ---------------------------------------------------------------------------------
    def test_create_get_update_delete(self):
        made = self.rule([ANALYST])
        self.assertEqual(made["type"], "AGGREGATION")
        self.assertEqual(made["policy"], {"v1": {"aggregation": {"allowedResultReceivers": [ANALYST]}}})
        self.assertEqual(made["configuredTableAssociationArn"], self.assoc["arn"])
        self.assertEqual(made["membershipIdentifier"], self.ms_owner)
        got = self.cr[OWNER].get_configured_table_association_analysis_rule(
            membershipIdentifier=self.ms_owner, configuredTableAssociationIdentifier=self.assoc["id"],
            analysisRuleType="AGGREGATION")["analysisRule"]
        self.assertEqual(got["policy"], made["policy"])
        updated = self.rule([ANALYST, RECEIVER], call="update")
        self.assertEqual(updated["policy"]["v1"]["aggregation"]["allowedResultReceivers"], [ANALYST, RECEIVER])
        self.cr[OWNER].delete_configured_table_association_analysis_rule(
            membershipIdentifier=self.ms_owner, configuredTableAssociationIdentifier=self.assoc["id"],
            analysisRuleType="AGGREGATION")
        err = self.error(self.cr[OWNER].get_configured_table_association_analysis_rule,
                         membershipIdentifier=self.ms_owner, configuredTableAssociationIdentifier=self.assoc["id"],
                         analysisRuleType="AGGREGATION")
        self.assertEqual(err["Code"], "ResourceNotFoundException")

    def test_receivers_are_enforced_when_a_query_starts(self):
        self.assertIn(self.start()["protectedQuery"]["status"], ("SUBMITTED", "STARTED", "SUCCESS"),
                      "no rule: any member that may receive results")
        self.rule([RECEIVER])
        err = self.error(self.cr[ANALYST].start_protected_query, type="SQL", membershipIdentifier=self.ms_analyst,
                         sqlParameters={"queryString": QUERY})
        self.assertEqual(err["Code"], "ValidationException")
        self.assertIn("does not allow the results of queries that read it to go to account " + ANALYST,
                      err["Message"])
        listed = self.cr[ANALYST].list_protected_queries(membershipIdentifier=self.ms_analyst)["protectedQueries"]
        self.assertEqual(len(listed), 1, "the refused query was not recorded")
        self.rule([RECEIVER, ANALYST], call="update")
        self.assertEqual(self.start()["protectedQuery"]["sqlParameters"]["queryString"], QUERY)
        self.rule([], call="update")
        err = self.error(self.cr[ANALYST].start_protected_query, type="SQL", membershipIdentifier=self.ms_analyst,
                         sqlParameters={"queryString": QUERY})
        self.assertIn("does not allow", err["Message"], "an empty list allows nobody")
        # A rule without allowedResultReceivers restricts nobody.
        self.rule(None, call="update")
        self.start()

    def test_refusals(self):
        cases = [
            ("another account's association", "ResourceNotFoundException",
             lambda: self.cr[ANALYST].create_configured_table_association_analysis_rule(
                 membershipIdentifier=self.ms_owner, configuredTableAssociationIdentifier=self.assoc["id"],
                 analysisRuleType="AGGREGATION", analysisRulePolicy={"v1": {"aggregation": {}}}), None),
            ("an unknown association", "ResourceNotFoundException",
             lambda: self.cr[OWNER].create_configured_table_association_analysis_rule(
                 membershipIdentifier=self.ms_owner, configuredTableAssociationIdentifier=UNKNOWN,
                 analysisRuleType="AGGREGATION", analysisRulePolicy={"v1": {"aggregation": {}}}), None),
            ("a type other than the table's rule", "ValidationException",
             lambda: self.rule([ANALYST], rule_type="LIST"), "must be AGGREGATION too"),
            ("a policy member other than the type", "ValidationException",
             lambda: self.rule([ANALYST], member="list"), "must hold aggregation"),
            ("a receiver that is not a member", "ValidationException",
             lambda: self.rule(["999999999999"]), "not a member of the collaboration that can receive results"),
            ("a member that cannot receive results", "ValidationException",
             lambda: self.rule([OWNER]), "not a member of the collaboration that can receive results"),
            ("additional analyses on an aggregation rule", "ValidationException",
             lambda: self.rule([ANALYST], allowedAdditionalAnalyses=[
                 f"arn:aws:cleanrooms:us-east-1:{ANALYST}:membership/{UNKNOWN}/configuredaudiencemodelassociation/x"]),
             "not supported for the AGGREGATION rule"),
            ("update of a rule that does not exist", "ResourceNotFoundException",
             lambda: self.rule([ANALYST], call="update"), None),
        ]
        for what, code, call, text in cases:
            with self.subTest(what):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    call()
                err = cm.exception.response["Error"]
                self.assertEqual(err["Code"], code, err["Message"])
                if text:
                    self.assertIn(text, err["Message"])
        self.rule([ANALYST])
        err = self.error(lambda **kw: self.rule([ANALYST]))
        self.assertEqual(err["Code"], "ConflictException")
        # The analyst reads neither the owner's rule nor whether there is one.
        err = self.error(self.cr[ANALYST].get_configured_table_association_analysis_rule,
                         membershipIdentifier=self.ms_owner, configuredTableAssociationIdentifier=self.assoc["id"],
                         analysisRuleType="AGGREGATION")
        self.assertEqual(err["Code"], "ResourceNotFoundException")


if __name__ == "__main__":
    unittest.main()
