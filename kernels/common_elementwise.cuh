// The elementwise engine (functor contract, scalar/vector/strided paths), the emulator hooks
// and kernel selection (DA_WHEN_WANTED). Separate because it is the largest part, and the one
// the elementwise, cast, where/clip, copy and fill kernels are built from.
// Part of common.cuh, which includes the parts in order; each part relies on the ones before
// it and includes nothing itself (NVRTC gets every part by name from src/cuda/module.rs).
#ifndef DA_COMMON_ELEMENTWISE_CUH
#define DA_COMMON_ELEMENTWISE_CUH

// ------------------------------------------------------------------------------------------
// Elementwise engine. A functor F provides: typedefs O (output), A, B, C (inputs 0..2),
// `static const int NIN` (1..3) and `static O apply(A[, B[, C]])`.
// FORCE: scalar_mask bits forced on (fill kernels).
// ------------------------------------------------------------------------------------------
// Ops whose body is large (trigonometry, pow, ...) opt in with DA_HEAVY(functor template): their
// vector path runs one 16-byte chunk per thread per iteration and loops over its elements without
// unrolling, so the op body is emitted once per kernel instead of 2*E times.
template <class F> struct da_heavy { static constexpr bool value = false; };
#define DA_HEAVY(FUNCTOR) \
    template <class T> struct da_heavy<FUNCTOR<T>> { static constexpr bool value = true; };

template <class F>
DA_DEV typename F::O da_invoke(typename F::A a, typename F::B b, typename F::C c) {
    if constexpr (F::NIN == 1) return F::apply(a);
    else if constexpr (F::NIN == 2) return F::apply(a, b);
    else return F::apply(a, b, c);
}

// Contiguous, 16-byte aligned operands. Each thread handles U chunks of E elements per tile
// (E = 16 / widest element size, so the widest operand moves in 128-bit accesses); chunk u of
// thread t in a tile starts at element (tile + u*blockDim + t) * E, so each warp access is
// contiguous. Out-of-range chunks are skipped; the last n % E elements are done one by one.
template <class F, unsigned int FORCE = 0u>
DA_DEV void da_ew_vec(const EwArgs& args, da_u64 n) {
    typedef typename F::O O; typedef typename F::A A; typedef typename F::B B; typedef typename F::C C;
    constexpr int NIN = F::NIN;
    constexpr int SZ = da_cmax(da_cmax((int)sizeof(O), (int)sizeof(A)),
                               da_cmax(NIN >= 2 ? (int)sizeof(B) : 1, NIN >= 3 ? (int)sizeof(C) : 1));
    constexpr int E = 16 / SZ;
    constexpr bool HV = da_heavy<F>::value;
    constexpr int U = HV ? 1 : 2;
    constexpr int BA = E * (int)sizeof(A), BB = E * (int)sizeof(B), BC = E * (int)sizeof(C), BO = E * (int)sizeof(O);
    const unsigned int mask = args.scalar_mask | FORCE;
    const bool ca = (mask & 1u) != 0u, cb = (mask & 2u) != 0u, cc = (mask & 4u) != 0u;
    const A sa = da_scalar<A>(args, 0);
    const B sb = da_scalar<B>(args, 1);
    const C sc = da_scalar<C>(args, 2);
    const da_u128 va = da_splat<A, E>(sa);
    const da_u128 vb = da_splat<B, E>(sb);
    const da_u128 vc = da_splat<C, E>(sc);
    const char* __restrict__ pa = (const char*)args.in[0];
    const char* __restrict__ pb = (const char*)args.in[1];
    const char* __restrict__ pc = (const char*)args.in[2];
    char* __restrict__ po = (char*)args.out;
    const da_u64 nvec = n / (da_u64)E;
    const da_u64 bd = da_bdim();
    const da_u64 step = (da_u64)da_gdim() * bd * U;
    for (da_u64 base = (da_u64)da_bid() * bd * U + da_tid(); base < nvec; base += step) {
        da_u128 ra[U], rb[U], rc[U];
        DA_UNROLL
        for (int u = 0; u < U; ++u) {
            const da_u64 v = base + (da_u64)u * bd;
            if (v < nvec) {
                ra[u] = ca ? va : da_ld_chunk<BA>(pa + v * BA);
                if constexpr (NIN >= 2) rb[u] = cb ? vb : da_ld_chunk<BB>(pb + v * BB);
                if constexpr (NIN >= 3) rc[u] = cc ? vc : da_ld_chunk<BC>(pc + v * BC);
            }
        }
        DA_UNROLL
        for (int u = 0; u < U; ++u) {
            const da_u64 v = base + (da_u64)u * bd;
            if (v < nvec) {
                da_u128 ro = {0u, 0u, 0u, 0u};
                if constexpr (HV) {
                    DA_NOUNROLL
                    for (int k = 0; k < E; ++k) {
                        A a = da_get<A>(ra[u], k);
                        B b = sb; C c = sc;
                        if constexpr (NIN >= 2) b = da_get<B>(rb[u], k);
                        if constexpr (NIN >= 3) c = da_get<C>(rc[u], k);
                        da_put<O>(ro, k, da_invoke<F>(a, b, c));
                    }
                } else {
                    DA_UNROLL
                    for (int k = 0; k < E; ++k) {
                        A a = da_get<A>(ra[u], k);
                        B b = sb; C c = sc;
                        if constexpr (NIN >= 2) b = da_get<B>(rb[u], k);
                        if constexpr (NIN >= 3) c = da_get<C>(rc[u], k);
                        da_put<O>(ro, k, da_invoke<F>(a, b, c));
                    }
                }
                da_st_chunk<BO>(po + v * BO, ro);
            }
        }
    }
    // tail: n % E elements, one per thread of the first block(s)
    const da_u64 t0 = nvec * (da_u64)E;
    const da_u64 g = (da_u64)da_bid() * bd + da_tid();
    if (g < n - t0) {
        const da_u64 i = t0 + g;
        A a = ca ? sa : da_ld<A>(pa + i * sizeof(A));
        B b = sb; C c = sc;
        if constexpr (NIN >= 2) b = cb ? sb : da_ld<B>(pb + i * sizeof(B));
        if constexpr (NIN >= 3) c = cc ? sc : da_ld<C>(pc + i * sizeof(C));
        da_st<O>(po + i * sizeof(O), da_invoke<F>(a, b, c));
    }
}

// Strided path (Layout32 or Layout64): 2 elements per thread per iteration (loads of both are
// issued before the stores), offsets from the linear index by magic-number division.
template <class F, class L, unsigned int FORCE = 0u>
DA_DEV void da_ew_strided(const EwArgs& args, const L& lay) {
    typedef typename F::O O; typedef typename F::A A; typedef typename F::B B; typedef typename F::C C;
    typedef typename da_lay<L>::I I;
    typedef typename da_lay<L>::S S;
    constexpr int NIN = F::NIN;
    constexpr int U = da_heavy<F>::value ? 1 : 2;
    DA_SHARED da_divs<L> dv;
    da_divs_init<L>(dv, lay);
    const unsigned int mask = args.scalar_mask | FORCE;
    const bool ca = (mask & 1u) != 0u, cb = (mask & 2u) != 0u, cc = (mask & 4u) != 0u;
    const A sa = da_scalar<A>(args, 0);
    const B sb = da_scalar<B>(args, 1);
    const C sc = da_scalar<C>(args, 2);
    const char* __restrict__ pa = (const char*)args.in[0];
    const char* __restrict__ pb = (const char*)args.in[1];
    const char* __restrict__ pc = (const char*)args.in[2];
    char* __restrict__ po = (char*)args.out;
    const da_u64 n = lay.n;
    const da_u64 bd = da_bdim();
    const da_u64 step = (da_u64)da_gdim() * bd * U;
    for (da_u64 base = (da_u64)da_bid() * bd * U + da_tid(); base < n; base += step) {
        S off[U][4];
        A a[U]; B b[U]; C c[U];
        DA_UNROLL
        for (int u = 0; u < U; ++u) {
            const da_u64 i = base + (da_u64)u * bd;
            if (i < n) {
                da_offsets<NIN + 1, L>(lay, dv, (I)i, off[u]);
                a[u] = ca ? sa : da_ld<A>(pa + (long long)off[u][1] * (long long)sizeof(A));
                if constexpr (NIN >= 2) b[u] = cb ? sb : da_ld<B>(pb + (long long)off[u][2] * (long long)sizeof(B));
                if constexpr (NIN >= 3) c[u] = cc ? sc : da_ld<C>(pc + (long long)off[u][3] * (long long)sizeof(C));
            }
        }
        DA_UNROLL
        for (int u = 0; u < U; ++u) {
            const da_u64 i = base + (da_u64)u * bd;
            if (i < n) {
                B bb = sb; C cc2 = sc;
                if constexpr (NIN >= 2) bb = b[u];
                if constexpr (NIN >= 3) cc2 = c[u];
                da_st<O>(po + (long long)off[u][0] * (long long)sizeof(O), da_invoke<F>(a[u], bb, cc2));
            }
        }
    }
}

// Emulator hooks. With DA_EMULATOR (kernels/emu/shim.h, host C++ only) every kernel NAME also gets
// `NAME__emu(void** params)`, which calls it with its parameters passed as cuLaunchKernel passes
// them, and a registry entry (name, entry, block size, parameter sizes and what the host checks a
// launch's pointers against). ABI 1, elementwise: abi_info = {inputs, sizeof out, sizeof in0, in1,
// in2, scalar mask forced on}; ABI 2, reductions: {sizeof input element, partial, output}.
#define DA_STR_(x) #x
#define DA_STR(x) DA_STR_(x)
#ifdef DA_EMULATOR
#  define DA_EMU_ABI_EW 1u
#  define DA_EMU_ABI_RED 2u
#  define DA_EMU_EW(NAME, LAYOUT, FORCE, ...)                                                       \
    extern "C" void DA_CAT(NAME, __emu)(void** p) { NAME(*(const EwArgs*)p[0], *(const LAYOUT*)p[1]); } \
    DA_EMU_REGISTER(DA_STR(NAME), &DA_CAT(NAME, __emu), DA_EW_BLOCK, 2u,                             \
                    {(unsigned)sizeof(EwArgs), (unsigned)sizeof(LAYOUT), 0u, 0u}, DA_EMU_ABI_EW,     \
                    {(unsigned)__VA_ARGS__::NIN, (unsigned)sizeof(__VA_ARGS__::O),                   \
                     (unsigned)sizeof(__VA_ARGS__::A), (unsigned)sizeof(__VA_ARGS__::B),             \
                     (unsigned)sizeof(__VA_ARGS__::C), (unsigned)(FORCE), 0u})
#  define DA_EMU_RED(NAME, ...)                                                                     \
    extern "C" void DA_CAT(NAME, __emu)(void** p) { NAME(*(const RedArgs*)p[0]); }                 \
    DA_EMU_REGISTER(DA_STR(NAME), &DA_CAT(NAME, __emu), DA_RED_BLOCK, 1u,                            \
                    {(unsigned)sizeof(RedArgs), 0u, 0u, 0u}, DA_EMU_ABI_RED,                         \
                    {(unsigned)sizeof(__VA_ARGS__::In), (unsigned)sizeof(__VA_ARGS__::A),            \
                     (unsigned)sizeof(__VA_ARGS__::O), 0u, 0u, 0u, 0u})
#else
#  define DA_EMU_EW(NAME, LAYOUT, FORCE, ...)
#  define DA_EMU_RED(NAME, ...)
#endif

// Kernel selection (ABI.md "Modules"). The host loads one module per kernel prefix (`add_f32`:
// the op's kernels for every path), so the first use of an op compiles only that op: it passes
// -DDA_SELECT and -DDA_WANT_<prefix>=~,1, and every other prefix expands to nothing. Without
// DA_SELECT (tools/kernel_check.py, the emulator) a module holds the whole family.
// DA_WANTED(prefix) is 1 or 0: `DA_WANT_<prefix>` expands to `~,1` when defined, which makes 1 the
// second argument of DA_SECOND_; an undefined name stays one token and 0 comes second.
#define DA_SECOND_(a, b, ...) b
#define DA_IS_PROBE_(...) DA_SECOND_(__VA_ARGS__, 0, )
#ifdef DA_SELECT
#  define DA_WANTED(PREFIX) DA_IS_PROBE_(DA_CAT(DA_WANT_, PREFIX))
#else
#  define DA_WANTED(PREFIX) 1
#endif
#define DA_IIF_0(...)
#define DA_IIF_1(...) __VA_ARGS__
#define DA_WHEN_WANTED(PREFIX, ...) DA_CAT(DA_IIF_, DA_WANTED(PREFIX))(__VA_ARGS__)

// Kernel definition helpers: DA_EW_DEFINE(prefix, Functor...) emits prefix_vec/_s32/_s64.
#define DA_EW_DEFINE_F(PREFIX, FORCE, ...) DA_WHEN_WANTED(PREFIX, DA_EW_DEFINE_ALL(PREFIX, FORCE, __VA_ARGS__))
#define DA_EW_DEFINE_ALL(PREFIX, FORCE, ...)                                                      \
    DA_KERNEL(DA_EW_BLOCK) DA_CAT(PREFIX, _vec)(EwArgs a, LayoutContig l) {                        \
        da_ew_vec<__VA_ARGS__, FORCE>(a, l.n);                                                     \
    }                                                                                              \
    DA_KERNEL(DA_EW_BLOCK) DA_CAT(PREFIX, _s32)(EwArgs a, Layout32 l) {                            \
        da_ew_strided<__VA_ARGS__, Layout32, FORCE>(a, l);                                         \
    }                                                                                              \
    DA_KERNEL(DA_EW_BLOCK) DA_CAT(PREFIX, _s64)(EwArgs a, Layout64 l) {                            \
        da_ew_strided<__VA_ARGS__, Layout64, FORCE>(a, l);                                         \
    }                                                                                              \
    DA_EMU_EW(DA_CAT(PREFIX, _vec), LayoutContig, FORCE, __VA_ARGS__)                              \
    DA_EMU_EW(DA_CAT(PREFIX, _s32), Layout32, FORCE, __VA_ARGS__)                                  \
    DA_EMU_EW(DA_CAT(PREFIX, _s64), Layout64, FORCE, __VA_ARGS__)
#define DA_EW_DEFINE(PREFIX, ...) DA_EW_DEFINE_F(PREFIX, 0u, __VA_ARGS__)
// {op}_{tag} prefix for the module's dtype
#define DA_OPNAME(op) DA_CAT(DA_CAT(op, _), DA_TAG)

#endif  // DA_COMMON_ELEMENTWISE_CUH
