"""Three nodes over one PostgreSQL catalog and one S3 store (docs/deployment.md), all started here
on 127.0.0.1: initdb and `postgres` in a temporary folder, `moto_server` as the S3 endpoint that
holds the buckets and the dataset store, and three `cleanroom serve` nodes with data dirs of their
own (the master key and first-start credentials copied from the first, as the deployment guide
says). The operator's setup and the uploads go through node A; each collaboration's queries run
on its home node (B for one, C for the other) whichever node the calls reach; a node killed with
SIGKILL while it runs a query loses it to another node, where it ends SUCCESS; a rolling restart
of all three nodes while queries wait and run loses none."""
import json
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import boto3
import botocore.config

import postgres_catalog
from harness import BIN, MotoServer, Server

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


class ClusterTest(unittest.TestCase):
    # bench/load/cluster_load.py deploys other sizes with the same code.
    NODES = 3
    COLLABORATIONS = ("one", "two")
    ROWS = 1000000  # per table: a query runs long enough to be interrupted

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="cleanroom-cluster-")
        cls.pg = postgres_catalog.PostgresServer().start()
        cls.moto = MotoServer().start()
        cls.nodes = {}
        try:
            cls.catalog = cls.pg.catalog_for(cls.root)
            key_id, secret = cls.moto.s3_user()
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
        node = Server(data_dir=cls.data_dir(name), env=cls.env, extra_args=[
            "--catalog", cls.catalog, "--s3-endpoint", cls.moto.url, "--dataset-bucket", STORE,
            "--query-workers", "2"]).start()
        node.node_id = next(re.search(r"node:\s+(\S+)", line).group(1)
                            for line in node.banner if re.search(r"node:\s+\S+", line))
        cls.nodes[name] = node
        return node

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
    def catalog_row(cls, sql):
        p = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-F", "|", cls.catalog, "-c", sql],
                           capture_output=True, text=True, check=True)
        return p.stdout.strip().split("|")

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
    def start_query(self, collaboration, node):
        r = self.client(ADVERTISER, node).start_protected_query(
            type="SQL", membershipIdentifier=self.memberships[collaboration],
            sqlParameters={"queryString": QUERY})
        return r["protectedQuery"]["id"]

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

    def test_2_a_query_whose_node_is_killed_ends_success_on_another_node(self):
        qid = self.start_query("one", "a")
        deadline = time.time() + 60
        while self.catalog_row(f"SELECT status FROM protected_queries WHERE protected_query_id = '{qid}'") \
                != ["STARTED"] and time.time() < deadline:
            time.sleep(0.02)
        node_id, attempts = self.holder(qid)
        self.assertEqual(attempts, 1)
        victim = self.node_named(node_id)
        self.nodes[victim].proc.send_signal(signal.SIGKILL)
        self.nodes[victim].proc.wait()
        self.nodes[victim].join_output()
        survivor = next(n for n in "abc" if n != victim)
        q = self.wait("one", qid, survivor, timeout=90)
        self.assert_delivered(q)
        new_holder, attempts = self.holder(qid)
        self.assertNotEqual(new_holder, node_id)
        self.assertEqual(attempts, 2)
        self.start_node(victim)  # back for the next test, as a new node

    def test_3_a_rolling_restart_loses_nothing(self):
        queries = [(name, self.start_query(name, via)) for name in ("one", "two") for via in "abc"]
        for name in "abc":
            self.assertEqual(self.nodes[name].stop(), 0)
            self.start_node(name)
        for i, (name, qid) in enumerate(queries):
            self.assert_delivered(self.wait(name, qid, "abc"[i % 3], timeout=120))


if __name__ == "__main__":
    unittest.main()
