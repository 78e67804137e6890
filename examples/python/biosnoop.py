#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""biosnoop: block I/O requests with their latency, one line per completed request.

Trace events: block/block_rq_issue and block/block_rq_complete, matched by (dev,
sector). --kprobe: the original's `p blk_mq_start_request` (issue side only).
  sudo PYTHONPATH=build/python python3 examples/python/biosnoop.py -t 10
"""
import sys

from _surftools_common import parser, run

KPROBE = ["p blk_mq_start_request sector=%0->__sector bytes=%0->__data_len comm=$comm"]
EVENTS = ["e block/block_rq_issue", "e block/block_rq_complete"]


def main():
    args = parser(__doc__).parse_args()
    issued = {}   # (dev, sector) -> (time, pid, comm, rwbs, bytes)
    header = "%-12s %-16s %-7s %-7s %-4s %-12s %-7s %8s" % ("TIME(s)", "COMM", "PID", "DISK", "T",
                                                        "SECTOR", "BYTES", "LAT(ms)")

    def cb(ev):
        if ev.event == "block_rq_issue":
            issued[(ev["dev"], ev["sector"])] = (ev.time, ev.pid, ev["comm"], ev["rwbs"],
                                                 ev["bytes"])
        elif ev.event == "block_rq_complete":
            dev, sector = ev["dev"], ev["sector"]
            start = issued.pop((dev, sector), None)
            if start:
                t0, pid, comm, rwbs, nbytes = start
                disk = "%d:%d" % (dev >> 20, dev & 0xfffff)
                print("%-12.6f %-16s %-7d %-7s %-4s %-12d %-7d %8.3f" % (
                    ev.time, comm, pid, disk, rwbs, sector, nbytes, (ev.time - t0) * 1000),
                    flush=True)
        else:        # --kprobe: the issue side as the original printed it
            print("%-12.6f %-16s %-7d %-7s %-4s %-12d %-7d" % (
                ev.time, ev["comm"], ev.pid, "?", "?", ev["sector"], ev["bytes"]), flush=True)
    return run(args, KPROBE, EVENTS, cb, header)


if __name__ == "__main__":
    sys.exit(main())
