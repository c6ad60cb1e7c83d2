"""Streamlit's `clear_cache` message from a client no longer empties the caches every user shares
(issue 14): sent over a real websocket to a real server, and through the AppSession API."""

from __future__ import annotations

import os
import types
from pathlib import Path

import pytest
import streamlit as st
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from websockets.sync.client import connect

from vss_dash import deck_export, hardening
from vss_dash.paths import ROOT

PROBE = """
import os
import streamlit as st
if os.environ.get("VSS_HARDEN") == "1":
    import vss_dash.hardening  # noqa: F401
@st.cache_data
def expensive():
    with open(os.environ["PROBE_RUNS"], "a") as f:
        f.write("run\\n")
    return 42
st.write(expensive())
"""


def run_script(ws) -> None:
    """Ask for a script run and wait until the server says it finished."""
    ws.send(BackMsg(rerun_script=ClientState()).SerializeToString())
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(ws.recv(timeout=30))
        if msg.WhichOneof("type") == "script_finished":
            return


def runs_after_another_client_clears(tmp_path: Path, harden: bool) -> int:
    """Client A runs the app (the cached function runs once); client B, anonymous, sends
    clear_cache and runs the app; A runs it again. How often did the cached function run?"""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "probe.py").write_text(PROBE, encoding="utf-8")
    runs = tmp_path / "runs.txt"
    env = {"VSS_HARDEN": "1" if harden else "0", "PROBE_RUNS": str(runs),
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    with deck_export.serve("probe.py", tmp_path, log=tmp_path / "server.log", env=env) as base:
        ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
        with connect(ws_url, origin=base) as a, connect(ws_url, origin=base) as b:
            run_script(a)
            b.send(BackMsg(clear_cache=True).SerializeToString())
            run_script(b)
            run_script(a)
    return len(runs.read_text().splitlines())


def test_a_client_cannot_empty_the_shared_caches_over_the_websocket(tmp_path):
    assert runs_after_another_client_clears(tmp_path / "hardened", harden=True) == 1


def test_without_the_patch_it_can(tmp_path):
    """The control: the same exchange against Streamlit as shipped runs the function again, so
    the test above would see the hole if the patch stopped working."""
    assert runs_after_another_client_clears(tmp_path / "plain", harden=False) == 2


def test_the_app_applies_it_first():
    assert hardening.applied()
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    first_vss = next(line for line in source.splitlines() if "vss_dash" in line)
    assert first_vss.startswith("import vss_dash.hardening")


def test_through_the_app_session_api(monkeypatch):
    hardening.apply()
    hardening.apply()  # idempotent: wrapped once
    assert not getattr(AppSession.handle_backmsg.__wrapped__, hardening.MARK, False)
    cleared = []
    monkeypatch.setattr(st.cache_data, "clear", lambda: cleared.append("data"))
    monkeypatch.setattr(st.cache_resource, "clear", lambda: cleared.append("resource"))
    own_state = {"k": 1}
    reruns = []
    session = types.SimpleNamespace(
        _session_state=own_state,
        _handle_rerun_script_request=lambda client_state=None: reruns.append(client_state),
        _handle_clear_cache_request=lambda: AppSession._handle_clear_cache_request(session),
    )
    AppSession.handle_backmsg(session, BackMsg(clear_cache=True))
    assert cleared == [] and own_state == {}  # only the sender's own state
    AppSession.handle_backmsg(session, BackMsg(rerun_script=ClientState()))
    assert len(reruns) == 1  # every other message goes to Streamlit's handler


@pytest.mark.skipif(os.name != "posix", reason="POSIX only")
def test_the_patch_targets_the_installed_streamlit():
    """Streamlit routes clear_cache through AppSession.handle_backmsg (the wrapped method)."""
    import inspect

    source = inspect.getsource(AppSession.handle_backmsg.__wrapped__)
    assert '"clear_cache"' in source


# ---------------------------------------------------------------- uploads


def upload(mgr: MemoryUploadedFileManager, session: str, file_id: str, size: int) -> None:
    mgr.add_file(
        session, UploadedFileRec(file_id=file_id, name="r.xlsx", type="x", data=b"x" * size)
    )


def held(mgr: MemoryUploadedFileManager, session: str) -> list[str]:
    return sorted(mgr.file_storage.get(session, {}))


@pytest.fixture
def mgr(monkeypatch):
    hardening.apply()
    monkeypatch.setattr(hardening, "_uploaders", {"analyst", "other"})
    return MemoryUploadedFileManager("/_stcore/upload_file")


def test_a_session_never_shown_the_uploader_stores_nothing(mgr):
    upload(mgr, "anonymous", "f1", 1000)
    assert held(mgr, "anonymous") == [] and mgr._total_bytes == 0
    upload(mgr, "analyst", "f1", 1000)
    assert held(mgr, "analyst") == ["f1"]


def test_one_file_per_session_within_the_import_limit(mgr):
    upload(mgr, "analyst", "f1", 1000)
    upload(mgr, "analyst", "f2", 2000)  # replaces f1: the uploader holds one file
    assert held(mgr, "analyst") == ["f2"] and mgr._total_bytes == 2000
    upload(mgr, "analyst", "big", hardening.MAX_UPLOAD_BYTES + 1)
    assert held(mgr, "analyst") == ["f2"]


def test_the_server_wide_cap(mgr, monkeypatch):
    monkeypatch.setattr(hardening, "SERVER_UPLOAD_BYTES", 2500)
    upload(mgr, "analyst", "f1", 2000)
    upload(mgr, "other", "f1", 1000)
    assert held(mgr, "other") == [] and mgr._total_bytes == 2000


def test_a_session_that_leaves_frees_its_uploads_and_its_permission(mgr):
    upload(mgr, "analyst", "f1", 1000)
    active = {"analyst": True}
    runtime = types.SimpleNamespace(is_active_session=lambda s: active[s], uploaded_file_mgr=mgr)
    calls = []
    disconnect = hardening._free_uploads_on_disconnect(lambda self, s, **kw: calls.append(s))
    disconnect(runtime, "analyst")  # still connected to a newer client: kept
    assert held(mgr, "analyst") == ["f1"]
    active["analyst"] = False
    disconnect(runtime, "analyst")
    assert calls == ["analyst", "analyst"] and held(mgr, "analyst") == [] and mgr._total_bytes == 0
    upload(mgr, "analyst", "f2", 10)  # a session that left must be shown the uploader again
    assert held(mgr, "analyst") == []


def test_the_upload_patches_target_the_installed_streamlit():
    assert hardening.applied()
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert f"maxUploadSize = {hardening.MAX_UPLOAD_BYTES // 2**20}" in config
    assert "disconnect_session" in vars(Runtime) and "add_file" in vars(MemoryUploadedFileManager)
