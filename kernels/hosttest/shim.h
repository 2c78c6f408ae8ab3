// Host shim for compiling kernels/*.cu as C++ (g++/clang++) and running them on the CPU:
// every CUDA thread is a ucontext fiber; blocks run one after another. Only what the devarray
// kernels use is provided: threadIdx/blockIdx/blockDim/gridDim (.x), __syncthreads,
// __shfl_xor_sync, and the C math library. For tests, not for speed.
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>

struct da_dim3 { unsigned int x, y, z; };
extern da_dim3 threadIdx, blockIdx, blockDim, gridDim;

void da_emu_syncthreads();
void da_emu_warp_exchange(const void* mine, void* theirs, int bytes, int lane_mask);

inline void __syncthreads() { da_emu_syncthreads(); }
template <class T> inline T __shfl_xor_sync(unsigned int, T v, int lane_mask) {
    T r;
    da_emu_warp_exchange(&v, &r, (int)sizeof(T), lane_mask);
    return r;
}
