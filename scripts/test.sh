#!/usr/bin/env bash
# Installs what is missing (Debian bookworm packages), builds sslpde and runs the whole test suite
# through ctest, MPI tests included. Prints ctest's summary line; exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SSLPDE_BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

# Every rank of the MPI tests gets one torch thread (set in the tests); keep BLAS and OpenMP from
# oversubscribing the cores on top of that.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
start=$(date +%s)
cd "$build"
status=0
ctest --output-on-failure -j "${SSLPDE_TEST_JOBS:-2}" --timeout 900 || status=$?
echo "tests: finished in $(( $(date +%s) - start )) s"
exit $status
