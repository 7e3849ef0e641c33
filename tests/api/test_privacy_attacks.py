"""Issue 12's attacks on the Clean Rooms face, played as the hostile analyst would through boto3:
padding a threshold with spellings of one id, a success bit from a cast that fails on one value,
LIMIT ahead of the thresholds, and text pasted after the checked SQL. Each must end refused or
harmless. (The policy corpus, tests/unit/query_policy/attack_*.sql, holds the same attacks with
their data, for every rule type.)"""
import csv
import io
import os
import subprocess

import botocore.exceptions

from harness import BIN, ServerTestCase

A, B = "111111111111", "222222222222"


class PrivacyAttacksTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds, cls.cr = cls.server.accounts(A, B)
        cls.server.new_bucket(A, "a-results")
        # B's people: a numeric id, a postal code and a cost. Person 42 is the target.
        cls.server.upload_csv(B, "crm.people", "user_id,postal,cost,secret\n"
                              "42,98101,17.5,12\n43,98102,1.0,7\n44,98102,2.0,9\n45,98102,3.0,oops\n")
        # A's own table: the target's id spelled many ways, as text.
        cls.server.upload_csv(A, "mine.spellings", "uid,tag\n"
                              + "".join(f"{s},x\n" for s in ["42", "042", "0042", "+42", "42.0"]))
        # A's own numeric table, for the joins that are allowed.
        cls.server.upload_csv(A, "mine.ids", "uid,tag\n42,x\n43,y\n44,y\n45,y\n")
        c = cls.cr[A].create_collaboration(
            name="attacks", description="d", creatorDisplayName="A",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="DISABLED",
            members=[{"accountId": B, "memberAbilities": [], "displayName": "B"}])["collaboration"]
        cls.ms_a = cls.cr[A].create_membership(
            collaborationIdentifier=c["id"], queryLogStatus="DISABLED",
            defaultResultConfiguration={"outputConfiguration": {"s3": {
                "bucket": "a-results", "keyPrefix": "q", "resultFormat": "CSV"}}})["membership"]["id"]
        cls.ms_b = cls.cr[B].create_membership(
            collaborationIdentifier=c["id"], queryLogStatus="DISABLED")["membership"]["id"]
        mine = {"aggregateColumns": [{"columnNames": ["uid"], "function": "COUNT_DISTINCT"}],
                "joinColumns": ["uid"], "dimensionColumns": ["tag"], "scalarFunctions": [],
                "outputConstraints": [{"columnName": "uid", "minimum": 2, "type": "COUNT_DISTINCT"}]}
        theirs = {"aggregateColumns": [{"columnNames": ["cost"], "function": "SUM"},
                                       {"columnNames": ["user_id"], "function": "COUNT_DISTINCT"}],
                  "joinColumns": ["user_id"], "dimensionColumns": ["postal"], "scalarFunctions": [],
                  "outputConstraints": [{"columnName": "user_id", "minimum": 3,
                                         "type": "COUNT_DISTINCT"}]}
        cls.configure(A, cls.ms_a, "mine", "spellings", ["uid", "tag"], "AGGREGATION", mine)
        cls.configure(A, cls.ms_a, "mine", "ids", ["uid", "tag"], "AGGREGATION", mine)
        cls.configure(B, cls.ms_b, "crm", "people", ["user_id", "postal", "cost"], "AGGREGATION",
                      theirs)

    @classmethod
    def configure(cls, account, membership, db, table, columns, rule_type, body, name=None):
        cr = cls.cr[account]
        t = cr.create_configured_table(
            name=name or table, tableReference={"glue": {"databaseName": db, "tableName": table}},
            allowedColumns=columns, analysisMethod="DIRECT_QUERY")["configuredTable"]
        cr.create_configured_table_analysis_rule(
            configuredTableIdentifier=t["id"], analysisRuleType=rule_type,
            analysisRulePolicy={"v1": {rule_type.lower(): body}})
        cr.create_configured_table_association(
            membershipIdentifier=membership, configuredTableIdentifier=t["id"], name=name or table,
            roleArn=f"arn:aws:iam::{account}:role/cleanrooms")

    def start(self, sql):
        return self.cr[A].start_protected_query(
            type="SQL", membershipIdentifier=self.ms_a,
            sqlParameters={"queryString": sql})["protectedQuery"]

    def run_query(self, sql):
        return self.finished_query(self.cr[A], self.ms_a, self.start(sql))

    def rows(self, q):
        location = q["result"]["output"]["s3"]["location"]
        with open(os.path.join(self.server.data_dir, "buckets", location[5:])) as f:
            return list(csv.reader(io.StringIO(f.read())))

    def refused(self, sql):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.start(sql)
        return cm.exception.response

    def test_spellings_of_one_id_do_not_join_a_numeric_id(self):
        err = self.refused("SELECT p.postal, SUM(p.cost) AS cost, COUNT(DISTINCT s.uid) AS n "
                           "FROM spellings s JOIN people p ON s.uid = p.user_id GROUP BY p.postal")
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        self.assertIn("VARCHAR and BIGINT", err["Error"]["Message"])

    def test_the_threshold_counts_the_owners_people(self):
        # Each of A's ids joins one of B's people; postal 98101 is one person (42) whatever A's
        # own table holds, so it stays under B's minimum of 3.
        q = self.run_query("SELECT p.postal, SUM(p.cost) AS cost FROM ids i "
                           "JOIN people p ON i.uid = p.user_id GROUP BY p.postal ORDER BY p.postal")
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        self.assertEqual(self.rows(q), [["postal", "cost"], ["98102", "6.0"]])

    def test_limit_applies_after_the_thresholds(self):
        # The first postal code in order is one person: the thresholds remove it before LIMIT, so
        # the answer is the next group, not an empty file that would say "one person is there".
        q = self.run_query("SELECT p.postal, SUM(p.cost) AS cost FROM ids i "
                           "JOIN people p ON i.uid = p.user_id GROUP BY p.postal "
                           "ORDER BY p.postal LIMIT 1")
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        self.assertEqual(self.rows(q), [["postal", "cost"], ["98102", "6.0"]])

    def test_trailing_comment_cannot_break_what_runs(self):
        q = self.run_query("SELECT p.postal, SUM(p.cost) AS cost FROM ids i "
                           "JOIN people p ON i.uid = p.user_id GROUP BY p.postal -- ) TO 'x'; --")
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        self.assertEqual(self.rows(q), [["postal", "cost"], ["98102", "6.0"]])

    def test_a_failing_value_does_not_fail_the_query(self):
        # Success must not depend on another party's values: a cast that fails on one value
        # answers NULL on that row, whatever the row holds.
        cr_b = self.cr[B]
        t = cr_b.create_configured_table(
            name="secrets", tableReference={"glue": {"databaseName": "crm", "tableName": "people"}},
            allowedColumns=["user_id", "postal", "secret"], analysisMethod="DIRECT_QUERY")["configuredTable"]
        cr_b.create_configured_table_analysis_rule(
            configuredTableIdentifier=t["id"], analysisRuleType="CUSTOM",
            analysisRulePolicy={"v1": {"custom": {"allowedAnalyses": ["ANY_QUERY"],
                                                  "allowedAnalysisProviders": [A],
                                                  "disallowedOutputColumns": ["secret", "user_id"]}}})
        cr_b.create_configured_table_association(
            membershipIdentifier=self.ms_b, configuredTableIdentifier=t["id"], name="secrets",
            roleArn=f"arn:aws:iam::{B}:role/cleanrooms")
        for probe in ["CAST(secret AS INTEGER) > 10", "100 // (CAST(secret AS INTEGER) - 12) > 0",
                      "ln(CAST(secret AS INTEGER) - 12) > 0"]:
            with self.subTest(probe=probe):
                q = self.run_query(f"SELECT postal, COUNT(*) AS n FROM secrets WHERE {probe} "
                                   "GROUP BY postal ORDER BY postal")
                self.assertEqual(q["status"], "SUCCESS", q.get("error"))

    def test_a_resolved_identity_never_comes_back(self):
        # Issue 12 attack 3: A resolves its own e-mails to the platform's user ids, then tries to
        # read them back through a one-member collaboration with a permissive rule of its own.
        provider = self.server.platform_account("ADVERTISING_DATA_PROVIDER")["accountId"]
        self.server.upload_csv(provider, "platform.identities",
                               "user_id,email,phone,first_name,last_name,postal_code\n"
                               "9001,target@example.com,,,,\n9002,other@example.com,,,,\n",
                               "email:email,phone:phone,first_name:first_name,"
                               "last_name:last_name,postal_code:postal_code")
        self.server.upload_csv(A, "own.emails", "id,email,tier\n1,target@example.com,x\n"
                               "2,other@example.com,x\n", "email:email")
        p = subprocess.run([BIN, "match", "--data-dir", self.server.data_dir, "--account", A,
                            "--table", "own.emails", "--into", "own.resolved"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        solo = self.cr[A].create_collaboration(
            name="solo", description="d", creatorDisplayName="A",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="DISABLED",
            members=[])["collaboration"]
        ms = self.cr[A].create_membership(
            collaborationIdentifier=solo["id"], queryLogStatus="DISABLED",
            defaultResultConfiguration={"outputConfiguration": {"s3": {
                "bucket": "a-results", "keyPrefix": "solo", "resultFormat": "CSV"}}})["membership"]["id"]
        self.configure(A, ms, "own", "resolved", ["id", "tier", "user_id"], "CUSTOM",
                       {"allowedAnalyses": ["ANY_QUERY"], "allowedAnalysisProviders": [A]})
        for sql in ["SELECT id, user_id FROM resolved",
                    "SELECT id, user_id + 0 AS u FROM resolved",
                    "SELECT CAST(user_id AS VARCHAR) AS u, COUNT(*) AS n FROM resolved GROUP BY 1",
                    "SELECT id FROM resolved WHERE user_id = 9001",
                    "SELECT id FROM resolved WHERE user_id BETWEEN 9000 AND 9001",
                    "SELECT id, MAX(user_id) AS u FROM resolved GROUP BY id",
                    "SELECT id FROM resolved ORDER BY user_id LIMIT 1",
                    "SELECT user_id FROM resolved UNION SELECT 1"]:
            with self.subTest(sql=sql):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    self.cr[A].start_protected_query(type="SQL", membershipIdentifier=ms,
                                                     sqlParameters={"queryString": sql})
                self.assertIn("VERY_HIGH", cm.exception.response["Error"]["Message"])
        # Counting it stays possible.
        started = self.cr[A].start_protected_query(
            type="SQL", membershipIdentifier=ms,
            sqlParameters={"queryString": "SELECT tier, COUNT(DISTINCT user_id) AS people "
                                          "FROM resolved GROUP BY tier"})["protectedQuery"]
        q = self.finished_query(self.cr[A], ms, started)
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        self.assertEqual(self.rows(q), [["tier", "people"], ["x", "2"]])
