// CUDA's execution model for kernels compiled as host C++ (g++/clang++, C++17): the devarray CUDA
// emulator (cargo feature `emulator`) and kernels/hosttest include this before a kernel source.
//
// What it provides, all backed by kernels/emu/runtime.cpp:
// - built-in variables threadIdx/blockIdx/blockDim/gridDim/warpSize (3-d);
// - `__shared__` (DA_SHARED): one instance per kernel, reused by the blocks of a launch, which run one
//   after another (so a block never sees another block's data unless it reads before writing);
// - __syncthreads(): a real barrier; every CUDA thread is a fiber, and the threads of a block run in
//   a seeded pseudo-random order between barriers, so code that needs a barrier fails without it;
// - warp shuffles (__shfl*_sync), votes (__ballot/__all/__any_sync), __syncwarp among the 32 lanes of
//   each warp (full-warp masks only; a barrier or warp operation that a thread of the block or
//   a lane of the warp has exited before is reported as an error, like a deadlock);
// - atomics, vector types (uint4, float2...), bit/float reinterpretation intrinsics, __ldg, the C
//   math library, half/bfloat16 conversions (through common_f16.cuh's portable code);
// - DA_EMU_REGISTER: a per-translation-unit kernel registry (kernels/emu/module_table.h collects it).
// One kernel runs at a time per process (the runtime serialises launches).
#pragma once
#define DA_EMULATOR 1

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <utility>

// ---- qualifiers ----
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __shared__ static
#define __constant__ static
#ifndef DA_SHARED
#  define DA_SHARED static
#endif

// ---- built-in variables ----
struct uint3 { unsigned int x, y, z; };
struct dim3 {
    unsigned int x, y, z;
    constexpr dim3(unsigned int x_ = 1, unsigned int y_ = 1, unsigned int z_ = 1) : x(x_), y(y_), z(z_) {}
};
extern uint3 threadIdx, blockIdx;
extern dim3 blockDim, gridDim;
constexpr int warpSize = 32;

// ---- runtime entry points (kernels/emu/runtime.cpp) ----
extern "C" {
void da_emu_syncthreads(void);
void da_emu_syncwarp(unsigned int mask);
// Every lane of the warp deposits `bytes` bytes and, once all have, receives lane `src`'s in `out`.
void da_emu_warp_exchange(unsigned int mask, const void* mine, unsigned int bytes, int src, void* out);
// Every lane contributes `pred`; returns the bits of the lanes whose `pred` is non-zero.
unsigned int da_emu_warp_ballot(unsigned int mask, int pred);
unsigned int da_emu_active_mask(void);
[[noreturn]] void da_emu_trap(const char* why);
float da_emu_half_to_float(unsigned short h);
unsigned short da_emu_float_to_half(float f);
unsigned short da_emu_double_to_half(double d);
float da_emu_bf16_to_float(unsigned short b);
unsigned short da_emu_float_to_bf16(float f);
}

inline void __syncthreads() { da_emu_syncthreads(); }
inline void __syncwarp(unsigned int mask = 0xffffffffu) { da_emu_syncwarp(mask); }
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
[[noreturn]] inline void __trap() { da_emu_trap("__trap() called"); }
inline unsigned int __activemask() { return da_emu_active_mask(); }

// ---- warp shuffles and votes ----
inline unsigned int da_emu_lane() {
    const unsigned int t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    return t & 31u;
}
template <class T> inline T da_emu_shfl_from(unsigned int mask, T v, int src_lane) {
    T r;
    da_emu_warp_exchange(mask, &v, (unsigned int)sizeof(T), src_lane & 31, &r);
    return r;
}
template <class T> inline T __shfl_sync(unsigned int mask, T v, int src, int width = 32) {
    const int lane = (int)da_emu_lane(), base = lane & ~(width - 1);
    return da_emu_shfl_from(mask, v, base + (src & (width - 1)));
}
template <class T> inline T __shfl_up_sync(unsigned int mask, T v, unsigned int delta, int width = 32) {
    const int lane = (int)da_emu_lane(), base = lane & ~(width - 1), src = lane - (int)delta;
    return da_emu_shfl_from(mask, v, src < base ? lane : src);
}
template <class T> inline T __shfl_down_sync(unsigned int mask, T v, unsigned int delta, int width = 32) {
    const int lane = (int)da_emu_lane(), base = lane & ~(width - 1), src = lane + (int)delta;
    return da_emu_shfl_from(mask, v, src >= base + width ? lane : src);
}
template <class T> inline T __shfl_xor_sync(unsigned int mask, T v, int lane_mask, int width = 32) {
    const int lane = (int)da_emu_lane(), base = lane & ~(width - 1), src = lane ^ lane_mask;
    return da_emu_shfl_from(mask, v, src >= base + width ? lane : src);
}
inline unsigned int __ballot_sync(unsigned int mask, int pred) { return da_emu_warp_ballot(mask, pred) & mask; }
inline int __all_sync(unsigned int mask, int pred) { return __ballot_sync(mask, pred) == (mask & __activemask()); }
inline int __any_sync(unsigned int mask, int pred) { return __ballot_sync(mask, pred) != 0u; }

// ---- atomics (one kernel runs at a time, but the builtins keep them atomic for the host too) ----
template <class T> inline T da_emu_atomic_update(T* p, T (*f)(T, T), T v) {
    T old, desired;
    __atomic_load(p, &old, __ATOMIC_SEQ_CST);
    do {
        desired = f(old, v);
    } while (!__atomic_compare_exchange(p, &old, &desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return old;
}
template <class T> inline T da_emu_fadd(T a, T b) { return a + b; }
template <class T> inline T da_emu_fmin(T a, T b) { return b < a ? b : a; }
template <class T> inline T da_emu_fmax(T a, T b) { return b > a ? b : a; }
template <class T> inline T atomicAdd(T* p, T v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
inline float atomicAdd(float* p, float v) { return da_emu_atomic_update<float>(p, da_emu_fadd<float>, v); }
inline double atomicAdd(double* p, double v) { return da_emu_atomic_update<double>(p, da_emu_fadd<double>, v); }
template <class T> inline T atomicSub(T* p, T v) { return __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST); }
template <class T> inline T atomicExch(T* p, T v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
inline float atomicExch(float* p, float v) {
    float old;
    __atomic_exchange(p, &v, &old, __ATOMIC_SEQ_CST);
    return old;
}
template <class T> inline T atomicMin(T* p, T v) { return da_emu_atomic_update<T>(p, da_emu_fmin<T>, v); }
template <class T> inline T atomicMax(T* p, T v) { return da_emu_atomic_update<T>(p, da_emu_fmax<T>, v); }
template <class T> inline T atomicAnd(T* p, T v) { return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); }
template <class T> inline T atomicOr(T* p, T v) { return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }
template <class T> inline T atomicXor(T* p, T v) { return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); }
template <class T> inline T atomicCAS(T* p, T expected, T desired) {
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return expected;
}
inline unsigned int da_emu_inc(unsigned int old, unsigned int lim) { return old >= lim ? 0u : old + 1u; }
inline unsigned int da_emu_dec(unsigned int old, unsigned int lim) { return (old == 0u || old > lim) ? lim : old - 1u; }
inline unsigned int atomicInc(unsigned int* p, unsigned int lim) { return da_emu_atomic_update(p, da_emu_inc, lim); }
inline unsigned int atomicDec(unsigned int* p, unsigned int lim) { return da_emu_atomic_update(p, da_emu_dec, lim); }

// ---- vector types (CUDA's sizes and alignments) ----
#define DA_EMU_VEC2(T, N, A) \
    struct alignas(A) N##2 { T x, y; }; \
    inline N##2 make_##N##2(T x, T y) { return N##2{x, y}; }
#define DA_EMU_VEC3(T, N) \
    struct N##3_ { T x, y, z; }; \
    inline N##3_ make_##N##3(T x, T y, T z) { return N##3_{x, y, z}; }
#define DA_EMU_VEC4(T, N, A) \
    struct alignas(A) N##4 { T x, y, z, w; }; \
    inline N##4 make_##N##4(T x, T y, T z, T w) { return N##4{x, y, z, w}; }
DA_EMU_VEC2(signed char, char, 2)
DA_EMU_VEC4(signed char, char, 4)
DA_EMU_VEC2(unsigned char, uchar, 2)
DA_EMU_VEC4(unsigned char, uchar, 4)
DA_EMU_VEC2(short, short, 4)
DA_EMU_VEC4(short, short, 8)
DA_EMU_VEC2(unsigned short, ushort, 4)
DA_EMU_VEC4(unsigned short, ushort, 8)
DA_EMU_VEC2(int, int, 8)
DA_EMU_VEC4(int, int, 16)
DA_EMU_VEC2(unsigned int, uint, 8)
DA_EMU_VEC4(unsigned int, uint, 16)
DA_EMU_VEC2(float, float, 8)
DA_EMU_VEC4(float, float, 16)
DA_EMU_VEC2(double, double, 16)
DA_EMU_VEC2(long long, longlong, 16)
DA_EMU_VEC2(unsigned long long, ulonglong, 16)
DA_EMU_VEC3(int, int)
DA_EMU_VEC3(float, float)
typedef int3_ int3;
typedef float3_ float3;
inline uint3 make_uint3(unsigned int x, unsigned int y, unsigned int z) { return uint3{x, y, z}; }
#undef DA_EMU_VEC2
#undef DA_EMU_VEC3
#undef DA_EMU_VEC4

// ---- intrinsics ----
template <class T> inline T __ldg(const T* p) { return *p; }
template <class To, class From> inline To da_emu_bits(From v) {
    static_assert(sizeof(To) == sizeof(From), "same size");
    To r;
    memcpy(&r, &v, sizeof r);
    return r;
}
inline unsigned int __float_as_uint(float f) { return da_emu_bits<unsigned int>(f); }
inline int __float_as_int(float f) { return da_emu_bits<int>(f); }
inline float __uint_as_float(unsigned int u) { return da_emu_bits<float>(u); }
inline float __int_as_float(int i) { return da_emu_bits<float>(i); }
inline long long __double_as_longlong(double d) { return da_emu_bits<long long>(d); }
inline double __longlong_as_double(long long l) { return da_emu_bits<double>(l); }
inline unsigned int __umulhi(unsigned int a, unsigned int b) { return (unsigned int)(((unsigned long long)a * b) >> 32); }
inline int __mulhi(int a, int b) { return (int)(((long long)a * b) >> 32); }
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
    return (unsigned long long)(((unsigned __int128)a * b) >> 64);
}
inline long long __mul64hi(long long a, long long b) { return (long long)(((__int128)a * b) >> 64); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned int)x); }
inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll((unsigned long long)x); }
inline int __popc(unsigned int x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline unsigned int __brev(unsigned int x) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    return __builtin_bswap32(x);
}
// Round-to-nearest arithmetic that is never contracted into an FMA.
inline float __fadd_rn(float a, float b) { volatile float r = a + b; return r; }
inline float __fmul_rn(float a, float b) { volatile float r = a * b; return r; }
inline double __dadd_rn(double a, double b) { volatile double r = a + b; return r; }
inline double __dmul_rn(double a, double b) { volatile double r = a * b; return r; }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline float __saturatef(float x) { return x != x ? 0.0f : (x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x)); }

// ---- half / bfloat16 (storage structs; conversions round to nearest even like the device) ----
struct __half { unsigned short x; };
struct __nv_bfloat16 { unsigned short x; };
inline float __half2float(__half h) { return da_emu_half_to_float(h.x); }
inline __half __float2half_rn(float f) { return __half{da_emu_float_to_half(f)}; }
inline __half __float2half(float f) { return __float2half_rn(f); }
inline __half __double2half(double d) { return __half{da_emu_double_to_half(d)}; }
inline float __bfloat162float(__nv_bfloat16 b) { return da_emu_bf16_to_float(b.x); }
inline __nv_bfloat16 __float2bfloat16_rn(float f) { return __nv_bfloat16{da_emu_float_to_bf16(f)}; }
inline __nv_bfloat16 __float2bfloat16(float f) { return __float2bfloat16_rn(f); }

// ---- kernel registry ----
// One entry per kernel: `entry(params)` calls the kernel with its parameters passed as
// cuLaunchKernel passes them (params[i] points at parameter i's bytes). `abi`/`abi_info` describe
// the parameters for the host's checks (the meaning is the kernel sources' business: common.cuh).
struct da_emu_kernel {
    const char* name;
    void (*entry)(void** params);
    unsigned int max_threads;  // __launch_bounds__ maxThreadsPerBlock
    unsigned int nparams;
    unsigned int param_size[4];
    unsigned int abi;
    unsigned int abi_info[7];
};
// A module: the kernels one (family, dtype) unit defines; da_emu_modules() (generated by the build)
// lists them all.
struct da_emu_module {
    const char* family;
    const char* tag;
    const da_emu_kernel* const* (*kernels)(unsigned int* count);
};
// Slot N of this translation unit's registry (kernels/emu/module_table.h reads slots 0..__COUNTER__).
// In an unnamed namespace: every module unit has its own slots.
namespace {
template <int N> struct da_emu_slot {
    static const da_emu_kernel* get() { return nullptr; }
};
}  // namespace
#define DA_EMU_REGISTER_AT(N, ...)                                      \
    namespace {                                                         \
    template <> struct da_emu_slot<N> {                                 \
        static const da_emu_kernel* get() {                             \
            static const da_emu_kernel k = {__VA_ARGS__};               \
            return &k;                                                  \
        }                                                               \
    };                                                                  \
    }
#define DA_EMU_REGISTER(...) DA_EMU_REGISTER_AT(__COUNTER__, __VA_ARGS__)

// The launch interface (kernels/emu/runtime.cpp): runs every block of the grid, one after another,
// each thread a fiber. Returns 0, or non-zero with `error` set (the launch is abandoned).
struct da_emu_launch_desc {
    const da_emu_kernel* kernel;
    void** params;
    unsigned int grid[3];
    unsigned int block[3];
    unsigned long long seed;  // scheduling order of the threads between barriers
};
struct da_emu_launch_result {
    unsigned long long blocks, threads, switches;
    char error[256];
};
extern "C" int da_emu_run(const da_emu_launch_desc* desc, da_emu_launch_result* result);
