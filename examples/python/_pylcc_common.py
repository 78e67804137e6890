# SPDX-License-Identifier: MIT
"""Options shared by the seed's pylcc examples in this directory: --kprobe (the original
program on kprobe/wake_up_new_task, for kernels with kprobe events) or the tracepoint
program this kernel runs, and -t SECONDS. Not an example itself."""
import argparse
import time


def parser(doc):
    ap = argparse.ArgumentParser(description=doc.strip().splitlines()[0],
                                 epilog="\n".join(doc.strip().splitlines()[1:]),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kprobe", action="store_true",
                    help="the original's kprobe/wake_up_new_task program (needs kprobe "
                         "events; default: the sched_process_fork tracepoint)")
    ap.add_argument("-t", "--time", type=float, default=0, metavar="SECONDS",
                    help="stop after SECONDS (default: until Ctrl-C)")
    return ap


def until(args):
    """True while the run should go on."""
    if not hasattr(until, "end"):
        until.end = time.monotonic() + args.time if args.time > 0 else None
    return until.end is None or time.monotonic() < until.end
