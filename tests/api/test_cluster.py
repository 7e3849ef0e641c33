"""Three nodes over one PostgreSQL catalog and one S3 store (docs/deployment.md), all started here
on 127.0.0.1: initdb and `postgres` in a temporary folder, `moto_server` as the S3 endpoint that
holds the buckets and the dataset store, and three `cleanroom serve` nodes with data dirs of their
own (the master key and first-start credentials copied from the first, as the deployment guide
says); node A serves the demo data as `make run` does (`serve --demo`). The operator's setup and
the uploads go through node A; each collaboration's queries run on its home node (B for one, C for
the other) whichever node the calls reach; the README's quickstart runs on node A while queries
run on B and C; a query cancelled through A ends CANCELLED on B and frees B's workers; a node
killed with SIGKILL while it runs a query loses it to another node, where it ends SUCCESS; a
rolling restart of all three nodes while queries wait and run loses none."""
import json
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import boto3
import botocore.config

import postgres_catalog
from harness import BIN, MotoServer, Server
from readme_quickstart import check_quickstart, csv_rows, lay_out, run_quickstart

ADVERTISER = "111111111111"  # queries and receives results
PARTNER = "222222222222"  # brings an audience
STORE = "cleanroom-datasets"


def aggregation_rule(dimension):
    return {"aggregation": {
        "aggregateColumns": [{"columnNames": ["hashed_email"], "function": "COUNT_DISTINCT"}],
        "joinColumns": ["hashed_email"], "dimensionColumns": [dimension], "scalarFunctions": [],
        "outputConstraints": [{"columnName": "hashed_email", "minimum": 2, "type": "COUNT_DISTINCT"}]}}


QUERY = ("SELECT c.segment, COUNT(DISTINCT c.hashed_email) AS users FROM customers c "
         "JOIN audience a ON c.hashed_email = a.hashed_email GROUP BY c.segment")
PAUSE = 2  # s between two queries of a collaboration while the quickstart runs
# Every customer paired with every other of the same segment: about 3 x 10^11 pairs at ROWS, far
# more than a node counts before the test gives up on it.
ENDLESS_QUERY = ("SELECT x.segment, COUNT(*) AS pairs FROM everyone x "
                 "JOIN everyone y ON x.segment = y.segment GROUP BY x.segment")


class ClusterTest(unittest.TestCase):
    # bench/load/cluster_load.py deploys other sizes with the same code.
    NODES = 3
    COLLABORATIONS = ("one", "two")
    ROWS = 1000000  # per table: a query runs long enough to be interrupted
    DEMO = True  # node A serves with --demo, for the README's quickstart

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="cleanroom-cluster-")
        cls.pg = postgres_catalog.PostgresServer().start()
        cls.moto = MotoServer().start()
        cls.nodes = {}
        try:
            cls.catalog = cls.pg.catalog_for(cls.root)
            key_id, secret = cls.moto.s3_user()
            cls.s3_keys = key_id, secret
            cls.s3 = cls.moto.client("s3", key_id, secret)
            cls.moto.require_signatures()
            cls.env = dict(os.environ, AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret,
                           NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
            cls.start_node("a")
            for name in "bc"[:cls.NODES - 1]:
                os.makedirs(cls.data_dir(name))
                for f in ("master.key", "credentials.json"):
                    shutil.copy2(os.path.join(cls.data_dir("a"), f), cls.data_dir(name))
                cls.start_node(name)
            cls.set_up_data()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for node in cls.nodes.values():
            node.stop()
        cls.moto.stop()
        cls.pg.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    # --- the deployment ---------------------------------------------------------------------
    @classmethod
    def data_dir(cls, name):
        return os.path.join(cls.root, name)

    @classmethod
    def start_node(cls, name):
        demo = ["--demo"] if cls.DEMO and name == "a" else []  # a first start generates it: seconds
        node = Server(data_dir=cls.data_dir(name), env=cls.env, extra_args=[
            "--catalog", cls.catalog, "--s3-endpoint", cls.moto.url, "--dataset-bucket", STORE,
            "--query-workers", "2", *demo]).start(timeout=120)
        node.node_id = next(re.search(r"node:\s+(\S+)", line).group(1)
                            for line in node.banner if re.search(r"node:\s+\S+", line))
        cls.nodes[name] = node
        return node

    def kill_node(self, name):
        """SIGKILL: the node leaves its work and its row in the catalog as they were."""
        self.nodes[name].proc.send_signal(signal.SIGKILL)
        self.nodes[name].proc.wait()
        self.nodes[name].join_output()

    @classmethod
    def cli(cls, *args):
        p = subprocess.run([BIN, *args, "--data-dir", cls.data_dir("a"), "--catalog", cls.catalog,
                            "--json"], capture_output=True, text=True, env=cls.env, timeout=120)
        if p.returncode != 0:
            raise AssertionError(f"{args[:3]} failed: {p.stdout} {p.stderr}")
        return json.loads(p.stdout)

    @classmethod
    def client(cls, account, node):
        creds = cls.creds[account]
        return boto3.client(
            "cleanrooms", endpoint_url=cls.nodes[node].url, region_name="us-east-1",
            aws_access_key_id=creds["accessKeyId"], aws_secret_access_key=creds["secretAccessKey"],
            config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}))

    @classmethod
    def catalog_rows(cls, sql):
        p = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-F", "|", cls.catalog, "-c", sql],
                           capture_output=True, text=True, check=True)
        return p.stdout.splitlines()

    @classmethod
    def catalog_row(cls, sql):
        return (cls.catalog_rows(sql) or [""])[0].split("|")

    @classmethod
    def set_up_data(cls):
        """Through node A and the CLI: two accounts, a results bucket, a table each, and the
        collaborations of both."""
        cls.creds = {a: cls.cli("admin", "account", "create", "--account-id", a, "--name", a)
                     for a in (ADVERTISER, PARTNER)}
        cls.cli("admin", "bucket", "create", "--account", ADVERTISER, "--name", "results",
                "--s3-endpoint", cls.moto.url)
        rng = random.Random(7)
        tables = {(ADVERTISER, "sales.customers"): "hashed_email,segment\n" + "".join(
                      f"e{i},{rng.choice(['gold', 'silver', 'bronze'])}\n" for i in range(cls.ROWS)),
                  (PARTNER, "crm.audience"): "hashed_email,region\n" + "".join(
                      f"e{i * 2},{rng.choice(['n', 's'])}\n" for i in range(cls.ROWS))}
        for (account, table), text in tables.items():
            path = os.path.join(cls.root, table + ".csv")
            with open(path, "w") as f:
                f.write(text)
            cls.cli("upload", "--account", account, "--table", table, "--s3-endpoint", cls.moto.url,
                    path)
        cls.memberships = {}
        for name in cls.COLLABORATIONS:
            a, p = cls.client(ADVERTISER, "a"), cls.client(PARTNER, "a")
            collab = a.create_collaboration(
                name=name, description=name, creatorDisplayName="Advertiser",
                creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="DISABLED",
                members=[{"accountId": PARTNER, "displayName": "Partner", "memberAbilities": []}])
            cid = collab["collaboration"]["id"]
            ms_a = a.create_membership(collaborationIdentifier=cid, queryLogStatus="DISABLED",
                                       defaultResultConfiguration={"outputConfiguration": {"s3": {
                                           "resultFormat": "CSV", "bucket": "results", "keyPrefix": name}}},
                                       paymentConfiguration={"queryCompute": {"isResponsible": True}})
            ms_p = p.create_membership(collaborationIdentifier=cid, queryLogStatus="DISABLED")
            for client, ms, account, (db, table), dim in (
                    (a, ms_a, ADVERTISER, ("sales", "customers"), "segment"),
                    (p, ms_p, PARTNER, ("crm", "audience"), "region")):
                t = client.create_configured_table(
                    name=f"{table}-{name}", tableReference={"glue": {"databaseName": db, "tableName": table}},
                    allowedColumns=["hashed_email", dim], analysisMethod="DIRECT_QUERY")["configuredTable"]
                client.create_configured_table_analysis_rule(
                    configuredTableIdentifier=t["id"], analysisRuleType="AGGREGATION",
                    analysisRulePolicy={"v1": aggregation_rule(dim)})
                client.create_configured_table_association(
                    name=table, membershipIdentifier=ms["membership"]["id"],
                    configuredTableIdentifier=t["id"], roleArn=f"arn:aws:iam::{account}:role/cr")
            cls.memberships[name] = ms_a["membership"]["id"]

    # --- queries ----------------------------------------------------------------------------
    def start_query(self, collaboration, node, sql=QUERY):
        r = self.client(ADVERTISER, node).start_protected_query(
            type="SQL", membershipIdentifier=self.memberships[collaboration],
            sqlParameters={"queryString": sql})
        return r["protectedQuery"]["id"]

    def wait_started(self, qid, timeout=60):
        """Until the engine of the query's node runs it (STARTED in the catalog)."""
        deadline = time.time() + timeout
        while self.catalog_row(f"SELECT status FROM protected_queries WHERE protected_query_id = '{qid}'") \
                != ["STARTED"]:
            if time.time() > deadline:
                self.fail(f"query {qid} not STARTED after {timeout} s")
            time.sleep(0.02)

    def wait(self, collaboration, qid, via, until=("SUCCESS", "FAILED", "CANCELLED", "TIMED_OUT"),
             timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            q = self.client(ADVERTISER, via).get_protected_query(
                membershipIdentifier=self.memberships[collaboration], protectedQueryIdentifier=qid)
            if q["protectedQuery"]["status"] in until:
                return q["protectedQuery"]
            time.sleep(0.2)
        self.fail(f"query {qid} still {q['protectedQuery']['status']} after {timeout} s")

    def holder(self, qid):
        node_id, attempts = self.catalog_row(
            f"SELECT node_id, attempts FROM protected_queries WHERE protected_query_id = '{qid}'")
        return node_id, int(attempts)

    def node_named(self, node_id):
        return next(name for name, n in self.nodes.items() if n.node_id == node_id)

    def assert_delivered(self, q):
        self.assertEqual(q["status"], "SUCCESS", q)
        bucket, key = q["result"]["output"]["s3"]["location"][5:].split("/", 1)
        body = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        self.assertTrue(body.startswith("segment,users\n"), body)
        self.assertEqual(len(body.splitlines()), 4, body)  # bronze, gold, silver

    # --- what it must show ------------------------------------------------------------------
    def test_1_each_collaboration_runs_on_its_home_node_whichever_node_is_called(self):
        # The first query of a collaboration makes the node that takes it its home.
        first = {"one": self.start_query("one", "b"), "two": self.start_query("two", "c")}
        for name, qid in first.items():
            self.assert_delivered(self.wait(name, qid, "a"))
        homes = {name: self.node_named(self.holder(qid)[0]) for name, qid in first.items()}
        self.assertEqual(homes, {"one": "b", "two": "c"})
        # Through every node, read back through every node: each runs on its collaboration's home.
        later = [(name, self.start_query(name, via)) for name in ("one", "two") for via in "abc"]
        for i, (name, qid) in enumerate(later):
            self.assert_delivered(self.wait(name, qid, "abc"[i % 3]))
            self.assertEqual(self.node_named(self.holder(qid)[0]), homes[name], qid)
        # The datasets were written once, through node A's uploads, to the store; B and C fetched
        # them into their caches.
        stored = [o["Key"] for o in self.s3.list_objects_v2(Bucket=STORE)["Contents"]]
        self.assertTrue(any(k.startswith(f"datasets/{ADVERTISER}/sales/customers/") for k in stored), stored)
        self.assertTrue(os.path.isdir(os.path.join(self.data_dir("b"), "datasets", ADVERTISER)))
        # The difference checks' history of each collaboration is in the store too.
        self.assertTrue(any(k.startswith("difference-checks/") for k in stored), stored)

    def test_2_the_readme_quickstart_runs_on_node_a_while_queries_run_on_b_and_c(self):
        # The homes test_1 gave one and two (run alone, the first query through B and C does).
        homes = {"one": "b", "two": "c"}
        ran, errors, quickstart_ended = [], [], threading.Event()

        def keep_querying(name):
            # One query after another, a pause between them: A gets a share of the two cores.
            try:
                while True:
                    qid = self.start_query(name, homes[name])
                    ran.append((name, qid))
                    self.wait(name, qid, homes[name])
                    if quickstart_ended.wait(PAUSE):
                        return
            except Exception as e:  # noqa: BLE001 (failed below)
                errors.append(e)

        threads = [threading.Thread(target=keep_querying, args=(name,)) for name in homes]
        for t in threads:
            t.start()
        try:
            while len(ran) < len(homes) and not errors:
                time.sleep(0.02)
            began = time.time()
            p, result, frequency = self.run_quickstart_on_a()
            ended = time.time()
        finally:
            quickstart_ended.set()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        files = []
        for uri in (result, frequency):
            bucket, key = uri.removeprefix("s3://").split("/", 1)
            files.append(csv_rows(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()))
        check_quickstart(self, p, *files)
        # The quickstart's collaboration is homed on A, whose call took its first query; both of its
        # queries ran there, the node whose data dir is the quickstart's var/.
        (collaboration, home), = [tuple(r.split("|")) for r in self.catalog_rows(
            "SELECT DISTINCT q.collaboration_id, h.node_id FROM protected_queries q "
            "JOIN collaboration_homes h USING (collaboration_id) WHERE q.result_bucket = 'my-results'")]
        self.assertEqual(self.node_named(home), "a")
        ran_on = self.catalog_rows(
            f"SELECT node_id FROM protected_queries WHERE collaboration_id = '{collaboration}'")
        self.assertEqual([self.node_named(n) for n in ran_on], ["a", "a"])
        # Meanwhile one and two ran on their homes, each ended SUCCESS, and each had a query running
        # while the quickstart ran.
        ids = ", ".join(f"'{qid}'" for _, qid in ran)
        runs = {qid: (node_id, int(started), int(finished)) for qid, node_id, started, finished in (
            r.split("|") for r in self.catalog_rows(
                "SELECT protected_query_id, node_id, started_at_ms, finished_at_ms "
                f"FROM protected_queries WHERE protected_query_id IN ({ids})"))}
        for name, qid in ran:
            self.assert_delivered(self.wait(name, qid, "a"))
            self.assertEqual(self.node_named(runs[qid][0]), homes[name], qid)
        for name in homes:
            spans = [runs[qid][1:] for n, qid in ran if n == name]
            self.assertTrue(any(s < ended * 1000 and f > began * 1000 for s, f in spans),
                            (name, began, ended, spans))

    def run_quickstart_on_a(self):
        """The README's quickstart against node A, from a folder whose var/ is A's data dir, with
        what a deployment changes in it: the commands that touch datasets or buckets are given the
        S3 store (docs/deployment.md), and the results are read from it, not from var/buckets."""
        layout = os.path.join(self.root, "quickstart")
        lay_out(layout, self.data_dir("a"))
        key_id, secret = self.s3_keys
        # Its own keys: by then the quickstart has exported the advertiser's Clean Rooms keys as
        # AWS_ACCESS_KEY_ID, for the aws CLI.
        store = f"--s3-endpoint {self.moto.url} --s3-access-key-id {key_id} --s3-secret-access-key {secret}"
        read = (f"AWS_ACCESS_KEY_ID={key_id} AWS_SECRET_ACCESS_KEY={secret} "
                f"aws --endpoint-url {self.moto.url} s3 cp")
        rewrites = [("$CR admin bucket create", "$CR admin bucket create " + store),
                    ("$CR upload", "$CR upload " + store),
                    ("$CR match", "$CR match " + store),
                    ("head var/buckets/${URI#s3://}", f'{read} "$URI" - | head'),
                    ("cat var/buckets/${FREQUENCY_URI#s3://}", f'{read} "$FREQUENCY_URI" -')]
        return run_quickstart(self, layout, self.nodes["a"].url.rsplit(":", 1)[1],
                              {"CLEANROOM_CATALOG": self.catalog}, rewrites)

    def test_3_a_query_cancelled_through_another_node_ends_cancelled_and_frees_its_node(self):
        # What ENDLESS_QUERY reads: the advertiser's customers again, for any query of its own.
        a = self.client(ADVERTISER, "a")
        t = a.create_configured_table(
            name="customers-any",
            tableReference={"glue": {"databaseName": "sales", "tableName": "customers"}},
            allowedColumns=["hashed_email", "segment"], analysisMethod="DIRECT_QUERY")["configuredTable"]
        a.create_configured_table_analysis_rule(
            configuredTableIdentifier=t["id"], analysisRuleType="CUSTOM", analysisRulePolicy={"v1": {
                "custom": {"allowedAnalyses": ["ANY_QUERY"], "allowedAnalysisProviders": [ADVERTISER]}}})
        a.create_configured_table_association(
            name="everyone", membershipIdentifier=self.memberships["one"], configuredTableIdentifier=t["id"],
            roleArn=f"arn:aws:iam::{ADVERTISER}:role/cr")
        # One on each of B's two query workers, started through B (one's home since test_1).
        endless = [self.start_query("one", "b", ENDLESS_QUERY) for _ in range(2)]
        for qid in endless:
            self.wait_started(qid)
            self.assertEqual(self.node_named(self.holder(qid)[0]), "b")
        for qid in endless:
            q = a.update_protected_query(membershipIdentifier=self.memberships["one"],
                                         protectedQueryIdentifier=qid, targetStatus="CANCELLED")
            self.assertIn(q["protectedQuery"]["status"], ("CANCELLING", "CANCELLED"), q)
        # B sees it at its next beat (2 s) and stops its engine.
        for qid in endless:
            q = self.wait("one", qid, "a", timeout=30)
            self.assertEqual(q["status"], "CANCELLED", q)
            self.assertNotIn("result", q)
        # Both workers are free again: the next query of the collaboration runs on B at once.
        qid = self.start_query("one", "a")
        self.assert_delivered(self.wait("one", qid, "a", timeout=60))
        self.assertEqual(self.node_named(self.holder(qid)[0]), "b")

    def test_4_a_query_whose_node_is_killed_ends_success_on_another_node(self):
        qid = self.start_query("one", "a")
        self.wait_started(qid)
        node_id, attempts = self.holder(qid)
        self.assertEqual(attempts, 1)
        victim = self.node_named(node_id)
        self.kill_node(victim)
        survivor = next(n for n in "abc" if n != victim)
        q = self.wait("one", qid, survivor, timeout=90)
        self.assert_delivered(q)
        new_holder, attempts = self.holder(qid)
        self.assertNotEqual(new_holder, node_id)
        self.assertEqual(attempts, 2)
        self.start_node(victim)  # back for the next test, as a new node

    def test_5_a_rolling_restart_loses_nothing(self):
        queries = [(name, self.start_query(name, via)) for name in ("one", "two") for via in "abc"]
        for name in "abc":
            self.assertEqual(self.nodes[name].stop(), 0)
            self.start_node(name)
        for i, (name, qid) in enumerate(queries):
            self.assert_delivered(self.wait(name, qid, "abc"[i % 3], timeout=120))

    def test_6_any_node_answers_for_an_upload_and_a_killed_nodes_upload_ends_failed(self):
        creds = self.creds[ADVERTISER]
        body = ("id,email,score\n" + "".join(
            f"{i},user{i}@example.com,{i % 1000}\n" for i in range(1_500_000))).encode()

        def put(node, table, data=body):
            status, job, _ = self.nodes[node].signed_http(
                creds, "PUT", f"/datasets/uploads/{table}?pii=email%3Aemail", raw_body=data,
                headers={"Content-Type": "text/csv"})
            self.assertEqual(status, 202, job)
            return job["uploadId"]

        def job(node, table, upload_id, method="GET"):
            status, answer, _ = self.nodes[node].signed_http(
                creds, method, f"/datasets/uploads/{table}/uploads/{upload_id}")
            self.assertEqual(status, 200, answer)
            return answer

        def running(node, table, upload_id):
            deadline = time.time() + 60
            while time.time() < deadline:
                if job(node, table, upload_id)["status"] == "RUNNING":
                    return
                time.sleep(0.05)
            self.fail(f"upload {upload_id} never ran")

        # Sent to C behind two uploads that hold its two upload workers, cancelled through A while
        # it waits there, seen ended through B: C reads the cancel when the upload's turn comes.
        # The two are sent at once and the waiting one is small, so that it is queued and
        # cancelled within moments of the others starting, however slow sending a large body is.
        fillers = [None, None]

        def put_filler(i):
            fillers[i] = put("c", f"filler{i}")

        senders = [threading.Thread(target=put_filler, args=(i,)) for i in range(2)]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        self.assertTrue(all(fillers), "both large uploads were accepted")
        cancelled = put("c", "cancelled", b"id,email,score\n1,a@example.com,1\n")
        asked = job("a", "cancelled", cancelled, "DELETE")
        self.assertEqual(asked["status"], "PENDING", asked)
        ended = self.nodes["b"].ended_dataset_upload(creds, "/datasets/uploads/cancelled",
                                                     cancelled, timeout=120)
        self.assertEqual(ended["status"], "CANCELLED", ended)
        status, _, _ = self.nodes["b"].signed_http(creds, "GET", "/datasets/uploads/cancelled")
        self.assertEqual(status, 404, "a cancelled upload stores nothing")
        for i, filler in enumerate(fillers):
            ended = self.nodes["a"].ended_dataset_upload(creds, f"/datasets/uploads/filler{i}",
                                                         filler, timeout=120)
            self.assertEqual(ended["status"], "SUCCEEDED", ended)
            self.assertEqual(ended["dataset"]["rowCount"], 1_500_000)

        # Sent to C, which is killed while it runs: another node ends it FAILED.
        lost = put("c", "lost")
        running("b", "lost", lost)
        self.kill_node("c")
        ended = self.nodes["a"].ended_dataset_upload(creds, "/datasets/uploads/lost", lost,
                                                     timeout=60)
        self.assertEqual(ended["status"], "FAILED", ended)
        self.assertIn("server stopped", ended["message"])
        self.start_node("c")


if __name__ == "__main__":
    unittest.main()
