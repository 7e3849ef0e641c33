"""The rest of an AMC instance's life (docs/amc-api.md, "Updating and deleting an instance"), over
HTTP against a real server: renaming it, and deleting it with everything it holds. After a
delete nothing of the instance is readable by anyone: not through the AMC face (instance,
workflows, executions, schedules, data sets, uploads), not through the dataset API, not through
the Clean Rooms face (the executions' protected queries), and not on disk (every version of its
data). Refusals come in the face's {message, requestId} shape.
"""
import os
import time
import unittest

import botocore.exceptions

import harness
from harness import advertiser_setup

ACCOUNT = "682015477777"
OTHER_ACCOUNT = "682015488888"
ADVERTISER = 5849700001

SQL = ("SELECT campaign_id, COUNT(DISTINCT user_id) AS users FROM impressions "
       "GROUP BY campaign_id")
WINDOW = {"timeWindowStart": "2023-02-07T00:00:00", "timeWindowEnd": "2023-02-08T00:00:00",
          "timeWindowType": "EXPLICIT"}
DATA_SET = {"dataSetId": "crm", "columns": [
    {"name": "email", "dataType": "STRING", "columnType": "DIMENSION",
     "externalUserIdType": {"hashedPii": "EMAIL"}},
    {"name": "tier", "dataType": "INTEGER", "columnType": "DIMENSION"}]}


def impressions_csv():
    rows = ["user_id,advertiser_id,campaign_id,event_dt_utc,impressions"]
    rows += [f"u{i},{ADVERTISER},1,2023-02-07 10:00:00,2" for i in range(150)]
    return "\n".join(rows) + "\n"


class AmcInstanceLifecycleTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        server = cls.server
        cls.creds, cls.user = advertiser_setup(server, ACCOUNT, amc_name="Advertiser L")
        _, cls.other = advertiser_setup(server, OTHER_ACCOUNT, amc_name="Advertiser M")
        plain = server.new_user("plain-user@example.com", amc_account=cls.user.advertiser_id,
                                role="USER", aws_account=ACCOUNT)
        cls.plain = harness.AmcUser(server, plain, cls.user.advertiser_id)
        provider = server.platform_account("ADVERTISING_DATA_PROVIDER")
        server.upload_csv(provider["accountId"], "platform.impressions", impressions_csv())
        server.link_advertiser(cls.user.advertiser_id, ADVERTISER)

    def new_instance(self, name):
        status, body, _ = self.user.create_instance(
            {"instanceName": name, "awsAccountId": ACCOUNT, "acrBacked": True})
        self.assertEqual(status, 200, body)
        return body["instance"]["instanceId"]

    def active_instance(self, name, bucket):
        instance, collaboration = harness.active_amc_instance(
            self.server, self.creds, self.user, name, ADVERTISER, bucket)
        return instance, collaboration

    def refused(self, answer, status, words):
        code, body, _ = answer
        self.assertEqual(code, status, body)
        self.assertEqual(set(body), {"message", "requestId"}, body)
        self.assertIn(words, body["message"])

    # --- update ---------------------------------------------------------------------------
    def test_rename(self):
        instance = self.new_instance("before rename")
        status, body, _ = self.user.call("PUT", f"/amc/instances/{instance}",
                                         {"instanceName": "after_rename"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["instance"]["instanceName"], "after_rename")
        self.assertEqual(body["instance"]["instanceId"], instance)
        status, body, _ = self.user.call("GET", f"/amc/instances/{instance}")
        self.assertEqual(body["instance"]["instanceName"], "after_rename")
        # The collaboration keeps its name: it is "AMC <instanceId>", not the instance's name.
        self.assertEqual(body["instance"]["acrCollaboration"]["name"], "AMC " + instance)

    def test_rename_refusals(self):
        instance = self.new_instance("refusals")
        path = f"/amc/instances/{instance}"
        self.refused(self.user.call("PUT", path, {"instanceName": "ab"}), 400, "instanceName")
        self.refused(self.user.call("PUT", path, {"instanceName": "   "}), 400, "instanceName")
        self.refused(self.user.call("PUT", path, {"instanceName": "x" * 51}), 400, "instanceName")
        self.refused(self.user.call("PUT", path, {"instanceName": 5}), 400, "instanceName")
        self.refused(self.user.call("PUT", path, {}), 400, "instanceName")
        self.refused(self.user.call("PUT", path, {"awsAccountId": OTHER_ACCOUNT}), 400,
                     "awsAccountId is set when the instance is created")
        self.refused(self.user.call("PUT", path, {"acrCustomerPartners": []}), 400,
                     "acrCustomerPartners")
        self.refused(self.user.call("PUT", path, {"instanceName": "ok name", "colour": "red"}),
                     400, "colour")
        self.refused(self.plain.call("PUT", path, {"instanceName": "by a user"}), 403, "ADMIN")
        self.refused(self.other.call("PUT", path, {"instanceName": "not mine"}), 404, instance)
        self.refused(self.user.call("PUT", "/amc/instances/amcnothere", {"instanceName": "nope"}),
                     404, "amcnothere")
        status, body, _ = self.user.call("GET", path)
        self.assertEqual(body["instance"]["instanceName"], "refusals")

    # --- delete ---------------------------------------------------------------------------
    def test_delete_removes_everything_it_held(self):
        instance, collaboration = self.active_instance("to delete", "lifecycle-results")
        base = f"/amc/reporting/{instance}"
        status, body, _ = self.user.call("POST", base + "/workflows",
                                         {"workflowId": "by_campaign", "sqlQuery": SQL})
        self.assertEqual(status, 200, body)
        status, body, _ = self.user.call("POST", base + "/schedules", {
            "scheduleId": "daily", "workflowId": "by_campaign", "aggregationPeriod": "Daily",
            "aggregationHourUtc": 3})
        self.assertEqual(status, 200, body)
        status, execution, _ = self.user.call("POST", base + "/workflowExecutions",
                                              dict(WINDOW, workflowId="by_campaign"))
        self.assertEqual(status, 200, execution)
        ended = self.user.ended_execution(instance, execution["workflowExecutionId"])
        self.assertEqual(ended["status"], "SUCCEEDED", ended)
        query_id = ended["outputS3URI"].split("/")[-2]

        data = f"/amc/advertiserData/{instance}"
        status, body, _ = self.user.call("POST", data + "/dataSets", DATA_SET)
        self.assertEqual(status, 200, body)
        headers = dict(self.user.headers(), **{"Content-Type": "text/csv"})
        for rows in (b"email,tier\nann@example.com,1\n", b"email,tier\nbob@example.com,2\n"):
            status, up, _ = self.server.http("POST", f"{data}/uploads/crm", raw_body=rows,
                                             headers=headers)
            self.assertEqual(status, 200, up)
            up = self.user.ended_upload(f"{data}/uploads/crm", up)
            self.assertEqual(up["status"], "SUCCEEDED", up)
        status, ds, _ = self.server.signed_http(self.creds, "GET", f"/datasets/{instance}/crm")
        self.assertEqual((status, ds["version"]), (200, 2), ds)
        data_dir = os.path.join(self.server.data_dir, "datasets", ACCOUNT, instance)
        self.assertTrue(os.path.exists(os.path.join(data_dir, "crm", "1.parquet")))

        # Only an ADMIN deletes, and only its own account's instance.
        self.refused(self.plain.call("DELETE", f"/amc/instances/{instance}"), 403, "ADMIN")
        self.refused(self.other.call("DELETE", f"/amc/instances/{instance}"), 404, instance)

        status, body, _ = self.user.call("DELETE", f"/amc/instances/{instance}")
        self.assertEqual((status, body), (200, {"instanceId": instance}))

        # Nothing of it is readable through the AMC face...
        for path in (f"/amc/instances/{instance}", f"/amc/instances/{instance}/collaboration",
                     f"/amc/instances/{instance}/advertisers", base + "/workflows",
                     base + "/workflows/by_campaign", base + "/schedules/daily",
                     f"{base}/workflowExecutions/{execution['workflowExecutionId']}",
                     f"{base}/workflowExecutions/{execution['workflowExecutionId']}/downloadUrls",
                     data + "/dataSets", data + "/dataSets/crm",
                     f"{data}/uploads/crm/{up['uploadId']}"):
            self.refused(self.user.call("GET", path), 404, instance)
        status, body, _ = self.user.call("GET", "/amc/instances")
        self.assertNotIn(instance, [i["instanceId"] for i in body["instances"]])
        self.refused(self.user.call("DELETE", f"/amc/instances/{instance}"), 404, instance)
        self.refused(self.user.call("PUT", f"/amc/instances/{instance}", {"instanceName": "back"}),
                     404, instance)
        self.refused(self.user.call("POST", base + "/workflowExecutions",
                                    dict(WINDOW, workflow={"workflowId": "w", "sqlQuery": SQL})),
                     404, instance)

        # ...nor through the dataset API, nor on disk: every version of its data is gone.
        status, body = self.server.signed_http(self.creds, "GET",
                                               f"/datasets/{instance}/crm")[:2]
        self.assertEqual(status, 404, body)
        status, body = self.server.signed_http(self.creds, "GET", "/datasets")[:2]
        self.assertNotIn(instance, [d["databaseName"] for d in body["datasets"]])
        self.assertFalse(os.path.exists(data_dir))

        # ...nor through the Clean Rooms face: the collaboration is deleted, and the protected
        # query the execution ran is gone for the Query Submitter that started it.
        adv = self.server.cleanrooms(self.creds)
        membership = next(m for m in adv.list_memberships()["membershipSummaries"]
                          if m["collaborationId"] == collaboration)
        self.assertEqual(membership["status"], "COLLABORATION_DELETED")
        submitter = self.server.cleanrooms(self.server.platform_account("QUERY_SUBMITTER"))
        submitter_ms = next(m for m in submitter.list_memberships()["membershipSummaries"]
                            if m["collaborationId"] == collaboration)
        with self.assertRaises(botocore.exceptions.ClientError):
            submitter.get_protected_query(membershipIdentifier=submitter_ms["id"],
                                          protectedQueryIdentifier=query_id)
        self.assertFalse(os.path.exists(os.path.join(
            self.server.data_dir, "difference-checks", collaboration + ".sets")))

    def test_delete_stops_executions_under_way(self):
        instance, _ = self.active_instance("busy", "lifecycle-busy")
        base = f"/amc/reporting/{instance}"
        ids = []
        for _ in range(3):
            status, e, _ = self.user.call("POST", base + "/workflowExecutions", dict(
                WINDOW, workflow={"workflowId": "inline", "sqlQuery": SQL}))
            self.assertEqual(status, 200, e)
            ids.append(e["workflowExecutionId"])
        status, body, _ = self.user.call("DELETE", f"/amc/instances/{instance}")
        self.assertEqual(status, 200, body)
        for e in ids:
            self.refused(self.user.call("GET", f"{base}/workflowExecutions/{e}"), 404, instance)
        # Nothing that ran wrote its data back afterwards.
        time.sleep(0.5)
        self.assertFalse(os.path.exists(
            os.path.join(self.server.data_dir, "datasets", ACCOUNT, instance)))

    def test_delete_refused_while_a_configured_table_reads_its_data(self):
        instance, _ = self.active_instance("configured", "lifecycle-configured")
        data = f"/amc/advertiserData/{instance}"
        status, body, _ = self.user.call("POST", data + "/dataSets", DATA_SET)
        self.assertEqual(status, 200, body)
        headers = dict(self.user.headers(), **{"Content-Type": "text/csv"})
        status, up, _ = self.server.http("POST", f"{data}/uploads/crm",
                                         raw_body=b"email,tier\nann@example.com,1\n",
                                         headers=headers)
        self.assertEqual(self.user.ended_upload(f"{data}/uploads/crm", up)["status"], "SUCCEEDED")
        adv = self.server.cleanrooms(self.creds)
        table = adv.create_configured_table(
            name="crm-" + instance, tableReference={"glue": {"databaseName": instance,
                                                             "tableName": "crm"}},
            allowedColumns=["tier"], analysisMethod="DIRECT_QUERY")["configuredTable"]
        self.refused(self.user.call("DELETE", f"/amc/instances/{instance}"), 409, table["id"])
        status, body, _ = self.user.call("GET", f"/amc/instances/{instance}")
        self.assertEqual(status, 200, body)
        adv.delete_configured_table(configuredTableIdentifier=table["id"])
        status, body, _ = self.user.call("DELETE", f"/amc/instances/{instance}")
        self.assertEqual(status, 200, body)

    def test_partners_keep_their_own_data(self):
        partner = "682015477799"
        partner_creds = self.server.new_account(partner, "Partner P")
        status, body, _ = self.user.create_instance(
            {"instanceName": "with partner", "awsAccountId": ACCOUNT, "acrBacked": True,
             "acrCustomerPartners": [{"awsAccountId": partner, "displayName": "Partner P"}]})
        self.assertEqual(status, 200, body)
        instance = body["instance"]["instanceId"]
        collaboration = body["instance"]["acrCollaboration"]["id"]
        cr = self.server.cleanrooms(partner_creds)
        ms = cr.create_membership(collaborationIdentifier=collaboration,
                                  queryLogStatus="DISABLED")["membership"]["id"]
        self.server.upload_csv(partner, "crm.people", "id,tier\n1,a\n2,b\n")
        table = cr.create_configured_table(
            name="people", tableReference={"glue": {"databaseName": "crm", "tableName": "people"}},
            allowedColumns=["tier"], analysisMethod="DIRECT_QUERY")["configuredTable"]
        cr.create_configured_table_association(
            membershipIdentifier=ms, configuredTableIdentifier=table["id"], name="people",
            roleArn=f"arn:aws:iam::{partner}:role/cleanrooms")

        status, body, _ = self.user.call("DELETE", f"/amc/instances/{instance}")
        self.assertEqual(status, 200, body)
        # The partner's dataset and configured table are its own and stay; its association into
        # the deleted collaboration is gone with it.
        status, d, _ = self.server.signed_http(partner_creds, "GET", "/datasets/crm/people")
        self.assertEqual((status, d["rowCount"]), (200, 2), d)
        self.assertEqual(cr.get_configured_table(configuredTableIdentifier=table["id"])
                         ["configuredTable"]["id"], table["id"])
        membership = cr.get_membership(membershipIdentifier=ms)["membership"]
        self.assertEqual(membership["status"], "COLLABORATION_DELETED")
        try:
            listed = cr.list_configured_table_associations(membershipIdentifier=ms)
            self.assertEqual(listed["configuredTableAssociationSummaries"], [])
        except botocore.exceptions.ClientError:
            pass

    def test_a_new_instance_never_sees_a_deleted_ones_data(self):
        # Attack: delete, then create again (same name, same idempotency token) hoping to get the
        # old id, data or collaboration back.
        status, body, _ = self.user.create_instance(
            {"instanceName": "phoenix", "awsAccountId": ACCOUNT, "acrBacked": True,
             "idempotencyToken": "phoenix-token"})
        self.assertEqual(status, 200, body)
        first = body["instance"]
        status, body, _ = self.user.call("POST", f"/amc/advertiserData/{first['instanceId']}"
                                                 "/dataSets", DATA_SET)
        self.assertEqual(status, 200, body)
        status, body, _ = self.user.call("DELETE", f"/amc/instances/{first['instanceId']}")
        self.assertEqual(status, 200, body)
        status, body, _ = self.user.create_instance(
            {"instanceName": "phoenix", "awsAccountId": ACCOUNT, "acrBacked": True,
             "idempotencyToken": "phoenix-token"})
        self.assertEqual(status, 200, body)
        second = body["instance"]
        self.assertNotEqual(second["instanceId"], first["instanceId"])
        self.assertNotEqual(second["acrCollaboration"]["id"], first["acrCollaboration"]["id"])
        status, body, _ = self.user.call("GET", f"/amc/advertiserData/{second['instanceId']}"
                                                "/dataSets")
        self.assertEqual((status, body["dataSets"]), (200, []))


if __name__ == "__main__":
    unittest.main()
