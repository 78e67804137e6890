# SPDX-License-Identifier: MIT
# Sourced by the lab's host scripts (ROOT = the checkout). The download cache lives outside
# the clone, in /var/cache/surftrace/lab (LAB_CACHE overrides), so fresh clones on the same
# machine share the kernels, the -dbg packages and the hives built from them. The clone's
# .cache/lab is a symlink to it, which is the path the suites use; when /var/cache is not
# writable, .cache/lab stays a plain directory (the old layout). Sets C and APT and defines
# apt_private and write_sources.
lab_cache_dir() {
  local want=${LAB_CACHE:-/var/cache/surftrace/lab} link=$ROOT/.cache/lab e
  mkdir -p "$ROOT/.cache"
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
APT="$C/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$C/debs"

# All apt calls go through this wrapper: private sources, lists and caches (the machine's
# own apt state is untouched).
apt_private() {
  apt-get -q -o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=- \
    -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" \
    -o Dir::Cache::pkgcache="$APT/cache/pkgcache.bin" \
    -o Dir::Cache::srcpkgcache="$APT/cache/srcpkgcache.bin" \
    -o APT::Sandbox::User=root "$@"
}

write_sources() {
  local m=${LAB_MIRROR:-http://deb.debian.org/debian}
  cat >"$APT/sources.list.$$" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $m bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $m bookworm-updates main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $m bookworm-backports main
SRC
  mv "$APT/sources.list.$$" "$APT/sources.list"
}
