// The devarray CUDA emulator's runtime: runs a kernel's grid on the calling thread, every CUDA thread
// a fiber with its own stack. Blocks run one after another; within a block the scheduler picks the
// next ready thread pseudo-randomly (seeded per launch and block, so runs are reproducible: see
// ReadySet), and a thread runs until it waits at a barrier (__syncthreads, a warp operation) or
// exits. So threads really interleave at barriers, and code that relies on a barrier it does not
// have sees another thread's stale or future data.
//
// Errors (a deadlock, a barrier or warp operation after threads exited, __trap) abandon the launch
// and are returned as text. One launch runs at a time per process: the kernels' built-in variables
// and __shared__ data are process-wide.
#include "shim.h"
#include "../common.cuh"

#include <errno.h>
#include <mutex>
#include <stdarg.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#if !defined(__x86_64__) || defined(DA_EMU_UCONTEXT)
#  include <ucontext.h>
#  define DA_EMU_USE_UCONTEXT 1
#endif

uint3 threadIdx, blockIdx;
dim3 blockDim, gridDim;

// ------------------------------------------------------------------------------------------
// half / bfloat16 conversions for the shim: common_f16.cuh's portable code (the same code kernels use)
// ------------------------------------------------------------------------------------------
extern "C" float da_emu_half_to_float(unsigned short h) { return da_h2f(h); }
extern "C" unsigned short da_emu_float_to_half(float f) { return (unsigned short)da_f2h(f); }
extern "C" unsigned short da_emu_double_to_half(double d) { return (unsigned short)da_d2h(d); }
extern "C" float da_emu_bf16_to_float(unsigned short b) { return da_b2f(b); }
extern "C" unsigned short da_emu_float_to_bf16(float f) { return (unsigned short)da_f2b(f); }

// ------------------------------------------------------------------------------------------
// Context switching: hand-written on x86-64 (no signal-mask system call per switch), ucontext
// elsewhere (or with -DDA_EMU_UCONTEXT).
// ------------------------------------------------------------------------------------------
#ifndef DA_EMU_USE_UCONTEXT
// da_emu_ctx_switch(save, load): pushes the callee-saved registers and the SSE/x87 control words,
// stores the stack pointer in *save, switches to stack `load` and pops the same frame from it.
// A new fiber's frame "returns" into da_emu_ctx_entry, which calls r13(r12).
extern "C" void da_emu_ctx_switch(void** save, void* load);
extern "C" void da_emu_ctx_entry(void);
asm(R"(
    .text
    .p2align 4
    .globl da_emu_ctx_switch
    .hidden da_emu_ctx_switch
    .type da_emu_ctx_switch, @function
da_emu_ctx_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size da_emu_ctx_switch, .-da_emu_ctx_switch

    .p2align 4
    .globl da_emu_ctx_entry
    .hidden da_emu_ctx_entry
    .type da_emu_ctx_entry, @function
da_emu_ctx_entry:
    movq %r12, %rdi
    callq *%r13
    ud2
    .size da_emu_ctx_entry, .-da_emu_ctx_entry
)");
#endif

namespace {

constexpr unsigned int kMaxThreads = 1024;           // threads per block (CUDA's limit)
constexpr size_t kStackBytes = 128 * 1024;           // per fiber (virtual); a guard page below it
constexpr size_t kStackUsable = 64 * 1024;           // what a fiber may use below its (coloured) top
constexpr unsigned int kMaxShuffleBytes = 32;        // largest value one warp operation moves

enum class State : unsigned char { Ready, AtBarrier, AtWarp, Done };

struct Fiber {
    char* stack = nullptr;  // lowest usable byte; a PROT_NONE guard page lies below
#ifdef DA_EMU_USE_UCONTEXT
    ucontext_t ctx;
#else
    void* sp = nullptr;
#endif
    uint3 tid = {0, 0, 0};
    State state = State::Ready;
    // Bytes left unused above the stack top: fibers' hot stack lines would otherwise all fall into
    // the same cache sets (every top at the same offset modulo the stack size).
    unsigned int color = 0;
};

// A warp operation: every lane deposits its value in bank[phase & 1], waits until all have, then
// reads what it needs. The next operation uses the other bank, and the one after that cannot
// start before every lane has read this one (it needs all lanes to arrive), so no copy is needed.
struct Warp {
    unsigned int lanes = 0, live = 0, waiting = 0, phase = 0;
    unsigned int mask = 0, bytes = 0;  // of the operation being gathered
    unsigned char bank[2][32][kMaxShuffleBytes];
};

unsigned long long splitmix(unsigned long long& s) {
    unsigned long long z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// The threads of a block ready to run, and which runs next. Two policies, drawn per block:
// - uniform: any ready thread, at random (threads interleave finely);
// - priority: a random ranking of the warps (and of the lanes within each), the best-ranked ready
//   thread first, so some warps run as far ahead as barriers allow while others lag behind.
// Between them, code missing a barrier reads data too early or has it overwritten too soon.
class ReadySet {
public:
    void reset(unsigned int nthreads, unsigned long long& rng) {
        priority_ = (splitmix(rng) & 1u) != 0u;
        list_.clear();
        for (auto& w : bits_) w = 0;
        if (!priority_) return;
        unsigned int nwarps = (nthreads + 31u) / 32u, warp_at[kMaxThreads / 32], lane_at[32];
        for (unsigned int i = 0; i < nwarps; ++i) warp_at[i] = i;
        for (unsigned int i = 0; i < 32; ++i) lane_at[i] = i;
        shuffle(warp_at, nwarps, rng);
        shuffle(lane_at, 32, rng);
        for (unsigned int r = 0; r < nwarps; ++r)
            for (unsigned int l = 0; l < 32; ++l) rank_of_[warp_at[r] * 32u + lane_at[l]] = r * 32u + l;
        for (unsigned int t = 0; t < nthreads; ++t) thread_at_[rank_of_[t]] = t;
    }
    void push(unsigned int t) {
        if (priority_) bits_[rank_of_[t] / 64u] |= 1ull << (rank_of_[t] % 64u);
        else list_.push_back(t);
    }
    // The next thread to run, or -1 when none is ready.
    int pop(unsigned long long& rng) {
        if (priority_) {
            for (unsigned int w = 0; w < kMaxThreads / 64; ++w) {
                if (bits_[w] == 0) continue;
                const unsigned int b = (unsigned int)__builtin_ctzll(bits_[w]);
                bits_[w] &= bits_[w] - 1u;
                return (int)thread_at_[w * 64u + b];
            }
            return -1;
        }
        if (list_.empty()) return -1;
        const size_t k = (size_t)(((splitmix(rng) >> 32) * list_.size()) >> 32);
        const unsigned int t = list_[k];
        list_[k] = list_.back();
        list_.pop_back();
        return (int)t;
    }

private:
    static void shuffle(unsigned int* a, unsigned int n, unsigned long long& rng) {
        for (unsigned int i = n; i > 1; --i) {
            const unsigned int j = (unsigned int)(splitmix(rng) % i);
            const unsigned int t = a[i - 1];
            a[i - 1] = a[j];
            a[j] = t;
        }
    }
    bool priority_ = false;
    std::vector<unsigned int> list_;
    unsigned long long bits_[kMaxThreads / 64] = {0};
    unsigned int rank_of_[kMaxThreads] = {0}, thread_at_[kMaxThreads] = {0};
};

// Everything one launch uses; a single instance, guarded by g_launch_lock.
struct Scheduler {
    std::vector<Fiber> fibers;  // grows to the largest block seen; stacks are kept
    ReadySet ready;
    Warp warps[kMaxThreads / 32];
    unsigned int nthreads = 0, live = 0, at_barrier = 0, current = 0;
    unsigned long long rng = 0, switches = 0;
    void (*entry)(void**) = nullptr;
    void** params = nullptr;
    bool failed = false;
    char error[256] = {0};
#ifdef DA_EMU_USE_UCONTEXT
    ucontext_t home;
#else
    void* home_sp = nullptr;
#endif
};

Scheduler g;
std::mutex g_launch_lock;

void fail(const char* fmt, ...) {
    if (g.failed) return;
    g.failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g.error, sizeof g.error, fmt, ap);
    va_end(ap);
}

// Leaves the running fiber for the scheduler; returns when the scheduler resumes it.
void yield_to_scheduler() {
    Fiber& f = g.fibers[g.current];
#ifdef DA_EMU_USE_UCONTEXT
    swapcontext(&f.ctx, &g.home);
#else
    da_emu_ctx_switch(&f.sp, g.home_sp);
#endif
}

void release_barrier() {
    for (unsigned int i = 0; i < g.nthreads; ++i) {
        if (g.fibers[i].state == State::AtBarrier) {
            g.fibers[i].state = State::Ready;
            g.ready.push(i);
        }
    }
    g.at_barrier = 0;
}

void release_warp(unsigned int w) {
    Warp& wp = g.warps[w];
    const unsigned int first = w * 32;
    ++wp.phase;
    for (unsigned int l = 0; l < wp.lanes; ++l) {
        g.fibers[first + l].state = State::Ready;
        g.ready.push(first + l);
    }
    wp.waiting = 0;
}

[[noreturn]] void abandon() {
    // The scheduler never resumes a fiber after a failure: its stack is simply reused.
    yield_to_scheduler();
    __builtin_unreachable();
}

// Runs on the fiber's own stack: the kernel, then the exit bookkeeping.
void fiber_main(void*) {
    g.entry(g.params);
    const unsigned int t = g.current, w = t / 32;
    g.fibers[t].state = State::Done;
    --g.live;
    --g.warps[w].live;
    if (g.at_barrier > 0) {
        fail("thread %u exited while %u threads of its block wait at __syncthreads()", t, g.at_barrier);
    }
    if (g.warps[w].waiting > 0) {
        fail("thread %u exited while %u lanes of its warp wait in a warp operation", t, g.warps[w].waiting);
    }
    abandon();
}

#ifdef DA_EMU_USE_UCONTEXT
void fiber_trampoline() { fiber_main(nullptr); }
#endif

char* new_stack() {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void* p = mmap(nullptr, kStackBytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    mprotect(p, page, PROT_NONE);  // overflow faults instead of corrupting the neighbour
    return (char*)p + page;
}

bool prepare_fiber(Fiber& f) {
    if (!f.stack && !(f.stack = new_stack())) return false;
#ifdef DA_EMU_USE_UCONTEXT
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = f.stack;
    f.ctx.uc_stack.ss_size = kStackBytes - f.color;
    f.ctx.uc_link = nullptr;
    makecontext(&f.ctx, fiber_trampoline, 0);
#else
    // Frame popped by da_emu_ctx_switch: control words, r15, r14, r13 (function), r12 (argument),
    // rbx, rbp, return address (da_emu_ctx_entry); the stack top is 16-byte aligned, so the entry's
    // call leaves the callee a correctly aligned frame.
    unsigned long long* top = (unsigned long long*)(f.stack + kStackBytes - f.color);
    unsigned long long* sp = top - 8;
    sp[0] = 0x1f80ull | (0x037full << 32);  // MXCSR default, x87 control word default
    sp[1] = 0;
    sp[2] = 0;
    sp[3] = (unsigned long long)(void*)&fiber_main;
    sp[4] = 0;
    sp[5] = 0;
    sp[6] = 0;
    sp[7] = (unsigned long long)(void*)&da_emu_ctx_entry;
    f.sp = sp;
#endif
    return true;
}

void run_fiber(unsigned int i) {
    Fiber& f = g.fibers[i];
    g.current = i;
    threadIdx = f.tid;
    ++g.switches;
#ifdef DA_EMU_USE_UCONTEXT
    swapcontext(&g.home, &f.ctx);
#else
    da_emu_ctx_switch(&g.home_sp, f.sp);
#endif
}

bool start_block(const unsigned int block[3]) {
    g.nthreads = block[0] * block[1] * block[2];
    if (g.fibers.size() < g.nthreads) g.fibers.resize(g.nthreads);
    g.ready.reset(g.nthreads, g.rng);
    for (unsigned int i = 0; i < g.nthreads; ++i) {
        Fiber& f = g.fibers[i];
        f.color = (i * 4160u) % (unsigned int)(kStackBytes - kStackUsable);
        if (!prepare_fiber(f)) {
            fail("cannot map a fiber stack (%s)", strerror(errno));
            return false;
        }
        f.tid = uint3{i % block[0], (i / block[0]) % block[1], i / (block[0] * block[1])};
        f.state = State::Ready;
        g.ready.push(i);
    }
    for (unsigned int w = 0; w * 32 < g.nthreads; ++w) {
        Warp& wp = g.warps[w];
        wp.lanes = wp.live = g.nthreads - w * 32 < 32 ? g.nthreads - w * 32 : 32;
        wp.waiting = 0;
    }
    g.live = g.nthreads;
    g.at_barrier = 0;
    return true;
}

void describe_deadlock() {
    unsigned int warp_waiting = 0;
    for (unsigned int i = 0; i < g.nthreads; ++i) warp_waiting += g.fibers[i].state == State::AtWarp;
    fail("deadlock: %u threads live, %u at __syncthreads(), %u in warp operations", g.live, g.at_barrier,
         warp_waiting);
}

bool run_block(const unsigned int block[3], unsigned long long block_seed) {
    g.rng = block_seed;
    if (!start_block(block)) return false;
    for (int i = g.ready.pop(g.rng); i >= 0 && !g.failed; i = g.ready.pop(g.rng)) run_fiber((unsigned int)i);
    if (!g.failed && g.live > 0) describe_deadlock();
    return !g.failed;
}

bool check_desc(const da_emu_launch_desc* d) {
    const unsigned int threads = d->block[0] * d->block[1] * d->block[2];
    for (int k = 0; k < 3; ++k) {
        if (d->grid[k] == 0 || d->block[k] == 0) {
            fail("empty grid or block (%u,%u,%u) x (%u,%u,%u)", d->grid[0], d->grid[1], d->grid[2], d->block[0],
                 d->block[1], d->block[2]);
            return false;
        }
    }
    if (threads > kMaxThreads || (d->kernel->max_threads && threads > d->kernel->max_threads)) {
        fail("%u threads per block exceed the kernel's limit of %u", threads,
             d->kernel->max_threads ? d->kernel->max_threads : kMaxThreads);
        return false;
    }
    return true;
}

}  // namespace

extern "C" void da_emu_syncthreads(void) {
    Fiber& f = g.fibers[g.current];
    if (g.live != g.nthreads) {
        fail("__syncthreads() after %u of %u threads of the block exited", g.nthreads - g.live, g.nthreads);
        abandon();
    }
    f.state = State::AtBarrier;
    if (++g.at_barrier == g.live) release_barrier();
    yield_to_scheduler();
}

// Deposits `bytes` bytes of `mine` for the warp operation all lanes are entering and waits for the
// others; returns the bank holding every lane's deposit.
static const unsigned char (*warp_arrive(unsigned int mask, const void* mine, unsigned int bytes))[kMaxShuffleBytes] {
    const unsigned int t = g.current, w = t / 32, lane = t % 32;
    Warp& wp = g.warps[w];
    const unsigned int lanes_mask = wp.lanes == 32 ? 0xffffffffu : (1u << wp.lanes) - 1u;
    if (bytes > kMaxShuffleBytes) fail("warp operation on %u bytes (at most %u)", bytes, kMaxShuffleBytes);
    if (mask != 0xffffffffu && mask != lanes_mask) {
        fail("warp operation with mask %#x: the emulator supports full-warp masks only", mask);
    }
    if (wp.live != wp.lanes) fail("warp operation after %u lanes of warp %u exited", wp.lanes - wp.live, w);
    if (wp.waiting > 0 && (wp.mask != mask || wp.bytes != bytes)) {
        fail("lanes of warp %u disagree on a warp operation (mask %#x/%#x, %u/%u bytes)", w, wp.mask, mask,
             wp.bytes, bytes);
    }
    if (g.failed) abandon();
    const unsigned int bank = wp.phase & 1u;
    wp.mask = mask;
    wp.bytes = bytes;
    if (bytes) memcpy(wp.bank[bank][lane], mine, bytes);
    g.fibers[t].state = State::AtWarp;
    if (++wp.waiting == wp.lanes) release_warp(w);
    yield_to_scheduler();
    return wp.bank[bank];
}

extern "C" void da_emu_warp_exchange(unsigned int mask, const void* mine, unsigned int bytes, int src, void* out) {
    const auto bank = warp_arrive(mask, mine, bytes);
    const unsigned int lane = g.current % 32, lanes = g.warps[g.current / 32].lanes;
    if (out) memcpy(out, bank[(unsigned int)src < lanes ? (unsigned int)src : lane], bytes);
}

extern "C" unsigned int da_emu_warp_ballot(unsigned int mask, int pred) {
    const int mine = pred != 0;
    const auto bank = warp_arrive(mask, &mine, (unsigned int)sizeof mine);
    unsigned int bits = 0;
    for (unsigned int l = 0; l < g.warps[g.current / 32].lanes; ++l) {
        int v;
        memcpy(&v, bank[l], sizeof v);
        bits |= (v != 0 ? 1u : 0u) << l;
    }
    return bits;
}

extern "C" void da_emu_syncwarp(unsigned int mask) { warp_arrive(mask, nullptr, 0); }

extern "C" unsigned int da_emu_active_mask(void) {
    const Warp& wp = g.warps[g.current / 32];
    unsigned int m = 0;
    for (unsigned int l = 0; l < wp.lanes; ++l) m |= (g.fibers[(g.current & ~31u) + l].state != State::Done) << l;
    return m;
}

extern "C" void da_emu_trap(const char* why) {
    fail("thread %u of block (%u,%u,%u): %s", g.current, blockIdx.x, blockIdx.y, blockIdx.z, why);
    abandon();
}

extern "C" int da_emu_run(const da_emu_launch_desc* d, da_emu_launch_result* r) {
    std::lock_guard<std::mutex> lock(g_launch_lock);
    g.failed = false;
    g.error[0] = 0;
    g.switches = 0;
    g.entry = d->kernel->entry;
    g.params = d->params;
    r->blocks = r->threads = 0;
    if (check_desc(d)) {
        gridDim = dim3(d->grid[0], d->grid[1], d->grid[2]);
        blockDim = dim3(d->block[0], d->block[1], d->block[2]);
        unsigned long long seed = d->seed;
        for (unsigned int z = 0; z < d->grid[2] && !g.failed; ++z)
            for (unsigned int y = 0; y < d->grid[1] && !g.failed; ++y)
                for (unsigned int x = 0; x < d->grid[0] && !g.failed; ++x) {
                    blockIdx = uint3{x, y, z};
                    if (run_block(d->block, splitmix(seed))) {
                        r->blocks += 1;
                        r->threads += g.nthreads;
                    }
                }
    }
    r->switches = g.switches;
    snprintf(r->error, sizeof r->error, "%s", g.failed ? g.error : "");
    return g.failed ? 1 : 0;
}
