// CPU launcher for the devarray kernels compiled as host C++ (see shim.h).
// da_emu_launch(name, grid, block, param1, param2): looks the extern "C" kernel up with dlsym.
#include "shim.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>
#include <vector>

#define DA_KERNEL(...) extern "C" void
#include "../common.cuh"

da_dim3 threadIdx, blockIdx, blockDim, gridDim;

namespace {
enum State { RUNNABLE, WAIT_BLOCK, WAIT_WARP, DONE };
struct Fiber {
    ucontext_t ctx;
    State st;
    std::vector<char> stack;
};
ucontext_t g_sched;
std::vector<Fiber> g_f;
int g_cur;
void (*g_body)(void*);
void* g_arg;
// warp exchange slots
unsigned char g_slot[1024][8];

void fiber_main() {
    g_body(g_arg);
    g_f[g_cur].st = DONE;
    swapcontext(&g_f[g_cur].ctx, &g_sched);
}

// Release barriers whose participants all arrived.
void release() {
    int n = (int)g_f.size();
    // block barrier: all non-done threads waiting
    bool all = true, any = false;
    for (int i = 0; i < n; ++i) {
        if (g_f[i].st == RUNNABLE || g_f[i].st == WAIT_WARP) all = false;
        if (g_f[i].st == WAIT_BLOCK) any = true;
    }
    if (all && any)
        for (int i = 0; i < n; ++i)
            if (g_f[i].st == WAIT_BLOCK) g_f[i].st = RUNNABLE;
    for (int w = 0; w * 32 < n; ++w) {
        bool wall = true, wany = false;
        for (int i = w * 32; i < n && i < w * 32 + 32; ++i) {
            if (g_f[i].st != WAIT_WARP) wall = false;
            else wany = true;
        }
        if (wall && wany)
            for (int i = w * 32; i < n && i < w * 32 + 32; ++i) g_f[i].st = RUNNABLE;
    }
}
void wait_as(State s) {
    g_f[g_cur].st = s;
    swapcontext(&g_f[g_cur].ctx, &g_sched);
    threadIdx.x = (unsigned int)g_cur;
}
}  // namespace

void da_emu_syncthreads() { wait_as(WAIT_BLOCK); }

void da_emu_warp_exchange(const void* mine, void* theirs, int bytes, int lane_mask) {
    memcpy(g_slot[g_cur], mine, bytes);
    wait_as(WAIT_WARP);  // all 32 lanes wrote
    int src = (g_cur & ~31) | ((g_cur & 31) ^ lane_mask);
    memcpy(theirs, g_slot[src], bytes);
    wait_as(WAIT_WARP);  // all 32 lanes read before the slots are reused
}

static void run_block(int nthreads) {
    g_f.assign(nthreads, Fiber());
    for (int i = 0; i < nthreads; ++i) {
        Fiber& f = g_f[i];
        f.stack.resize(256 * 1024);
        getcontext(&f.ctx);
        f.ctx.uc_stack.ss_sp = f.stack.data();
        f.ctx.uc_stack.ss_size = f.stack.size();
        f.ctx.uc_link = nullptr;
        makecontext(&f.ctx, fiber_main, 0);
        f.st = RUNNABLE;
    }
    for (;;) {
        bool progress = false, alldone = true;
        for (int i = 0; i < nthreads; ++i) {
            if (g_f[i].st != DONE) alldone = false;
            if (g_f[i].st != RUNNABLE) continue;
            g_cur = i;
            threadIdx.x = (unsigned int)i;
            swapcontext(&g_sched, &g_f[i].ctx);
            progress = true;
        }
        if (alldone) return;
        release();
        if (!progress) {
            bool runnable = false;
            for (int i = 0; i < nthreads; ++i) runnable |= g_f[i].st == RUNNABLE;
            if (!runnable) { fprintf(stderr, "da_emu: deadlock (barrier not reached by all threads)\n"); abort(); }
        }
    }
}

template <class P1, class P2> struct Call2 {
    void (*fn)(P1, P2);
    P1 a; P2 b;
    static void run(void* s) { Call2* c = (Call2*)s; c->fn(c->a, c->b); }
};
template <class P1> struct Call1 {
    void (*fn)(P1);
    P1 a;
    static void run(void* s) { Call1* c = (Call1*)s; c->fn(c->a); }
};

static void launch(int grid, int block, void (*body)(void*), void* arg) {
    gridDim = {(unsigned)grid, 1, 1};
    blockDim = {(unsigned)block, 1, 1};
    g_body = body; g_arg = arg;
    for (int b = 0; b < grid; ++b) {
        blockIdx = {(unsigned)b, 0, 0};
        run_block(block);
    }
}

extern "C" int da_emu_launch(const char* name, int grid, int block, const void* p1, const void* p2) {
    void* sym = dlsym(RTLD_DEFAULT, name);
    if (!sym) return -1;
    size_t n = strlen(name);
    auto ends = [&](const char* s) { size_t k = strlen(s); return n >= k && strcmp(name + n - k, s) == 0; };
    if (ends("_vec")) {
        Call2<EwArgs, LayoutContig> c{(void (*)(EwArgs, LayoutContig))sym, *(const EwArgs*)p1, *(const LayoutContig*)p2};
        launch(grid, block, &Call2<EwArgs, LayoutContig>::run, &c);
    } else if (ends("_s32")) {
        Call2<EwArgs, Layout32> c{(void (*)(EwArgs, Layout32))sym, *(const EwArgs*)p1, *(const Layout32*)p2};
        launch(grid, block, &Call2<EwArgs, Layout32>::run, &c);
    } else if (ends("_s64")) {
        Call2<EwArgs, Layout64> c{(void (*)(EwArgs, Layout64))sym, *(const EwArgs*)p1, *(const Layout64*)p2};
        launch(grid, block, &Call2<EwArgs, Layout64>::run, &c);
    } else {
        Call1<RedArgs> c{(void (*)(RedArgs))sym, *(const RedArgs*)p1};
        launch(grid, block, &Call1<RedArgs>::run, &c);
    }
    return 0;
}
