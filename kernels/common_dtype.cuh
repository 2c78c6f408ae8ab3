// Module dtype selection: turns the one -DDA_DTYPE_<TAG> of a compilation into DA_T, DA_TAG
// and the DA_IS_* flags. Separate because the parts before it are generic over dtypes; this
// is where a module's one dtype is fixed.
// Part of common.cuh, which includes the parts in order; each part relies on the ones before
// it and includes nothing itself (NVRTC gets every part by name from src/cuda/module.rs).
#ifndef DA_COMMON_DTYPE_CUH
#define DA_COMMON_DTYPE_CUH

// ------------------------------------------------------------------------------------------
// Module dtype selection: exactly one -DDA_DTYPE_<TAG> per compilation.
// DA_T = storage type, DA_TAG = name tag, DA_IS_* = kind flags usable in #if.
// ------------------------------------------------------------------------------------------
#if defined(DA_DTYPE_BOOL)
#  define DA_T bool
#  define DA_TAG bool
#  define DA_IS_BOOL 1
#elif defined(DA_DTYPE_U8)
#  define DA_T unsigned char
#  define DA_TAG u8
#  define DA_IS_UINT 1
#elif defined(DA_DTYPE_U16)
#  define DA_T unsigned short
#  define DA_TAG u16
#  define DA_IS_UINT 1
#elif defined(DA_DTYPE_U32)
#  define DA_T unsigned int
#  define DA_TAG u32
#  define DA_IS_UINT 1
#elif defined(DA_DTYPE_U64)
#  define DA_T unsigned long long
#  define DA_TAG u64
#  define DA_IS_UINT 1
#elif defined(DA_DTYPE_I8)
#  define DA_T signed char
#  define DA_TAG i8
#  define DA_IS_SINT 1
#elif defined(DA_DTYPE_I16)
#  define DA_T short
#  define DA_TAG i16
#  define DA_IS_SINT 1
#elif defined(DA_DTYPE_I32)
#  define DA_T int
#  define DA_TAG i32
#  define DA_IS_SINT 1
#elif defined(DA_DTYPE_I64)
#  define DA_T long long
#  define DA_TAG i64
#  define DA_IS_SINT 1
#elif defined(DA_DTYPE_F16)
#  define DA_T da_f16
#  define DA_TAG f16
#  define DA_IS_FLOAT 1
#elif defined(DA_DTYPE_BF16)
#  define DA_T da_bf16
#  define DA_TAG bf16
#  define DA_IS_FLOAT 1
#elif defined(DA_DTYPE_F32)
#  define DA_T float
#  define DA_TAG f32
#  define DA_IS_FLOAT 1
#elif defined(DA_DTYPE_F64)
#  define DA_T double
#  define DA_TAG f64
#  define DA_IS_FLOAT 1
#elif defined(DA_DTYPE_C64)
#  define DA_T dcomplex64
#  define DA_TAG c64
#  define DA_IS_COMPLEX 1
#elif defined(DA_DTYPE_C128)
#  define DA_T dcomplex128
#  define DA_TAG c128
#  define DA_IS_COMPLEX 1
#endif
#ifndef DA_IS_COMPLEX
#  define DA_IS_COMPLEX 0
#endif
#ifndef DA_IS_BOOL
#  define DA_IS_BOOL 0
#endif
#ifndef DA_IS_UINT
#  define DA_IS_UINT 0
#endif
#ifndef DA_IS_SINT
#  define DA_IS_SINT 0
#endif
#ifndef DA_IS_FLOAT
#  define DA_IS_FLOAT 0
#endif
#define DA_IS_INT (DA_IS_UINT || DA_IS_SINT)

#endif  // DA_COMMON_DTYPE_CUH
