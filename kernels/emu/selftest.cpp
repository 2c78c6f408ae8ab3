// Kernels that test the emulator's runtime itself (src/cuda/emu/tests.rs): barriers, shared memory,
// warp shuffles and votes, atomics, 3-d indices, and the errors it must report. Module
// "emu_selftest/none"; each kernel takes one StArgs. Not devarray kernels: only the emulator has them.
#include "shim.h"

struct StArgs {
    unsigned long long out;  // int* unless noted
    unsigned long long in;   // const int*
    unsigned int mode;
    unsigned int pad;
};

#define ST_KERNEL(NAME, THREADS)                                                           \
    extern "C" void NAME(StArgs a);                                                        \
    extern "C" void NAME##__emu(void** p) { NAME(*(const StArgs*)p[0]); }                  \
    DA_EMU_REGISTER(#NAME, &NAME##__emu, THREADS, 1u, {(unsigned)sizeof(StArgs), 0u, 0u, 0u}, 0u, \
                    {0u, 0u, 0u, 0u, 0u, 0u, 0u})                                          \
    extern "C" void NAME(StArgs a)

// out[block] = sum of in[block * blockDim .. +blockDim) through shared memory; mode 1 leaves out
// the barrier between the writes and thread 0's reads.
ST_KERNEL(st_block_sum, 1024) {
    __shared__ int sm[1024];
    const int* in = (const int*)a.in;
    const unsigned int t = threadIdx.x;
    sm[t] = in[blockIdx.x * blockDim.x + t];
    if (a.mode == 0) __syncthreads();
    if (t == 0) {
        int s = 0;
        for (unsigned int i = 0; i < blockDim.x; ++i) s += sm[i];
        ((int*)a.out)[blockIdx.x] = s;
    }
}

// 8 ints per thread t: shfl (lane 3), shfl_up 1, shfl_down 2, shfl_xor 5, ballot(odd lane),
// any(lane == 7), all(lane < 32), shfl_xor 1 with width 4.
ST_KERNEL(st_warp_ops, 1024) {
    const int lane = (int)(threadIdx.x & 31u), v = 100 * (int)threadIdx.x;
    int* o = (int*)a.out + 8 * threadIdx.x;
    o[0] = __shfl_sync(0xffffffffu, v, 3);
    o[1] = __shfl_up_sync(0xffffffffu, v, 1);
    o[2] = __shfl_down_sync(0xffffffffu, v, 2);
    o[3] = __shfl_xor_sync(0xffffffffu, v, 5);
    o[4] = (int)__ballot_sync(0xffffffffu, lane & 1);
    o[5] = __any_sync(0xffffffffu, lane == 7);
    o[6] = __all_sync(0xffffffffu, lane < 32);
    o[7] = __shfl_xor_sync(0xffffffffu, v, 1, 4);
}

// out[0] += 1 and out[1] = max(out[1], global thread id) for every thread; out[2] counts threads
// through a CAS loop; out as unsigned int.
ST_KERNEL(st_atomics, 1024) {
    unsigned int* o = (unsigned int*)a.out;
    const unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    atomicAdd(&o[0], 1u);
    atomicMax(&o[1], g);
    unsigned int old = o[2], seen;
    do {
        seen = old;
        old = atomicCAS(&o[2], seen, seen + 1u);
    } while (old != seen);
}

// 3-d launch: out[linear global thread] = threadIdx/blockIdx packed as x | y<<4 | z<<8 | bx<<12 |
// by<<16 | bz<<20, and out[total] = blockDim.x * 100 + gridDim.z.
ST_KERNEL(st_dims, 1024) {
    int* o = (int*)a.out;
    const unsigned int tpb = blockDim.x * blockDim.y * blockDim.z;
    const unsigned int t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    const unsigned int b = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
    o[b * tpb + t] = (int)(threadIdx.x | threadIdx.y << 4 | threadIdx.z << 8 | blockIdx.x << 12 | blockIdx.y << 16 |
                           blockIdx.z << 20);
    if (b == 0 && t == 0) o[tpb * gridDim.x * gridDim.y * gridDim.z] = (int)(blockDim.x * 100 + gridDim.z);
}

// Errors. mode 0: thread 1 exits before the others' __syncthreads(); mode 1: lane 3 exits before a
// shuffle; mode 2: thread 5 traps; mode 3: lanes disagree on a shuffle's mask; mode 4: half the
// block waits at __syncthreads() while the other half waits in a shuffle of a warp it does not
// complete (a deadlock).
ST_KERNEL(st_errors, 1024) {
    const unsigned int t = threadIdx.x;
    if (a.mode == 0) {
        if (t == 1) return;
        __syncthreads();
    } else if (a.mode == 1) {
        if (t == 3) return;
        (void)__shfl_xor_sync(0xffffffffu, (int)t, 1);
    } else if (a.mode == 2) {
        if (t == 5) __trap();
    } else if (a.mode == 3) {
        (void)__shfl_xor_sync(t == 0 ? 0x0000ffffu : 0xffffffffu, (int)t, 1);
    } else if (a.mode == 4) {
        if (t < 16) (void)__shfl_xor_sync(0xffffffffu, (int)t, 1);
        else __syncthreads();
    }
}

#define DA_EMU_MODULE_FN da_emu_module_emu_selftest_none
#include "module_table.h"
