"""`cleanroom serve` and the operator's tools (issue 2, sections 1, 2 and 4), against real servers.

What the server prints, credentials.json, restarts, signals, the admin CLI and the admin HTTP API,
secrets at rest, and a crash (kill -9) right after a write.
"""
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

import harness
from harness import BIN, MARKETPLACE, AmcUser, Server

PLATFORM_ROLES = {
    "ADVERTISING_DATA_PROVIDER", "LOOKALIKE_AUDIENCE_GENERATOR", "ADVERTISER_UPLOADED_DATA_PROVIDER",
    "THIRD_PARTY_PAID_DATA_PROVIDER", "RESULTS_RECEIVER", "QUERY_SUBMITTER", "SERVICE",
}
SAMPLE_REQUEST = {"instanceName": "my_collaboration_instance", "awsAccountId": "682015411111", "acrBacked": "true"}


def read_store(data_dir):
    """Every byte the catalog keeps (harness.catalog_bytes)."""
    return harness.catalog_bytes(data_dir)


def all_instances(user):
    out, token = [], None
    while True:
        code, body, _ = user.call("GET", "/amc/instances?limit=100" + (f"&nextToken={token}" if token else ""))
        assert code == 200, body
        out += body["instances"]
        token = body.get("nextToken")
        if not token:
            return out


class RunningServerTest(harness.ServerTestCase):
    """One server: its banner, credentials.json, the admin CLI and the admin HTTP API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator_token = cls.server.credentials()["operator"]["bearerToken"]

    def admin_http(self, path, body, token=None):
        headers = {"Authorization": "Bearer " + token} if token else {}
        return self.server.http("POST", path, body, headers=headers)

    # --- serve ----------------------------------------------------------------------------------
    def test_banner_says_where_it_listens_and_where_data_and_credentials_are(self):
        banner = "".join(self.server.banner)
        self.assertRegex(self.server.url, r"^http://127\.0\.0\.1:\d+$")
        self.assertIn(f"listening on {self.server.url}", banner)
        data_dir = os.path.realpath(self.server.data_dir)
        self.assertRegex(banner, r"data dir:\s+" + re.escape(data_dir))
        self.assertRegex(banner, r"credentials:\s+" + re.escape(os.path.join(data_dir, "credentials.json")))
        self.assertIn("us-east-1", banner)
        # The address it prints is the one it serves.
        code, _, _ = self.server.http("GET", "/amc/nothing")
        self.assertEqual(code, 404)

    def test_credentials_file_is_private_and_lists_the_platform_accounts(self):
        path = os.path.join(self.server.data_dir, "credentials.json")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        creds = self.server.credentials()
        self.assertEqual(creds["region"], "us-east-1")
        self.assertEqual(creds["endpoint"], self.server.url)
        self.assertTrue(creds["operator"]["bearerToken"])
        self.assertTrue(creds["operator"]["email"])
        accounts = creds["platformAccounts"]
        self.assertEqual(len(accounts), 7)
        self.assertEqual({a["role"] for a in accounts}, PLATFORM_ROLES)
        self.assertEqual(len({a["accountId"] for a in accounts}), 7, "platform accounts share an id")
        for a in accounts:
            with self.subTest(role=a["role"]):
                self.assertRegex(a["accountId"], r"^\d{12}$")
                self.assertRegex(a["accessKeyId"], r"^AKIA[A-Z0-9]{16}$")
                self.assertGreaterEqual(len(a["secretAccessKey"]), 40)
                self.assertTrue(a["displayName"])
        # The keys are real: each platform account can call the Clean Rooms API.
        for a in accounts:
            with self.subTest(signed_by=a["role"]):
                resp = self.server.cleanrooms(a).list_collaborations()
                self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)

    # --- admin CLI --------------------------------------------------------------------------------
    def test_cli_account_create_prints_its_keys(self):
        out = self.server.new_account("400000000001", "CLI Account")
        self.assertEqual(out["accountId"], "400000000001")
        self.assertRegex(out["accessKeyId"], r"^AKIA[A-Z0-9]{16}$")
        self.assertGreaterEqual(len(out["secretAccessKey"]), 40)
        # The keys sign Clean Rooms calls.
        resp = self.server.cleanrooms(out).list_collaborations()
        self.assertEqual(resp["collaborationList"], [])

    def test_cli_duplicate_account_fails_with_an_error_json(self):
        self.server.new_account("400000000002", "Once")
        code, out = self.server.admin("account", "create", "--account-id", "400000000002", "--name", "Twice",
                                      check=False)
        self.assertNotEqual(code, 0)
        self.assertEqual(set(out), {"error"})
        self.assertIn("400000000002", out["error"])

    def test_cli_bad_account_id_is_rejected(self):
        for bad in ("12345", "1234567890123", "12345678901a", "-12345678901"):
            with self.subTest(account_id=bad):
                p = subprocess.run([BIN, "admin", "account", "create", "--account-id", bad, "--name", "x",
                                    "--data-dir", self.server.data_dir, "--json"], capture_output=True, text=True)
                self.assertNotEqual(p.returncode, 0)
                out = json.loads(p.stdout) if p.stdout.strip() else {}
                self.assertIn("error", out, p.stdout + p.stderr)

    def test_cli_amc_account_create_prints_the_advertiser_id(self):
        out = self.server.new_amc_account("CLI Advertiser")
        self.assertRegex(out["advertiserId"], r"^ENTITY[A-Z0-9]{12}$")
        self.assertEqual(out["marketplaceId"], MARKETPLACE)
        other = self.server.new_amc_account("CLI Advertiser")
        self.assertNotEqual(other["advertiserId"], out["advertiserId"])

    def test_cli_amc_account_with_an_unknown_marketplace_is_rejected(self):
        code, out = self.server.admin("amc-account", "create", "--name", "x", "--marketplace-id", "NOWHERE",
                                      check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("NOWHERE", out["error"])

    def test_cli_user_create_prints_a_token_that_works(self):
        self.server.new_account("400000000003", "User Account")
        amc = self.server.new_amc_account("User Advertiser")
        user = self.server.new_user("cli-user@example.com", amc_account=amc["advertiserId"],
                                    aws_account="400000000003")
        self.assertTrue(user["userId"])
        self.assertTrue(user["clientId"])
        self.assertTrue(user["bearerToken"])
        u = AmcUser(self.server, user, amc["advertiserId"])
        code, body, _ = u.call("GET", "/amc/accounts")
        self.assertEqual(code, 200, body)
        self.assertEqual([a["accountId"] for a in body["amcAccounts"]], [amc["advertiserId"]])
        code, body, _ = u.create_instance(dict(SAMPLE_REQUEST, awsAccountId="400000000003"))
        self.assertEqual(code, 200, body)

    def test_cli_user_create_rejects_duplicates_and_unknown_accounts(self):
        self.server.new_user("dup-user@example.com")
        for args in (["--email", "dup-user@example.com"],
                     ["--email", "u2@example.com", "--amc-account", "ENTITY000000000000"],
                     ["--email", "u3@example.com", "--aws-account", "499999999999"],
                     ["--email", "not-an-email"]):
            with self.subTest(args=args):
                code, out = self.server.admin("user", "create", *args, check=False)
                self.assertNotEqual(code, 0)
                self.assertIn("error", out)

    # --- admin HTTP API ---------------------------------------------------------------------------
    def test_admin_http_api_with_the_operator_token(self):
        code, acct, _ = self.admin_http("/admin/accounts", {"accountId": "400000000010", "name": "HTTP Account"},
                                        self.operator_token)
        self.assertEqual(code, 200, acct)
        self.assertEqual(acct["accountId"], "400000000010")
        self.assertRegex(acct["accessKeyId"], r"^AKIA[A-Z0-9]{16}$")
        self.assertTrue(acct["secretAccessKey"])
        code, amc, _ = self.admin_http("/admin/amc-accounts", {"name": "HTTP Advertiser", "marketplaceId": MARKETPLACE},
                                       self.operator_token)
        self.assertEqual(code, 200, amc)
        self.assertRegex(amc["advertiserId"], r"^ENTITY[A-Z0-9]{12}$")
        self.assertEqual(amc["marketplaceId"], MARKETPLACE)
        code, user, _ = self.admin_http("/admin/users", {"email": "http-user@example.com",
                                                         "amcAccount": amc["advertiserId"], "role": "ADMIN",
                                                         "awsAccount": "400000000010", "awsRole": "ADMIN"},
                                        self.operator_token)
        self.assertEqual(code, 200, user)
        self.assertTrue(user["userId"] and user["clientId"] and user["bearerToken"])
        # What it made works: the user creates an instance on the account.
        u = AmcUser(self.server, user, amc["advertiserId"])
        code, body, _ = u.create_instance(dict(SAMPLE_REQUEST, awsAccountId="400000000010"))
        self.assertEqual(code, 200, body)
        # The same rules as the CLI: a second account with the id is refused.
        code, body, _ = self.admin_http("/admin/accounts", {"accountId": "400000000010", "name": "Again"},
                                        self.operator_token)
        self.assertEqual(code, 409, body)
        code, body, _ = self.admin_http("/admin/accounts", {"accountId": "4000", "name": "Short"},
                                        self.operator_token)
        self.assertEqual(code, 400, body)
        self.assertIn("accountId", body["message"])

    @staticmethod
    def admin_calls(tag):
        """One call per admin endpoint, each making something that test `tag` alone would make."""
        return [("/admin/accounts", {"accountId": f"40000000{tag}", "name": "Denied"}),
                ("/admin/amc-accounts", {"name": "Denied", "marketplaceId": MARKETPLACE}),
                ("/admin/users", {"email": f"denied-{tag}@example.com"})]

    def assertNothingMade(self, tag):
        """The account id and the email of admin_calls(tag) are still free."""
        code, out = self.server.admin("account", "create", "--account-id", f"40000000{tag}", "--name", "x",
                                      check=False)
        self.assertEqual(code, 0, out)
        code, out = self.server.admin("user", "create", "--email", f"denied-{tag}@example.com", check=False)
        self.assertEqual(code, 0, out)

    def test_admin_http_api_wrong_method_and_unknown_path(self):
        code, err, _ = self.server.http("GET", "/admin/accounts",
                                        headers={"Authorization": "Bearer " + self.operator_token})
        self.assertEqual(code, 400, err)
        self.assertIn("GET is not supported", err["message"])
        code, err, _ = self.server.http("POST", "/admin/nothing", {},
                                        headers={"Authorization": "Bearer " + self.operator_token})
        self.assertEqual(code, 404, err)

    def test_admin_http_api_without_a_token_is_401(self):
        for path, body in self.admin_calls("0401"):
            for headers in ({}, {"Authorization": "Bearer crt_not-a-token"},
                            {"Authorization": "Basic " + self.operator_token}):
                with self.subTest(path=path, headers=headers):
                    code, err, _ = self.server.http("POST", path, body, headers=headers)
                    self.assertEqual(code, 401, err)
                    self.assertEqual(set(err), {"message", "requestId"})
        self.assertNothingMade("0401")

    def test_admin_http_api_with_a_non_operator_token_is_403(self):
        user = self.server.new_user("not-operator@example.com")
        for path, body in self.admin_calls("0403"):
            with self.subTest(path=path):
                code, err, _ = self.admin_http(path, body, user["bearerToken"])
                self.assertEqual(code, 403, err)
                self.assertEqual(set(err), {"message", "requestId"})
        self.assertNothingMade("0403")


class SecretsTest(unittest.TestCase):
    """Tokens and secret keys never leave the server in its output, nor sit in meta.db in clear."""

    def test_tokens_and_secrets_are_not_printed_nor_stored_in_clear(self):
        server = Server().start()
        try:
            creds = server.credentials()
            account = server.new_account("682015411111", "Advertiser A")
            amc = server.new_amc_account()
            user = server.new_user("secret-check@example.com", amc_account=amc["advertiserId"],
                                   aws_account="682015411111", password="a long password 1")
            op = creds["operator"]["bearerToken"]
            code, http_account, _ = server.http("POST", "/admin/accounts", {"accountId": "682015411112", "name": "B"},
                                                headers={"Authorization": "Bearer " + op})
            self.assertEqual(code, 200)
            code, http_user, _ = server.http("POST", "/admin/users", {"email": "secret-http@example.com"},
                                             headers={"Authorization": "Bearer " + op})
            self.assertEqual(code, 200)
            u = AmcUser(server, user, amc["advertiserId"])
            code, body, _ = u.create_instance(SAMPLE_REQUEST)
            self.assertEqual(code, 200, body)
            server.cleanrooms(account).list_collaborations()
            # A failing call too: error paths must not echo what was sent.
            u.call("GET", "/amc/instances", authorization="Bearer crt_wrong-" + user["bearerToken"][-8:])

            secrets = {"operator token": op, "user token": user["bearerToken"],
                       "HTTP user token": http_user["bearerToken"], "password": "a long password 1",
                       "account secret": account["secretAccessKey"],
                       "HTTP account secret": http_account["secretAccessKey"]}
            for a in creds["platformAccounts"]:
                secrets[a["role"] + " secret"] = a["secretAccessKey"]

            stored_running = read_store(server.data_dir)
        finally:
            server.stop()
        output = "".join(server.banner)
        stored = read_store(server.data_dir)
        try:
            # The checks can see what they look at: the output has the request log, the store the
            # non-secret ids.
            self.assertIn("POST /amc/instances 200", output)
            self.assertIn(account["accessKeyId"].encode(), stored + stored_running)
            self.assertIn(user["clientId"].encode(), stored + stored_running)
            for name, value in secrets.items():
                with self.subTest(secret=name):
                    self.assertNotIn(value, output)
                    self.assertNotIn(value.encode(), stored)
                    self.assertNotIn(value.encode(), stored_running)
        finally:
            shutil.rmtree(server.data_dir, ignore_errors=True)


class LifecycleTest(unittest.TestCase):
    """Restarts, signals and crashes, each on its own data dir."""

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="cleanroom-test-")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def start(self):
        s = Server(self.data_dir).start()
        self.servers.append(s)
        return s

    def crash(self, server):
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)
        self.assertEqual(server.proc.returncode, -signal.SIGKILL)

    def stop_with(self, sig):
        server = self.start()
        started = time.monotonic()
        server.proc.send_signal(sig)
        code = server.proc.wait(timeout=10)
        elapsed = time.monotonic() - started
        server.join_output()
        self.assertEqual(code, 0, "".join(server.banner))
        self.assertLess(elapsed, 3.0, "the server took too long to stop")
        self.assertIn("cleanroom stopped", "".join(server.banner))
        # The port is closed.
        with self.assertRaises(OSError):
            urllib.request.urlopen(server.url + "/amc", timeout=2)

    def test_sigterm_stops_the_server_with_exit_code_0(self):
        self.stop_with(signal.SIGTERM)

    def test_sigint_stops_the_server_with_exit_code_0(self):
        self.stop_with(signal.SIGINT)

    def test_restart_reuses_the_accounts_keys_and_credentials_file(self):
        first = self.start()
        path = os.path.join(self.data_dir, "credentials.json")
        with open(path, "rb") as f:
            before = f.read()
        creds = json.loads(before)
        _, u = harness.advertiser_setup(first, "682015411111")
        code, body, _ = u.create_instance(SAMPLE_REQUEST)
        self.assertEqual(code, 200, body)
        self.assertEqual(first.stop(), 0)

        second = self.start()
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before, "credentials.json changed on restart")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        # The same platform accounts: the instance's upload account is still the one in the file,
        # and the stored keys still sign requests the new process accepts.
        u.server = second
        code, got, _ = u.call("GET", f"/amc/instances/{body['instance']['instanceId']}")
        self.assertEqual(code, 200, got)
        upload = next(a for a in creds["platformAccounts"] if a["role"] == "ADVERTISER_UPLOADED_DATA_PROVIDER")
        self.assertEqual(got["instance"]["dataUploadAwsAccountId"], upload["accountId"])
        submitter = next(a for a in creds["platformAccounts"] if a["role"] == "QUERY_SUBMITTER")
        names = [c["name"] for c in second.cleanrooms(submitter).list_collaborations()["collaborationList"]]
        self.assertIn(f"AMC {body['instance']['instanceId']}", names)
        # The operator token of the file still works.
        code, _, _ = second.http("POST", "/admin/amc-accounts", {"name": "After Restart", "marketplaceId": MARKETPLACE},
                                 headers={"Authorization": "Bearer " + creds["operator"]["bearerToken"]})
        self.assertEqual(code, 200)

    def test_lost_credentials_file_is_rewritten_with_a_new_operator_token(self):
        first = self.start()
        old = first.credentials()
        first.stop()
        os.remove(os.path.join(self.data_dir, "credentials.json"))
        second = self.start()
        new = second.credentials()
        key = lambda c: sorted((a["role"], a["accountId"], a["accessKeyId"], a["secretAccessKey"])  # noqa: E731
                               for a in c["platformAccounts"])
        self.assertEqual(key(new), key(old))
        self.assertNotEqual(new["operator"]["bearerToken"], old["operator"]["bearerToken"])
        body = {"name": "x", "marketplaceId": MARKETPLACE}
        code, _, _ = second.http("POST", "/admin/amc-accounts", body,
                                 headers={"Authorization": "Bearer " + old["operator"]["bearerToken"]})
        self.assertEqual(code, 401)
        code, _, _ = second.http("POST", "/admin/amc-accounts", body,
                                 headers={"Authorization": "Bearer " + new["operator"]["bearerToken"]})
        self.assertEqual(code, 200)

    def test_kill_9_right_after_creating_an_instance_keeps_it_and_its_collaboration(self):
        server = self.start()
        _, u = harness.advertiser_setup(server, "682015411111")
        code, body, _ = u.create_instance(SAMPLE_REQUEST)
        self.assertEqual(code, 200, body)
        self.crash(server)

        u.server = self.start()
        iid = body["instance"]["instanceId"]
        code, got, _ = u.call("GET", f"/amc/instances/{iid}")
        self.assertEqual(code, 200, got)
        self.assertEqual(got["instance"]["acrCollaboration"], body["instance"]["acrCollaboration"])
        code, collab, _ = u.call("GET", f"/amc/instances/{iid}/collaboration")
        self.assertEqual(code, 200, collab)
        self.assertEqual(collab["collaboration"]["id"], body["instance"]["acrCollaboration"]["id"])
        self.assertEqual(len(collab["collaboration"]["members"]), 8)
        code, listed, _ = u.call("GET", "/amc/instances")
        self.assertEqual([i["instanceId"] for i in listed["instances"]], [iid])

    def test_kill_9_during_creates_never_leaves_half_an_instance(self):
        server = self.start()
        _, u = harness.advertiser_setup(server, "682015411111")
        done, lock, stop = [], threading.Lock(), threading.Event()

        def create():
            while not stop.is_set():
                try:
                    code, body, _ = u.create_instance(SAMPLE_REQUEST)
                except OSError:
                    return
                if code != 200:
                    return
                with lock:
                    done.append(body["instance"])

        threads = [threading.Thread(target=create) for _ in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while len(done) < 12 and time.monotonic() < deadline:
            time.sleep(0.005)
        self.crash(server)  # with creates in flight
        stop.set()
        for t in threads:
            t.join(10)
        self.assertGreaterEqual(len(done), 12)

        u.server = self.start()
        listed = all_instances(u)
        ids = {i["instanceId"] for i in listed}
        # Every create that answered 200 survived.
        self.assertLessEqual({i["instanceId"] for i in done}, ids)
        # Every visible instance has its whole collaboration...
        for inst in listed:
            code, collab, _ = u.call("GET", f"/amc/instances/{inst['instanceId']}/collaboration")
            self.assertEqual(code, 200, collab)
            self.assertEqual(len(collab["collaboration"]["members"]), 8, inst["instanceId"])
            self.assertEqual(collab["collaboration"]["status"], "Invited")
        # ...and every AMC collaboration has its instance.
        submitter = u.server.platform_account("QUERY_SUBMITTER")
        client = u.server.cleanrooms(submitter)
        names, token = [], None
        while True:
            page = client.list_collaborations(**({"nextToken": token} if token else {}))
            names += [c["name"] for c in page["collaborationList"]]
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(sorted(names), sorted(f"AMC {i}" for i in ids))


class QueryLimitFlagsTest(unittest.TestCase):
    """serve's query limits: printed in the banner, refused before anything starts when invalid."""

    def test_the_limits_given_are_the_ones_printed(self):
        server = harness.Server(extra_args=["--query-workers", "3", "--query-threads", "1",
                                            "--query-memory", "1GB", "--query-timeout", "60",
                                            "--query-spill", "5GB"]).start()
        try:
            deadline = time.time() + 10
            while not any("admission:" in l for l in server.banner) and time.time() < deadline:
                time.sleep(0.05)
            line = next(l for l in server.banner if "queries:" in l)
            self.assertIn("3 at a time, 1 threads and 1GB of memory each, stopped after 60 s", line)
            line = next(l for l in server.banner if "spill:" in l)
            self.assertIn("5GB per query at most", line)
            self.assertIn("(3 queries at a time)", line)
        finally:
            server.stop()

    def test_an_invalid_limit_stops_serve_with_the_reason(self):
        for args, message in ((["--query-memory", "lots"], "--query-memory must be a size"),
                              (["--query-workers", "0"], "--query-workers must be between 1 and 64"),
                              (["--query-timeout", "0"], "--query-timeout must be at least 1 second")):
            with tempfile.TemporaryDirectory(prefix="cleanroom-limits-") as data_dir:
                p = subprocess.run([harness.BIN, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0",
                                    *args], capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            self.assertIn(message, p.stderr)


if __name__ == "__main__":
    unittest.main()
