"""The HTTP transport (src/api/http_listener.h): idle and trickling connections hold no request
thread and are cut off when their head's or body's deadline passes; a request the transport
refuses gets a JSON answer with a request id; keep-alive connections serve request after
request."""
import json
import socket
import threading
import time
import unittest
import urllib.parse

from harness import ServerTestCase


class HttpTransportTest(ServerTestCase):
    def connect(self):
        url = urllib.parse.urlparse(self.server.url)
        s = socket.create_connection((url.hostname, url.port), timeout=30)
        self.addCleanup(s.close)
        return s

    @staticmethod
    def until_closed(s):
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk

    def exchange(self, raw):
        """Sends raw bytes and reads until the server closes: (status, headers text, JSON body)."""
        s = self.connect()
        s.sendall(raw)
        head, _, body = self.until_closed(s).partition(b"\r\n\r\n")
        return int(head.split(b" ")[1]), head.decode("latin-1"), json.loads(body)

    def test_connections_that_send_nothing_or_trickle_do_not_hold_requests_back(self):
        # Many more than there are request threads (8): with a thread per connection, every
        # request below would wait for them.
        idle = [self.connect() for _ in range(40)]
        trickling = [self.connect() for _ in range(10)]
        for s in trickling:
            s.sendall(b"GET /amc/instances HTTP/1.1\r\nHo")
        started = time.monotonic()
        for _ in range(20):
            status, _, _ = self.server.http("GET", "/amc/instances")
            self.assertEqual(status, 401)  # no credentials: the face answered, at once
        self.assertLess(time.monotonic() - started, 5)

        # The head must arrive within 10 s in all, however it trickles: a byte a second does not
        # keep a connection.
        deadline = time.monotonic() + 20
        open_ones = list(trickling)
        while open_ones and time.monotonic() < deadline:
            for s in list(open_ones):
                try:
                    s.sendall(b"s")
                except OSError:
                    open_ones.remove(s)
            time.sleep(1)
        self.assertEqual(open_ones, [], "a trickling connection outlived the head deadline")
        self.assertLess(time.monotonic() - started, 16)
        for s in idle:  # idle ones are closed without a word
            s.settimeout(5)
            self.assertEqual(s.recv(100), b"")

    def test_refusals_before_any_face_are_json_with_a_request_id(self):
        cases = [
            (b"BREW / HTTP/1.1\x00\r\n\r\n", 400, "malformed HTTP request"),
            (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", 431,
             "the request head is larger than"),
            (b"PUT /datasets/a/b HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999\r\n\r\n",
             413, "the request body is larger than"),
        ]
        for raw, want, fragment in cases:
            with self.subTest(want):
                status, head, body = self.exchange(raw)
                self.assertEqual(status, want, body)
                self.assertIn(fragment, body["message"])
                self.assertIn(f"x-amzn-RequestId: {body['requestId']}", head)
                self.assertIn("Connection: close", head)

    def test_a_client_that_stops_mid_body_is_cut_off(self):
        s = self.connect()
        s.sendall(b"PUT /datasets/a/b HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nid\n")
        s.settimeout(30)
        started = time.monotonic()
        data = self.until_closed(s)
        # 10 s plus a second per 256 KiB the body declares; then the connection is closed.
        self.assertEqual(data, b"")
        self.assertGreater(time.monotonic() - started, 9)
        self.assertLess(time.monotonic() - started, 15)

    def test_keep_alive_connections_serve_many_requests(self):
        s = self.connect()
        for _ in range(3):
            s.sendall(b"GET /amc/instances HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            data = b""
            while b"\r\n\r\n" not in data:
                data += s.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0]
                         .split(b":")[1])
            while len(body) < length:
                body += s.recv(65536)
            self.assertTrue(head.startswith(b"HTTP/1.1 401"), head)
            self.assertNotIn(b"Connection: close", head)


if __name__ == "__main__":
    unittest.main()
