#!/bin/bash
# SPDX-License-Identifier: MIT
# make install into a DESTDIR tree (PREFIX=/usr, multiarch LIBDIR): every file where it
# belongs, sonames, only the public API exported, pkg-config files that build and link a
# program against the installed tree alone (its translations equal `surftrace -S`), the
# API example built the same way and run live, and make uninstall leaving nothing.
source "$(dirname "$0")/../lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
D=$t/dest; LIBDIR=/usr/lib/$(gcc -print-multiarch)
if make -C "$ROOT" B="$B" install DESTDIR="$D" PREFIX=/usr LIBDIR="$LIBDIR" >"$t/log" 2>&1; then
  ok "make install DESTDIR=... PREFIX=/usr LIBDIR=$LIBDIR"
else
  fail "make install: $(tail -3 "$t/log" | tr '\n' ' ')"; tap_done; exit
fi
rel=$(cat "$ROOT/VERSION")
missing=
for f in usr/bin/surftrace usr/bin/surfguide usr/bin/lbc \
    usr/include/surftrace.h usr/include/lbc.h usr/include/liblbc.h \
    $LIBDIR/libsurftrace.a $LIBDIR/liblbc.a $LIBDIR/libsurftrace.so.$rel $LIBDIR/liblbc.so.$rel \
    $LIBDIR/pkgconfig/libsurftrace.pc $LIBDIR/pkgconfig/liblbc.pc \
    usr/share/man/man1/surftrace.1 usr/share/man/man1/surfguide.1 usr/share/man/man1/lbc.1 \
    usr/share/man/man7/surftrace-expressions.7 usr/share/man/man7/lbc.h.7 \
    usr/share/bash-completion/completions/surftrace usr/share/bash-completion/completions/surfguide \
    usr/share/bash-completion/completions/lbc; do
  [ -e "$D/${f#/}" ] || missing="$missing $f"
done
check "installed: commands, headers in <prefix>/include, .a, .so, .pc, man pages, completion${missing:+ (missing:$missing)}" [ -z "$missing" ]
for l in libsurftrace liblbc; do
  so=$D$LIBDIR/$l.so
  soname=$(readelf -d "$so.$rel" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  if [ "$soname" = "$l.so.0" ] && [ "$(readlink "$so.0")" = "$l.so.$rel" ] && [ "$(readlink "$so")" = "$l.so.0" ]
  then ok "$l: soname $soname, $l.so.0 -> $l.so.$rel, $l.so -> $l.so.0"
  else fail "$l: soname '$soname', links $(readlink "$so.0") $(readlink "$so")"; fi
done
# Exported names: exactly the functions the public header declares.
exports() { nm -D --defined-only "$1" | awk '{print $NF}' | sed 's/@.*//' | grep -v '^LIB' | sort; }
declared() { grep -oE "\b$2[a-z0-9_]+\s*\(" "$1" | tr -d '( ' | sort -u; }
for pair in "libsurftrace:surftrace.h:surftrace_" "liblbc:liblbc.h:lbc_"; do
  IFS=: read -r l h p <<<"$pair"
  exports "$D$LIBDIR/$l.so" >"$t/exp"; declared "$D/usr/include/$h" "$p" >"$t/decl"
  other=$(grep -v "^$p" "$t/exp" | tr '\n' ' ')
  check "$l.so exports only $p* ($(wc -l <"$t/exp") symbols)${other:+; also: $other}" [ -z "$other" ]
  d=$(diff "$t/exp" "$t/decl" | grep '^[<>]' | tr '\n' ' ')
  check "$l.so exports exactly what $h declares${d:+ (diff: $d)}" [ -z "$d" ]
done
for a in libsurftrace liblbc; do
  bad=$(nm -g --defined-only "$D$LIBDIR/$a.a" 2>/dev/null | awk 'NF==3{print $3}' | grep -vE '^(st_|surftrace_|lbc_)' | tr '\n' ' ')
  check "$a.a: every global symbol under the project prefixes${bad:+ (not: $bad)}" [ -z "$bad" ]
done
# pkg-config against the DESTDIR tree (the sysroot maps /usr into it).
pc() { PKG_CONFIG_PATH=$D$LIBDIR/pkgconfig PKG_CONFIG_LIBDIR=$D$LIBDIR/pkgconfig:/usr/lib/$(gcc -print-multiarch)/pkgconfig:/usr/share/pkgconfig \
       PKG_CONFIG_SYSROOT_DIR=$D pkg-config "$@"; }
flags=$(pc --cflags --libs libsurftrace)
if [ "$(pc --modversion libsurftrace)" = "$rel" ] && [[ $flags == *"-I$D/usr/include"* && $flags == *"-L$D$LIBDIR"* ]]
then ok "pkg-config libsurftrace: version $rel, flags point into the tree ($flags)"
else fail "pkg-config libsurftrace: version '$(pc --modversion libsurftrace)', flags '$flags'"; fi
if cc -o "$t/api_translate" "$ROOT/tests/packaging/api_translate.c" $flags 2>"$t/cc"; then
  ok "a C program builds with \`pkg-config --cflags --libs libsurftrace\` alone"
else
  fail "build against the installed tree: $(head -3 "$t/cc" | tr '\n' ' ')"
fi
so=$(LD_LIBRARY_PATH=$D$LIBDIR ldd "$t/api_translate" 2>/dev/null | awk '/libsurftrace/{print $3}')
check "it runs on the installed libsurftrace.so.0 ($so)" [ "$so" = "$D$LIBDIR/libsurftrace.so.0" ]
exprs=('p wake_up_new_task comm=%0->comm f:comm=="bash"' 'r do_filp_open pos=$retval->f_pos'
       'P /bin/bash:main argc=%0' 'e sched/sched_process_exec')
LD_LIBRARY_PATH=$D$LIBDIR "$t/api_translate" "${exprs[@]}" >"$t/script" 2>"$t/err"
# The script's definition lines, run with the redirection cut off and G set: whatever
# quoting the script uses, what it would append to *probe_events comes out.
grep -E '^[^#-].* >> "\$T/[ku]probe_events"$' "$t/script" | grep -v '"-:' |
  while IFS= read -r l; do (G=GRP; eval "${l% >> *}"); done | sed 's|^\([pr]\):GRP/|\1:|' >"$t/api"
"$ROOT/$B/surftrace" -S "${exprs[@]}" 2>&1 | grep -E '^[pr]:' >"$t/cli"
if [ -s "$t/api" ] && cmp -s "$t/api" "$t/cli"; then
  ok "public API translations equal surftrace -S ($(wc -l <"$t/api") probe lines: $(head -1 "$t/api"))"
else
  fail "API vs -S: $(diff "$t/api" "$t/cli" | head -4 | tr '\n' ' ') $(head -2 "$t/err")"
fi
# The API example, as a user would build it from the installed tree.
if cc -o "$t/api_example" "$ROOT/examples/api/api_example.c" $flags 2>"$t/cc"; then
  ok "examples/api/api_example.c builds against the installed tree"
  if need_root_tracefs; then
    # A binary of our own, run 3 times once the example's instance exists: exactly 3 events.
    cp /bin/true "$t/st_inst_true_$$"
    LD_LIBRARY_PATH=$D$LIBDIR "$t/api_example" -t 4 \
      "e sched/sched_process_exec f:filename~\"*/st_inst_true_$$\"" >"$t/ex" 2>&1 &
    ex=$!
    # surftrace_<pid>, or surftrace_<pid>_n<pidns>[_<seq>] inside a container
    inst() { ls -d "$TRACEFS/instances/surftrace_$ex" "$TRACEFS/instances/surftrace_${ex}_"* 2>/dev/null; }
    # ready once the event is enabled in it (the filter is written before)
    for i in $(seq 200); do
      [ "$(cat "$(inst | head -1)/events/sched/sched_process_exec/enable" 2>/dev/null)" = 1 ] && break
      sleep 0.05
    done
    for i in 1 2 3; do "$t/st_inst_true_$$"; done
    # Ctrl-C once the 3 lines are out (-t 4 stays the bound): what is still buffered is
    # printed before it exits, so an extra event would still be counted
    for i in $(seq 80); do
      [ "$(grep -c "sched_process_exec:.*filename=$t/st_inst_true_$$ " "$t/ex")" -ge 3 ] && break
      sleep 0.05
    done
    kill -INT $ex 2>/dev/null
    wait $ex
    n=$(grep -c "sched_process_exec:.*filename=$t/st_inst_true_$$ " "$t/ex")
    check "the installed example traced our 3 execs ($n events)" [ "$n" = 3 ]
    check "and removed its instance" [ -z "$(inst)" ]
  else
    skip "live run of the API example (needs root and tracefs)"
  fi
else
  fail "api_example against the installed tree: $(head -3 "$t/cc" | tr '\n' ' ')"
fi
lflags=$(pc --cflags --libs liblbc)
if cc -o "$t/codeSeparate" "$ROOT/examples/lbc/codeSeparate.c" $lflags 2>"$t/cc" &&
   LD_LIBRARY_PATH=$D$LIBDIR ldd "$t/codeSeparate" | grep -q "$D$LIBDIR/liblbc.so.0"; then
  ok "examples/lbc/codeSeparate.c builds with \`pkg-config --cflags --libs liblbc\` and links liblbc.so.0"
else
  fail "liblbc example against the installed tree: $(head -3 "$t/cc" | tr '\n' ' ')"
fi
# Static linking from the installed archive, with the libraries its .pc names as private.
priv=$(pc --print-requires-private libsurftrace | awk '{print $1}' | tr '\n' ' ')
if cc -o "$t/api_static" "$ROOT/tests/packaging/api_translate.c" -I"$D/usr/include" \
     "$D$LIBDIR/libsurftrace.a" $(pkg-config --libs $priv) -lelf -lz -lpthread -ldl 2>"$t/cc" &&
   "$t/api_static" 'P /bin/bash:main argc=%0' | grep -q "argc=%di"; then
  ok "the installed libsurftrace.a links (with Requires.private: $priv) and translates"
else
  fail "static link: $(head -3 "$t/cc" | tr '\n' ' ')"
fi
make -C "$ROOT" B="$B" uninstall DESTDIR="$D" PREFIX=/usr LIBDIR="$LIBDIR" >"$t/log" 2>&1
left=$(find "$D" ! -type d | sed "s|^$D||" | tr '\n' ' ')
check "make uninstall removes everything it installed${left:+ (left: $left)}" [ -z "$left" ]
tap_done
