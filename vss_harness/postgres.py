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

Replication: `standby(primary)` copies a running server with pg_basebackup (`-R -X stream`, over
the primary's socket: initdb's trust rules include `local replication`) into a directory of its
own and starts it as a hot standby on its own port, streaming from the primary. A `Server` can be
killed (`stop()`: an immediate stop, as a crash: no checkpoint, recovery at the next start),
started again (`start()`) and, a standby, promoted (`promote()`). `multi_uri()` names several
servers in one libpq URI, for `target_session_attrs` to pick one.
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
import time
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
    options: str = ""  # the server's command-line options (pg_ctl -o), for start()

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "log"

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

    def pg_ctl(self, *args: str) -> list[str]:
        """The pg_ctl command for this server's data directory, as the server's user."""
        bin_ = bindir()
        assert bin_ is not None
        return _as_server_user([str(bin_ / "pg_ctl"), "-D", str(self.data), *args])

    def start_args(self) -> list[str]:
        return ["-l", str(self.log), "-o", self.options, "-w", "-t", "60", "start"]

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(self.pg_ctl(*args), check=check, capture_output=True, text=True)

    def start(self) -> None:
        """Start the server (again), waiting until it accepts connections (a standby: read-only
        ones, once its replay is consistent)."""
        self._pg_ctl(*self.start_args())

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; `immediate` (the default) is a crash: every process ends at once,
        open transactions are lost, the next start recovers from the WAL."""
        self._pg_ctl("-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self._pg_ctl("status", check=False).returncode == 0

    def promote(self) -> None:
        """A standby becomes a primary (it stops following its primary and accepts writes)."""
        self._pg_ctl("-w", "-t", "60", "promote")

    def in_recovery(self) -> bool:
        return self.psql("SELECT pg_is_in_recovery()").strip() == "t"

    def wait_caught_up(self, primary: Server, timeout_s: float = 30.0) -> None:
        """Wait until this standby has replayed everything `primary` has written so far."""
        target = primary.psql("SELECT pg_current_wal_lsn()").strip()
        deadline = time.monotonic() + timeout_s
        sql = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        while self.psql(sql).strip() != "t":
            if time.monotonic() > deadline:
                raise TimeoutError(f"the standby did not replay up to {target}")
            time.sleep(0.05)


def multi_uri(servers: list[Server], database: str = "postgres", user: str = SUPERUSER,
              target: str = "any") -> str:  # fmt: skip
    """One libpq URI naming several servers: libpq tries them in order and keeps the first that
    `target_session_attrs` accepts (read-write: a primary; prefer-standby: a standby if one
    answers, else any)."""
    hosts = ",".join(str(s.directory) for s in servers)
    ports = ",".join(str(s.port) for s in servers)
    who = quote(user, safe="")
    return (f"postgresql://{who}@/{database}?host={hosts}&port={ports}"
            f"&target_session_attrs={target}")  # fmt: skip


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *cmd] if os.geteuid() == 0 else cmd


SPEED = "-c fsync=off -c full_page_writes=off"  # a crash of the machine is not tested here


def _new_directory() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="vss-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(tmp, user.pw_uid, user.pw_gid)
    return tmp


def _options(port: int, directory: Path, extra: str) -> str:
    return f"-p {port} -k {directory} -c listen_addresses='' {SPEED} {extra}".strip()


@contextlib.contextmanager
def server(durable: bool = False) -> Iterator[Server]:
    """A new server in a temporary directory, stopped and removed on exit. `durable`: a commit
    returns once its WAL is written (synchronous_commit on), so a server killed (stop()) loses
    no committed transaction; otherwise commits are asynchronous, which is faster."""
    why = missing()
    if why:
        raise RuntimeError(why)
    bin_ = bindir()
    assert bin_ is not None
    tmp = _new_directory()
    port = free_port()
    srv = Server(tmp, port, _options(port, tmp, "" if durable else "-c synchronous_commit=off"))
    try:
        subprocess.run(
            _as_server_user([str(bin_ / "initdb"), "-D", str(srv.data), "-U", SUPERUSER,
                             "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]),
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        srv.start()
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def standby(primary: Server) -> Iterator[Server]:
    """A hot standby of the running `primary`: pg_basebackup (`-R -X stream`: the base backup,
    the WAL written meanwhile, and the settings to follow the primary) into a new temporary
    directory, started on its own port with hot_standby (read-only queries while it replays)
    and hot_standby_feedback (the primary keeps rows a standby's query still reads, so no read
    is cancelled by a conflict). Stopped and removed on exit."""
    bin_ = bindir()
    assert bin_ is not None
    tmp = _new_directory()
    port = free_port()
    srv = Server(tmp, port, _options(port, tmp, "-c hot_standby=on -c hot_standby_feedback=on"))
    try:
        subprocess.run(
            _as_server_user([str(bin_ / "pg_basebackup"), "-D", str(srv.data), "-R",
                             "-X", "stream", "-c", "fast", "--no-sync",
                             "-h", str(primary.directory), "-p", str(primary.port),
                             "-U", SUPERUSER]),
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        srv.start()
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- the store's roles, replicated

VIEWER, WRITER = "vss_viewer", "vss_writer"  # the roles vss_dash/store/postgres.py describes


def roles(srv: Server, database: str) -> tuple[str, str]:
    """The store's two roles on `srv` (made if missing), granted on `database` by the store's
    own `grant()` as the schema's owner (the superuser; the schema made if missing): the URIs of
    the viewer and of the writer."""
    from vss_dash.store import postgres as store_pg

    for role in (VIEWER, WRITER):
        if not srv.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'").strip():
            srv.psql(f"CREATE ROLE {role} LOGIN")
    store_pg.grant(srv.uri(database), viewer=VIEWER, writer=WRITER)
    return srv.uri(database, VIEWER), srv.uri(database, WRITER)


@dataclass(frozen=True)
class Replicated:
    primary: Server
    standby: Server
    database: str

    def uri(self, user: str = VIEWER) -> str:
        """What an app replica or an importer names: the standby first, then the primary, with
        prefer-standby; the store's writes ask for read-write themselves (the primary)."""
        return multi_uri([self.standby, self.primary], self.database, user, "prefer-standby")

    def caught_up(self, timeout_s: float = 30.0) -> None:
        self.standby.wait_caught_up(self.primary, timeout_s)


@contextlib.contextmanager
def replicated(database: str = "vss") -> Iterator[Replicated]:
    """A durable primary holding `database` with the store's schema and roles, and a hot
    standby of it; both stopped and removed on exit."""
    with server(durable=True) as primary:
        primary.create_database(database)
        roles(primary, database)
        with standby(primary) as follower:
            yield Replicated(primary, follower, database)
