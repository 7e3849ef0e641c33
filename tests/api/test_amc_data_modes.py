"""Advertiser data, issue 16 (docs/amc-api.md, "Uploads", "User deletion requests", "Data
sources"), over HTTP against a real server:

- the four upload modes (ADDITIVE, FULL_REPLACE, OVERLAP_KEEP, OVERLAP_REPLACE), read back
  through a one-member collaboration where the advertiser queries its own data set;
- /userDeletionRequest: the matching rows leave every version a query can read (and the files
  of older versions), the status says when, and the answer is the same whether an identity was
  in the data or not; only the caller's own instance is touched;
- dataSources: the instance's tables and columns, with the classes the query policy applies.
"""
import csv
import glob
import hashlib
import io
import os
import time
import unittest

import harness
from harness import advertiser_setup

ACCOUNT = "682015499991"
OTHER_ACCOUNT = "682015499992"
ADVERTISER = 5849800001


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


EVENTS = {
    "dataSetId": "events", "dataSetType": "FACT", "period": "P1D",
    "columns": [
        {"name": "event_time", "dataType": "TIMESTAMP", "columnType": "DIMENSION",
         "isMainEventTime": True},
        {"name": "email", "dataType": "STRING", "columnType": "DIMENSION",
         "externalUserIdType": {"hashedPii": "EMAIL"}},
        {"name": "amount", "dataType": "LONG", "columnType": "METRIC"}]}

PEOPLE = {
    "dataSetId": "people", "dataSetType": "DIMENSION",
    "columns": [
        {"name": "first", "dataType": "STRING", "columnType": "DIMENSION",
         "externalUserIdType": {"hashedPii": "FIRST_NAME"}},
        {"name": "last", "dataType": "STRING", "columnType": "DIMENSION",
         "externalUserIdType": {"hashedPii": "LAST_NAME"}},
        {"name": "zip", "dataType": "STRING", "columnType": "DIMENSION",
         "externalUserIdType": {"hashedPii": "ZIP"}},
        {"name": "phone", "dataType": "STRING", "columnType": "DIMENSION",
         "externalUserIdType": {"hashedPii": "PHONE"}},
        {"name": "tier", "dataType": "INTEGER", "columnType": "DIMENSION"}]}

PEOPLE_CSV = (b"first,last,zip,phone,tier\n"
              b"Ann,Lee,98101,+1 206 555 0100,1\n"
              b"Carl,Diaz,02134,,2\n"
              b"Dora,Diaz,02134,+1 206 555 0199,3\n")


def events_csv(rows):
    return ("event_time,email,amount\n" + "".join(
        f"2024-01-0{day}T10:00:00Z,{email},{amount}\n" for day, email, amount in rows)).encode()


def impressions_csv():
    rows = ["user_id,advertiser_id,campaign_id,postal_code,event_dt_utc,impressions"]
    rows += [f"u{i},{ADVERTISER},1,98101,2023-02-07 10:00:00,2" for i in range(3)]
    return "\n".join(rows) + "\n"


class AdvertiserDataTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        server = cls.server
        cls.creds, cls.user = advertiser_setup(server, ACCOUNT, amc_name="Advertiser D")
        cls.other_creds, cls.other = advertiser_setup(server, OTHER_ACCOUNT,
                                                      amc_name="Advertiser E")
        provider = server.platform_account("ADVERTISING_DATA_PROVIDER")
        server.upload_csv(provider["accountId"], "platform.sponsored_ads_traffic", impressions_csv())
        server.link_advertiser(cls.user.advertiser_id, ADVERTISER)
        cls.instance, _ = harness.active_amc_instance(server, cls.creds, cls.user, "data modes",
                                                      ADVERTISER, "modes-results")
        cls.base = f"/amc/advertiserData/{cls.instance}"
        # The advertiser reads its own data sets back in a collaboration of its own, under a
        # CUSTOM rule (the runner's own table): that is how a query sees each version.
        cls.cr = server.cleanrooms(cls.creds)
        solo = cls.cr.create_collaboration(
            name="own data", description="d", creatorDisplayName="D",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
            queryLogStatus="DISABLED", members=[])["collaboration"]
        cls.ms = cls.cr.create_membership(
            collaborationIdentifier=solo["id"], queryLogStatus="DISABLED",
            defaultResultConfiguration={"outputConfiguration": {"s3": {
                "bucket": "modes-results", "keyPrefix": "own", "resultFormat": "CSV"}}}
        )["membership"]["id"]
        cls.configured = set()

    # --- helpers --------------------------------------------------------------------------
    def define(self, definition, user=None, instance=None):
        base = f"/amc/advertiserData/{instance}" if instance else self.base
        status, body, _ = (user or self.user).call("POST", base + "/dataSets", definition)
        self.assertEqual(status, 200, body)

    def upload(self, data_set_id, data, strategy=None, user=None, instance=None):
        user = user or self.user
        base = f"/amc/advertiserData/{instance}" if instance else self.base
        headers = dict(user.headers(), **{"Content-Type": "text/csv"})
        query = f"?updateStrategy={strategy}" if strategy else ""
        status, up, _ = self.server.http("POST", f"{base}/uploads/{data_set_id}{query}",
                                         raw_body=data, headers=headers)
        if status != 200:
            return status, up
        return status, user.ended_upload(f"{base}/uploads/{data_set_id}", up)

    def own_rows(self, table, columns, order):
        """The data set's current version as a query reads it."""
        if table not in self.configured:
            harness.configure_table(self.cr, ACCOUNT, self.ms, self.instance, table, columns,
                                    "CUSTOM", {"allowedAnalyses": ["ANY_QUERY"],
                                               "allowedAnalysisProviders": [ACCOUNT]}, "own")
            self.configured.add(table)
        started = self.cr.start_protected_query(
            type="SQL", membershipIdentifier=self.ms,
            sqlParameters={"queryString": f"SELECT {', '.join(columns)} FROM {table} "
                                          f"ORDER BY {order}"})["protectedQuery"]
        q = self.finished_query(self.cr, self.ms, started)
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        location = q["result"]["output"]["s3"]["location"]
        with open(os.path.join(self.server.data_dir, "buckets", location[5:])) as f:
            return list(csv.reader(io.StringIO(f.read())))[1:]

    def deletion(self, body, user=None, instance=None):
        base = f"/amc/advertiserData/{instance}" if instance else self.base
        return (user or self.user).call("POST", base + "/userDeletionRequest", body)

    def ended_deletion(self, posted, user=None, instance=None, timeout=60):
        base = f"/amc/advertiserData/{instance}" if instance else self.base
        deadline = time.time() + timeout
        while True:
            status, body, _ = (user or self.user).call(
                "GET", f"{base}/userDeletionRequest/{posted['userDeletionRequestId']}")
            self.assertEqual(status, 200, body)
            r = body["userDeletionRequest"]
            if r["status"] not in ("PENDING", "RUNNING") or time.time() > deadline:
                return r
            time.sleep(0.05)

    def refused(self, answer, status, words):
        code, body, _ = answer
        self.assertEqual(code, status, body)
        self.assertEqual(set(body), {"message", "requestId"}, body)
        self.assertIn(words, body["message"])

    # --- upload modes ---------------------------------------------------------------------
    def test_upload_modes(self):
        self.define(dict(EVENTS, dataSetId="modes"))
        rows = lambda: [(r[0][:10], r[1], r[2]) for r in self.own_rows(
            "modes", ["event_time", "email", "amount"], "amount")]
        # The first upload of any mode is the data.
        status, up = self.upload("modes", events_csv([(1, "a@x.com", 1), (2, "b@x.com", 2)]),
                                 "OVERLAP_KEEP")
        self.assertEqual(up["status"], "SUCCEEDED", up)
        self.assertEqual(up["updateStrategy"], "OVERLAP_KEEP")
        self.assertEqual(rows(), [("2024-01-01", sha("a@x.com"), "1"),
                                  ("2024-01-02", sha("b@x.com"), "2")])
        # ADDITIVE adds every row, whatever its day.
        status, up = self.upload("modes", events_csv([(2, "c@x.com", 3)]), "ADDITIVE")
        self.assertEqual((up["status"], up["metrics"]), ("SUCCEEDED", {"OutputRowCount": 3}), up)
        self.assertEqual([r[2] for r in rows()], ["1", "2", "3"])
        # OVERLAP_REPLACE: the days the upload has (2 and 3) are replaced; day 1 stays.
        status, up = self.upload("modes", events_csv([(2, "d@x.com", 4), (3, "e@x.com", 5)]),
                                 "OVERLAP_REPLACE")
        self.assertEqual(up["status"], "SUCCEEDED", up)
        self.assertEqual(rows(), [("2024-01-01", sha("a@x.com"), "1"),
                                  ("2024-01-02", sha("d@x.com"), "4"),
                                  ("2024-01-03", sha("e@x.com"), "5")])
        # OVERLAP_KEEP: day 3 is there already and stays; day 4 is new and is added.
        status, up = self.upload("modes", events_csv([(3, "f@x.com", 6), (4, "g@x.com", 7)]),
                                 "OVERLAP_KEEP")
        self.assertEqual(up["status"], "SUCCEEDED", up)
        self.assertEqual([r[2] for r in rows()], ["1", "4", "5", "7"])
        # FULL_REPLACE (the default): the upload is the whole data set.
        status, up = self.upload("modes", events_csv([(5, "h@x.com", 8)]))
        self.assertEqual((up["status"], up["updateStrategy"]), ("SUCCEEDED", "FULL_REPLACE"), up)
        self.assertEqual(rows(), [("2024-01-05", sha("h@x.com"), "8")])

    def test_overlap_is_by_the_data_sets_period(self):
        # P1M: one January row overlaps the whole month.
        self.define(dict(EVENTS, dataSetId="monthly", period="P1M"))
        self.upload("monthly", events_csv([(1, "a@x.com", 1), (2, "b@x.com", 2)]))
        status, up = self.upload("monthly", events_csv([(9, "c@x.com", 3)]), "OVERLAP_REPLACE")
        self.assertEqual(up["status"], "SUCCEEDED", up)
        self.assertEqual([r[1] for r in self.own_rows("monthly", ["email", "amount"], "amount")],
                         ["3"])

    def test_upload_mode_refusals(self):
        self.define(dict(PEOPLE, dataSetId="dimension"))
        for strategy in ("OVERLAP_KEEP", "OVERLAP_REPLACE"):
            status, body = self.upload("dimension", PEOPLE_CSV, strategy)
            self.assertEqual(status, 400, body)
            self.assertIn("DIMENSION", body["message"])
        status, body = self.upload("dimension", PEOPLE_CSV, "MERGE")
        self.assertEqual(status, 400, body)
        self.assertIn("updateStrategy", body["message"])
        # Nothing was recorded for a refused upload; ADDITIVE works on a DIMENSION data set.
        status, body, _ = self.user.call("POST", self.base + "/uploads/list?dataSetId=dimension")
        self.assertEqual(body["uploads"], [])
        for _ in range(2):
            status, up = self.upload("dimension", PEOPLE_CSV, "ADDITIVE")
            self.assertEqual(up["status"], "SUCCEEDED", up)
        self.assertEqual(up["metrics"], {"OutputRowCount": 6})

    # --- user deletion requests -----------------------------------------------------------
    def test_deletion_removes_rows_from_every_version(self):
        self.define(dict(EVENTS, dataSetId="purchases"))
        self.define(dict(PEOPLE, dataSetId="crm"))
        self.upload("purchases", events_csv([(1, "Ann@Example.com", 1), (2, "bob@example.com", 2),
                                             (3, "ann@example.com", 3)]))
        # A second version: the first stays on disk until the deletion removes it.
        self.upload("purchases", events_csv([(1, "Ann@Example.com", 1), (2, "bob@example.com", 2),
                                             (3, "ann@example.com", 3), (4, "cy@example.com", 4)]),
                    "FULL_REPLACE")
        self.upload("crm", PEOPLE_CSV)
        folder = os.path.join(self.server.data_dir, "datasets", ACCOUNT, self.instance)
        self.assertEqual(len(glob.glob(os.path.join(folder, "purchases", "*.parquet"))), 2)

        # Raw and hashed spellings alike; a phone; a name with its postal code.
        status, r, _ = self.deletion({"countryCode": "US", "identities": [
            {"EMAIL": " ANN@example.com"},
            {"EMAIL": sha("cy@example.com")},
            {"PHONE": "+1 (206) 555-0199"},
            {"FIRST_NAME": "carl", "LAST_NAME": "DIAZ", "ZIP": "02134-0001"}]})
        self.assertEqual(status, 200, r)
        self.assertEqual((r["status"], r["identityCount"], r["instanceId"]),
                         ("PENDING", 4, self.instance))
        done = self.ended_deletion(r)
        self.assertEqual(done["status"], "SUCCEEDED", done)

        self.assertEqual(self.own_rows("purchases", ["email", "amount"], "amount"),
                         [[sha("bob@example.com"), "2"]])
        self.assertEqual([r[0] for r in self.own_rows("crm", ["tier", "first"], "tier")], ["1"])
        # The older versions are gone from disk; only the one queries read is left.
        for table in ("purchases", "crm"):
            status, d, _ = self.server.signed_http(self.creds, "GET",
                                                   f"/datasets/{self.instance}/{table}")
            self.assertEqual(status, 200, d)
            files = glob.glob(os.path.join(folder, table, "*.parquet"))
            self.assertEqual(files, [os.path.join(self.server.data_dir, d["path"])])

        status, body, _ = self.user.call("POST", self.base + "/userDeletionRequest/list")
        self.assertEqual(status, 200, body)
        self.assertIn(r["userDeletionRequestId"],
                      [x["userDeletionRequestId"] for x in body["userDeletionRequests"]])

    def test_the_answer_never_says_whether_someone_was_there(self):
        # Attack: ask to delete someone who is in the data, and someone who is not; compare
        # everything the answers and the request's record say.
        self.define(dict(EVENTS, dataSetId="oracle"))
        self.upload("oracle", events_csv([(1, "present@example.com", 1)]))
        answers = []
        for email in ("present@example.com", "absent@example.com"):
            status, r, _ = self.deletion({"identities": [{"EMAIL": email}]})
            self.assertEqual(status, 200, r)
            done = self.ended_deletion(r)
            status, listed, _ = self.user.call("GET", self.base + "/userDeletionRequest/list")
            mine = next(x for x in listed["userDeletionRequests"]
                        if x["userDeletionRequestId"] == r["userDeletionRequestId"])
            answers.append([{k: v for k, v in x.items()
                             if k not in ("userDeletionRequestId", "createdAt", "updatedAt")}
                            for x in (r, done, mine)])
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[0][1],
                         {"instanceId": self.instance, "status": "SUCCEEDED", "identityCount": 1})

    def test_deletion_reaches_only_the_callers_own_instance(self):
        # The same person in another advertiser's instance and in another instance of the
        # caller's own account.
        status, body, _ = self.other.create_instance(
            {"instanceName": "other", "awsAccountId": OTHER_ACCOUNT, "acrBacked": True})
        other_instance = body["instance"]["instanceId"]
        self.define(dict(EVENTS, dataSetId="shared"), user=self.other, instance=other_instance)
        self.upload("shared", events_csv([(1, "shared@example.com", 1)]), user=self.other,
                    instance=other_instance)
        status, body, _ = self.user.create_instance(
            {"instanceName": "second", "awsAccountId": ACCOUNT, "acrBacked": True})
        second = body["instance"]["instanceId"]
        self.define(dict(EVENTS, dataSetId="shared"), instance=second)
        self.upload("shared", events_csv([(1, "shared@example.com", 1)]), instance=second)
        self.define(dict(EVENTS, dataSetId="shared"))
        self.upload("shared", events_csv([(1, "shared@example.com", 1)]))

        # Another advertiser cannot send a request for this instance, nor read its requests.
        self.refused(self.deletion({"identities": [{"EMAIL": "shared@example.com"}]},
                                   user=self.other), 404, self.instance)
        self.refused(self.other.call("POST", self.base + "/userDeletionRequest/list"), 404,
                     self.instance)
        status, r, _ = self.deletion({"identities": [{"EMAIL": "shared@example.com"}]})
        self.assertEqual(self.ended_deletion(r)["status"], "SUCCEEDED")
        self.refused(self.other.call("GET", f"{self.base}/userDeletionRequest/"
                                            f"{r['userDeletionRequestId']}"), 404, self.instance)
        self.refused(self.user.call("GET", f"/amc/advertiserData/{second}/userDeletionRequest/"
                                           f"{r['userDeletionRequestId']}"), 404,
                     r["userDeletionRequestId"])
        # Only this instance's data set changed.
        self.assertEqual(self.own_rows("shared", ["email"], "email"), [])
        for creds, instance in ((self.other_creds, other_instance), (self.creds, second)):
            status, d, _ = self.server.signed_http(creds, "GET", f"/datasets/{instance}/shared")
            self.assertEqual((status, d["rowCount"], d["version"]), (200, 1, 1), d)

    def test_deletion_refusals(self):
        one = {"EMAIL": "a@example.com"}
        self.refused(self.deletion({"identities": [one] * 1001}), 400, "at most 1000")
        self.refused(self.deletion({"identities": []}), 400, "at least one")
        self.refused(self.deletion({}), 400, "identities")
        self.refused(self.deletion({"identities": [{"FIRST_NAME": "Ann", "LAST_NAME": "Lee"}]}),
                     400, "identities[0]")
        self.refused(self.deletion({"identities": [{"ADDRESS": "1 Main St"}]}), 400,
                     "identities[0].ADDRESS")
        self.refused(self.deletion({"identities": [{"EMAIL": ""}]}), 400, "identities[0].EMAIL")
        self.refused(self.deletion({"identities": [{"EMAIL": 5}]}), 400, "identities[0].EMAIL")
        self.refused(self.deletion({"identities": ["a@example.com"]}), 400, "identities[0]")
        self.refused(self.deletion({"identities": [one], "countryCode": "XX"}), 400,
                     "countryCode")
        self.refused(self.deletion({"identities": [one], "dryRun": True}), 400, "dryRun")
        self.refused(self.user.call("POST", "/amc/advertiserData/amcnothere/userDeletionRequest",
                                    {"identities": [one]}), 404, "amcnothere")
        self.refused(self.user.call("GET", self.base + "/userDeletionRequest/nothere"), 404,
                     "nothere")
        # Exactly 1,000 is accepted.
        status, r, _ = self.deletion({"identities": [{"EMAIL": f"p{i}@example.com"}
                                                     for i in range(1000)]})
        self.assertEqual((status, r.get("identityCount")), (200, 1000), r)
        self.assertEqual(self.ended_deletion(r)["status"], "SUCCEEDED")

    def test_uploads_and_deletions_never_overlap(self):
        # Attack: an upload committing while a deletion request runs would bring the rows back.
        # Each is refused while the other is under way (a large upload and a large rewrite take
        # long enough to be caught in the middle).
        self.define(dict(EVENTS, dataSetId="busy"))
        big = events_csv([(1 + i % 9, f"p{i}@example.com", i) for i in range(200000)])
        headers = dict(self.user.headers(), **{"Content-Type": "text/csv"})
        status, up, _ = self.server.http("POST", f"{self.base}/uploads/busy", raw_body=big,
                                         headers=headers)
        self.assertEqual(status, 200, up)
        self.refused(self.deletion({"identities": [{"EMAIL": "p1@example.com"}]}), 409,
                     "uploads queued or running")
        self.assertEqual(self.user.ended_upload(f"{self.base}/uploads/busy", up)["status"],
                         "SUCCEEDED")
        status, r, _ = self.deletion({"identities": [{"EMAIL": "p1@example.com"}]})
        self.assertEqual(status, 200, r)
        status, body = self.upload("busy", events_csv([(1, "p1@example.com", 1)]), "ADDITIVE")
        self.assertEqual(status, 409, body)
        self.assertIn("deletion request", body["message"])
        self.assertEqual(self.ended_deletion(r)["status"], "SUCCEEDED")
        status, d, _ = self.server.signed_http(self.creds, "GET", f"/datasets/{self.instance}/busy")
        self.assertEqual(d["rowCount"], 199999, d)

    # --- data sources ---------------------------------------------------------------------
    def test_data_sources(self):
        self.define(dict(EVENTS, dataSetId="sources"))
        status, body, _ = self.user.call("GET", f"/amc/reporting/{self.instance}/dataSources")
        self.assertEqual(status, 200, body)
        by_id = {d["dataSourceId"]: d for d in body["dataSources"]}
        impressions = by_id["sponsored_ads_traffic"]
        self.assertEqual(impressions["dataSourceType"], "AMAZON")
        classes = {c["name"]: c["aggregationThreshold"] for c in impressions["columns"]}
        self.assertEqual(classes, {"user_id": "VERY_HIGH", "advertiser_id": "LOW",
                                   "campaign_id": "LOW", "postal_code": "HIGH",
                                   "event_dt_utc": "MEDIUM", "impressions": "NONE"})
        self.assertEqual([c["name"] for c in impressions["columns"] if c["isMainEventTime"]],
                         ["event_dt_utc"])
        sources = by_id["sources"]
        self.assertEqual(sources["dataSourceType"], "ADVERTISER_UPLOADED")
        self.assertEqual([(c["name"], c["dataType"], "aggregationThreshold" in c)
                          for c in sources["columns"]],
                         [("event_time", "TIMESTAMP", False), ("email", "STRING", False),
                          ("amount", "LONG", False)])
        self.assertEqual(sources["columns"][1]["externalUserIdType"],
                         {"type": "HashedIdentifier", "identifierType": "EMAIL"})
        status, one, _ = self.user.call(
            "GET", f"/amc/reporting/{self.instance}/dataSources/sponsored_ads_traffic")
        self.assertEqual((status, one["dataSource"]), (200, impressions))

        # The classes shown are the ones the policy holds queries to: the VERY_HIGH column is
        # refused as an output, the HIGH one in a literal comparison.
        for sql in ("SELECT user_id, COUNT(*) AS n FROM sponsored_ads_traffic GROUP BY user_id",
                    "SELECT COUNT(DISTINCT user_id) AS n FROM sponsored_ads_traffic "
                    "WHERE postal_code = '98101'"):
            status, body, _ = self.user.call(
                "POST", f"/amc/reporting/{self.instance}/workflowExecutions",
                {"workflow": {"workflowId": "probe", "sqlQuery": sql}, "dryRun": True,
                 "timeWindowStart": "2023-02-07T00:00:00", "timeWindowEnd": "2023-02-08T00:00:00"})
            self.assertEqual(status, 400, body)

        self.refused(self.user.call("GET", f"/amc/reporting/{self.instance}/dataSources/nothere"),
                     404, "nothere")
        self.refused(self.other.call("GET", f"/amc/reporting/{self.instance}/dataSources"), 404,
                     self.instance)


if __name__ == "__main__":
    unittest.main()
