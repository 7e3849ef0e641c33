"""Where the catalog is (`--catalog`, default $CLEANROOM_CATALOG, else DATA_DIR/meta.db): the
banner names it without its password, every command finds it through the variable, and a
catalog that cannot be reached stops the server with a message that keeps the password out.
Runs in both modes of the harness (SQLite, and CLEANROOM_TEST_CATALOG=postgresql)."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import harness
from harness import BIN, Server, free_port


class CatalogOptionTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="cleanroom-catalog-")
        self.addCleanup(shutil.rmtree, self.root, True)

    def catalog_line(self, server):
        return next(line for line in server.banner if line.strip().startswith("catalog:"))

    def test_the_banner_names_the_catalog_without_its_password(self):
        server = Server(data_dir=os.path.join(self.root, "var")).start()
        self.addCleanup(server.stop)
        line = self.catalog_line(server)
        if harness.CATALOG_POSTGRES:
            url = harness.catalog_env(server.data_dir)["CLEANROOM_CATALOG"]
            password = url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
            self.assertIn("postgresql://cleanroom:****@127.0.0.1:", line)
            self.assertNotIn(password, "".join(server.banner))
        else:
            self.assertIn(os.path.join(server.data_dir, "meta.db"), line)

    def test_every_command_finds_a_catalog_outside_the_data_dir_through_the_variable(self):
        data_dir = os.path.join(self.root, "var")
        catalog = os.path.join(self.root, "elsewhere", "catalog.db")
        os.makedirs(os.path.dirname(catalog))
        server = Server(data_dir=data_dir, extra_args=["--catalog", catalog]).start()
        self.addCleanup(server.stop)
        self.assertIn(catalog, self.catalog_line(server))
        # No --catalog: the variable names it. (--data-dir=DIR as one word, so the harness's
        # PostgreSQL mode gives the command no --catalog of its own.)
        p = subprocess.run([BIN, "admin", "account", "create", "--account-id", "682015411111",
                            "--name", "A", "--data-dir=" + data_dir, "--json"],
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, CLEANROOM_CATALOG=catalog))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        creds = json.loads(p.stdout)
        # The server knows the account the admin CLI created: they share the catalog.
        cr = server.cleanrooms(creds)
        self.assertEqual(cr.list_collaborations()["collaborationList"], [])
        self.assertTrue(os.path.exists(catalog))
        self.assertFalse(os.path.exists(os.path.join(data_dir, "meta.db")))

    def test_an_unreachable_catalog_stops_serve_without_showing_its_password(self):
        url = f"postgresql://cleanroom:hunter2-secret@127.0.0.1:{free_port()}/catalog"
        p = subprocess.run([BIN, "serve", "--data-dir", os.path.join(self.root, "var"),
                            "--listen", "127.0.0.1:0", "--catalog", url],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("cannot connect to PostgreSQL", p.stderr)
        self.assertNotIn("hunter2-secret", p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
