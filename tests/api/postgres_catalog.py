"""The API tests against a PostgreSQL catalog (CLEANROOM_TEST_CATALOG=postgresql).

One throwaway PostgreSQL per test process: initdb into a temporary folder, `postgres` on a free
port of 127.0.0.1 only, fsync off; stopped and deleted when the process exits. Each data dir a
test uses gets its own fresh database, and every `cleanroom` command the test runs with
`--data-dir DIR` is given `--catalog URL` of DIR's database: the server, the admin CLI, uploads,
a restart on the same data dir, as a deployment's nodes share one catalog.
"""
import atexit
import ctypes
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def _bin_dir():
    if os.environ.get("CLEANROOM_PG_BIN"):
        return os.environ["CLEANROOM_PG_BIN"]
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    return os.path.dirname(found[-1]) if found else ""


def _program(name):
    d = _bin_dir()
    return os.path.join(d, name) if d else name


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cleanroom-pg-")
        self.password = secrets.token_hex(12)
        self.proc = None
        self.port = None
        self.databases = {}
        # PostgreSQL refuses to run as root: then it runs as the postgres user (else nobody).
        self.user = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    self.user = pwd.getpwnam(name)
                    break
                except KeyError:
                    pass
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)

    def _as_user(self, die_with_parent=False):
        user = self.user

        def switch():
            if user:
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)
            if die_with_parent:  # PR_SET_PDEATHSIG: the server goes when the tests go, even killed
                ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGQUIT)
        return switch

    def start(self):
        pwfile = os.path.join(self.dir, "pwfile")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        if self.user:
            os.chown(pwfile, self.user.pw_uid, self.user.pw_gid)
        log = open(os.path.join(self.dir, "log"), "ab")
        subprocess.run([_program("initdb"), "-D", os.path.join(self.dir, "data"), "-U", "cleanroom",
                        "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C",
                        "--no-sync"], stdout=log, stderr=log, check=True, preexec_fn=self._as_user())
        for _ in range(5):
            self.port = _free_port()
            self.proc = subprocess.Popen(
                [_program("postgres"), "-D", os.path.join(self.dir, "data"), "-p", str(self.port),
                 "-k", self.dir, "-c", "listen_addresses=127.0.0.1", "-F",
                 "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
                stdout=log, stderr=log, preexec_fn=self._as_user(die_with_parent=True))
            deadline = time.time() + 30
            while time.time() < deadline and self.proc.poll() is None:
                if self._psql("postgres", "SELECT 1").returncode == 0:
                    atexit.register(self.stop)
                    return self
                time.sleep(0.05)
            if self.proc.poll() is None:
                break  # running but not answering: report it
        with open(os.path.join(self.dir, "log")) as f:
            raise RuntimeError("postgres did not start: " + f.read()[-2000:])

    def _psql(self, database, sql):
        return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", self.url(database),
                               "-c", sql], capture_output=True, text=True)

    def url(self, database):
        return f"postgresql://cleanroom:{self.password}@127.0.0.1:{self.port}/{database}"

    def catalog_for(self, data_dir):
        """The URL of `data_dir`'s database, created at its first use."""
        key = os.path.realpath(data_dir)
        if key not in self.databases:
            name = f"test_{len(self.databases) + 1}"
            p = self._psql("postgres", f"CREATE DATABASE {name}")
            if p.returncode != 0:
                raise RuntimeError("cannot create a test database: " + p.stderr)
            self.databases[key] = self.url(name)
        return self.databases[key]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # immediate: nothing here is kept
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


_server = None


def server():
    global _server
    if _server is None:
        _server = PostgresServer().start()
    return _server


def give_every_command_its_catalog(binary):
    """Every Popen (and so subprocess.run) of `binary` with --data-dir DIR gets --catalog URL."""
    binary = os.path.realpath(binary)
    original = subprocess.Popen

    class CatalogPopen(original):
        def __init__(self, args, *rest, **kwargs):
            if (isinstance(args, (list, tuple)) and args and "--data-dir" in args
                    and "--catalog" not in args and os.path.realpath(str(args[0])) == binary):
                args = list(args)
                i = args.index("--data-dir") + 2
                args[i:i] = ["--catalog", server().catalog_for(args[i - 1])]
            super().__init__(args, *rest, **kwargs)

    subprocess.Popen = CatalogPopen


def execute(data_dir, sql, params=()):
    """Runs one statement with ? parameters on `data_dir`'s database; its rows, values as text."""
    script, variables = "", []
    parts = sql.split("?")
    for i, part in enumerate(parts[:-1]):
        script += part + f":'p{i + 1}'"
        variables += ["-v", f"p{i + 1}={params[i]}"]
    script += parts[-1] + ";\n"
    p = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-F", "\x1f",
                        *variables, server().catalog_for(data_dir)],
                       input=script, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"psql: {p.stderr}")
    return [tuple(line.split("\x1f")) for line in p.stdout.splitlines() if line]


def dump(data_dir):
    """Every byte of `data_dir`'s database as pg_dump writes it."""
    return subprocess.run([_program("pg_dump"), "--data-only", server().catalog_for(data_dir)],
                          capture_output=True, check=True).stdout
