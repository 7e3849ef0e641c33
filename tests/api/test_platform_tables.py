"""The platform's tables (docs/platform-tables.md): the Advertising Data Provider's `platform`
datasets are published on upload, under a rule derived from their columns, into every AMC
instance's collaboration (those created before and after), replaced by uploading again; the
identity table is never published."""
import os
import subprocess
import tempfile
import time

from harness import BIN, ServerTestCase, advertiser_setup

TERMINAL = {"SUCCESS", "FAILED", "CANCELLED", "TIMED_OUT"}


# The one platform advertiser of these impressions; an instance reads them once it is linked.
ADVERTISER = 5849300001


def impressions(users_by_campaign, extra_column=False):
    # Each campaign its own people: campaigns that share most of theirs would be a difference
    # check's business (test_difference_checks.py), not this test's.
    rows = ["user_id,advertiser_id,campaign_id,campaign,impressions,total_cost" + (",device_type" if extra_column else "")]
    for campaign, users in users_by_campaign.items():
        rows += [f"{campaign * 1000 + u},{ADVERTISER},{campaign},c{campaign},1,250" + (",PC" if extra_column else "")
                 for u in range(users)]
    return "\n".join(rows) + "\n"


class PlatformTablesTest(ServerTestCase):
    advertiser_owner = None  # the AMC account the operator last linked ADVERTISER to
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.server.platform_account("ADVERTISING_DATA_PROVIDER")
        cls.submitter = cls.server.platform_account("QUERY_SUBMITTER")
        # Loaded before any instance exists.
        cls.server.upload_csv(cls.provider["accountId"], "platform.dsp_impressions",
                              impressions({1: 120, 2: 5}))
        cls.server.upload_csv(cls.provider["accountId"], "platform.identities",
                              "user_id,email,phone,first_name,last_name,postal_code\n1,a@example.com,"
                              "+1 555 010 0000,ann,lee,94105\n",
                              "email:email,phone:phone,first_name:first_name,last_name:last_name,"
                              "postal_code:postal_code")

    def new_instance(self, account_id, name):
        creds, user = advertiser_setup(self.server, account_id, amc_name=name)
        self.server.new_bucket(account_id, "results-" + account_id)
        status, body, _ = user.create_instance({"instanceName": name.replace(" ", "_").lower(),
                                                "acrBacked": True, "awsAccountId": account_id})
        self.assertIn(status, (200, 201), body)
        instance_id = body["instance"]["instanceId"]
        adv = self.server.cleanrooms(creds)
        collab = next(c for c in adv.list_collaborations(memberStatus="INVITED")["collaborationList"]
                      if instance_id in c["name"])
        adv.create_membership(collaborationIdentifier=collab["id"], queryLogStatus="DISABLED",
                              defaultResultConfiguration={"outputConfiguration": {"s3": {
                                  "bucket": "results-" + account_id, "keyPrefix": "amc",
                                  "resultFormat": "CSV"}}})
        # The operator moves the impressions' advertiser to this account, and the instance adds it
        # (docs/platform-tables.md, "Advertisers").
        owner = PlatformTablesTest.advertiser_owner
        if owner:
            self.server.admin("amc-account", "unlink-advertiser", "--amc-account", owner,
                              "--advertiser-id", str(ADVERTISER))
        user.own_advertisers(instance_id, ADVERTISER)
        PlatformTablesTest.advertiser_owner = user.advertiser_id
        return adv, collab["id"]

    def schema_names(self, client, collaboration_id):
        return sorted(s["name"] for s in client.list_schemas(
            collaborationIdentifier=collaboration_id)["schemaSummaries"])

    def query(self, collaboration_id, account_id, sql):
        cr = self.server.cleanrooms(self.submitter)
        ms = next(m["id"] for m in cr.list_memberships(status="ACTIVE")["membershipSummaries"]
                  if m["collaborationId"] == collaboration_id)
        q = cr.start_protected_query(
            type="SQL", membershipIdentifier=ms, sqlParameters={"queryString": sql},
            resultConfiguration={"outputConfiguration": {"member": {"accountId": account_id}}})["protectedQuery"]
        deadline = time.time() + 60
        while q["status"] not in TERMINAL and time.time() < deadline:
            time.sleep(0.05)
            q = cr.get_protected_query(membershipIdentifier=ms, protectedQueryIdentifier=q["id"])["protectedQuery"]
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        location = q["result"]["output"]["s3"]["location"]
        with open(f"{self.server.data_dir}/buckets/{location[5:]}") as f:
            return f.read().splitlines()

    def test_a_new_instance_has_the_platform_tables_under_the_platform_rule(self):
        adv, collab = self.new_instance("682015400001", "Advertiser One")
        # The identity table is the matching's, never the collaboration's.
        self.assertEqual(self.schema_names(adv, collab), ["dsp_impressions"])
        rule = adv.get_schema_analysis_rule(collaborationIdentifier=collab, name="dsp_impressions",
                                            type="AGGREGATION")["analysisRule"]["policy"]["v1"]["aggregation"]
        self.assertEqual(rule["joinColumns"], ["user_id"])
        self.assertEqual(sorted(rule["dimensionColumns"]), ["advertiser_id", "campaign", "campaign_id"])
        functions = {(tuple(a["columnNames"]), a["function"]) for a in rule["aggregateColumns"]}
        self.assertIn((("user_id",), "COUNT_DISTINCT"), functions)
        self.assertIn((("impressions", "total_cost"), "SUM"), functions)
        self.assertEqual(rule["outputConstraints"],
                         [{"columnName": "user_id", "minimum": 2, "type": "COUNT_DISTINCT"}])

        # Queried at once; campaign 2 stands for 5 users, under the AMC threshold of 100: dropped.
        rows = self.query(collab, "682015400001", "SELECT campaign, COUNT(DISTINCT user_id) AS users, "
                                                  "SUM(impressions) AS impressions FROM dsp_impressions "
                                                  "GROUP BY campaign")
        self.assertEqual(rows, ["campaign,users,impressions", "c1,120,120"])

    def test_uploading_again_replaces_the_data_in_existing_collaborations(self):
        adv, collab = self.new_instance("682015400002", "Advertiser Two")
        self.server.upload_csv(self.provider["accountId"], "platform.dsp_impressions",
                               impressions({1: 120, 3: 140}, extra_column=True))
        try:
            schema = adv.get_schema(collaborationIdentifier=collab, name="dsp_impressions")["schema"]
            self.assertIn("device_type", [c["name"] for c in schema["columns"]])
            rows = self.query(collab, "682015400002", "SELECT campaign, device_type, COUNT(DISTINCT user_id) "
                                                      "AS users FROM dsp_impressions GROUP BY campaign, "
                                                      "device_type")
            self.assertEqual(rows[:1] + sorted(rows[1:]),
                             ["campaign,device_type,users", "c1,PC,120", "c3,PC,140"])
        finally:
            self.server.upload_csv(self.provider["accountId"], "platform.dsp_impressions",
                                   impressions({1: 120, 2: 5}))

    def test_a_platform_table_the_rule_cannot_cover_is_refused_with_the_reason(self):
        with tempfile.NamedTemporaryFile("w", suffix=".csv") as f:
            f.write("campaign,name\n1,x\n")
            f.flush()
            p = subprocess.run([BIN, "upload", "--data-dir", self.server.data_dir, "--account",
                                self.provider["accountId"], "--table", "platform.campaign_names", f.name],
                               capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertIn("platform table campaign_names cannot be published", p.stderr + p.stdout)


if __name__ == "__main__":
    import unittest
    unittest.main()
