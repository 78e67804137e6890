#!/bin/bash
# SPDX-License-Identifier: MIT
# Uprobe offsets (issue 15 item 2): a uprobe in the middle of an instruction corrupts the
# traced program. Every byte offset of insn_mix() (and past its end) is tried: objdump's
# instruction starts (an independent oracle) must be accepted at the right file offset and,
# all probed at once, leave the program alive with its output byte for byte the same and
# every call traced; every other offset must be refused naming the neighbouring starts,
# and a live run of it must write nothing and leave the program alive. The raw form
# BINARY:0xADDR stays unchecked on purpose. Only our own paths are checked in tracefs.
# Kernel probes: p FUNC+off past FUNC's kallsyms extent is refused (translation only here).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "uprobe offsets: needs root, tracefs and $ST"
	tap_done; exit 0
fi
BIN=$LIVE_TMP/insn
if ! cc -g -O1 -o "$BIN" "$ROOT/tests/live/insn_target.c"; then
	fail "cannot build the target program"
	tap_done; exit 1
fi
UE=$TRACEFS/uprobe_events
N=5
F=insn_mix
ours() { grep -aF "$LIVE_TMP" "$UE"; }

# Oracle: symbol value and size from nm -S, instruction starts from objdump -d.
read -r vaddr size < <(nm -S "$BIN" | awk -v f=$F '$4 == f { print $1, $2 }')
vaddr=$((16#$vaddr)); size=$((16#$size))
mapfile -t starts < <(objdump -d --no-show-raw-insn "$BIN" |
	awk -v f="<$F>:" '$2 == f { on = 1; next } on && /^$/ { exit }
		on { sub(":", "", $1); print $1 }' | while read -r a; do echo $((16#$a - vaddr)); done)
# file offset of the symbol: value - p_vaddr + p_offset of its PT_LOAD (readelf -l)
fbase=
while read -r _ o va _ _ m _; do
	if [ $vaddr -ge $((o * 0 + va)) ] && [ $vaddr -lt $((va + m)) ]; then
		fbase=$((vaddr - va + o)); break
	fi
done < <(readelf -lW "$BIN" | awk '$1 == "LOAD"')
expect "oracle: $F has $size bytes and ${#starts[@]} instructions" \
	'[ "$size" -gt 20 ] && [ "${#starts[@]}" -gt 8 ] && [ -n "$fbase" ]'
is_start() { local s; for s in "${starts[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
prev_next() { # k -> "prev next" starts around k
	local s p=0 n=$size
	for s in "${starts[@]}"; do
		[ "$s" -lt "$1" ] && p=$s
		[ "$s" -gt "$1" ] && [ "$n" = "$size" ] && n=$s
	done
	echo "$p $n"
}

"$BIN" $N >"$LIVE_TMP/want" || fail "target fails without probes"

# 1. Every byte and a few past the end: accepted exactly at the starts, refused elsewhere.
accepted=() bad_acc=0 bad_ref=0 bad_msg=0
for k in $(seq 0 $((size + 2))) 4096; do
	out=$("$ST" -S "P $BIN:$F+$k" 2>"$LIVE_TMP/err"); rc=$?
	if [ $k -lt $size ] && is_start $k; then
		want=$(printf '%s:0x%x' "$BIN" $((fbase + k)))
		if [ $rc -eq 0 ] && [ "$out" = "p:p0 $want" ]; then
			accepted+=("P $BIN:$F+$k")
		else
			bad_acc=$((bad_acc + 1)); echo "# +$k: start refused or misplaced: $out $(cat "$LIVE_TMP/err")"
		fi
	elif [ $rc -eq 0 ]; then
		bad_ref=$((bad_ref + 1)); echo "# +$k: accepted in the middle of an instruction: $out"
	elif [ $k -ge $size ]; then
		grep -q "$F+$k is outside $F ($size bytes" "$LIVE_TMP/err" ||
			{ bad_msg=$((bad_msg + 1)); echo "# +$k: $(cat "$LIVE_TMP/err")"; }
	else
		read -r p n < <(prev_next $k)
		grep -q "$F+$k is inside an instruction: the nearest instructions start at $F+$p and $F+$n" "$LIVE_TMP/err" ||
			{ bad_msg=$((bad_msg + 1)); echo "# +$k: $(cat "$LIVE_TMP/err")"; }
	fi
done
check "every instruction start of $F accepted at its file offset" [ $bad_acc -eq 0 ]
check "no offset inside an instruction or past the end accepted" [ $bad_ref -eq 0 ]
check "each refusal names the neighbouring instruction starts (or the size)" [ $bad_msg -eq 0 ]

# 2. All accepted offsets probed at once: the program is unharmed and every call is seen
#    at every probe.
st_bg "$LIVE_TMP/o2" "$LIVE_TMP/e2" "${accepted[@]}"
if wait_ready $ST_PID; then
	"$BIN" $N >"$LIVE_TMP/got2"; prc=$?
	stop_wait $ST_PID INT
	check "probed at all ${#accepted[@]} starts: program exits 0" [ $prc -eq 0 ]
	check "probed at all starts: output byte for byte as without probes" cmp -s "$LIVE_TMP/want" "$LIVE_TMP/got2"
	short=0
	for ((i = 0; i < ${#accepted[@]}; i++)); do
		c=$(grep -c " p$i: " "$LIVE_TMP/o2")
		# the loop body runs several times per call; entry and straight code once
		[ "$c" -ge $N ] || { short=$((short + 1)); echo "# ${accepted[$i]}: $c hits"; }
	done
	check "every probe hit at least once per call" [ $short -eq 0 ]
else
	fail "run with all starts never became ready: $(head -2 "$LIVE_TMP/e2")"
	kill $ST_PID 2>/dev/null; wait $ST_PID
fi
check "nothing of ours left in uprobe_events" [ -z "$(ours)" ]

# 3. Live runs of offsets inside instructions (and past the end): refused before any
#    write, and the program run meanwhile stays alive and intact.
for k in 1 2 $((starts[1] + 1)) $((size - 1 + 0)) $size 4096; do
	is_start $k && continue
	st_bg "$LIVE_TMP/o3" "$LIVE_TMP/e3" -t 3 "P $BIN:$F+$k"
	wait_ready $ST_PID
	"$BIN" $N >"$LIVE_TMP/got3"; prc=$?
	kill -INT $ST_PID 2>/dev/null; wait $ST_PID; rc=$?
	expect "live $F+$k: refused (rc $rc), program alive (rc $prc) and intact, nothing written" \
		'[ $rc -ne 0 ] && [ $prc -eq 0 ] && cmp -s "$LIVE_TMP/want" "$LIVE_TMP/got3" && [ -z "$(ours)" ]'
done

# 4. The raw form is explicit and unchecked: BINARY:0xADDR at an instruction start traces.
raw=$(printf '0x%x' $((vaddr + starts[2])))
out=$("$ST" -S "P $BIN:$raw")
check "raw BINARY:0xADDR maps to the same file offset" [ "$out" = "p:p0 $(printf '%s:0x%x' "$BIN" $((fbase + starts[2])))" ]
out=$("$ST" -S "P $BIN:$(printf '0x%x' $((vaddr + 1)))" 2>&1)
check "raw BINARY:0xADDR is not checked (documented escape hatch)" [ $? -eq 0 ]

# 5. Kernel probes get the "inside the symbol" half (the kernel checks instruction starts
#    itself): p FUNC+off at or past the next text symbol of /proc/kallsyms is refused at
#    translation. Oracle: the kallsyms addresses sorted here (16-digit hex sorts as text).
addr=$(grep -E ' [tT] do_filp_open$' /proc/kallsyms | cut -d' ' -f1 | head -1)
next=$(grep -E ' [tT] ' /proc/kallsyms | cut -d' ' -f1 | sort -u | grep -A1 -x "$addr" | tail -1)
if [ -n "$addr" ] && [ "$addr" != 0000000000000000 ] && [ "$next" != "$addr" ]; then
	ksize=$((16#$next - 16#$addr))
	"$ST" -S "p do_filp_open+$ksize" >/dev/null 2>"$LIVE_TMP/ek"; rc=$?
	expect "kprobe do_filp_open+$ksize (its kallsyms extent) refused at translation" \
		'[ $rc -eq 2 ] && grep -q "do_filp_open+$ksize is outside do_filp_open ($ksize bytes" "$LIVE_TMP/ek"'
	out=$("$ST" -S "p do_filp_open+$((ksize - 1))" 2>&1)
	check "kprobe do_filp_open+$((ksize - 1)) passes on to the kernel's own check" [ "$out" = "p:p0 do_filp_open+$((ksize - 1))" ]
else
	skip "kallsyms addresses hidden here"
fi
tap_done
