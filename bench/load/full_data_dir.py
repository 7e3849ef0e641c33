#!/usr/bin/env python3
"""A data dir that stops accepting writes (issue 14): the server must answer errors and stay up.

Needs root (it mounts a file system), so it is a manual check, not a test: it makes a small ext4
file system with 1 KiB blocks on a loop device, starts `cleanroom serve` on it, fills the file
system to the last few KiB and then keeps creating AMC instances. SQLite extends its memory-mapped
WAL index (the -shm file) one byte per 4 KiB page, which on 1 KiB blocks leaves three blocks of
every page unallocated: once the disk is full, the first write to one of them through the mapping
is a SIGBUS, and the server dies. With the index allocated ahead (catalog/database.cpp) the
writes fail with an error instead.

  sudo python3 bench/load/full_data_dir.py [--bin build/cleanroom]

Prints each answer's status and message, whether the server is still up and still reads, and
what the first process to open the store on the nearly full disk (the admin CLI) does.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from instances_scale import ADVERTISER_ACCOUNT, DEFAULT_BIN, Server, advertiser_headers  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--size-mb", type=int, default=48)
    ap.add_argument("--posts", type=int, default=300)
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("needs root: it mounts a loop device")
        return 2
    work = tempfile.mkdtemp(prefix="cleanroom-full-")
    image, mount = os.path.join(work, "fs.img"), os.path.join(work, "mnt")
    os.mkdir(mount)
    subprocess.run(["truncate", "-s", f"{args.size_mb}M", image], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-b", "1024", "-m", "0", image], check=True)
    subprocess.run(["mount", "-o", "loop", image, mount], check=True)
    server = Server(os.path.abspath(args.bin), os.path.join(mount, "var"))
    died = None
    try:
        os.mkdir(server.data_dir)
        server.start()
        headers = advertiser_headers(server, "full")
        status, _, body = server.http("POST", "/amc/instances", {
            "instanceName": "first", "awsAccountId": ADVERTISER_ACCOUNT, "acrBacked": True}, headers=headers)
        assert status == 200, body
        first = body["instance"]["instanceId"]
        st = os.statvfs(mount)
        free = st.f_bavail * st.f_frsize
        with open(os.path.join(mount, "filler"), "wb") as f:
            f.write(b"\1" * max(0, free - 24 * 1024))
        os.sync()
        print(f"filled: {os.statvfs(mount).f_bavail * st.f_frsize} bytes left", flush=True)
        answers = {}
        for i in range(args.posts):
            if server.proc.poll() is not None:
                died = server.proc.returncode
                break
            try:
                status, _, body = server.http("POST", "/amc/instances", {
                    "instanceName": f"full_{i}", "awsAccountId": ADVERTISER_ACCOUNT, "acrBacked": True},
                    headers=headers)
            except OSError as e:
                status, body = "no answer", str(e)
            key = (status, body.get("message") if isinstance(body, dict) else str(body)[:200])
            answers[key] = answers.get(key, 0) + 1
        for (status, message), n in answers.items():
            print(f"{n:4d} x {status}: {message}")
        if died is None and server.proc.poll() is not None:
            died = server.proc.returncode
        if died is not None:
            print(f"FAIL: the server died (exit {died}; -7 is SIGBUS)")
            return 1
        status, _, body = server.http("GET", f"/amc/instances/{first}", headers=headers)
        print(f"server up; GET of an instance answers {status}")
        if status != 200:
            return 1
        # The first process to open the store after a stop recreates the WAL index and writes it
        # through the mapping at once: with a few KiB left that was a SIGBUS of the admin CLI or
        # of a restarted server. Now the store refuses to open instead.
        server.stop()
        outcomes = {}
        for kib in range(8, 72, 4):
            # With room again, one process opens and closes the store: its last close
            # checkpoints the WAL into the database and removes the WAL and its index.
            os.remove(os.path.join(mount, "filler"))
            subprocess.run([server.binary, "admin", "bucket", "list", "--data-dir", server.data_dir],
                           capture_output=True, check=True)
            st = os.statvfs(mount)
            with open(os.path.join(mount, "filler"), "wb") as f:
                f.write(b"\1" * max(0, st.f_bavail * st.f_frsize - kib * 1024))
            os.sync()
            p = subprocess.run([server.binary, "admin", "account", "create", "--account-id",
                                f"{700000000000 + kib}", "--name", "x", "--data-dir", server.data_dir,
                                "--json"], capture_output=True, text=True)
            if p.returncode == -7:
                outcome = "SIGBUS"
            elif p.returncode == 0:
                outcome = "written"
            else:
                outcome = f"exit {p.returncode}: " + re.sub(r"[0-9]+ KiB free", "N KiB free", (p.stdout + p.stderr).strip()[:160])
            outcomes.setdefault(outcome, []).append(kib)
        for outcome, kibs in outcomes.items():
            print(f"admin CLI with {kibs} KiB free: {outcome}")
        if "SIGBUS" in outcomes:
            return 1
        return 0
    finally:
        server.stop()
        subprocess.run(["umount", "-l", mount])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
