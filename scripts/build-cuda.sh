#!/usr/bin/env bash
# Builds the `solvent` binary with the `cuda` feature (GPU prover, halo2-axiom-gpu) on a machine
# without a GPU or a CUDA installation: the CUDA compiler comes from PyPI wheels, libcuda from a
# link stub (the real one is the driver's, found at run time), and the CUDA runtime is linked
# statically, so the one binary runs on any machine with an NVIDIA driver for CUDA 13.
#
#   scripts/build-cuda.sh            # -> target/cuda/release/solvent
#
# Environment: CUDA_ARCH (default 90: H100/H200), SOLVENT_CUDA_TOOLCHAIN (default
# target/cuda-toolchain), NVCC_THREADS (parallel nvcc jobs).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
toolchain="${SOLVENT_CUDA_TOOLCHAIN:-$root/target/cuda-toolchain}"
arch="${CUDA_ARCH:-90}"
# CUDA >= 12.8 is what halo2-axiom-gpu needs; these wheels are CUDA 13.
wheels=(
  "nvidia-cuda-nvcc==13.5.37"
  "nvidia-cuda-runtime==13.5.37"
  "nvidia-cuda-crt==13.5.37"
  "nvidia-nvvm==13.5.37"
  "nvidia-cuda-cccl==13.3.5.0.6"
)

if [ ! -x "$toolchain/venv/bin/python" ]; then
  python3 -m venv "$toolchain/venv"
fi
"$toolchain/venv/bin/pip" install --quiet --disable-pip-version-check "${wheels[@]}"
site="$("$toolchain/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
wheel_cuda="$site/nvidia/cu13"

# A CUDA_PATH laid out as nvcc and the build scripts expect it.
cuda="$toolchain/cuda"
rm -rf "$cuda"
mkdir -p "$cuda/lib64"
ln -s "$wheel_cuda/bin" "$cuda/bin"
ln -s "$wheel_cuda/nvvm" "$cuda/nvvm"
mkdir -p "$cuda/include"
for dir in "$wheel_cuda/include" "$wheel_cuda/cccl/include" "$wheel_cuda/cccl"; do
  [ -d "$dir" ] && cp -rs "$dir/." "$cuda/include/" 2>/dev/null || true
done
# The static CUDA runtime under the name `-lcudart` resolves to; no libcudart.so beside it.
cp "$wheel_cuda/lib/libcudart_static.a" "$cuda/lib64/libcudart.a"
cp "$wheel_cuda/lib/libcudart_static.a" "$cuda/lib64/libcudart_static.a"
cp "$wheel_cuda/lib/libcudadevrt.a" "$cuda/lib64/libcudadevrt.a"

# The driver library, libcuda, belongs to the machine's NVIDIA driver. Rather than linking it
# (the binary would then fail to load where no driver is installed), link a static shim: each cu*
# entry point that cuda.h declares looks the real one up in libcuda.so.1 on first use (dlopen) and
# forwards its arguments; without a driver it returns CUDA_ERROR_NO_DEVICE, which the prover
# reports as a clear error. (The static CUDA runtime loads the driver the same way.)
shim_c="$toolchain/libcuda_shim.c"
{
  echo '#include <dlfcn.h>'
  echo 'static void *driver(const char *name) {'
  echo '  static void *handle;'
  echo '  if (!handle) handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);'
  echo '  return handle ? dlsym(handle, name) : 0;'
  echo '}'
  echo 'static int no_driver(void) { return 100; /* CUDA_ERROR_NO_DEVICE */ }'
  gcc -E -P -I"$cuda/include" "$cuda/include/cuda.h" \
    | grep -oE '\bcu[A-Z][A-Za-z0-9_]*[[:space:]]*\(' | tr -d '( \t' | sort -u \
    | while read -r name; do
        echo "void $name(void) { static void *f; if (!f) f = driver(\"$name\"); if (!f) f = (void *)no_driver;"
        echo "  void *args = __builtin_apply_args(); void *ret = __builtin_apply((void (*)())f, args, 512); __builtin_return(ret); }"
      done
} > "$shim_c"
gcc -O1 -fPIC -w -c -o "$toolchain/libcuda_shim.o" "$shim_c"
rm -f "$cuda/lib64/libcuda.a"
ar rcs "$cuda/lib64/libcuda.a" "$toolchain/libcuda_shim.o"
entry_points=$(grep -c '^void cu' "$shim_c")
echo "CUDA toolchain: $("$cuda/bin/nvcc" --version | tail -2 | head -1); libcuda shim with $entry_points entry points"

export PATH="$cuda/bin:$PATH"
export CUDA_PATH="$cuda" CUDA_HOME="$cuda" CUDA_LIBRARY_PATH="$cuda/lib64"
export CUDA_ARCH="$arch"
export LIBRARY_PATH="$cuda/lib64${LIBRARY_PATH:+:$LIBRARY_PATH}"
cd "$root"
start=$(date +%s)
cargo build --release -p solvent-prover --bin solvent --features cuda --target-dir target/cuda
binary="$root/target/cuda/release/solvent"
echo "built $binary: $(stat -c %s "$binary") bytes in $(( $(date +%s) - start )) s (sm_$arch)"
echo "dynamic libraries it needs:"
readelf -d "$binary" | grep NEEDED
