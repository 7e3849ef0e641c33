"""Issue 12, item 12: the server answers only the host names it is configured for. A page of
another site whose name was rebound to the server's address (DNS rebinding) sends its own name in
Host; every face refuses it with 421 before any handler runs, so it can neither sign in nor lock
users out with wrong passwords. `serve --public-host NAME` adds a name."""
import http.client
import json
import shutil
import subprocess
import unittest
from urllib.parse import urlparse

import harness

FACE_PATHS = [("GET", "/amc/instances"), ("GET", "/collaborations"), ("GET", "/admin/accounts"),
              ("GET", "/datasets"), ("GET", "/console/"), ("POST", "/console/api/session")]


def request(url, method, path, host, body=None, headers=None):
    """A raw request with exactly this Host header (urllib would write the URL's own)."""
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True)
        conn.putheader("Host", host)
        data = json.dumps(body).encode() if body is not None else b""
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        r = conn.getresponse()
        return r.status, r.read().decode()
    finally:
        conn.close()


class ServedHostsTest(unittest.TestCase):
    def start(self, *args):
        server = harness.Server(extra_args=args).start()
        self.addCleanup(shutil.rmtree, server.data_dir, True)
        self.addCleanup(server.stop)
        return server

    def test_a_rebound_host_is_refused_on_every_face(self):
        server = self.start()
        port = urlparse(server.url).port
        server.new_user("victim@example.com", password="correct horse battery")
        for method, path in FACE_PATHS:
            status, text = request(server.url, method, path, "evil.example:%d" % port,
                                   body={} if method == "POST" else None)
            self.assertEqual(status, 421, (method, path, text))
            self.assertIn("--public-host", json.loads(text)["message"])
        # Sign-in attempts through the rebound name never reach the throttle: the real user is not
        # locked out, and a page under that name cannot sign in either.
        for _ in range(6):
            status, _ = request(server.url, "POST", "/console/api/session", "evil.example:%d" % port,
                                body={"email": "victim@example.com", "password": "wrong"},
                                headers={"Origin": "http://evil.example:%d" % port})
            self.assertEqual(status, 421)
        status, text = request(server.url, "POST", "/console/api/session", "127.0.0.1:%d" % port,
                               body={"email": "victim@example.com", "password": "correct horse battery"},
                               headers={"Origin": "http://127.0.0.1:%d" % port})
        self.assertEqual(status, 200, text)

    def test_loopback_names_are_served_with_or_without_the_port(self):
        server = self.start()
        port = urlparse(server.url).port
        for host in ["127.0.0.1:%d" % port, "127.0.0.1", "localhost:%d" % port, "LOCALHOST",
                     "[::1]:%d" % port, "[::1]"]:
            status, text = request(server.url, "GET", "/console/", host)
            self.assertEqual(status, 200, (host, text[:200]))
        for host in ["", "evil.example", "localhost.evil.example", "127.0.0.1.evil.example",
                     "localhost:80:80", "[::1]x", "evil.example@localhost"]:
            status, _ = request(server.url, "GET", "/console/", host)
            self.assertEqual(status, 421, host)

    def test_public_host_adds_a_name_and_the_banner_lists_them(self):
        server = self.start("--public-host", "cleanroom.example.com", "--public-host", "Rooms.Example.org")
        port = urlparse(server.url).port
        banner = "".join(server.banner)
        self.assertIn("hosts:       localhost, 127.0.0.1, [::1], cleanroom.example.com, rooms.example.org", banner)
        for host in ["cleanroom.example.com", "cleanroom.example.com:%d" % port, "rooms.example.org"]:
            self.assertEqual(request(server.url, "GET", "/console/", host)[0], 200, host)
        self.assertEqual(request(server.url, "GET", "/console/", "evil.example")[0], 421)
        # The console's Origin check compares with the served names too.
        host = "cleanroom.example.com:%d" % port
        status, _ = request(server.url, "POST", "/console/api/session", host,
                            body={"email": "nobody@example.com", "password": "x"},
                            headers={"Origin": "http://" + host})
        self.assertEqual(status, 401)  # past the Origin check: an unknown user
        status, _ = request(server.url, "POST", "/console/api/session", host,
                            body={"email": "nobody@example.com", "password": "x"},
                            headers={"Origin": "http://evil.example"})
        self.assertEqual(status, 403)

    def test_a_malformed_public_host_stops_the_server_from_starting(self):
        for bad in ["http://cleanroom.example.com", "cleanroom.example.com:8080", "a/b", ""]:
            p = subprocess.run([harness.BIN, "serve", "--data-dir", "/nonexistent-cleanroom", "--listen",
                                "127.0.0.1:0", "--public-host", bad], capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, (bad, p.stdout, p.stderr))
            self.assertIn("--public-host", p.stderr)


if __name__ == "__main__":
    unittest.main()
