// devarray batched matrix product: matmul_{T}_tile(MatmulArgs), DA_MM_BLOCK = 256 threads.
//   out[p] = a[p] @ b[p] for every batch position p; a (batch, m, k), b (batch, k, n) addressed
//   by signed 64-bit ELEMENT strides (zero: broadcast, negative: flipped views, any order:
//   transposed views), so no operand is ever copied; out (batch, m, n) is C-contiguous.
// A block computes one 64x64 output tile of one batch position: 16x16 threads, each a 4x4
// register micro-tile (rows ty + 16r, columns tx + 16c: a warp's 16 consecutive columns make the
// stores coalesced and the shared-memory reads of B conflict-free), walking k in steps of 16 that
// are staged through static shared memory in the accumulator type (converted once on load, so the
// inner loop is only multiply-adds). Tiles, tile rows and batch positions are grid-strided over
// (blockIdx.x, blockIdx.y, blockIdx.z), so any grid >= 1 in each dimension is correct.
// Accumulation (kernels/ABI.md): float for f16/bf16/f32 (16-bit results rounded once at the end),
// double for f64, the unsigned type of the same width (at least 32 bits, to avoid promotion to
// signed int) for integers, wrapping like NumPy; bool is the OR of ANDs.
// da-dtypes: bool u8 u16 u32 u64 i8 i16 i32 i64 f16 bf16 f32 f64
#include "common.cuh"

#define DA_MM_BLOCK 256  // threads per block (16 x 16), launched as a 1-D block
#define DA_MM_TM 64      // output rows per tile
#define DA_MM_TN 64      // output columns per tile
#define DA_MM_TK 16      // k per shared-memory stage
#define DA_MM_T 16       // threads per tile row / column; each owns (TM / T) x (TN / T) outputs
#define DA_MM_R (DA_MM_TM / DA_MM_T)
#define DA_MM_C (DA_MM_TN / DA_MM_T)

// The single kernel parameter (kernels/ABI.md "Matmul ABI"; src/cuda/matmul.rs mirrors it).
struct MatmulArgs {
    const void* a;    // element [0, 0, 0] of a (view offset applied)
    const void* b;    // element [0, 0, 0] of b
    void* out;        // element [0, 0, 0] of out, C-contiguous
    long long m, n, k, batch;
    long long sa[3];  // a's strides (batch, row, k), in elements
    long long sb[3];  // b's strides (batch, k, column), in elements
};

// Accumulator traits by kind: S is both the staged (shared-memory) and the accumulator type.
template <class T, int KIND = da_tr<T>::kind> struct mm_tr {  // floats
    typedef typename da_tr<T>::C S;
    static DA_DEV S load(T x) { return da_tr<T>::to_c(x); }
    static DA_DEV S madd(S acc, S a, S b) { return acc + a * b; }
    static DA_DEV T fin(S acc) { return da_tr<T>::from_c(acc); }
};
template <class T> struct mm_tr<T, DA_K_UINT> {
    typedef typename da_wide<T>::type S;
    typedef typename da_tr<T>::U U;
    static DA_DEV S load(T x) { return (S)(U)x; }
    static DA_DEV S madd(S acc, S a, S b) { return acc + a * b; }  // unsigned: wraps, no UB
    static DA_DEV T fin(S acc) { return (T)(U)acc; }  // the low bits are the wrapped product
};
template <class T> struct mm_tr<T, DA_K_SINT> : mm_tr<T, DA_K_UINT> {};
template <> struct mm_tr<bool, DA_K_BOOL> {
    typedef unsigned int S;
    static DA_DEV S load(bool x) { return x ? 1u : 0u; }
    static DA_DEV S madd(S acc, S a, S b) { return acc | (a & b); }
    static DA_DEV bool fin(S acc) { return acc != 0u; }
};

// Shared-memory stages. A is stored k-major (as[kk][i]) so the inner loop reads one row of it;
// its row is padded by one so the loads, where consecutive threads walk kk, spread over banks.
template <class S> struct mm_stage {
    S as[DA_MM_TK][DA_MM_TM + 1];
    S bs[DA_MM_TK][DA_MM_TN];
};

// What one thread stages of each k step. Because the block (256) is a multiple of both tile
// widths, a thread's 4 elements of the A tile share one k (tid % 16) and lie 16 rows apart, and
// its 4 of the B tile share one column (tid % 64) and lie 4 k apart: one byte offset per operand,
// advanced by a fixed step per stage, addresses them all (64-bit index math once, not per load).
// Consecutive threads walk k in A and columns in B: coalesced for C-contiguous operands.
struct mm_loader {
    long long ia, ka, jb, kb;  // A: row and k within the tile; B: column and k within the tile
    long long oa, ob;          // byte offsets of this thread's first A and B element this stage
    long long da, db;          // byte steps between a thread's A elements (16 rows), B's (4 k)
    long long sta, stb;        // byte steps from one stage to the next (16 k)
};

template <class T> DA_DEV mm_loader mm_loader_at(const MatmulArgs& p, long long row0, long long col0) {
    const long long sz = (long long)sizeof(T);
    const unsigned int tid = da_tid();
    mm_loader l;
    l.ka = tid % DA_MM_TK;
    l.ia = tid / DA_MM_TK;
    l.jb = tid % DA_MM_TN;
    l.kb = tid / DA_MM_TN;
    l.oa = ((row0 + l.ia) * p.sa[1] + l.ka * p.sa[2]) * sz;
    l.ob = (l.kb * p.sb[1] + (col0 + l.jb) * p.sb[2]) * sz;
    l.da = (DA_MM_BLOCK / DA_MM_TK) * p.sa[1] * sz;
    l.db = (DA_MM_BLOCK / DA_MM_TN) * p.sb[1] * sz;
    l.sta = DA_MM_TK * p.sa[2] * sz;
    l.stb = DA_MM_TK * p.sb[1] * sz;
    return l;
}

// Stages a[p][row0 .. row0+64, k0 .. k0+16] and b[p][k0 .. k0+16, col0 .. col0+64], zero outside
// the matrices (a zero pad in k meets a zero pad, so padding never adds inf * 0).
template <class T>
DA_DEV void mm_load(const MatmulArgs& p, const char* pa, const char* pb, long long row0, long long col0,
                    long long k0, const mm_loader& l, mm_stage<typename mm_tr<T>::S>& st) {
    typedef mm_tr<T> Tr;
    typedef typename Tr::S S;
    const bool ka_in = k0 + l.ka < p.k, jb_in = col0 + l.jb < p.n;
    DA_UNROLL
    for (int r = 0; r < (DA_MM_TM * DA_MM_TK) / DA_MM_BLOCK; ++r) {
        const long long i = l.ia + (DA_MM_BLOCK / DA_MM_TK) * r;
        S v = (S)0;
        if (ka_in && row0 + i < p.m) v = Tr::load(da_ld<T>(pa + l.oa + r * l.da));
        st.as[l.ka][i] = v;
    }
    DA_UNROLL
    for (int r = 0; r < (DA_MM_TK * DA_MM_TN) / DA_MM_BLOCK; ++r) {
        const long long kk = l.kb + (DA_MM_BLOCK / DA_MM_TN) * r;
        S v = (S)0;
        if (jb_in && k0 + kk < p.k) v = Tr::load(da_ld<T>(pb + l.ob + r * l.db));
        st.bs[kk][l.jb] = v;
    }
}

// One 64x64 output tile of batch position `bz`. Every thread of the block calls it with the same
// arguments (the barriers need the whole block).
template <class T>
DA_DEV void mm_tile(const MatmulArgs& p, long long bz, long long row0, long long col0,
                    mm_stage<typename mm_tr<T>::S>& st) {
    typedef mm_tr<T> Tr;
    typedef typename Tr::S S;
    const long long sz = (long long)sizeof(T);
    const char* pa = (const char*)p.a + bz * p.sa[0] * sz;
    const char* pb = (const char*)p.b + bz * p.sb[0] * sz;
    const unsigned int tx = da_tid() % DA_MM_T, ty = da_tid() / DA_MM_T;
    S acc[DA_MM_R][DA_MM_C];
    DA_UNROLL
    for (int r = 0; r < DA_MM_R; ++r) {
        DA_UNROLL
        for (int c = 0; c < DA_MM_C; ++c) acc[r][c] = (S)0;
    }
    mm_loader l = mm_loader_at<T>(p, row0, col0);
    for (long long k0 = 0; k0 < p.k; k0 += DA_MM_TK, l.oa += l.sta, l.ob += l.stb) {
        mm_load<T>(p, pa, pb, row0, col0, k0, l, st);
        da_sync();
        DA_UNROLL
        for (int kk = 0; kk < DA_MM_TK; ++kk) {
            S av[DA_MM_R], bv[DA_MM_C];
            DA_UNROLL
            for (int r = 0; r < DA_MM_R; ++r) av[r] = st.as[kk][ty + DA_MM_T * r];
            DA_UNROLL
            for (int c = 0; c < DA_MM_C; ++c) bv[c] = st.bs[kk][tx + DA_MM_T * c];
            DA_UNROLL
            for (int r = 0; r < DA_MM_R; ++r) {
                DA_UNROLL
                for (int c = 0; c < DA_MM_C; ++c) acc[r][c] = Tr::madd(acc[r][c], av[r], bv[c]);
            }
        }
        da_sync();  // the next stage overwrites what slower threads may still be reading
    }
    char* po = (char*)p.out + bz * p.m * p.n * sz;
    DA_UNROLL
    for (int r = 0; r < DA_MM_R; ++r) {
        const long long i = row0 + ty + DA_MM_T * r;
        DA_UNROLL
        for (int c = 0; c < DA_MM_C; ++c) {
            const long long j = col0 + tx + DA_MM_T * c;
            if (i < p.m && j < p.n) da_st<T>(po + (i * p.n + j) * sz, Tr::fin(acc[r][c]));
        }
    }
}

// Grid-strides over batch positions (z), tile rows (y) and tile columns (x). The loop bounds
// depend only on block indices, so every thread of a block reaches the same barriers.
template <class T> DA_DEV void da_matmul(const MatmulArgs& p) {
    DA_SHARED mm_stage<typename mm_tr<T>::S> st;
    const long long tiles_m = (p.m + DA_MM_TM - 1) / DA_MM_TM, tiles_n = (p.n + DA_MM_TN - 1) / DA_MM_TN;
    for (long long bz = blockIdx.z; bz < p.batch; bz += gridDim.z) {
        for (long long bm = blockIdx.y; bm < tiles_m; bm += gridDim.y) {
            for (long long bn = blockIdx.x; bn < tiles_n; bn += gridDim.x) {
                mm_tile<T>(p, bz, bm * DA_MM_TM, bn * DA_MM_TN, st);
            }
        }
    }
}

// Emulator registry entry: ABI 3, abi_info = {element size}.
#ifdef DA_EMULATOR
#  define DA_EMU_ABI_MM 3u
#  define DA_EMU_MM(NAME)                                                                         \
    extern "C" void DA_CAT(NAME, __emu)(void** p) { NAME(*(const MatmulArgs*)p[0]); }            \
    DA_EMU_REGISTER(DA_STR(NAME), &DA_CAT(NAME, __emu), DA_MM_BLOCK, 1u,                           \
                    {(unsigned)sizeof(MatmulArgs), 0u, 0u, 0u}, DA_EMU_ABI_MM,                     \
                    {(unsigned)sizeof(DA_T), 0u, 0u, 0u, 0u, 0u, 0u})
#else
#  define DA_EMU_MM(NAME)
#endif

// __launch_bounds__(256, 2): at most 128 registers, so two blocks fit an SM on every target.
// ptxas uses 94-103 for 1-4 byte types and 116-124 for 8-byte ones (16 accumulators of two
// registers each) on sm_70/80/90, without spills (ci/kernels.sh checks).
#define DA_MM_DEFINE(PREFIX) DA_WHEN_WANTED(PREFIX, DA_MM_DEFINE_ALL(PREFIX))
#define DA_MM_DEFINE_ALL(PREFIX)                                                                  \
    DA_KERNEL(DA_MM_BLOCK, 2) DA_CAT(PREFIX, _tile)(MatmulArgs a) { da_matmul<DA_T>(a); }         \
    DA_EMU_MM(DA_CAT(PREFIX, _tile))

DA_MM_DEFINE(DA_OPNAME(matmul))
