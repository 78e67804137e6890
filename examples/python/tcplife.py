#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tcplife: TCP sessions with their duration, one line when a session closes.

Trace event: sock/inet_sock_set_state (every state change of a socket; a session runs
from its first change to TCP_CLOSE). --kprobe: the original's `p tcp_set_state`.
  sudo PYTHONPATH=build/python python3 examples/python/tcplife.py -t 10
"""
import sys

from _surftools_common import ipv4, parser, run

TCP_CLOSE = 7
KPROBE = ["p tcp_set_state sk=X%0 state=%1 ip_saddr=%0->__sk_common.skc_rcv_saddr "
          "ip_daddr=%0->__sk_common.skc_daddr lport=%0->__sk_common.skc_num "
          "b16_dport=%0->__sk_common.skc_dport"]
EVENTS = ["e sock/inet_sock_set_state f:protocol==6&&family==2"]


def main():
    args = parser(__doc__).parse_args()
    born = {}     # socket -> (time, pid, comm) of its first state change
    header = "%-7s %-16s %-15s %5s %-15s %5s %10s" % ("PID", "COMM", "LADDR", "LPORT", "RADDR",
                                                  "RPORT", "MS")

    def cb(ev):
        if ev.event == "inet_sock_set_state":
            sk, new = ev["skaddr"], ev["newstate"]
            la, ra, lp, rp = ipv4(ev["saddr"]), ipv4(ev["daddr"]), ev["sport"], ev["dport"]
        else:
            sk, new = ev["sk"], ev["state"]
            la, ra, lp, rp = ev["ip_saddr"], ev["ip_daddr"], ev["lport"], ev["b16_dport"]
        born.setdefault(sk, (ev.time, ev.pid, ev.comm))
        if new == TCP_CLOSE:
            t0, pid, comm = born.pop(sk)
            print("%-7d %-16s %-15s %5d %-15s %5d %10.3f" % (pid, comm, la, lp, ra, rp,
                                                           (ev.time - t0) * 1000), flush=True)
    return run(args, KPROBE, EVENTS, cb, header)


if __name__ == "__main__":
    sys.exit(main())
