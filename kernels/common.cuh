// devarray kernels: shared definitions (dtype storage, conversions, ABI structs, elementwise
// engine, index helpers, warp/block helpers, register-only trigonometry).
//
// Compiled by NVRTC (passed to it as the header "common.cuh"); it includes only its own parts
// below, never a toolkit header.
// Every device-only intrinsic sits behind a small da_* wrapper with a portable host branch
// (`#ifdef __CUDA_ARCH__`), so the same sources also build as host C++ for the CPU emulator,
// whose shim (kernels/emu/shim.h: threadIdx/blockIdx/blockDim/gridDim, __syncthreads,
// __shfl_xor_sync, the C math functions, DA_EMULATOR) is included before this file. A shim may
// predefine DA_DEV, DA_KERNEL (variadic: it receives the __launch_bounds__ arguments), DA_SHARED
// and DA_GLOBAL_CONST.
//
// The definitions live in the common_*.cuh parts below, one topic each so that a change is
// reviewed against one file; this header only includes them in dependency order (each part
// uses the ones before it). Families include this file, never a part. The host passes every
// part to NVRTC by name (src/cuda/module.rs, COMMON_HEADERS) and hashes them all into the
// module cache key; the emulator and the host tests find them with -I kernels.
#ifndef DA_COMMON_CUH
#define DA_COMMON_CUH

#include "common_port.cuh"
#include "common_memory.cuh"
#include "common_f16.cuh"
#include "common_traits.cuh"
#include "common_chunk.cuh"
#include "common_index.cuh"
#include "common_elementwise.cuh"
#include "common_dtype.cuh"
#include "common_math.cuh"
#include "common_complex.cuh"

#endif  // DA_COMMON_CUH
