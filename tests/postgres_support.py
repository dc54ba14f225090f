"""A throwaway PostgreSQL server for the tests: Debian's server binaries, a temporary
folder, a free local port, stopped at the end (never the machine's own cluster).

``initdb`` refuses to run as root, so when the tests run as root (CI does) the server
runs as the ``postgres`` system user; its folder must be owned by that user and every
folder above it traversable. Each test gets its own database, copied from a template
that already holds the migrated schema (``CREATE DATABASE ... TEMPLATE``), which is much
faster than running the migrations for every test.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

SUPERUSER = "postgres"
TEMPLATE = "quire_template"


def server_binaries() -> Path | None:
    """The folder of the newest PostgreSQL server binaries installed, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL server in a temporary folder, on a free port of 127.0.0.1."""

    def __init__(self, auth: str = "trust", password: str | None = None):
        self.bin = server_binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's server binaries are not installed "
                               "(Debian: apt-get install postgresql)")
        self.root = Path(tempfile.mkdtemp(prefix="quire-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.port = _free_port()
        self.auth, self.password = auth, password
        self._as_root = os.geteuid() == 0

    # --- running the server's programs ---------------------------------------------------------
    def _run(self, *args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)

    def start(self) -> Cluster:
        """initdb, then start the server and wait until it accepts connections."""
        self.data.mkdir()
        if self._as_root:
            shutil.chown(self.data, SUPERUSER, SUPERUSER)
        pwfile = self._password_file()
        init = ["initdb", "-D", str(self.data), "-A", self.auth, "-U", SUPERUSER, "-E", "UTF8",
                "--locale=C.UTF-8"]
        self._run(*init, *(["--pwfile", str(pwfile)] if pwfile else []))
        opts = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.data / "log"),
                  "-w", "start")
        return self

    def _password_file(self) -> Path | None:
        if not self.password:
            return None
        pw = self.root / "pw"
        pw.write_text(self.password + "\n")
        if self._as_root:
            shutil.chown(pw, SUPERUSER, SUPERUSER)
        return pw

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> None:
        """Stop and start the server again on the same port (clients see dropped links)."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "log"), "-m", "fast",
                  "-w", "restart")

    # --- databases -----------------------------------------------------------------------------
    def url(self, database: str = "postgres", user: str = SUPERUSER,
            password: str | None = None) -> str:
        """A SQLAlchemy URL (psycopg 3) for ``database`` as ``user``."""
        cred = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{cred}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> list[tuple]:
        """Run one SQL statement as the superuser, outside a transaction; its rows."""
        import psycopg

        dsn = (f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"
               + (f" password={self.password}" if self.password else ""))
        with psycopg.connect(dsn, autocommit=True) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else []

    def new_database(self, template: str | None = None) -> str:
        """A new, empty database (or a copy of ``template``); returns its name."""
        name = "t_" + uuid.uuid4().hex[:16]
        extra = f" TEMPLATE {template}" if template else ""
        self.sql(f'CREATE DATABASE "{name}"{extra}')
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting whoever is still on it."""
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def allow(pgpass, port: int, login: str, password: str) -> None:
    """Let ``login`` sign in with ``password`` through the ``.pgpass`` file."""
    with pgpass.open("a") as fh:
        fh.write(f"127.0.0.1:{port}:*:{login}:{password}\n")
