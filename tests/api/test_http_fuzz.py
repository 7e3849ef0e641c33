"""Issue 14: the HTTP surface under random input. A few thousand requests over raw sockets, from a
fixed seed: random methods, paths under every face's prefix, headers and bodies, bytes that are
not UTF-8, over-long lines, lying Content-Lengths, anonymous, with bearer tokens and SigV4-signed.

What must hold whatever was sent, on any HTTP transport:
- every answer is a well-formed HTTP response; a request that is itself malformed HTTP may instead
  be answered by closing the connection;
- a well-formed request is answered by the server itself: it carries x-amzn-RequestId, and a JSON
  body is valid JSON (so valid UTF-8);
- a 500 is only the honest internal error, in its face's shape, and no answer names the server's
  data dir;
- afterwards the process is alive and answers a normal request.
"""
import json
import random
import re
import socket
import time
import unittest
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import botocore.auth
import botocore.awsrequest
import botocore.credentials

import harness
from harness import ServerTestCase

SEED = 14
REQUESTS = 5000
ACCOUNT = "731111111111"

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ODD_METHODS = ["HEAD", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "get", "G\xffT", "", "GET GET"]
PREFIXES = ["/amc", "/amc/instances", "/amc/accounts", "/amc/invitations", "/amc/reporting",
            "/amc/advertiserData", "/admin", "/admin/accounts", "/admin/users", "/datasets",
            "/console", "/console/api", "/console/api/session", "/console/api/cleanrooms",
            "/console/api/amc/instances", "/console/static", "/collaborations", "/memberships",
            "/configuredTables", "/configuredTables/x/analysisRule", "/analysisTemplates",
            "/privacyBudgetTemplates", "/metrics", "/", ""]
SEGMENTS = ["x", "..", ".", "%2e%2e", "%2F", "%00", "%ff", "%c3%28", "%e2%82", "%f0%9f%98",
            "%ed%a0%80", "%c0%af", "\u00e9", "\U0001F600", "protectedQueries", "schemas",
            "members", "workflows", "workflowExecutions", "uploads", "dataSets", "list",
            "00000000-0000-4000-8000-000000000000", "amc12345678", "{id}", "%7Bid%7D", "a b",
            "%20", "~", "'", '"', "<script>", "%0d%0aX-Injected:%201", ";", "*", "=", "%", "%zz"]
QUERY_KEYS = ["maxResults", "nextToken", "limit", "memberStatus", "status", "format", "columns",
              "pii", "country", "fileFormat", "dataSetId", "", "%ff", "x"]
QUERY_VALUES = ["1", "0", "-1", "100", "101", "99999999999999999999999", "abc", "", "%ff",
                "%c0%af", "INVITED", "ACTIVE", "csv", "parquet", "a:STRING", "1e3", "null", "%00"]
HEADER_NAMES = ["Content-Type", "Accept", "X-Amz-Date", "X-Amz-Content-Sha256", "Origin",
                "Cookie", "X-Csrf-Token", "Amazon-Advertising-API-ClientId",
                "Amazon-Advertising-API-MarketplaceId", "Amazon-Advertising-API-AdvertiserId",
                "X-Cleanroom-Aws-Account", "X-Cleanroom-Amc-Account", "X-Random", "Authorization"]
CONTENT_TYPES = ["application/json", "application/x-amz-json-1.1", "text/csv",
                 "application/octet-stream", "application/x-www-form-urlencoded",
                 "multipart/form-data; boundary=x", "text/plain; charset=\xff", ""]


def rand_bytes(rng, n):
    return bytes(rng.randrange(256) for _ in range(n))


def rand_text(rng, n):
    """Mostly printable ASCII with some non-ASCII and invalid UTF-8."""
    out = bytearray()
    for _ in range(n):
        r = rng.random()
        if r < 0.8:
            out.append(rng.randrange(0x21, 0x7f))
        elif r < 0.9:
            out += rng.choice(["\u00e9", "\u4e2d", "\U0001F600"]).encode()
        else:
            out.append(rng.randrange(0x80, 0x100))
    return bytes(out)


def rand_json(rng, depth=0):
    r = rng.random()
    if depth > 2 or r < 0.3:
        return rng.choice([None, True, 1, -1, 1.5, 10**30, "", "x" * rng.randrange(1, 40),
                           "\u00e9\U0001F600", "ACTIVE", "CSV", "SELECT 1", "a" * 5000])
    if r < 0.6:
        return [rand_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = ["name", "description", "members", "accountId", "queryLogStatus", "instanceName",
            "awsAccountId", "sqlString", "sqlParameters", "resultConfiguration", "email",
            "password", "workflowId", "dataSetId", "fileFormat", "columns", "x"]
    return {rng.choice(keys): rand_json(rng, depth + 1) for _ in range(rng.randrange(5))}


def rand_body(rng):
    r = rng.random()
    if r < 0.3:
        return b""
    if r < 0.6:
        return json.dumps(rand_json(rng)).encode()
    if r < 0.7:
        # JSON whose strings hold bytes that are not UTF-8.
        return b'{"name": "' + rand_bytes(rng, 8).replace(b'"', b"").replace(b"\\", b"") + b'"}'
    if r < 0.8:
        return b"id,email\n1,a@example.com\n" + rand_text(rng, 40)
    if r < 0.9:
        return rand_bytes(rng, rng.randrange(1, 200))
    return b"{" * rng.randrange(1, 2000)  # deep nesting


class Fuzzer:
    """Builds the requests from the seed; `creds` holds the operator token, an AMC user and its
    advertiser, and an account's access keys, for the requests that carry them."""

    def __init__(self, rng, host, creds):
        self.rng = rng
        self.host = host
        self.creds = creds

    def path(self):
        rng = self.rng
        parts = [rng.choice(PREFIXES)]
        for _ in range(rng.randrange(5)):
            parts.append(rng.choice(SEGMENTS) if rng.random() < 0.8 else
                         urllib.parse.quote(rand_text(rng, rng.randrange(1, 12)), safe=""))
        path = "/".join(parts).replace("//", "/") or "/"
        if not path.startswith("/"):
            path = "/" + path
        if rng.random() < 0.05:
            path += "/"
        if rng.random() < 0.4:
            path += "?" + "&".join(f"{rng.choice(QUERY_KEYS)}={rng.choice(QUERY_VALUES)}"
                                   for _ in range(rng.randrange(1, 4)))
        return path

    def request(self):
        """(raw request bytes, whether it is well-formed HTTP, the method, whether to half-close)."""
        rng = self.rng
        wellformed = True
        method = rng.choice(METHODS)
        if rng.random() < 0.05:
            method = rng.choice(ODD_METHODS)
            wellformed = False
        target = self.path().encode("utf-8", "surrogateescape")
        if re.search(rb"%0[ad]", target.split(b"?")[0], re.I):
            # A line break in the decoded path: cpp-httplib's own router (a std::regex ".*", whose
            # dot does not match it) answers 404 before the server sees the request.
            wellformed = False
        if rng.random() < 0.1:
            # Raw bytes in the path, not percent-encoded: invalid UTF-8 and controls.
            target += rand_bytes(rng, rng.randrange(1, 6)).replace(b" ", b"").replace(b"\r", b"") \
                .replace(b"\n", b"").replace(b"?", b"").replace(b"#", b"")
        # HTTP allows only visible ASCII in the request target; a transport may refuse the rest.
        wellformed = wellformed and all(0x20 < b < 0x7f for b in target)
        if rng.random() < 0.01:
            target = b"/" + b"a" * rng.choice([9000, 70000])  # an over-long request line
        body = rand_body(rng)
        headers = []
        if rng.random() < 0.03:
            headers.append((b"Host", b"evil.example.com"))
        else:
            headers.append((b"Host", self.host.encode()))
        for _ in range(rng.randrange(4)):
            name = rng.choice(HEADER_NAMES).encode()
            if name == b"Content-Type":
                value = rng.choice(CONTENT_TYPES).encode("utf-8", "surrogateescape")
                # A transport may read these bodies itself (as a form) and refuse them first.
                wellformed = wellformed and b"form" not in value
            elif rng.random() < 0.3:
                value = rand_text(rng, rng.randrange(1, 60))
            else:
                value = rand_text(rng, rng.randrange(1, 30))
            headers.append((name, value.replace(b"\r", b"").replace(b"\n", b"")))
        auth = rng.random()
        if auth < 0.25:
            headers.append((b"Authorization", b"Bearer " + self.creds["operator"].encode()))
        elif auth < 0.45:
            headers.append((b"Authorization", b"Bearer " + self.creds["user"]["bearerToken"].encode()))
            headers.append((b"Amazon-Advertising-API-ClientId", self.creds["user"]["clientId"].encode()))
            headers.append((b"Amazon-Advertising-API-MarketplaceId", harness.MARKETPLACE.encode()))
            headers.append((b"Amazon-Advertising-API-AdvertiserId", self.creds["advertiser"].encode()))
        elif auth < 0.75 and all(0x20 < b < 0x7f for b in target):
            headers += self.signed_headers(method, target.decode(), body)
        elif auth < 0.8:
            headers.append((b"Authorization", b"AWS4-HMAC-SHA256 " + rand_text(rng, 80)))
        if rng.random() < 0.02:
            headers.append((b"X-Long", b"v" * rng.choice([9000, 70000])))  # an over-long header line
        framing = rng.random()
        half_close = False
        if framing < 0.9:
            headers.append((b"Content-Length", str(len(body)).encode()))
        elif framing < 0.93:
            # Promises more than it sends, then closes its side.
            headers.append((b"Content-Length", str(len(body) + rng.randrange(1, 1000)).encode()))
            half_close, wellformed = True, False
        elif framing < 0.95:
            headers.append((b"Content-Length", rng.choice([b"-1", b"abc", b"1e3", b"99999999999999999999", b""])))
            half_close, wellformed = True, False
        elif framing < 0.97:
            headers.append((b"Content-Length", str(len(body)).encode()))
            headers.append((b"Content-Length", str(len(body) + 5).encode()))
            half_close, wellformed = True, False
        else:
            headers.append((b"Transfer-Encoding", b"chunked"))
            if rng.random() < 0.5:
                body = (f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n") if body else b"0\r\n\r\n"
            else:
                body = b"zz\r\n" + body  # a malformed chunk
                half_close, wellformed = True, False
        headers.append((b"Connection", b"close"))
        head = method.encode("utf-8", "surrogateescape") + b" " + target + b" HTTP/1.1\r\n"
        head += b"".join(k + b": " + v + b"\r\n" for k, v in headers) + b"\r\n"
        if len(target) > 8000 or any(len(v) > 8000 for _, v in headers):
            wellformed = False
        return head + body, wellformed, method, half_close

    def signed_headers(self, method, target, body):
        req = botocore.awsrequest.AWSRequest(method=method, url="http://" + self.host + target, data=body)
        keys = self.creds["keys"]
        botocore.auth.SigV4Auth(
            botocore.credentials.Credentials(keys["accessKeyId"], keys["secretAccessKey"]),
            "cleanrooms", "us-east-1").add_auth(req)
        return [(k.encode(), v.encode()) for k, v in req.headers.items() if k.lower() != "host"]


def read_response(sock, head_only):
    """Reads one response; returns (status, headers dict with lowercase names, body) or None when
    the connection closed before a status line. Raises AssertionError when what came back is not
    HTTP."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            if not data:
                return None
            raise AssertionError(f"the connection closed inside a response head: {data[:200]!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    assert len(parts) >= 2 and parts[0] in (b"HTTP/1.1", b"HTTP/1.0") and parts[1].isdigit() \
        and len(parts[1]) == 3, f"not a status line: {lines[0]!r}"
    status = int(parts[1])
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        assert sep and name and name == name.strip(), f"not a header line: {line!r}"
        headers[name.decode("latin-1").lower()] = value.strip().decode("latin-1")
    if head_only or status in (204, 304) or 100 <= status < 200:
        return status, headers, b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                chunk = sock.recv(65536)
                assert chunk, "the connection closed inside a chunked body"
                rest += chunk
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                chunk = sock.recv(65536)
                assert chunk, "the connection closed inside a chunk"
                rest += chunk
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                return status, headers, body
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(rest) < n:
            chunk = sock.recv(65536)
            assert chunk, f"the body ended after {len(rest)} of {n} bytes"
            rest += chunk
        return status, headers, rest[:n]
    while True:  # delimited by the close
        chunk = sock.recv(65536)
        if not chunk:
            return status, headers, rest
        rest += chunk


def send(port, raw, method, half_close):
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        try:
            s.sendall(raw)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may refuse before reading all of it; what it answered is still read
        try:
            return read_response(s, method == "HEAD")
        except OSError:  # reset: nothing more to read
            return None
        except AssertionError as e:  # reported with its request
            return str(e)


class HttpFuzzTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        server = cls.server
        cls.keys = server.new_account(ACCOUNT, "Fuzz")
        amc = server.new_amc_account("Fuzz")
        cls.user = server.new_user("fuzz@example.com", amc_account=amc["advertiserId"],
                                   aws_account=ACCOUNT)
        cls.advertiser = amc["advertiserId"]

    def test_random_requests_get_honest_answers_and_the_server_survives(self):
        server = self.server
        host = server.url[len("http://"):]
        port = int(host.rsplit(":", 1)[1])
        creds = {"operator": server.credentials()["operator"]["bearerToken"], "user": self.user,
                 "advertiser": self.advertiser, "keys": self.keys}
        fuzzer = Fuzzer(random.Random(SEED), host, creds)
        requests = [fuzzer.request() for _ in range(REQUESTS)]

        started = time.time()
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(lambda r: send(port, r[0], r[2], r[3]), requests))
        elapsed = time.time() - started

        statuses, problems = {}, []
        for (raw, wellformed, method, half_closed), answer in zip(requests, answers):
            if half_closed and isinstance(answer, str):
                # A transport may stop writing to a client that closed its side (cpp-httplib sends
                # the head, then finds the peer gone and drops the body): as good as no answer.
                answer = None
            problem = self.problem(raw, wellformed, method, answer)
            if problem:
                problems.append(f"{problem}\n    for {raw[:300]!r}")
            if isinstance(answer, tuple):
                statuses[answer[0]] = statuses.get(answer[0], 0) + 1
        print(f"\n{REQUESTS} requests in {elapsed:.1f} s; statuses {dict(sorted(statuses.items()))}")
        self.assertEqual(problems, [], f"{len(problems)} bad answers, the first:\n" + "\n".join(problems[:10]))

        self.assertIsNone(server.proc.poll(), "the server exited")
        listed = server.cleanrooms(self.keys).list_collaborations()
        self.assertEqual(listed["ResponseMetadata"]["HTTPStatusCode"], 200)
        # An honest 500 is for the server's own faults; none of them came from an exception that
        # escaped a face (the last-resort handler logs those).
        escaped = [l for l in server.banner if "uncaught exception" in l]
        self.assertEqual(escaped, [], "exceptions escaped while answering")

    def problem(self, raw, wellformed, method, answer):
        """What is wrong with `answer` to `raw`; None when nothing is."""
        if answer is None:
            return None if not wellformed else "no answer to a well-formed request"
        if isinstance(answer, str):
            return "not a well-formed HTTP response: " + answer
        status, headers, body = answer
        if self.server.data_dir.encode() in body:
            return f"{status} names the data dir: {body[:300]!r}"
        if wellformed:
            if "x-amzn-requestid" not in headers:
                return f"{status} without a request id: {headers}"
            if headers.get("content-type", "").startswith("application/json") and body:
                try:
                    json.loads(body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError) as e:
                    return f"{status} with a body that is not JSON ({e}): {body[:200]!r}"
        if status == 500:
            return self.dishonest_internal_error(raw, method, headers, body)
        return None

    @staticmethod
    def dishonest_internal_error(raw, method, headers, body):
        """A 500 says "internal error" and the request id to ask the operator about, in its face's
        shape: Clean Rooms' (InternalServerException, {message}) on the SigV4 faces, AMC's
        ({message, requestId}) on /amc, /admin, /console and /metrics. None when it does."""
        if method == "HEAD":
            return "500 to HEAD, whose body cannot be checked"
        try:
            doc = json.loads(body)
        except ValueError:
            return f"500 whose body is not JSON: {body[:200]!r}"
        request_id = headers.get("x-amzn-requestid", "")
        if not isinstance(doc, dict) or not str(doc.get("message", "")).startswith("internal error") \
                or not request_id or request_id not in body.decode("utf-8", "replace"):
            return f"500 that is not the internal error of request {request_id}: {doc}"
        path = raw.split(b" ", 2)[1].split(b"?")[0] if raw.count(b" ") >= 2 else b""
        amc_shaped = re.match(rb"^/(amc|console)(/|$)|^/admin/|^/metrics$", path)
        if amc_shaped and set(doc) != {"message", "requestId"}:
            return f"500 not in the AMC shape: {doc}"
        if not amc_shaped and (headers.get("x-amzn-errortype") != "InternalServerException"
                               or set(doc) != {"message"}):
            return f"500 not in the Clean Rooms shape: {headers} {doc}"
        return None

if __name__ == "__main__":
    unittest.main()
