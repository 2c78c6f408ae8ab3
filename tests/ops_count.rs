//! `bincount` and `histogram` on every device, against a sequential reference written here
//! (NumPy's definitions), over integer dtypes, edge placement, NaN/±inf, weights, density, sizes
//! around the sort's tile boundaries, and the error cases.

mod common;

use devarray::{Array, Bins, DType, Device, Error, Result};

fn on(dev: &Device, v: &[f64], dtype: DType) -> Result<Array> {
    Array::from_slice(v, &[v.len()], &Device::Cpu)?.astype(dtype)?.to_device(dev)
}

/// NumPy's bincount, sequentially.
fn bincount_ref(x: &[i64], w: Option<&[f64]>, minlength: usize) -> Vec<f64> {
    let len = x.iter().map(|&v| v as usize + 1).max().unwrap_or(0).max(minlength);
    let mut out = vec![0.0; len];
    for (i, &v) in x.iter().enumerate() {
        out[v as usize] += w.map_or(1.0, |w| w[i]);
    }
    out
}

fn bincounts(dev: &Device) -> Result<()> {
    for n in [0usize, 1, 31, 2047, 2049, 5000] {
        let x: Vec<i64> = (0..n).map(|i| ((i * 7919) % 37) as i64).collect();
        let w: Vec<f64> = (0..n).map(|i| (i % 5) as f64 * 0.25 - 0.5).collect();
        let xf: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        for dtype in [DType::U8, DType::I16, DType::I32, DType::I64, DType::U32] {
            let a = on(dev, &xf, dtype)?;
            let got = a.bincount(None, 3)?;
            assert_eq!(got.dtype(), DType::I64);
            let want: Vec<i64> = bincount_ref(&x, None, 3).iter().map(|&c| c as i64).collect();
            assert_eq!(got.to_vec::<i64>()?, want, "n {n} {dtype}");
        }
        let a = on(dev, &xf, DType::I32)?;
        let got = a.bincount(Some(&on(dev, &w, DType::F64)?), 0)?;
        assert_eq!(got.dtype(), DType::F64);
        let want = bincount_ref(&x, Some(&w), 0);
        // Quarter-integer weights: every partial sum is exact, so the result is too.
        assert_eq!(got.to_vec::<f64>()?, want, "weighted n {n}");
        let wi: Vec<f64> = (0..n).map(|i| (i % 3) as f64 - 1.0).collect();
        let got = a.bincount(Some(&on(dev, &wi, DType::I8)?), 40)?;
        assert_eq!(got.to_vec::<f64>()?, bincount_ref(&x, Some(&wi), 40), "int weights n {n}");
    }
    let b = on(dev, &[1.0, 0.0, 1.0], DType::Bool)?;
    assert_eq!(b.bincount(None, 0)?.to_vec::<i64>()?, vec![1, 2]);
    Ok(())
}

fn bincount_errors(dev: &Device) -> Result<()> {
    let neg = on(dev, &[1.0, -2.0], DType::I32)?;
    assert!(matches!(neg.bincount(None, 0), Err(Error::InvalidArgument { .. })));
    let two_d = Array::zeros(&[2, 2], DType::I32, dev)?;
    assert!(matches!(two_d.bincount(None, 0), Err(Error::InvalidArgument { .. })));
    for dtype in [DType::F32, DType::U64] {
        assert!(matches!(on(dev, &[1.0], dtype)?.bincount(None, 0), Err(Error::UnsupportedDType { .. })));
    }
    let x = on(dev, &[1.0, 2.0], DType::I32)?;
    let w = on(dev, &[1.0], DType::F64)?;
    assert!(matches!(x.bincount(Some(&w), 0), Err(Error::ShapeMismatch { .. })));
    // A minlength no memory holds (2^58 int64 counts) is a typed error, not an abort; one whose
    // byte size overflows, another.
    assert!(matches!(x.bincount(None, 1 << 58), Err(Error::OutOfMemory { .. })));
    assert!(matches!(x.bincount(None, 1 << 60), Err(Error::SizeOverflow { .. })));
    Ok(())
}

/// NumPy's histogram for explicit edges, sequentially.
fn histogram_ref(x: &[f64], edges: &[f64], w: Option<&[f64]>) -> Vec<f64> {
    let bins = edges.len() - 1;
    let mut out = vec![0.0; bins];
    for (i, &v) in x.iter().enumerate() {
        let hit = (0..bins).find(|&b| edges[b] <= v && (v < edges[b + 1] || (b == bins - 1 && v == edges[bins])));
        if let Some(b) = hit {
            out[b] += w.map_or(1.0, |w| w[i]);
        }
    }
    out
}

fn histograms(dev: &Device) -> Result<()> {
    for n in [0usize, 1, 33, 2049, 4097] {
        let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 41) as f64 * 0.25 - 2.0).collect();
        let a = on(dev, &x, DType::F64)?;
        let bins = Bins::Count { count: 7, range: Some((-1.0, 5.0)) };
        let (h, e) = a.histogram(bins, None, false)?;
        let edges = e.to_vec::<f64>()?;
        assert_eq!(edges.len(), 8);
        assert_eq!((edges[0], edges[7]), (-1.0, 5.0));
        let want: Vec<i64> = histogram_ref(&x, &edges, None).iter().map(|&c| c as i64).collect();
        assert_eq!(h.to_vec::<i64>()?, want, "n {n}");
        let w: Vec<f64> = (0..n).map(|i| (i % 4) as f64 * 0.5).collect();
        let (hw, _) = a.histogram(bins, Some(&on(dev, &w, DType::F32)?), false)?;
        assert_eq!(hw.dtype(), DType::F32);
        let want: Vec<f32> = histogram_ref(&x, &edges, Some(&w)).iter().map(|&c| c as f32).collect();
        assert_eq!(hw.to_vec::<f32>()?, want, "weighted n {n}");
    }
    // The last bin holds its right edge; values outside, NaN and infinities are not counted.
    let x = on(dev, &[0.0, 1.0, 2.0, 3.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0], DType::F32)?;
    let edges = on(dev, &[0.0, 1.0, 3.0], DType::F32)?;
    let (h, e) = x.histogram(Bins::Edges(&edges), None, false)?;
    assert_eq!(h.to_vec::<i64>()?, vec![2, 3]);
    assert_eq!(e.to_vec::<f32>()?, vec![0.0, 1.0, 3.0]);
    // Automatic range: the data's extremes; equal extremes widen by 0.5 each way; integers
    // get float64 edges.
    let ints = on(dev, &[3.0, 1.0, 2.0, 3.0], DType::I16)?;
    let (h, e) = ints.histogram(Bins::Count { count: 2, range: None }, None, false)?;
    assert_eq!((h.to_vec::<i64>()?, e.dtype()), (vec![1, 3], DType::F64));
    assert_eq!(e.to_vec::<f64>()?, vec![1.0, 2.0, 3.0]);
    let same = on(dev, &[2.0, 2.0], DType::F32)?;
    let (_, e) = same.histogram(Bins::Count { count: 1, range: None }, None, false)?;
    assert_eq!(e.to_vec::<f32>()?, vec![1.5, 2.5]);
    // Density integrates to 1.
    let (d, _) = ints.histogram(Bins::Count { count: 2, range: None }, None, true)?;
    assert_eq!(d.to_vec::<f64>()?, vec![0.25, 0.75]);
    Ok(())
}

fn histogram_errors(dev: &Device) -> Result<()> {
    let x = on(dev, &[1.0, f64::NAN], DType::F64)?;
    let auto = Bins::Count { count: 3, range: None };
    assert!(matches!(x.histogram(auto, None, false), Err(Error::InvalidArgument { .. })));
    let y = on(dev, &[1.0], DType::F64)?;
    for bins in [Bins::Count { count: 0, range: None }, Bins::Count { count: 2, range: Some((2.0, 1.0)) }] {
        assert!(matches!(y.histogram(bins, None, false), Err(Error::InvalidArgument { .. })));
    }
    let bad = on(dev, &[0.0, 2.0, 1.0], DType::F64)?;
    assert!(matches!(y.histogram(Bins::Edges(&bad), None, false), Err(Error::InvalidArgument { .. })));
    let one = on(dev, &[0.0], DType::F64)?;
    assert!(matches!(y.histogram(Bins::Edges(&one), None, false), Err(Error::InvalidArgument { .. })));
    let b = on(dev, &[1.0], DType::Bool)?;
    assert!(matches!(b.histogram(auto, None, false), Err(Error::UnsupportedDType { .. })));
    // Bin counts no memory holds, on the float64 path and on the float32 one (edges computed
    // on the host in float32, as NumPy does): typed errors, not aborts; and one bin too many
    // to count the edges.
    let f32s = on(dev, &[1.0, 2.0], DType::F32)?;
    for data in [&y, &f32s] {
        let huge = Bins::Count { count: 1 << 58, range: None };
        assert!(matches!(data.histogram(huge, None, false), Err(Error::OutOfMemory { .. })));
        let most = Bins::Count { count: usize::MAX, range: None };
        assert!(matches!(data.histogram(most, None, false), Err(Error::InvalidArgument { .. })));
    }
    Ok(())
}

test_on_devices!(bincounts, bincount_errors, histograms, histogram_errors);
