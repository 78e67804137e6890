#!/bin/bash
# SPDX-License-Identifier: MIT
# Arguments at func+off come from the binary's DWARF location lists, not from the entry
# registers. Fixture tests/fixtures/argmove.c, built here with -O2 -g: after st_moved's first
# call, its first argument has left %di. The offset of the instruction after that call comes
# from objdump (an independent disassembler); the values traced there must equal what the
# program passed (its own output). The same DWARF code serves kernel probes with --vmlinux:
# -S with the fixture as "vmlinux" (its BTF from btfgen) must place the arguments alike.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "uprobe offsets: needs root, tracefs and $ST"
	tap_done; exit 0
fi
N=4
# live OPT: build the fixture with -g OPT, probe st_moved after its first call (objdump's
# address of the next instruction), compare with the program's own output. Sets BIN, OFF,
# EXPR, got, want for the checks after it.
live() {
	BIN=$LIVE_TMP/argmove$1
	if ! gcc "$1" -g -o "$BIN" "$ROOT/tests/fixtures/argmove.c"; then
		fail "cannot build the fixture with $1"; return 1
	fi
	read -r start after < <(objdump -d --no-show-raw-insn "$BIN" | awk '
		/<st_moved>:$/ { s = $1; f = 1; next }
		f && /call/ { getline; sub(":", "", $1); print s, $1; exit }')
	if [ -z "$after" ]; then
		fail "no call in st_moved (objdump, $1)"; return 1
	fi
	OFF=$((0x$after - 0x$start))
	EXPR="P $BIN:st_moved+$OFF a=%0 x=%1->x y=\$p->y"
	got= want=x
	st_bg "$LIVE_TMP/o" "$LIVE_TMP/e" -q "$EXPR"
	if wait_ready $ST_PID; then
		"$BIN" $N >"$LIVE_TMP/truth"
		stop_wait $ST_PID INT
		want=$(awk '{ printf "a=%s x=%s y=%s\n", $1, $2, $3 }' "$LIVE_TMP/truth")
		got=$(grep ' p0: ' "$LIVE_TMP/o" | sed 's/.*) //')
		check "$1 st_moved+$OFF ($("$ST" -S "$EXPR" | cut -d' ' -f3- | tr '\n' ' ')): a, p->x, \$p->y equal what the program passed ($N calls)" [ "$got" = "$want" ]
		[ "$got" = "$want" ] || { echo "# want: $(echo $want)"; echo "# got:  $(echo $got)"; head -2 "$LIVE_TMP/e" | sed 's/^/# /'; }
		check "$1 run exits 0" [ "$ST_RC" -eq 0 ]
	else
		fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e")"
	fi
	check "$1 group and instance of the run removed" [ ! -d "$TRACEFS/instances/surftrace_$ST_PID" \
		-a -z "$(grep "surftrace_$ST_PID/" "$TRACEFS/uprobe_events")" ]
}
# -O0: arguments spilled to the frame (DW_OP_fbreg from the CFA of the call frame info)
live -O0
# -O2: the first argument moved to another register; runs last, the checks below use it
live -O2 || { tap_done; exit 1; }

# The kernel path, on the same DWARF: --vmlinux FILE with types from btfgen of FILE.
uprobe=$("$ST" -S "$EXPR" | sed 's/^[^ ]* [^ ]* //')
if "$ST" btfgen "$BIN" -o "$LIVE_TMP/argmove.btf" >/dev/null 2>&1; then
	kprobe=$("$ST" -S --btf "$LIVE_TMP/argmove.btf" --vmlinux "$BIN" \
		"p st_moved+$OFF a=%0 x=%1->x y=\$p->y" | sed 's/^[^ ]* [^ ]* //')
	# (the uprobe's placement is the one the live run above proved right)
	check "kprobe at +$OFF with --vmlinux places them as the proven uprobe does ($kprobe)" \
		[ -n "$kprobe" -a "$kprobe" = "$uprobe" -a "$got" = "$want" ]
	err=$("$ST" -S --btf "$LIVE_TMP/argmove.btf" "p st_moved+$OFF a=%0" 2>&1); rc=$?
	check "kprobe at +$OFF without DWARF refused, suggesting a register and -F" \
		[ $rc -eq 2 -a -n "$(grep "column 17: at st_moved+$OFF .*read a register (%.*surftrace -F st_moved" <<<"$err")" ]
else
	skip "btfgen unavailable"; skip "btfgen unavailable"
fi
tap_done
