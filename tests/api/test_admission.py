"""Admission (core/protected_queries.h, QueryLimits): an AMC instance has at most
`--executions-per-instance` workflow executions pending or running, and at most `--query-queue`
protected queries wait in all; a submit beyond either is 429 in the AMC shape and records
nothing. Counted inside the transaction that records a query, from the catalog, so neither a
burst nor a restart gets past them.

Executions on a few rows end in a moment, too fast to hold places with real work; the test holds
them by rewriting finished queries' status in the catalog (a deliberate tamper, in one helper)."""
import unittest

import harness
from harness import advertiser_setup, catalog_rows

ACCOUNT = "682015477777"
ADVERTISER = 5849400007
ALL_CAMPAIGNS = ("SELECT campaign_id, COUNT(DISTINCT user_id) AS users FROM impressions "
                 "GROUP BY campaign_id")
WINDOW = {"timeWindowStart": "2023-02-07T00:00:00", "timeWindowEnd": "2023-02-08T00:00:00",
          "timeWindowTimeZone": "UTC", "timeWindowType": "EXPLICIT"}


class AdmissionTest(harness.ServerTestCase):
    SERVER_ARGS = ["--executions-per-instance", "2", "--query-queue", "3"]

    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(extra_args=cls.SERVER_ARGS).start()
        cls.creds, cls.user = advertiser_setup(cls.server, ACCOUNT, amc_name="Advertiser Q")
        cls.instance, _ = harness.active_amc_instance(
            cls.server, cls.creds, cls.user, "admission", ADVERTISER, "adm-results")
        cls.base = f"/amc/reporting/{cls.instance}"
        provider = cls.server.platform_account("ADVERTISING_DATA_PROVIDER")
        rows = ["user_id,advertiser_id,campaign_id,campaign,event_dt,event_dt_utc,impressions"]
        rows += [f"u{i},{ADVERTISER},1,Sale,2023-02-07 10:00:00,2023-02-07 10:00:00,1" for i in range(120)]
        cls.server.upload_csv(provider["accountId"], "platform.impressions", "\n".join(rows) + "\n")

    def submit(self):
        return self.user.call("POST", self.base + "/workflowExecutions",
                              dict(WINDOW, workflow={"workflowId": "all_campaigns", "sqlQuery": ALL_CAMPAIGNS}))

    def finished_executions(self, n):
        """n executions run to their end; their protected query ids."""
        ids = []
        for _ in range(n):
            status, out, _ = self.submit()
            self.assertEqual(status, 200, out)
            ended = self.user.ended_execution(self.instance, out["workflowExecutionId"])
            self.assertEqual(ended["status"], "SUCCEEDED", ended)
            ids.append(out["workflowExecutionId"])
        return [catalog_rows(self.server.data_dir, "SELECT protected_query_id FROM "
                             "amc_workflow_executions WHERE execution_id = ?", (e,))[0][0]
                for e in ids]

    def set_statuses(self, statuses):
        """The tamper: {protected query id: status} written straight into the catalog."""
        for query_id, status in statuses.items():
            catalog_rows(self.server.data_dir,
                         "UPDATE protected_queries SET status = ? WHERE protected_query_id = ?",
                         (status, query_id))

    def executions_of_instance(self):
        status, out, _ = self.user.call("GET", self.base + "/workflowExecutions")
        self.assertEqual(status, 200, out)
        return len(out["executions"])

    def test_limits_refuse_with_429_and_record_nothing(self):
        queries = self.finished_executions(3)
        before = self.executions_of_instance()

        # Two of the instance's executions still running: a third is refused.
        self.set_statuses({queries[0]: "STARTED", queries[1]: "SUBMITTED", queries[2]: "SUCCESS"})
        status, out, _ = self.submit()
        self.assertEqual(status, 429, out)
        self.assertEqual(set(out), {"message", "requestId"}, out)
        self.assertIn("already has 2 workflow executions pending or running", out["message"])
        self.assertEqual(self.executions_of_instance(), before, "a refused execution is not recorded")

        # Three queries waiting, the whole queue: refused before the instance's count is asked.
        self.set_statuses({q: "SUBMITTED" for q in queries})
        status, out, _ = self.submit()
        self.assertEqual(status, 429, out)
        self.assertIn("the server's queue of 3 protected queries waiting to run is full", out["message"])
        self.assertEqual(self.executions_of_instance(), before)

        # Once they have ended there is room again.
        self.set_statuses({q: "SUCCESS" for q in queries})
        status, out, _ = self.submit()
        self.assertEqual(status, 200, out)
        self.assertEqual(self.user.ended_execution(self.instance, out["workflowExecutionId"])["status"],
                         "SUCCEEDED")


if __name__ == "__main__":
    unittest.main()
