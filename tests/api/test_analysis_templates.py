"""Analysis templates through boto3: the member's own views (create, get, list, update, delete),
the collaboration's views seen by the other member, and a protected query run from a template
that a CUSTOM rule admits by ARN, with its parameters bound as string literals."""
import csv
import io
import os
import uuid

import botocore.exceptions

from harness import ServerTestCase

A, B = "111111111111", "222222222222"

BY_REGION = ("SELECT region, COUNT(*) AS people FROM audience "
             "WHERE region = :region OR region = ':not_a_parameter' -- :nor_this\n"
             "GROUP BY region")


class AnalysisTemplatesTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds, cls.cr = cls.server.accounts(A, B)
        cls.server.new_bucket(A, "a-results")
        cls.upload(B, "crm.audience", "email,region\n"
                   "a@example.com,n\nb@example.com,s\nc@example.com,n\nd@example.com,s\n"
                   "z@example.com,n\no@example.com,o'brien\n")
        c = cls.cr[A].create_collaboration(
            name="templates", description="d", creatorDisplayName="A",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="DISABLED",
            members=[{"accountId": B, "memberAbilities": [], "displayName": "B"}])["collaboration"]
        cls.collaboration_id = c["id"]
        cls.ms_a = cls.cr[A].create_membership(
            collaborationIdentifier=c["id"], queryLogStatus="DISABLED",
            defaultResultConfiguration={"outputConfiguration": {"s3": {
                "bucket": "a-results", "keyPrefix": "t", "resultFormat": "CSV"}}})["membership"]["id"]
        cls.ms_b = cls.cr[B].create_membership(
            collaborationIdentifier=c["id"], queryLogStatus="DISABLED")["membership"]["id"]
        cls.template = cls.cr[A].create_analysis_template(
            membershipIdentifier=cls.ms_a, name="by_region", description="people per region",
            format="SQL", source={"text": BY_REGION},
            analysisParameters=[{"name": "region", "type": "VARCHAR", "defaultValue": "s"}],
        )["analysisTemplate"]
        t = cls.cr[B].create_configured_table(
            name="audience", tableReference={"glue": {"databaseName": "crm", "tableName": "audience"}},
            allowedColumns=["email", "region"], analysisMethod="DIRECT_QUERY")["configuredTable"]
        cls.cr[B].create_configured_table_analysis_rule(
            configuredTableIdentifier=t["id"], analysisRuleType="CUSTOM",
            analysisRulePolicy={"v1": {"custom": {"allowedAnalyses": [cls.template["arn"]]}}})
        cls.cr[B].create_configured_table_association(
            membershipIdentifier=cls.ms_b, configuredTableIdentifier=t["id"], name="audience",
            roleArn=f"arn:aws:iam::{B}:role/cleanrooms")

    @classmethod
    def upload(cls, account, table, text):
        cls.server.upload_csv(account, table, text)

    def error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call(**kwargs)
        return cm.exception.response

    def run_query(self, sql_parameters):
        started = self.cr[A].start_protected_query(
            type="SQL", membershipIdentifier=self.ms_a, sqlParameters=sql_parameters)["protectedQuery"]
        return self.finished_query(self.cr[A], self.ms_a, started)

    def rows(self, q):
        location = q["result"]["output"]["s3"]["location"]
        with open(os.path.join(self.server.data_dir, "buckets", location[5:])) as f:
            return list(csv.reader(io.StringIO(f.read())))

    # --- the member's own views ------------------------------------------------------------------
    def test_create_get_list_update_delete(self):
        t = self.cr[A].create_analysis_template(
            membershipIdentifier=self.ms_a, name="scratch", format="SQL",
            source={"text": "SELECT COUNT(*) AS n FROM audience"})["analysisTemplate"]
        self.assertEqual(t["arn"], f"arn:aws:cleanrooms:us-east-1:{A}:membership/{self.ms_a}"
                                   f"/analysistemplate/{t['id']}")
        self.assertEqual((t["collaborationId"], t["membershipId"]), (self.collaboration_id, self.ms_a))
        self.assertEqual(t["schema"], {"referencedTables": []})
        got = self.cr[A].get_analysis_template(membershipIdentifier=self.ms_a,
                                               analysisTemplateIdentifier=t["id"])["analysisTemplate"]
        self.assertEqual(got["source"]["text"], "SELECT COUNT(*) AS n FROM audience")
        listed = self.cr[A].list_analysis_templates(membershipIdentifier=self.ms_a)
        self.assertIn(t["id"], [s["id"] for s in listed["analysisTemplateSummaries"]])
        updated = self.cr[A].update_analysis_template(
            membershipIdentifier=self.ms_a, analysisTemplateIdentifier=t["id"],
            description="now described")["analysisTemplate"]
        self.assertEqual(updated["description"], "now described")
        self.assertEqual(updated["source"], got["source"])
        # B cannot read A's membership-scoped view.
        err = self.error(self.cr[B].get_analysis_template, membershipIdentifier=self.ms_a,
                         analysisTemplateIdentifier=t["id"])
        self.assertEqual(err["Error"]["Code"], "ResourceNotFoundException")
        self.cr[A].delete_analysis_template(membershipIdentifier=self.ms_a,
                                            analysisTemplateIdentifier=t["id"])
        err = self.error(self.cr[A].get_analysis_template, membershipIdentifier=self.ms_a,
                         analysisTemplateIdentifier=t["id"])
        self.assertEqual(err["Error"]["Code"], "ResourceNotFoundException")

    def test_pyspark_and_bad_parameters_are_refused(self):
        err = self.error(self.cr[A].create_analysis_template, membershipIdentifier=self.ms_a,
                         name="spark", format="PYSPARK_1_0", source={"text": "print(1)"})
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        err = self.error(self.cr[A].create_analysis_template, membershipIdentifier=self.ms_a,
                         name="undeclared", format="SQL",
                         source={"text": "SELECT COUNT(*) FROM audience WHERE region = :r"})
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        err = self.error(self.cr[A].create_analysis_template, membershipIdentifier=self.ms_a,
                         name="long_default", format="SQL", source={"text": "SELECT :p"},
                         analysisParameters=[{"name": "p", "type": "VARCHAR", "defaultValue": "x" * 1001}])
        self.assertEqual(err["Error"]["Code"], "ValidationException")

    # --- the collaboration's views ---------------------------------------------------------------
    def test_the_other_member_reads_the_collaboration_views(self):
        arn = self.template["arn"]
        got = self.cr[B].get_collaboration_analysis_template(
            collaborationIdentifier=self.collaboration_id,
            analysisTemplateArn=arn)["collaborationAnalysisTemplate"]
        self.assertEqual((got["creatorAccountId"], got["source"]["text"]), (A, BY_REGION))
        self.assertEqual(got["analysisParameters"],
                         [{"name": "region", "type": "VARCHAR", "defaultValue": "s"}])
        listed = self.cr[B].list_collaboration_analysis_templates(
            collaborationIdentifier=self.collaboration_id)["collaborationAnalysisTemplateSummaries"]
        self.assertIn(arn, [s["arn"] for s in listed])
        missing = arn.rsplit("/", 1)[0] + "/" + str(uuid.uuid4())
        batch = self.cr[B].batch_get_collaboration_analysis_template(
            collaborationIdentifier=self.collaboration_id, analysisTemplateArns=[arn, missing])
        self.assertEqual([t["arn"] for t in batch["collaborationAnalysisTemplates"]], [arn])
        self.assertEqual([(e["arn"], e["code"]) for e in batch["errors"]],
                         [(missing, "ResourceNotFoundException")])

    # --- protected queries from a template -------------------------------------------------------
    def test_a_query_from_the_template_runs_under_the_custom_rule(self):
        q = self.run_query({"analysisTemplateArn": self.template["arn"], "parameters": {"region": "n"}})
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        self.assertEqual(q["sqlParameters"], {"analysisTemplateArn": self.template["arn"],
                                              "parameters": {"region": "n"}})
        self.assertEqual(self.rows(q), [["region", "people"], ["n", "3"]])

    def test_defaults_and_quotes_in_values(self):
        q = self.run_query({"analysisTemplateArn": self.template["arn"]})
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        self.assertEqual(self.rows(q), [["region", "people"], ["s", "2"]])
        q = self.run_query({"analysisTemplateArn": self.template["arn"],
                            "parameters": {"region": "o'brien"}})
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        self.assertEqual(self.rows(q), [["region", "people"], ["o'brien", "1"]])

    def test_unknown_parameter_is_refused(self):
        err = self.error(self.cr[A].start_protected_query, type="SQL", membershipIdentifier=self.ms_a,
                         sqlParameters={"analysisTemplateArn": self.template["arn"],
                                        "parameters": {"nope": "x"}})
        self.assertEqual(err["Error"]["Code"], "ValidationException")

    def test_the_same_sql_as_a_query_string_is_refused(self):
        sql = BY_REGION.replace(":region", "'n'")
        err = self.error(self.cr[A].start_protected_query, type="SQL", membershipIdentifier=self.ms_a,
                         sqlParameters={"queryString": sql})
        self.assertEqual(err["Error"]["Code"], "ValidationException")

    def test_values_never_leave_their_constant(self):
        # Issue 12 attack 7: values that a text splicer would let out of their quotes (dollar
        # quotes, nested comments, E'' escapes). Bound on the parse tree, each is one constant:
        # the aggregate-only template returns no row (no region is spelled like that), never an
        # e-mail address.
        for value in ["x' UNION ALL SELECT email, 1 FROM audience --",
                      "$$ OR 1=1 UNION ALL SELECT email, 1 FROM audience --",
                      "/* */ ' OR region <> ' /* */",
                      "E'\\'' OR true --",
                      "s'); SELECT email, 1 FROM audience; --"]:
            with self.subTest(value=value):
                q = self.run_query({"analysisTemplateArn": self.template["arn"],
                                    "parameters": {"region": value}})
                self.assertEqual(q["status"], "SUCCESS", q.get("error"))
                self.assertEqual(self.rows(q), [["region", "people"]])
