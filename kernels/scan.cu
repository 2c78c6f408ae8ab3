// devarray scans (cumulative sum / product): {op}_{T}_{rows|up|mid|down|cols}(ScanArgs),
// DA_SCAN_BLOCK = 256 threads, static shared memory only. The input and the output are contiguous,
// of the same dtype T, viewed as (outer, r, inner), scanned along r (inclusive).
// A three-phase reduce-then-scan design (no inter-block communication, no atomics, deterministic):
//   rows: inner == 1; a block per row (rows grid-strided), the row in tiles of DA_SCAN_TILE
//         elements, a running carry between tiles.
//   up:   inner == 1, long rows cut into chunks of `chunk` elements (a multiple of the tile):
//         partials[row * nchunks + c] = the total of chunk c of row `row` (nchunks = ceil(r / chunk)).
//   mid:  partials, viewed as `outer` rows of nchunks, scanned in place, exclusive (one block a row).
//   down: every chunk scanned as in `rows`, its carry starting from partials[row * nchunks + c].
//   cols: inner > 1; a thread per (o, i) column walks r in order (coalesced along inner): the
//         sequential order NumPy uses.
// Tile scan: every thread scans DA_SCAN_ITEMS consecutive elements in order, the 256 thread totals
// are scanned in shared memory (Hillis-Steele, double-buffered), and each element becomes
// carry + (earlier threads) + (own prefix). Results depend on the shape and `chunk` only (the host
// picks `chunk` from the shape, never from the device), so they are reproducible across GPUs.
// Ops: cumsum (bool: logical or), cumprod (bool: logical and); integers wrap (two's complement),
// floats accumulate in T (f16/bf16: the host scans in f32).
// da-dtypes: bool u8 u16 u32 u64 i8 i16 i32 i64 f32 f64 c64 c128
#include "common.cuh"

#define DA_SCAN_BLOCK 256
#define DA_SCAN_ITEMS 8
#define DA_SCAN_TILE (DA_SCAN_BLOCK * DA_SCAN_ITEMS)

struct ScanArgs {
    const void* in;
    void* out;
    void* partials;
    unsigned long long outer, r, inner;
    unsigned long long chunk;  // up/down: elements per chunk (a multiple of DA_SCAN_TILE)
};

#if !defined(DA_DTYPE_F16) && !defined(DA_DTYPE_BF16)
template <class T, bool PROD> struct sc_op {
    static constexpr int K = da_tr<T>::kind;
    static DA_DEV T ident() {
        if constexpr (K == DA_K_COMPLEX) {
            typedef typename da_tr<T>::R R;
            return PROD ? da_z<T>((R)1, (R)0) : da_z<T>((R)-0.0, (R)-0.0);
        } else if constexpr (K == DA_K_BOOL) return PROD;
        else if constexpr (K == DA_K_FLOAT) return PROD ? (T)1 : (T)-0.0;  // -0.0 + x == x, even for -0.0
        else return (T)(PROD ? 1 : 0);
    }
    static DA_DEV T comb(T a, T b) {
        if constexpr (K == DA_K_COMPLEX) {
            // the identity 1+0j is skipped, so an infinite part does not become NaN through 0 * inf
            if constexpr (PROD) {
                typedef typename da_tr<T>::R R;
                if (a.re == (R)1 && a.im == (R)0) return b;
                return dz_mul<T>(a, b);
            } else return dz_add<T>(a, b);
        } else if constexpr (K == DA_K_BOOL) return PROD ? (a && b) : (a || b);
        else if constexpr (K == DA_K_FLOAT) return PROD ? a * b : a + b;
        else return (T)(PROD ? (da_u64)a * (da_u64)b : (da_u64)a + (da_u64)b);  // wraps
    }
};

// Scans src[0 .. n), n <= DA_SCAN_TILE, starting from `carry` (the same value in every thread),
// into dst (inclusive; exclusive with EXCL; nothing written without WRITE), then adds the tile's
// total to `carry`. Every thread of the block calls it with the same arguments. `src == dst` is
// allowed (the tile is read before anything is written).
template <class O, class T, bool EXCL, bool WRITE>
DA_DEV void sc_tile(const T* src, T* dst, unsigned int n, T& carry, T* sh, T* tot) {
    const unsigned int tid = da_tid();
    DA_UNROLL
    for (int k = 0; k < DA_SCAN_ITEMS; ++k) {
        const unsigned int j = (unsigned int)k * DA_SCAN_BLOCK + tid;
        sh[j] = j < n ? src[j] : O::ident();
    }
    da_sync();
    T v[DA_SCAN_ITEMS];
    T acc = O::ident();
    DA_UNROLL
    for (int k = 0; k < DA_SCAN_ITEMS; ++k) {
        acc = k == 0 ? sh[tid * DA_SCAN_ITEMS] : O::comb(acc, sh[tid * DA_SCAN_ITEMS + k]);
        v[k] = acc;
    }
    tot[tid] = acc;
    da_sync();
    unsigned int cur = 0;
    for (unsigned int off = 1; off < DA_SCAN_BLOCK; off <<= 1) {
        T x = tot[cur + tid];
        if (tid >= off) x = O::comb(tot[cur + tid - off], x);
        tot[(DA_SCAN_BLOCK - cur) + tid] = x;
        cur = DA_SCAN_BLOCK - cur;
        da_sync();
    }
    const T base = tid == 0u ? carry : O::comb(carry, tot[cur + tid - 1u]);
    const T total = tot[cur + DA_SCAN_BLOCK - 1u];
    if constexpr (WRITE) {
        DA_UNROLL
        for (int k = 0; k < DA_SCAN_ITEMS; ++k) {
            T x;
            if constexpr (EXCL) x = k == 0 ? base : O::comb(base, v[k - 1]);
            else x = O::comb(base, v[k]);
            sh[tid * DA_SCAN_ITEMS + k] = x;
        }
        da_sync();
        DA_UNROLL
        for (int k = 0; k < DA_SCAN_ITEMS; ++k) {
            const unsigned int j = (unsigned int)k * DA_SCAN_BLOCK + tid;
            if (j < n) dst[j] = sh[j];
        }
    }
    carry = O::comb(carry, total);
    da_sync();  // the next tile overwrites sh and tot
}

// Scans `len` elements from `src` into `dst` (WRITE) from `carry`, tile by tile.
template <class O, class T, bool EXCL, bool WRITE>
DA_DEV T sc_span(const T* src, T* dst, da_u64 len, T carry, T* sh, T* tot) {
    for (da_u64 t = 0; t < len; t += DA_SCAN_TILE) {
        const da_u64 left = len - t;
        const unsigned int n = left < DA_SCAN_TILE ? (unsigned int)left : DA_SCAN_TILE;
        sc_tile<O, T, EXCL, WRITE>(src + t, dst + t, n, carry, sh, tot);
    }
    return carry;
}

// PHASE: 0 rows, 1 up, 2 mid, 3 down.
template <class O, class T, int PHASE> DA_DEV void sc_rows(const ScanArgs& a) {
    DA_SHARED T sh[DA_SCAN_TILE];
    DA_SHARED T tot[2 * DA_SCAN_BLOCK];
    const T* in = (const T*)a.in;
    T* out = (T*)a.out;
    T* part = (T*)a.partials;
    const da_u64 r = a.r;
    const da_u64 chunk = PHASE == 1 || PHASE == 3 ? a.chunk : r;
    const da_u64 nchunks = PHASE == 1 || PHASE == 3 ? (r + chunk - 1) / chunk : 1;
    const da_u64 units = PHASE == 2 ? a.outer : a.outer * nchunks;
    for (da_u64 u = da_bid(); u < units; u += da_gdim()) {  // uniform per block
        if constexpr (PHASE == 2) {
            // partials of row u: nchunks = ceil(r / chunk) of them, scanned in place, exclusive
            const da_u64 np = (a.r + a.chunk - 1) / a.chunk;
            sc_span<O, T, true, true>(part + u * np, part + u * np, np, O::ident(), sh, tot);
        } else {
            const da_u64 row = u / nchunks, c = u - row * nchunks;
            const da_u64 start = c * chunk;
            const da_u64 len = r - start < chunk ? r - start : chunk;
            const T* src = in + row * r + start;
            if constexpr (PHASE == 1) {
                const T total = sc_span<O, T, false, false>(src, nullptr, len, O::ident(), sh, tot);
                if (da_tid() == 0u) part[u] = total;
            } else {
                const T carry = PHASE == 3 ? part[u] : O::ident();
                sc_span<O, T, false, true>(src, out + row * r + start, len, carry, sh, tot);
            }
        }
    }
}

template <class O, class T> DA_DEV void sc_cols(const ScanArgs& a) {
    const T* in = (const T*)a.in;
    T* out = (T*)a.out;
    const da_u64 r = a.r, inner = a.inner, ncols = a.outer * inner;
    const da_u64 step = (da_u64)da_gdim() * DA_SCAN_BLOCK;
    for (da_u64 c = (da_u64)da_bid() * DA_SCAN_BLOCK + da_tid(); c < ncols; c += step) {
        const da_u64 o = c / inner, i = c - o * inner;
        const da_u64 base = o * r * inner + i;
        T acc = O::ident();
        for (da_u64 k = 0; k < r; ++k) {
            const da_u64 at = base + k * inner;
            acc = k == 0 ? in[at] : O::comb(acc, in[at]);
            out[at] = acc;
        }
    }
}

// Emulator registry (kernels/emu/shim.h): ABI 4, abi_info = {sizeof(T)}.
#  ifdef DA_EMULATOR
#    define DA_EMU_ABI_SCAN 5u
#    define DA_EMU_SCAN(NAME)                                                                       \
    extern "C" void DA_CAT(NAME, __emu)(void** p) { NAME(*(const ScanArgs*)p[0]); }                \
    DA_EMU_REGISTER(DA_STR(NAME), &DA_CAT(NAME, __emu), DA_SCAN_BLOCK, 1u,                         \
                    {(unsigned)sizeof(ScanArgs), 0u, 0u, 0u}, DA_EMU_ABI_SCAN,                     \
                    {(unsigned)sizeof(DA_T), 0u, 0u, 0u, 0u, 0u, 0u})
#  else
#    define DA_EMU_SCAN(NAME)
#  endif

// __launch_bounds__(256, 1), as the reductions: no spills on sm_70/80/90 (ci/kernels.sh checks).
#  define DA_SCAN(op, PROD) DA_WHEN_WANTED(DA_OPNAME(op), DA_SCAN_ALL(op, PROD))
#  define DA_SCAN_ALL(op, PROD)                                                                      \
    DA_KERNEL(DA_SCAN_BLOCK, 1) DA_CAT(DA_OPNAME(op), _rows)(ScanArgs a) {                           \
        sc_rows<sc_op<DA_T, PROD>, DA_T, 0>(a);                                                      \
    }                                                                                                \
    DA_KERNEL(DA_SCAN_BLOCK, 1) DA_CAT(DA_OPNAME(op), _up)(ScanArgs a) {                             \
        sc_rows<sc_op<DA_T, PROD>, DA_T, 1>(a);                                                      \
    }                                                                                                \
    DA_KERNEL(DA_SCAN_BLOCK, 1) DA_CAT(DA_OPNAME(op), _mid)(ScanArgs a) {                            \
        sc_rows<sc_op<DA_T, PROD>, DA_T, 2>(a);                                                      \
    }                                                                                                \
    DA_KERNEL(DA_SCAN_BLOCK, 1) DA_CAT(DA_OPNAME(op), _down)(ScanArgs a) {                           \
        sc_rows<sc_op<DA_T, PROD>, DA_T, 3>(a);                                                      \
    }                                                                                                \
    DA_KERNEL(DA_SCAN_BLOCK, 1) DA_CAT(DA_OPNAME(op), _cols)(ScanArgs a) { sc_cols<sc_op<DA_T, PROD>, DA_T>(a); } \
    DA_EMU_SCAN(DA_CAT(DA_OPNAME(op), _rows))                                                        \
    DA_EMU_SCAN(DA_CAT(DA_OPNAME(op), _up))                                                          \
    DA_EMU_SCAN(DA_CAT(DA_OPNAME(op), _mid))                                                         \
    DA_EMU_SCAN(DA_CAT(DA_OPNAME(op), _down))                                                        \
    DA_EMU_SCAN(DA_CAT(DA_OPNAME(op), _cols))

DA_SCAN(cumsum, false)
DA_SCAN(cumprod, true)
#endif
