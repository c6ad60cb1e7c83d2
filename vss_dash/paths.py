"""Where the project's files live. The only module that spells out a path on disk."""

from __future__ import annotations

from pathlib import Path

from vss_dash import settings

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "data" / "reference"
ASSETS_GEO_DIR = ROOT / "assets" / "geo"


def store_dir() -> Path:
    """The Parquet store. `VSS_DATA_DIR` points the app, CLI and tests at another store."""
    return Path(settings.env("VSS_DATA_DIR") or ROOT / "data" / "store")
