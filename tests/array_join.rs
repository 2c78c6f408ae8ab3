//! `concat`, `stack`, `split`, `split_equal` and `unstack` in the core, on every device.

mod common;

use devarray::{Array, DType, Device, Error};

fn iota(shape: &[usize], dtype: DType, dev: &Device) -> devarray::Result<Array> {
    let n: usize = shape.iter().product();
    Array::arange(0.0, n as f64, 1.0, dtype, dev)?.reshape(shape)
}

fn concat_and_stack(dev: &Device) -> devarray::Result<()> {
    let a = iota(&[2, 3], DType::I32, dev)?;
    let b = iota(&[1, 3], DType::F32, dev)?;
    let c = Array::concat(&[a.clone(), b.clone()], Some(0))?;
    assert_eq!((c.shape(), c.dtype()), (&[3usize, 3][..], DType::F64));
    assert_eq!(c.to_vec::<f64>()?, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 0.0, 1.0, 2.0]);
    // Along the last axis, a transposed (non-contiguous) part, and flattening with None.
    let t = iota(&[3, 2], DType::I32, dev)?.transpose(); // (2, 3)
    let c = Array::concat(&[a.clone(), t.clone()], Some(-1))?;
    assert_eq!(c.to_vec::<i32>()?, vec![0, 1, 2, 0, 2, 4, 3, 4, 5, 1, 3, 5]);
    assert_eq!(Array::concat(&[t, b.astype(DType::I32)?], None)?.to_vec::<i32>()?, vec![0, 2, 4, 1, 3, 5, 0, 1, 2]);
    // Empty parts, bool and f16.
    let e = iota(&[0, 3], DType::I32, dev)?;
    assert_eq!(Array::concat(&[e.clone(), e.clone()], Some(0))?.shape(), &[0, 3]);
    let m = Array::concat(&[Array::ones(&[2], DType::Bool, dev)?, Array::zeros(&[1], DType::Bool, dev)?], None)?;
    assert_eq!(m.to_vec::<bool>()?, vec![true, true, false]);
    let s = Array::stack(&[a.clone(), a.clone()], 1)?;
    assert_eq!(s.shape(), &[2, 2, 3]);
    let z = iota(&[], DType::F16, dev)?;
    assert_eq!(Array::stack(&[z.clone(), z.clone(), z], 0)?.shape(), &[3]);
    // Errors.
    assert!(matches!(Array::concat(&[], Some(0)), Err(Error::InvalidArgument { .. })));
    assert!(matches!(Array::concat(&[a.clone(), e.clone()], Some(1)), Err(Error::InvalidArgument { .. })));
    assert!(matches!(Array::concat(std::slice::from_ref(&a), Some(2)), Err(Error::AxisOutOfRange { .. })));
    assert!(matches!(Array::concat(&[iota(&[], DType::F32, dev)?], Some(0)), Err(Error::InvalidArgument { .. })));
    assert!(matches!(Array::stack(&[a.clone(), e], 0), Err(Error::InvalidArgument { .. })));
    assert!(matches!(Array::stack(std::slice::from_ref(&a), 3), Err(Error::AxisOutOfRange { .. })));
    if *dev != Device::Cpu {
        let h = iota(&[2, 3], DType::I32, &Device::Cpu)?;
        assert!(matches!(Array::concat(&[a, h], Some(0)), Err(Error::DeviceMismatch { .. })));
    }
    Ok(())
}

fn split_and_unstack(dev: &Device) -> devarray::Result<()> {
    let x = iota(&[2, 6], DType::I64, dev)?;
    let parts = x.split(&[2, 5, 9], 1)?;
    assert_eq!(parts.iter().map(|p| p.shape()[1]).collect::<Vec<_>>(), vec![2, 3, 1, 0]);
    assert_eq!(parts[1].to_vec::<i64>()?, vec![2, 3, 4, 8, 9, 10]);
    assert_eq!(x.split(&[4, 1], -1)?[1].shape(), &[2, 0]);
    let eq = x.split_equal(3, 1)?;
    assert_eq!(Array::concat(&eq, Some(1))?.to_vec::<i64>()?, x.to_vec::<i64>()?);
    assert!(matches!(x.split_equal(4, 1), Err(Error::InvalidArgument { .. })));
    assert!(matches!(x.split_equal(0, 1), Err(Error::InvalidArgument { .. })));
    let rows = x.flip(None)?.unstack(0)?;
    assert_eq!(rows[0].to_vec::<i64>()?, vec![11, 10, 9, 8, 7, 6]);
    let cols = x.unstack(-1)?;
    assert_eq!((cols.len(), cols[5].to_vec::<i64>()?), (6, vec![5, 11]));
    assert!(iota(&[0, 2], DType::F32, dev)?.unstack(0)?.is_empty());
    assert!(matches!(iota(&[], DType::F32, dev)?.unstack(0), Err(Error::AxisOutOfRange { .. })));
    Ok(())
}

test_on_devices!(concat_and_stack, split_and_unstack);
