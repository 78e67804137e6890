#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""codeSeparate (seed 6.3.6): the BPF half lives in independ.bpf.c beside this script.

ClbcBase("independ") without bpf_str finds independ.bpf.c in the current directory or
beside the script (independ.bpf.c here is the tracepoint program; --kprobe takes the
original's kprobe file examples/lbc/independ.bpf.c).
  sudo PYTHONPATH=build/python python3 examples/python/codeSeparate.py -t 5
"""
import ctypes as ct
import os

from pylcc.lbcBase import ClbcBase

from _pylcc_common import parser, until


class codeSeparate(ClbcBase):
    def __init__(self, kprobe=False):
        if kprobe:   # the kprobe twin, by path
            here = os.path.dirname(os.path.abspath(__file__))
            with open(os.path.join(here, "..", "lbc", "independ.bpf.c")) as f:
                super(codeSeparate, self).__init__("independ", bpf_str=f.read())
        else:
            super(codeSeparate, self).__init__("independ")

    def _cb(self, cpu, data, size):
        e = self.maps['e_out'].event(ct.string_at(data, size))
        print("current pid:%d, comm:%s. wake_up_new_task pid: %d, comm: %s" % (
            e.c_pid, e.c_comm, e.p_pid, e.p_comm), flush=True)

    def loop(self, args):
        self.maps['e_out'].open_perf_buffer(self._cb)
        try:
            while until(args):
                self.maps['e_out'].perf_buffer_poll(100)
        except KeyboardInterrupt:
            print("key interrupt.")
        self.maps['e_out'].perf_buffer_poll(0)   # what the last wait left in the buffers


if __name__ == "__main__":
    args = parser(__doc__).parse_args()
    codeSeparate(args.kprobe).loop(args)
