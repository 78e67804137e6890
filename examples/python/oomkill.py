#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""oomkill: the OOM killer's victims, one line each.

Trace event: oom/mark_victim (pid, comm, memory of the victim). --kprobe: the
original's `p oom_kill_process` reading the chosen task from struct oom_control.
  sudo PYTHONPATH=build/python python3 examples/python/oomkill.py
"""
import sys

from _surftools_common import parser, run

KPROBE = ["p oom_kill_process comm=%0->chosen->comm pid=%0->chosen->pid "
          "totalpages=%0->totalpages"]
EVENTS = ["e oom/mark_victim"]


def main():
    args = parser(__doc__).parse_args()

    def cb(ev):
        if ev.event == "mark_victim":
            print("%s triggered by pid %d (%s): killed pid %d (%s), anon-rss %d kB, "
                  "oom_score_adj %d" % (ev.time, ev.pid, ev.comm, ev["pid"], ev["comm"],
                                        ev["anon_rss"] * 4, ev["oom_score_adj"]), flush=True)
        else:
            print("%s triggered by pid %d (%s): kill pid %d (%s), %d pages" % (
                ev.time, ev.pid, ev.comm, ev["pid"], ev["comm"], ev["totalpages"]), flush=True)
    return run(args, KPROBE, EVENTS, cb, None)


if __name__ == "__main__":
    sys.exit(main())
