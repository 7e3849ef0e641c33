#!/usr/bin/env python3
"""40 concurrent protected queries on 1, 2 and 3 nodes (docs/deployment.md).

For each node count: a throwaway PostgreSQL catalog and moto_server as the S3 store (both on
127.0.0.1, as tests/api/test_cluster.py starts them), that many `cleanroom serve` nodes, two
accounts with a table each (ROWS rows) and COLLABORATIONS collaborations of both. Then QUERIES
queries are started at once, spread round-robin over the collaborations and over the nodes (as a
load balancer would), and the script waits until every one is SUCCESS. Prints, per node count,
the wall time from the first start to the last SUCCESS, the queries per second, and how the
queries spread over the nodes (each collaboration runs on its home node).

  python3 bench/load/cluster_load.py [--bin build/cleanroom] [--nodes 1,2,3] [--queries 40]
"""
import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "api"))
os.environ.setdefault("CLEANROOM_BIN", os.path.join(HERE, "..", "..", "build", "cleanroom"))

import harness  # noqa: E402
import test_cluster  # noqa: E402  (its deployment: PostgreSQL, moto, nodes, data, queries)


class Deployment(test_cluster.ClusterTest):
    """test_cluster's deployment and calls, with the number of nodes and collaborations given."""
    DEMO = False  # the README's quickstart is not run here

    @classmethod
    def deploy(cls, nodes, collaborations, rows):
        cls.NODES, cls.ROWS = nodes, rows
        cls.COLLABORATIONS = tuple(f"c{i}" for i in range(collaborations))
        cls.setUpClass()

    def __init__(self):
        super().__init__("test_1_each_collaboration_runs_on_its_home_node_whichever_node_is_called")


def run(bin_path, nodes, queries, collaborations, rows):
    harness.BIN = test_cluster.BIN = bin_path
    Deployment.deploy(nodes, collaborations, rows)
    d = Deployment()
    names = "abc"[:nodes]
    try:
        jobs = [(f"c{i % collaborations}", names[i % nodes]) for i in range(queries)]
        started, ended, errors = [], [], []
        t0 = time.time()

        def one(collaboration, via):
            try:
                qid = d.start_query(collaboration, via)
                started.append(qid)
                q = d.wait(collaboration, qid, via, timeout=1800)
                if q["status"] != "SUCCESS":
                    errors.append(q)
                ended.append((qid, time.time()))
            except Exception as e:  # noqa: BLE001 (reported below)
                errors.append(repr(e))

        threads = [threading.Thread(target=one, args=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = max(t for _, t in ended) - t0 if ended else float("nan")
        spread = Counter(d.node_named(d.holder(qid)[0]) for qid, _ in ended)
        return wall, len(ended), errors, spread
    finally:
        Deployment.tearDownClass()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ["CLEANROOM_BIN"])
    ap.add_argument("--nodes", default="1,2,3")
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--collaborations", type=int, default=8)
    ap.add_argument("--rows", type=int, default=1000000)
    a = ap.parse_args()
    print(f"{a.queries} queries over {a.collaborations} collaborations, tables of {a.rows} rows, "
          f"{os.cpu_count()} cores")
    print("| nodes | wall s | queries/s | queries per node | failed |")
    print("|---|---|---|---|---|")
    for n in [int(x) for x in a.nodes.split(",")]:
        wall, done, errors, spread = run(os.path.abspath(a.bin), n, a.queries, a.collaborations, a.rows)
        print(f"| {n} | {wall:.1f} | {done / wall:.2f} | "
              f"{', '.join(f'{k}: {v}' for k, v in sorted(spread.items()))} | {len(errors)} |",
              flush=True)
        for e in errors[:3]:
            print("   ", e)


if __name__ == "__main__":
    main()
