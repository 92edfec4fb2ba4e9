#!/usr/bin/env bash
# Run SeMap's whole test suite against both stores: the embedded DuckDB file and a real PostGIS.
#
# PostGIS: uses SEMAP_TEST_DATABASE_URL when set; otherwise, on a machine with a local PostgreSQL 15 (trust auth
# on 127.0.0.1:5432), installs the PostGIS package if missing (as root, via apt) and creates `semap_test`.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'
# The OGC API – Features verifier pins its own httpx, pytest and pyarrow: it runs from a virtual environment of
# its own (tests/test_ogc_clients.py), as a client apart from SeMap.
python3 -m venv .venv-ogctests
.venv-ogctests/bin/pip install --quiet --upgrade pip
.venv-ogctests/bin/pip install --quiet 'ogctests==0.1.15'

# Browser tests use Debian's Chromium and ChromeDriver (and a CJK font so Korean renders in screenshots).
missing=""
command -v chromium >/dev/null || missing="$missing chromium"
command -v chromedriver >/dev/null || missing="$missing chromium-driver"
[ -d /usr/share/fonts/opentype/noto ] || missing="$missing fonts-noto-cjk"
command -v pdftoppm >/dev/null || missing="$missing poppler-utils"  # printed maps are read back in the tests
command -v ogrinfo >/dev/null || missing="$missing gdal-bin"  # GDAL: the OGC API client GIS users have (QGIS's)
if [ -n "$missing" ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

if [ -z "${SEMAP_TEST_DATABASE_URL:-}" ]; then
  PGHOST=127.0.0.1 PGPORT=5432 PGUSER="${PGUSER:-postgres}"
  export PGHOST PGPORT PGUSER
  if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
  fi
  if [ ! -f /usr/share/postgresql/15/extension/postgis.control ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-postgis-3 >/dev/null
  fi
  psql -d postgres -qtA -c "SELECT 1 FROM pg_database WHERE datname = 'semap_test'" | grep -q 1 \
    || psql -d postgres -q -c "CREATE DATABASE semap_test"
  psql -d semap_test -q -c "CREATE EXTENSION IF NOT EXISTS postgis"
  export SEMAP_TEST_DATABASE_URL="postgresql+psycopg://${PGUSER}@${PGHOST}:${PGPORT}/semap_test"
fi
export SEMAP_GEODATA_MIRROR="${SEMAP_GEODATA_MIRROR:-$(cd .. && pwd)/shared/geodata}"
export SEMAP_REQUIRE_POSTGIS="${SEMAP_REQUIRE_POSTGIS:-1}"
export SEMAP_REQUIRE_BROWSER="${SEMAP_REQUIRE_BROWSER:-1}"

# Style is checked, not only claimed: lint and format, types, and the layer rule (pyproject.toml).
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
# One worker per core (SEMAP_TEST_WORKERS to change it; 0 runs in this process). A test file stays on one worker:
# its module fixtures are built once.
exec .venv/bin/python -m pytest -n "${SEMAP_TEST_WORKERS:-auto}" --dist loadfile "$@"
