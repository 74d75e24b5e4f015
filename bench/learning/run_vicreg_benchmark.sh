#!/bin/bash
# Runs the VICReg throughput table: PyTorch reference (1 and 2 threads) measured here, then sslpde
# with 1 and 2 threads on one rank and 1 thread on each of 2 ranks. Usage: run_vicreg_benchmark.sh BUILD_DIR [STEPS]
set -e
build=${1:?usage: run_vicreg_benchmark.sh BUILD_DIR [STEPS]}
steps=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
bin=$build/bench/learning/bench_vicreg_throughput
mpi="mpiexec --oversubscribe"; [ "$(id -u)" = 0 ] && mpi="$mpi --allow-run-as-root"
ref1=$(/usr/bin/python3 "$here/vicreg_reference.py" 1 "$steps" | sed 's/.*samples_per_s=//')
ref2=$(/usr/bin/python3 "$here/vicreg_reference.py" 2 "$steps" | sed 's/.*samples_per_s=//')
echo "PyTorch measured here: 1 thread $ref1 samples/s, 2 threads $ref2 samples/s (BENCHMARKS.md: 20.5, 28.2)"
OMP_NUM_THREADS=1 $mpi -np 1 "$bin" 1 "$steps" "$ref1"
OMP_NUM_THREADS=2 $mpi -np 1 "$bin" 2 "$steps" "$ref2" | tail -1
OMP_NUM_THREADS=1 $mpi -np 2 "$bin" 1 "$steps" "$ref2" | tail -1
