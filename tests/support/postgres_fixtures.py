"""A real PostgreSQL server for the tests: Debian's binaries (scripts/system-deps.sh installs `postgresql`),
a fresh cluster per test session in a temp directory, listening on a unix socket only. Each test gets a new
database. Skipped with one line when the binaries or psycopg are missing, failing instead when CI is set."""
from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from support.needs import missing


def _unavailable(why: str):
    missing(f"PostgreSQL not available: {why}")


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PostgresServer:
    def __init__(self):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            _unavailable("psycopg is not installed (pip install 'psycopg[binary]')")
        bin_dir = _bin_dir()
        if bin_dir is None:
            _unavailable("no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)")
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="sheetsync-pg-"))
        self.data, self.socket = self.root / "data", self.root
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # the server refuses to run as root: run it as the package's own user
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                _unavailable("running as root and there is no 'postgres' user to run the server as")
            shutil.chown(self.root, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.opts = f"-c listen_addresses='' -k {self.socket} -c fsync=off -c max_connections=200"
        self.start()
        self._names = itertools.count()

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-o", self.opts, "-l", str(self.root / "log"), "-w", "start")

    def restart(self, down: float = 0.0) -> None:
        """Stop the server as an administrator would (every connection is cut), wait `down` seconds, start it."""
        import time
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        time.sleep(down)
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self.prefix, str(self.bin / tool), *args], capture_output=True, text=True)
        if done.returncode:
            _unavailable(f"{tool} failed: {(done.stderr or done.stdout).strip()[-300:]}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket}"

    def new_database(self) -> str:
        import psycopg
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A new, empty database on the session's server."""
    return postgres_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def state_target(request, tmp_path):
    """Where a History lives, for tests that must hold for both stores: a SQLite file or a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "state.db"
    return request.getfixturevalue("postgres_url")
