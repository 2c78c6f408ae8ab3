//! `Reduce` options and the `*_with` reductions: every accepted form of the axes gives what
//! the positional methods give (which tests/ops_reduce.rs checks against NumPy), and options a
//! reduction does not take are typed errors.

mod common;

use devarray::{Array, Axes, DType, Device, Error, Reduce};

fn sample(dev: &Device) -> devarray::Result<Array> {
    let v: Vec<f64> = (0..24).map(|i| ((i * 7) % 11) as f64 - 3.0).collect();
    Array::from_slice(&v, &[2, 3, 4], dev)
}

fn same(a: &Array, b: &Array) -> devarray::Result<()> {
    assert_eq!(a.shape(), b.shape());
    assert_eq!(a.dtype(), b.dtype());
    let (x, y) = (a.astype(DType::F64)?.to_vec::<f64>()?, b.astype(DType::F64)?.to_vec::<f64>()?);
    assert_eq!(x, y);
    Ok(())
}

fn every_form_of_axes_agrees(dev: &Device) -> devarray::Result<()> {
    let x = sample(dev)?;
    let want = x.sum(Some(&[0, 2]), false)?;
    let v_usize: Vec<usize> = vec![0, 2];
    let v_isize: Vec<isize> = vec![-3, -1];
    let forms: Vec<Reduce> = vec![
        [0, 2].into(),
        [0usize, 2].into(),
        [0isize, -1].into(),
        [0i64, 2].into(),
        (&v_usize).into(),
        (&v_isize[..]).into(),
        v_usize.clone().into(),
        Reduce::axes([-3, 2]),
        Reduce::axes(Some(&[0isize, 2][..])),
        Reduce::axes([0, 2]).keepdims_if(false),
    ];
    for r in forms {
        same(&x.sum_with(r)?, &want)?;
    }
    same(&x.sum_with(..)?, &x.sum(None, false)?)?;
    same(&x.sum_with(Reduce::all())?, &x.sum(None, false)?)?;
    same(&x.sum_with(None::<&[usize]>)?, &x.sum(None, false)?)?;
    same(&x.sum_with(1)?, &x.sum(Some(&[1]), false)?)?;
    same(&x.sum_with(-1)?, &x.sum(Some(&[2]), false)?)?;
    same(&x.sum_with(2usize)?, &x.sum(Some(&[2]), false)?)?;
    same(&x.sum_with(Vec::<usize>::new())?, &x)?; // no axes: nothing reduced (sum's dtype of f64 is f64)
    assert_eq!(Axes::from(..), Axes::All);
    Ok(())
}

fn every_reduction_takes_the_options(dev: &Device) -> devarray::Result<()> {
    let x = sample(dev)?;
    let k = Reduce::axes([1]).keepdims();
    let ax = Some(&[1isize][..]);
    same(&x.sum_with(k.clone())?, &x.sum(ax, true)?)?;
    same(&x.prod_with(k.clone())?, &x.prod(ax, true)?)?;
    same(&x.min_with(k.clone())?, &x.min(ax, true)?)?;
    same(&x.max_with(k.clone())?, &x.max(ax, true)?)?;
    same(&x.mean_with(k.clone())?, &x.mean(ax, true)?)?;
    same(&x.var_with(k.clone())?, &x.var(ax, 0.0, true)?)?;
    same(&x.std_with(k.clone())?, &x.std(ax, 0.0, true)?)?;
    same(&x.argmin_with(k.clone())?, &x.argmin(Some(1), true)?)?;
    same(&x.argmax_with(k.clone())?, &x.argmax(Some(1), true)?)?;
    same(&x.all_with(k.clone())?, &x.all(ax, true)?)?;
    same(&x.any_with(k)?, &x.any(ax, true)?)?;
    same(&x.var_with(Reduce::axes(0).correction(1.0))?, &x.var(Some(&[0]), 1.0, false)?)?;
    same(&x.std_with(Reduce::all().correction(1.5).keepdims())?, &x.std(None, 1.5, true)?)?;
    same(&x.argmax_with(..)?, &x.argmax(None, false)?)?;
    let bytes = Array::from_slice(&[200u8, 100, 7, 9], &[2, 2], dev)?;
    same(&bytes.sum_with(Reduce::axes(0).dtype(DType::U8))?, &bytes.sum_as(Some(&[0]), false, DType::U8)?)?;
    same(&bytes.prod_with(Reduce::all().dtype(DType::F32))?, &bytes.prod_as(None, false, DType::F32)?)?;
    // 0-size and 0-d inputs.
    let empty = Array::zeros(&[0, 3], DType::F32, dev)?;
    same(&empty.sum_with(0)?, &empty.sum(Some(&[0]), false)?)?;
    assert!(matches!(empty.max_with(0), Err(Error::EmptyReduction { .. })));
    let scalar = Array::full(&[], 4.0, DType::F16, dev)?;
    same(&scalar.mean_with(..)?, &scalar.mean(None, false)?)?;
    Ok(())
}

fn options_a_reduction_does_not_take_are_errors(dev: &Device) -> devarray::Result<()> {
    let x = sample(dev)?;
    let e = x.sum_with(Reduce::all().correction(1.0)).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { op: "sum", .. }), "{e:?}");
    let e = x.mean_with(Reduce::all().dtype(DType::F32)).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { op: "mean", .. }), "{e:?}");
    let e = x.var_with(Reduce::all().dtype(DType::F32)).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { op: "var", .. }), "{e:?}");
    assert!(matches!(x.sum_with(3), Err(Error::AxisOutOfRange { .. })));
    assert!(matches!(x.sum_with([-4]), Err(Error::AxisOutOfRange { .. })));
    assert!(matches!(x.sum_with(usize::MAX), Err(Error::AxisOutOfRange { .. })));
    assert!(matches!(x.mean_with([0, -3]), Err(Error::RepeatedAxis { .. })));
    Ok(())
}

test_on_devices!(
    every_form_of_axes_agrees,
    every_reduction_takes_the_options,
    options_a_reduction_does_not_take_are_errors
);
