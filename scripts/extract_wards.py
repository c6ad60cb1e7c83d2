"""Extract province and ward codes from two releases of the `vietnam-provinces` package.

Release 0.6.0 describes the 63 provinces in force until 2025-06-30; release 2025.10.1 the 34
provinces in force from 2025-07-01. Both install under the import name `vietnam_provinces`, so
each is installed into its own throwaway virtual environment under /tmp and queried there.

Run from the repository root (needs `uv` on PATH and access to PyPI):

    .venv/bin/python scripts/extract_wards.py

Writes, under data/reference/:
    provinces_p63_v0.6.0.csv, wards_p63_v0.6.0.csv,
    provinces_p34_v2025.10.1.csv, wards_p34_v2025.10.1.csv
Codes are written as zero-padded strings: provinces 2 digits, wards 5 digits (GSO widths).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "data" / "reference"
PACKAGE = "vietnam-provinces"

# Each snippet runs inside the throwaway environment, whose only third-party package is
# vietnam-provinces, so it sticks to the standard library. argv[1] is the output directory.
SNIPPET_P63 = r"""
import csv, sys
from pathlib import Path
import vietnam_provinces as vp
from vietnam_provinces.enums import DistrictEnum, ProvinceEnum
from vietnam_provinces.enums.wards import WardEnum

out = Path(sys.argv[1])
# 0.6.0 wards only know their district; the district knows its province.
district_to_province = {d.value.code: d.value.province_code for d in DistrictEnum}
provinces = sorted((p.value.code, p.value.name) for p in ProvinceEnum)
wards = sorted((w.value.code, district_to_province[w.value.district_code]) for w in WardEnum)
with open(out / "provinces_p63_v0.6.0.csv", "w", newline="", encoding="utf-8") as fh:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(["code", "name"])
    writer.writerows((f"{code:02d}", name) for code, name in provinces)
with open(out / "wards_p63_v0.6.0.csv", "w", newline="", encoding="utf-8") as fh:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(["ward_code", "province_code"])
    writer.writerows((f"{ward:05d}", f"{prov:02d}") for ward, prov in wards)
print(vp.__version__, "data", vp.__data_version__, len(provinces), "provinces", len(wards), "wards")
"""

SNIPPET_P34 = r"""
import csv, sys
from pathlib import Path
import vietnam_provinces as vp
from vietnam_provinces import Province, Ward

out = Path(sys.argv[1])
provinces = sorted((int(p.code), p.name) for p in Province.iter_all())
wards = sorted((int(w.code), int(w.province_code)) for w in Ward.iter_all())
with open(out / "provinces_p34_v2025.10.1.csv", "w", newline="", encoding="utf-8") as fh:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(["code", "name"])
    writer.writerows((f"{code:02d}", name) for code, name in provinces)
with open(out / "wards_p34_v2025.10.1.csv", "w", newline="", encoding="utf-8") as fh:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(["ward_code", "province_code"])
    writer.writerows((f"{ward:05d}", f"{prov:02d}") for ward, prov in wards)
print(vp.__version__, "data", vp.__data_version__, len(provinces), "provinces", len(wards), "wards")
"""

RELEASES: tuple[tuple[str, str], ...] = (("0.6.0", SNIPPET_P63), ("2025.10.1", SNIPPET_P34))


def run(cmd: list[str]) -> str:
    """Run a command, fail loudly, return its stdout."""
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def extract(version: str, snippet: str, out_dir: Path, keep: bool) -> None:
    """Install one release into a fresh venv under /tmp and run its extraction snippet."""
    uv = shutil.which("uv")
    if uv is None:
        sys.exit("uv is not on PATH")
    venv = Path(tempfile.mkdtemp(prefix=f"vietnam-provinces-{version}-", dir="/tmp"))
    try:
        run([uv, "venv", "--quiet", "--python", "3.11", str(venv)])
        python = str(venv / "bin" / "python")
        run([uv, "pip", "install", "--quiet", "--python", python, f"{PACKAGE}=={version}"])
        print(f"{PACKAGE} {run([python, '-c', snippet, str(out_dir)])}")
    finally:
        if keep:
            print(f"kept {venv}")
        else:
            shutil.rmtree(venv, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    parser.add_argument("--keep-venvs", action="store_true", help="do not delete the venvs")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for version, snippet in RELEASES:
        extract(version, snippet, args.out.resolve(), args.keep_venvs)


if __name__ == "__main__":
    main()
