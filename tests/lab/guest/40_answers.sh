# Answers in the lab (the kernels here have function_graph and hist triggers, which the
# development machine lacks). Ground truth: what the check itself made the kernel do.

# surfGraph: the call tree of do_filp_open while this check opens files. path_openat is
# what do_filp_open calls (the baseline's callsite check proves it with objdump): it must
# be in the tree as a callee with calls >= 1 and a duration > 0; the flame chart is an SVG
# naming it; the tracer and the instance are gone afterwards.
a_graph() {
  st_live 'trig_open lab_graph_x' graph do_filp_open --depth 2 -t 3 -q --svg $W/g.svg
  st_ok || return
  local top callee
  top=$(grep -E '^do_filp_open ' $W/out | head -1)
  callee=$(grep -E '^  path_openat ' $W/out | head -1)
  [ -n "$top" ] || { fail "no do_filp_open root line: $(head -2 $W/out | tr '\n' ' ')"; return; }
  [ -n "$callee" ] || { fail "path_openat not under do_filp_open: $(head -4 $W/out | tr '\n' ' ')"; return; }
  echo "$callee" | awk '{ exit !($3 >= 1 && $5 > 0) }' ||
    { fail "path_openat calls/duration not > 0: $callee"; return; }
  echo "$top" | awk '{ exit !($3 >= 1 && $5 > 0) }' ||
    { fail "do_filp_open calls/duration not > 0: $top"; return; }
  grep -q '<title>path_openat (' $W/g.svg || { fail "flame chart has no path_openat frame"; return; }
  [ "$(cat $T/current_tracer)" = nop ] || { fail "current_tracer left as $(cat $T/current_tracer)"; return; }
  grep -q '^#### all functions' $T/set_graph_function 2>/dev/null ||
    [ ! -s $T/set_graph_function ] || { fail "set_graph_function left: $(head -1 $T/set_graph_function)"; return; }
  pass "$(echo "$top" | awk '{ print $1, "calls", $3 }'); $(echo "$callee" | awk '{ print $1, "calls", $3, "total", $5, "us" }')"
}

# --depth 1 keeps only the first level of callees.
a_graph_depth() {
  st_live 'trig_open lab_graph_d' graph do_filp_open --depth 1 -t 2 -q
  st_ok || return
  grep -qE '^    [a-z_]' $W/out && { fail "a second level printed with --depth 1: $(grep -E '^    ' $W/out | head -1)"; return; }
  grep -qE '^  path_openat ' $W/out || { fail "path_openat missing at depth 1"; return; }
  pass "only depth 1 under do_filp_open"
}

run_check ans/graph a_graph
run_check ans/graph_depth a_graph_depth
