#!/bin/bash
# SPDX-License-Identifier: MIT
# The Python layer's tests (pytest, tests/python/test_*.py) as TAP lines for tests/run.sh:
# every pytest test is one "ok N - file::test" / "not ok N - ..." / "ok N - # SKIP ...".
# Needs `make python` (tests/run.sh's test-deps build it); pytest from apt (python3-pytest).
cd "$(dirname "$0")/../.."
. tests/lib.sh
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
if [ ! -e "$ROOT/$B/python/.stamp" ]; then fail "python: $B/python not built (make python)"; tap_done; exit; fi
if ! "$PY" -c 'import pytest' 2>/dev/null; then skip "python: pytest missing (apt-get install python3-pytest)"; tap_done; exit; fi
xml=$(mktemp --suffix=.xml)
trap 'rm -f "$xml"' EXIT
PYTHONPATH="$ROOT/$B/python" ST_BUILD="$ROOT/$B" "$PY" -m pytest -q -p no:cacheprovider \
  --junitxml="$xml" tests/python "$@" >&2
"$PY" tests/python/_junit_tap.py "$xml"
