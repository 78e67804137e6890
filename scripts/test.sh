#!/bin/bash
# SPDX-License-Identifier: MIT
# Every test tier: installs dependencies, builds with gcc (and checks clang), the ASan+UBSan
# unit tests, offline golden tests, live tests on this kernel, lbc, the guide, fuzzing for a
# bounded time, and the kernel lab under QEMU. Ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
bash scripts/deps.sh || { echo "0 passed, 1 failed"; exit 1; }
make -j"$(nproc)" test-deps >build.log 2>&1 || { tail -30 build.log; echo "0 passed, 1 failed"; exit 1; }
# the lab builds its own static binaries; asan builds into build-asan (run as a suite)
LAB=1 bash tests/run.sh
