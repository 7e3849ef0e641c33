"""The README's quickstart, run exactly as written: its shell blocks are extracted and run in one
bash session against a fresh `serve --demo`, from a folder laid out like the repository's root
(`build/cleanroom`, data in `var/`). Only the server's address is changed, to the test's own
port. If the README drifts from the product, this fails. (readme_quickstart.py runs it;
test_cluster.py runs it on a node of a deployment too.)"""
import os
import shutil
import tempfile
import unittest

from harness import Server, catalog_env
from readme_quickstart import check_quickstart, csv_rows, lay_out, run_quickstart


class ReadmeQuickstartTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="cleanroom-readme-")
        lay_out(self.root, os.path.join(self.root, "var"))
        self.server = Server(data_dir=os.path.join(self.root, "var"), extra_args=["--demo"])
        self.server.start(timeout=120)

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def test_the_quickstart_runs_from_instance_to_result_file(self):
        p, result, frequency = run_quickstart(self, self.root, self.server.url.rsplit(":", 1)[1],
                                              catalog_env(self.server.data_dir))
        # Steps 7 and 8 read the results from the local bucket store, var/buckets.
        files = []
        for uri in (result, frequency):
            with open(os.path.join(self.root, "var", "buckets", uri.removeprefix("s3://"))) as f:
                files.append(csv_rows(f.read()))
        check_quickstart(self, p, *files)


if __name__ == "__main__":
    unittest.main()
