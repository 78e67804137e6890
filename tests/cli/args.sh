#!/bin/bash
# SPDX-License-Identifier: MIT
# Command-line parsing without tracing: strict numbers for every numeric option, modes that
# exclude each other, -f - (stdin), NUL bytes in expression files. Each refusal must be one
# line on stderr, exit 2, and leave tracefs as it was.
. "$(dirname "$0")/../lib.sh"
[ -x "$ST" ] || { skip "needs $ST"; tap_done; exit 0; }
T=$(mktemp -d /tmp/st_cli.XXXXXX); trap 'rm -rf "$T"' EXIT
E='e sched/sched_switch'

# refused NAME ERE ARGS...: rc 2, exactly one stderr line matching ERE, nothing on stdout.
refused() {
	local name=$1 re=$2 out err rc; shift 2
	out=$("$ST" "$@" 2>"$T/err" <"${IN:-/dev/null}"); rc=$?
	err=$(cat "$T/err")
	if [ $rc -eq 2 ] && [ -z "$out" ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -Eq -- "$re" <<<"$err"; then
		ok "$name: $err"
	else
		fail "$name: rc=$rc out=[$out] err=[$err] wanted /$re/"
	fi
}

for v in nan NaN inf -inf infinity 1e300 -1 0 5x '' ' 5' 0x10 1e999 +3 '3 '; do
	refused "-t '$v'" "^surftrace: -t '.*': (not a number|too large|must be positive)" -t "$v" -S "$E"
done
for v in 0 -2 1.5 1e3 99999999999999999999999 x 0x10; do
	refused "-n '$v'" "^surftrace: -n '.*': " -n "$v" -S "$E"
done
for v in 0 -4 4.5 nan 9999999999999999; do
	refused "--buffer-kb '$v'" "^surftrace: --buffer-kb '$v': " --buffer-kb "$v" -S "$E"
done
# scoping options
refused "-p abc" "^surftrace: -p 'abc': " -p abc "$E"
refused "-p 1,,2" "^surftrace: -p '1,,2': malformed list" -p 1,,2 "$E"
refused "-p -5" "^surftrace: -p '-5': " -p -5 "$E"
refused "-p 0" "^surftrace: -p: no process 0" -p 0 "$E"
refused "-p 99999999" "^surftrace: -p '99999999': too large" -p 99999999 "$E"
dead=4194303; while kill -0 $dead 2>/dev/null; do dead=$((dead - 1)); done
refused "-p of a pid that does not exist" "^surftrace: -p: no process $dead" -p $dead "$E"
refused "--cpu 4096" "^surftrace: --cpu '4096': too large" --cpu 4096 "$E"
refused "--cpu 1-0" "^surftrace: --cpu '1-0': range goes backwards" --cpu 1-0 "$E"
refused "--cpu x" "^surftrace: --cpu 'x': " --cpu x "$E"
refused "-S -p" "-p goes with a live trace: not with -S" -S -p $$ "$E"
refused "-o -c" "-c goes with a live trace: not with -o" -o "$T/y.sh" -c true "$E"
refused "--cpu -l" "--cpu goes with a live trace: not with -l" --cpu 0 -l 'vfs_*'
refused "--follow without -p" "--follow goes with -p" --follow "$E"
refused "-c ''" "-c needs a command" -c '' "$E"
refused "-c with a pipe" "shell syntax .* needs -c 'sh -c" -c 'ls | wc' "$E"
refused "-c unbalanced quote" "unbalanced quotes" -c "ls 'x" "$E"

# good numbers still pass
out=$("$ST" -t 0.5 -n 3 --buffer-kb 64 -S "$E" 2>&1); check "-t 0.5 -n 3 --buffer-kb 64 accepted" [ "$out" = "$E" ]

refused "-S --cleanup" "--cleanup and -S cannot be used together" -S --cleanup
refused "-l --struct" "-l and --struct cannot be used together" -l 'vfs_*' --struct task_struct
refused "-L --struct" "-L and --struct cannot be used together" -L 'vfs_*' --struct task_struct
refused "-l -F" "-l and -F cannot be used together" -l 'vfs_*' -F vfs_read
refused "--cleanup -l" "--cleanup and -l cannot be used together" --cleanup -l 'vfs_*'
refused "-S -o" "-S and -o cannot be used together" -S -o "$T/x.sh" "$E"
refused "-i --struct" "--struct and -i cannot be used together" -i --struct task_struct
refused "--bundle -l" "-l and --bundle cannot be used together" --bundle "$T/b" -l x
refused "--list alone" "--list goes with --bundle" --list
refused "-o FILE --json (the script prints text)" "--json does not reach the -o script" -o "$T/never.sh" --json "$E"
expect "-o --json wrote no script" "[ ! -e \"$T/never.sh\" ]"
check "-S -o wrote no script" [ ! -e "$T/x.sh" ]

# -f - reads stdin; the same text as a file gives the same translation
printf '# comment\n%s\n\ne sched/sched_wakeup\n' "$E" >"$T/ex.surf"
a=$("$ST" -S -f - <"$T/ex.surf" 2>&1); b=$("$ST" -S -f "$T/ex.surf" 2>&1)
expect "-f - reads stdin (2 expressions)" \
	'[ "$a" = "$b" ] && [ "$(wc -l <<<"$a")" -eq 2 ]'
printf '%s\n\0e sched/sched_wakeup\n' "$E" >"$T/nul.surf"
refused "-f FILE with a NUL byte (named by FILE:LINE)" "nul.surf:2: a NUL byte" -S -f "$T/nul.surf"
IN=$T/nul.surf refused "-f - with a NUL byte" "<stdin>:2: a NUL byte" -S -f -
refused "-f missing" "cannot read '$T/none'" -S -f "$T/none"

# Errors like a compiler. The column is where the bad token starts in the text the user
# wrote, computed here from the text itself.
bad='e sched/sched_switch f:prev_pidd>0'
pre=${bad%%prev_pidd*}; col=$(( ${#pre} + 1 ))
"$ST" -S "$E" "$bad" >/dev/null 2>"$T/err"; rc=$?
if [ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 3 ] && grep -q "^surftrace: error: expression 2, column $col: .*did you mean 'prev_pid'" "$T/err" && [ "$(sed -n 2p "$T/err")" = "$bad" ] && [ "$(sed -n 3p "$T/err")" = "$(printf '%*s^' $((col - 1)) '')" ]; then ok "argv: 'expression 2, column $col:' then the expression then a caret under column $col"; else fail "argv: 'expression 2, column $col:' then the expression then a caret under column $col"; fi
printf '# a comment\n\n%s\n   \t%s   # trailing\n' "$E" "$bad" >"$T/bad.surf"
fcol=$(awk 'NR == 4 { print index($0, "prev_pidd") }' "$T/bad.surf")
"$ST" -S -f "$T/bad.surf" >/dev/null 2>"$T/err"; rc=$?
if [ $rc = 2 ] && grep -q "^$T/bad.surf:4:$fcol: error: unknown variable 'prev_pidd'" "$T/err"; then ok "-f FILE: '$T/bad.surf:4:$fcol: error: ...' (file line and column)"; else fail "-f FILE: '$T/bad.surf:4:$fcol: error: ...' (file line and column)"; fi
check "-f FILE: the caret sits under column $fcol of the echoed line" \
	[ "$(sed -n 3p "$T/err" | awk '{ print index($0, "^") }')" = "$fcol" ]
"$ST" -S -f - <"$T/bad.surf" >/dev/null 2>"$T/err"
check "-f -: '<stdin>:4:$fcol: error: ...'" grep -q "^<stdin>:4:$fcol: error: " "$T/err"
if command -v jq >/dev/null; then
	"$ST" -S --json "$E" "$bad" >/dev/null 2>"$T/err"; rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && [ "$(jq -r '[.v, .expr, .index, .col] | map(tostring) | join("|")' "$T/err")" = "1|$bad|1|$col" ] && jq -e '.error | test("did you mean .prev_pid.")' "$T/err" >/dev/null; then ok "--json: the error is one JSON object on stderr with v, error, expr, index, col"; else fail "--json: the error is one JSON object on stderr with v, error, expr, index, col"; fi
	"$ST" -S --json -f "$T/bad.surf" >/dev/null 2>"$T/err"
	check "--json -f FILE: file, line, file_col" \
		[ "$(jq -r '[.file, .line, .file_col, .col] | map(tostring) | join("|")' "$T/err")" = "$T/bad.surf|4|$fcol|$col" ]
	"$ST" --json -t nan -S "$E" >/dev/null 2>"$T/err"; rc=$?
	if [ $rc = 2 ] && [ "$(jq -r '[.v, .error] | map(tostring) | join("|")' "$T/err")" = "1|-t 'nan': not a number (seconds, e.g. 5 or 0.5, at most a year)" ]; then ok "--json: option errors are JSON too"; else fail "--json: option errors are JSON too"; fi
	"$ST" --json -S --cleanup >/dev/null 2>"$T/err"
	check "--json: mode conflicts are JSON too" \
		[ "$(jq -r '[.v, (.error | test("cannot be used together"))] | map(tostring) | join("|")' "$T/err")" = "1|true" ]
else
	skip "jq not installed"; skip "jq"; skip "jq"; skip "jq"
fi

# refused runs leave nothing (checked on their own names: other suites may run meanwhile)
if need_root_tracefs; then
	. "$(dirname "$0")/../live/lib_live.sh"
	pids=()
	"$ST" -t nan 'e sched/sched_switch' 2>/dev/null & pids+=($!)
	"$ST" -n 0 'e sched/sched_switch' 2>/dev/null & pids+=($!)
	"$ST" -S --cleanup 2>/dev/null & pids+=($!)
	wait
	run_gone "refused runs leave nothing in tracefs" "${pids[@]}"
fi
tap_done
