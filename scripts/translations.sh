#!/usr/bin/env bash
# The interface catalogues (semap/locale/<lang>/LC_MESSAGES/semap.po) brought up to date with the code, and compiled.
#
#   bash scripts/translations.sh   # extract the messages (babel.cfg), add new ones to ko and en, compile the .mo
#
# Then write the Korean of every new message (empty msgstr) in semap/locale/ko/LC_MESSAGES/semap.po (English may
# stay empty: the message itself is English) and run the script again to compile. tests/test_i18n.py checks it all.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel="${PYBABEL:-.venv/bin/pybabel}"
pot="$(mktemp --suffix=.pot)"
trap 'rm -f "$pot"' EXIT
# Stable files that merge well: no source locations, sorted, unwrapped, the header's dates left alone.
"$pybabel" -q extract -F babel.cfg -o "$pot" --no-location --sort-output --no-wrap --project SeMap --version 0.1 .
"$pybabel" -q update -i "$pot" -d semap/locale -D semap --no-wrap --no-fuzzy-matching --ignore-obsolete \
  --ignore-pot-creation-date
"$pybabel" compile -d semap/locale -D semap --statistics
