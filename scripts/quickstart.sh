#!/usr/bin/env bash
# Installs what is missing, builds sslpde, and runs the main pipeline on a small default
# configuration: it looks at the LPSDA reference files, then runs the Burgers pipeline
# (generate -> self-supervised pre-training -> coefficient regression against a supervised
# baseline) on 2 CPU cores and prints the comparison table. Results (JSON, Markdown table, PNG
# plots, the TorchScript encoder and the data file) land in output/burgers_quickstart/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SSLPDE_BUILD_DIR:-$root/build}
ranks=${SSLPDE_RANKS:-2}

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

sslpde="$build/bin/sslpde"
mpirun_flags=(--oversubscribe)
[ "$(id -u)" -eq 0 ] && mpirun_flags+=(--allow-run-as-root)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

cd "$root"
echo "== 1. The LPSDA reference files, read by sslpde"
for f in "$root"/../shared/reference-data/*.h5; do
  [ -f "$f" ] && "$sslpde" inspect "$f"
done

prm="$root/examples/burgers_quickstart.prm"
if [ -f "$prm" ] && "$sslpde" --help | grep -q "sslpde run"; then
  echo "== 2. Burgers: generate -> pretrain -> evaluate ($ranks MPI ranks)"
  mpirun "${mpirun_flags[@]}" -np "$ranks" "$sslpde" run "$prm"
elif [ -f "$root/examples/burgers_generate_quick.prm" ] && "$sslpde" --help | grep -q "sslpde generate"; then
  echo "== 2. Burgers: generate a small data set ($ranks MPI ranks)"
  mpirun "${mpirun_flags[@]}" -np "$ranks" "$sslpde" generate "$root/examples/burgers_generate_quick.prm"
fi
