# SPDX-License-Identifier: MIT
# Shared by the discovery suites: temp dir, bpftool raw dumps (the oracle), the 6.1 lab
# files, and a way to run a command as an unprivileged user.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ORACLE="$ROOT/tests/discover/_oracle.py"
LAB61="$ROOT/.cache/lab/6.1"
T=$(mktemp -d /tmp/st_discover.XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"

# raw_dump FILE OUT: bpftool's raw BTF dump, the independent oracle for types.
raw_dump() { bpftool btf dump file "$1" format raw >"$2" 2>/dev/null; }

# The Debian 6.1 kernel the lab helper extracts (vmlinux + vmlinux.btf); fetched through
# the lab's own script when missing. Returns non-zero when unavailable (tests then skip).
have_lab61() {
  [ -s "$LAB61/vmlinux" ] && [ -s "$LAB61/vmlinux.btf" ] && return 0
  [ -f "$ROOT/tests/lab/_fetch.sh" ] && bash "$ROOT/tests/lab/_fetch.sh" >/dev/null 2>&1
  [ -s "$LAB61/vmlinux" ] && [ -s "$LAB61/vmlinux.btf" ]
}

# can_nobody: the unprivileged user can reach and run the binary at all.
can_nobody() { as_nobody test -x "$ST" 2>/dev/null; }

# oracle_tap: turn the oracle's PASS/FAIL lines into TAP lines.
oracle_tap() {
  local line any=0
  while IFS= read -r line; do
    any=1
    case $line in
      PASS*) ok "${line#PASS }" ;;
      FAIL*) fail "${line#FAIL }" ;;
    esac
  done
  [ $any = 1 ] || fail "oracle produced no verdict"
}

