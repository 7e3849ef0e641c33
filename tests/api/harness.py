"""Starts a real cleanroom server for API tests and gives them real clients.

Each test class gets its own data dir and port; the server is stopped when the class ends.
Nothing here reaches outside 127.0.0.1.
"""
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("CLEANROOM_BIN", os.path.join(HERE, "..", "..", "build", "cleanroom"))
MARKETPLACE = "ATVPDKIKX0DER"
# CLEANROOM_TEST_CATALOG=postgresql: every data dir's catalog is a fresh database on a throwaway
# PostgreSQL of this test process (postgres_catalog.py), given to every command with --catalog.
CATALOG_POSTGRES = os.environ.get("CLEANROOM_TEST_CATALOG") == "postgresql"
if CATALOG_POSTGRES:
    import postgres_catalog
    postgres_catalog.give_every_command_its_catalog(BIN)


def catalog_rows(data_dir, sql, params=()):
    """Runs `sql` (? parameters) straight on the catalog of the server of `data_dir`, past the API:
    for tests that forge or read what no call can. Its rows; on PostgreSQL every value is text."""
    if CATALOG_POSTGRES:
        return postgres_catalog.execute(data_dir, sql, params)
    import sqlite3
    db = sqlite3.connect(os.path.join(data_dir, "meta.db"), timeout=10)
    try:
        with db:
            return db.execute(sql, params).fetchall()
    finally:
        db.close()


def catalog_env(data_dir):
    """Environment that points commands run outside this harness (a shell script) at the catalog of
    `data_dir`, as a deployment sets CLEANROOM_CATALOG once: nothing for the SQLite default."""
    if CATALOG_POSTGRES:
        return {"CLEANROOM_CATALOG": postgres_catalog.server().catalog_for(data_dir)}
    return {}


def catalog_bytes(data_dir):
    """Every byte the catalog keeps: SQLite's file and, while it exists, its WAL; or a dump of the
    PostgreSQL database."""
    if CATALOG_POSTGRES:
        return postgres_catalog.dump(data_dir)
    out = b""
    for path in sorted(glob.glob(os.path.join(data_dir, "meta.db*"))):
        with open(path, "rb") as f:
            out += f.read()
    return out


class Server:
    def __init__(self, data_dir=None, extra_args=(), env=None):
        """`extra_args` go to `cleanroom serve` after the data dir and listen address; `env`, when
        given, is the server's whole environment."""
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="cleanroom-test-")
        self.extra_args = list(extra_args)
        self.env = env
        self.proc = None
        self.url = None

    def start(self, timeout=20):
        """Waits up to `timeout` seconds for the banner (a first `--demo` start loads data first)."""
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data-dir", self.data_dir, "--listen", "127.0.0.1:0", *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.env)
        deadline = time.time() + timeout
        self.banner = []
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.banner.append(line)
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                self.url = m.group(1)
                # Drain the rest of the output in the background so the server never blocks on it.
                import threading
                self._drainer = threading.Thread(target=self._drain, daemon=True)
                self._drainer.start()
                return self
        raise RuntimeError("server did not start: " + "".join(self.banner))

    def _drain(self):
        for line in self.proc.stdout:
            self.banner.append(line)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.join_output()
        return self.proc.returncode if self.proc else None

    def join_output(self, timeout=5):
        """After the process ended: waits until all it printed is in self.banner."""
        drainer = getattr(self, "_drainer", None)
        if drainer is not None:
            drainer.join(timeout)
        if self.proc and self.proc.poll() is not None and not (drainer and drainer.is_alive()):
            self.proc.stdout.close()

    def credentials(self):
        with open(os.path.join(self.data_dir, "credentials.json")) as f:
            return json.load(f)

    def platform_account(self, role):
        return next(a for a in self.credentials()["platformAccounts"] if a["role"] == role)

    def upload_csv(self, account_id, table, text, pii=None, extra_args=(), env=None):
        """Writes `text` to a CSV file and uploads it with `cleanroom upload` as `account_id` into
        `table` (DB.TABLE); `pii` is the --pii spec. Fails the test on a non-zero exit; returns the
        dataset record."""
        with tempfile.NamedTemporaryFile("w", suffix=".csv", prefix="cleanroom-upload-") as f:
            f.write(text)
            f.flush()
            args = [BIN, "upload", "--data-dir", self.data_dir, "--json", "--account", account_id,
                    "--table", table, *extra_args, f.name] + (["--pii", pii] if pii else [])
            p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr
        return json.loads(p.stdout)

    # --- admin CLI --------------------------------------------------------------------------
    def admin(self, *args, check=True):
        p = subprocess.run([BIN, "admin", *args, "--data-dir", self.data_dir, "--json"],
                           capture_output=True, text=True)
        out = json.loads(p.stdout) if p.stdout.strip() else {}
        if check and p.returncode != 0:
            raise AssertionError(f"admin {args} failed: {p.stdout} {p.stderr}")
        return out if check else (p.returncode, out)

    def accounts(self, *account_ids):
        """New accounts named after their ids: their credentials and boto3 Clean Rooms clients,
        by id."""
        creds = {a: self.new_account(a, "Account " + a) for a in account_ids}
        return creds, {a: self.cleanrooms(c) for a, c in creds.items()}

    def new_account(self, account_id, name="Account"):
        return self.admin("account", "create", "--account-id", account_id, "--name", name)

    def new_amc_account(self, name="Advertiser A", marketplace=MARKETPLACE):
        return self.admin("amc-account", "create", "--name", name, "--marketplace-id", marketplace)

    def link_advertiser(self, amc_account, advertiser_id):
        """The operator gives the AMC account a platform advertiser (advertiser_id in the platform tables)."""
        return self.admin("amc-account", "link-advertiser", "--amc-account", amc_account,
                          "--advertiser-id", str(advertiser_id))

    def new_bucket(self, account_id, bucket, extra_args=(), env=None):
        """The operator gives `bucket` to `account_id` (`cleanroom admin bucket create`): only its
        owner reads from it or receives results in it. `extra_args` (--s3-endpoint ...) and `env`
        (its credentials) when the buckets are on an S3 endpoint."""
        p = subprocess.run([BIN, "admin", "bucket", "create", "--account", account_id, "--name", bucket,
                            *extra_args, "--data-dir", self.data_dir, "--json"],
                           capture_output=True, text=True, env=env, timeout=60)
        if p.returncode != 0:
            raise AssertionError(f"admin bucket create {bucket} failed: {p.stdout} {p.stderr}")
        return json.loads(p.stdout)

    def new_user(self, email, amc_account=None, role="ADMIN", aws_account=None, aws_role="ADMIN",
                 password=None):
        args = ["user", "create", "--email", email, "--role", role, "--aws-role", aws_role]
        if amc_account:
            args += ["--amc-account", amc_account]
        if aws_account:
            args += ["--aws-account", aws_account]
        if password:
            args += ["--password", password]
        return self.admin(*args)

    # --- clients ----------------------------------------------------------------------------
    def cleanrooms(self, creds, region="us-east-1", validate=True):
        """A boto3 Clean Rooms client signed with an account's keys."""
        return boto3.client(
            "cleanrooms", endpoint_url=self.url, region_name=region,
            aws_access_key_id=creds["accessKeyId"], aws_secret_access_key=creds["secretAccessKey"],
            config=botocore.config.Config(parameter_validation=validate,
                                          retries={"max_attempts": 1, "mode": "standard"}))

    def aws(self, creds, *args, check=True):
        """Runs the stock aws CLI against the server; returns (exit code, parsed JSON or text)."""
        env = dict(os.environ, AWS_ACCESS_KEY_ID=creds["accessKeyId"],
                   AWS_SECRET_ACCESS_KEY=creds["secretAccessKey"], AWS_DEFAULT_REGION="us-east-1",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                   AWS_MAX_ATTEMPTS="1")
        p = subprocess.run(["aws", "--endpoint-url", self.url, "--output", "json", *args],
                           capture_output=True, text=True, env=env)
        if check and p.returncode != 0:
            raise AssertionError(f"aws {args} failed ({p.returncode}): {p.stderr}")
        try:
            out = json.loads(p.stdout) if p.stdout.strip() else {}
        except json.JSONDecodeError:
            out = p.stdout
        return p.returncode, out, p.stderr

    def http(self, method, path, body=None, headers=None, raw_body=None):
        """Plain HTTP: returns (status, parsed JSON body or text, headers)."""
        data = raw_body if raw_body is not None else (
            json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path, data=data, method=method)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        if data is not None and "Content-Type" not in (headers or {}):
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, text, hdrs = r.status, r.read().decode(), r.headers
        except urllib.error.HTTPError as e:
            status, text, hdrs = e.code, e.read().decode(), e.headers
        try:
            parsed = json.loads(text) if text else None
        except json.JSONDecodeError:
            parsed = text
        return status, parsed, hdrs

    # --- signed raw requests (for what the SDKs never send) ---------------------------------
    def sign(self, creds, method, path, raw_body=b"", region="us-east-1", at=None, headers=None):
        """SigV4 headers for a request, signed as botocore signs; `at` (a UTC datetime) signs as
        of that moment instead of now."""
        req = botocore.awsrequest.AWSRequest(method=method, url=self.url + path, data=raw_body,
                                             headers=dict(headers or {}))
        signer = botocore.auth.SigV4Auth(
            botocore.credentials.Credentials(creds["accessKeyId"], creds["secretAccessKey"]),
            "cleanrooms", region)
        if at is None:
            signer.add_auth(req)
        else:
            with mock.patch("botocore.auth.get_current_datetime", return_value=at):
                signer.add_auth(req)
        return dict(req.headers.items())

    def ended_dataset_upload(self, creds, upload_path, upload_id, timeout=60):
        """Uploads run as jobs: polls the job `upload_id` of the dataset at `upload_path`
        (/datasets/DB/TABLE) until it has ended or `timeout` passes, and answers it as GET
        answered it last."""
        deadline = time.time() + timeout
        while True:
            status, job, _ = self.signed_http(creds, "GET", f"{upload_path}/uploads/{upload_id}")
            if status != 200:
                raise AssertionError(f"GET upload {upload_id}: {status} {job}")
            if job["status"] not in ("PENDING", "RUNNING") or time.time() > deadline:
                return job
            time.sleep(0.05)

    def signed_http(self, creds, method, path, body=None, raw_body=None, send_body=None,
                    region="us-east-1", at=None, headers=None):
        """A SigV4-signed request; `send_body` replaces the body after signing (tampering).
        Returns (status, parsed JSON body or text, headers) like http()."""
        data = raw_body if raw_body is not None else (
            json.dumps(body).encode() if body is not None else b"")
        h = dict(headers or {})
        if data:
            h.setdefault("Content-Type", "application/json")
        signed = self.sign(creds, method, path, data, region=region, at=at, headers=h)
        sent = data if send_body is None else send_body
        return self.http(method, path, raw_body=sent or None, headers=signed)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """moto_server on 127.0.0.1 and a free port: the S3-compatible endpoint of bucket tests."""

    def __init__(self):
        self.proc = None
        self.url = None
        # Never through a proxy: everything here stays on 127.0.0.1.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def start(self):
        exe = shutil.which("moto_server")
        cmd = [exe] if exe else [sys.executable, "-m", "moto.server"]
        port = free_port()
        self.proc = subprocess.Popen([*cmd, "-H", "127.0.0.1", "-p", str(port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("moto_server exited with " + str(self.proc.returncode))
            try:
                with self._opener.open(self.url + "/moto-api/data.json", timeout=2):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto_server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def client(self, service, access_key_id, secret_access_key):
        return boto3.client(
            service, endpoint_url=self.url, region_name="us-east-1",
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
            config=botocore.config.Config(s3={"addressing_style": "path"}, proxies={},
                                          retries={"max_attempts": 1, "mode": "standard"}))

    def s3_user(self):
        """An IAM user allowed everything on S3; returns (access key id, secret access key).
        moto checks signatures against its IAM keys once require_signatures() was called."""
        iam = self.client("iam", "AKIDMOTOSETUP", "moto-setup-secret")
        iam.create_user(UserName="cleanroom")
        iam.put_user_policy(UserName="cleanroom", PolicyName="s3", PolicyDocument=json.dumps(
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="cleanroom")["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def require_signatures(self, required=True):
        """From now on every request must carry a valid SigV4 signature of an IAM user's key (or,
        with required=False, no longer)."""
        # Not form-encoded, or moto finds no body to read the count from.
        req = urllib.request.Request(self.url + "/moto-api/reset-auth", data=b"0" if required else b"inf",
                                     method="POST", headers={"Content-Type": "text/plain"})
        with self._opener.open(req, timeout=10) as r:
            r.read()


class AmcUser:
    """A user of the AMC face: the four headers and the calls the reference makes."""

    def __init__(self, server, user, advertiser_id, marketplace=MARKETPLACE):
        self.server = server
        self.user = user
        self.advertiser_id = advertiser_id
        self.marketplace = marketplace

    def headers(self, **override):
        h = {"Amazon-Advertising-API-ClientId": self.user["clientId"],
             "Amazon-Advertising-API-MarketplaceId": self.marketplace,
             "Amazon-Advertising-API-AdvertiserId": self.advertiser_id,
             "Authorization": "Bearer " + self.user["bearerToken"]}
        for k, v in override.items():
            name = {"client_id": "Amazon-Advertising-API-ClientId",
                    "marketplace": "Amazon-Advertising-API-MarketplaceId",
                    "advertiser": "Amazon-Advertising-API-AdvertiserId",
                    "authorization": "Authorization"}[k]
            if v is None:
                h.pop(name)
            else:
                h[name] = v
        return h

    def call(self, method, path, body=None, raw_body=None, **override):
        return self.server.http(method, path, body=body, raw_body=raw_body, headers=self.headers(**override))

    def ended_execution(self, instance, execution_id, timeout=60):
        """Polls the workflow execution until it has ended (SUCCEEDED, FAILED or CANCELLED) or
        `timeout` seconds pass, and answers it as GET answered it last."""
        deadline = time.time() + timeout
        while True:
            status, e, _ = self.call(
                "GET", f"/amc/reporting/{instance}/workflowExecutions/{execution_id}")
            if status != 200:
                raise AssertionError(f"GET execution {execution_id}: {status} {e}")
            if e["status"] in ("SUCCEEDED", "FAILED", "CANCELLED") or time.time() > deadline:
                return e
            time.sleep(0.05)

    def ended_upload(self, upload_path, posted, timeout=60):
        """Uploads run as jobs: given the path an upload was POSTed to and its answer (PENDING),
        polls the upload until it has ended and answers it as GET answered it last."""
        if posted.get("status") != "PENDING":
            raise AssertionError(f"the upload was not queued: {posted}")
        deadline = time.time() + timeout
        while True:
            status, body, _ = self.call("GET", f"{upload_path}/{posted['uploadId']}")
            if status != 200:
                raise AssertionError(f"GET upload {posted['uploadId']}: {status} {body}")
            if body["upload"]["status"] not in ("PENDING", "RUNNING") or time.time() > deadline:
                return body["upload"]
            time.sleep(0.05)

    def create_instance(self, body):
        return self.call("POST", "/amc/instances", body)

    def add_advertisers(self, instance_id, *advertiser_ids, type="DISPLAY"):
        """POST .../advertisers/updates adding these platform advertisers; returns advertiserUpdate."""
        status, body, _ = self.call("POST", f"/amc/instances/{instance_id}/advertisers/updates", {
            "advertisersToAdd": [{"id": str(a), "marketplaceId": self.marketplace, "type": type}
                                 for a in advertiser_ids]})
        if status != 200:
            raise AssertionError(f"advertisers/updates answered {status}: {body}")
        return body["advertiserUpdate"]

    def own_advertisers(self, instance_id, *advertiser_ids):
        """The operator links the advertisers to this user's AMC account, then the instance adds them."""
        for a in advertiser_ids:
            self.server.link_advertiser(self.advertiser_id, a)
        update = self.add_advertisers(instance_id, *advertiser_ids)
        if update["status"] != "COMPLETED":
            raise AssertionError(f"adding advertisers was {update}")
        return update


def advertiser_setup(server, account_id="682015411111", email=None, amc_name="Advertiser A"):
    """An advertiser as the reference assumes: an AWS account, an AMC account and an admin of both."""
    creds = server.new_account(account_id, amc_name)
    amc = server.new_amc_account(amc_name)
    user = server.new_user(email or f"admin-{account_id}@example.com", amc_account=amc["advertiserId"],
                           aws_account=account_id)
    return creds, AmcUser(server, user, amc["advertiserId"])


def active_amc_instance(server, creds, user, name, advertiser, bucket):
    """An AMC instance of `user`'s account reading `advertiser`'s platform rows, whose primary
    account has joined with `bucket` (created here) as its results destination: the instance is
    ACTIVE. Returns (instance id, collaboration id)."""
    status, body, _ = user.create_instance(
        {"instanceName": name, "awsAccountId": creds["accountId"], "acrBacked": True})
    assert status == 200, body
    instance = body["instance"]["instanceId"]
    user.own_advertisers(instance, advertiser)
    adv = server.cleanrooms(creds)
    collab = next(c for c in adv.list_collaborations(memberStatus="INVITED")["collaborationList"]
                  if c["name"] == "AMC " + instance)
    server.new_bucket(creds["accountId"], bucket)
    adv.create_membership(
        collaborationIdentifier=collab["id"], queryLogStatus="DISABLED",
        defaultResultConfiguration={"outputConfiguration": {"s3": {
            "bucket": bucket, "keyPrefix": "amc", "resultFormat": "CSV"}}})
    return instance, collab["id"]


def two_party_collaboration(cr, analyst, owner, name, bucket):
    """A fresh collaboration of `analyst` (can query; results to `bucket` under prefix `name`) and
    `owner` (brings data), both joined. `cr` maps account ids to boto3 clients. Returns
    (collaboration id, the analyst's membership id, the owner's membership id)."""
    c = cr[analyst].create_collaboration(
        name=name, description="d", creatorDisplayName="analyst",
        creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="DISABLED",
        members=[{"accountId": owner, "memberAbilities": [], "displayName": "owner"}])["collaboration"]
    ms_analyst = cr[analyst].create_membership(
        collaborationIdentifier=c["id"], queryLogStatus="DISABLED",
        defaultResultConfiguration={"outputConfiguration": {"s3": {
            "bucket": bucket, "keyPrefix": name, "resultFormat": "CSV"}}})["membership"]["id"]
    ms_owner = cr[owner].create_membership(
        collaborationIdentifier=c["id"], queryLogStatus="DISABLED")["membership"]["id"]
    return c["id"], ms_analyst, ms_owner


def configure_table(cr, account, membership, db, table, columns, rule_type, body, suffix):
    """`db.table` as a configured table (named `table-suffix`: names are unique per account) under
    an analysis rule of `rule_type` with `body`, associated into `membership` as `table`."""
    t = cr.create_configured_table(
        name=f"{table}-{suffix}", tableReference={"glue": {"databaseName": db, "tableName": table}},
        allowedColumns=columns, analysisMethod="DIRECT_QUERY")["configuredTable"]
    cr.create_configured_table_analysis_rule(
        configuredTableIdentifier=t["id"], analysisRuleType=rule_type,
        analysisRulePolicy={"v1": {rule_type.lower(): body}})
    cr.create_configured_table_association(
        membershipIdentifier=membership, configuredTableIdentifier=t["id"], name=table,
        roleArn=f"arn:aws:iam::{account}:role/cleanrooms")


class ServerTestCase(unittest.TestCase):
    """One server per test class."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.data_dir, ignore_errors=True)

    def finished_query(self, cr, membership, started, timeout=60):
        """Polls GetProtectedQuery (boto3 client `cr`) until the query ends or `timeout` passes."""
        deadline = time.time() + timeout
        while True:
            q = cr.get_protected_query(membershipIdentifier=membership,
                                       protectedQueryIdentifier=started["id"])["protectedQuery"]
            if q["status"] in ("SUCCESS", "FAILED", "CANCELLED", "TIMED_OUT") or time.time() > deadline:
                return q
            time.sleep(0.05)
