"""A throwaway PostgreSQL server for tests and tools: Debian's `postgresql` package, never a
system-wide server. `server()` runs initdb into a new temporary directory, starts the server on a
free port with its unix socket in that directory (no TCP: listen_addresses is empty), yields a
`Server` whose `uri()` names a database on it, and stops it and removes the directory on exit.

PostgreSQL refuses to run as root, and CI runs as root: then the directory is handed to Debian's
`postgres` user (which the package creates) and every server command runs as that user through
`runuser -u postgres --`. Run as anyone else, the commands run as that user.

Local connections are trusted (peer identity is not checked: only the socket's directory, owned by
the server's user, guards it); roles still decide what each connection may do, which is what the
store's tests of its viewer and writer roles need.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SERVER_USER = "postgres"  # Debian's, when run as root
SUPERUSER = "postgres"  # the bootstrap role initdb makes


def bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl; None if missing."""
    found = []
    for d in Path("/usr/lib/postgresql").glob("*/bin"):
        version = re.match(r"\d+", d.parent.name)
        if version and (d / "initdb").is_file() and (d / "pg_ctl").is_file():
            found.append((int(version.group()), d))
    return max(found)[1] if found else None


def missing() -> str | None:
    """Why a server cannot be started here (None when it can)."""
    if bindir() is None:
        return "PostgreSQL is not installed (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no {SERVER_USER!r} user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    directory: Path  # the socket's directory (and the data directory's parent)
    port: int

    def uri(self, database: str = "postgres", user: str = SUPERUSER, password: str = "") -> str:
        """A libpq URI for a database on this server through its unix socket."""
        who = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        return f"postgresql://{who}@/{database}?host={self.directory}&port={self.port}"

    def psql(self, sql: str, database: str = "postgres", user: str = SUPERUSER) -> str:
        """Run SQL through psql as `user` (stops at the first error); its output."""
        cmd = [str(bindir() / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
               "-h", str(self.directory), "-p", str(self.port), "-U", user, "-d", database,
               "-c", sql]  # fmt: skip
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    def create_database(self, name: str) -> str:
        """A new empty database; its URI as the superuser."""
        self.psql(f'CREATE DATABASE "{name}"')
        return self.uri(name)


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def server() -> Iterator[Server]:
    """A new server in a temporary directory, stopped and removed on exit."""
    why = missing()
    if why:
        raise RuntimeError(why)
    bin_ = bindir()
    assert bin_ is not None
    tmp = Path(tempfile.mkdtemp(prefix="vss-pg-"))
    data = tmp / "data"
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(tmp, user.pw_uid, user.pw_gid)
    port = free_port()
    started = False
    try:
        subprocess.run(
            _as_server_user([str(bin_ / "initdb"), "-D", str(data), "-U", SUPERUSER,
                             "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]),
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        options = (
            f"-p {port} -k {tmp} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            _as_server_user([str(bin_ / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"),
                             "-o", options, "-w", "-t", "60", "start"]),
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        started = True
        yield Server(tmp, port)
    finally:
        if started:
            subprocess.run(
                _as_server_user([str(bin_ / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                 "-w", "stop"]),
                capture_output=True,
            )  # fmt: skip
        shutil.rmtree(tmp, ignore_errors=True)
