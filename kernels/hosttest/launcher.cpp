// C entry point for test_kernels.py: da_emu_launch(name, grid, block, param1, param2) finds kernel
// `name` in the registry (kernels/emu, generated registry.cpp) and runs it with the emulator's
// runtime. Returns 0, -1 for an unknown kernel, 1 for a failed launch (the error is printed).
#include "../emu/shim.h"

extern "C" const da_emu_module* da_emu_modules(unsigned int* count);

static const da_emu_kernel* find(const char* name) {
    unsigned int nmod = 0;
    const da_emu_module* mods = da_emu_modules(&nmod);
    for (unsigned int m = 0; m < nmod; ++m) {
        unsigned int n = 0;
        const da_emu_kernel* const* ks = mods[m].kernels(&n);
        for (unsigned int i = 0; i < n; ++i)
            if (ks[i] && strcmp(ks[i]->name, name) == 0) return ks[i];
    }
    return nullptr;
}

extern "C" int da_emu_launch(const char* name, int grid, int block, const void* p1, const void* p2) {
    const da_emu_kernel* k = find(name);
    if (!k) return -1;
    void* params[2] = {(void*)p1, (void*)p2};
    da_emu_launch_desc d = {k, params, {(unsigned)grid, 1, 1}, {(unsigned)block, 1, 1}, 0x5eedull};
    da_emu_launch_result r;
    if (da_emu_run(&d, &r) != 0) {
        fprintf(stderr, "da_emu_launch %s: %s\n", name, r.error);
        return 1;
    }
    return 0;
}
