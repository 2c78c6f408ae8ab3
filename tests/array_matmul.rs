//! `matmul`, `tensordot`, `vecdot` and `outer` on every device, against a direct
//! triple-loop reference computed here in float64 (or exact integers).

mod common;

use devarray::{einsum, Array, AxisSlice, DType, Device, Error, Result};

fn iota(shape: &[usize], dtype: DType, dev: &Device) -> Result<Array> {
    let n: usize = shape.iter().product();
    Array::arange(0.0, n as f64, 1.0, dtype, dev)?.reshape(shape)
}

/// Values in [-1, 1) from a fixed sequence, so float sums are well conditioned.
fn values(shape: &[usize], dtype: DType, dev: &Device) -> Result<Array> {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n).map(|i| ((i * 7919 + 13) % 2048) as f64 / 1024.0 - 1.0).collect();
    Array::from_slice(&v, shape, &Device::Cpu)?.astype(dtype)?.to_device(dev)
}

/// `a @ b` for 2-D arrays, in float64 on the host.
fn reference(a: &Array, b: &Array) -> Result<Vec<f64>> {
    let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[1]);
    let (x, y) = (a.astype(DType::F64)?.to_vec::<f64>()?, b.astype(DType::F64)?.to_vec::<f64>()?);
    Ok((0..m * n).map(|ij| (0..k).map(|l| x[ij / n * k + l] * y[l * n + ij % n]).sum()).collect())
}

fn assert_close(got: &Array, want: &[f64], rel: f64) -> Result<()> {
    let got = got.astype(DType::F64)?.to_vec::<f64>()?;
    assert_eq!(got.len(), want.len());
    let scale = want.iter().fold(1.0f64, |s, w| s.max(w.abs()));
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= rel * scale, "element {i}: {g} vs {w}");
    }
    Ok(())
}

fn float_products(dev: &Device) -> Result<()> {
    for (dtype, rel) in [(DType::F32, 1e-5), (DType::F64, 1e-13), (DType::F16, 2e-3), (DType::BF16, 1e-2)] {
        for &(m, k, n) in &[(1, 1, 1), (2, 3, 4), (33, 17, 65), (64, 64, 64), (5, 130, 3)] {
            let (a, b) = (values(&[m, k], dtype, dev)?, values(&[k, n], dtype, dev)?);
            let c = a.matmul(&b)?;
            assert_eq!((c.shape(), c.dtype()), (&[m, n][..], dtype));
            assert_close(&c, &reference(&a, &b)?, rel)?;
        }
    }
    Ok(())
}

fn strided_operands(dev: &Device) -> Result<()> {
    let a = values(&[6, 5], DType::F64, dev)?;
    let b = values(&[5, 7], DType::F64, dev)?;
    let want = |a: &Array, b: &Array| reference(&a.copy()?, &b.copy()?);
    // Transposed, negative-stride and stepped views, and a broadcast (zero-stride) row.
    let at = values(&[5, 6], DType::F64, dev)?.transpose();
    assert_close(&at.matmul(&b)?, &want(&at, &b)?, 1e-13)?;
    let flipped = a.slice(&[AxisSlice::range(None, None, -1), AxisSlice::range(None, None, -1)])?;
    assert_close(&flipped.matmul(&b)?, &want(&flipped, &b)?, 1e-13)?;
    let stepped = values(&[5, 14], DType::F64, dev)?.slice(&[AxisSlice::FULL, AxisSlice::range(None, None, 2)])?;
    assert_close(&a.matmul(&stepped)?, &want(&a, &stepped)?, 1e-13)?;
    let row = values(&[1, 5], DType::F64, dev)?.broadcast_to(&[6, 5])?;
    assert_close(&row.matmul(&b)?, &want(&row, &b)?, 1e-13)?;
    Ok(())
}

fn batches_broadcast(dev: &Device) -> Result<()> {
    // (2, 1, 3, 4) @ (5, 4, 2) -> (2, 5, 3, 2), and batches that cannot merge into one stride.
    let a = values(&[2, 1, 3, 4], DType::F32, dev)?;
    let b = values(&[5, 4, 2], DType::F32, dev)?;
    let c = a.matmul(&b)?;
    assert_eq!(c.shape(), &[2, 5, 3, 2]);
    for i in 0..2 {
        for j in 0..5 {
            let (ai, bj) = (a.index_axis0(i)?.index_axis0(0)?, b.index_axis0(j)?);
            assert_close(&c.index_axis0(i)?.index_axis0(j)?, &reference(&ai, &bj)?, 1e-5)?;
        }
    }
    let p = values(&[4, 1, 2, 3], DType::F64, dev)?;
    let q = values(&[1, 5, 3, 2], DType::F64, dev)?;
    let r = p.matmul(&q)?;
    assert_eq!(r.shape(), &[4, 5, 2, 2]);
    let (p3, q3) = (p.index_axis0(3)?.index_axis0(0)?, q.index_axis0(0)?.index_axis0(4)?);
    assert_close(&r.index_axis0(3)?.index_axis0(4)?, &reference(&p3, &q3)?, 1e-13)?;
    // A transposed batch axis (the batch stride is not the largest).
    let s = values(&[3, 2, 4], DType::F64, dev)?.permute_dims(&[1, 0, 2])?; // (2, 3, 4) view
    let t = values(&[4, 3], DType::F64, dev)?;
    let u = s.matmul(&t)?;
    assert_close(&u.index_axis0(1)?, &reference(&s.index_axis0(1)?.copy()?, &t)?, 1e-13)?;
    Ok(())
}

fn vector_promotion_and_empty(dev: &Device) -> Result<()> {
    let v = iota(&[3], DType::F64, dev)?;
    let m = iota(&[3, 3], DType::F64, dev)?;
    let dot = v.matmul(&v)?;
    assert_eq!((dot.shape(), dot.to_vec::<f64>()?), (&[][..], vec![5.0]));
    assert_eq!(v.matmul(&m)?.to_vec::<f64>()?, vec![15.0, 18.0, 21.0]);
    assert_eq!(m.matmul(&v)?.to_vec::<f64>()?, vec![5.0, 14.0, 23.0]);
    let stack = iota(&[2, 3, 3], DType::F64, dev)?;
    assert_eq!(stack.matmul(&v)?.shape(), &[2, 3]);
    assert_eq!(v.matmul(&stack)?.shape(), &[2, 3]);
    // k == 0 gives zeros; m == 0 an empty result.
    let z = Array::ones(&[2, 0], DType::F32, dev)?.matmul(&Array::ones(&[0, 3], DType::F32, dev)?)?;
    assert_eq!((z.shape(), z.to_vec::<f32>()?), (&[2, 3][..], vec![0.0; 6]));
    let e = Array::ones(&[0, 4], DType::I32, dev)?.matmul(&Array::ones(&[4, 3], DType::I32, dev)?)?;
    assert_eq!(e.shape(), &[0, 3]);
    Ok(())
}

fn integer_bool_and_promotion(dev: &Device) -> Result<()> {
    // Wrapping as NumPy: 100 * 100 = 10000 = 16 (mod 256) in int8 and uint8.
    for dtype in [DType::I8, DType::U8] {
        let a = Array::full(&[1, 1], 100, dtype, dev)?;
        assert_eq!(a.matmul(&a)?.astype(DType::I64)?.to_vec::<i64>()?, vec![16]);
    }
    let big = Array::from_slice(&[3_000_000_000i64, 1], &[1, 2], dev)?;
    let col = Array::from_slice(&[3_000_000_000i64, 5], &[2, 1], dev)?;
    assert_eq!(big.matmul(&col)?.to_vec::<i64>()?, vec![9_000_000_000_000_000_005]);
    let w = Array::from_slice(&[u64::MAX, 2], &[1, 2], dev)?;
    let x = Array::from_slice(&[2u64, 3], &[2, 1], dev)?;
    assert_eq!(w.matmul(&x)?.to_vec::<u64>()?, vec![u64::MAX.wrapping_mul(2).wrapping_add(6)]);
    let ints = iota(&[3, 4], DType::I32, dev)?;
    let want: Vec<i32> = reference(&ints, &ints.transpose())?.iter().map(|&v| v as i32).collect();
    assert_eq!(ints.matmul(&ints.transpose())?.to_vec::<i32>()?, want);
    let p = Array::from_slice(&[true, false, false, false], &[2, 2], dev)?;
    let q = Array::from_slice(&[false, true, true, false], &[2, 2], dev)?;
    assert_eq!(p.matmul(&q)?.to_vec::<bool>()?, vec![false, true, false, false]);
    // Mixed dtypes promote first: int32 @ float32 is float64.
    let f = iota(&[4, 2], DType::F32, dev)?;
    assert_eq!(ints.matmul(&f)?.dtype(), DType::F64);
    Ok(())
}

fn half_accumulates_in_f32(dev: &Device) -> Result<()> {
    // 4096 products of 1: a float16 accumulator stalls at 2048, a float32 one reaches 4096.
    for dtype in [DType::F16, DType::BF16] {
        let ones = Array::ones(&[1, 4096], dtype, dev)?;
        let s = ones.matmul(&ones.transpose())?;
        assert_eq!(s.astype(DType::F64)?.to_vec::<f64>()?, vec![4096.0], "{dtype}");
    }
    Ok(())
}

fn errors(dev: &Device) -> Result<()> {
    let a = iota(&[2, 3], DType::F32, dev)?;
    let s = iota(&[], DType::F32, dev)?;
    assert!(matches!(a.matmul(&s), Err(Error::InvalidArgument { .. })));
    match a.matmul(&a) {
        Err(Error::ShapeMismatch { lhs, rhs, .. }) => assert_eq!((lhs, rhs), (vec![2, 3], vec![2, 3])),
        other => panic!("expected a shape error, got {other:?}"),
    }
    let msg = a.matmul(&a).unwrap_err().to_string();
    assert!(msg.contains("[2, 3]") && msg.contains("(3)") && msg.contains("(2)"), "{msg}");
    let b1 = iota(&[2, 3, 3], DType::F32, dev)?;
    let b2 = iota(&[4, 3, 3], DType::F32, dev)?;
    assert!(matches!(b1.matmul(&b2), Err(Error::ShapeMismatch { .. })));
    assert!(matches!(a.tensordot(&a, (&[0], &[0, 1])), Err(Error::InvalidArgument { .. })));
    assert_eq!(a.tensordot(&a, (&[1], &[1]))?.shape(), &[2, 2]);
    assert!(matches!(a.tensordot(&a, (&[1], &[0])), Err(Error::ShapeMismatch { .. })));
    assert!(matches!(a.tensordot(&a, (&[0, 0], &[0, 1])), Err(Error::RepeatedAxis { .. })));
    assert!(matches!(a.tensordot_n(&a, 3), Err(Error::InvalidArgument { .. })));
    assert!(matches!(a.vecdot(&iota(&[2], DType::F32, dev)?, -1), Err(Error::ShapeMismatch { .. })));
    if *dev != Device::Cpu {
        assert!(matches!(a.matmul(&a.to_device(&Device::Cpu)?.transpose()), Err(Error::DeviceMismatch { .. })));
    }
    Ok(())
}

fn tensordot_vecdot_outer(dev: &Device) -> Result<()> {
    let a = values(&[2, 3, 4], DType::F64, dev)?;
    let b = values(&[4, 3, 5], DType::F64, dev)?;
    let c = a.tensordot(&b, (&[1, 2], &[1, 0]))?;
    assert_eq!(c.shape(), &[2, 5]);
    // The same contraction spelled as one matmul of reshaped copies.
    let a2 = a.reshape(&[2, 12])?;
    let b2 = b.permute_dims(&[1, 0, 2])?.copy()?.reshape(&[12, 5])?; // (p, q, j) -> (p*4+q, j)
    assert_close(&c, &reference(&a2, &b2)?, 1e-13)?;
    assert_eq!(a.tensordot_n(&b, 1)?.shape(), &[2, 3, 3, 5]);
    assert_eq!(a.tensordot_n(&a, 0)?.shape(), &[2, 3, 4, 2, 3, 4]);
    let x = values(&[4, 3], DType::F32, dev)?;
    let y = values(&[3], DType::F32, dev)?;
    let d = x.vecdot(&y, -1)?;
    assert_close(&d, &reference(&x, &y.reshape(&[3, 1])?)?, 1e-6)?;
    assert_eq!(x.vecdot(&x, 0)?.shape(), &[3]);
    let o = iota(&[2], DType::I32, dev)?.outer(&iota(&[2, 2], DType::I32, dev)?)?;
    assert_eq!((o.shape(), o.to_vec::<i32>()?), (&[2, 4][..], vec![0, 0, 0, 0, 0, 1, 2, 3]));
    Ok(())
}

fn diagonal_and_trace(dev: &Device) -> Result<()> {
    let m = iota(&[3, 4], DType::I32, dev)?;
    for (offset, want) in
        [(0, vec![0, 5, 10]), (1, vec![1, 6, 11]), (3, vec![3]), (4, vec![]), (-1, vec![4, 9]), (-3, vec![])]
    {
        assert_eq!(m.diagonal(offset, 0, 1)?.to_vec::<i32>()?, want, "offset {offset}");
    }
    // Axes in either order, a stack, and a flipped (negative-stride) view.
    assert_eq!(m.diagonal(0, 1, 0)?.to_vec::<i32>()?, vec![0, 5, 10]);
    let s = iota(&[2, 2, 3], DType::I32, dev)?;
    let d = s.diagonal(0, -2, -1)?;
    assert_eq!((d.shape(), d.to_vec::<i32>()?), (&[2, 2][..], vec![0, 4, 6, 10]));
    assert_eq!(s.diagonal(0, 0, 2)?.to_vec::<i32>()?, vec![0, 7, 3, 10]); // d[j, i] = s[i, j, i]
    let f = m.slice(&[AxisSlice::range(None, None, -1)])?;
    assert_eq!(f.diagonal(0, 0, 1)?.to_vec::<i32>()?, vec![8, 5, 2]);
    assert!(matches!(m.diagonal(0, 1, -1), Err(Error::InvalidArgument { .. })));
    assert!(matches!(m.diagonal(0, 0, 2), Err(Error::AxisOutOfRange { .. })));
    // The view writes through, and stays read-only when its source is.
    let w = Array::zeros(&[2, 2], DType::F32, dev)?;
    w.diagonal(0, 0, 1)?.assign(&Array::ones(&[2], DType::F32, dev)?)?;
    assert_eq!(w.to_vec::<f32>()?, vec![1.0, 0.0, 0.0, 1.0]);
    assert!(w.broadcast_to(&[2, 2])?.diagonal(0, 0, 1)?.is_read_only());
    let t = m.trace(0)?;
    assert_eq!((t.dtype(), t.to_vec::<i64>()?), (DType::I64, vec![15]));
    assert_eq!(s.trace(1)?.to_vec::<i64>()?, vec![1 + 5, 7 + 11]);
    assert!(matches!(iota(&[3], DType::I32, dev)?.trace(0), Err(Error::InvalidArgument { .. })));
    Ok(())
}

fn einsum_lowers_onto_products(dev: &Device) -> Result<()> {
    let a = values(&[2, 3], DType::F64, dev)?;
    let b = values(&[3, 4], DType::F64, dev)?;
    let c = values(&[4, 5], DType::F64, dev)?;
    let ab = a.matmul(&b)?;
    assert_close(&einsum("ij,jk->ik", &[&a, &b])?, &ab.to_vec::<f64>()?, 1e-13)?;
    assert_close(&einsum("ij,jk,kl->il", &[&a, &b, &c])?, &ab.matmul(&c)?.to_vec::<f64>()?, 1e-13)?;
    assert_close(&einsum("ij->ji", &[&a])?, &a.transpose().copy()?.to_vec::<f64>()?, 0.0)?;
    let sq = values(&[4, 4], DType::F64, dev)?;
    assert_close(&einsum("ii", &[&sq])?, &sq.trace(0)?.to_vec::<f64>()?, 1e-13)?;
    assert_close(&einsum("ii->i", &[&sq])?, &sq.diagonal(0, 0, 1)?.copy()?.to_vec::<f64>()?, 0.0)?;
    let batched = einsum("...ij,...jk", &[&values(&[5, 2, 3], DType::F64, dev)?, &b])?;
    assert_eq!(batched.shape(), &[5, 2, 4]);
    let ints = iota(&[2, 3], DType::I32, dev)?;
    let total = einsum("ij->", &[&ints])?;
    assert_eq!((total.dtype(), total.to_vec::<i32>()?), (DType::I32, vec![15]));
    assert!(matches!(einsum("ij,jk->ik", &[&a]), Err(Error::InvalidArgument { .. })));
    assert!(matches!(einsum("ij,ij->", &[&a, &b]), Err(Error::ShapeMismatch { .. })));
    assert!(matches!(einsum("ij->q", &[&a]), Err(Error::InvalidArgument { .. })));
    Ok(())
}

test_on_devices!(
    einsum_lowers_onto_products,
    diagonal_and_trace,
    float_products,
    strided_operands,
    batches_broadcast,
    vector_promotion_and_empty,
    integer_bool_and_promotion,
    half_accumulates_in_f32,
    errors,
    tensordot_vecdot_outer,
);

trait IndexAxis0 {
    fn index_axis0(&self, i: usize) -> Result<Array>;
}

impl IndexAxis0 for Array {
    /// `self[i]` (a view).
    fn index_axis0(&self, i: usize) -> Result<Array> {
        self.slice(&[AxisSlice::Index(i as isize)])
    }
}
