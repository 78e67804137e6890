#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tcpconnect: trace active TCP connections (connect()), one line each.

Trace event: sock/inet_sock_set_state into TCP_SYN_SENT (the connecting task's context).
--kprobe: the original's `p tcp_connect` with ip_/b16_ conversions on struct sock.
  sudo PYTHONPATH=build/python python3 examples/python/tcpconnect.py -t 10
  PYTHONPATH=build/python python3 examples/python/tcpconnect.py --kprobe --show
"""
import sys

from _surftools_common import ipv4, parser, run

KPROBE = ["p tcp_connect ip_saddr=%0->__sk_common.skc_rcv_saddr "
          "ip_daddr=%0->__sk_common.skc_daddr b16_dport=%0->__sk_common.skc_dport "
          "family=%0->__sk_common.skc_family f:family==2"]
EVENTS = ["e sock/inet_sock_set_state f:newstate==2&&protocol==6&&family==2"]


def main():
    args = parser(__doc__).parse_args()
    header = "%-7s %-16s %-15s %-15s %5s" % ("PID", "COMM", "SADDR", "DADDR", "DPORT")

    def cb(ev):
        if ev.event == "inet_sock_set_state":
            sa, da, dport = ipv4(ev["saddr"]), ipv4(ev["daddr"]), ev["dport"]
        else:
            sa, da, dport = ev["ip_saddr"], ev["ip_daddr"], ev["b16_dport"]
        print("%-7d %-16s %-15s %-15s %5d" % (ev.pid, ev.comm, sa, da, dport), flush=True)
    return run(args, KPROBE, EVENTS, cb, header)


if __name__ == "__main__":
    sys.exit(main())
