# SPDX-License-Identifier: MIT
# Sourced by golden suites: sets BTF61 to Debian 6.1's vmlinux BTF, fetching the kernel
# package through the lab's private apt setup when it is not cached yet.
BTF61="$ROOT/.cache/lab/6.1/vmlinux.btf"
if [ ! -s "$BTF61" ]; then
  bash "$ROOT/tests/lab/_fetch.sh" >/dev/null 2>&1
fi
