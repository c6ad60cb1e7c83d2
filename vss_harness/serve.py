"""Run the dashboard scaled out on one machine: N Streamlit replicas on loopback ports behind nginx.

    uv run --locked python deploy/serve.py [--replicas 2] [--port 8080] [--host 0.0.0.0]
                                           [--run-dir DIR] [--data-dir DIR] [--store S]
                                           [--standby]

`make serve REPLICAS=2 PORT=8080` does the same. Every replica runs `streamlit run
vss_dash/asgi.py` (the pages and the data API, as `make run` does) on 127.0.0.1 (headless, no
file watcher) with the launcher's environment, over the same store: `--store`, else the Parquet
directory `--data-dir`, else VSS_STORE (a `postgresql://` URI puts every replica on that
database), else VSS_DATA_DIR or data/store. `--standby` starts a PostgreSQL
primary and a hot standby of it (Debian's postgresql, vss_harness/postgres.py, in a temporary
directory) holding a copy of that store, and the replicas read from the standby and write to
the primary as the store's writer role (`standby_store`). One cookie secret for all
(Streamlit signs its auth cookies with it, so a browser moved to another replica stays signed
in). nginx is rendered from nginx.conf.template and runs in the foreground as the current user,
with pid, logs and temp files in the run directory (default deploy/run/port-PORT). nginx's own
health checking is passive only (open-source nginx has no active checks), so this launcher waits
for each replica's readiness route (/api/v1/ready: its store loads) before nginx sends it anyone,
then polls /_stcore/health and restarts one whose process died or that stopped answering.
Ctrl-C (or SIGTERM) stops nginx first, then the replicas.

The load test, the deploy test and the cold-bytes benchmark use `deployment()` as a context
manager; deploy/serve.py is the command.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import ctypes
import hashlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vss_dash import paths, settings
from vss_dash import store as vss_store
from vss_dash.filecheck import MAX_FILE_BYTES
from vss_harness import postgres
from vss_harness.browser import APP_SCRIPT

ROOT = paths.ROOT
DEPLOY = ROOT / "deploy"  # the nginx templates, and run/ (git-ignored) by default
TEMPLATE = DEPLOY / "nginx.conf.template"
HEADERS = DEPLOY / "security_headers.conf"
HEALTH = "/_stcore/health"  # alive: the process answers (what a restart is decided on)
READY = "/api/v1/ready"  # ready: the store loads, its generation named (what a start waits for)
START_TIMEOUT_S = 90.0
CHECK_EVERY_S = 2.0
FAILS_BEFORE_RESTART = 3  # health checks in a row that a live process may miss

# The largest upload, in MB, for the proxy and the replicas (Streamlit's server.maxUploadSize):
# what the import accepts, plus a margin, so that a file slightly over the import's limit still
# reaches it and is refused with a finding rather than by the upload widget.
UPLOAD_MAX_MB = -(-MAX_FILE_BYTES // 2**20) + 1
# Streamlit's page runs one inline script (index.html: `window.prerenderReady = false`) and its
# protobuf decoder compiles WebAssembly: the policy allows exactly that script, by its hash, and
# WebAssembly ('wasm-unsafe-eval'), not 'unsafe-inline' or 'unsafe-eval' for scripts.
WASM = "'wasm-unsafe-eval'"


def inline_script_hashes(index: Path | None = None) -> list[str]:
    """CSP sources for the inline scripts of the installed Streamlit's index.html."""
    if index is None:
        import importlib.util

        spec = importlib.util.find_spec("streamlit")
        assert spec and spec.origin
        index = Path(spec.origin).parent / "static" / "index.html"
    text = index.read_text(encoding="utf-8")
    bodies = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", text, re.S)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'"
        for b in bodies
    ]


HSTS = 'add_header Strict-Transport-Security "max-age=31536000" always;'


def nginx_binary() -> str | None:
    """Debian installs nginx in /usr/sbin, which is not on an ordinary user's PATH."""
    found = settings.env("VSS_NGINX") or shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the launcher dies without cleaning up (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


# ---------------------------------------------------------------- the nginx configuration


def _fill(text: str, values: dict[str, str], template: Path) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    if left := re.findall(r"\{\{[A-Z_]+\}\}", text):
        raise ValueError(f"unfilled placeholders in {template}: {left}")
    return text


def render_headers(https: bool = False, template: Path = HEADERS) -> str:
    """The security headers every location includes; HSTS only when served over HTTPS."""
    extra = "".join(f" {src}" for src in [WASM, *inline_script_hashes()])
    values = {"SCRIPT_EXTRA": extra, "HSTS": HSTS if https else ""}
    return _fill(template.read_text(), values, template)


def render(
    ports: list[int],
    listen: str,
    run_dir: Path,
    template: Path = TEMPLATE,
    https: bool = False,
    limit_exempt: tuple[str, ...] = (),
) -> str:
    """The nginx configuration for replicas on 127.0.0.1:<ports>, listening on `listen`.
    `https`: the browsers reach the proxy over HTTPS (TLS ends here or at a load balancer in
    front), so the route cookie is Secure. `limit_exempt`: client addresses the request and
    connection limits do not count (the load test's)."""
    routes = [f"r{i}" for i in range(len(ports))]
    share = 100 / len(ports)
    split = [f'        {share:.2f}% "{r}";' for r in routes[:-1]] + [f'        * "{routes[-1]}";']
    upstreams = []
    for i, route in enumerate(routes):
        lines = [f"    upstream vss_{route} {{"]
        lines.append(f"        server 127.0.0.1:{ports[i]} max_fails=1 fail_timeout=5s;")
        lines += [f"        server 127.0.0.1:{p} backup;" for j, p in enumerate(ports) if j != i]
        # idle connections kept for reuse, closed before Streamlit's server (uvicorn) closes
        # them after 5 s: a request sent on a connection the replica is closing fails, and
        # with max_fails=1 that would take a healthy replica out for fail_timeout
        lines += ["        keepalive 8;", "        keepalive_timeout 4s;", "    }"]
        upstreams.append("\n".join(lines))
    values = {
        # started as root, nginx would hand its workers to "nobody", who cannot write the run
        # directory; keep them as the launching user (run the service as an ordinary user)
        "USER": "user root;" if os.geteuid() == 0 else "",
        "RUN_DIR": str(run_dir),
        "LISTEN": listen,
        "SPLIT": "\n".join(split),
        "ROUTES": "\n".join(f"        {r} {r};" for r in routes),
        "SERVED": "\n".join(
            f'        "~127\\.0\\.0\\.1:{p}$" {r};' for r, p in zip(routes, ports, strict=True)
        ),
        "UPSTREAMS": "\n\n".join(upstreams),
        "COOKIE_SECURE": "; Secure" if https else "",
        "LIMIT_EXEMPT": "\n".join(f'        "{a}" "";' for a in limit_exempt),
        "UPLOAD_MAX": f"{UPLOAD_MAX_MB}m",
    }
    return _fill(template.read_text(), values, template)


def nginx_cmd(nginx: str, run_dir: Path, *extra: str) -> list[str]:
    conf = run_dir / "nginx.conf"
    return [nginx, "-p", f"{run_dir}/", "-c", str(conf), "-e", str(run_dir / "error.log"), *extra]


def write_config(
    ports: list[int],
    listen: str,
    run_dir: Path,
    https: bool = False,
    limit_exempt: tuple[str, ...] = (),
) -> Path:
    """Render the configuration into run_dir, with the temp directories nginx expects."""
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    (run_dir / HEADERS.name).write_text(render_headers(https))
    conf = run_dir / "nginx.conf"
    conf.write_text(render(ports, listen, run_dir, https=https, limit_exempt=limit_exempt))
    return conf


def check_config(nginx: str, run_dir: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on the rendered configuration."""
    return subprocess.run(nginx_cmd(nginx, run_dir, "-t"), capture_output=True, text=True)


# ---------------------------------------------------------------- replicas


@dataclass
class Replica:
    name: str  # r0, r1, ...: the value of the vss_route cookie that pins a browser here
    port: int
    log: Path
    proc: subprocess.Popen | None = None
    restarts: int = 0
    misses: int = 0  # health checks missed in a row
    started: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None


def start_replica(rep: Replica, env: dict[str, str]) -> None:
    streamlit = Path(sys.executable).parent / "streamlit"
    cmd = [
        str(streamlit),
        "run",
        APP_SCRIPT,  # what `make run` serves: the pages and the data API
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(rep.port),
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        "--server.maxUploadSize",
        str(UPLOAD_MAX_MB),
    ]
    with open(rep.log, "ab") as log:
        rep.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    rep.started = time.monotonic()
    rep.misses = 0


def stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
    """Signal the process group, then kill it if it has not exited within `timeout`."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


def wait_healthy(reps: list[Replica], timeout: float = START_TIMEOUT_S) -> None:
    """Wait until every replica is ready: its data API's readiness route answers 200, so the
    store loads (a replica whose store is out of reach never joins)."""
    deadline = time.monotonic() + timeout
    for rep in reps:
        while not healthy(rep.url + READY):
            if rep.proc is None or rep.proc.poll() is not None or time.monotonic() > deadline:
                tail = rep.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"replica {rep.name} on :{rep.port} did not start\n{tail}")
            time.sleep(0.25)


# ---------------------------------------------------------------- the deployment


@dataclass
class Deployment:
    url: str  # the proxy, e.g. http://127.0.0.1:8080
    replicas: list[Replica]
    nginx: subprocess.Popen
    run_dir: Path
    events: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, message)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, message: str) -> None:
        self.events.append((time.monotonic(), message))
        print(f"[serve {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    @property
    def access_log(self) -> Path:
        return self.run_dir / "access.log"


def _monitor(dep: Deployment, env: dict[str, str], restart: bool, stop_event: threading.Event):
    """The active health check nginx lacks: restart a replica that died or stopped answering."""
    while not stop_event.wait(CHECK_EVERY_S):
        for rep in dep.replicas:
            if rep.proc is None:  # dead, and not to be restarted
                continue
            with dep._lock:
                code = rep.proc.poll()
                if code is None:
                    in_grace = time.monotonic() - rep.started < START_TIMEOUT_S
                    if healthy(rep.url + HEALTH):
                        rep.misses = 0
                        continue
                    rep.misses += 1
                    if rep.misses < FAILS_BEFORE_RESTART or in_grace:
                        continue
                    dep.report(f"replica {rep.name} on :{rep.port} fails its health check")
                    stop(rep.proc, signal.SIGKILL)
                else:
                    dep.report(f"replica {rep.name} on :{rep.port} exited with code {code}")
                if not restart:
                    rep.proc = None
                    continue
                start_replica(rep, env)
                rep.restarts += 1
                dep.report(f"replica {rep.name} restarted on :{rep.port} (pid {rep.pid})")


@contextlib.contextmanager
def deployment(
    replicas: int = 2,
    port: int | None = None,
    host: str = "127.0.0.1",
    run_dir: Path | None = None,
    data_dir: Path | None = None,
    restart: bool = True,
    extra_env: dict[str, str] | None = None,
    https: bool = False,
    limit_exempt: tuple[str, ...] = (),
    store: Path | str | None = None,
) -> Iterator[Deployment]:
    """Start the replicas and nginx for the block; stop them all after it. The replicas get this
    process's environment (VSS_STORE included), with `data_dir` as their Parquet store
    (VSS_DATA_DIR, and VSS_STORE removed: the directory named here wins) or `store` as VSS_STORE
    (a Path: a Parquet directory; a text: a directory or a `postgresql://` URI, as it is)."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx not found: apt-get install -y nginx (binary /usr/sbin/nginx)")
    port = port or free_port()
    run_dir = (run_dir or DEPLOY / "run" / f"port-{port}").resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if data_dir is not None:
        env["VSS_DATA_DIR"] = str(Path(data_dir).resolve())
        env.pop("VSS_STORE", None)
    if store is not None:
        env["VSS_STORE"] = str(Path(store).resolve()) if isinstance(store, Path) else store
    # one secret for every replica: Streamlit signs its cookies with it
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    env.update(extra_env or {})
    reps = [Replica(f"r{i}", free_port(), run_dir / f"replica-r{i}.log") for i in range(replicas)]
    ngx: subprocess.Popen | None = None
    stop_event = threading.Event()
    try:
        for rep in reps:
            start_replica(rep, env)
        write_config(
            [r.port for r in reps],
            f"{host}:{port}",
            run_dir,
            https=https,
            limit_exempt=limit_exempt,
        )
        checked = check_config(nginx, run_dir)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
        wait_healthy(reps)
        (run_dir / "access.log").unlink(missing_ok=True)
        ngx = subprocess.Popen(
            nginx_cmd(nginx, run_dir, "-g", "daemon off;"),
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while not healthy(url + "/nginx-health"):
            if ngx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {(run_dir / 'error.log').read_text()}")
            time.sleep(0.1)
        dep = Deployment(url, reps, ngx, run_dir)
        monitor = threading.Thread(
            target=_monitor, args=(dep, env, restart, stop_event), daemon=True
        )
        monitor.start()
        yield dep
    finally:
        stop_event.set()
        stop(ngx, signal.SIGQUIT)  # graceful: finish requests in flight, then exit
        for rep in reps:
            stop(rep.proc)


@contextlib.contextmanager
def standby_store(source: Path | str, database: str = "vss") -> Iterator[postgres.Replicated]:
    """A PostgreSQL primary and a hot standby streaming from it (postgres.replicated: the store's
    schema, its viewer and writer roles), holding the current generation of the store at
    `source` (a directory or a URI), written by the writer role through the replicas' URI
    (`.uri(postgres.WRITER)`: reads on the standby, writes on the primary). Stopped and removed
    on exit: a deployment to try and test, not a database to keep."""
    s = vss_store.load(source)
    with postgres.replicated(database) as pair:
        obs = s.observations.collect()
        vss_store.write(pair.uri(postgres.WRITER), obs, s.plans, s.sources,
                        generation_id=s.generation or None)  # fmt: skip
        pair.caught_up()
        yield pair


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="the proxy's port")
    parser.add_argument("--host", default="0.0.0.0", help="the proxy's address (0.0.0.0: all)")
    parser.add_argument("--run-dir", type=Path, help="default: deploy/run/port-PORT")
    parser.add_argument("--data-dir", type=Path, help="the Parquet store (default: VSS_DATA_DIR)")
    parser.add_argument(
        "--store",
        help="the store: a directory or a postgresql:// URI (default: --data-dir, else VSS_STORE)",
    )
    parser.add_argument(
        "--standby",
        action="store_true",
        help="start a PostgreSQL primary and a hot standby (Debian's postgresql) holding a copy "
        "of the store; the replicas read from the standby and write to the primary",
    )
    parser.add_argument("--no-restart", action="store_true", help="report dead replicas only")
    parser.add_argument(
        "--https",
        action="store_true",
        help="browsers reach the proxy over HTTPS (TLS ends at a load balancer in front): "
        "the route cookie is Secure and HSTS is sent",
    )
    args = parser.parse_args()

    # SIGTERM (a service manager stopping us) cleans up like Ctrl-C
    def on_term(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    source = args.store or args.data_dir or vss_store.location()
    try:
        with contextlib.ExitStack() as stack:
            pair = None
            if args.standby:
                if postgres.missing():
                    parser.error(f"--standby: {postgres.missing()}")
                pair = stack.enter_context(standby_store(source))
                source = pair.uri(postgres.WRITER)
            dep = stack.enter_context(
                deployment(
                    args.replicas,
                    args.port,
                    args.host,
                    args.run_dir,
                    None if pair else args.data_dir,
                    restart=not args.no_restart,
                    https=args.https,
                    store=source if pair else args.store,
                )
            )
            if pair is not None:
                for role, srv in (("primary", pair.primary), ("standby", pair.standby)):
                    kill = shlex.join(srv.pg_ctl("-m", "immediate", "stop"))
                    again = shlex.join(srv.pg_ctl(*srv.start_args()))
                    dep.report(
                        f"PostgreSQL {role}: {srv.data} on :{srv.port} (socket {srv.directory}); "
                        f"kill it: {kill}; start it again: {again}"
                    )
            dep.report(f"store: {vss_store.shown(source)}")
            for rep in dep.replicas:
                dep.report(f"replica {rep.name}: {rep.url} (pid {rep.pid}), log {rep.log}")
            dep.report(
                f"nginx: http://{args.host}:{args.port} -> {len(dep.replicas)} replicas; "
                f"config and logs in {dep.run_dir}; Ctrl-C stops"
            )
            while dep.nginx.poll() is None:
                time.sleep(0.5)
            dep.report(f"nginx exited with code {dep.nginx.returncode}; stopping")
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)


if __name__ == "__main__":
    main()
