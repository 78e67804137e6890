#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints surftrace's version on one line: `git describe` of a v* tag when building from a git
# checkout (VERSION+g<commit> when there is no tag yet), else the VERSION file (release
# tarballs, the Debian build).
cd "$(dirname "$0")/.." || exit 1
v=$(cat VERSION)
if [ -e .git ] && command -v git >/dev/null 2>&1; then
	d=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null) && { echo "${d#v}"; exit 0; }
	h=$(git rev-parse --short HEAD 2>/dev/null) && {
		git diff --quiet HEAD 2>/dev/null || h="$h-dirty"
		echo "$v+g$h"; exit 0; }
fi
echo "$v"
