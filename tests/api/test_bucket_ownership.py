"""Buckets have owners (docs/operations.md, "Bucket ownership"), tried as a hostile party would:
advertiser B, through the public APIs only, tries to ingest advertiser A's raw CRM file from A's
bucket on the AMC face and with `cleanroom upload`, to have results delivered into A's bucket on
the Clean Rooms face (membership, StartProtectedQuery) and the AMC face (a workflow execution),
and to climb out of its own bucket with a `..` keyPrefix. Every attempt is refused before the
store is touched, with one answer whether the bucket is A's or does not exist. Then the same on
an S3 endpoint (moto_server), where the server's own credentials could read every bucket."""
import json
import os
import subprocess
import unittest

import botocore.exceptions

from harness import BIN, MotoServer, Server, ServerTestCase, advertiser_setup, catalog_rows

A = "682015477771"
B = "682015477772"
RAW_CRM = "email,phone,first_name\nann@example.com,+12065550100,Ann\nbob@example.org,+12065550101,Bob\n"
DATA_SET = {"dataSetId": "crm", "fileFormat": "CSV", "columns": [
    {"name": "email", "dataType": "STRING", "columnType": "DIMENSION",
     "externalUserIdType": {"hashedPii": "EMAIL"}},
    {"name": "phone", "dataType": "STRING", "columnType": "DIMENSION"},
    {"name": "first_name", "dataType": "STRING", "columnType": "DIMENSION"}]}


def s3_result(bucket, prefix="out"):
    return {"outputConfiguration": {"s3": {"bucket": bucket, "keyPrefix": prefix, "resultFormat": "CSV"}}}


def upload_request(bucket, key="raw/customers.csv"):
    return {"updateStrategy": "FULL_REPLACE", "countryCode": "US", "compressionFormat": "NONE",
            "dataSource": {"sourceS3Bucket": bucket, "sourceFileS3Key": key},
            "fileFormat": {"csvDataFormat": {"fieldDelimiter": ","}}}


def without(message, bucket):
    """The message with the bucket's name taken out: what must not differ between buckets."""
    return message.replace(bucket, "<bucket>")


class Advertisers:
    """A and B, each an advertiser with an AMC instance; A keeps its raw CRM in its bucket."""

    def setup_advertisers(self, server, bucket_args=(), env=None):
        self.creds_a, self.user_a = advertiser_setup(server, A, amc_name="Advertiser A")
        self.creds_b, self.user_b = advertiser_setup(server, B, email="admin-b@example.com",
                                                     amc_name="Advertiser B")
        for account, bucket in ((A, "a-crm"), (A, "a-results"), (B, "b-data"), (B, "b-results")):
            server.new_bucket(account, bucket, bucket_args, env=env)
        status, body, _ = self.user_b.create_instance(
            {"instanceName": "b_instance", "awsAccountId": B, "acrBacked": True})
        assert status == 200, body
        self.instance_b = body["instance"]["instanceId"]
        self.base_b = f"/amc/advertiserData/{self.instance_b}"
        status, body, _ = self.user_b.call("POST", self.base_b + "/dataSets", DATA_SET)
        assert status == 200, body

    def uploads_of_b(self):
        status, body, _ = self.user_b.call("POST", self.base_b + "/uploads/list")
        assert status == 200, body
        return body["uploads"]

    def datasets_of_b(self, server):
        status, body, _ = server.signed_http(self.creds_b, "GET", "/datasets")
        assert status == 200, body
        return [(d["databaseName"], d["tableName"]) for d in body["datasets"]]


class LocalBucketOwnership(ServerTestCase, Advertisers):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_advertisers(cls, cls.server)
        cls.put_object("a-crm", "raw/customers.csv", RAW_CRM)
        cls.put_object("b-data", "raw/customers.csv", RAW_CRM.replace("ann", "cat"))
        # A folder made by hand, as before buckets had owners: nobody's.
        cls.put_object("stray-bucket", "raw/customers.csv", RAW_CRM)

    @classmethod
    def put_object(cls, bucket, key, text):
        path = os.path.join(cls.server.data_dir, "buckets", bucket, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def bucket_files(self, bucket):
        root = os.path.join(self.server.data_dir, "buckets", bucket)
        return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files)

    # --- reading another party's bucket ----------------------------------------------------------
    def test_amc_upload_cannot_read_another_partys_bucket(self):
        answers = {}
        for bucket in ("a-crm", "no-such-bucket", "stray-bucket"):
            with self.subTest(bucket):
                status, body, _ = self.user_b.call("POST", self.base_b + "/uploads/crm", upload_request(bucket))
                self.assertEqual(status, 403, body)
                self.assertIn("dataSource.sourceS3Bucket", body["message"])
                self.assertNotIn(A, body["message"], "the owner is not named")
                answers[bucket] = without(body["message"], bucket)
        self.assertEqual(len(set(answers.values())), 1, answers)
        self.assertEqual(self.uploads_of_b(), [], "a refused upload is not recorded")
        self.assertNotIn((self.instance_b, "crm"), self.datasets_of_b(self.server))

        # Its own bucket works: the refusal is about ownership, not about buckets.
        status, up, _ = self.user_b.call("POST", self.base_b + "/uploads/crm", upload_request("b-data"))
        self.assertEqual(status, 200, up)
        up = self.user_b.ended_upload(self.base_b + "/uploads/crm", up)
        self.assertEqual(up["status"], "SUCCEEDED", up)
        self.assertIn((self.instance_b, "crm"), self.datasets_of_b(self.server))

    def test_cli_upload_cannot_read_another_accounts_bucket(self):
        p = subprocess.run([BIN, "upload", "--data-dir", self.server.data_dir, "--json", "--account", B,
                            "--table", "stolen.crm", "--bucket", "a-crm", "raw/customers.csv"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("is not a bucket of account " + B, json.loads(p.stdout)["error"])
        self.assertNotIn(("stolen", "crm"), self.datasets_of_b(self.server))

    # --- delivering into another party's bucket: the Clean Rooms face ----------------------------
    def test_membership_cannot_point_results_at_another_partys_bucket(self):
        cr = self.server.cleanrooms(self.creds_b)
        c = cr.create_collaboration(name="b alone", description="d", creatorDisplayName="B",
                                    creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
                                    queryLogStatus="DISABLED", members=[])["collaboration"]
        answers = {}
        for bucket in ("a-results", "no-such-results"):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                cr.create_membership(collaborationIdentifier=c["id"], queryLogStatus="DISABLED",
                                     defaultResultConfiguration=s3_result(bucket))
            err = ctx.exception.response
            self.assertEqual((err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Code"]),
                             (403, "AccessDeniedException"))
            self.assertIn("defaultResultConfiguration.outputConfiguration.s3.bucket", err["Error"]["Message"])
            answers[bucket] = without(err["Error"]["Message"], bucket)
        self.assertEqual(len(set(answers.values())), 1, answers)
        # A prefix that climbs out of its own bucket is refused when given, not at delivery.
        for prefix in ("../a-results", "out/../../a-results", "/a-results", "out\\..\\x"):
            with self.subTest(prefix), self.assertRaises(botocore.exceptions.ClientError) as ctx:
                cr.create_membership(collaborationIdentifier=c["id"], queryLogStatus="DISABLED",
                                     defaultResultConfiguration=s3_result("b-results", prefix))
            self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")
        self.assertEqual([m for m in cr.list_memberships()["membershipSummaries"]
                          if m["collaborationId"] == c["id"]], [], "nothing was created")

        ms = cr.create_membership(collaborationIdentifier=c["id"], queryLogStatus="DISABLED",
                                  defaultResultConfiguration=s3_result("b-results"))["membership"]
        # Moving it later is refused the same way, with the stock aws CLI.
        rc, _, err = self.server.aws(self.creds_b, "cleanrooms", "update-membership",
                                     "--membership-identifier", ms["id"], "--default-result-configuration",
                                     json.dumps(s3_result("a-results")), check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessDeniedException", err)
        got = cr.get_membership(membershipIdentifier=ms["id"])["membership"]
        self.assertEqual(got["defaultResultConfiguration"], s3_result("b-results"))

    def test_protected_query_cannot_deliver_into_another_partys_bucket(self):
        self.server.upload_csv(B, "sales.customers", "email,segment\n" + "".join(
            f"u{i}@example.com,{'gold' if i % 2 else 'tin'}\n" for i in range(8)), "email:email")
        cr, ms = self.b_alone("b queries")
        t = cr.create_configured_table(name="customers", allowedColumns=["email", "segment"],
                                       analysisMethod="DIRECT_QUERY",
                                       tableReference={"glue": {"databaseName": "sales",
                                                                "tableName": "customers"}})["configuredTable"]
        cr.create_configured_table_analysis_rule(
            configuredTableIdentifier=t["id"], analysisRuleType="AGGREGATION",
            analysisRulePolicy={"v1": {"aggregation": {
                "aggregateColumns": [{"columnNames": ["email"], "function": "COUNT_DISTINCT"}],
                "joinColumns": [], "dimensionColumns": ["segment"], "scalarFunctions": [],
                "outputConstraints": [{"columnName": "email", "minimum": 2, "type": "COUNT_DISTINCT"}]}}})
        cr.create_configured_table_association(membershipIdentifier=ms, configuredTableIdentifier=t["id"],
                                               name="customers", roleArn=f"arn:aws:iam::{B}:role/r")
        sql = {"queryString": "SELECT segment, COUNT(DISTINCT email) AS n FROM customers GROUP BY segment"}
        before = self.bucket_files("a-results")
        answers = {}
        for bucket in ("a-results", "no-such-results"):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                cr.start_protected_query(type="SQL", membershipIdentifier=ms, sqlParameters=sql,
                                         resultConfiguration=s3_result(bucket))
            err = ctx.exception.response["Error"]
            self.assertEqual(err["Code"], "AccessDeniedException")
            self.assertIn("resultConfiguration.outputConfiguration.s3.bucket", err["Message"])
            answers[bucket] = without(err["Message"], bucket)
        self.assertEqual(len(set(answers.values())), 1, answers)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cr.start_protected_query(type="SQL", membershipIdentifier=ms, sqlParameters=sql,
                                     resultConfiguration=s3_result("b-results", "q/../../a-results"))
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        self.assertEqual(err["fieldList"][0]["name"], "resultConfiguration.outputConfiguration.s3.keyPrefix")
        self.assertEqual(cr.list_protected_queries(membershipIdentifier=ms)["protectedQueries"], [])
        self.assertEqual(self.bucket_files("a-results"), before)

    def b_alone(self, name):
        """B's own collaboration, where B queries and receives in b-results: its client and membership id."""
        cr = self.server.cleanrooms(self.creds_b)
        c = cr.create_collaboration(name=name, description="d", creatorDisplayName="B",
                                    creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
                                    queryLogStatus="DISABLED", members=[])["collaboration"]
        ms = cr.create_membership(collaborationIdentifier=c["id"], queryLogStatus="DISABLED",
                                  defaultResultConfiguration=s3_result("b-results"))["membership"]["id"]
        return cr, ms

    def forge_default(self, membership_id, bucket, key_prefix):
        """Deliberately past the API, straight into the catalog: no call can set another account's
        bucket, so this forges what an old data dir holds, or what anyone with disk access writes."""
        catalog_rows(self.server.data_dir, "UPDATE memberships SET result_bucket = ?, "
                     "result_key_prefix = ? WHERE membership_id = ?",
                     (bucket, key_prefix, membership_id))

    # --- delivering into another party's bucket: the AMC face -----------------------------------
    def test_amc_execution_cannot_deliver_into_another_partys_bucket(self):
        """An instance's results go to its membership's destination. One set before buckets had
        owners (written into the catalog here, as an old data dir holds it) is refused when an
        execution is submitted."""
        status, body, _ = self.user_b.create_instance(
            {"instanceName": "b_reporting", "awsAccountId": B, "acrBacked": True})
        self.assertEqual(status, 200, body)
        instance = body["instance"]["instanceId"]
        cr = self.server.cleanrooms(self.creds_b)
        collab = next(c for c in cr.list_collaborations(memberStatus="INVITED")["collaborationList"]
                      if c["name"] == "AMC " + instance)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cr.create_membership(collaborationIdentifier=collab["id"], queryLogStatus="DISABLED",
                                 defaultResultConfiguration=s3_result("a-results", "amc"))
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDeniedException")
        ms = cr.create_membership(collaborationIdentifier=collab["id"], queryLogStatus="DISABLED",
                                  defaultResultConfiguration=s3_result("b-results", "amc"))["membership"]
        self.forge_default(ms["id"], "a-results", "amc")
        before = self.bucket_files("a-results")
        status, body, _ = self.user_b.call("POST", f"/amc/reporting/{instance}/workflowExecutions", {
            "workflow": {"workflowId": "w", "sqlQuery": "SELECT COUNT(DISTINCT user_id) AS n FROM dsp_impressions"},
            "timeWindowStart": "2026-10-01T00:00:00", "timeWindowEnd": "2026-11-01T00:00:00"})
        self.assertEqual(status, 403, body)
        self.assertIn("is not a bucket of account " + B, body["message"])
        # It names the instance's destination, not a field of Clean Rooms' StartProtectedQuery
        # that the AMC request does not have.
        self.assertIn("the default result destination of member " + B, body["message"])
        self.assertNotIn("resultConfiguration", body["message"])
        self.assertEqual(self.bucket_files("a-results"), before)

    def test_a_forged_default_is_named_as_the_default_not_as_the_query_s_field(self):
        """StartProtectedQuery with no resultConfiguration uses the membership's default; when that
        default is not the member's bucket, the error names the default, and no request field."""
        cr, ms = self.b_alone("b forged")
        self.forge_default(ms, "a-results", "")
        sql = {"queryString": "SELECT COUNT(*) AS n FROM nothing"}
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cr.start_protected_query(type="SQL", membershipIdentifier=ms, sqlParameters=sql)
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], "AccessDeniedException")
        self.assertIn("the default result destination of membership " + ms, err["Error"]["Message"])
        self.assertNotIn("resultConfiguration.outputConfiguration", err["Error"]["Message"])
        self.forge_default(ms, "b-results", "../a")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cr.start_protected_query(type="SQL", membershipIdentifier=ms, sqlParameters=sql)
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        self.assertIn("the default result destination of membership " + ms, err["Error"]["Message"])
        self.assertNotIn("fieldList", err, "no field of the request is at fault")

    # --- how buckets come to belong ---------------------------------------------------------------
    def test_only_the_operator_gives_buckets_and_never_takes_one_from_its_owner(self):
        code, out = self.server.admin("bucket", "create", "--account", B, "--name", "a-crm", check=False)
        self.assertEqual(code, 1)
        self.assertIn("belongs to account " + A, out["error"])
        listed = {b["bucket"]: b["accountId"] for b in self.server.admin("bucket", "list")["buckets"]}
        self.assertEqual(listed["a-crm"], A)
        self.assertNotIn("stray-bucket", listed)
        # Giving the stray folder to B keeps its contents and makes them B's to read.
        self.assertEqual(self.server.new_bucket(B, "stray-bucket")["accountId"], B)
        self.assertEqual(self.bucket_files("stray-bucket"), ["raw/customers.csv"])
        status, body, _ = self.user_a.call("GET", "/amc/instances")  # A is unaffected
        self.assertEqual(status, 200, body)


class S3BucketOwnership(unittest.TestCase, Advertisers):
    """The server reads moto's buckets with one IAM user's keys: ownership is all that separates
    A's bucket from B's."""

    @classmethod
    def setUpClass(cls):
        cls.moto = MotoServer().start()
        try:
            key_id, secret = cls.moto.s3_user()
            cls.s3 = cls.moto.client("s3", key_id, secret)
            for bucket in ("a-crm", "b-data"):
                cls.s3.create_bucket(Bucket=bucket)
                cls.s3.put_object(Bucket=bucket, Key="raw/customers.csv", Body=RAW_CRM.encode())
            cls.moto.require_signatures()
            cls.env = dict(os.environ, AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret,
                           NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
            cls.s3_args = ["--s3-endpoint", cls.moto.url]
            cls.server = Server(extra_args=cls.s3_args, env=cls.env).start()
            # a-crm and b-data exist already and are recorded; a-results and b-results are created.
            cls.setup_advertisers(cls, cls.server, cls.s3_args, env=cls.env)
        except BaseException:
            if getattr(cls, "server", None):
                cls.server.stop()
            cls.moto.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.moto.stop()

    def test_buckets_given_on_the_endpoint_exist_there(self):
        for bucket in ("a-results", "b-results"):
            self.s3.head_bucket(Bucket=bucket)

    def test_amc_upload_cannot_read_another_partys_s3_bucket(self):
        status, body, _ = self.user_b.call("POST", self.base_b + "/uploads/crm", upload_request("a-crm"))
        self.assertEqual(status, 403, body)
        self.assertIn("dataSource.sourceS3Bucket", body["message"])
        status, missing, _ = self.user_b.call("POST", self.base_b + "/uploads/crm",
                                              upload_request("no-such-bucket"))
        self.assertEqual(status, 403, missing)
        self.assertEqual(without(body["message"], "a-crm"), without(missing["message"], "no-such-bucket"))
        self.assertEqual(self.uploads_of_b(), [])
        status, up, _ = self.user_b.call("POST", self.base_b + "/uploads/crm", upload_request("b-data"))
        self.assertEqual(status, 200, up)
        up = self.user_b.ended_upload(self.base_b + "/uploads/crm", up)
        self.assertEqual(up["status"], "SUCCEEDED", up)

    def test_results_cannot_go_into_another_partys_s3_bucket(self):
        cr = self.server.cleanrooms(self.creds_b)
        c = cr.create_collaboration(name="b s3", description="d", creatorDisplayName="B",
                                    creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
                                    queryLogStatus="DISABLED", members=[])["collaboration"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cr.create_membership(collaborationIdentifier=c["id"], queryLogStatus="DISABLED",
                                 defaultResultConfiguration=s3_result("a-results"))
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertEqual(self.s3.list_objects_v2(Bucket="a-results").get("KeyCount", 0), 0)


if __name__ == "__main__":
    unittest.main()
