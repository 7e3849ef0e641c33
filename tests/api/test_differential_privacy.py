"""Differential privacy end to end through boto3 (docs/differential-privacy.md): a CUSTOM rule with
differentialPrivacy cannot be queried before its owner sets the collaboration's policy; then it
answers noisy aggregates, spends the budget per aggregation as ListPrivacyBudgets shows, and is
refused once the budget is spent. The padded-segment attack that thresholds fall to recovers
only noise of the documented scale."""
import csv
import io
import os
import statistics

import botocore.exceptions

import harness
from harness import ServerTestCase

A, B = "111111111111", "222222222222"
TARGET_COST = 1700
DECOYS = range(43, 48)
PEOPLE = 300  # more people, so that the count answers near the truth


class DifferentialPrivacyTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds, cls.cr = cls.server.accounts(A, B)
        cls.server.new_bucket(A, "a-results")
        rows = ["user_id,cost", f"42,{TARGET_COST}"] + [f"{u},{u}" for u in DECOYS]
        rows += [f"{1000 + i},{i % 50}" for i in range(PEOPLE - 6)]
        cls.server.upload_csv(B, "crm.people", "\n".join(rows) + "\n")
        segments = ["uid,segment", "42,A"] + [f"{u},A" for u in DECOYS] + [f"{u},B" for u in DECOYS]
        cls.server.upload_csv(A, "mine.segments", "\n".join(segments) + "\n")

    def collaboration(self, name):
        """A (analyst, its own segments) and B (people with costs under differential privacy)."""
        collaboration, ms_a, ms_b = harness.two_party_collaboration(self.cr, A, B, name, "a-results")
        custom = {"allowedAnalyses": ["ANY_QUERY"], "allowedAnalysisProviders": [A]}
        harness.configure_table(self.cr[A], A, ms_a, "mine", "segments", ["uid", "segment"],
                                "CUSTOM", custom, name)
        harness.configure_table(self.cr[B], B, ms_b, "crm", "people", ["user_id", "cost"], "CUSTOM",
                                dict(custom, differentialPrivacy={"columns": [{"name": "user_id"}]}),
                                name)
        return collaboration, ms_a, ms_b

    def policy(self, ms_b, epsilon, noise=10):
        self.cr[B].create_privacy_budget_template(
            membershipIdentifier=ms_b, autoRefresh="NONE", privacyBudgetType="DIFFERENTIAL_PRIVACY",
            parameters={"differentialPrivacy": {"epsilon": epsilon, "usersNoisePerQuery": noise}})

    def start(self, ms, sql):
        return self.cr[A].start_protected_query(
            type="SQL", membershipIdentifier=ms, sqlParameters={"queryString": sql})["protectedQuery"]

    def value(self, ms, sql):
        q = self.finished_query(self.cr[A], ms, self.start(ms, sql))
        self.assertEqual(q["status"], "SUCCESS", q)
        self.last = q
        location = q["result"]["output"]["s3"]["location"]
        with open(os.path.join(self.server.data_dir, "buckets", location[5:])) as f:
            rows = list(csv.reader(io.StringIO(f.read())))
        self.assertEqual(len(rows), 2, rows)
        return float(rows[1][0])

    def remaining(self, ms, kind):
        budgets = self.cr[A].list_privacy_budgets(
            membershipIdentifier=ms, privacyBudgetType="DIFFERENTIAL_PRIVACY")["privacyBudgetSummaries"]
        aggregations = budgets[0]["budget"]["differentialPrivacy"]["aggregations"]
        return next(a["remainingCount"] for a in aggregations if a["type"] == kind)

    def test_noisy_counts_spend_the_budget_until_it_is_gone(self):
        _, ms_a, ms_b = self.collaboration("budget")
        sql = "SELECT COUNT(DISTINCT user_id) AS people FROM people"
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.start(ms_a, sql)
        self.assertIn("differential privacy", cm.exception.response["Error"]["Message"])

        self.policy(ms_b, epsilon=1)  # 10 counts of people at usersNoisePerQuery 10
        self.assertEqual(self.remaining(ms_a, "COUNT_DISTINCT"), 10)
        answers = [self.value(ms_a, sql) for _ in range(10)]
        self.assertEqual(self.last["differentialPrivacy"]["sensitivityParameters"], [{
            "aggregationType": "COUNT_DISTINCT", "aggregationExpression": "count(DISTINCT user_id)",
            "userContributionLimit": 1}])
        # Discrete Laplace of scale 10: |noise| > 150 has probability e^-15 per answer.
        for a in answers:
            self.assertLess(abs(a - PEOPLE), 150, answers)
        self.assertGreater(len(set(answers)), 1, answers)  # noisy, not the count
        self.assertEqual(self.remaining(ms_a, "COUNT_DISTINCT"), 0)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.start(ms_a, sql)
        error = cm.exception.response["Error"]
        self.assertEqual(error["Code"], "ValidationException")
        self.assertIn("exhausted", error["Message"])

    def test_a_padded_segment_recovers_only_noise(self):
        _, ms_a, ms_b = self.collaboration("padded")
        self.policy(ms_b, epsilon=20)
        sql = ("SELECT SUM(LEAST(GREATEST(p.cost, 0), 2000)) AS cost FROM segments m "
               "JOIN people p ON m.uid = p.user_id WHERE m.segment = '{}'")
        recovered = [self.value(ms_a, sql.format("A")) - self.value(ms_a, sql.format("B"))
                     for _ in range(6)]
        sensitivity = self.last["differentialPrivacy"]["sensitivityParameters"]
        self.assertEqual([(p["aggregationType"], p["minColumnValue"], p["maxColumnValue"])
                          for p in sensitivity], [("SUM", 0.0, 2000.0)])
        # Each sum has noise of scale 10 x 2000 = 20,000 (standard deviation about 28,000), so
        # the difference's is about 40,000: the target's 1,700 is lost in it.
        spread = statistics.pstdev(recovered)
        self.assertGreater(spread, 4000, recovered)
        self.assertLess(spread, 400000, recovered)
        self.assertTrue(all(r != TARGET_COST for r in recovered), recovered)
