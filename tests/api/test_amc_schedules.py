"""AMC schedules (docs/amc-api.md, "Schedules") over HTTP against a real server: the public
shapes, a workflow a schedule holds cannot be deleted, and the server runs a schedule's
executions on time. The server's AMC clock is started where the test needs it
(`serve --clock-start`), and restarted: schedules survive restarts, and a run missed while the
server was down runs once, not once per missed day.
"""
import csv
import io
import os
import shutil
import time
import unittest

import harness
from harness import advertiser_setup

ACCOUNT = "682015477777"
OTHER_ACCOUNT = "682015488888"
ADVERTISER = 5849400002
ENDED = {"SUCCEEDED", "FAILED", "CANCELLED"}

# 150 users on 2023-02-07 (campaign 1), 120 on 2023-02-10 (campaign 4); both days in UTC.
def impressions_csv():
    rows = ["user_id,advertiser_id,campaign_id,event_dt_utc,impressions"]
    rows += [f"u{i},{ADVERTISER},1,2023-02-07 10:00:00,2" for i in range(150)]
    rows += [f"x{i},{ADVERTISER},4,2023-02-10 12:00:00,5" for i in range(120)]
    return "\n".join(rows) + "\n"


SQL = ("SELECT campaign_id, COUNT(DISTINCT user_id) AS users FROM impressions "
       "GROUP BY campaign_id")


class AmcSchedulesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The AMC clock starts at noon on 7 February 2023 (UTC).
        cls.server = harness.Server(extra_args=["--clock-start", "2023-02-07T12:00:00Z"]).start()
        server = cls.server
        cls.creds, cls.user = advertiser_setup(server, ACCOUNT, amc_name="Advertiser S")
        cls.instance, _ = harness.active_amc_instance(server, cls.creds, cls.user, "scheduled",
                                                      ADVERTISER, "sched-results")
        cls.base = f"/amc/reporting/{cls.instance}"
        _, cls.other = advertiser_setup(server, OTHER_ACCOUNT, amc_name="Advertiser T")
        provider = server.platform_account("ADVERTISING_DATA_PROVIDER")
        server.upload_csv(provider["accountId"], "platform.impressions", impressions_csv())
        for workflow_id in ("daily_campaigns", "weekly_campaigns", "unscheduled"):
            status, body, _ = cls.user.call("POST", cls.base + "/workflows",
                                            {"workflowId": workflow_id, "sqlQuery": SQL})
            assert status == 200, body

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.data_dir, ignore_errors=True)

    def restart(self, clock_start):
        """Stops the server and starts it again on the same data dir with its AMC clock at
        `clock_start`."""
        self.server.stop()
        type(self).server = harness.Server(data_dir=self.server.data_dir,
                                           extra_args=["--clock-start", clock_start]).start()
        self.user.server = self.server

    def scheduled_executions(self):
        status, listed, _ = self.user.call("GET", self.base + "/workflowExecutions")
        self.assertEqual(status, 200, listed)
        return [e for e in listed["executions"] if e.get("scheduleId")]

    def wait_for(self, predicate, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.2)
        return predicate()

    def rows(self, uri):
        with open(os.path.join(self.server.data_dir, "buckets", uri[5:])) as f:
            return list(csv.reader(io.StringIO(f.read())))

    def test_1_shapes_and_rules(self):
        path = self.base + "/schedules"
        body = {"scheduleId": "weekly", "workflowId": "weekly_campaigns", "aggregationHourUtc": 16,
                "aggregationPeriod": "Weekly", "scheduleEnabled": True}
        status, out, _ = self.user.call("POST", path, body)
        self.assertEqual(status, 200, out)
        s = out["schedule"]
        # No start day: the day it was created (2023-02-07, a Tuesday, on the AMC clock).
        self.assertEqual({k: s[k] for k in ("scheduleId", "workflowId", "aggregationHourUtc",
                                            "aggregationPeriod", "aggregationStartDay",
                                            "scheduleEnabled")},
                         {"scheduleId": "weekly", "workflowId": "weekly_campaigns",
                          "aggregationHourUtc": 16, "aggregationPeriod": "Weekly",
                          "aggregationStartDay": "Tuesday", "scheduleEnabled": True})
        self.assertEqual(s["nextRunTime"], "2023-02-07T16:00:00Z")
        self.assertEqual(self.user.call("POST", path, body)[0], 409)
        status, out, _ = self.user.call("GET", path + "/weekly")
        self.assertEqual((status, out["schedule"]["scheduleId"]), (200, "weekly"), out)
        status, out, _ = self.user.call("GET", path)
        self.assertEqual(status, 200, out)
        self.assertEqual([x["scheduleId"] for x in out["schedules"]], ["weekly"])
        # PUT replaces the definition: disabled, it has no next run.
        status, out, _ = self.user.call("PUT", path + "/weekly", dict(
            body, aggregationStartDay="Friday", scheduleEnabled=False))
        self.assertEqual(status, 200, out)
        self.assertEqual((out["schedule"]["aggregationStartDay"], out["schedule"]["scheduleEnabled"]),
                         ("Friday", False))
        self.assertNotIn("nextRunTime", out["schedule"])
        for bad in [dict(body, scheduleId="has space"), dict(body, aggregationPeriod="Monthly"),
                    dict(body, aggregationHourUtc=24), dict(body, aggregationHourUtc="16"),
                    dict(body, aggregationStartDay="Funday"), dict(body, unknown=1),
                    dict(body, disableAggregationControls=True),
                    {k: v for k, v in body.items() if k != "workflowId"}]:
            status, out, _ = self.user.call("POST", path, dict(bad, scheduleId=bad.get("scheduleId", "x")))
            self.assertEqual(status, 400, (bad, out))
        status, out, _ = self.user.call("POST", path, dict(body, scheduleId="y", workflowId="nope"))
        self.assertEqual(status, 404, out)
        self.assertEqual(self.user.call("PUT", path + "/nope", dict(body, scheduleId="nope"))[0], 404)
        self.assertEqual(self.user.call("PUT", path + "/weekly", dict(body, scheduleId="other"))[0], 400)
        # Another advertiser sees nothing.
        for method, p in [("GET", path), ("GET", path + "/weekly"), ("DELETE", path + "/weekly"),
                          ("PUT", path + "/weekly")]:
            status, out, _ = self.other.call(method, p, body if method == "PUT" else None)
            self.assertIn(status, (403, 404), (method, p, out))

    def test_2_a_scheduled_workflow_cannot_be_deleted(self):
        path = self.base + "/schedules"
        status, out, _ = self.user.call("POST", path, {
            "scheduleId": "holds", "workflowId": "unscheduled", "aggregationHourUtc": 3,
            "aggregationPeriod": "Daily", "scheduleEnabled": False})
        self.assertEqual(status, 200, out)
        status, out, _ = self.user.call("DELETE", self.base + "/workflows/unscheduled")
        self.assertEqual(status, 400, out)
        self.assertIn("holds", out["message"])
        self.assertEqual(self.user.call("GET", self.base + "/workflows/unscheduled")[0], 200)
        status, out, _ = self.user.call("DELETE", path + "/holds")
        self.assertEqual((status, out), (200, {}))
        self.assertEqual(self.user.call("GET", path + "/holds")[0], 404)
        self.assertEqual(self.user.call("DELETE", self.base + "/workflows/unscheduled")[0], 200)

    def test_3_the_server_runs_schedules_on_time_and_once_after_downtime(self):
        status, out, _ = self.user.call("POST", self.base + "/schedules", {
            "scheduleId": "daily", "workflowId": "daily_campaigns", "aggregationHourUtc": 0,
            "aggregationPeriod": "Daily", "scheduleEnabled": True})
        self.assertEqual(status, 200, out)
        self.assertEqual(out["schedule"]["nextRunTime"], "2023-02-08T00:00:00Z")
        time.sleep(1.5)
        self.assertEqual(self.scheduled_executions(), [])  # noon: not due

        # The clock nears midnight: nothing yet, then the run of 8 February 00:00 over the 7th.
        self.restart("2023-02-07T23:59:55Z")
        self.assertEqual(self.scheduled_executions(), [])
        runs = self.wait_for(self.scheduled_executions, timeout=30)
        self.assertEqual(len(runs), 1, runs)
        run = runs[0]
        self.assertEqual((run["scheduleId"], run["workflowId"]), ("daily", "daily_campaigns"))
        self.assertEqual((run["timeWindowStart"], run["timeWindowEnd"]),
                         ("2023-02-07T00:00:00", "2023-02-08T00:00:00"))
        run = self.wait_for(lambda: next(
            (e for e in self.scheduled_executions() if e["status"] in ENDED), None), timeout=60)
        self.assertEqual(run["status"], "SUCCEEDED", run)
        self.assertEqual(self.rows(run["outputS3URI"]), [["campaign_id", "users"], ["1", "150"]])
        status, out, _ = self.user.call("GET", self.base + "/schedules/daily")
        self.assertEqual(out["schedule"]["lastRunTime"], "2023-02-08T00:00:00Z")

        # Down from then until 11 February 00:30: the runs of the 9th, 10th and 11th were missed;
        # one runs, over the latest day (the 10th, campaign 4).
        self.restart("2023-02-11T00:30:00Z")
        runs = self.wait_for(lambda: len(self.scheduled_executions()) >= 2 and self.scheduled_executions())
        time.sleep(2.5)
        runs = self.scheduled_executions()
        self.assertEqual(len(runs), 2, runs)
        latest = runs[0]  # newest first
        self.assertEqual((latest["timeWindowStart"], latest["timeWindowEnd"]),
                         ("2023-02-10T00:00:00", "2023-02-11T00:00:00"))
        # Listed by workflow too, as any execution.
        status, out, _ = self.user.call("GET", self.base + "/workflowExecutions?workflowId=daily_campaigns")
        self.assertEqual(len(out["executions"]), 2, out)
        # The schedule survived both restarts.
        status, out, _ = self.user.call("GET", self.base + "/schedules/daily")
        self.assertEqual((status, out["schedule"]["lastRunTime"]), (200, "2023-02-11T00:00:00Z"))


if __name__ == "__main__":
    unittest.main()
