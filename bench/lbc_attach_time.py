#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Start-to-attached time measured from outside: spawn the tool, time until it writes a
line matching REGEX (its "attached" report, written after attaching), then stop it with
SIGINT and wait (teardown not counted). Prints "mean sd min n" in ms. PREPARE (env), a
shell command, runs before each sample (untimed).
   lbc_attach_time.py RUNS REGEX -- COMMAND..."""
import os, re, select, signal, statistics, subprocess, sys, time

def once(cmd, pat):
    if os.environ.get("PREPARE"):
        subprocess.run(os.environ["PREPARE"], shell=True, check=False)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    buf = b""
    hit = None
    deadline = t0 + 60
    while hit is None and time.monotonic() < deadline:
        r, _, _ = select.select([p.stdout], [], [], 1.0)
        if not r:
            continue
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
        for line in buf.split(b"\n"):
            if pat.search(line.decode(errors="replace")):
                hit = time.monotonic() - t0
                break
    # Some tools miss a SIGINT that arrives before their main loop: repeat, then kill.
    for _ in range(50):
        if p.poll() is not None:
            break
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
    if p.poll() is None:
        p.kill()
    p.communicate()
    return hit

def main():
    runs, pat = int(sys.argv[1]), re.compile(sys.argv[2])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    once(cmd, pat)  # warm-up: page cache, lbc cache
    t = [once(cmd, pat) for _ in range(runs)]
    if any(x is None for x in t):
        print("failed")
        return 1
    t = [x * 1e3 for x in t]
    print("%.1f %.1f %.1f %d" % (statistics.mean(t), statistics.stdev(t) if len(t) > 1 else 0,
                                 min(t), len(t)))
    return 0

sys.exit(main())
