#!/bin/bash
# SPDX-License-Identifier: MIT
# Uprobe binary paths that could inject into uprobe_events (issue 15 item 1). The kernel
# takes one command per line, splits on whitespace and ends a command at '#'; a resolved
# path holding such bytes must be refused (live, -S and -o alike) with one line naming it,
# and nothing may reach uprobe_events. Paths with shell specials the kernel does accept
# (quotes, '$', ';', ':') must work live and through the -o script run by dash, with the
# traced program alive and its output intact. Only our own paths and groups are checked.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "hostile paths: needs root, tracefs and $ST"
	tap_done; exit 0
fi
if ! build_target; then
	fail "cannot build the target program"
	tap_done; exit 1
fi
UE=$TRACEFS/uprobe_events
EVIL=evil_$$                       # the group an injection would create
off=$(printf '0x%x' $((0x$(nm "$TARGET" | awk '$3 == "st_target" { print $1 }'))))

# Lines of uprobe_events that are ours: the injected group or any path under our dir.
ours() { grep -aE "^[pr]:$EVIL/|$LIVE_TMP" "$UE"; }
remove_ours() {
	ours | sed -E 's/^[pr]:([^ ]+) .*/-:\1/' | while read -r l; do echo "$l" >>"$UE"; done
}
trap 'remove_ours; live_cleanup' EXIT


# refused NAME LINK: live, -S and -o must all refuse the path behind LINK with one line
# naming it (escaped), exit non-zero, and leave nothing of ours in uprobe_events.
refused() {
	local name=$1 link=$2 rc lines
	timeout 10 "$ST" -t 0.5 "P $link:st_target a=%0" >"$LIVE_TMP/o" 2>"$LIVE_TMP/e"
	rc=$?
	# one error line (a caret line under the expression may follow), the path escaped
	lines=$(grep -c "error:" "$LIVE_TMP/e")
	expect "$name: live run refused (rc $rc) with one line naming the path" \
		'[ $rc -ne 0 ] && [ $rc -ne 124 ] && [ "$lines" -eq 1 ] && grep -q "error: .*binary path .$LIVE_TMP/" "$LIVE_TMP/e" && ! grep -q "^p:$EVIL" "$LIVE_TMP/e"'
	"$ST" -S "P $link:st_target" >/dev/null 2>"$LIVE_TMP/e"
	rc=$?
	expect "$name: -S refused" '[ $rc -ne 0 ] && grep -q "binary path" "$LIVE_TMP/e"'
	rm -f "$LIVE_TMP/s.sh"
	"$ST" -o "$LIVE_TMP/s.sh" "P $link:st_target" >/dev/null 2>"$LIVE_TMP/e"
	rc=$?
	expect "$name: -o refused, no script" \
		'[ $rc -ne 0 ] && [ ! -e "$LIVE_TMP/s.sh" ] && grep -q "binary path" "$LIVE_TMP/e"'
	check "$name: nothing of ours in uprobe_events" [ -z "$(ours)" ]
	remove_ours
}

# 1. The reproduction: a directory named "q:OFF<newline>p:EVIL/x TARGET:OFF #" next to a
#    real binary q, reached through an innocent-looking link.
cp "$TARGET" "$LIVE_TMP/q"
D="$LIVE_TMP/q:$off"$'\n'"p:$EVIL/x $TARGET:$off #"
mkdir -p "$D" && cp "$TARGET" "$D/t" && ln -s "$D/t" "$LIVE_TMP/innocent"
refused "newline injection through a link" "$LIVE_TMP/innocent"

# 2. Generated hostile names: each byte class the kernel or dash would misread, in the
#    middle of a directory name and at the end of the file name.
i=0
for c in $'\n' $'\t' ' ' '#' '\' $'\r' $'\v' $'\x01' $'\x7f' $'\xff' $'\xa0' $'\xc3\xa9'; do
	i=$((i + 1))
	desc=$(printf '%q' "$c")
	mkdir -p "$LIVE_TMP/d$i${c}x" && cp "$TARGET" "$LIVE_TMP/d$i${c}x/t"
	ln -s "$LIVE_TMP/d$i${c}x/t" "$LIVE_TMP/l$i"
	refused "dir with $desc" "$LIVE_TMP/l$i"
	cp "$TARGET" "$LIVE_TMP/f$i${c}"
	ln -s "$LIVE_TMP/f$i${c}" "$LIVE_TMP/m$i"
	refused "file name ending in $desc" "$LIVE_TMP/m$i"
done

# 3. Shell specials the kernel accepts: a live run and the -o script under dash trace the
#    program exactly (no echo expansion, quoting intact) and leave nothing behind.
S="$LIVE_TMP/ok'\$(>$LIVE_TMP/pwned);\"a:b\`%s\`~!&|<>*?[]{}=,"
mkdir -p "$S" && cp "$TARGET" "$S/t"
want_args() { awk '{ printf "a=%s b=%s\n", $1, $2 }' "$1"; }
got() { grep " p0: " "$1" | sed 's/.*) //'; }
st_bg "$LIVE_TMP/o3" "$LIVE_TMP/e3" "P $S/t:st_target a=%0 b=%1"
if wait_ready $ST_PID; then
	check "live: uprobe_events names the path exactly" \
		grep -qF "p:surftrace_$ST_PID/p0 $S/t:0x$(printf '%016x' $off) a=" "$UE"
	"$S/t" 4 >"$LIVE_TMP/prog3"; prc=$?
	stop_wait $ST_PID INT
	expect "live: target exited 0 with its 4 lines" '[ $prc -eq 0 ] && [ "$(wc -l <"$LIVE_TMP/prog3")" -eq 4 ]'
	check "live: traced what the program passed" [ "$(got "$LIVE_TMP/o3")" = "$(want_args "$LIVE_TMP/prog3")" ]
else
	fail "live run on a path with shell specials never became ready: $(head -2 "$LIVE_TMP/e3")"
	kill $ST_PID 2>/dev/null; wait $ST_PID
fi
check "live: nothing of ours left" [ -z "$(ours)" ]

"$ST" -o "$LIVE_TMP/ok.sh" "P $S/t:st_target a=%0 b=%1 f:a>=0" 2>"$LIVE_TMP/e4"
check "-o: script written" [ $? -eq 0 ]
expect "-o: no echo in the script's definition or filter writes" \
	'[ -s "$LIVE_TMP/ok.sh" ] && ! grep -qE "^\s*echo .*(_events|/filter)" "$LIVE_TMP/ok.sh"'
mkfifo "$LIVE_TMP/f4"
cat "$LIVE_TMP/f4" >"$LIVE_TMP/o4" & catp=$!
dash "$LIVE_TMP/ok.sh" >"$LIVE_TMP/f4" 2>"$LIVE_TMP/e4" & sp=$!
if wait_ready $sp; then
	check "-o: uprobe_events names the path exactly" \
		grep -qF "p:surftrace_$sp/p0 $S/t:0x$(printf '%016x' $off) a=" "$UE"
	"$S/t" 3 >"$LIVE_TMP/prog4"; prc=$?
	# The script reads trace_pipe and stops at once on TERM (unread lines are dropped, as
	# with trace_pipe itself): give its reader up to 5 s to pass the 3 lines on first.
	for _ in $(seq 50); do
		[ "$(got "$LIVE_TMP/o4" | wc -l)" -ge 3 ] && break
		sleep 0.1
	done
	kill -TERM $sp; wait $sp; wait $catp
	expect "-o: target exited 0 with its 3 lines" '[ $prc -eq 0 ] && [ "$(wc -l <"$LIVE_TMP/prog4")" -eq 3 ]'
	check "-o: script traced what the program passed" [ "$(got "$LIVE_TMP/o4")" = "$(want_args "$LIVE_TMP/prog4")" ]
else
	fail "-o script never became ready: $(head -2 "$LIVE_TMP/e4")"
	kill $sp 2>/dev/null; wait $sp; wait $catp
fi
check "-o: nothing of ours left" [ -z "$(ours)" ]
check "no command substitution ran" [ ! -e "$LIVE_TMP/pwned" ]
tap_done
