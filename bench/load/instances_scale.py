#!/usr/bin/env python3
"""How the server behaves as AMC instances accumulate (issue 14, "reliability under load").

Starts `build/cleanroom serve` on a fresh temporary data dir on 127.0.0.1, loads the platform's
tables (12 small ones, as many as the demo has), then creates instances up to --instances and
reports:

  - POST /amc/instances latency (p50/p99) in windows of --window requests ending at each mark
    (100, 500, 1000, 2000 by default): flat when instance creation does not grow with the catalog;
  - the restart time (SIGTERM, then start until the "listening on" banner) at each mark: it
    includes publishing the platform tables into every instance's collaboration;
  - a platform upload (PUT /datasets/platform/<table>, SigV4-signed as the Advertising Data
    Provider, a new column so that the rule and every association are revisited) while
    --readers threads GET instances: every GET status seen, and the GETs' p50/p99/max during
    the upload.

Python 3 standard library only; nothing leaves 127.0.0.1. Example:

  python3 bench/load/instances_scale.py --instances 2000 --marks 100,500,1000,2000
"""
import argparse
import datetime
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BIN = os.path.join(HERE, "..", "..", "build", "cleanroom")
MARKETPLACE = "ATVPDKIKX0DER"
ADVERTISER_ACCOUNT = "682015411111"
PLATFORM_TABLES = [f"bench_events_{i:02d}" for i in range(12)]
# Never through a proxy: everything stays on 127.0.0.1.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


class Server:
    def __init__(self, binary, data_dir):
        self.binary = binary
        self.data_dir = data_dir
        self.proc = None
        self.url = None
        self.output = []

    def start(self, timeout=600):
        """Starts the server; answers the seconds until its banner said it listens."""
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data-dir", self.data_dir, "--listen", "127.0.0.1:0",
             "--threads", "8"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                elapsed = time.monotonic() - t0
                self.url = m.group(1)
                threading.Thread(target=self._drain, daemon=True).start()
                return elapsed
        raise RuntimeError("server did not start: " + "".join(self.output[-20:]))

    def _drain(self):
        for line in self.proc.stdout:
            self.output.append(line)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def run(self, *args, stdin_path=None):
        p = subprocess.run([self.binary, *args, "--data-dir", self.data_dir, "--json"],
                           capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"{args} failed: {p.stdout} {p.stderr}")
        return json.loads(p.stdout) if p.stdout.strip() else {}

    def credentials(self):
        with open(os.path.join(self.data_dir, "credentials.json")) as f:
            return json.load(f)

    def http(self, method, path, body=None, headers=None, raw=None):
        """(status, seconds, parsed body)"""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path, data=data, method=method)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        if data is not None and "Content-Type" not in (headers or {}):
            req.add_header("Content-Type", "application/json")
        t0 = time.monotonic()
        try:
            with OPENER.open(req, timeout=120) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        elapsed = time.monotonic() - t0
        try:
            parsed = json.loads(text) if text else None
        except json.JSONDecodeError:
            parsed = text
        return status, elapsed, parsed


def sigv4_headers(url, method, path, query, body, key_id, secret, service="cleanrooms",
                  region="us-east-1"):
    """AWS Signature Version 4, as botocore signs a request to a non-S3 service."""
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    host = urllib.parse.urlparse(url).netloc
    payload_hash = hashlib.sha256(body).hexdigest()
    # botocore encodes the (already encoded) path once more for services other than S3.
    canonical_path = urllib.parse.quote(urllib.parse.quote(path, safe="/~"), safe="/~")
    pairs = sorted((urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~"))
                   for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True))
    canonical_query = "&".join(f"{k}={v}" for k, v in pairs)
    signed_headers = "host;x-amz-content-sha256;x-amz-date"
    canonical = "\n".join([method, canonical_path, canonical_query,
                           f"host:{host}\nx-amz-content-sha256:{payload_hash}\nx-amz-date:{amz_date}\n",
                           signed_headers, payload_hash])
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])

    def h(key, msg):
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    k = h(h(h(h(("AWS4" + secret).encode(), date), region), service), "aws4_request")
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    return {"X-Amz-Date": amz_date, "X-Amz-Content-Sha256": payload_hash,
            "Authorization": f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, "
                             f"SignedHeaders={signed_headers}, Signature={signature}"}


def advertiser_headers(server, name):
    """An advertiser's AWS account, AMC account and admin user, made with the admin CLI; answers
    the AMC face's headers of that user."""
    server.run("admin", "account", "create", "--account-id", ADVERTISER_ACCOUNT, "--name", name)
    amc = server.run("admin", "amc-account", "create", "--name", name, "--marketplace-id", MARKETPLACE)
    user = server.run("admin", "user", "create", "--email", f"{name}@example.com", "--role", "ADMIN",
                      "--aws-role", "ADMIN", "--amc-account", amc["advertiserId"],
                      "--aws-account", ADVERTISER_ACCOUNT)
    return {"Amazon-Advertising-API-ClientId": user["clientId"],
            "Amazon-Advertising-API-MarketplaceId": MARKETPLACE,
            "Amazon-Advertising-API-AdvertiserId": amc["advertiserId"],
            "Authorization": "Bearer " + user["bearerToken"]}


def platform_csv(rows, extra_column=False):
    lines = ["user_id,advertiser_id,campaign_id,impressions,total_cost" +
             (",device_type" if extra_column else "")]
    for u in range(rows):
        lines.append(f"{u},5849300001,{u % 7},1,250" + (",PC" if extra_column else ""))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=DEFAULT_BIN, help="the cleanroom binary")
    ap.add_argument("--instances", type=int, default=2000)
    ap.add_argument("--marks", default="100,500,1000,2000",
                    help="instance counts at which latency, restart and upload are measured")
    ap.add_argument("--window", type=int, default=50, help="POSTs per latency window")
    ap.add_argument("--readers", type=int, default=4, help="GET threads during the upload")
    ap.add_argument("--upload-rows", type=int, default=200000, help="rows of the platform upload")
    ap.add_argument("--keep", action="store_true", help="keep the data dir")
    args = ap.parse_args()
    marks = sorted(int(m) for m in args.marks.split(",") if int(m) <= args.instances)

    data_dir = tempfile.mkdtemp(prefix="cleanroom-bench-")
    server = Server(os.path.abspath(args.bin), data_dir)
    report = {"marks": {}}
    try:
        server.start()
        provider = next(a for a in server.credentials()["platformAccounts"]
                        if a["role"] == "ADVERTISING_DATA_PROVIDER")
        amc_headers = advertiser_headers(server, "bench")
        with tempfile.NamedTemporaryFile("w", suffix=".csv") as f:
            f.write(platform_csv(50))
            f.flush()
            for t in PLATFORM_TABLES:
                server.run("upload", "--account", provider["accountId"], "--table", "platform." + t, f.name)
        print(f"data dir {data_dir}; {len(PLATFORM_TABLES)} platform tables loaded", flush=True)

        instance_ids = []
        created = 0
        for index, mark in enumerate(marks):
            latencies = []
            while created < mark:
                status, secs, body = server.http("POST", "/amc/instances", {
                    "instanceName": f"bench_{created}", "awsAccountId": ADVERTISER_ACCOUNT,
                    "acrBacked": True}, headers=amc_headers)
                if status != 200:
                    raise RuntimeError(f"POST /amc/instances answered {status}: {body}")
                instance_ids.append(body["instance"]["instanceId"])
                created += 1
                if mark - created < args.window:
                    latencies.append(secs)
            entry = {"post_p50_ms": 1000 * percentile(latencies, 50),
                     "post_p99_ms": 1000 * percentile(latencies, 99), "posts": len(latencies)}
            server.stop()
            entry["restart_s"] = server.start()
            entry.update(upload_while_reading(server, provider, amc_headers, instance_ids, args, index % 2 == 0))
            report["marks"][mark] = entry
            print(json.dumps({"instances": mark, **entry}), flush=True)
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    print("\ninstances  POST p50 ms  POST p99 ms  restart s  upload s  GET p50 ms  GET p99 ms  "
          "GET max ms  GETs  GET statuses")
    for mark, e in report["marks"].items():
        print(f"{mark:9d}  {e['post_p50_ms']:11.1f}  {e['post_p99_ms']:11.1f}  {e['restart_s']:9.2f}  "
              f"{e['upload_s']:8.2f}  {e['get_p50_ms']:10.1f}  {e['get_p99_ms']:10.1f}  "
              f"{e['get_max_ms']:10.1f}  {e['gets']:4d}  {e['get_statuses']}")


def upload_while_reading(server, provider, amc_headers, instance_ids, args, extra):
    """A platform upload (with an extra column or without, alternately, so that each one changes
    the rule) while readers GET instances; the GETs counted are those that overlap the upload."""
    body = platform_csv(args.upload_rows, extra_column=extra).encode()
    table = PLATFORM_TABLES[0]
    path = f"/datasets/platform/{table}"
    query = "format=csv"
    stop = threading.Event()
    samples = []  # (start, end, status)
    lock = threading.Lock()

    def reader(n):
        i = n
        while not stop.is_set():
            iid = instance_ids[i % len(instance_ids)]
            i += 7
            t0 = time.monotonic()
            status, secs, _ = server.http("GET", f"/amc/instances/{iid}", headers=amc_headers)
            with lock:
                samples.append((t0, t0 + secs, status))

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(args.readers)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    headers = sigv4_headers(server.url, "PUT", path, query, body, provider["accessKeyId"],
                            provider["secretAccessKey"])
    headers["Content-Type"] = "text/csv"
    up0 = time.monotonic()
    status, secs, resp = server.http("PUT", path + "?" + query, raw=body, headers=headers)
    # The PUT queues an upload job (202); the upload has taken as long as the job ran.
    while status in (200, 202) and resp.get("status") in ("PENDING", "RUNNING"):
        time.sleep(0.05)
        job_path = f"{path}/uploads/{resp['uploadId']}"
        status, _, resp = server.http("GET", job_path, headers=sigv4_headers(
            server.url, "GET", job_path, "", b"", provider["accessKeyId"], provider["secretAccessKey"]))
    up1 = time.monotonic()
    time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join()
    if status != 200 or resp.get("status") != "SUCCEEDED":
        raise RuntimeError(f"platform upload answered {status}: {resp}")
    during = [(e - s, st) for s, e, st in samples if e >= up0 and s <= up1]
    lat = [d for d, _ in during]
    statuses = {}
    for _, st in during:
        statuses[st] = statuses.get(st, 0) + 1
    return {"upload_s": up1 - up0, "gets": len(during),
            "get_p50_ms": 1000 * percentile(lat, 50), "get_p99_ms": 1000 * percentile(lat, 99),
            "get_max_ms": 1000 * max(lat) if lat else float("nan"),
            "get_statuses": {str(k): v for k, v in sorted(statuses.items())}}


if __name__ == "__main__":
    sys.exit(main())
