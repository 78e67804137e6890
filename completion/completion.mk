# SPDX-License-Identifier: MIT
# Bash completion for surftrace, surfguide and lbc: one script, installed under each
# command's name (make install, BASHCOMPDIR); tests/packaging/completion.sh.
BASH_COMPLETION := completion/surftrace.bash
