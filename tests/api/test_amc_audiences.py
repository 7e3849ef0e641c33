"""AMC rule-based audiences (docs/amc-api.md, "Audiences"), over HTTP against a real server, and
the attacks of a hostile advertiser on them: two audiences that differ by one person, values the
SQL makes up instead of people, tables other than the *_for_audiences ones, another advertiser's
events, and records that could be tied back to a person or linked across audiences.
"""
import hashlib
import os
import shutil
import time
import unittest

import harness
from harness import advertiser_setup

ACCOUNT = "682015433331"
OTHER_ACCOUNT = "682015433332"
ADVERTISER = 5849900001
NOT_OURS = 5849900002


def impressions_csv():
    rows = ["user_id,advertiser_id,campaign_id,impression_dt_utc,impressions"]
    at = "2023-02-07 10:00:00"
    rows += [f"a{i},{ADVERTISER},1,{at},1" for i in range(2500)]
    # Campaign 2: campaign 1's people and one more.
    rows += [f"a{i},{ADVERTISER},2,{at},1" for i in range(2500)] + [f"x1,{ADVERTISER},2,{at},1"]
    # Campaign 3: 2,000 of campaign 1's people and 2,000 others.
    rows += [f"a{i},{ADVERTISER},3,{at},1" for i in range(2000)]
    rows += [f"b{i},{ADVERTISER},3,{at},1" for i in range(2000)]
    rows += [f"s{i},{ADVERTISER},4,{at},1" for i in range(10)]
    # Another advertiser's events of campaign 1: never read by this instance.
    rows += [f"o{i},{NOT_OURS},1,{at},1" for i in range(3000)]
    # Outside the window.
    rows += [f"late{i},{ADVERTISER},1,2023-03-01 10:00:00,1" for i in range(3000)]
    return "\n".join(rows) + "\n"


WINDOW = {"timeWindowStart": "2023-02-07T00:00:00", "timeWindowEnd": "2023-02-08T00:00:00"}


class AmcAudiencesTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        server = cls.server
        cls.creds, cls.user = advertiser_setup(server, ACCOUNT, amc_name="Advertiser Q")
        _, cls.other = advertiser_setup(server, OTHER_ACCOUNT, amc_name="Advertiser R")
        provider = server.platform_account("ADVERTISING_DATA_PROVIDER")["accountId"]
        data = impressions_csv()
        server.upload_csv(provider, "platform.dsp_impressions_for_audiences", data)
        server.upload_csv(provider, "platform.dsp_impressions", data)
        server.link_advertiser(cls.user.advertiser_id, ADVERTISER)
        cls.instance, _ = harness.active_amc_instance(server, cls.creds, cls.user, "audiences",
                                                      ADVERTISER, "audience-results")

    def call(self, method, path, body=None, user=None, instance=None):
        user = user or self.user
        headers = user.headers()
        headers["Amazon-Marketing-Cloud-Audience-InstanceId"] = instance or self.instance
        return self.server.http(method, path, body=body, headers=headers)

    def create(self, name, sql, **extra):
        return self.call("POST", "/amc/audiences/query",
                         dict(WINDOW, audienceName=name, queryText=sql, **extra))

    def ended(self, created, timeout=60):
        deadline = time.time() + timeout
        while True:
            status, a, _ = self.call("GET", f"/amc/audiences/query/{created['audienceExecutionId']}")
            self.assertEqual(status, 200, a)
            if a["status"] not in ("PENDING", "RUNNING") or time.time() > deadline:
                return a
            time.sleep(0.05)

    def delivered(self, name, sql):
        status, a, _ = self.create(name, sql)
        self.assertEqual(status, 200, a)
        self.assertEqual(a["status"], "PENDING")
        a = self.ended(a)
        self.assertEqual(a["status"], "SUCCEEDED", a)
        return a

    def records(self, audience):
        location = audience["outputS3URI"]
        with open(os.path.join(self.server.data_dir, "buckets", location[5:])) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "audience_record")
        return lines[1:]

    def refused(self, answer, status, words):
        code, body, _ = answer
        self.assertEqual(code, status, body)
        self.assertEqual(set(body), {"message", "requestId"}, body)
        self.assertIn(words, body["message"])

    def test_an_audience_is_delivered_as_records_nobody_can_tie_to_a_person(self):
        a = self.delivered("campaign one",
                           "SELECT user_id FROM dsp_impressions_for_audiences WHERE campaign_id = 1")
        # Only this instance's advertiser, only the window: 2,500 people (not 5,500 or 8,500),
        # and up to 499 records of nobody, so the count is not the people's.
        self.assertEqual(a["deliveries"], 1)
        self.assertTrue(2500 <= a["audienceCount"] < 3000, a)
        self.assertTrue(a["outputS3URI"].startswith("s3://audience-results/amc/audiences/"))
        records = self.records(a)
        self.assertEqual(len(records), a["audienceCount"])
        self.assertEqual(records, sorted(records))
        self.assertTrue(all(len(r) == 64 and int(r, 16) >= 0 for r in records))
        # Not the ids, not their plain hashes.
        known = {f"a{i}" for i in range(2500)}
        known |= {hashlib.sha256(k.encode()).hexdigest() for k in list(known)}
        self.assertFalse(known & set(records))

        # A second audience sharing 2,000 of these people: its records share none, so records
        # cannot be linked across audiences.
        b = self.delivered("campaign three",
                           "SELECT user_id FROM dsp_impressions_for_audiences WHERE campaign_id = 3")
        self.assertTrue(4000 <= b["audienceCount"] < 4500, b)
        self.assertFalse(set(records) & set(self.records(b)))

        status, listed, _ = self.call("GET", "/amc/audiences/query")
        self.assertEqual(status, 200, listed)
        ids = [x["audienceExecutionId"] for x in listed["executionMetadata"]]
        self.assertIn(a["audienceExecutionId"], ids)
        self.assertIn(b["audienceExecutionId"], ids)

    def test_two_audiences_that_differ_by_one_person(self):
        # Attack: audience A, then A plus one person; the second delivery would single them out.
        self.delivered("base", "SELECT user_id FROM dsp_impressions_for_audiences "
                               "WHERE campaign_id = 1 AND impressions = 1")
        status, b, _ = self.create("base plus one", "SELECT user_id FROM "
                                   "dsp_impressions_for_audiences WHERE campaign_id = 2")
        self.assertEqual(status, 200, b)
        b = self.ended(b)
        self.assertEqual(b["status"], "FAILED", b)
        self.assertIn("differs from one this instance was already delivered", b["statusReason"])
        self.assertNotIn("outputS3URI", b)
        self.assertNotIn("audienceCount", b)

    def test_made_up_people_and_small_audiences_are_not_delivered(self):
        # Values the SQL makes up cannot even be named user_id (and a run keeps only the user_ids
        # that are people of the tables read).
        code, body, _ = self.create("made up", "SELECT 'p' || CAST(impressions AS VARCHAR) AS "
                                               "user_id FROM dsp_impressions_for_audiences")
        self.assertEqual(code, 400, body)
        self.assertIn("only a table's user_id may be named user_id", body["message"])
        for sql in ("SELECT user_id FROM dsp_impressions_for_audiences WHERE campaign_id = 4",):
            with self.subTest(sql=sql):
                status, a, _ = self.create("small", sql)
                self.assertEqual(status, 200, a)
                a = self.ended(a)
                self.assertEqual(a["status"], "FAILED", a)
                self.assertIn("too few people", a["statusReason"])
                self.assertNotIn("outputS3URI", a)

    def test_guessed_ids_cannot_pick_people(self):
        # Attack: 1,999 ids the advertiser guessed plus one target, filtered by what it wants to
        # learn about the target: the 2,000 floor would answer it. user_id may not be compared
        # with a value, nor computed on, nor ordered by.
        ids = ", ".join(f"'a{i}'" for i in range(2000))
        for sql in (f"SELECT user_id FROM dsp_impressions_for_audiences WHERE user_id IN ({ids}) "
                    "AND campaign_id = 3",
                    "SELECT user_id FROM dsp_impressions_for_audiences WHERE user_id = 'a17'",
                    "SELECT user_id FROM dsp_impressions_for_audiences WHERE user_id < 'a2'",
                    "SELECT user_id FROM dsp_impressions_for_audiences "
                    "WHERE substr(user_id, 1, 2) = 'a1'",
                    "SELECT user_id FROM dsp_impressions_for_audiences WHERE hash(user_id) % 2 = 0",
                    "SELECT user_id || '-' AS user_id FROM dsp_impressions_for_audiences",
                    "SELECT user_id FROM dsp_impressions_for_audiences ORDER BY user_id LIMIT 2000",
                    # Renamed first, compared after: the name would no longer say user_id.
                    "WITH c AS (SELECT user_id AS u FROM dsp_impressions_for_audiences) "
                    "SELECT u AS user_id FROM c WHERE u = 'a17'",
                    "SELECT * RENAME (user_id AS u) FROM dsp_impressions_for_audiences",
                    # The guessed id typed in as a relation and joined on.
                    "SELECT t.user_id FROM dsp_impressions_for_audiences t JOIN "
                    "(SELECT 'a17' AS user_id) g ON t.user_id = g.user_id",
                    "SELECT t.user_id FROM dsp_impressions_for_audiences t JOIN "
                    "(VALUES ('a17')) v(k) ON t.user_id = v.k",
                    "SELECT t.user_id FROM dsp_impressions_for_audiences t JOIN (SELECT 'a17' AS k) g "
                    "ON t.user_id = g.k",
                    "SELECT user_id FROM dsp_impressions_for_audiences WHERE user_id IN "
                    "(SELECT 'a17')",
                    "SELECT s.user_id FROM dsp_impressions_for_audiences t, "
                    "(SELECT {'user_id': 'a17'} AS s) x WHERE t.user_id = s.user_id",
                    # Renamed by position.
                    "SELECT u AS user_id FROM dsp_impressions_for_audiences AS x(u) WHERE u = 'a17'",
                    "WITH c(u) AS (SELECT user_id FROM dsp_impressions_for_audiences) "
                    "SELECT u AS user_id FROM c",
                    "SELECT c AS user_id FROM (SELECT 'a17' AS c UNION ALL SELECT user_id "
                    "FROM dsp_impressions_for_audiences)"):
            with self.subTest(sql=sql[:80]):
                code, body, _ = self.create("guessed", sql)
                self.assertEqual(code, 400, body)
                self.assertIn("audience query", body["message"])
        # What audiences are made of stays allowed: joins, IN (subquery), grouping, counting.
        for sql in ("SELECT d.user_id FROM dsp_impressions_for_audiences d JOIN "
                    "dsp_impressions_for_audiences e ON d.user_id = e.user_id "
                    "WHERE e.campaign_id = 1",
                    "WITH c AS (SELECT user_id, COUNT(*) AS n FROM dsp_impressions_for_audiences "
                    "GROUP BY user_id) SELECT user_id FROM c WHERE n >= 1",
                    "SELECT user_id FROM dsp_impressions_for_audiences WHERE user_id IN "
                    "(SELECT user_id FROM dsp_impressions_for_audiences WHERE campaign_id = 1)"):
            with self.subTest(sql=sql[:80]):
                status, a, _ = self.create("allowed", sql)
                self.assertEqual(status, 200, a)
                self.ended(a)

    def test_refusals(self):
        for sql, words in (
                ("SELECT user_id FROM dsp_impressions WHERE campaign_id = 1", "dsp_impressions"),
                ("SELECT CAST(range AS VARCHAR) AS user_id FROM range(5000)", "table functions"),
                ("SELECT user_id FROM read_parquet('x.parquet')", "table functions"),
                ("SELECT user_id FROM platform.dsp_impressions_for_audiences", "qualified"),
                ("SELECT user_id FROM 'datasets/x.parquet'", "x.parquet"),
                ("SELECT 1 AS user_id", "at least one"),
                ("DELETE FROM dsp_impressions_for_audiences", "")):
            with self.subTest(sql=sql):
                self.refused(self.create("refused", sql), 400, words)
        good = "SELECT user_id FROM dsp_impressions_for_audiences WHERE campaign_id = 1"
        self.refused(self.create("", good), 400, "audienceName")
        self.refused(self.create("x", good, refreshRateDays=31), 400, "refreshRateDays")
        self.refused(self.create("x", good, refreshRateDays="1"), 400, "refreshRateDays")
        self.refused(self.create("x", good, colour="red"), 400, "colour")
        self.refused(self.call("POST", "/amc/audiences/query", dict(WINDOW, audienceName="x")),
                     400, "queryText")
        headers = self.user.headers()
        status, body, _ = self.server.http("POST", "/amc/audiences/query",
                                           body=dict(WINDOW, audienceName="x", queryText=good),
                                           headers=headers)
        self.assertEqual(status, 400, body)
        self.assertIn("Amazon-Marketing-Cloud-Audience-InstanceId", body["message"])
        # Another advertiser's instance does not exist for it.
        self.refused(self.call("POST", "/amc/audiences/query",
                               dict(WINDOW, audienceName="x", queryText=good), user=self.other),
                     404, self.instance)
        self.refused(self.call("GET", "/amc/audiences/query", user=self.other), 404, self.instance)
        # An instance whose primary account has not joined has nowhere to deliver.
        status, body, _ = self.user.create_instance(
            {"instanceName": "not joined", "awsAccountId": ACCOUNT, "acrBacked": True})
        self.refused(self.call("POST", "/amc/audiences/query",
                               dict(WINDOW, audienceName="x", queryText=good),
                               instance=body["instance"]["instanceId"]), 400, "not ACTIVE")

    def test_its_own_rows_cannot_seed_an_audience(self):
        # Attack: the advertiser brings 2,000 people of its own into the collaboration under a
        # *_for_audiences name, hoping to get them back as records it can tie to its rows.
        self.server.upload_csv(ACCOUNT, "crm.seed", "user_id,tier\n" +
                               "".join(f"a{i},1\n" for i in range(2000)))
        adv = self.server.cleanrooms(self.creds)
        collaboration = next(c for c in adv.list_collaborations()["collaborationList"]
                             if c["name"] == "AMC " + self.instance)
        membership = next(m for m in adv.list_memberships()["membershipSummaries"]
                          if m["collaborationId"] == collaboration["id"])
        table = adv.create_configured_table(
            name="seed", tableReference={"glue": {"databaseName": "crm", "tableName": "seed"}},
            allowedColumns=["user_id", "tier"], analysisMethod="DIRECT_QUERY")["configuredTable"]
        adv.create_configured_table_analysis_rule(
            configuredTableIdentifier=table["id"], analysisRuleType="CUSTOM",
            analysisRulePolicy={"v1": {"custom": {"allowedAnalyses": ["ANY_QUERY"],
                                                  "allowedAnalysisProviders": [ACCOUNT]}}})
        adv.create_configured_table_association(
            membershipIdentifier=membership["id"], configuredTableIdentifier=table["id"],
            name="seed_for_audiences", roleArn=f"arn:aws:iam::{ACCOUNT}:role/cleanrooms")
        for sql in ("SELECT user_id FROM seed_for_audiences",
                    "SELECT d.user_id FROM dsp_impressions_for_audiences d JOIN seed_for_audiences s "
                    "ON d.user_id = s.user_id"):
            with self.subTest(sql=sql):
                self.refused(self.create("seeded", sql), 400, "seed_for_audiences")

    def test_get_and_delete(self):
        status, a, _ = self.create(
            "to delete", "SELECT user_id FROM dsp_impressions_for_audiences WHERE campaign_id = 1 "
                         "AND impressions > 0", refreshRateDays=7, description="d")
        self.assertEqual(status, 200, a)
        self.assertEqual((a["refreshRateDays"], a["audienceDescription"]), (7, "d"))
        self.assertIn("nextRefreshTime", a)
        a = self.ended(a)
        path = f"/amc/audiences/query/{a['audienceExecutionId']}"
        self.refused(self.call("GET", path, user=self.other), 404, self.instance)
        self.refused(self.call("DELETE", path, user=self.other), 404, self.instance)
        status, body, _ = self.call("DELETE", path)
        self.assertEqual((status, body), (200, {"audienceExecutionId": a["audienceExecutionId"]}))
        self.refused(self.call("GET", path), 404, a["audienceExecutionId"])
        self.refused(self.call("DELETE", path), 404, a["audienceExecutionId"])


class AmcAudienceRefreshTest(unittest.TestCase):
    """refreshRateDays: the server is stopped and started again a day later on its clock
    (--clock-start), and the audience runs again over the day before."""

    def test_refresh(self):
        server = harness.Server(extra_args=["--clock-start", "2023-02-08T00:00:00Z"]).start()
        try:
            creds, user = advertiser_setup(server, ACCOUNT, amc_name="Advertiser Z")
            provider = server.platform_account("ADVERTISING_DATA_PROVIDER")["accountId"]
            rows = ["user_id,advertiser_id,campaign_id,impression_dt_utc,impressions"]
            for day in ("2023-02-07", "2023-02-08"):
                rows += [f"a{i},{ADVERTISER},1,{day} 10:00:00,1" for i in range(2600)]
            server.upload_csv(provider, "platform.dsp_impressions_for_audiences",
                              "\n".join(rows) + "\n")
            server.link_advertiser(user.advertiser_id, ADVERTISER)
            instance, _ = harness.active_amc_instance(server, creds, user, "refresh", ADVERTISER,
                                                      "refresh-results")
            headers = dict(user.headers(), **{"Amazon-Marketing-Cloud-Audience-InstanceId":
                                              instance})
            status, a, _ = server.http("POST", "/amc/audiences/query", headers=headers, body={
                "audienceName": "daily", "timeWindowType": "MOST_RECENT_DAY", "refreshRateDays": 1,
                "queryText": "SELECT user_id FROM dsp_impressions_for_audiences"})
            self.assertEqual(status, 200, a)
            self.assertEqual((a["timeWindowStart"], a["timeWindowEnd"]),
                             ("2023-02-07T00:00:00", "2023-02-08T00:00:00"))
            self.assertTrue(a["nextRefreshTime"].startswith("2023-02-09T00:00:"), a)
            first = self.ended(server, headers, a)
            self.assertEqual((first["status"], first["deliveries"]), ("SUCCEEDED", 1), first)
        finally:
            server.stop()

        # A day later: the refresh runs over [2023-02-08T00:01:00, 2023-02-09T00:01:00).
        later = harness.Server(data_dir=server.data_dir,
                               extra_args=["--clock-start", "2023-02-09T00:01:00Z"]).start()
        try:
            deadline = time.time() + 60
            while True:
                status, b, _ = later.http("GET", f"/amc/audiences/query/{a['audienceExecutionId']}",
                                          headers=headers)
                self.assertEqual(status, 200, b)
                if b["deliveries"] == 2 or b["status"] == "FAILED" or time.time() > deadline:
                    break
                time.sleep(0.1)
            self.assertEqual((b["status"], b["deliveries"]), ("SUCCEEDED", 2), b)
            self.assertTrue(b["timeWindowStart"].startswith("2023-02-08T00:01:"), b)
            self.assertTrue(b["timeWindowEnd"].startswith("2023-02-09T00:01:"), b)
            self.assertNotEqual(b["outputS3URI"], first["outputS3URI"])
            # The same 2,600 people, and not one record in common: refreshes cannot be linked.
            def read(uri):
                with open(os.path.join(later.data_dir, "buckets", uri[5:])) as f:
                    return f.read()

            self.assertEqual(b["audienceCount"], first["audienceCount"])
            self.assertFalse(set(read(first["outputS3URI"]).splitlines()[1:]) &
                             set(read(b["outputS3URI"]).splitlines()[1:]))
        finally:
            later.stop()
            shutil.rmtree(later.data_dir, ignore_errors=True)

    def ended(self, server, headers, created, timeout=60):
        deadline = time.time() + timeout
        while True:
            status, a, _ = server.http(
                "GET", f"/amc/audiences/query/{created['audienceExecutionId']}", headers=headers)
            self.assertEqual(status, 200, a)
            if a["status"] not in ("PENDING", "RUNNING") or time.time() > deadline:
                return a
            time.sleep(0.05)


if __name__ == "__main__":
    unittest.main()
