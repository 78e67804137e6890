#!/bin/bash
# SPDX-License-Identifier: MIT
# Live uprobes and uretprobes on a program this suite builds with -g. The oracle is the
# program's own output: it prints every value it passed to st_target() and what that
# returned; traced values must equal those, line for line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_live.sh"

if ! need_root_tracefs || [ ! -x "$ST" ]; then
	skip "live uprobes: needs root, tracefs and $ST"
	tap_done; exit 0
fi
if ! build_target; then
	fail "cannot build the target program"
	tap_done; exit 1
fi
N=5
P="P $TARGET:st_target a=%0 b=%1"
PD="P $TARGET:st_target a=%0 b=%1 x=%2->x nm=%2->name"
R="R $TARGET:st_target ret=\$retval"
before=$(own_state)

# expect FILE: "a b x name ret" lines the program printed -> what the probes must show.
expect_args() { awk '{ printf "a=%s b=%s\n", $1, $2 }' "$1"; }
expect_dwarf() { awk '{ printf "a=%s b=%s x=%s nm=\"%s\"\n", $1, $2, $3, $4 }' "$1"; }
expect_ret() { awk '{ printf "ret=%s\n", $5 }' "$1"; }
# got FILE EVENT: the argument part of EVENT's lines.
got() { grep " $2: " "$1" | sed 's/.*) //'; }

# 1. uprobe with register arguments and uretprobe with $retval.
st_bg "$LIVE_TMP/o1" "$LIVE_TMP/e1" "$P" "$R"
if wait_ready $ST_PID; then
	def=$(grep "surftrace_$ST_PID/p0 " $TRACEFS/uprobe_events)
	check "uprobe line in uprobe_events names our group" [ -n "$def" ]
	"$TARGET" $N >"$LIVE_TMP/prog1"
	stop_wait $ST_PID INT
	check "uprobe: args equal what the program passed" \
		[ "$(got "$LIVE_TMP/o1" p0)" = "$(expect_args "$LIVE_TMP/prog1")" ]
	check "uretprobe: \$retval equals what st_target returned" \
		[ "$(got "$LIVE_TMP/o1" r1)" = "$(expect_ret "$LIVE_TMP/prog1")" ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e1")"
fi
same_state "state restored after uprobe run" "$before"

# 2. struct members through DWARF (x=%2->x, a char array member as a string).
st_bg "$LIVE_TMP/o2" "$LIVE_TMP/e2" "$PD"
if wait_ready $ST_PID; then
	"$TARGET" $N >"$LIVE_TMP/prog2"
	stop_wait $ST_PID INT
	check "DWARF members equal what the program passed" \
		[ "$(got "$LIVE_TMP/o2" p0)" = "$(expect_dwarf "$LIVE_TMP/prog2")" ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e2")"
fi

# 3. A filter drops the calls it should: a>1 keeps N-2 of N calls.
st_bg "$LIVE_TMP/o3" "$LIVE_TMP/e3" "$P f:a>1"
if wait_ready $ST_PID; then
	"$TARGET" $N >"$LIVE_TMP/prog3"
	stop_wait $ST_PID INT
	check "filter a>1 keeps exactly the calls with a>1" \
		[ "$(got "$LIVE_TMP/o3" p0)" = "$(awk '$1 > 1' "$LIVE_TMP/prog3" | expect_args /dev/stdin)" ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e3")"
fi

# 4. --json parsed back: args and pid as the program passed / had.
st_bg "$LIVE_TMP/o4" "$LIVE_TMP/e4" --json "$PD"
if wait_ready $ST_PID; then
	"$TARGET" $N >"$LIVE_TMP/prog4" & tpid=$!
	wait $tpid
	stop_wait $ST_PID INT
	res=$(python3 - "$LIVE_TMP/o4" "$LIVE_TMP/prog4" $tpid <<'EOF'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = [l.split() for l in open(sys.argv[2])]
if len(objs) != len(want):
    print("count %d != %d" % (len(objs), len(want))); sys.exit()
for o, w in zip(objs, want):
    a = o["args"]
    if (o["event"], o["pid"]) != ("p0", int(sys.argv[3])) or \
       [int(a["a"]), int(a["b"]), int(a["x"]), a["nm"]] != [int(w[0]), int(w[1]), int(w[2]), w[3]]:
        print("mismatch %r vs %r" % (o, w)); sys.exit()
print("ok")
EOF
)
	check "json uprobe args and pid ($res)" [ "$res" = ok ]
else
	fail "surftrace never became ready: $(head -3 "$LIVE_TMP/e4")"
fi
same_state "state restored after json run" "$before"

# 5. Two concurrent runs on the same uprobe each see every call, and a foreign probe on
#    the same function (another tool's group) survives both.
foreign="p:othertool_$$/st_target $TARGET:$(grep -o '0x[0-9a-f]*' <<<"$def" | head -1)"
echo "$foreign" >>$TRACEFS/uprobe_events
base=$(own_state)
st_bg "$LIVE_TMP/o5a" "$LIVE_TMP/e5a" "$P"; pa=$ST_PID
st_bg "$LIVE_TMP/o5b" "$LIVE_TMP/e5b" "$P"; pb=$ST_PID
if wait_ready $pa && wait_ready $pb; then
	check "two runs, two instances" [ -d $TRACEFS/instances/surftrace_$pa ] 
	"$TARGET" $N >"$LIVE_TMP/prog5"
	kill -INT $pa
	stop_wait $pb INT
	wait $pa
	check "run A saw every call" [ "$(got "$LIVE_TMP/o5a" p0)" = "$(expect_args "$LIVE_TMP/prog5")" ]
	check "run B saw every call" [ "$(got "$LIVE_TMP/o5b" p0)" = "$(expect_args "$LIVE_TMP/prog5")" ]
else
	fail "concurrent runs never became ready: $(head -3 "$LIVE_TMP/e5a" "$LIVE_TMP/e5b")"
	kill $pa $pb 2>/dev/null; wait
fi
check "foreign probe survives" grep -q "^p:othertool_$$/st_target " $TRACEFS/uprobe_events
"$ST" --cleanup >"$LIVE_TMP/c5"
check "foreign probe survives --cleanup" grep -q "^p:othertool_$$/st_target " $TRACEFS/uprobe_events
same_state "state as before the runs" "$base"
echo "-:othertool_$$/st_target" >>$TRACEFS/uprobe_events
same_state "state restored" "$before"

tap_done
