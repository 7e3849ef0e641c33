#!/usr/bin/env python3
"""Runs moto's own Clean Rooms tests against cleanroom: a peer's test suite, beside the project.

    python3 tests/peer/run_moto_cleanrooms.py MOTO      # or: make test-moto MOTO=...

MOTO is a checkout of github.com/getmoto/moto (or its bare git directory); its
tests/test_cleanrooms/test_cleanrooms.py is read from there and never copied into this project.
Nothing here reaches outside 127.0.0.1, but the checkout must be brought here by hand, so CI does
not run this.

How the tests are pointed at cleanroom instead of moto's in-process mock:
- `moto.mock_aws` is replaced by a decorator that does nothing, and `boto3.client` by one that
  signs with the keys of account 123456789012 (moto's DEFAULT_ACCOUNT_ID) against a server
  started for that one test, so every test sees an empty server, as under moto. Account
  111111111111, which the tests invite, exists too, and so does the dataset test-db.test-table
  (column1, column2) that their configured tables name: AWS requires the Glue table to exist.
- The module's REGION is set to us-east-1, the one region a cleanroom server serves (DESIGN.md).
- `pytest.raises` is the only part of pytest the tests use (pytest is not installed here).

Prints one line per test and a summary; exits 0 when every test passed.
"""
import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
import boto3  # noqa: E402
import harness  # noqa: E402

TEST_FILE = "tests/test_cleanrooms/test_cleanrooms.py"
CREATOR, INVITED = "123456789012", "111111111111"


def test_source(moto):
    path = os.path.join(moto, TEST_FILE)
    if os.path.exists(path):
        with open(path) as f:
            return f.read()
    return subprocess.run(["git", "--git-dir", moto, "show", "HEAD:" + TEST_FILE], check=True,
                          capture_output=True, text=True).stdout


class _Raised:
    value = None


@contextlib.contextmanager
def _raises(expected, match=None):
    raised = _Raised()
    try:
        yield raised
    except expected as e:
        raised.value = e
        return
    raise AssertionError(f"did not raise {expected}")


def install_shims():
    """Stand-ins for the parts of pytest and moto the tests import."""
    pytest = types.ModuleType("pytest")
    pytest.raises = _raises
    moto = types.ModuleType("moto")
    moto.mock_aws = lambda fn: fn
    moto_core = types.ModuleType("moto.core")
    moto_core.DEFAULT_ACCOUNT_ID = CREATOR
    moto.core = moto_core
    sys.modules.update({"pytest": pytest, "moto": moto, "moto.core": moto_core})


def run_one(module, name, real_client):
    server = harness.Server().start()
    try:
        creds = server.new_account(CREATOR, "moto's default account")
        server.new_account(INVITED, "Invited Member")
        # The Glue table the tests' configured tables name, which AWS too requires to exist.
        server.upload_csv(CREATOR, "test-db.test-table", "column1,column2\na,1\n")

        def client(service, *args, **kwargs):
            kwargs.update(endpoint_url=server.url, aws_access_key_id=creds["accessKeyId"],
                          aws_secret_access_key=creds["secretAccessKey"])
            return real_client(service, *args, **kwargs)

        boto3.client = client
        try:
            getattr(module, name)()
            return None
        except Exception:  # noqa: BLE001 - a test's failure, reported and counted
            return traceback.format_exc(limit=-2)
        finally:
            boto3.client = real_client
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("moto", help="a checkout of getmoto/moto, or its git directory")
    parser.add_argument("-k", default="", help="run only the tests whose name contains this")
    args = parser.parse_args()
    install_shims()
    module = types.ModuleType("moto_test_cleanrooms")
    exec(compile(test_source(args.moto), TEST_FILE, "exec"), module.__dict__)
    module.REGION = harness_region = "us-east-1"
    names = [n for n in dir(module) if n.startswith("test_") and args.k in n]
    failures = {}
    for name in sorted(names, key=lambda n: getattr(module, n).__code__.co_firstlineno):
        failure = run_one(module, name, boto3.client)
        print(("pass  " if failure is None else "FAIL  ") + name, flush=True)
        if failure:
            failures[name] = failure
    for name, failure in failures.items():
        print(f"\n--- {name} ---\n{failure}")
    print(f"\n{len(names) - len(failures)} of {len(names)} passed (region {harness_region})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
