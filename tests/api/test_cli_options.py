"""Issue 18, item 5: the CLI refuses what it cannot honour. Every malformed option of every
subcommand stops the command before it does anything, with exit status 2 and a message on stderr
that names the option; nothing is created in the data dir."""
import os
import subprocess
import tempfile
import unittest

import harness


class MalformedOptionsTest(unittest.TestCase):
    def setUp(self):
        self.parent = tempfile.TemporaryDirectory(prefix="cleanroom-cli-")
        self.addCleanup(self.parent.cleanup)
        self.data_dir = os.path.join(self.parent.name, "var")  # created by any command that runs

    def assert_refused(self, cases, env=None):
        """`cases` are (arguments, text expected in stderr)."""
        for args, message in cases:
            with self.subTest(args=args):
                p = subprocess.run([harness.BIN, *args], capture_output=True, text=True, timeout=30,
                                   env=env)
                self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
                self.assertIn(message, p.stderr)
                self.assertFalse(os.path.exists(self.data_dir), "the command ran")

    def serve(self, *args):
        return ["serve", "--data-dir", self.data_dir, "--listen", "127.0.0.1:0", *args]

    def test_serve(self):
        self.assert_refused([
            (self.serve("--listen", "127.0.0.1:abc"), "--listen: the port must be a number"),
            (self.serve("--listen", "127.0.0.1:65536"), "from 0 to 65535, not '65536'"),
            (self.serve("--listen", "127.0.0.1:-1"), "from 0 to 65535, not '-1'"),
            (self.serve("--listen", "127.0.0.1:"), "from 0 to 65535, not ''"),
            (self.serve("--listen", "127.0.0.1:80x"), "from 0 to 65535, not '80x'"),
            (self.serve("--listen", "8080"), "--listen: must be HOST:PORT, not '8080'"),
            (self.serve("--listen", ":8080"), "--listen: must be HOST:PORT"),
            (self.serve("--threads", "0"), "--threads: must be above 0"),
            (self.serve("--threads", "-4"), "--threads: must be above 0"),
            (self.serve("--threads", "many"), "--threads"),
            (self.serve("--query-workers", "two"), "--query-workers"),
            (self.serve("--query-threads", "0"), "--query-threads must be between 1 and 256"),
            (self.serve("--query-spill", "nonsense"),
             "--query-spill must be a size such as 2GB or 16GB, not 'nonsense'"),
            (self.serve("--query-spill", "16"), "--query-spill must be a size"),
            (self.serve("--query-spill", "-1GB"), "--query-spill must be a size"),
            (self.serve("--query-timeout", "-5"), "--query-timeout must be at least 1 second"),
            (self.serve("--query-timeout", "9223372036854775807"), "--query-timeout is too large"),
            (self.serve("--clock-start", "yesterday"), "--clock-start: must be yyyy-MM-ddTHH:mm:ssZ"),
            (self.serve("--clock-start", "2023-02-30T00:00:00Z"), "--clock-start"),
            (self.serve("--public-host", "a/b"), "--public-host"),
            (self.serve("--log-format", "xml"), "--log-format: must be text or json, not 'xml'"),
            (self.serve("--no-such-option"), "--no-such-option"),
        ])

    def test_upload(self):
        csv = os.path.join(self.parent.name, "rows.csv")
        with open(csv, "w") as f:
            f.write("id\n1\n")
        upload = ["upload", "--data-dir", self.data_dir, "--json", "--account", "111111111111"]
        self.assert_refused([
            ([*upload, "--table", "customers", csv], "--table: must be DATABASE.TABLE, not 'customers'"),
            ([*upload, "--table", ".customers", csv], "--table: must be DATABASE.TABLE"),
            ([*upload, "--table", "crm.", csv], "--table: must be DATABASE.TABLE"),
            ([*upload, "--table", "crm.c", "--format", "xlsx", csv], "--format: must be csv, parquet or jsonl"),
            ([*upload, "--table", "crm.c", "--country", "ZZ", csv], "country 'ZZ' is not supported"),
            ([*upload, "--table", "crm.c"], "FILE is required"),
            ([*upload, "--table", "crm.c", "--s3-endpoint", "ftp://127.0.0.1:1", csv],
             "--s3-endpoint must be an http:// or https:// URL"),
            ([*upload, "--table", "crm.c", "--s3-access-key-id", "AKIA", csv], "need --s3-endpoint"),
        ], env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")})

    def test_match(self):
        match = ["match", "--data-dir", self.data_dir, "--account", "111111111111"]
        self.assert_refused([
            ([*match, "--table", "leads"], "--table: must be DATABASE.TABLE, not 'leads'"),
            ([*match, "--table", "crm.leads", "--into", "matched"], "--into: must be DATABASE.TABLE"),
            ([*match, "--table", "crm.leads", "--platform-table", "ids."], "--platform-table: must be"),
            ([*match, "--table", "crm.leads", "--s3-endpoint", "ftp://127.0.0.1:1"],
             "--s3-endpoint must be an http:// or https:// URL"),
            ([*match, "--table", "crm.leads", "--s3-access-key-id", "AKIA"], "need --s3-endpoint"),
        ], env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")})

    def test_generate(self):
        out = os.path.join(self.data_dir, "generated")  # inside: written only if generate ran
        self.assert_refused([
            (["generate", "--out", out, "--scale", "0"], "the scale must be above 0 and at most 500"),
            (["generate", "--out", out, "--scale", "-1"], "the scale must be above 0"),
            (["generate", "--out", out, "--scale", "501"], "at most 500"),
            (["generate", "--out", out, "--scale", "big"], "--scale"),
            (["generate", "--out", out, "--crm-overlap", "1.5"], "the CRM overlap must be between 0 and 1"),
            (["generate", "--out", out, "--seed", "-1"], "--seed: must be a whole number of 0 or more"),
            (["generate", "--out", ""], "an output folder is required"),
        ])

    def test_admin(self):
        def admin(*args):
            return ["admin", *args, "--data-dir", self.data_dir, "--json"]
        link = ("amc-account", "link-advertiser", "--amc-account", "ENTITY000000000000")
        self.assert_refused([
            (admin(*link, "--advertiser-id", "0"), "--advertiser-id: must be above 0"),
            (admin(*link, "--advertiser-id", "-7"), "--advertiser-id: must be above 0"),
            (admin(*link, "--advertiser-id", "seven"), "--advertiser-id"),
            (admin("amc-account", "unlink-advertiser", "--amc-account", "ENTITY000000000000",
                   "--advertiser-id", "0"), "--advertiser-id: must be above 0"),
            (admin("user", "create", "--email", "u@example.com", "--role", "OWNER"), "--role: OWNER not in"),
            (admin("user", "create", "--email", "u@example.com", "--aws-role", "root"), "--aws-role: root not in"),
            (admin("collaboration", "difference-checks", "--collaboration", "c", "maybe"), "maybe not in"),
            (admin("account", "create", "--account-id", "111111111111"), "--name is required"),
            (admin("bucket", "create", "--account", "111111111111", "--name", "b",
                   "--s3-endpoint", "ftp://127.0.0.1:1"), "must be an http:// or https:// URL"),
        ])

    def test_no_or_unknown_subcommand(self):
        self.assert_refused([([], "A subcommand is required"),
                             (["serv"], "A subcommand is required"),
                             (["admin", "account"], "A subcommand is required")])

    def test_help_still_exits_0(self):
        for args in (["--help"], ["serve", "--help"], ["admin", "user", "create", "--help"]):
            with self.subTest(args=args):
                p = subprocess.run([harness.BIN, *args], capture_output=True, text=True, timeout=30)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn("Usage", p.stdout)


if __name__ == "__main__":
    unittest.main()
