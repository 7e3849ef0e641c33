"""Protected queries end to end through boto3 and the aws CLI: uploads, configured tables, rules,
associations, a query checked against every owner's rule, and its result read back from the
receiver's bucket as CSV and Parquet. Also the reference's AMC path: instance, membership, the
platform's table, the Query Submitter running the query, the advertiser receiving the result."""
import csv
import io
import json
import os
import shutil
import time

import botocore.exceptions

from harness import ServerTestCase, advertiser_setup

A, B = "111111111111", "222222222222"
TERMINAL = {"SUCCESS", "FAILED", "CANCELLED", "TIMED_OUT"}

OVERLAP_BY_SEGMENT = ("SELECT c.segment, COUNT(DISTINCT c.email) AS users FROM customers c "
                      "JOIN audience a ON c.email = a.email GROUP BY c.segment ORDER BY c.segment")


def aggregation(dimension, minimum=2, aggregate=("email", "COUNT_DISTINCT"), join=("email",)):
    return {"v1": {"aggregation": {
        "aggregateColumns": [{"columnNames": [aggregate[0]], "function": aggregate[1]}],
        "joinColumns": list(join),
        "dimensionColumns": [dimension],
        "scalarFunctions": [],
        "outputConstraints": [{"columnName": aggregate[0], "minimum": minimum, "type": "COUNT_DISTINCT"}]}}}


def s3_result(bucket, fmt="CSV", prefix="queries"):
    return {"outputConfiguration": {"s3": {"bucket": bucket, "keyPrefix": prefix, "resultFormat": fmt}}}


class ProtectedQueriesTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds = {a: cls.server.new_account(a, "Account " + a) for a in (A, B)}
        cls.cr = {a: cls.server.cleanrooms(c) for a, c in cls.creds.items()}
        for bucket in ("a-results", "a-other-results"):
            cls.server.new_bucket(A, bucket)
        # gold: 3 customers in B's audience; silver: 1, under the minimum of 2.
        cls.upload(A, "sales.customers", "email,segment,spend\n"
                   "a@example.com,gold,10\nB@example.com,gold,20\nc@example.com,gold,30\n"
                   "d@example.com,silver,5\ne@example.com,silver,7\n", "email:email")
        cls.upload(B, "crm.audience", "email,region\n"
                   "a@example.com,n\nb@example.com,s\nc@example.com,n\nd@example.com,s\nz@example.com,n\n",
                   "email:email")
        c = cls.cr[A].create_collaboration(
            name="queries", description="d", creatorDisplayName="A",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="ENABLED",
            members=[{"accountId": B, "memberAbilities": [], "displayName": "B"}])["collaboration"]
        cls.collaboration_id = c["id"]
        cls.ms_a = cls.cr[A].create_membership(
            collaborationIdentifier=c["id"], queryLogStatus="ENABLED",
            defaultResultConfiguration=s3_result("a-results"))["membership"]["id"]
        cls.ms_b = cls.cr[B].create_membership(
            collaborationIdentifier=c["id"], queryLogStatus="ENABLED")["membership"]["id"]
        cls.configure(A, cls.ms_a, "sales", "customers", ["email", "segment", "spend"], aggregation("segment"))
        cls.configure(B, cls.ms_b, "crm", "audience", ["email", "region"], aggregation("region"))

    @classmethod
    def upload(cls, account, table, text, pii):
        cls.server.upload_csv(account, table, text, pii)

    @classmethod
    def configure(cls, account, membership, db, table, columns, rule, name=None):
        cr = cls.cr[account] if account in cls.cr else cls.server.cleanrooms(cls.creds[account])
        t = cr.create_configured_table(
            name=table, tableReference={"glue": {"databaseName": db, "tableName": table}},
            allowedColumns=columns, analysisMethod="DIRECT_QUERY")["configuredTable"]
        cr.create_configured_table_analysis_rule(
            configuredTableIdentifier=t["id"], analysisRuleType="AGGREGATION",
            analysisRulePolicy=rule)
        cr.create_configured_table_association(
            membershipIdentifier=membership, configuredTableIdentifier=t["id"], name=name or table,
            roleArn=f"arn:aws:iam::{account}:role/cleanrooms")

    def wait(self, cr, membership, query_id, timeout=60):
        deadline = time.time() + timeout
        while True:
            q = cr.get_protected_query(membershipIdentifier=membership,
                                       protectedQueryIdentifier=query_id)["protectedQuery"]
            if q["status"] in TERMINAL or time.time() > deadline:
                return q
            time.sleep(0.05)

    def object(self, location):
        self.assertTrue(location.startswith("s3://"), location)
        with open(os.path.join(self.server.data_dir, "buckets", location[5:]), "rb") as f:
            return f.read()

    def error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call(**kwargs)
        return cm.exception.response

    # --- the Clean Rooms path --------------------------------------------------------------------
    def test_boto3_query_delivers_csv_without_the_row_under_the_minimum(self):
        started = self.cr[A].start_protected_query(
            type="SQL", membershipIdentifier=self.ms_a,
            sqlParameters={"queryString": OVERLAP_BY_SEGMENT})["protectedQuery"]
        self.assertEqual(started["status"], "SUBMITTED")
        q = self.wait(self.cr[A], self.ms_a, started["id"])
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        location = q["result"]["output"]["s3"]["location"]
        self.assertEqual(location, f"s3://a-results/queries/{q['id']}/result.csv")
        rows = list(csv.reader(io.StringIO(self.object(location).decode())))
        self.assertEqual(rows, [["segment", "users"], ["gold", "3"]])  # silver (1 user) is absent
        self.assertGreaterEqual(q["statistics"]["totalDurationInMillis"], 0)
        self.assertEqual(q["resultConfiguration"]["outputConfiguration"]["s3"]["bucket"], "a-results")

    def test_aws_cli_query_with_a_parquet_override(self):
        code, out, err = self.server.aws(
            self.creds[A], "cleanrooms", "start-protected-query", "--type", "SQL",
            "--membership-identifier", self.ms_a,
            "--sql-parameters", json.dumps({"queryString": OVERLAP_BY_SEGMENT}),
            "--result-configuration", json.dumps(s3_result("a-other-results", "PARQUET", "pq")))
        self.assertEqual(code, 0, err)
        query_id = out["protectedQuery"]["id"]
        q = self.wait(self.cr[A], self.ms_a, query_id)
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        location = q["result"]["output"]["s3"]["location"]
        self.assertEqual(location, f"s3://a-other-results/pq/{query_id}/result.parquet")
        body = self.object(location)
        self.assertEqual((body[:4], body[-4:]), (b"PAR1", b"PAR1"))
        code, listed, err = self.server.aws(self.creds[A], "cleanrooms", "list-protected-queries",
                                            "--membership-identifier", self.ms_a, "--status", "SUCCESS")
        self.assertEqual(code, 0, err)
        self.assertIn(query_id, [s["id"] for s in listed["protectedQueries"]])
        summary = next(s for s in listed["protectedQueries"] if s["id"] == query_id)
        self.assertEqual(summary["receiverConfigurations"][0]["configurationDetails"]
                         ["directAnalysisConfigurationDetails"]["receiverAccountIds"], [A])

    def test_a_query_the_rules_refuse_is_a_validation_error(self):
        for sql, fragment in [("SELECT email FROM customers", ""),
                              ("SELECT * FROM read_csv('/etc/passwd')", ""),
                              ("SELECT segment, COUNT(DISTINCT email) FROM customers GROUP BY segment; "
                               "DROP TABLE customers", "")]:
            r = self.error(self.cr[A].start_protected_query, type="SQL", membershipIdentifier=self.ms_a,
                           sqlParameters={"queryString": sql})
            self.assertEqual(r["Error"]["Code"], "ValidationException", sql)
            self.assertEqual(r.get("reason"), "INVALID_QUERY", r)
            self.assertIn(fragment, r["Error"]["Message"])

    def test_only_members_that_can_query_start_queries(self):
        r = self.error(self.cr[B].start_protected_query, type="SQL", membershipIdentifier=self.ms_b,
                       sqlParameters={"queryString": OVERLAP_BY_SEGMENT})
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException")
        r = self.error(self.cr[B].start_protected_query, type="SQL", membershipIdentifier=self.ms_a,
                       sqlParameters={"queryString": OVERLAP_BY_SEGMENT})
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")

    def test_query_log_shows_the_text_to_other_members_but_not_the_result(self):
        started = self.cr[A].start_protected_query(
            type="SQL", membershipIdentifier=self.ms_a,
            sqlParameters={"queryString": OVERLAP_BY_SEGMENT})["protectedQuery"]
        self.wait(self.cr[A], self.ms_a, started["id"])
        seen = self.cr[B].get_protected_query(membershipIdentifier=self.ms_b,
                                              protectedQueryIdentifier=started["id"])["protectedQuery"]
        self.assertEqual(seen["sqlParameters"]["queryString"], OVERLAP_BY_SEGMENT)
        self.assertNotIn("result", seen)
        self.assertNotIn("resultConfiguration", seen)

    def test_cancelling_an_ended_query_is_a_conflict(self):
        started = self.cr[A].start_protected_query(
            type="SQL", membershipIdentifier=self.ms_a,
            sqlParameters={"queryString": OVERLAP_BY_SEGMENT})["protectedQuery"]
        self.wait(self.cr[A], self.ms_a, started["id"])
        r = self.error(self.cr[A].update_protected_query, membershipIdentifier=self.ms_a,
                       protectedQueryIdentifier=started["id"], targetStatus="CANCELLED")
        self.assertEqual(r["Error"]["Code"], "ConflictException")

    def test_a_bucket_gone_since_it_was_given_fails_the_query_and_says_why(self):
        # A bucket nobody owns is refused at submit (test_bucket_ownership.py); one that was given
        # and then removed from the store fails at delivery.
        self.server.new_bucket(A, "a-gone-results")
        shutil.rmtree(os.path.join(self.server.data_dir, "buckets", "a-gone-results"))
        started = self.cr[A].start_protected_query(
            type="SQL", membershipIdentifier=self.ms_a, sqlParameters={"queryString": OVERLAP_BY_SEGMENT},
            resultConfiguration=s3_result("a-gone-results"))["protectedQuery"]
        q = self.wait(self.cr[A], self.ms_a, started["id"])
        self.assertEqual(q["status"], "FAILED")
        self.assertEqual(q["error"]["code"], "DELIVERY_FAILED")
        self.assertIn("a-gone-results", q["error"]["message"])
        self.assertNotIn("result", q)

    # --- the reference's AMC path ----------------------------------------------------------------
    def test_amc_instance_to_a_result_in_the_advertisers_bucket(self):
        adv_account = "682015433333"
        creds, user = advertiser_setup(self.server, adv_account, amc_name="Advertiser Q")
        status, body, _ = user.create_instance({"instanceName": "queries_instance", "acrBacked": True,
                                                "awsAccountId": adv_account})
        self.assertIn(status, (200, 201), body)
        instance_id = body["instance"]["instanceId"]
        adv = self.server.cleanrooms(creds)
        invited = adv.list_collaborations(memberStatus="INVITED")["collaborationList"]
        collab = next(c for c in invited if instance_id in c["name"])
        self.server.new_bucket(adv_account, "adv-results")
        adv.create_membership(collaborationIdentifier=collab["id"], queryLogStatus="DISABLED",
                              defaultResultConfiguration=s3_result("adv-results", "CSV", "amc"))

        # The platform's impressions: campaign 1 reaches 150 users, campaign 2 only 5.
        provider = self.server.platform_account("ADVERTISING_DATA_PROVIDER")
        submitter = self.server.platform_account("QUERY_SUBMITTER")
        # All of one platform advertiser, linked to the advertiser's AMC account and added to the
        # instance: an instance reads only its own advertisers' events.
        rows = ["user_id,advertiser_id,campaign_id,impressions"]
        rows += [f"u{i},5849500001,1,2" for i in range(150)] + [f"v{i},5849500001,2,3" for i in range(5)]
        user.own_advertisers(instance_id, 5849500001)
        self.upload(provider["accountId"], "platform.impressions", "\n".join(rows) + "\n", "")
        provider_cr = self.server.cleanrooms(provider)
        provider_ms = next(m["id"] for m in provider_cr.list_memberships(status="ACTIVE")["membershipSummaries"]
                           if m["collaborationId"] == collab["id"])
        # A platform table is published on upload: associated at once, under the platform's rule.
        associated = provider_cr.list_configured_table_associations(
            membershipIdentifier=provider_ms)["configuredTableAssociationSummaries"]
        self.assertEqual([a["name"] for a in associated], ["impressions"])

        submitter_cr = self.server.cleanrooms(submitter)
        submitter_ms = next(m["id"] for m in submitter_cr.list_memberships(status="ACTIVE")["membershipSummaries"]
                            if m["collaborationId"] == collab["id"])
        started = submitter_cr.start_protected_query(
            type="SQL", membershipIdentifier=submitter_ms,
            sqlParameters={"queryString": "SELECT campaign_id, SUM(impressions) AS impressions, "
                                          "COUNT(DISTINCT user_id) AS users FROM impressions "
                                          "GROUP BY campaign_id"},
            resultConfiguration={"outputConfiguration": {"member": {"accountId": adv_account}}})["protectedQuery"]
        q = self.wait(submitter_cr, submitter_ms, started["id"])
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        location = q["result"]["output"]["s3"]["location"]
        self.assertTrue(location.startswith("s3://adv-results/amc/"), location)
        rows = list(csv.reader(io.StringIO(self.object(location).decode())))
        # Campaign 2 stands for 5 users, under the AMC threshold of 100: dropped.
        self.assertEqual(rows, [["campaign_id", "impressions", "users"], ["1", "300", "150"]])


if __name__ == "__main__":
    import unittest
    unittest.main()
