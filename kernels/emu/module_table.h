// Included at the very end of one emulator module translation unit (a kernel source compiled for one
// dtype, after kernels/emu/shim.h), with DA_EMU_MODULE_FN naming the function to define: it returns
// this unit's registry, slots 0 .. __COUNTER__ (empty slots are null), and their number.
#ifndef DA_EMU_MODULE_FN
#  error "define DA_EMU_MODULE_FN before including module_table.h"
#endif

namespace {
template <int... I>
const da_emu_kernel* const* da_emu_collect(unsigned int* count, std::integer_sequence<int, I...>) {
    static const da_emu_kernel* const all[] = {da_emu_slot<I>::get()..., nullptr};
    *count = (unsigned int)sizeof...(I);
    return all;
}
}  // namespace

extern "C" const da_emu_kernel* const* DA_EMU_MODULE_FN(unsigned int* count) {
    return da_emu_collect(count, std::make_integer_sequence<int, __COUNTER__>());
}
