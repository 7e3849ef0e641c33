"""Difference checks (docs/difference-checks.md) against the attacks thresholds alone fall to,
played as the hostile analyst would through boto3 and the AMC API: a padded segment (one target
and five decoys, then the decoys alone), the classic N versus N-1 over two uploads, and AMC time
windows that differ by one person's impressions. Each time the second, differing group is not
answered, so the target's value cannot be recovered; the same query run again still answers,
and the operator's switch turns the checks off."""
import csv
import io
import os

import harness
from harness import ServerTestCase, advertiser_setup

A, B = "111111111111", "222222222222"
TARGET_COST = 1700  # what the analyst is after: person 42's cost
DECOYS = range(43, 48)  # five people the analyst knows are in B's table, with known costs


def people_csv(with_target=True):
    rows = ["user_id,cost"]
    if with_target:
        rows.append(f"42,{TARGET_COST}")
    rows += [f"{u},{u}" for u in DECOYS]
    return "\n".join(rows) + "\n"


class CleanRoomsDifferenceChecksTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds, cls.cr = cls.server.accounts(A, B)
        cls.server.new_bucket(A, "a-results")
        cls.server.upload_csv(B, "crm.people", people_csv())
        # The analyst's own segments: A is the target and the five decoys, B the decoys alone.
        segments = ["uid,segment", "42,A"] + [f"{u},A" for u in DECOYS] + [f"{u},B" for u in DECOYS]
        cls.server.upload_csv(A, "mine.segments", "\n".join(segments) + "\n")
        cls.server.upload_csv(A, "mine.ids", "uid,tag\n42,x\n" + "".join(f"{u},x\n" for u in DECOYS))

    def collaboration(self, name, own_table):
        """A fresh collaboration of A (analyst) and B (people with costs), each with an
        AGGREGATION rule and a minimum of 3 people per row."""
        collaboration, ms_a, ms_b = harness.two_party_collaboration(self.cr, A, B, name, "a-results")
        dims = {"segments": ["segment"], "ids": ["tag"]}[own_table]
        mine = {"aggregateColumns": [{"columnNames": ["uid"], "function": "COUNT_DISTINCT"}],
                "joinColumns": ["uid"], "dimensionColumns": dims, "scalarFunctions": [],
                "outputConstraints": [{"columnName": "uid", "minimum": 3, "type": "COUNT_DISTINCT"}]}
        theirs = {"aggregateColumns": [{"columnNames": ["cost"], "function": "SUM"},
                                       {"columnNames": ["user_id"], "function": "COUNT_DISTINCT"}],
                  "joinColumns": ["user_id"], "dimensionColumns": [], "scalarFunctions": [],
                  "outputConstraints": [{"columnName": "user_id", "minimum": 3,
                                         "type": "COUNT_DISTINCT"}]}
        harness.configure_table(self.cr[A], A, ms_a, "mine", own_table, ["uid"] + dims,
                                "AGGREGATION", mine, name)
        harness.configure_table(self.cr[B], B, ms_b, "crm", "people", ["user_id", "cost"],
                                "AGGREGATION", theirs, name)
        return collaboration, ms_a

    def rows(self, membership, sql):
        started = self.cr[A].start_protected_query(
            type="SQL", membershipIdentifier=membership,
            sqlParameters={"queryString": sql})["protectedQuery"]
        q = self.finished_query(self.cr[A], membership, started)
        self.assertEqual(q["status"], "SUCCESS", q)
        location = q["result"]["output"]["s3"]["location"]
        with open(os.path.join(self.server.data_dir, "buckets", location[5:])) as f:
            return list(csv.reader(io.StringIO(f.read())))

    def test_the_switch_names_what_it_cannot_find_and_refuses_other_states(self):
        rc, out = self.server.admin("collaboration", "difference-checks", "--collaboration",
                                    "00000000-0000-0000-0000-000000000000", "off", check=False)
        self.assertEqual(rc, 1)
        self.assertIn("00000000-0000-0000-0000-000000000000", out["error"])
        rc, _ = self.server.admin("collaboration", "difference-checks", "--collaboration",
                                  "00000000-0000-0000-0000-000000000000", "maybe", check=False)
        self.assertNotEqual(rc, 0)

    def test_a_padded_segment_and_its_decoys_never_both_come_back(self):
        _, ms = self.collaboration("padded-one-query", "segments")
        sql = ("SELECT m.segment, SUM(p.cost) AS cost FROM segments m "
               "JOIN people p ON m.uid = p.user_id GROUP BY m.segment")
        rows = self.rows(ms, sql)
        # Both groups pass the minimum of 3; they differ by one person: one of them is removed.
        self.assertEqual(rows[0], ["segment", "cost"])
        self.assertEqual(len(rows), 2, rows)
        # The same query again learns nothing new and answers the same row.
        self.assertEqual(self.rows(ms, sql), rows)

    def test_the_decoys_alone_after_the_padded_segment_are_not_answered(self):
        _, ms = self.collaboration("padded-two-queries", "segments")
        query = ("SELECT SUM(p.cost) AS cost FROM segments m JOIN people p ON m.uid = p.user_id "
                 "WHERE m.segment = '{}'")
        padded = self.rows(ms, query.format("A"))
        self.assertEqual(padded, [["cost"], [str(TARGET_COST + sum(DECOYS))]])
        self.assertEqual(self.rows(ms, query.format("B")), [["cost"]])

    def test_n_versus_n_minus_one_over_two_uploads(self):
        collaboration, ms = self.collaboration("n-minus-one", "ids")
        sql = "SELECT SUM(p.cost) AS cost FROM ids m JOIN people p ON m.uid = p.user_id"
        self.assertEqual(self.rows(ms, sql), [["cost"], [str(TARGET_COST + sum(DECOYS))]])
        # The analyst uploads its table again without the target.
        self.server.upload_csv(A, "mine.ids", "uid,tag\n" + "".join(f"{u},x\n" for u in DECOYS))
        try:
            self.assertEqual(self.rows(ms, sql), [["cost"]])
            # The operator turns the checks off for this collaboration: the row comes back, and
            # with it the target's cost (what the checks cost is exactly this protection).
            self.server.admin("collaboration", "difference-checks", "--collaboration",
                              collaboration, "off")
            self.assertEqual(self.rows(ms, sql), [["cost"], [str(sum(DECOYS))]])
        finally:
            self.server.admin("collaboration", "difference-checks", "--collaboration",
                              collaboration, "on")
            self.server.upload_csv(A, "mine.ids",
                                   "uid,tag\n42,x\n" + "".join(f"{u},x\n" for u in DECOYS))


ACCOUNT = "682015488888"
ADVERTISER = 5849400008


class AmcDifferenceChecksTest(ServerTestCase):
    """AMC: two executions whose time windows differ by one person's impression."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        server = cls.server
        cls.creds, cls.user = advertiser_setup(server, ACCOUNT, amc_name="Advertiser D")
        cls.instance, _ = harness.active_amc_instance(server, cls.creds, cls.user, "differences",
                                                      ADVERTISER, "adv-results")
        cls.base = f"/amc/reporting/{cls.instance}"
        provider = server.platform_account("ADVERTISING_DATA_PROVIDER")
        rows = ["user_id,advertiser_id,campaign_id,campaign,event_dt,impression_dt_utc,impressions"]
        at = "2023-02-07 10:00:00"
        rows += [f"a{i},{ADVERTISER},1,One,{at},{at},2" for i in range(150)]
        late = "2023-02-07 18:00:00"  # the target's one impression, later that day
        rows += [f"target,{ADVERTISER},1,One,{late},{late},40"]
        server.upload_csv(provider["accountId"], "platform.dsp_impressions", "\n".join(rows) + "\n")

    def rows(self, start, end):
        body = {"timeWindowStart": start, "timeWindowEnd": end, "timeWindowTimeZone": "UTC",
                "timeWindowType": "EXPLICIT",
                "workflow": {"workflowId": "inline", "sqlQuery":
                             "SELECT campaign_id, SUM(impressions) AS impressions "
                             "FROM dsp_impressions GROUP BY campaign_id"}}
        status, out, _ = self.user.call("POST", self.base + "/workflowExecutions", body)
        self.assertEqual(status, 200, out)
        e = self.user.ended_execution(self.instance, out["workflowExecutionId"])
        self.assertEqual(e["status"], "SUCCEEDED", e)
        with open(os.path.join(self.server.data_dir, "buckets", e["outputS3URI"][5:])) as f:
            return list(csv.reader(io.StringIO(f.read())))

    def test_windows_one_person_apart_answer_only_the_first(self):
        whole_day = self.rows("2023-02-07T00:00:00", "2023-02-08T00:00:00")
        self.assertEqual(whole_day, [["campaign_id", "impressions"], ["1", "340"]])
        # The morning alone is everyone but the target: 300 would give away the target's 40.
        self.assertEqual(self.rows("2023-02-07T00:00:00", "2023-02-07T12:00:00"),
                         [["campaign_id", "impressions"]])
        # The same day again is the same people: answered.
        self.assertEqual(self.rows("2023-02-07T00:00:00", "2023-02-08T00:00:00"), whole_day)
