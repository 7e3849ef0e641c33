"""The README's quickstart as the tests run it: its shell blocks, extracted from the README and run
in one bash session from a folder laid out like the repository's root (`build/cleanroom`, data in
`var/`), against a server given by its port. What the result files must hold is checked here too,
once for every test that runs the quickstart (test_readme_quickstart.py on one node,
test_cluster.py on a node of a deployment)."""
import csv
import io
import os
import re
import subprocess

from harness import BIN

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")


def quickstart_blocks():
    with open(README) as f:
        text = f.read()
    section = text.split("\n## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def lay_out(root, data_dir):
    """`root` as the quickstart expects the repository's root: build/cleanroom is the binary under
    test, and var/ is `data_dir` (itself, or a link to it when it lives elsewhere)."""
    os.makedirs(os.path.join(root, "build"), exist_ok=True)
    os.symlink(os.path.abspath(BIN), os.path.join(root, "build", "cleanroom"))
    var = os.path.join(root, "var")
    if os.path.abspath(data_dir) != var:
        os.symlink(os.path.abspath(data_dir), var)


def run_quickstart(test, root, port, env, rewrites=()):
    """Runs the blocks, as written but for the server's port and `rewrites` ((README text, what
    replaces it) pairs, each of which must be found), with `env` added to a clean AWS CLI
    environment. Fails `test` unless every block succeeded. Returns the process, the result's S3
    URI (step 7) and the frequency result's (step 8)."""
    blocks = quickstart_blocks()
    test.assertGreaterEqual(len(blocks), 8, "the quickstart lost its blocks")
    script = "\n".join(blocks).replace("127.0.0.1:8080", "127.0.0.1:" + str(port))
    for text, replacement in rewrites:
        test.assertIn(text, script, "the quickstart changed: rewrite what a test changes in it")
        script = script.replace(text, replacement)
    # What the test checks afterwards; not part of the README.
    script = ("set -euo pipefail\n" + script
              + '\necho "RESULT_URI=$URI"\necho "FREQUENCY_URI=$FREQUENCY_URI"\n')
    env = dict(os.environ, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="", **env)
    p = subprocess.run(["bash", "-c", script], cwd=root, env=env, capture_output=True, text=True,
                       timeout=300)
    test.assertEqual(p.returncode, 0, p.stdout + p.stderr)
    lines = p.stdout.splitlines()
    uris = [next(l.split("=", 1)[1] for l in lines if l.startswith(name + "="))
            for name in ("RESULT_URI", "FREQUENCY_URI")]
    return p, uris[0], uris[1]


def csv_rows(text):
    return list(csv.reader(io.StringIO(text)))


def check_quickstart(test, p, rows, frequencies):
    """What the quickstart's output (`p`) and its two result files (their CSV rows) must show."""
    lines = p.stdout.splitlines()
    test.assertIn("COMPLETED", lines, p.stdout)  # step 2: the advertiser was added
    test.assertIn("ACTIVE", lines, p.stdout)  # step 3: the instance became ACTIVE
    test.assertTrue(any('"creationStatus":"REQUESTED"' in l.replace(" ", "") for l in lines), p.stdout)
    test.assertEqual(rows[0], ["segment", "campaign", "users", "impressions"])
    test.assertGreater(len(rows), 3, rows)
    test.assertTrue({r[0] for r in rows[1:]} <= {"loyal", "new", "lapsed"}, rows)
    # Only the campaigns of the advertiser linked to the instance (the demo's campaign names start
    # with the advertiser's short name).
    test.assertTrue(all(r[1].startswith("Northwind | ") for r in rows[1:]), rows)
    # Rows standing for fewer than 100 users (the AMC threshold of user_id) never leave the engine.
    test.assertTrue(all(int(r[2]) >= 100 for r in rows[1:]), rows)
    # step 7's `head` printed the same file.
    test.assertIn(",".join(rows[1]), p.stdout)
    # step 8: AMC SQL, a per-user WITH; every frequency delivered stands for 100 users or more.
    test.assertEqual(frequencies[0], ["frequency", "users"])
    test.assertGreater(len(frequencies), 2, frequencies)
    test.assertTrue(all(int(r[1]) >= 100 for r in frequencies[1:]), frequencies)
