#!/bin/bash
# SPDX-License-Identifier: MIT
# Man pages (docs/man/*.scd, built by scdoc): render without warnings through groff and
# man, document every option the commands' --help lists, cover every form of the
# expression language, and their examples work: every expression example of
# surftrace-expressions(7) translates with surftrace -S, the lbc.h(7) example compiles.
source "$(dirname "$0")/../lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
M=$ROOT/$B/man
pages="surftrace.1 surfguide.1 lbc.1 surftrace-expressions.7 lbc.h.7"
make -C "$ROOT" B="$B" man >"$t/log" 2>&1 || { fail "make man: $(tail -2 "$t/log")"; tap_done; exit; }
for p in $pages; do
  [ -f "$M/$p" ] || { fail "$p: not built"; continue; }
  groff -man -ww -z "$M/$p" >"$t/g" 2>&1
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$M/$p" >"$t/txt" 2>"$t/w"
  w=$(cat "$t/g" "$t/w" | head -3 | tr '\n' ' ')
  check "$p renders without warnings (groff -ww, man --warnings)${w:+: $w}" [ -z "$w" ]
  if head -1 "$t/txt" | grep -qF "${p%.*}(${p##*.})" && grep -q '^NAME' "$t/txt" && grep -q '^SEE ALSO' "$t/txt"
  then ok "$p: title ${p%.*}(${p##*.}), NAME and SEE ALSO sections"
  else fail "$p: title or sections missing ($(head -1 "$t/txt"))"; fi
  cp "$t/txt" "$t/$p.txt"
done
# Every option in --help is in the page.
opts() { "$ROOT/$B/$1" --help 2>&1 | grep -oE '(^|[][ ,(])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[][ ,(]*//' | sort -u; }
for c in surftrace surfguide lbc; do
  miss=
  for o in $(opts "$c"); do
    grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|$)" "$t/$c.1.txt" || miss="$miss $o"
  done
  check "$c(1) documents every option of '$c --help' ($(opts "$c" | wc -l))${miss:+; missing:$miss}" [ -z "$miss" ]
done
# ... and of its subcommands' usages (surftrace hive/graph/btfgen/report --help).
miss=
for sub in hive graph btfgen report; do
  for o in $("$ROOT/$B/surftrace" $sub --help 2>&1 | grep -oE '(^|[][ ,(])--[A-Za-z][A-Za-z0-9-]*' | sed 's/^[][ ,(]*//' | sort -u); do
    grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|$)" "$t/surftrace.1.txt" || miss="$miss $sub:$o"
  done
done
check "surftrace(1) documents the options of hive, graph, btfgen and report${miss:+; missing:$miss}" [ -z "$miss" ]
# surftrace-expressions(7): every form of docs/GRAMMAR.md and every name prefix.
x=$t/surftrace-expressions.7.txt miss=
for form in 'p FUNC' 'r FUNC' 'e GROUP/EVENT' 'P BINARY:SYMBOL' 'R BINARY:SYMBOL' '+off' 'BINARY:0xADDR' \
    '%N' '%reg' '$argname' '$retval' '$stack' '$stackN' '$comm' '@symbol' '@0xaddr' \
    '->member' '.member' '[index]' '!(ctype)' '@(struct hdr *)' 'l2' 'l3' 'l4' 'cdata' 'sdata' \
    'ldata' 'qdata' 'Sdata' 'ip_' 'b16_' 'b32_' 'b64_' 'B16_' 'B32_' 'B64_' 'f:' '&&' '||' \
    '==' '!=' '<=' '>=' '~' '& ' '"string"' 'bare-word' 'a.b.c.d' 'common_'; do
  grep -qF -- "$form" "$x" || miss="$miss '$form'"
done
for l in S U X; do grep -qE "^ +$l +(signed|unsigned|hexadecimal)" "$x" || miss="$miss format-$l"; done
check "surftrace-expressions(7) covers every form, prefix and format letter${miss:+; missing:$miss}" [ -z "$miss" ]
n=0 bad=
while IFS= read -r line; do
  eval "set -- ${line#surftrace }"
  n=$((n+1))
  "$ROOT/$B/surftrace" -S "$@" >/dev/null 2>"$t/e" || bad="$bad [$line: $(head -1 "$t/e")]"
done < <(grep -E "^ +surftrace '" "$x" | sed 's/^ *//')
if [ "$n" -ge 15 ] && [ -z "$bad" ]; then ok "all $n expression examples of surftrace-expressions(7) translate with -S"
else fail "expression examples of surftrace-expressions(7): $n found${bad:+;$bad}"; fi
n=0 bad=
while IFS= read -r line; do
  eval "set -- ${line#surftrace }"
  case $1 in -*) continue;; esac
  n=$((n+1))
  "$ROOT/$B/surftrace" -S "$@" >/dev/null 2>"$t/e" || bad="$bad [$line: $(head -1 "$t/e")]"
done < <(grep -E "^ +surftrace '" "$t/surftrace.1.txt" | sed 's/^ *//')
if [ "$n" -ge 3 ] && [ -z "$bad" ]; then ok "the expression examples of surftrace(1) translate ($n)"
else fail "surftrace(1) examples: $n found${bad:+;$bad}"; fi
# The prefix conversions the page states, checked against the translator.
conv=$("$ROOT/$B/surftrace" -S 'p tcp_v4_connect ip_d=%0->__sk_common.skc_daddr b16_p=%0->__sk_common.skc_dport B16_q=%0->__sk_common.skc_dport f:ip_d==127.0.0.1&&b16_p==22&&B16_q==0x16' | sed -n 's/^filter: //p')
if grep -qF "ip_src==0x100007f" "$x" && grep -qF "b16_dport==5632" "$x" && grep -qF "B16_dport==0x1600" "$x" &&
   [ "$conv" = "ip_d==0x100007f&&b16_p==5632&&B16_q==0x1600" ]
then ok "ip_/b16_/B16_ filter constants convert as the page says ($conv)"
else fail "prefix conversions: translator says '$conv'"; fi
# lbc.h(7): its example compiles with lbc build (clang) into a BPF object.
if command -v clang >/dev/null; then
  awk '/^EXAMPLE/{e=1;next} /^SEE ALSO/{e=0} e && /^ +#include/{c=1} e && c' "$t/lbc.h.7.txt" |
    sed 's/^           //' >"$t/fork.bpf.c"
  if LBC_CACHE_DIR=$t/cache "$ROOT/$B/lbc" build "$t/fork.bpf.c" -o "$t/fork.bpf.o" >"$t/lb" 2>&1 &&
     file "$t/fork.bpf.o" | grep -q 'eBPF'; then
    ok "the lbc.h(7) example compiles with lbc build into an eBPF object"
  else
    fail "lbc.h(7) example: $(grep -m2 error "$t/lb" | tr '\n' ' ')"
  fi
else
  skip "lbc.h(7) example (no clang)"
fi
tap_done
