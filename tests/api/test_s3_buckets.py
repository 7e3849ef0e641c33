"""Buckets on an S3-compatible endpoint: `serve --s3-endpoint` against a real moto_server on
127.0.0.1, with moto checking every request's SigV4 signature; a dataset registered from an S3
object, and what a missing object, a missing bucket, a wrong secret and an unreachable endpoint
answer."""
import csv
import io
import json
import os
import shutil
import subprocess
import time
import unittest

from harness import BIN, MotoServer, Server, free_port

A = "111122223333"
CUSTOMERS = b"id,email\n1,Jane.Doe@Example.com\n2,bob@example.org\n"


class S3BucketsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = MotoServer().start()
        try:
            cls.key_id, cls.secret = cls.moto.s3_user()
            cls.s3 = cls.moto.client("s3", cls.key_id, cls.secret)
            cls.s3.create_bucket(Bucket="partner-data")
            cls.s3.create_bucket(Bucket="a-results")
            cls.s3.put_object(Bucket="partner-data", Key="exports/2024/customers.csv", Body=CUSTOMERS)
            cls.s3.put_object(Bucket="partner-data", Key="exports/with space.csv", Body=b"id\n1\n2\n3\n")
            cls.s3.put_object(Bucket="partner-data", Key="exports/odd+&=\u00e9.csv", Body=b"id\n1\n2\n3\n4\n")
            cls.moto.require_signatures()
            cls.env = dict(os.environ, AWS_ACCESS_KEY_ID=cls.key_id, AWS_SECRET_ACCESS_KEY=cls.secret,
                           NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
            cls.server = Server(extra_args=["--s3-endpoint", cls.moto.url], env=cls.env).start()
        except BaseException:
            cls.moto.stop()
            raise
        cls.creds = cls.server.new_account(A, "Advertiser A")
        # Buckets made on the endpoint belong to nobody until the operator gives them to A.
        for bucket in ("partner-data", "a-results"):
            cls.server.new_bucket(A, bucket, ["--s3-endpoint", cls.moto.url], env=cls.env)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.moto.stop()
        shutil.rmtree(cls.server.data_dir, ignore_errors=True)

    def upload(self, *args, env=None):
        p = subprocess.run([BIN, "upload", "--data-dir", self.server.data_dir, "--json",
                            "--s3-endpoint", self.moto.url, *args],
                           capture_output=True, text=True, env=env or self.env, timeout=60)
        return p.returncode, json.loads(p.stdout), p.stderr

    def staged(self):
        """Files left under staging/ (its folders, such as results/, may stay)."""
        staging = os.path.join(self.server.data_dir, "staging")
        return [f for _, _, files in os.walk(staging) for f in files]

    def test_banner_names_the_endpoint_and_masks_the_secret(self):
        banner = "".join(self.server.banner)
        self.assertIn(f"buckets:     S3 endpoint {self.moto.url}", banner)
        self.assertIn(self.key_id, banner)
        self.assertNotIn(self.secret, banner)

    def test_registers_a_dataset_from_an_s3_object(self):
        code, d, err = self.upload("--account", A, "--table", "crm.customers", "--bucket", "partner-data",
                                   "--pii", "email:email", "exports/2024/customers.csv")
        self.assertEqual(code, 0, (d, err))
        self.assertEqual((d["sourceBucket"], d["rowCount"]), ("partner-data", 2))
        with open(os.path.join(self.server.data_dir, d["path"]), "rb") as f:
            self.assertNotIn(b"Jane.Doe", f.read())
        self.assertEqual(self.staged(), [], "the fetched copy is removed")

        status, listing, _ = self.server.signed_http(self.creds, "GET", "/datasets")
        self.assertEqual(status, 200, listing)
        found = [x for x in listing["datasets"] if (x["databaseName"], x["tableName"]) == ("crm", "customers")]
        self.assertEqual(len(found), 1)
        self.assertEqual((found[0]["rowCount"], found[0]["sourceBucket"]), (2, "partner-data"))

    def test_a_protected_query_result_lands_in_the_s3_bucket(self):
        """The result object is read back with boto3 from moto; SUCCESS only once it is there."""
        self.server.upload_csv(A, "sales.customers",
                               "email,segment\n" + "".join(f"u{i}@example.com,{'gold' if i < 3 else 'tin'}\n"
                                                           for i in range(4)),
                               "email:email", env=self.env)
        cr = self.server.cleanrooms(self.creds)
        c = cr.create_collaboration(name="s3 results", description="d", creatorDisplayName="A",
                                    creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
                                    queryLogStatus="DISABLED", members=[])["collaboration"]
        ms = cr.create_membership(collaborationIdentifier=c["id"], queryLogStatus="DISABLED",
                                  defaultResultConfiguration={"outputConfiguration": {"s3": {
                                      "bucket": "a-results", "keyPrefix": "q", "resultFormat": "CSV"}}}
                                  )["membership"]["id"]
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
                                               name="customers", roleArn=f"arn:aws:iam::{A}:role/r")
        q = cr.start_protected_query(type="SQL", membershipIdentifier=ms, sqlParameters={
            "queryString": "SELECT segment, COUNT(DISTINCT email) AS n FROM customers GROUP BY segment"}
                                     )["protectedQuery"]
        for _ in range(600):
            q = cr.get_protected_query(membershipIdentifier=ms, protectedQueryIdentifier=q["id"])["protectedQuery"]
            if q["status"] not in ("SUBMITTED", "STARTED"):
                break
            time.sleep(0.05)
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        location = q["result"]["output"]["s3"]["location"]
        self.assertEqual(location, f"s3://a-results/q/{q['id']}/result.csv")
        body = self.s3.get_object(Bucket="a-results", Key=location[len("s3://a-results/"):])["Body"].read()
        self.assertEqual(list(csv.reader(io.StringIO(body.decode()))), [["segment", "n"], ["gold", "3"]])

    def test_keys_are_encoded_as_s3_signs_them(self):
        # moto recomputes the signature over the path it received, so a wrong encoding fails as
        # SignatureDoesNotMatch.
        code, d, err = self.upload("--account", A, "--table", "crm.spaced", "--bucket", "partner-data",
                                   "exports/with space.csv")
        self.assertEqual(code, 0, (d, err))
        self.assertEqual(d["rowCount"], 3)
        # moto re-quotes '+', '&', '=' and non-ASCII differently before checking a signature (boto3's
        # own requests fail the same way), so these keys are checked for addressing only.
        self.moto.require_signatures(False)
        try:
            code, d, err = self.upload("--account", A, "--table", "crm.odd", "--bucket", "partner-data",
                                       "exports/odd+&=\u00e9.csv")
        finally:
            self.moto.require_signatures()
        self.assertEqual(code, 0, (d, err))
        self.assertEqual(d["rowCount"], 4)

    def test_missing_object_and_bucket_are_not_found(self):
        code, out, _ = self.upload("--account", A, "--table", "crm.none", "--bucket", "partner-data",
                                   "exports/nope.csv")
        self.assertEqual(code, 1)
        self.assertEqual(out["error"], "object partner-data/exports/nope.csv not found")
        # A bucket nobody owns is refused before the endpoint is asked, whether it exists or not.
        code, out, _ = self.upload("--account", A, "--table", "crm.none", "--bucket", "no-such-bucket",
                                   "exports/2024/customers.csv")
        self.assertEqual(code, 1)
        self.assertIn("bucket 'no-such-bucket' is not a bucket of account " + A, out["error"])
        code, out, _ = self.upload("--account", A, "--table", "crm.none", "--bucket", "partner-data",
                                   "../etc/passwd")
        self.assertEqual(code, 1)
        self.assertIn("is not a valid key", out["error"])
        self.assertEqual(self.staged(), [])
        status, listing, _ = self.server.signed_http(self.creds, "GET", "/datasets")
        self.assertNotIn("none", [x["tableName"] for x in listing["datasets"]])

    def test_a_wrong_secret_is_refused_and_not_shown(self):
        wrong = "w" * 40
        code, out, _ = self.upload("--account", A, "--table", "crm.denied", "--bucket", "partner-data",
                                   "--s3-secret-access-key", wrong, "exports/2024/customers.csv")
        self.assertEqual(code, 1)
        self.assertIn("403 SignatureDoesNotMatch", out["error"])
        self.assertNotIn(wrong, out["error"])
        self.assertEqual(self.staged(), [])

    def test_an_unreachable_endpoint_is_an_error(self):
        dead = f"http://127.0.0.1:{free_port()}"
        p = subprocess.run([BIN, "upload", "--data-dir", self.server.data_dir, "--json", "--s3-endpoint", dead,
                            "--account", A, "--table", "crm.dead", "--bucket", "partner-data", "x.csv"],
                           capture_output=True, text=True, env=self.env, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"cannot reach the object store at {dead}", json.loads(p.stdout)["error"])

    def test_an_endpoint_needs_credentials(self):
        env = {k: v for k, v in self.env.items() if not k.startswith("AWS_")}
        p = subprocess.run([BIN, "serve", "--data-dir", self.server.data_dir, "--listen", "127.0.0.1:0",
                            "--s3-endpoint", self.moto.url], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--s3-endpoint needs credentials", p.stderr)
        p = subprocess.run([BIN, "serve", "--data-dir", self.server.data_dir, "--listen", "127.0.0.1:0",
                            "--s3-endpoint", "ftp://127.0.0.1:1"], capture_output=True, text=True, env=env,
                           timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("must be an http:// or https:// URL", p.stderr)


if __name__ == "__main__":
    unittest.main()
