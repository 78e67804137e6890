# SPDX-License-Identifier: MIT
# Sourced by the lab's host scripts (ROOT = the checkout). The download cache lives outside
# the clone, in /var/cache/surftrace-lab (LAB_CACHE overrides; not under /var/cache/surftrace,
# which is surftrace's own cache for root and may be emptied), so fresh clones on the same
# machine share the kernels, the -dbg packages and the hives built from them. The clone's
# .cache/lab is a symlink to it, which is the path the suites use; when /var/cache is not
# writable, .cache/lab stays a plain directory (the old layout). Sets C and defines the
# private apt states (apt_use, apt_private, write_sources, apt_update) and lab_kernel.
lab_cache_dir() {
  local want=${LAB_CACHE:-/var/cache/surftrace-lab} link=$ROOT/.cache/lab e
  local old=/var/cache/surftrace/lab
  mkdir -p "$ROOT/.cache"
  # The cache's first home: moved over once (same filesystem: a rename).
  if [ -z "${LAB_CACHE:-}" ] && [ -d "$old" ] && [ ! -L "$old" ] && [ ! -e "$want" ]; then
    mv "$old" "$want" 2>/dev/null || true
  fi
  # A clone from before the move: its downloads go to the shared cache (same filesystem:
  # mv renames) unless the cache has them already, then the directory becomes the link.
  if [ -d "$link" ] && [ ! -L "$link" ] && mkdir -p "$want" 2>/dev/null && [ -w "$want" ]; then
    for e in "$link"/* "$link"/.updated; do
      [ -e "$e" ] && [ ! -e "$want/${e##*/}" ] && mv "$e" "$want/"
    done
    rm -rf "$link"
  fi
  if [ -L "$link" ] || [ ! -e "$link" ]; then
    if mkdir -p "$want" 2>/dev/null && [ -w "$want" ]; then
      [ "$(readlink "$link" 2>/dev/null)" = "$want" ] || ln -sfn "$want" "$link"
    else
      rm -f "$link"; mkdir -p "$link"
    fi
  fi
  C=$(cd "$link" && pwd -P)
}
lab_cache_dir
mkdir -p "$C/debs"

# Private apt states, one per Debian release the lab kernels come from: bookworm (6.1,
# 6.12) in $C/apt, bullseye (5.10) in $C/apt-bullseye, so neither release's lists shadow
# the other's candidates. apt_use RELEASE selects one (APT); apt_private and
# apt_private_cache run apt-get/apt-cache on it with private sources, lists and caches
# (the machine's own apt state is untouched).
apt_use() {
  case $1 in
    bookworm) APT=$C/apt; APT_STAMP=$C/.updated ;;
    *) APT=$C/apt-$1; APT_STAMP=$APT/.updated ;;
  esac
  APT_DIST=$1
  mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
}
apt_opts() {
  APT_OPTS=(-o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=-
    -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache"
    -o Dir::Cache::pkgcache="$APT/cache/pkgcache.bin"
    -o Dir::Cache::srcpkgcache="$APT/cache/srcpkgcache.bin" -o APT::Sandbox::User=root)
}
apt_private() { apt_opts; apt-get -q "${APT_OPTS[@]}" "$@"; }
apt_private_cache() { apt_opts; apt-cache "${APT_OPTS[@]}" "$@"; }
apt_use bookworm

# The release a lab kernel comes from (its apt state) and how its image package is chosen
# (_fetch.sh image_pkg): "" the candidate, SUITE pinned with -t, =SUITE the highest version
# that suite itself offers. 5.10 is bullseye's last point-release kernel (Debian 11.11,
# frozen: the cache stays valid for good); LAB_BULLSEYE_SUITE=bullseye-security takes the
# newest security update instead (its -dbg package must be on the mirror too).
lab_kernel() { # VER -> KDIST KSEL
  case $1 in
    5.10) KDIST=bullseye KSEL="=${LAB_BULLSEYE_SUITE:-bullseye}" ;;
    6.1) KDIST=bookworm KSEL= ;;
    6.12) KDIST=bookworm KSEL=bookworm-backports ;;
    *) echo "lab: unknown kernel label $1 (5.10, 6.1, 6.12)" >&2; return 1 ;;
  esac
}

write_sources() {
  local m=${LAB_MIRROR:-http://deb.debian.org/debian} d=$APT_DIST
  local k="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]"
  {
    echo "deb $k $m $d main"
    echo "deb $k $m $d-updates main"
    echo "deb $k http://deb.debian.org/debian-security $d-security main"
    [ "$d" != bookworm ] || echo "deb $k $m bookworm-backports main"
  } >"$APT/sources.list.$$"
  mv "$APT/sources.list.$$" "$APT/sources.list"
}

# apt_update: the lists of the selected state, once (LAB_REFRESH=1: again).
apt_update() {
  if [ ! -s "$APT_STAMP" ] || [ -n "${LAB_REFRESH:-}" ]; then
    apt_private update
    date -u +%FT%TZ >"$APT_STAMP"
  fi
}
