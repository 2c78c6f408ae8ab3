//! Both CUDA sort paths on the same rows: the block sort in shared memory (rows of at most
//! [`BLOCK_SORT_MAX`]) and the radix passes (forced with `block_max = 0`), against the CPU
//! backend's stable sort, bit for bit. The shapes cover what the integration suite
//! (`tests/ops_sort.rs`) no longer reaches on the radix path now that short rows take the block
//! sort: row numbers of two digits (257 and more rows), and one-element rows.

use super::*;
use crate::test_rng::xorshift_bits as bits;
use crate::{Array, Device, Element};

/// Sorts the `(rows, len)` rows of `host` on `dev` with `block_max`: the values' bytes and the
/// indices.
fn on_device<T: Element>(dev: &Arc<CudaDevice>, host: &[T], spec: SortSpec, block_max: usize) -> (Vec<u8>, Vec<i64>) {
    let bytes: Vec<u8> = host.iter().flat_map(|v| bytemuck::bytes_of(&v.to_repr()).to_vec()).collect();
    let layout = Layout::contiguous(&[spec.rows, spec.len]);
    let src = dev.alloc(bytes.len().max(1)).unwrap();
    crate::cuda::upload(&src, 0, &bytes).unwrap();
    let run = |indices: bool| -> Vec<u8> {
        let size = if indices { 8 } else { T::DTYPE.itemsize() } * host.len();
        let out = dev.alloc(size.max(1)).unwrap();
        let spec = SortSpec { indices, ..spec };
        sort_with(T::DTYPE, (&src, &layout), spec, (&out, &layout), block_max).unwrap();
        let mut back = vec![0u8; size];
        crate::cuda::download(&out, 0, &mut back).unwrap();
        back
    };
    let idx = run(true).chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap())).collect();
    (run(false), idx)
}

/// Both paths and the CPU backend agree on every row of `host`, both directions.
fn agree<T: Element>(dev: &Arc<CudaDevice>, host: &[T], rows: usize, len: usize) {
    let cpu = Array::from_slice(host, &[rows, len], &Device::Cpu).unwrap();
    for descending in [false, true] {
        let spec = SortSpec { rows, len, descending, indices: false };
        let want_idx = cpu.argsort(-1, descending, true).unwrap().to_vec::<i64>().unwrap();
        let want_vals = cpu.sort(-1, descending, true).unwrap().to_vec::<T>().unwrap();
        let want_bytes: Vec<u8> = want_vals.iter().flat_map(|v| bytemuck::bytes_of(&v.to_repr()).to_vec()).collect();
        for block_max in [0, BLOCK_SORT_MAX] {
            let what = format!("{:?} ({rows}, {len}) descending={descending} block_max={block_max}", T::DTYPE);
            let (vals, idx) = on_device(dev, host, spec, block_max);
            assert_eq!(idx, want_idx, "{what}: indices");
            assert_eq!(vals, want_bytes, "{what}: values");
        }
    }
}

#[test]
fn block_and_radix_paths_agree_with_the_cpu() {
    let Some(dev) = crate::cuda::test_device::device("cuda::sort") else { return };
    // Few distinct values, so ties (and stability) matter; 257 rows need two row-digit passes.
    let small: Vec<i16> = bits(1, 257 * 40).iter().map(|b| (b % 7) as i16 - 3).collect();
    agree(&dev, &small, 257, 40);
    agree(&dev, &small[..600], 600, 1);
    // Floats with both zeros, NaNs of both signs and payloads, infinities.
    let specials = [0.0f32, -0.0, f32::NAN, -f32::NAN, f32::from_bits(0x7fc0_0001), f32::INFINITY, -1.5, 2.0];
    let floats: Vec<f32> = bits(2, 2 * 4096).iter().map(|b| specials[(b % 8) as usize]).collect();
    agree(&dev, &floats, 2, 4096);
    agree(&dev, &floats[..600 * 3], 600, 3);
    // 8-byte keys (the tile's two-array form) and 1-byte ones.
    let wide: Vec<u64> = bits(3, 100 * 65).iter().map(|b| b >> (b % 64)).collect();
    agree(&dev, &wide, 100, 65);
    let flags: Vec<bool> = bits(4, 50 * 31).iter().map(|b| b & 1 == 1).collect();
    agree(&dev, &flags, 50, 31);
}

#[test]
fn long_rows_scan_their_counts_over_many_blocks() {
    let Some(dev) = crate::cuda::test_device::device("cuda::sort") else { return };
    // 69 tiles of 2048 keys: 17,664 counts per pass, enough for the three-phase scan.
    let len: usize = 69 * 2048 - 5;
    assert_eq!(
        crate::cuda::scan::scan_path(1, 256 * len.div_ceil(SORT_TILE as usize), 1),
        crate::cuda::scan::ScanPath::ThreePhase
    );
    let host: Vec<u32> = bits(5, len).iter().map(|b| (b >> 40) as u32).collect();
    let cpu = Array::from_slice(&host, &[len], &Device::Cpu).unwrap();
    let spec = SortSpec { rows: 1, len, descending: false, indices: false };
    let (vals, idx) = on_device(&dev, &host, spec, BLOCK_SORT_MAX);
    assert_eq!(idx, cpu.argsort(-1, false, true).unwrap().to_vec::<i64>().unwrap(), "indices");
    let want: Vec<u8> =
        cpu.sort(-1, false, true).unwrap().to_vec::<u32>().unwrap().iter().flat_map(|v| v.to_le_bytes()).collect();
    assert_eq!(vals, want, "values");
}
