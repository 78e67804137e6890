#!/bin/bash
# SPDX-License-Identifier: MIT
# Answers with known values: exact counts, log2/linear histograms, sum/min/max/avg,
# latency, intervals, folded stacks and SVG flame graphs, on a workload this suite builds
# (tests/answers/workload.c). Every number is checked against ground truth the suite
# computes itself AND against bpftrace's count()/hist()/lhist() on the same workload in the
# same run (bpftrace starts the workload with -c once its probes are attached; surftrace
# is ready before that, so both see every call).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../live/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "answers: needs root, tracefs and $ST"
	tap_done; exit 0
fi
# A comm of our own (other suites run loops too): stagg<pid>, <= 15 chars.
WNAME=stagg$$
WL=$LIVE_TMP/$WNAME
if ! cc -g -O1 -fno-omit-frame-pointer -o "$WL" "$ROOT/tests/answers/workload.c"; then
	fail "cannot build the workload"
	tap_done; exit 1
fi
have_bpftrace() { command -v bpftrace >/dev/null 2>&1; }

# bpft OUT PROGRAM COMMAND: bpftrace runs COMMAND once attached; its maps go to OUT.
bpft() { bpftrace -e "$2" -c "$3" >"$1" 2>"$1.err"; }
# block NAME FILE: the lines of map NAME (a histogram) without its "@NAME: " header.
block() { awk -v h="@$1: " '$0 == h { on = 1; next } on && /^$/ { exit } on' "$2"; }
# rows: histogram lines as "LABEL COUNT".
rows() { sed -E 's/ +([0-9]+) \|.*$/ \1/'; }
# start ARGS...: surftrace in the background, ready (events enabled) or fail.
RUNS=
start() { st_bg "$LIVE_TMP/out" "$LIVE_TMP/err" -q "$@"; RUNS="$RUNS $ST_PID"; wait_ready $ST_PID "${READY_EV:-}"; }
finish() { stop_wait $ST_PID INT; }

# 1. Exact count: getppid 300,000 times -> exactly 300000 for our comm, as bpftrace counts.
N=300000
READY_EV=syscalls/sys_enter_getppid
if start --count comm 'e syscalls/sys_enter_getppid'; then
	if have_bpftrace; then
		bpft "$LIVE_TMP/bt1" "tracepoint:syscalls:sys_enter_getppid /comm == \"$WNAME\"/ { @[comm] = count(); }" "$WL loop $N"
	else
		"$WL" loop $N
	fi
	finish
	got=$(awk -v k="@count[$WNAME]:" '$1 == k { print $2 }' "$LIVE_TMP/out")
	check "count: getppid x $N shows exactly $N for comm $WNAME (got '$got')" [ "$got" = "$N" ]
	[ "$got" = "$N" ] || grep -v '^$' "$LIVE_TMP/out" | tail -5 | sed 's/^/# /'
	expect "count: exit status 0 and nothing lost" \
		'[ "$ST_RC" = 0 ] && ! grep -q lost "$LIVE_TMP/err"'
	if have_bpftrace; then
		bt=$(awk -v k="@[$WNAME]:" '$1 == k { print $2 }' "$LIVE_TMP/bt1")
		check "count: bpftrace count() on the same loop agrees ($bt)" [ "$bt" = "$got" ]
	else
		skip "bpftrace not installed"
	fi
else
	fail "surftrace --count never became ready: $(head -3 "$LIVE_TMP/err")"
fi
READY_EV=

# 2. log2 and linear histograms of 1..1000 through a uprobe; sum/min/max/avg.
# Ground truth: bucket k holds [2^k, 2^(k+1)) of 1..1000.
truth_hist=$(awk 'function lab(p) { return (p >= 10 ? 2^(p-10) "K" : 2^p) }
	BEGIN { for (v = 1; v <= 1000; v++) { k = int(log(v)/log(2) + 1e-9); c[k]++ }
		for (k = 0; k <= 9; k++) print (k == 0 ? "[1]" : "[" lab(k) ", " lab(k+1) ")"), c[k] }')
truth_lhist=$(awk 'BEGIN { for (v = 1; v <= 1000; v++) { if (v >= 1000) o++; else c[int(v/100)]++ }
	for (i = 0; i < 10; i++) print "[" i*100 ", " (i+1)*100 ")", c[i]; print "[1000, ...)", o }')
if start --hist v --lhist v,0,1000,100 --sum v --min v --max v --avg v "P $WL:agg_value v=%0"; then
	if have_bpftrace; then
		bpft "$LIVE_TMP/bt2" "uprobe:$WL:agg_value { @h = hist(arg0); @l = lhist(arg0, 0, 1000, 100); @s = sum(arg0); @mn = min(arg0); @mx = max(arg0); @a = avg(arg0); }" "$WL values 1000"
	else
		"$WL" values 1000
	fi
	finish
	mine=$(block hist_v "$LIVE_TMP/out")
	check "hist: log2 buckets of 1..1000 equal the computed ones" \
		[ "$(echo "$mine" | rows)" = "$truth_hist" ]
	check "lhist: linear buckets of 1..1000 equal the computed ones" \
		[ "$(block lhist_v "$LIVE_TMP/out" | rows)" = "$truth_lhist" ]
	for kv in sum_v:500500 min_v:1 max_v:1000 avg_v:500; do
		got=$(awk -v k="@${kv%%:*}:" '$1 == k { print $2 }' "$LIVE_TMP/out")
		check "${kv%%:*} of 1..1000 is ${kv#*:} (got '$got')" [ "$got" = "${kv#*:}" ]
	done
	if have_bpftrace; then
		check "hist: identical to bpftrace's hist() lines" \
			[ "$mine" = "$(block h "$LIVE_TMP/bt2")" ]
		check "lhist: identical to bpftrace's lhist() lines" \
			[ "$(block lhist_v "$LIVE_TMP/out")" = "$(block l "$LIVE_TMP/bt2")" ]
		val() { awk -v k="@$1:" '$1 == k { print $2 }' "$2"; }
		bt="$(val s "$LIVE_TMP/bt2") $(val mn "$LIVE_TMP/bt2") $(val mx "$LIVE_TMP/bt2") $(val a "$LIVE_TMP/bt2")"
		st="$(val sum_v "$LIVE_TMP/out") $(val min_v "$LIVE_TMP/out") $(val max_v "$LIVE_TMP/out") $(val avg_v "$LIVE_TMP/out")"
		check "sum/min/max/avg equal bpftrace's ($bt)" [ "$bt" = "$st" ]
	else
		skip "bpftrace not installed"
	fi
else
	fail "surftrace --hist never became ready: $(head -3 "$LIVE_TMP/err")"
fi

# 3. --by and --top: values 1..1000 by v % ... is not an expression; use the pid and comm.
if start --count comm --top 1 "P $WL:agg_value"; then
	"$WL" values 100
	finish
	if [ "$(grep -c '^@count' "$LIVE_TMP/out")" = 1 ] && grep -qx "@count\[$WNAME\]: 100" "$LIVE_TMP/out"; then ok "--top 1 prints one entry: our comm with 100"; else fail "--top 1 prints one entry: our comm with 100"; fi
else
	fail "surftrace --top never became ready"
fi
if start --sum v --by comm "P $WL:agg_value v=%0"; then
	"$WL" values 100
	"$WL" values 10
	finish
	check "--sum v --by comm adds both runs: 5050 + 55" grep -qx "@sum_v\[$WNAME\]: 5105" "$LIVE_TMP/out" ||
		grep "^@" "$LIVE_TMP/out" | sed "s/^/# /"
else
	fail "surftrace --by never became ready"
fi

# 3b. -c CMD: the command starts once everything counts, its end ends the run (bpftrace
# -c): exactly its 1000 calls, its exit status.
"$ST" -q --count comm -c "$WL values 1000" "P $WL:agg_value" >"$LIVE_TMP/oc" 2>"$LIVE_TMP/ec"; rc=$?
expect "-c: exit 0 and exactly 1000 for the command's comm" \
	'[ $rc = 0 ] && grep -qx "@count\[$WNAME\]: 1000" "$LIVE_TMP/oc"'
# a command that is over before the start line: its calls still all count
"$ST" -q --count comm -c "$WL values 3" "P $WL:agg_value" >"$LIVE_TMP/oc" 2>"$LIVE_TMP/ec"; rc=$?
expect "-c of a command that ends at once: exactly 3, nothing cut short" \
	'[ $rc = 0 ] && grep -qx "@count\[$WNAME\]: 3" "$LIVE_TMP/oc" && ! grep -q "cut short" "$LIVE_TMP/ec"'

# 3c. comm keys of trace events for tasks that exit at once: the workload forks and execs
# 40 short tasks named after the suite (a copy of /bin/true), each calls exit_group; every
# one is counted under its own name, as bpftrace's comm (bpf_get_current_comm) names it,
# none as "<...>" or as the workload that forked it (the reader learns names from
# task_newtask/task_rename).
TN=sttrue$$
cp /bin/true "$LIVE_TMP/$TN"
"$ST" -q --count comm -c "$WL spawn 40 $LIVE_TMP/$TN" \
	'e syscalls/sys_enter_exit_group' >"$LIVE_TMP/o3c" 2>"$LIVE_TMP/e3c" & c3c=$!
RUNS="$RUNS $c3c"; wait $c3c; rc=$?
if [ $rc = 0 ] && grep -qx "@count\[$TN\]: 40" "$LIVE_TMP/o3c" && ! grep -qF '<...>' "$LIVE_TMP/o3c"; then ok "trace event comm keys of 40 exited tasks: all 40 named $TN ($(grep '^@' "$LIVE_TMP/o3c" | tr '\n' ' '))"; else fail "trace event comm keys of 40 exited tasks: all 40 named $TN ($(grep '^@' "$LIVE_TMP/o3c" | tr '\n' ' '))"; fi
if have_bpftrace; then
	bpft "$LIVE_TMP/bt3c" "tracepoint:syscalls:sys_enter_exit_group /comm == \"$TN\"/ { @[comm] = count(); }" \
		"$WL spawn 40 $LIVE_TMP/$TN"
	check "bpftrace counts the same 40 (oracle: $(grep '^@' "$LIVE_TMP/bt3c" | tr '\n' ' '))" grep -qx "@\[$TN\]: 40" "$LIVE_TMP/bt3c"
else
	skip "bpftrace not installed"
fi

# 4. Latency: agg_sleep(20 ms) x 8 through uprobe + uretprobe. Every duration is >= 20 ms
# (so in [16M, 32M) unless the machine stalls), 8 in total, as bpftrace measures.
M=8
if start --latency "P $WL:agg_sleep" "R $WL:agg_sleep"; then
	if have_bpftrace; then
		bpft "$LIVE_TMP/bt4" "uprobe:$WL:agg_sleep { @s[tid] = nsecs; } uretprobe:$WL:agg_sleep /@s[tid]/ { @ns = hist(nsecs - @s[tid]); delete(@s[tid]); }" "$WL sleep 20 $M"
	else
		"$WL" sleep 20 $M
	fi
	finish
	lat=$(block latency_ns "$LIVE_TMP/out")
	total=$(echo "$lat" | rows | awk '{ n += $NF } END { print n+0 }')
	first=$(echo "$lat" | head -1 | awk '{ print $1 $2 }')
	# >= 16M: [16M, 32M) unless the machine stalled the sleeper
	at_least_16m() { case $1 in "[16M,32M)"|"[32M,64M)"|"[64M,128M)"|"[128M,256M)") return 0;; esac; return 1; }
	check "latency: $M durations (got $total)" [ "$total" = "$M" ]
	check "latency: none below 16M ns (first bucket $first)" at_least_16m "$first"
	if have_bpftrace; then
		bt=$(block ns "$LIVE_TMP/bt4")
		btt=$(echo "$bt" | rows | awk '{ n += $NF } END { print n+0 }')
		if [ "$btt" = "$M" ] && at_least_16m "$(echo "$bt" | head -1 | awk '{ print $1 $2 }')"; then ok "latency: bpftrace's hist() also has $M, none below 16M"; else fail "latency: bpftrace's hist() also has $M, none below 16M"; fi
	else
		skip "bpftrace not installed"
	fi
else
	fail "surftrace --latency never became ready: $(head -3 "$LIVE_TMP/err")"
fi

# 5. Intervals: --json -i 0.3 prints one object per interval, cleared each time; the
# counts over all intervals add up to the calls made.
if start --json -i 0.3 --count comm "P $WL:agg_value"; then
	for i in 1 2 3 4; do "$WL" values 250; sleep 0.3; done
	finish
	objs=$(grep -c '^{"interval":' "$LIVE_TMP/out")
	sum=$(python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert o["v"] == 1
    for a in o["aggregates"]:
        for d in a["data"]:
            if d["key"] == [sys.argv[2]]:
                n += d["value"]
print(n)' "$LIVE_TMP/out" "$WNAME" 2>&1)
	check "-i: several JSON objects ($objs), each one valid JSON" [ "$objs" -ge 3 ]
	check "-i: counts over the intervals add up to 1000 (got $sum)" [ "$sum" = 1000 ]
else
	fail "surftrace -i never became ready"
fi

# 6. Folded stacks and the SVG flame graph of kernel stacks (-s) of our getppid loop.
READY_EV=syscalls/sys_enter_getppid
# (keyed by pid: a trace event has no comm of its own, and on a loaded machine the task
# may be gone and out of saved_cmdlines before its events are read)
if start -s --count pid,stack --folded --svg "$LIVE_TMP/f.svg" 'e syscalls/sys_enter_getppid'; then
	"$WL" loop 2000 & wpid=$!
	wait $wpid
	finish
	mine=$(grep "^$wpid;" "$LIVE_TMP/out")
	check "folded: 'pid;root;..;leaf count' lines for our loop" [ -n "$mine" ]
	check "folded: counts of our pid add up to 2000" \
		[ "$(echo "$mine" | awk '{ n += $NF } END { print n }')" = 2000 ]
	check "folded: kernel frames by name, root first (entry before do_syscall_64)" \
		bash -c "echo '$mine' | head -1 | grep -q 'entry_SYSCALL[^;]*;do_syscall_64'"
	READY_EV=
	python3 - "$LIVE_TMP/f.svg" >"$LIVE_TMP/svgcheck" 2>&1 <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
titles = [t.text for t in root.iter(ns + 'title')]
scripts = list(root.iter(ns + 'script'))
assert root.tag == ns + 'svg', root.tag
assert any('do_syscall_64' in (t or '') for t in titles), titles[:5]
assert scripts and 'search' in scripts[0].text, 'no inline search script'
assert not any(k.endswith('href') for e in root.iter() for k in e.attrib), 'external reference'
print('ok', len(titles))
EOF
	check "svg: parses as XML, frames have titles, inline search script, no external refs" \
		grep -q '^ok' "$LIVE_TMP/svgcheck"
	if command -v rsvg-convert >/dev/null; then
		rsvg-convert "$LIVE_TMP/f.svg" -o "$LIVE_TMP/f.png" 2>"$LIVE_TMP/rsvg.err"
		python3 - "$LIVE_TMP/f.png" >"$LIVE_TMP/pngcheck" 2>&1 <<'EOF'
import sys, struct, zlib
d = open(sys.argv[1], 'rb').read()
assert d[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, w = 8, b'', 0
while pos < len(d):
    n, t = struct.unpack('>I4s', d[pos:pos + 8])
    body = d[pos + 8:pos + 8 + n]
    if t == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    if t == b'IDAT':
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
bpp = {6: 4, 2: 3}[ctype]
stride = w * bpp
rows, prev, i = [], bytearray(stride), 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line)); prev = line
colours = set()
for r in rows[::4]:
    for x in range(0, stride, bpp * 4):
        colours.add(r[x:x + 3])
# A blank picture has one colour; a flame graph has background, text and many frames.
assert len(colours) > 8, len(colours)
print('ok', w, h, len(colours))
EOF
		check "svg: rsvg-convert renders it to a non-blank PNG ($(cat "$LIVE_TMP/pngcheck" | tail -1))" \
			grep -q '^ok' "$LIVE_TMP/pngcheck"
	else
		skip "rsvg-convert not installed (librsvg2-bin)"
	fi
else
	fail "surftrace --folded never became ready: $(head -3 "$LIVE_TMP/err")"
fi
READY_EV=

# 6b. User stacks of a uprobe (userstacktrace, frame pointers): -s --folded on P probes
# folds the user stack, named from the task's maps: 5 calls of agg_leaf, reached from main
# through agg_outer (at a function's entry the frame-pointer walk cannot see its direct
# caller agg_middle, as bpftrace's ustack shows too). The SVG names agg_leaf.
if start -s --folded --svg "$LIVE_TMP/u.svg" "P $WL:agg_leaf"; then
	"$WL" stacks 5
	finish
	line=$(grep 'agg_leaf ' "$LIVE_TMP/out")
	check "ustack folded: '...;main;agg_outer;agg_leaf 5' (got '$line')" \
		bash -c "echo '$line' | grep -qE '(^|;)main;agg_outer;agg_leaf 5\$'"
	check "ustack svg names agg_leaf" grep -q '<title>agg_leaf (5 samples' "$LIVE_TMP/u.svg"
else
	fail "surftrace -s --folded on a uprobe never became ready: $(head -3 "$LIVE_TMP/err")"
fi

# 7. Bad input: one line, exit 2, nothing left behind.
"$ST" --lhist v,10,5,1 "P $WL:agg_value v=%0" >"$LIVE_TMP/o7" 2>"$LIVE_TMP/e7"; rc=$?
expect "--lhist MIN >= MAX: exit 2, one line naming the column" \
	'[ $rc = 2 ] && [ "$(wc -l <"$LIVE_TMP/e7")" = 1 ] && grep -q "column" "$LIVE_TMP/e7"'
"$ST" --latency "P $WL:agg_value" >"$LIVE_TMP/o7" 2>"$LIVE_TMP/e7"; rc=$?
expect "--latency with one expression: exit 2, one line" \
	'[ $rc = 2 ] && [ "$(wc -l <"$LIVE_TMP/e7")" = 1 ]'
if start --hist nosuch "P $WL:agg_value v=%0"; then
	"$WL" values 3
	finish
	if [ "$ST_RC" = 2 ] && grep -q "no numeric field 'nosuch'" "$LIVE_TMP/err"; then ok "--hist of a field no event has: exit 2 naming the field"; else fail "--hist of a field no event has: exit 2 naming the field"; fi
else
	fail "surftrace --hist nosuch never became ready"
fi
# A field only one of the expressions has: the others' events are skipped, not an error.
if start --hist v --latency "P $WL:agg_value v=%0" "R $WL:agg_value"; then
	"$WL" values 100
	finish
	if [ "$ST_RC" = 0 ] && [ "$(block hist_v "$LIVE_TMP/out" | rows | awk '{ n += $NF } END { print n }')" = 100 ] &&
		[ "$(block latency_ns "$LIVE_TMP/out" | rows | awk '{ n += $NF } END { print n }')" = 100 ]; then
		ok "--hist v with --latency over P (has v) and R (has not): 100 values, 100 latencies"
	else
		fail "--hist v with --latency over P (has v) and R (has not): 100 values, 100 latencies"
	fi
else
	fail "surftrace --hist --latency never became ready"
fi
# 8. Where the kernel lacks function_graph / hist triggers (this machine): one line, exit 1,
# nothing created; --engine user works everywhere, --engine kernel says why it cannot.
if ! grep -qw function_graph $TRACEFS/available_tracers; then
	"$ST" graph vfs_read -t 1 >"$LIVE_TMP/o8" 2>"$LIVE_TMP/e8" & gp=$!
	wait $gp; rc=$?
	expect "graph without function_graph: exit 1, one line naming it" \
		'[ $rc = 1 ] && [ "$(wc -l <"$LIVE_TMP/e8")" = 1 ] && grep -q function_graph "$LIVE_TMP/e8"'
	check "graph without function_graph: no instance made" [ ! -e $TRACEFS/instances/surftrace_$gp ]
else
	skip "this kernel has function_graph (the lab checks it)"
fi
"$ST" graph >/dev/null 2>"$LIVE_TMP/e8"; rc=$?
expect "graph without a function: exit 2, one line" \
	'[ $rc = 2 ] && [ "$(wc -l <"$LIVE_TMP/e8")" = 1 ]'
if ! grep -q 'hist:keys' $TRACEFS/README; then
	"$ST" -q --engine kernel --count comm -t 1 "P $WL:agg_value" >"$LIVE_TMP/o9" 2>"$LIVE_TMP/e9"; rc=$?
	expect "--engine kernel without hist triggers: exit 1, says so" \
		'[ $rc = 1 ] && grep -q "no hist triggers" "$LIVE_TMP/e9"'
else
	skip "this kernel has hist triggers (the lab compares the engines)"
fi
"$ST" --engine gpu --count comm "P $WL:agg_value" >/dev/null 2>"$LIVE_TMP/e9"; rc=$?
expect "--engine gpu: exit 2, one line" \
	'[ $rc = 2 ] && [ "$(wc -l <"$LIVE_TMP/e9")" = 1 ]'

# Only our own runs' state is looked at (other suites run at the same time).
run_gone "every run removed its probes, group and instance ($(echo $RUNS | wc -w) runs)" $RUNS
tap_done
