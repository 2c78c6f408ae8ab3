// devarray sort kernels (ABI.md "Sort ABI"): a stable LSD radix sort of order-preserving keys
// carrying each element's flat position as its value (key-value), over a contiguous
// (rows, len) array. Rows are sorted all at once: the key passes sort the whole array stably by
// key, then passes over the digits of the row number (position / len) sort it stably by row, so
// every row ends up sorted by key with equal keys in their original order.
//   sortprep_{T}_keys:  keys[i] = key(x[i]) (~key when descending), vals[i] = i
//   sortprep_{T}_take:  out[i] = x[vals[i]]                     (sort: gather the values)
//   sortprep_{T}_block: rows of at most 4096 elements, each sorted by one block in shared
//                       memory (a bitonic network over (key, position) pairs), values or
//                       indices written directly: one launch instead of the passes below
//   radix_{K}_hist:     per tile, counts[d * tiles + tile] = elements of digit d
//   (between them the host scans the counts, digit-major then tile, with the scan family's
//   multi-block cumsum_u64 into a buffer whose first element is 0: an exclusive scan)
//   radix_{K}_scatter:  per tile, stable scatter to offsets[d * tiles + tile] + rank (the
//                       scanned counts)
//   radix_{K}_index:    out[i] = vals[i] % len                    (argsort: indices in the row)
//   searchsorted_{T}_{left,right}: a binary search per query over a sorted array
// Keys (K = the unsigned integer of T's width): bool 0/1; unsigned ints as they are; signed
// ints with the sign bit flipped; floats with the sign bit set when positive and every bit
// inverted when negative, -0.0 mapped to +0.0's key and every NaN to all ones (NaNs sort last,
// in their original order, as NumPy's stable sort). The CPU backend (src/cpu/sort.rs) uses the
// same keys and is stable, so both devices agree bit for bit.
// da-dtypes: bool u8 u16 u32 u64 i8 i16 i32 i64 f16 bf16 f32 f64
#include "common.cuh"

#define DA_SORT_BLOCK 256
#define DA_SORT_TILE 2048
#define DA_SORT_WARPS (DA_SORT_BLOCK / 32)
#define DA_SORT_DESCENDING 1u
#define DA_SORT_ROW_DIGIT 2u
#define DA_SORT_INDICES 4u
// Slots of the block sort's shared tile: the longest row it sorts, padded to a power of two.
#define DA_BSORT_TILE 4096

struct SortArgs {
    const void* in;          // keys: x; take: x; hist/scatter: keys in
    const void* vals_in;     // take/index/hist/scatter: positions in (u64)
    void* out;               // keys: keys out; take: values; index: i64; scatter: keys out
    void* vals_out;          // keys/scatter: positions out (u64)
    void* counts;            // hist: u64 [256 * tiles] out; scatter: their exclusive scan in
    unsigned long long n;    // elements
    unsigned long long len;  // row length (> 0)
    unsigned long long tiles;  // ceil(n / DA_SORT_TILE)
    unsigned int shift;      // digit = (key or row >> shift) & 255
    unsigned int flags;      // DA_SORT_DESCENDING, DA_SORT_ROW_DIGIT
};

template <int B> struct da_sort_uint;
template <> struct da_sort_uint<1> { typedef unsigned char U; };
template <> struct da_sort_uint<2> { typedef unsigned short U; };
template <> struct da_sort_uint<4> { typedef unsigned int U; };
template <> struct da_sort_uint<8> { typedef unsigned long long U; };

// The order-preserving key of raw bits `b` of the module's dtype.
template <class U> DA_DEV U da_sort_key(U b) {
    const U sign = (U)((U)1 << (sizeof(U) * 8 - 1));
#if DA_IS_BOOL
    return (U)(b != 0);
#elif DA_IS_SINT
    return (U)(b ^ sign);
#elif DA_IS_FLOAT
    // The exponent mask is +inf's bit pattern; |x| above it is a NaN.
    const U inf = (U)(sizeof(U) == 8 ? 0x7ff0000000000000ull
                                     : sizeof(U) == 4 ? 0x7f800000ull
#  if defined(DA_DTYPE_BF16)
                                                      : 0x7f80ull);
#  else
                                                      : 0x7c00ull);
#  endif
    const U mag = (U)(b & (U)~sign);
    if (mag > inf) return (U)~(U)0;
    if (mag == 0) return sign;
    return (b & sign) ? (U)~b : (U)(b | sign);
#else
    (void)sign;
    return b;
#endif
}

template <class T> DA_DEV void da_sortprep_keys(const SortArgs& a) {
    typedef typename da_sort_uint<sizeof(T)>::U U;
    const U* __restrict__ x = (const U*)a.in;
    U* __restrict__ keys = (U*)a.out;
    da_u64* __restrict__ vals = (da_u64*)a.vals_out;
    const da_u64 step = (da_u64)da_gdim() * da_bdim();
    for (da_u64 i = (da_u64)da_bid() * da_bdim() + da_tid(); i < a.n; i += step) {
        U k = da_sort_key<U>(x[i]);
        if (a.flags & DA_SORT_DESCENDING) k = (U)~k;
        keys[i] = k;
        vals[i] = i;
    }
}

template <class T> DA_DEV void da_sortprep_take(const SortArgs& a) {
    typedef typename da_sort_uint<sizeof(T)>::U U;
    const U* __restrict__ x = (const U*)a.in;
    const da_u64* __restrict__ vals = (const da_u64*)a.vals_in;
    U* __restrict__ out = (U*)a.out;
    const da_u64 step = (da_u64)da_gdim() * da_bdim();
    for (da_u64 i = (da_u64)da_bid() * da_bdim() + da_tid(); i < a.n; i += step) out[i] = x[vals[i]];
}

// The block sort's shared tile: DA_BSORT_TILE slots, each a key and its position in its row
// (< 4096). Keys of up to four bytes share one 64-bit word with the position
// (key << 16 | position), so one comparison orders by key and then by position; 8-byte keys keep
// the position in a second array. Ordering by (key, position) makes the network's result the
// stable sort: no two items compare equal.
template <int KEY_BYTES> struct da_bsort_tile {
    da_u64 word[DA_BSORT_TILE];
    DA_DEV void set(unsigned int i, da_u64 key, unsigned int pos) { word[i] = (key << 16) | pos; }
    DA_DEV unsigned int pos(unsigned int i) const { return (unsigned int)(word[i] & 0xffffu); }
    DA_DEV void order(unsigned int lo, unsigned int hi) {
        const da_u64 a = word[lo], b = word[hi];
        if (b < a) {
            word[lo] = b;
            word[hi] = a;
        }
    }
};
template <> struct da_bsort_tile<8> {
    da_u64 key[DA_BSORT_TILE];
    unsigned short at[DA_BSORT_TILE];
    DA_DEV void set(unsigned int i, da_u64 k, unsigned int pos) {
        key[i] = k;
        at[i] = (unsigned short)pos;
    }
    DA_DEV unsigned int pos(unsigned int i) const { return at[i]; }
    DA_DEV void order(unsigned int lo, unsigned int hi) {
        const da_u64 a = key[lo], b = key[hi];
        const unsigned short pa = at[lo], pb = at[hi];
        if (b < a || (b == a && pb < pa)) {
            key[lo] = b;
            key[hi] = a;
            at[lo] = pb;
            at[hi] = pa;
        }
    }
};

// sortprep_{T}_block: every row of the contiguous (n / len, len) input, len <= 2^shift <= 4096,
// sorted by one block in shared memory. A tile holds DA_BSORT_TILE / 2^shift rows, each padded
// to 2^shift slots with (all-ones key, position 0xffff), which sort after every real item. The
// network sorts each 2^shift-slot row ascending: for each width k = 2, 4, .. 2^shift, every slot
// in the lower half of a k-block is ordered against its mirror in the upper half, then against
// the slot j = k/4, k/8, .. 1 above it. Every step orders the lower slot first, so no step needs
// a direction. The output is the values (out[i] = x[row start + position]) or, with
// DA_SORT_INDICES, the int64 positions.
template <class T> DA_DEV void da_sortprep_block(const SortArgs& a) {
    typedef typename da_sort_uint<sizeof(T)>::U U;
    DA_SHARED da_bsort_tile<(int)sizeof(U)> tile;
    const unsigned int span = 1u << a.shift;
    // The host never sends these; refusing them keeps every slot index inside the tile.
    if (a.shift > 12u || a.len == 0 || a.len > span) return;
    const U* __restrict__ x = (const U*)a.in;
    const da_u64 rows = a.n / a.len;
    const unsigned int per_tile = DA_BSORT_TILE >> a.shift;
    const da_u64 tiles = (rows + per_tile - 1) / per_tile;
    const unsigned int t = da_tid(), len = (unsigned int)a.len;
    const bool descending = (a.flags & DA_SORT_DESCENDING) != 0;
    for (da_u64 b = da_bid(); b < tiles; b += da_gdim()) {
        const da_u64 first = b * per_tile * a.len;  // the tile's first element
        const da_u64 left = rows - b * per_tile;
        const unsigned int used = (left < per_tile ? (unsigned int)left : per_tile) << a.shift;
        for (unsigned int s = t; s < used; s += DA_SORT_BLOCK) {
            const unsigned int r = s >> a.shift, c = s & (span - 1u);
            if (c < len) {
                U k = da_sort_key<U>(x[first + (da_u64)r * len + c]);
                if (descending) k = (U)~k;
                tile.set(s, (da_u64)k, c);
            } else {
                tile.set(s, (da_u64)(U)~(U)0, 0xffffu);
            }
        }
        da_sync();
        for (unsigned int k = 2; k <= span; k <<= 1) {
            for (unsigned int j = k >> 1; j > 0; j >>= 1) {
                for (unsigned int p = t; p < used / 2; p += DA_SORT_BLOCK) {
                    const unsigned int lo = ((p & ~(j - 1u)) << 1) | (p & (j - 1u));
                    tile.order(lo, j == k >> 1 ? lo ^ (k - 1u) : lo + j);
                }
                da_sync();
            }
        }
        for (unsigned int s = t; s < used; s += DA_SORT_BLOCK) {
            const unsigned int r = s >> a.shift, c = s & (span - 1u);
            if (c >= len) continue;
            const da_u64 row = first + (da_u64)r * len, pos = tile.pos(s);
            if (a.flags & DA_SORT_INDICES) {
                ((long long*)a.out)[row + c] = (long long)pos;
            } else {
                ((U*)a.out)[row + c] = x[row + pos];
            }
        }
        da_sync();  // the next tile overwrites the slots
    }
}

// The digit of element i of this pass.
template <class K> DA_DEV unsigned int da_radix_digit(const SortArgs& a, da_u64 i) {
    if (a.flags & DA_SORT_ROW_DIGIT) {
        const da_u64 row = ((const da_u64*)a.vals_in)[i] / a.len;
        return (unsigned int)((row >> a.shift) & 255u);
    }
    return (unsigned int)((((const K*)a.in)[i] >> a.shift) & 255u);
}

template <class K> DA_DEV void da_radix_hist(const SortArgs& a) {
    DA_SHARED unsigned int hist[256];
    da_u64* counts = (da_u64*)a.counts;
    const unsigned int t = da_tid();
    for (da_u64 tile = da_bid(); tile < a.tiles; tile += da_gdim()) {
        hist[t] = 0u;
        da_sync();
        const da_u64 begin = tile * DA_SORT_TILE;
        const da_u64 end = begin + DA_SORT_TILE < a.n ? begin + DA_SORT_TILE : a.n;
        for (da_u64 i = begin + t; i < end; i += DA_SORT_BLOCK) atomicAdd(&hist[da_radix_digit<K>(a, i)], 1u);
        da_sync();
        counts[(da_u64)t * a.tiles + tile] = hist[t];
        da_sync();
    }
}

// The lanes of this warp whose digit equals mine (8 ballots, one per digit bit), among `valid`.
DA_DEV unsigned int da_radix_peers(unsigned int digit, unsigned int valid) {
    unsigned int peers = valid;
    for (int b = 0; b < 8; ++b) {
        const unsigned int bit = (digit >> b) & 1u;
        const unsigned int set = __ballot_sync(0xffffffffu, (int)bit);
        peers &= bit ? set : ~set;
    }
    return peers;
}

// A tile in chunks of DA_SORT_BLOCK elements, in order: an element's destination is its digit's
// running base + the counts of that digit in earlier warps of the chunk + its rank among the
// lanes of its warp with that digit, so equal digits keep their order (a stable pass).
template <class K> DA_DEV void da_radix_scatter(const SortArgs& a) {
    DA_SHARED da_u64 base[256];
    DA_SHARED unsigned int wcount[DA_SORT_WARPS][256];
    const da_u64* counts = (const da_u64*)a.counts;
    const K* keys = (const K*)a.in;
    const da_u64* vals = (const da_u64*)a.vals_in;
    const unsigned int t = da_tid(), lane = t & 31u, warp = t >> 5;
    for (da_u64 tile = da_bid(); tile < a.tiles; tile += da_gdim()) {
        base[t] = counts[(da_u64)t * a.tiles + tile];
        const da_u64 begin = tile * DA_SORT_TILE;
        const da_u64 end = begin + DA_SORT_TILE < a.n ? begin + DA_SORT_TILE : a.n;
        for (da_u64 c = begin; c < end; c += DA_SORT_BLOCK) {
            for (int w = 0; w < DA_SORT_WARPS; ++w) wcount[w][t] = 0u;
            const da_u64 i = c + t;
            const bool ok = i < end;
            const unsigned int d = ok ? da_radix_digit<K>(a, i) : 0u;
            const unsigned int valid = __ballot_sync(0xffffffffu, ok);
            const unsigned int peers = da_radix_peers(d, valid);
            const unsigned int rank = (unsigned int)__popc(peers & ((1u << lane) - 1u));
            da_sync();
            if (ok && rank == 0) wcount[warp][d] = (unsigned int)__popc(peers);
            da_sync();
            unsigned int run = 0;
            for (int w = 0; w < DA_SORT_WARPS; ++w) {
                const unsigned int n = wcount[w][t];
                wcount[w][t] = run;
                run += n;
            }
            da_sync();
            if (ok) {
                const da_u64 dst = base[d] + wcount[warp][d] + rank;
                ((K*)a.out)[dst] = keys[i];
                ((da_u64*)a.vals_out)[dst] = vals[i];
            }
            da_sync();
            base[t] += run;
        }
        da_sync();
    }
}

DA_DEV void da_radix_index(const SortArgs& a) {
    const da_u64* __restrict__ vals = (const da_u64*)a.vals_in;
    long long* __restrict__ out = (long long*)a.out;
    const da_u64 step = (da_u64)da_gdim() * da_bdim();
    for (da_u64 i = (da_u64)da_bid() * da_bdim() + da_tid(); i < a.n; i += step) {
        out[i] = (long long)(vals[i] % a.len);
    }
}

// searchsorted_{T}_{left,right}: out[i] = the first position p of the sorted `in` (len elements)
// where key(in[p]) >= key(v[i]) (left) or > key(v[i]) (right); a binary search per query.
template <class T, bool RIGHT> DA_DEV void da_searchsorted(const SortArgs& a) {
    typedef typename da_sort_uint<sizeof(T)>::U U;
    const U* __restrict__ sorted = (const U*)a.in;
    const U* __restrict__ v = (const U*)a.vals_in;
    long long* __restrict__ out = (long long*)a.out;
    const da_u64 step = (da_u64)da_gdim() * da_bdim();
    for (da_u64 i = (da_u64)da_bid() * da_bdim() + da_tid(); i < a.n; i += step) {
        const U k = da_sort_key<U>(v[i]);
        da_u64 lo = 0, hi = a.len;
        while (lo < hi) {
            const da_u64 mid = lo + (hi - lo) / 2;
            const U m = da_sort_key<U>(sorted[mid]);
            if (RIGHT ? m <= k : m < k) lo = mid + 1; else hi = mid;
        }
        out[i] = (long long)lo;
    }
}

// Emulator registry entry: ABI 4 (sort), abi_info = {key or element size, path: 0 keys, 1 take,
// 2 hist, 4 scatter, 5 index (3 was the one-block scan of the counts, now the scan family's),
// 6 searchsorted, 7 block}.
#ifdef DA_EMULATOR
#  define DA_EMU_ABI_SORT 6u
#  define DA_EMU_SORT(NAME, SIZE, PATH)                                                          \
    extern "C" void DA_CAT(NAME, __emu)(void** p) { NAME(*(const SortArgs*)p[0]); }              \
    DA_EMU_REGISTER(DA_STR(NAME), &DA_CAT(NAME, __emu), DA_SORT_BLOCK, 1u,                        \
                    {(unsigned)sizeof(SortArgs), 0u, 0u, 0u}, DA_EMU_ABI_SORT,                    \
                    {(unsigned)(SIZE), (unsigned)(PATH), 0u, 0u, 0u, 0u, 0u})
#else
#  define DA_EMU_SORT(NAME, SIZE, PATH)
#endif

#define DA_SORT_KERNEL(PREFIX, PATH, BODY, SIZE, CODE)                                           \
    DA_KERNEL(DA_SORT_BLOCK) DA_CAT(PREFIX, PATH)(SortArgs a) { BODY(a); }                        \
    DA_EMU_SORT(DA_CAT(PREFIX, PATH), SIZE, CODE)

#define DA_SORTPREP_DEFINE(PREFIX) DA_WHEN_WANTED(PREFIX, DA_SORTPREP_DEFINE_ALL(PREFIX))
#define DA_SORTPREP_DEFINE_ALL(PREFIX)                                                            \
    DA_SORT_KERNEL(PREFIX, _keys, da_sortprep_keys<DA_T>, sizeof(DA_T), 0)                       \
    DA_SORT_KERNEL(PREFIX, _take, da_sortprep_take<DA_T>, sizeof(DA_T), 1)                       \
    DA_SORT_KERNEL(PREFIX, _block, da_sortprep_block<DA_T>, sizeof(DA_T), 7)

DA_SORTPREP_DEFINE(DA_OPNAME(sortprep))

#define DA_SEARCH_DEFINE(PREFIX) DA_WHEN_WANTED(PREFIX, DA_SEARCH_DEFINE_ALL(PREFIX))
#define DA_SEARCH_DEFINE_ALL(PREFIX)                                                              \
    DA_SORT_KERNEL(PREFIX, _left, (da_searchsorted<DA_T, false>), sizeof(DA_T), 6)               \
    DA_SORT_KERNEL(PREFIX, _right, (da_searchsorted<DA_T, true>), sizeof(DA_T), 6)

DA_SEARCH_DEFINE(DA_OPNAME(searchsorted))

#if defined(DA_DTYPE_U8) || defined(DA_DTYPE_U16) || defined(DA_DTYPE_U32) || defined(DA_DTYPE_U64)
#  define DA_RADIX_DEFINE(PREFIX) DA_WHEN_WANTED(PREFIX, DA_RADIX_DEFINE_ALL(PREFIX))
#  define DA_RADIX_DEFINE_ALL(PREFIX)                                                             \
    DA_SORT_KERNEL(PREFIX, _hist, da_radix_hist<DA_T>, sizeof(DA_T), 2)                          \
    DA_SORT_KERNEL(PREFIX, _scatter, da_radix_scatter<DA_T>, sizeof(DA_T), 4)                    \
    DA_SORT_KERNEL(PREFIX, _index, da_radix_index, sizeof(DA_T), 5)
DA_RADIX_DEFINE(DA_OPNAME(radix))
#endif
