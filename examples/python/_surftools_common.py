# SPDX-License-Identifier: MIT
"""Options shared by the surftools in this directory (tcpconnect, tcplife, biosnoop,
oomkill): the original's kprobe expressions (--kprobe) or the trace events this kernel
has, --show (print the translation, as `surftrace -S --json`, without tracing), -t.
Not a tool itself."""
import argparse
import json
import os
import sys

import surftrace


def parser(doc):
    lines = doc.strip().splitlines()
    ap = argparse.ArgumentParser(description=lines[0], epilog="\n".join(lines[1:]),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kprobe", action="store_true",
                    help="the original's kprobe expressions (default: trace events, or "
                         "kprobes when the kernel has them and no event fits)")
    ap.add_argument("--show", action="store_true",
                    help="print the translation of the expressions and exit (no root)")
    ap.add_argument("-t", "--time", type=float, default=None, metavar="SECONDS",
                    help="stop after SECONDS (default: until Ctrl-C)")
    return ap


def run(args, kprobe_exprs, event_exprs, cb, header):
    """--show, or print header and trace with cb(event) until -t / Ctrl-C. Returns the
    exit status."""
    exprs = kprobe_exprs if args.kprobe else event_exprs
    if args.show:
        for d in surftrace.show(exprs):
            print(json.dumps(d))
        return 0
    try:
        with surftrace.Surftrace(exprs, cb=cb) as s:
            if header:
                print(header, flush=True)
            s.loop(timeout=args.time)
            if s.lost:
                print("lost %d events" % s.lost, file=sys.stderr)
    except KeyboardInterrupt:
        pass
    except (OSError, surftrace.ExprError) as e:
        print("%s: %s" % (os.path.basename(sys.argv[0]), e), file=sys.stderr)
        return 1
    return 0


def ipv4(b):
    """A u8[4] field (list of ints) as a dotted quad."""
    return ".".join(str(x) for x in b)
