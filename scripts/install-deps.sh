#!/usr/bin/env bash
# Installs, from Debian bookworm packages, whatever sslpde needs and the machine lacks.
# Idempotent: packages already installed are skipped, and apt is not touched when nothing is missing.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake make git ccache pkg-config
  # deal.II 9.4.1 with PETSc 3.18, p4est, SUNDIALS, parallel HDF5
  libdeal.ii-dev petsc-dev libsundials-dev libhdf5-openmpi-dev
  # MPI
  libopenmpi-dev openmpi-bin
  # LibTorch 1.13 (CPU); OpenBLAS so that it does not fall back to the reference BLAS
  libtorch-dev libopenblas-dev
  # Boost, tests, plots
  libboost-dev libgtest-dev googletest gnuplot-nox
  # Python torch: the tests load our TorchScript exports with torch.jit.load
  python3 python3-torch python3-h5py python3-numpy
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}) and not root; install them or rerun as root" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# libopenblas-dev provides the alternatives that LibTorch's BLAS resolves to; make sure they point at OpenBLAS.
for alt in libblas.so.3-x86_64-linux-gnu liblapack.so.3-x86_64-linux-gnu; do
  target=$(update-alternatives --list "$alt" 2>/dev/null | grep openblas | head -n 1 || true)
  [ -n "$target" ] && update-alternatives --set "$alt" "$target" >/dev/null
done
echo "install-deps: done"
