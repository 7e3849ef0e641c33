"""The README's quickstart, run exactly as written: its shell blocks are extracted and run in one
bash session against a fresh `serve --demo`, from a folder laid out like the repository's root
(`build/cleanroom`, data in `var/`). Only the server's address is changed, to the test's own
port. If the README drifts from the product, this fails."""
import csv
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import BIN, Server, catalog_env

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")


def quickstart_blocks():
    with open(README) as f:
        text = f.read()
    section = text.split("\n## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


class ReadmeQuickstartTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="cleanroom-readme-")
        os.makedirs(os.path.join(self.root, "build"))
        os.symlink(os.path.abspath(BIN), os.path.join(self.root, "build", "cleanroom"))
        self.server = Server(data_dir=os.path.join(self.root, "var"), extra_args=["--demo"])
        self.server.start(timeout=120)

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def test_the_quickstart_runs_from_instance_to_result_file(self):
        blocks = quickstart_blocks()
        self.assertGreaterEqual(len(blocks), 8, "the quickstart lost its blocks")
        port = self.server.url.rsplit(":", 1)[1]
        script = "set -euo pipefail\n" + "\n".join(blocks).replace("127.0.0.1:8080", "127.0.0.1:" + port)
        # What the test checks afterwards; not part of the README.
        script += '\necho "RESULT_FILE=var/buckets/${URI#s3://}"\n'
        script += 'echo "FREQUENCY_FILE=var/buckets/${FREQUENCY_URI#s3://}"\n'
        env = dict(os.environ, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                   AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="",
                   **catalog_env(self.server.data_dir))
        p = subprocess.run(["bash", "-c", script], cwd=self.root, env=env, capture_output=True,
                           text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

        lines = p.stdout.splitlines()
        self.assertIn("COMPLETED", lines, p.stdout)  # step 2: the advertiser was added
        self.assertIn("ACTIVE", lines, p.stdout)  # step 3: the instance became ACTIVE
        self.assertTrue(any('"creationStatus":"REQUESTED"' in l.replace(" ", "") for l in lines), p.stdout)
        result_file = next(l.split("=", 1)[1] for l in lines if l.startswith("RESULT_FILE="))
        with open(os.path.join(self.root, result_file)) as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["segment", "campaign", "users", "impressions"])
        self.assertGreater(len(rows), 3, rows)
        self.assertTrue({r[0] for r in rows[1:]} <= {"loyal", "new", "lapsed"}, rows)
        # Only the campaigns of the advertiser linked to the instance (the demo's campaign names
        # start with the advertiser's short name).
        self.assertTrue(all(r[1].startswith("Northwind | ") for r in rows[1:]), rows)
        # Rows standing for fewer than 100 users (the AMC threshold of user_id) never leave the engine.
        self.assertTrue(all(int(r[2]) >= 100 for r in rows[1:]), rows)
        # step 7's `head` printed the same file.
        self.assertIn(",".join(rows[1]), p.stdout)
        # step 8: AMC SQL, a per-user WITH; every frequency delivered stands for 100 users or more.
        frequency_file = next(l.split("=", 1)[1] for l in lines if l.startswith("FREQUENCY_FILE="))
        with open(os.path.join(self.root, frequency_file)) as f:
            frequencies = list(csv.reader(f))
        self.assertEqual(frequencies[0], ["frequency", "users"])
        self.assertGreater(len(frequencies), 2, frequencies)
        self.assertTrue(all(int(r[1]) >= 100 for r in frequencies[1:]), frequencies)


if __name__ == "__main__":
    unittest.main()
