"""Datasets: `cleanroom upload`, the SigV4-signed HTTP upload and listing, identity hashing,
cross-account isolation, and an upload killed midway (SIGKILL) leaving no trace."""
import glob
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import BIN, Server, ServerTestCase

A = "111122223333"
B = "444455556666"


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


def signed(server, creds, method, path, body=b"", query=None):
    """Sends a request signed the way boto3 signs Clean Rooms calls; returns (status, JSON, headers)."""
    url = server.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
    # Without a content type urllib would send application/x-www-form-urlencoded, which the
    # server caps at 8 KiB as a form.
    req = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/octet-stream"})
    SigV4Auth(Credentials(creds["accessKeyId"], creds["secretAccessKey"]), "cleanrooms", "us-east-1").add_auth(req)
    prepared = req.prepare()
    out = urllib.request.Request(prepared.url, data=body if body else None, method=method,
                                 headers=dict(prepared.headers.items()))
    try:
        with urllib.request.urlopen(out, timeout=120) as r:
            return r.status, json.loads(r.read() or b"null"), r.headers
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null"), e.headers


def upload(server, creds, path, body, query=None):
    """PUTs a file, which queues an upload job (202), and waits for the job to end: returns the
    PUT's status and error when it refused, else 200 and the ended job."""
    status, job, _ = signed(server, creds, "PUT", path, body, query)
    if status != 202:
        return status, job
    return 200, server.ended_dataset_upload(creds, path, job["uploadId"])


def uploaded(test, server, creds, path, body, query=None):
    """The dataset an upload that must succeed wrote."""
    status, job = upload(server, creds, path, body, query)
    test.assertEqual((status, job.get("status")), (200, "SUCCEEDED"), job)
    return job["dataset"]


class DatasetsTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a = cls.server.new_account(A, "Advertiser A")
        cls.b = cls.server.new_account(B, "Partner B")
        cls.files = tempfile.mkdtemp(prefix="cleanroom-datasets-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.files, ignore_errors=True)
        super().tearDownClass()

    def write(self, name, text):
        path = os.path.join(self.files, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def read_file(self, relative):
        with open(os.path.join(self.server.data_dir, relative), "rb") as f:
            return f.read()

    def upload_cli(self, *args):
        p = subprocess.run([BIN, "upload", "--data-dir", self.server.data_dir, "--json", *args],
                           capture_output=True, text=True)
        return p.returncode, json.loads(p.stdout), p.stderr

    # --- the CLI ------------------------------------------------------------------------------
    def test_cli_upload_hashes_identity_columns_and_versions_the_table(self):
        path = self.write("customers.csv",
                          "id,email,phone,spend\n"
                          "1,Jane.Doe+promo@Example.com,+1 (206) 555-0100,12.5\n"
                          "2,bob@example.org,+44 20 7946 0958,3\n")
        code, d, err = self.upload_cli("--account", A, "--table", "crm.customers",
                                       "--pii", "email:email,phone:phone", path)
        self.assertEqual(code, 0, err)
        self.assertEqual(d["accountId"], A)
        self.assertEqual((d["databaseName"], d["tableName"], d["version"], d["rowCount"]),
                         ("crm", "customers", 1, 2))
        self.assertEqual(d["path"], f"datasets/{A}/crm/customers/1.parquet")
        self.assertEqual([(c["name"], c["type"], c.get("pii")) for c in d["columns"]],
                         [("id", "BIGINT", None), ("email", "VARCHAR", "email"),
                          ("phone", "VARCHAR", "phone"), ("spend", "DOUBLE", None)])
        stored = self.read_file(d["path"])
        for raw in (b"Jane", b"Example.com", b"bob@", b"555-0100", b"7946 0958"):
            self.assertNotIn(raw, stored)
        self.assertIn(sha("jane.doepromo@example.com").encode(), stored)
        self.assertIn(sha("12065550100").encode(), stored)

        code, d2, err = self.upload_cli("--account", A, "--table", "crm.customers", "--pii", "email:email",
                                        "--columns", "id:INTEGER,email:VARCHAR,phone:VARCHAR,spend:DECIMAL(10,2)",
                                        path)
        self.assertEqual(code, 0, err)
        self.assertEqual(d2["version"], 2)
        self.assertEqual(d2["columns"][3]["type"], "DECIMAL(10,2)")
        self.assertTrue(os.path.exists(os.path.join(self.server.data_dir, d["path"])), "v1 stays readable")

    def test_cli_rejects_a_row_that_does_not_fit_and_stores_nothing(self):
        path = self.write("bad.csv", "id,email\n1,a@example.com\nx,b@example.com\n")
        code, out, _ = self.upload_cli("--account", A, "--table", "crm.bad", "--columns", "id:BIGINT,email:VARCHAR",
                                       "--pii", "email:email", path)
        self.assertEqual(code, 1)
        self.assertTrue(out["error"].startswith("line 3: "), out)
        self.assertNotIn("b@example.com", out["error"])
        self.assertFalse(glob.glob(os.path.join(self.server.data_dir, "datasets", A, "crm", "bad", "*")))
        code, out, _ = self.upload_cli("--account", A, "--table", "crm.bad", "--pii", "email:ssn", path)
        self.assertEqual(code, 1)
        self.assertIn("not an identity type", out["error"])

    def test_cli_registers_a_dataset_from_a_local_bucket(self):
        self.server.new_bucket(A, "a-data")
        bucket_dir = os.path.join(self.server.data_dir, "buckets", "a-data", "exports")
        os.makedirs(bucket_dir, exist_ok=True)
        with open(os.path.join(bucket_dir, "events.jsonl"), "w") as f:
            f.write('{"user": "u@example.com", "n": 1}\n{"user": "v@example.com", "n": 2}\n')
        code, d, err = self.upload_cli("--account", A, "--table", "web.events", "--bucket", "a-data",
                                       "--pii", "user:email", "exports/events.jsonl")
        self.assertEqual(code, 0, err)
        self.assertEqual(d["sourceBucket"], "a-data")
        self.assertEqual(d["rowCount"], 2)

    # --- HTTP ---------------------------------------------------------------------------------
    def test_http_upload_in_one_request_and_listing(self):
        body = b"id,email\n1,Ann@Example.com\n2,ben@example.com\n3,\n"
        d = uploaded(self, self.server, self.a, "/datasets/web/visitors", body,
                     {"format": "csv", "pii": "email:email"})
        self.assertEqual((d["tableName"], d["version"], d["rowCount"]), ("visitors", 1, 3))
        stored = self.read_file(d["path"])
        self.assertNotIn(b"Ann@", stored)
        self.assertIn(sha("ann@example.com").encode(), stored)

        status, listing, _ = signed(self.server, self.a, "GET", "/datasets")
        self.assertEqual(status, 200)
        self.assertIn(("web", "visitors"), [(x["databaseName"], x["tableName"]) for x in listing["datasets"]])
        status, one, _ = signed(self.server, self.a, "GET", "/datasets/web/visitors")
        self.assertEqual((status, one["version"]), (200, 1))

        # The stored Parquet file goes back in as a Parquet upload: already-hashed values pass.
        again = uploaded(self, self.server, self.a, "/datasets/web/visitors", stored,
                         {"format": "parquet", "pii": "email:email"})
        self.assertEqual(again["version"], 2)
        self.assertIn(sha("ann@example.com").encode(), self.read_file(again["path"]))

    def test_http_errors_use_the_clean_rooms_shape(self):
        # Data that does not fit is found by the job, which fails with the reason.
        status, job = upload(self.server, self.a, "/datasets/web/broken", b"id,n\n1,2\n3,4,5\n",
                             {"columns": "id:BIGINT,n:BIGINT"})
        self.assertEqual((status, job["status"]), (200, "FAILED"), job)
        self.assertTrue(job["message"].startswith("line 3: "), job)
        self.assertNotIn("dataset", job)
        status, body, headers = signed(self.server, self.a, "PUT", "/datasets/web/broken", b"a\n1\n",
                                       {"format": "xml"})
        self.assertEqual((status, headers["x-amzn-ErrorType"]), (400, "ValidationException"))
        status, body, headers = signed(self.server, self.a, "PUT", "/datasets/bad..name/t", b"a\n1\n")
        self.assertEqual(status, 400)
        self.assertEqual(body["fieldList"][0]["name"], "databaseName")
        status, body, headers = signed(self.server, self.a, "GET", "/datasets/web/nothing-here")
        self.assertEqual((status, headers["x-amzn-ErrorType"]), (404, "ResourceNotFoundException"))

    def test_http_requires_a_valid_signature(self):
        status, body, headers = self.server.http("GET", "/datasets")
        self.assertEqual(status, 403)
        self.assertEqual(headers["x-amzn-ErrorType"], "MissingAuthenticationTokenException")
        wrong = dict(self.a, secretAccessKey="x" * 40)
        status, body, headers = signed(self.server, wrong, "PUT", "/datasets/web/x", b"a\n1\n")
        self.assertEqual(status, 403)
        self.assertEqual(headers["x-amzn-ErrorType"], "InvalidSignatureException")

    def test_accounts_see_only_their_own_datasets(self):
        uploaded(self, self.server, self.a, "/datasets/shared/names", b"id\n1\n")
        status, listing, _ = signed(self.server, self.b, "GET", "/datasets")
        self.assertEqual(status, 200)
        self.assertNotIn(A, [d["accountId"] for d in listing["datasets"]])
        status, _, headers = signed(self.server, self.b, "GET", "/datasets/shared/names")
        self.assertEqual((status, headers["x-amzn-ErrorType"]), (404, "ResourceNotFoundException"))
        # B's table of the same name is B's own, and leaves A's alone.
        mine = uploaded(self, self.server, self.b, "/datasets/shared/names", b"id\n1\n2\n")
        self.assertEqual((mine["accountId"], mine["version"]), (B, 1))
        status, theirs, _ = signed(self.server, self.a, "GET", "/datasets/shared/names")
        self.assertEqual((theirs["version"], theirs["rowCount"]), (1, 1))

    # --- identity matching (docs/identity.md, "Matching") -----------------------------------
    def test_match_resolves_identities_over_http_and_cli(self):
        provider = self.server.platform_account("ADVERTISING_DATA_PROVIDER")["accountId"]
        platform = self.write("identities.csv",
                              "user_id,email,phone,first_name,last_name,postal_code\n"
                              "u1,ann@example.com,,,,\n"
                              "u2,,+1 206 555 0100,,,\n"
                              "u3,,,Carl,Diaz,98101\n")
        code, _, err = self.upload_cli(
            "--account", provider, "--table", "platform.identities", "--pii",
            "email:email,phone:phone,first_name:first_name,last_name:last_name,"
            "postal_code:postal_code", platform)
        self.assertEqual(code, 0, err)
        body = (b"id,email,phone,first,last,zip,spend\n"
                b"1,Ann@Example.com,,,,,10\n"
                b"2,nobody@example.com,1-206-555-0100,,,,20\n"
                b"3,,,carl,DIAZ,98101-0001,30\n"
                b"4,zed@example.com,,,,,40\n")
        uploaded(self, self.server, self.a, "/datasets/crm/leads", body, {
            "pii": "email:email,phone:phone,first:first_name,last:last_name,zip:postal_code"})

        status, stats, _ = signed(self.server, self.a, "POST", "/datasets/crm/leads/match")
        self.assertEqual(status, 200, stats)
        self.assertEqual((stats["rows"], stats["matched"], stats["unmatched"]), (4, 3, 1))
        self.assertEqual(stats["matchedByRule"], {"EMAIL": 1, "PHONE": 1, "NAME_POSTAL": 1})
        self.assertAlmostEqual(stats["matchRate"], 0.75)
        self.assertEqual(stats["platformTable"], "platform.identities")
        out = stats["dataset"]
        self.assertEqual((out["accountId"], out["tableName"], out["version"]), (A, "leads_resolved", 1))
        self.assertEqual([c["name"] for c in out["columns"]], ["id", "spend", "user_id", "match_rule"])
        stored = self.read_file(out["path"])
        self.assertNotIn(sha("ann@example.com").encode(), stored)
        self.assertNotIn(sha("12065550100").encode(), stored)

        # B has no table of that name, and cannot reach A's.
        status, _, headers = signed(self.server, self.b, "POST", "/datasets/crm/leads/match")
        self.assertEqual((status, headers["x-amzn-ErrorType"]), (404, "ResourceNotFoundException"))
        # Only the platform's own tables serve as identity tables.
        status, err, _ = signed(self.server, self.a, "POST", "/datasets/crm/leads/match",
                                json.dumps({"platformTable": "crm.leads"}).encode())
        self.assertEqual(status, 404, err)

        p = subprocess.run([BIN, "match", "--data-dir", self.server.data_dir, "--account", A,
                            "--table", "crm.leads", "--into", "crm.leads_matched"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        cli = json.loads(p.stdout)
        self.assertEqual((cli["matched"], cli["dataset"]["tableName"]), (3, "leads_matched"))
        p = subprocess.run([BIN, "match", "--data-dir", self.server.data_dir, "--account", A,
                            "--table", "crm.leads", "--into", "crm.leads"], capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 1)
        self.assertIn("must differ", json.loads(p.stdout)["error"])


class KilledUploadTest(unittest.TestCase):
    """SIGKILL the server in the middle of an upload; after a restart the previous version is
    intact and nothing of the partial one is left."""

    def test_sigkill_mid_upload_leaves_previous_version_and_no_trace(self):
        server = Server().start()
        try:
            creds = server.new_account(A, "Advertiser A")
            uploaded(self, server, creds, "/datasets/crm/big", b"id,email\n1,a@example.com\n",
                     {"pii": "email:email"})
            rows = "".join(f"{i},user{i}@example.com,{i * 7 % 1000}\n" for i in range(1_500_000))
            body = ("id,email,score\n" + rows).encode()
            table_dir = os.path.join(server.data_dir, "datasets", A, "crm", "big")
            threading.Thread(target=lambda: signed(server, creds, "PUT", "/datasets/crm/big", body,
                                                   {"pii": "email:email"}), daemon=True).start()
            deadline = time.time() + 60
            while time.time() < deadline and not glob.glob(os.path.join(table_dir, ".staging-*")):
                time.sleep(0.02)
            self.assertTrue(glob.glob(os.path.join(table_dir, ".staging-*")), "the upload never started copying")
            server.proc.send_signal(signal.SIGKILL)
            server.proc.wait()

            server = Server(server.data_dir).start()
            self.assertEqual(sorted(os.listdir(table_dir)), ["1.parquet"])
            status, d, _ = signed(server, creds, "GET", "/datasets/crm/big")
            self.assertEqual((status, d["version"], d["rowCount"]), (200, 1, 1))
        finally:
            server.stop()
            shutil.rmtree(server.data_dir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
