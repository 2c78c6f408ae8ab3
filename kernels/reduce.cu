// devarray reductions: {op}_{T}_{full1|full2|inner|outer}(RedArgs), DA_RED_BLOCK = 256 threads.
// The input is contiguous, viewed as (outer, r, inner). Deterministic: a fixed combination order
// for a given (shape, grid, input address mod 16); no atomics.
//   full1: grid-stride over all n = outer*r*inner elements (4 accumulators per thread, 128-bit
//          loads after an unaligned head), warp-shuffle + shared-memory block reduce, writes one
//          partial per block to partials[blockIdx.x]; with gridDim.x == 1 it also writes out[0].
//   full2: block 0 combines partials[0 .. r) (r = number of full1 blocks) and writes out[0].
//   inner: inner == 1; a warp per row (r < 2048 or rows >= warps in the grid), else a block per
//          row; rows grid-strided.
//   outer: inner > 1; threads own output columns (o, i) and walk r (coalesced); for r >= 64 a
//          block is 32 columns x 8 row slices combined through shared memory, else 256 columns.
// acc / out types: see kernels/ABI.md.
// da-dtypes: bool u8 u16 u32 u64 i8 i16 i32 i64 f16 bf16 f32 f64 c64 c128
#include "common.cuh"

template <class V> struct da_argp {
    V v;
    long long i;
};

// Accumulator shuffles
template <class A> DA_DEV A rd_shfl(A v, int m) {
    if constexpr (da_same<A, float>::value) return da_shfl_xor_f32(v, m);
    else if constexpr (da_same<A, double>::value) return da_shfl_xor_f64(v, m);
    else if constexpr (da_same<A, bool>::value) return da_shfl_xor_i32(v ? 1 : 0, m) != 0;
    else if constexpr (sizeof(A) == 8) return (A)da_shfl_xor_u64((da_u64)v, m);
    else if constexpr (da_tr<A>::kind == DA_K_SINT) return (A)da_shfl_xor_i32((int)v, m);
    else return (A)da_shfl_xor_u32((unsigned int)v, m);
}
template <class V> DA_DEV da_argp<V> rd_shfl(da_argp<V> v, int m) {
    da_argp<V> r;
    r.v = rd_shfl<V>(v.v, m);
    r.i = da_shfl_xor_i64(v.i, m);
    return r;
}

// A compensated float sum: `s + c` is the sum, `c` carrying the rounding error of every addition
// (TwoSum). A lane adds thousands of elements in sequence when the grid is small or a row is
// long; plain accumulation would then lose digits NumPy's pairwise sum keeps (1e7 x 0.1f).
template <class C> struct da_ksum {
    C s;
    C c;
};
template <class C> DA_DEV da_ksum<C> rd_shfl(da_ksum<C> v, int m) {
    v.s = rd_shfl<C>(v.s, m);
    v.c = rd_shfl<C>(v.c, m);
    return v;
}
template <class C> DA_DEV da_ksum<C> da_ksum_add(da_ksum<C> a, da_ksum<C> b) {
    const C s = a.s + b.s;
    const C bp = s - a.s;
    const C err = (a.s - (s - bp)) + (b.s - bp);  // exact rounding error of a.s + b.s
    da_ksum<C> r;
    r.s = s;
    r.c = (a.c + b.c) + err;
    return r;
}
// Once s is inf or NaN the compensation is meaningless (inf - inf): the sum is s, as unrounded.
template <class C> DA_DEV C da_ksum_value(da_ksum<C> a) { return (a.s - a.s == (C)0) ? a.s + a.c : a.s; }

// ---- reduction ops: In (element), A (accumulator), O (output) ----
// sum / prod: floats accumulate in the compute type (f16/bf16 -> float), signed ints and bool in
// i64, unsigned in u64 (wrapping); divisor != 0 divides the result (mean).
template <class T, bool PROD> struct rd_sumprod {
    typedef T In;
    static constexpr int K = da_tr<T>::kind;
    typedef typename da_tr<T>::C CT;
    // float sums compensate (da_ksum); float products and integers accumulate plainly
    static constexpr bool KSUM = K == DA_K_FLOAT && !PROD;
    typedef typename da_cond<K == DA_K_FLOAT, CT, typename da_cond<K == DA_K_UINT, da_u64, long long>::type>::type P;
    typedef typename da_cond<KSUM, da_ksum<CT>, P>::type A;
    typedef typename da_cond<K == DA_K_FLOAT, T, P>::type O;
    static DA_DEV A ident() { return lift((P)(PROD ? 1 : 0)); }
    static DA_DEV A lift(P v) {
        if constexpr (KSUM) {
            A r;
            r.s = v;
            r.c = (P)0;
            return r;
        } else return v;
    }
    static DA_DEV A load(T x, long long) {
        if constexpr (K == DA_K_BOOL) return (A)(x ? 1 : 0);
        else return lift((P)da_tr<T>::to_c(x));
    }
    static DA_DEV A comb(A a, A b) {
        if constexpr (KSUM) return da_ksum_add(a, b);
        else if constexpr (K == DA_K_FLOAT) return a * b;
        else return (A)(PROD ? (da_u64)a * (da_u64)b : (da_u64)a + (da_u64)b);
    }
    static DA_DEV O fin(A a, da_u64 divisor) {
        if constexpr (K == DA_K_FLOAT) {
            P v;
            if constexpr (KSUM) v = da_ksum_value(a);
            else v = a;
            return da_tr<T>::from_c(divisor ? v / (P)divisor : v);
        } else return divisor ? (A)(a / (A)divisor) : a;
    }
};
// complex sum / prod (c64/c128 modules: sum prod all any only). The sum is compensated part by
// part, as the float sums; the product multiplies as NumPy's multiply does (dz_mul), except
// that the identity 1+0j is skipped so that an infinite part does not become NaN through 0 * inf.
template <class Z> struct da_zksum {
    da_ksum<typename da_tr<Z>::R> re, im;
};
template <class Z> DA_DEV da_zksum<Z> rd_shfl(da_zksum<Z> v, int m) {
    v.re = rd_shfl(v.re, m);
    v.im = rd_shfl(v.im, m);
    return v;
}
DA_DEV dcomplex64 rd_shfl(dcomplex64 v, int m) {
    return da_z<dcomplex64>(da_shfl_xor_f32(v.re, m), da_shfl_xor_f32(v.im, m));
}
DA_DEV dcomplex128 rd_shfl(dcomplex128 v, int m) {
    return da_z<dcomplex128>(da_shfl_xor_f64(v.re, m), da_shfl_xor_f64(v.im, m));
}
template <class Z, bool PROD> struct rd_zsumprod {
    typedef Z In;
    typedef typename da_tr<Z>::R R;
    typedef typename da_cond<PROD, Z, da_zksum<Z>>::type A;
    typedef Z O;
    static DA_DEV A lift(Z z) {
        if constexpr (PROD) {
            return z;
        } else {
            A r;
            r.re.s = z.re; r.re.c = (R)0;
            r.im.s = z.im; r.im.c = (R)0;
            return r;
        }
    }
    static DA_DEV A ident() { return lift(da_z<Z>((R)(PROD ? 1 : 0), (R)0)); }
    static DA_DEV A load(Z x, long long) { return lift(x); }
    static DA_DEV A comb(A a, A b) {
        if constexpr (PROD) {
            if (a.re == (R)1 && a.im == (R)0) return b;
            if (b.re == (R)1 && b.im == (R)0) return a;
            return dz_mul<Z>(a, b);
        } else {
            A r;
            r.re = da_ksum_add(a.re, b.re);
            r.im = da_ksum_add(a.im, b.im);
            return r;
        }
    }
    static DA_DEV O fin(A a, da_u64 divisor) {
        Z v;
        if constexpr (PROD) v = a;
        else v = da_z<Z>(da_ksum_value(a.re), da_ksum_value(a.im));
        if (divisor) v = da_z<Z>(v.re / (R)divisor, v.im / (R)divisor);
        return v;
    }
};
template <class T> using rd_sum = typename da_cond<da_tr<T>::kind == DA_K_COMPLEX, rd_zsumprod<T, false>,
                                                   rd_sumprod<T, false>>::type;
template <class T> using rd_prod = typename da_cond<da_tr<T>::kind == DA_K_COMPLEX, rd_zsumprod<T, true>,
                                                    rd_sumprod<T, true>>::type;

// min / max: NaN propagates (the first NaN met wins; all NaN payload-equal in practice).
template <class T, bool MAX> struct rd_minmax {
    typedef T In;
    static constexpr int K = da_tr<T>::kind;
    typedef typename da_tr<T>::C A;
    typedef T O;
    static DA_DEV A ident() { return MAX ? da_tr<T>::lowest() : da_tr<T>::highest(); }
    static DA_DEV A load(T x, long long) { return da_tr<T>::to_c(x); }
    static DA_DEV A comb(A a, A b) {
        if constexpr (K == DA_K_BOOL) return MAX ? (a || b) : (a && b);
        else if constexpr (K == DA_K_FLOAT) {
            if (a != a) return a;
            if (b != b) return b;
            return MAX ? (b > a ? b : a) : (b < a ? b : a);
        } else return MAX ? (b > a ? b : a) : (b < a ? b : a);
    }
    static DA_DEV O fin(A a, da_u64) { return da_tr<T>::from_c(a); }
};
template <class T> using rd_min = rd_minmax<T, false>;
template <class T> using rd_max = rd_minmax<T, true>;

// argmin / argmax: (value, index) pairs, a total order: NaN first, then the better value, then
// the smaller index. Output i64 (flat index for full reductions, index along r otherwise).
template <class T, bool MAX> struct rd_arg {
    typedef T In;
    static constexpr int K = da_tr<T>::kind;
    typedef typename da_tr<T>::C V;
    typedef da_argp<V> A;
    typedef long long O;
    static DA_DEV A ident() {
        A r;
        r.v = MAX ? da_tr<T>::lowest() : da_tr<T>::highest();
        r.i = 9223372036854775807ll;
        return r;
    }
    static DA_DEV A load(T x, long long i) {
        A r;
        r.v = da_tr<T>::to_c(x);
        r.i = i;
        return r;
    }
    static DA_DEV A comb(A a, A b) {
        if constexpr (K == DA_K_FLOAT) {
            const bool an = a.v != a.v, bn = b.v != b.v;
            if (an || bn) {
                if (an && bn) return a.i <= b.i ? a : b;
                return an ? a : b;
            }
        }
        const bool a_better = MAX ? (a.v > b.v) : (a.v < b.v);
        const bool b_better = MAX ? (b.v > a.v) : (b.v < a.v);
        if (a_better) return a;
        if (b_better) return b;
        return a.i <= b.i ? a : b;
    }
    static DA_DEV O fin(A a, da_u64) { return a.i; }
};
template <class T> using rd_argmin = rd_arg<T, false>;
template <class T> using rd_argmax = rd_arg<T, true>;

// all / any: truthiness (NaN is true).
template <class T, bool ANY> struct rd_allany {
    typedef T In;
    typedef bool A;
    typedef bool O;
    static DA_DEV A ident() { return !ANY; }
    static DA_DEV A load(T x, long long) { return da_truth<T>(x); }
    static DA_DEV A comb(A a, A b) { return ANY ? (a || b) : (a && b); }
    static DA_DEV O fin(A a, da_u64) { return a; }
};
template <class T> using rd_all = rd_allany<T, false>;
template <class T> using rd_any = rd_allany<T, true>;

// ---- building blocks ----
template <class R> DA_DEV typename R::A rd_warp(typename R::A v) {
    DA_UNROLL
    for (int m = 16; m >= 1; m >>= 1) v = R::comb(v, rd_shfl(v, m));
    return v;  // the same value in all 32 lanes
}
// Block reduce; the result is valid in warp 0. All threads must call (contains barriers).
template <class R> DA_DEV typename R::A rd_block(typename R::A v) {
    typedef typename R::A A;
    DA_SHARED A sm[32];
    const unsigned int tid = da_tid(), lane = tid & 31u, w = tid >> 5, nw = (da_bdim() + 31u) >> 5;
    v = rd_warp<R>(v);
    if (lane == 0u) sm[w] = v;
    da_sync();
    if (w == 0u) {
        v = lane < nw ? sm[lane] : R::ident();
        v = rd_warp<R>(v);
    }
    da_sync();
    return v;
}
// Reduce p[0 .. len) over `nl` cooperating lanes (this one is `lane`); element j has index i0 + j.
// Unaligned head one by one, then 16-byte vectors (2 per lane per iteration), then the tail.
template <class R>
DA_DEV typename R::A rd_span(const typename R::In* p, da_u64 len, da_u64 lane, da_u64 nl, long long i0) {
    typedef typename R::In T;
    typedef typename R::A A;
    constexpr int S = (int)sizeof(T);
    constexpr int E = 16 / S;
    A acc[4];
    DA_UNROLL
    for (int k = 0; k < 4; ++k) acc[k] = R::ident();
    const da_u64 addr = (da_u64)(const void*)p;
    da_u64 head = ((16ull - (addr & 15ull)) & 15ull) / (da_u64)S;
    // a 16-byte element (complex128) only 8-byte aligned: no 16-byte vector lines up, go one by one
    if (S == 16 && (addr & 15ull) != 0ull) head = len;
    if (head > len) head = len;
    for (da_u64 j = lane; j < head; j += nl) acc[0] = R::comb(acc[0], R::load(da_ld<T>(p + j), i0 + (long long)j));
    const T* q = p + head;
    const long long qi = i0 + (long long)head;
    const da_u64 nv = (len - head) / (da_u64)E;
    for (da_u64 v = lane; v < nv; v += 2ull * nl) {  // 2 vectors in flight per lane
        const bool two = v + nl < nv;
        const da_u128 r0 = da_ldg128(q + v * E);
        da_u128 r1 = r0;
        if (two) r1 = da_ldg128(q + (v + nl) * E);
        DA_UNROLL
        for (int k = 0; k < E; ++k)
            acc[k & 3] = R::comb(acc[k & 3], R::load(da_get<T>(r0, k), qi + (long long)(v * E) + k));
        if (two) {
            DA_UNROLL
            for (int k = 0; k < E; ++k)
                acc[(k + 2) & 3] = R::comb(acc[(k + 2) & 3],
                                           R::load(da_get<T>(r1, k), qi + (long long)((v + nl) * E) + k));
        }
    }
    for (da_u64 j = head + nv * E + lane; j < len; j += nl)
        acc[1] = R::comb(acc[1], R::load(da_ld<T>(p + j), i0 + (long long)j));
    return R::comb(R::comb(acc[0], acc[1]), R::comb(acc[2], acc[3]));
}

template <class R> DA_DEV void rd_full1(const RedArgs& a) {
    typedef typename R::In T;
    typedef typename R::A A;
    typedef typename R::O O;
    const da_u64 n = a.outer * a.r * a.inner;
    const da_u64 nl = (da_u64)da_gdim() * da_bdim();
    const da_u64 lane = (da_u64)da_bid() * da_bdim() + da_tid();
    A acc = rd_span<R>((const T*)a.in, n, lane, nl, 0);
    acc = rd_block<R>(acc);
    if (da_tid() == 0u) {
        ((A*)a.partials)[da_bid()] = acc;
        if (da_gdim() == 1u) ((O*)a.out)[0] = R::fin(acc, a.divisor);
    }
}

template <class R> DA_DEV void rd_full2(const RedArgs& a) {
    typedef typename R::A A;
    typedef typename R::O O;
    if (da_bid() != 0u) return;
    const A* p = (const A*)a.partials;
    const da_u64 cnt = a.r;
    A acc = R::ident();
    for (da_u64 j = da_tid(); j < cnt; j += da_bdim()) acc = R::comb(acc, p[j]);
    acc = rd_block<R>(acc);
    if (da_tid() == 0u) ((O*)a.out)[0] = R::fin(acc, a.divisor);
}

template <class R> DA_DEV void rd_inner(const RedArgs& a) {
    typedef typename R::In T;
    typedef typename R::A A;
    typedef typename R::O O;
    const T* in = (const T*)a.in;
    O* out = (O*)a.out;
    const da_u64 rows = a.outer * a.inner, r = a.r;
    const da_u64 wpb = da_bdim() >> 5;
    const da_u64 nwarps = (da_u64)da_gdim() * wpb;
    // a warp per row (short rows, or enough rows for every warp), else a block per row
    const bool wm = r < 2048ull || rows >= nwarps;
    const unsigned int tid = da_tid();
    const da_u64 lane = wm ? (tid & 31u) : tid, nl = wm ? 32ull : (da_u64)da_bdim();
    const da_u64 first = wm ? (da_u64)da_bid() * wpb + (tid >> 5) : (da_u64)da_bid();
    const da_u64 step = wm ? nwarps : (da_u64)da_gdim();
    for (da_u64 row = first; row < rows; row += step) {  // block mode: uniform per block
        A acc = rd_span<R>(in + row * r, r, lane, nl, 0);
        if (wm) {
            acc = rd_warp<R>(acc);
        } else {
            acc = rd_block<R>(acc);
        }
        if (lane == 0u) out[row] = R::fin(acc, a.divisor);
    }
}

template <class R> DA_DEV void rd_outer(const RedArgs& a) {
    typedef typename R::In T;
    typedef typename R::A A;
    typedef typename R::O O;
    DA_SHARED A sm[DA_RED_BLOCK];
    const T* in = (const T*)a.in;
    O* out = (O*)a.out;
    const da_u64 r = a.r, inner = a.inner, ncols = a.outer * inner;
    const unsigned int tid = da_tid();
    const bool split = r >= 64ull;  // 8 row slices x 32 columns, else 256 columns
    const unsigned int cpb = split ? 32u : DA_RED_BLOCK;
    const unsigned int ns = split ? DA_RED_BLOCK / 32u : 1u;
    const unsigned int tx = split ? (tid & 31u) : tid, ty = split ? (tid >> 5) : 0u;
    for (da_u64 c0 = (da_u64)da_bid() * cpb; c0 < ncols; c0 += (da_u64)da_gdim() * cpb) {
        const da_u64 c = c0 + tx;
        const bool act = c < ncols;
        A acc[4];
        DA_UNROLL
        for (int k = 0; k < 4; ++k) acc[k] = R::ident();
        if (act) {
            const da_u64 o = c / inner, i = c - o * inner;
            const T* base = in + o * r * inner + i;
            da_u64 j = ty;
            for (; j + 3ull * ns < r; j += 4ull * ns) {
                const T x0 = da_ld<T>(base + j * inner);
                const T x1 = da_ld<T>(base + (j + ns) * inner);
                const T x2 = da_ld<T>(base + (j + 2ull * ns) * inner);
                const T x3 = da_ld<T>(base + (j + 3ull * ns) * inner);
                acc[0] = R::comb(acc[0], R::load(x0, (long long)j));
                acc[1] = R::comb(acc[1], R::load(x1, (long long)(j + ns)));
                acc[2] = R::comb(acc[2], R::load(x2, (long long)(j + 2ull * ns)));
                acc[3] = R::comb(acc[3], R::load(x3, (long long)(j + 3ull * ns)));
            }
            for (; j < r; j += ns) acc[0] = R::comb(acc[0], R::load(da_ld<T>(base + j * inner), (long long)j));
        }
        A v = R::comb(R::comb(acc[0], acc[1]), R::comb(acc[2], acc[3]));
        if (split) {
            sm[tid] = v;
            da_sync();
            if (ty == 0u) {
                for (unsigned int t = 1; t < ns; ++t) v = R::comb(v, sm[t * 32u + tx]);
            }
            da_sync();
        }
        if (ty == 0u && act) out[c] = R::fin(v, a.divisor);
    }
}

// __launch_bounds__(256, 1): with the maximum block size alone, ptxas 12.9/13.5 spills a few bytes
// in some of these kernels to hit an occupancy step; with an explicit minimum of 1 block it does not.
#define DA_RED(op) DA_WHEN_WANTED(DA_OPNAME(op), DA_RED_ALL(op))
#define DA_RED_ALL(op)                                                                       \
    DA_KERNEL(DA_RED_BLOCK, 1) DA_CAT(DA_OPNAME(op), _full1)(RedArgs a) { rd_full1<rd_##op<DA_T>>(a); } \
    DA_KERNEL(DA_RED_BLOCK, 1) DA_CAT(DA_OPNAME(op), _full2)(RedArgs a) { rd_full2<rd_##op<DA_T>>(a); } \
    DA_KERNEL(DA_RED_BLOCK, 1) DA_CAT(DA_OPNAME(op), _inner)(RedArgs a) { rd_inner<rd_##op<DA_T>>(a); } \
    DA_KERNEL(DA_RED_BLOCK, 1) DA_CAT(DA_OPNAME(op), _outer)(RedArgs a) { rd_outer<rd_##op<DA_T>>(a); } \
    DA_EMU_RED(DA_CAT(DA_OPNAME(op), _full1), rd_##op<DA_T>)                                 \
    DA_EMU_RED(DA_CAT(DA_OPNAME(op), _full2), rd_##op<DA_T>)                                 \
    DA_EMU_RED(DA_CAT(DA_OPNAME(op), _inner), rd_##op<DA_T>)                                 \
    DA_EMU_RED(DA_CAT(DA_OPNAME(op), _outer), rd_##op<DA_T>)

DA_RED(sum)
DA_RED(prod)
#if !DA_IS_COMPLEX  // complex numbers have no order
DA_RED(min)
DA_RED(max)
DA_RED(argmin)
DA_RED(argmax)
#endif
DA_RED(all)
DA_RED(any)
