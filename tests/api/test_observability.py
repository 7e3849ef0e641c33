"""Issue 14: GET /metrics (the operator's only: it adds up every tenant's activity), labels from a
bounded set, the request id in every log line about a request, JSON logs, and an internal error
that tells the caller a request id instead of the server's paths."""
import json
import os
import re
import shutil
import unittest
import urllib.parse

from harness import AmcUser, Server, ServerTestCase

A = "741111111111"
MISSING = "00000000-0000-4000-8000-000000000000"
CSV = b"id,email\n1,a@example.com\n2,b@example.com\n"

# name{labels} value, or a # HELP / # TYPE line.
SAMPLE = re.compile(r'^([a-z_]+)(\{(?:[a-z_]+="(?:[^"\\\n]|\\.)*",?)*\})? '
                    r'(-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|[+-]Inf|NaN)$')
BOUNDED_OPERATION = re.compile(r"^([A-Z][A-Za-z]+|(GET|POST|PUT|PATCH|DELETE) /[A-Za-z/{}]*|none|other)$")


def parse_metrics(text):
    """{(name, frozenset of label pairs): value}; fails on a line that is not the format."""
    out = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = SAMPLE.match(line)
        assert m, f"not an exposition line: {line!r}"
        labels = frozenset(re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


class MetricsTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.operator = s.credentials()["operator"]["bearerToken"]
        cls.keys = s.new_account(A, "Analyst")
        amc = s.new_amc_account("Analyst")
        cls.amc_user = AmcUser(s, s.new_user("analyst@example.com", amc_account=amc["advertiserId"],
                                             aws_account=A), amc["advertiserId"])

    def scrape(self):
        status, body, headers = self.server.http("GET", "/metrics",
                                                 headers={"Authorization": "Bearer " + self.operator})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        return body

    def test_only_the_operator_may_scrape(self):
        s = self.server
        refusals = {
            "anonymous": (s.http("GET", "/metrics"), 401),
            "an analyst's bearer token": (self.amc_user.call("GET", "/metrics"), 403),
            "an analyst's SigV4 keys": (s.signed_http(self.keys, "GET", "/metrics"), 401),
            "a wrong token": (s.http("GET", "/metrics", headers={"Authorization": "Bearer crt_nope"}), 401),
        }
        for who, ((status, body, headers), expected) in refusals.items():
            with self.subTest(who=who):
                self.assertEqual(status, expected, body)
                self.assertEqual(set(body), {"message", "requestId"})
                self.assertEqual(body["requestId"], headers["x-amzn-RequestId"])
                self.assertNotIn("cleanroom_", json.dumps(body))
        status, body, _ = s.http("POST", "/metrics", body={},
                                 headers={"Authorization": "Bearer " + self.operator})
        self.assertEqual(status, 400, body)
        self.assertIn("# TYPE cleanroom_http_requests_total counter", self.scrape())

    def test_requests_uploads_and_queries_are_counted_with_bounded_labels(self):
        s = self.server
        cr = s.cleanrooms(self.keys)
        cr.list_collaborations()
        with self.assertRaises(Exception):
            cr.get_collaboration(collaborationIdentifier=MISSING)
        self.assertEqual(self.amc_user.call("GET", "/amc/instances")[0], 200)
        self.assertEqual(self.amc_user.call("GET", "/amc/instances/amc12345678")[0], 404)
        status, body, _ = s.signed_http(self.keys, "PUT", "/datasets/fuzzdb/people",
                                        raw_body=CSV, headers={"Content-Type": "text/csv"})
        self.assertEqual(status, 202, body)  # an upload job, queued
        self.assertEqual(s.http("GET", "/no/such/" + MISSING)[0], 403)

        text = self.scrape()
        samples = parse_metrics(text)
        requests = "cleanroom_http_requests_total"
        self.assertGreaterEqual(value(samples, requests, face="cleanrooms", operation="ListCollaborations",
                                      status="200"), 1)
        self.assertGreaterEqual(value(samples, requests, face="cleanrooms", operation="GetCollaboration",
                                      status="404"), 1)
        self.assertGreaterEqual(value(samples, requests, face="amc", operation="GET /amc/instances",
                                      status="200"), 1)
        self.assertGreaterEqual(value(samples, requests, face="amc",
                                      operation="GET /amc/instances/{instanceId}", status="404"), 1)
        self.assertGreaterEqual(value(samples, requests, face="cleanrooms", operation="none", status="403"), 1)
        self.assertEqual(value(samples, "cleanroom_uploads_total", face="datasets", status="202"), 1)
        self.assertEqual(value(samples, "cleanroom_upload_bytes_total", face="datasets"), len(CSV))

        # The latency histogram: cumulative buckets ending in +Inf, which is the count.
        name = "cleanroom_http_request_duration_seconds"
        labels = {"face": "cleanrooms", "operation": "ListCollaborations"}
        buckets = sorted(((float(dict(k[1])["le"]), v) for k, v in samples.items()
                          if k[0] == name + "_bucket" and {**dict(k[1]), "le": None} == {**labels, "le": None}))
        self.assertEqual(buckets[-1][0], float("inf"))
        self.assertEqual([v for _, v in buckets], sorted(v for _, v in buckets))
        self.assertEqual(buckets[-1][1], value(samples, name + "_count", **labels))
        self.assertGreater(value(samples, name + "_sum", **labels), 0)

        # The query pool, and the catalog's slot (declared, fed once the catalog sets its source).
        self.assertEqual(value(samples, "cleanroom_query_queue_depth"), 0)
        for state in ("SUBMITTED", "STARTED"):
            self.assertIn(("cleanroom_protected_queries", frozenset({("state", state)})), samples)
        for state in ("SUCCESS", "FAILED", "CANCELLED", "TIMED_OUT"):
            self.assertIn(("cleanroom_protected_queries_ended_total", frozenset({("state", state)})), samples)
        self.assertIn("# TYPE cleanroom_catalog_lock_wait_seconds_total counter", text)
        self.assertGreaterEqual(value(samples, "cleanroom_http_requests_in_flight"), 1)  # the scrape

        # No tenant's ids, names or paths in any label.
        for (name, labels) in samples:
            for key, v in labels:
                with self.subTest(metric=name, label=key, value=v):
                    for private in (A, MISSING, "amc12345678", "fuzzdb", "people", "/no/such"):
                        self.assertNotIn(private, v)
                    if key == "operation":
                        self.assertRegex(v, BOUNDED_OPERATION)
                    if key == "face":
                        self.assertIn(v, {"amc", "admin", "datasets", "console", "cleanrooms", "metrics"})


class LogsTest(unittest.TestCase):
    """Each server on its own data dir, read after it stopped."""

    def start(self, *args):
        server = Server(extra_args=args).start()
        self.addCleanup(shutil.rmtree, server.data_dir, True)
        self.addCleanup(server.stop)
        return server

    def json_lines(self, server):
        lines = []
        for line in "".join(server.banner).splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))  # every log line is one JSON object
        return lines

    def test_json_logs_carry_the_request_id_on_every_line_about_a_request(self):
        server = self.start("--log-format", "json")
        keys = server.new_account(A, "Analyst")
        _, _, headers = server.signed_http(keys, "GET", "/collaborations")
        listed = headers["x-amzn-RequestId"]
        # An internal error: the account's dataset folder is a file, so the upload job cannot
        # write. Its owner learns that, and where the log has the detail; not the server's paths.
        os.makedirs(os.path.join(server.data_dir, "datasets"), exist_ok=True)
        with open(os.path.join(server.data_dir, "datasets", A), "w") as f:
            f.write("in the way")
        status, job, headers = server.signed_http(keys, "PUT", "/datasets/db/t", raw_body=CSV,
                                                  headers={"Content-Type": "text/csv"})
        failed = headers["x-amzn-RequestId"]
        self.assertEqual(status, 202, job)
        job = server.ended_dataset_upload(keys, "/datasets/db/t", job["uploadId"])
        self.assertEqual(job["status"], "FAILED", job)
        self.assertEqual(job["message"], "internal error; the server's log has its detail under "
                                         "upload id " + job["uploadId"])
        # The process is still up.
        self.assertEqual(server.signed_http(keys, "GET", "/collaborations")[0], 200)
        server.stop()

        lines = self.json_lines(server)
        self.assertTrue(lines)
        for line in lines:
            self.assertLessEqual({"time", "level", "message"}, set(line))
            self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        access = [l for l in lines if l.get("requestId") == listed]
        self.assertEqual(len(access), 1, access)
        self.assertEqual({k: access[0][k] for k in ("level", "method", "path", "status", "face", "operation")},
                         {"level": "info", "method": "GET", "path": "/collaborations", "status": 200,
                          "face": "cleanrooms", "operation": "ListCollaborations"})
        self.assertIsInstance(access[0]["ms"], float)
        # The request's access line, and the job's line with the detail, which names both the
        # request that queued the upload and the upload.
        about_failure = [l for l in lines if l.get("requestId") == failed]
        self.assertEqual(sorted(l["level"] for l in about_failure), ["error", "info"], about_failure)
        detail = next(l for l in about_failure if l["level"] == "error")
        self.assertEqual(detail["uploadId"], job["uploadId"])
        self.assertIn(os.path.join(server.data_dir, "datasets", A), detail["message"])
        self.assertEqual(next(l for l in about_failure if l["level"] == "info")["status"], 202)

    def test_text_logs_name_the_request_id_and_escape_what_the_caller_sent(self):
        server = self.start()
        _, _, headers = server.http("GET", "/collaborations%1b[31m%20[error]%20forged%ff")
        server.stop()
        line = next(l for l in "".join(server.banner).splitlines() if "GET /collaborations" in l)
        self.assertIn("requestId=" + headers["x-amzn-RequestId"], line)
        self.assertIn("[info]", line)
        self.assertIn("GET /collaborations\\x1b[31m [error] forged\\xff 403", line)


if __name__ == "__main__":
    unittest.main()
