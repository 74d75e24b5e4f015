#!/usr/bin/env bash
# Configures and builds sslpde (Release, ccache when present) into ${SSLPDE_BUILD_DIR:-build}.
# Used by quickstart.sh and test.sh; extra arguments go to cmake's configure step.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SSLPDE_BUILD_DIR:-$root/build}
jobs=${SSLPDE_JOBS:-$(nproc)}

# Paths relative to the checkout, so a fresh clone elsewhere (CI) reuses the cache.
export CCACHE_BASEDIR="$root"
if command -v ccache >/dev/null; then
  # Keep the cache inside what CI's machine keeps between runs, sized for a few full builds.
  ccache --max-size=5G >/dev/null 2>&1 || true
fi

start=$(date +%s)
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build" -j "$jobs"
echo "build: finished in $(( $(date +%s) - start )) s ($build)"
