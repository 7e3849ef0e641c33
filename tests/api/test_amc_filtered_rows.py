"""AMC's filtered-row options and outputColumns (docs/amc-api.md, "Filtered-row options",
"outputColumns") over HTTP against a real server, as a normal user reads them and as a hostile
analyst tries them: a campaign of one person must not surface through the user count column,
the reason text or REMOVE_VALUES, and must be indistinguishable from a campaign of nobody.
"""
import csv
import io
import os
import unittest

import harness
from harness import advertiser_setup

ACCOUNT = "682015477777"
ADVERTISER = 5849400007

# In the window 2023-02-07: campaign 1 (150 users, 2 impressions each), campaign 4 (120 users, 5
# each), and under the threshold of 100 (event_dt is MEDIUM): campaign 2 (one person, 3
# impressions), campaign 5 (60 users, 1 each) and campaign 6 (50 users, 1 each). Campaigns 2, 5 and
# 6 together are 111 users and 113 impressions.
def impressions_csv():
    rows = ["user_id,advertiser_id,campaign_id,campaign,event_dt,impression_dt_utc,impressions"]
    at = "2023-02-07 10:00:00"
    rows += [f"a{i},{ADVERTISER},1,One,{at},{at},2" for i in range(150)]
    rows += [f"d{i},{ADVERTISER},4,Four,{at},{at},5" for i in range(120)]
    rows += [f"solo,{ADVERTISER},2,Solo,{at},{at},3"]
    rows += [f"e{i},{ADVERTISER},5,Five,{at},{at},1" for i in range(60)]
    rows += [f"f{i},{ADVERTISER},6,Six,{at},{at},1" for i in range(50)]
    return "\n".join(rows) + "\n"


WINDOW = {"timeWindowStart": "2023-02-07T00:00:00", "timeWindowEnd": "2023-02-08T00:00:00",
          "timeWindowTimeZone": "UTC", "timeWindowType": "EXPLICIT"}


def by_campaign(condition="TRUE"):
    # event_dt (MEDIUM) puts every row under the threshold of 100.
    return ("SELECT campaign_id, SUM(impressions) AS impressions FROM impressions "
            "WHERE event_dt >= BUILT_IN_PARAMETER('TIME_WINDOW_START') AND " + condition +
            " GROUP BY campaign_id")


ALL_OPTIONS = {"filteredMetricsDiscriminatorColumn": "filtered",
               "distinctUserCountColumn": "du_count",
               "filteredReasonColumn": "filtered_reason"}
REASON = "'impressions' users < 100 required"
HEADER = ["campaign_id", "impressions", "filtered", "du_count", "filtered_reason"]


class AmcFilteredRowsTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        server = cls.server
        cls.creds, cls.user = advertiser_setup(server, ACCOUNT, amc_name="Advertiser F")
        cls.instance, _ = harness.active_amc_instance(server, cls.creds, cls.user, "filtered rows",
                                                      ADVERTISER, "adv-results")
        cls.base = f"/amc/reporting/{cls.instance}"
        provider = server.platform_account("ADVERTISING_DATA_PROVIDER")
        server.upload_csv(provider["accountId"], "platform.impressions", impressions_csv())

    # --- helpers -------------------------------------------------------------------------------
    def execute(self, sql, expect="SUCCEEDED", **options):
        """Runs an inline workflow and answers its ended execution."""
        workflow = dict({"workflowId": "inline", "sqlQuery": sql}, **options)
        status, out, _ = self.user.call("POST", self.base + "/workflowExecutions",
                                        dict(WINDOW, workflow=workflow))
        self.assertEqual(status, 200, out)
        e = self.user.ended_execution(self.instance, out["workflowExecutionId"])
        self.assertEqual(e["status"], expect, e)
        return e

    def rows(self, sql, **options):
        """The header, then the rows sorted."""
        uri = self.execute(sql, **options)["outputS3URI"]
        with open(os.path.join(self.server.data_dir, "buckets", uri[5:])) as f:
            rows = list(csv.reader(io.StringIO(f.read())))
        by_value = lambda r: [(0, int(x), "") if x.lstrip("-").isdigit() else (1, 0, x) for x in r]
        return rows[:1] + sorted(rows[1:], key=by_value)

    def refused(self, body, path=None):
        status, out, _ = self.user.call("POST", path or self.base + "/workflowExecutions", body)
        self.assertEqual(status, 400, out)
        return out["message"]

    # --- a normal user -------------------------------------------------------------------------
    def test_removed_campaigns_fold_into_one_row_with_their_count_and_reason(self):
        self.assertEqual(self.rows(by_campaign(), **ALL_OPTIONS), [
            HEADER,
            ["1", "300", "false", "150", ""],
            ["4", "600", "false", "120", ""],
            # Campaigns 2, 5 and 6: counted together, never one of them.
            ["", "113", "true", "111", REASON]])

    def test_the_user_count_alone_shows_each_delivered_rows_users(self):
        self.assertEqual(self.rows(by_campaign(), distinctUserCountColumn="users"), [
            ["campaign_id", "impressions", "users"], ["1", "300", "150"], ["4", "600", "120"]])

    def test_remove_values_keeps_one_row_of_removed_values(self):
        self.assertEqual(self.rows(by_campaign(), privacyFilteringBehavior="REMOVE_VALUES",
                                   **ALL_OPTIONS), [
            HEADER,
            ["1", "300", "false", "150", ""],
            ["4", "600", "false", "120", ""],
            ["", "113", "true", "111", REASON]])
        # Campaign 2 alone is under the threshold: its row stays, with nothing of it.
        self.assertEqual(self.rows(by_campaign("campaign_id IN (1, 2)"),
                                   privacyFilteringBehavior="REMOVE_VALUES", **ALL_OPTIONS), [
            HEADER, ["1", "300", "false", "150", ""], ["", "", "true", "", REASON]])

    def test_options_are_stored_returned_and_checked(self):
        body = dict({"workflowId": "with_options", "sqlQuery": by_campaign(),
                     "privacyFilteringBehavior": "REMOVE_VALUES",
                     "outputColumns": [{"name": "campaign_id", "dataType": "LONG",
                                        "columnType": "DIMENSION"},
                                       {"name": "impressions", "dataType": "DECIMAL",
                                        "columnType": "METRIC", "description": "all of them"}]},
                    **ALL_OPTIONS)
        status, out, _ = self.user.call("POST", self.base + "/workflows", body)
        self.assertEqual(status, 200, out)
        status, w, _ = self.user.call("GET", self.base + "/workflows/with_options")
        self.assertEqual(status, 200, w)
        for field in ["privacyFilteringBehavior", "outputColumns", *ALL_OPTIONS]:
            self.assertEqual(w[field], body[field], field)
        bad = [
            {"privacyFilteringBehavior": "DROP"},
            {"privacyFilteringBehavior": 1},
            {"outputColumns": [{"name": "x", "dataType": "VARCHAR"}]},
            {"outputColumns": [{"name": "x"}]},
            {"outputColumns": [{"name": "x", "dataType": "LONG", "dataTypeScale": 2}]},
            {"outputColumns": [{"name": "x", "dataType": "DECIMAL", "dataTypePrecision": 40}]},
            {"outputColumns": [{"name": "x", "dataType": "LONG"}, {"name": "X", "dataType": "LONG"}]},
            {"outputColumns": [{"name": "x", "dataType": "LONG", "columnType": "KEY"}]},
            {"outputColumns": [{"name": "x", "dataType": "LONG", "extra": 1}]},
            {"outputColumns": [{"name": f"c{i}", "dataType": "LONG"} for i in range(101)]},
            {"distinctUserCountColumn": "same", "filteredReasonColumn": "same"},
            {"filteredReasonColumn": "has space"},
        ]
        for extra in bad:
            status, out, _ = self.user.call("POST", self.base + "/workflows",
                                            dict({"workflowId": "bad", "sqlQuery": by_campaign()},
                                                 **extra))
            self.assertEqual(status, 400, (extra, out))

    def test_output_columns_must_match_the_result(self):
        columns = [{"name": "campaign_id", "dataType": "LONG"},
                   {"name": "impressions", "dataType": "LONG"}]
        # Listed as the dry run names them; the option columns need not be listed.
        e = self.execute(by_campaign(), outputColumns=columns, **ALL_OPTIONS)
        self.assertEqual(e["status"], "SUCCEEDED")
        status, dry, _ = self.user.call("POST", self.base + "/workflowExecutions", dict(
            WINDOW, dryRun=True, workflow={"workflowId": "d", "sqlQuery": by_campaign(),
                                           "outputColumns": columns}))
        self.assertEqual(status, 200, dry)

        wrong_type = [columns[0], {"name": "impressions", "dataType": "STRING"}]
        e = self.execute(by_campaign(), expect="FAILED", outputColumns=wrong_type)
        self.assertIn("outputColumns[1] impressions must be STRING", e["statusReason"])
        self.assertNotIn("outputS3URI", e)
        message = self.refused(dict(WINDOW, dryRun=True, workflow={
            "workflowId": "d", "sqlQuery": by_campaign(), "outputColumns": wrong_type}))
        self.assertIn("outputColumns[1] impressions must be STRING", message)

        e = self.execute(by_campaign(), expect="FAILED", outputColumns=columns[:1])
        self.assertIn("the query answers the column impressions", e["statusReason"])
        e = self.execute(by_campaign(), expect="FAILED",
                         outputColumns=columns + [{"name": "reach", "dataType": "LONG"}])
        self.assertIn("outputColumns[2] reach is not a column", e["statusReason"])

    # --- a hostile analyst ---------------------------------------------------------------------
    def test_one_person_is_indistinguishable_from_nobody(self):
        # Campaign 2 is one person; campaign 99 has nobody. Whatever the options, both answer the
        # same file: no count of 1, no impressions of 3, no reason that tells them apart.
        for behavior in ["REMOVE_ROWS", "REMOVE_VALUES"]:
            one = self.rows(by_campaign("campaign_id = 2"), privacyFilteringBehavior=behavior,
                            **ALL_OPTIONS)
            nobody = self.rows(by_campaign("campaign_id = 99"), privacyFilteringBehavior=behavior,
                               **ALL_OPTIONS)
            self.assertEqual(one, nobody, behavior)
            cells = [c for row in one[1:] for c in row]
            self.assertNotIn("1", cells, behavior)
            self.assertNotIn("3", cells, behavior)
        self.assertEqual(one, [HEADER, ["", "", "true", "", REASON]])
        # The same beside a delivered campaign.
        self.assertEqual(
            self.rows(by_campaign("campaign_id IN (1, 2)"), privacyFilteringBehavior="REMOVE_VALUES",
                      **ALL_OPTIONS),
            self.rows(by_campaign("campaign_id IN (1, 99)"), privacyFilteringBehavior="REMOVE_VALUES",
                      **ALL_OPTIONS))

    def test_the_analysts_having_cannot_remove_the_row_of_removed_values(self):
        # HAVING on the removed row's hidden sum would tell whether one person's 3 impressions are
        # over 2: the row stays either way.
        sql = ("SELECT campaign_id, SUM(impressions) AS total FROM impressions "
               "WHERE event_dt >= BUILT_IN_PARAMETER('TIME_WINDOW_START') "
               "AND campaign_id IN (1, 2) GROUP BY campaign_id HAVING SUM(impressions) > 2")
        over = self.rows(sql, privacyFilteringBehavior="REMOVE_VALUES", **ALL_OPTIONS)
        under = self.rows(sql.replace("> 2", "> 5"), privacyFilteringBehavior="REMOVE_VALUES",
                          **ALL_OPTIONS)
        self.assertEqual(over, under)
        self.assertEqual(over[-1], ["", "", "true", "", REASON])

    def test_an_option_column_cannot_shadow_a_query_column(self):
        message = self.refused(dict(WINDOW, workflow={
            "workflowId": "shadow", "sqlQuery": by_campaign(),
            "distinctUserCountColumn": "impressions"}))
        self.assertIn("distinctUserCountColumn names the column impressions", message)


if __name__ == "__main__":
    unittest.main()
