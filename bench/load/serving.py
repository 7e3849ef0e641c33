#!/usr/bin/env python3
"""Whether the serving layer holds (issue 14, "no request waits on another's work").

Starts `build/cleanroom serve` on a fresh temporary data dir on 127.0.0.1, creates one AMC
instance, and measures GET /amc/instances/{id} from --clients keep-alive clients:

  1. alone (the baseline);
  2. while --uploads uploads of --upload-mb MB each (SigV4-signed PUT /datasets/..., queued as
     upload jobs) are sent and ingested, until the last job has ended;
  3. while --slowloris connections trickle a request head one byte a second;
  4. with --burst clients at once, each opening a new connection per request: every connection
     refused or reset is counted (the listen backlog and the connection limits at work).

For each: requests, p50/p99/max latency, and every status seen. Python 3 standard library
only; nothing leaves 127.0.0.1. Example:

  python3 bench/load/serving.py --clients 8 --uploads 8 --upload-mb 60 --slowloris 50 --burst 64
"""
import argparse
import http.client
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.parse

from instances_scale import DEFAULT_BIN, Server, advertiser_headers, percentile, sigv4_headers


def get_load(url, path, headers, clients, stop, keep_alive=True):
    """Runs GET clients until `stop` is set; answers [(latency s, status or error name)]."""
    host = urllib.parse.urlparse(url)
    samples, lock = [], threading.Lock()

    def client():
        conn = None
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                r.read()
                outcome = r.status
                if not keep_alive or r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                outcome = type(e).__name__
                if conn:
                    conn.close()
                conn = None
            with lock:
                samples.append((time.monotonic() - t0, outcome))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    return samples, threads


def summary(samples):
    lat = [s for s, _ in samples]
    outcomes = {}
    for _, o in samples:
        outcomes[str(o)] = outcomes.get(str(o), 0) + 1
    return {"requests": len(samples), "p50_ms": round(1000 * percentile(lat, 50), 1),
            "p99_ms": round(1000 * percentile(lat, 99), 1),
            "max_ms": round(1000 * max(lat), 1) if lat else None, "outcomes": outcomes}


def measured(url, path, headers, clients, during, keep_alive=True):
    stop = threading.Event()
    samples, threads = get_load(url, path, headers, clients, stop, keep_alive)
    time.sleep(0.2)
    start = len(samples)
    extra = during()
    window = samples[start:]
    stop.set()
    for t in threads:
        t.join()
    return summary(window), extra


def upload_body(mb):
    rows, size, i = [], 0, 0
    rows.append("id,email,score\n")
    while size < mb * 1024 * 1024:
        line = f"{i},user{i}@example.com,{i * 7 % 1000}\n"
        rows.append(line)
        size += len(line)
        i += 1
    return "".join(rows).encode()


def run_uploads(server, creds, count, body):
    """Sends `count` uploads at once, then waits for every job to end; answers what happened."""
    url = urllib.parse.urlparse(server.url)
    jobs, lock = [], threading.Lock()

    def signed(method, path, query="", payload=b""):
        h = sigv4_headers(server.url, method, path, query, payload, creds["accessKeyId"],
                          creds["secretAccessKey"])
        h["Content-Type"] = "text/csv"
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=300)
        conn.request(method, path + ("?" + query if query else ""), body=payload or None, headers=h)
        r = conn.getresponse()
        import json
        out = (r.status, json.loads(r.read() or b"null"))
        conn.close()
        return out

    def one(n):
        path = f"/datasets/bench/upload{n}"
        status, job = signed("PUT", path, "pii=email%3Aemail", body)
        while status in (200, 202) and job.get("status") in ("PENDING", "RUNNING"):
            time.sleep(0.2)
            status, job = signed("GET", f"{path}/uploads/{job['uploadId']}")
        with lock:
            jobs.append(job.get("status", f"HTTP {status}: {job}"))

    t0 = time.monotonic()
    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"upload_outcomes": {s: jobs.count(s) for s in set(jobs)},
            "uploads_s": round(time.monotonic() - t0, 1)}


def slowloris(server, count, seconds):
    url = urllib.parse.urlparse(server.url)
    socks = []
    for _ in range(count):
        s = socket.create_connection((url.hostname, url.port))
        s.setblocking(False)
        socks.append(s)
    head = f"GET /amc/instances HTTP/1.1\r\nHost: {url.hostname}\r\nX-Trickle: ".encode() + b"a" * 1000
    closed = 0
    for i in range(seconds):
        for s in list(socks):
            try:
                s.send(head[i % len(head):i % len(head) + 1])
            except OSError:
                socks.remove(s)
                closed += 1
        time.sleep(1)
    for s in socks:
        s.close()
    return {"slowloris_closed_by_server": closed, "slowloris_seconds": seconds}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--uploads", type=int, default=8)
    ap.add_argument("--upload-mb", type=int, default=60)
    ap.add_argument("--slowloris", type=int, default=50)
    ap.add_argument("--slowloris-seconds", type=int, default=20)
    ap.add_argument("--burst", type=int, default=64)
    args = ap.parse_args()

    data_dir = tempfile.mkdtemp(prefix="cleanroom-serving-")
    server = Server(os.path.abspath(args.bin), data_dir)
    try:
        server.start()
        headers = advertiser_headers(server, "serving")
        status, _, body = server.http("POST", "/amc/instances", {
            "instanceName": "serving", "awsAccountId": "682015411111", "acrBacked": True},
            headers=headers)
        assert status == 200, body
        path = f"/amc/instances/{body['instance']['instanceId']}"
        creds = server.run("admin", "account", "create", "--account-id", "111122223333",
                           "--name", "uploader")
        body_bytes = upload_body(args.upload_mb)
        print(f"upload body: {len(body_bytes) / 1e6:.0f} MB", flush=True)

        results = {}
        results["baseline"], _ = measured(server.url, path, headers, args.clients, lambda: time.sleep(5))
        print("baseline", results["baseline"], flush=True)
        results["uploads"] = measured(server.url, path, headers, args.clients,
                                      lambda: run_uploads(server, creds, args.uploads, body_bytes))
        print("during uploads", results["uploads"], flush=True)
        results["slowloris"] = measured(server.url, path, headers, args.clients,
                                        lambda: slowloris(server, args.slowloris, args.slowloris_seconds))
        print("during slowloris", results["slowloris"], flush=True)
        results["burst"], _ = measured(server.url, path, headers, args.burst, lambda: time.sleep(5),
                                       keep_alive=False)
        print(f"{args.burst} clients, a new connection per request", results["burst"], flush=True)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
