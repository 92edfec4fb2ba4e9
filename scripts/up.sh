#!/usr/bin/env bash
# Set up SeMap on this machine and run the main job on the embedded store: build, then serve on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
# Source files come from SEMAP_GEODATA_MIRROR when it is set, else they are downloaded (sha256-verified).
if [ -z "${SEMAP_GEODATA_MIRROR:-}" ] && [ -d ../shared/geodata ]; then
  export SEMAP_GEODATA_MIRROR=../shared/geodata
fi
.venv/bin/semap build
exec .venv/bin/semap serve --host "${SEMAP_HOST:-127.0.0.1}" --port "${SEMAP_PORT:-8000}"
