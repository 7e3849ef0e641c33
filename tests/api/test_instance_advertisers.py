"""Every AMC instance reads only its own advertisers' platform events (docs/platform-tables.md,
"Advertisers"; docs/amc-api.md, "Advertisers of an instance"), played as the attacker would: the
platform's dsp_impressions holds the spend of two advertisers; advertiser B's brand-new instance
asks for every advertiser's spend per campaign, tries to add advertiser A's id, and tries to
filter its way to A's rows. Only the operator decides which advertiser ids an AMC account owns.
"""
import csv
import io
import os
import time
import unittest

import harness
from harness import advertiser_setup

NORTHWIND, CONTOSO = 5849100001, 5849100002
A_ACCOUNT, B_ACCOUNT = "682015477771", "682015477772"
ENDED = {"SUCCEEDED", "FAILED", "CANCELLED"}
TERMINAL = {"SUCCESS", "FAILED", "CANCELLED", "TIMED_OUT"}

SPEND = ("SELECT advertiser, campaign, SUM(total_cost) AS spend, COUNT(DISTINCT user_id) AS users "
         "FROM dsp_impressions GROUP BY advertiser, campaign")


def impressions_csv():
    """Advertiser A (Northwind): 150 users at 700; advertiser B (Contoso): 120 users at 300."""
    rows = ["user_id,advertiser_id,advertiser,campaign_id,campaign,impressions,total_cost"]
    rows += [f"{i},{NORTHWIND},Northwind Outdoor,11,Northwind | Secret Launch,1,700" for i in range(150)]
    rows += [f"{1000 + i},{CONTOSO},Contoso Home,21,Contoso | Spring,1,300" for i in range(120)]
    return "\n".join(rows) + "\n"


class InstanceAdvertisersTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        server = cls.server
        provider = server.platform_account("ADVERTISING_DATA_PROVIDER")
        server.upload_csv(provider["accountId"], "platform.dsp_impressions", impressions_csv())
        cls.a_creds, cls.a = advertiser_setup(server, A_ACCOUNT, amc_name="Northwind")
        cls.b_creds, cls.b = advertiser_setup(server, B_ACCOUNT, amc_name="Contoso")
        # The operator's declaration: which platform advertiser belongs to which AMC account.
        server.link_advertiser(cls.a.advertiser_id, NORTHWIND)
        server.link_advertiser(cls.b.advertiser_id, CONTOSO)
        server.new_bucket(B_ACCOUNT, "b-results")

    # --- helpers -------------------------------------------------------------------------------
    def new_instance(self, name):
        """A new instance of advertiser B, joined by B's account with its results bucket."""
        status, body, _ = self.b.create_instance({"instanceName": name, "awsAccountId": B_ACCOUNT,
                                                  "acrBacked": True})
        self.assertEqual(status, 200, body)
        instance_id = body["instance"]["instanceId"]
        cr = self.server.cleanrooms(self.b_creds)
        collab = next(c for c in cr.list_collaborations(memberStatus="INVITED")["collaborationList"]
                      if c["name"] == "AMC " + instance_id)
        cr.create_membership(collaborationIdentifier=collab["id"], queryLogStatus="DISABLED",
                             defaultResultConfiguration={"outputConfiguration": {"s3": {
                                 "bucket": "b-results", "keyPrefix": "amc", "resultFormat": "CSV"}}})
        return instance_id, collab["id"]

    def execution(self, instance_id, sql):
        """An AMC workflow execution of `sql`; the rows of its result file."""
        base = f"/amc/reporting/{instance_id}/workflowExecutions"
        status, e, _ = self.b.call("POST", base, {
            "workflow": {"workflowId": "spend", "sqlQuery": sql},
            "timeWindowStart": "2026-10-01T00:00:00", "timeWindowEnd": "2026-11-01T00:00:00"})
        self.assertEqual(status, 200, e)
        deadline = time.time() + 60
        while e["status"] not in ENDED and time.time() < deadline:
            time.sleep(0.05)
            _, e, _ = self.b.call("GET", f"{base}/{e['workflowExecutionId']}")
        self.assertEqual(e["status"], "SUCCEEDED", e)
        with open(os.path.join(self.server.data_dir, "buckets", e["outputS3URI"][5:])) as f:
            return list(csv.reader(io.StringIO(f.read())))

    def protected_query(self, collaboration_id, sql):
        """The same through the Clean Rooms face, as the Query Submitter; the result's rows."""
        cr = self.server.cleanrooms(self.server.platform_account("QUERY_SUBMITTER"))
        ms = next(m["id"] for m in cr.list_memberships(status="ACTIVE")["membershipSummaries"]
                  if m["collaborationId"] == collaboration_id)
        q = cr.start_protected_query(
            type="SQL", membershipIdentifier=ms, sqlParameters={"queryString": sql},
            resultConfiguration={"outputConfiguration": {"member": {"accountId": B_ACCOUNT}}})["protectedQuery"]
        deadline = time.time() + 60
        while q["status"] not in TERMINAL and time.time() < deadline:
            time.sleep(0.05)
            q = cr.get_protected_query(membershipIdentifier=ms, protectedQueryIdentifier=q["id"])["protectedQuery"]
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        with open(os.path.join(self.server.data_dir, "buckets", q["result"]["output"]["s3"]["location"][5:])) as f:
            return list(csv.reader(io.StringIO(f.read())))

    def advertisers(self, instance_id):
        status, body, _ = self.b.call("GET", f"/amc/instances/{instance_id}/advertisers")
        self.assertEqual(status, 200, body)
        return body["advertisers"]

    # --- the attacks ---------------------------------------------------------------------------
    def test_a_new_instance_reads_no_advertisers_events(self):
        instance_id, collab = self.new_instance("brand_new")
        self.assertEqual(self.advertisers(instance_id), [])
        header = ["advertiser", "campaign", "spend", "users"]
        self.assertEqual(self.execution(instance_id, SPEND), [header])
        self.assertEqual(self.protected_query(collab, SPEND), [header])

    def test_an_instance_cannot_add_another_accounts_advertiser(self):
        instance_id, _ = self.new_instance("takes_a_competitor")
        for advertiser in (NORTHWIND, 5849100099):  # A's id, and an id nobody owns
            with self.subTest(advertiser=advertiser):
                update = self.b.add_advertisers(instance_id, advertiser)
                self.assertEqual(update["status"], "REJECTED", update)
                self.assertIn(f"advertiser {advertiser} is not linked to AMC account {self.b.advertiser_id}",
                              update["pendingVerificationReason"])
        # Rejected with its own id beside A's: nothing of the update is applied.
        update = self.b.add_advertisers(instance_id, CONTOSO, NORTHWIND)
        self.assertEqual(update["status"], "REJECTED", update)
        self.assertEqual(self.advertisers(instance_id), [])
        self.assertEqual(self.execution(instance_id, SPEND), [["advertiser", "campaign", "spend", "users"]])
        # The update and its verdict are kept, as the AMC API lists them.
        status, body, _ = self.b.call("GET", f"/amc/instances/{instance_id}/advertisers/updates")
        self.assertEqual(status, 200, body)
        self.assertEqual([u["status"] for u in body["advertiserUpdates"]], ["REJECTED"] * 3)

    def test_after_linking_its_own_advertiser_an_instance_reads_exactly_its_own(self):
        instance_id, collab = self.new_instance("links_its_own")
        update = self.b.add_advertisers(instance_id, CONTOSO)
        self.assertEqual(update["status"], "COMPLETED", update)
        self.assertEqual(self.advertisers(instance_id),
                         [{"id": str(CONTOSO), "marketplaceId": harness.MARKETPLACE, "type": "DISPLAY"}])
        own = [["advertiser", "campaign", "spend", "users"], ["Contoso Home", "Contoso | Spring", "36000", "120"]]
        self.assertEqual(self.execution(instance_id, SPEND), own)
        self.assertEqual(self.protected_query(collab, SPEND), own)
        # Naming A's advertiser in the query does not bring its rows back: they are not in the view.
        probe = ("SELECT campaign, COUNT(DISTINCT user_id) AS users FROM dsp_impressions "
                 f"WHERE advertiser_id = {NORTHWIND} OR advertiser_id <> 0 GROUP BY campaign")
        self.assertEqual(self.execution(instance_id, probe), [["campaign", "users"], ["Contoso | Spring", "120"]])

        # Removing it takes its rows away again.
        status, body, _ = self.b.call("POST", f"/amc/instances/{instance_id}/advertisers/updates", {
            "advertisersToRemove": [{"id": str(CONTOSO), "marketplaceId": harness.MARKETPLACE, "type": "DISPLAY"}]})
        self.assertEqual((status, body["advertiserUpdate"]["status"]), (200, "COMPLETED"), body)
        self.assertEqual(self.execution(instance_id, SPEND), [["advertiser", "campaign", "spend", "users"]])

    def test_only_the_operator_links_advertisers_and_one_account_owns_each(self):
        # The AMC face has no way to link: the owner is declared with `cleanroom admin`.
        code, out = self.server.admin("amc-account", "link-advertiser", "--amc-account",
                                      self.b.advertiser_id, "--advertiser-id", str(NORTHWIND), check=False)
        self.assertNotEqual(code, 0)
        self.assertIn(f"belongs to AMC account {self.a.advertiser_id}", out["error"])
        code, out = self.server.admin("amc-account", "unlink-advertiser", "--amc-account",
                                      self.b.advertiser_id, "--advertiser-id", str(NORTHWIND), check=False)
        self.assertNotEqual(code, 0)
        # Still A's alone.
        listed = self.server.link_advertiser(self.a.advertiser_id, NORTHWIND)
        self.assertEqual(listed, {"advertiserId": self.a.advertiser_id, "platformAdvertiserIds": [NORTHWIND]})

    def test_a_platform_table_without_an_advertiser_column_is_refused(self):
        provider = self.server.platform_account("ADVERTISING_DATA_PROVIDER")
        self.server.upload_csv(provider["accountId"], "platform.campaign_totals",
                               "user_id,campaign,total_cost\n" + "".join(f"{i},x,5\n" for i in range(200)))
        instance_id, _ = self.new_instance("reads_a_shared_table")
        status, out, _ = self.b.call("POST", f"/amc/reporting/{instance_id}/workflowExecutions", {
            "workflow": {"workflowId": "totals", "sqlQuery":
                         "SELECT campaign, SUM(total_cost) AS spend FROM campaign_totals GROUP BY campaign"},
            "timeWindowStart": "2026-10-01T00:00:00", "timeWindowEnd": "2026-11-01T00:00:00"})
        self.assertEqual(status, 400, out)
        self.assertIn("platform table campaign_totals has no integer advertiser_id column", out["message"])


if __name__ == "__main__":
    unittest.main()
