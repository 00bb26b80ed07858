"""A real, throwaway PostgreSQL server for the tests (Debian's binaries, no Docker).

``initdb`` refuses to run as root, and CI runs as root: there the server is initialised and
started as the ``postgres`` user that Debian's package creates (``runuser -u postgres --``),
in a temporary folder that user owns. The server listens on a free loopback port only, keeps
its socket in that folder, and runs without fsync (a test database need not survive a crash of
the machine, only of our processes). Local socket connections are trusted; TCP connections
need the password, so wrong credentials can be tested.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

SKIP_REASON = "needs PostgreSQL server binaries (apt install postgresql postgresql-contrib)"
SUPERUSER, PASSWORD = "ragtest", "s3cret-for-tests"


def find_bin_dir() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``: on PATH, or Debian's versioned folder."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return Path(found[-1]).parent if found else None


@contextmanager
def running_server(missing: Callable[[str], object]) -> Iterator["PostgresServer"]:
    """A started server, stopped and its files deleted on exit. Without the binaries,
    ``missing(SKIP_REASON)``, which is to raise (``pytest.skip``, ``sys.exit``)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        missing(SKIP_REASON)
        raise RuntimeError(SKIP_REASON)  # ``missing`` did not raise
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """``start()`` initialises and starts a server; ``stop()`` stops it and deletes its files."""

    def __init__(self, bin_dir: Path, *, crash_safe: bool = False) -> None:
        self.bin_dir = bin_dir
        # synchronous_commit=off acknowledges a commit before its WAL leaves the server's memory,
        # so ``crash`` could lose it; a server that is to be crashed keeps it on (fsync stays
        # off: the machine does not crash, so what reached the OS survives)
        self.crash_safe = crash_safe
        self.root = Path(tempfile.mkdtemp(prefix="ragarchive-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_root = os.geteuid() == 0

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self._as_root:
            shutil.chown(self.root, "postgres")
            shutil.chown(pwfile, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, f"--pwfile={pwfile}",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        self.launch()

    def launch(self) -> None:
        """Start the initialised server (again, after ``crash``), on the same port and files."""
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        if not self.crash_safe:
            options += " -c synchronous_commit=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")

    def crash(self) -> None:
        """Stop at once, as a power cut would (``-m immediate``), keeping the files: every
        client connection is cut; ``launch`` starts it again and it recovers from its WAL."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():  # not after a ``crash`` left it down
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str) -> str:
        """A fresh database; returns its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        try:
            return (self.root / "log").read_text(errors="replace")
        except OSError:
            return ""

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bin_dir / tool), *args]
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}\n{self.log()}")
