//! Matrix decompositions and solvers on a CUDA device through dense cuSOLVER
//! ([`GpuApi::dense_solve`](super::api::GpuApi::dense_solve)), one matrix per call.
//!
//! The op layer hands over C-contiguous `(batch, rows, cols)` inputs and fresh C-contiguous
//! outputs ([`Decomp`]). cuSOLVER is column-major, so a stored row-major `A` is read as `Aᵀ`:
//! - `cholesky`: `A` is symmetric, so the row-major lower triangle is the column-major upper
//!   one: `potrf` on a copy of `A` with the opposite fill mode factors exactly the triangle the
//!   CPU backend reads, and its column-major `U` (`A = Uᵀ U`) is the row-major `L`. The other
//!   triangle (still holding `A`) is then zeroed into the output (`where` with a triangle mask).
//! - `inv`: `getrf` on a copy of `A` factors `Aᵀ`; `getrs` with `B = I` in the output and no
//!   transpose gives `(Aᵀ)⁻¹` column-major, which read row-major is `A⁻¹`: no transposes.
//! - `solve`: `getrf` as for `inv`, then `getrs` with `trans = T` solves `A X = B`; `B` and `X`
//!   are copied through a column-major temporary (the strided copy kernel).
//! - `eigh`/`eigvalsh`: `syevd` with the column-major upper (row-major lower) triangle, as the
//!   CPU backend's `UPLO='L'`; eigenvalues go straight to the output, eigenvectors (column-major,
//!   one per column) are transposed into it by a strided copy.
//!
//! The batch is a loop of single-matrix calls on the current stream, with one workspace (its
//! size queried once) reused in stream order. cuSOLVER's batched routines (`potrfBatched`,
//! `getrfBatched`, `syevjBatched`) are a later optimisation for many small matrices. Each call
//! writes its `info` to a per-position slot; the slots are read back once, after the whole
//! batch is queued (one small device-to-host read, which waits for the stream), and the first
//! failing position becomes the same typed error the CPU backend returns. One difference: the
//! CPU backend also calls a matrix singular when its LU overflowed (a non-finite pivot from
//! finite input); `getrf` reports only exactly zero pivots, so such a matrix gives non-finite
//! values here.
//!
//! - `det`/`slogdet`: `getrf` as for `inv`, then device ops (strided copy, compare, where,
//!   products and sums over each matrix) on `U`'s diagonal and the interchanges.
//!
//! complex64/complex128 run the `C`/`Z` routines with the same mapping, because the stored
//! `A` read column-major is `Aᵀ` (a transpose, never a conjugate transpose), and:
//! - `cholesky`: for Hermitian `A`, `Aᵀ = conj(A)`; `potrf` on the opposite triangle gives
//!   `Aᵀ = Uᴴ U`, so `A = Uᵀ conj(U)`: the column-major `U` read row-major (`Uᵀ`) is the `L` of
//!   `A = L Lᴴ`, with nothing conjugated (likewise `upper`).
//! - `inv`/`solve`/`det`: `Aᵀ`'s LU and `getrs` with `CUBLAS_OP_T` (not `_C`) as for real;
//!   `det(Aᵀ) = det(A)`. `slogdet`'s sign is `∏ d/|d|` of `U`'s diagonal (`sign`, NumPy's
//!   `z/|z|`) times the interchanges' sign, its log `Σ ln |d|`, summed in the real dtype.
//! - `eigh`: `heevd` on `conj(A)` has `A`'s (real) eigenvalues and the conjugates of its
//!   eigenvectors, so the vectors are conjugated on their way into the output.
//! - `qr`: a column-major copy of `A` itself, `geqrf`/`ungqr` as is.
//! - `svd`: wide, `gesvd` factors `Aᵀ = U' Σ V'ᴴ`, so `A = conj(V') Σ U'ᵀ`: its `V'ᴴ` read
//!   row-major is `conj(V')` = `U`, its `U'` read row-major is `U'ᵀ` = `Vᴴ`, straight into the
//!   outputs as for real; tall, `A` itself is factored.
//! - the real results (`W`, `S`, `ln |det|`) are computed into real temporaries and cast into
//!   the complex outputs (zero imaginary parts), which the op layer views as real.
//!
//! - `qr`: `geqrf` on a column-major copy of `A` (a strided copy), `R` from its upper triangle
//!   (a strided `where` into the output), then `orgqr` on the Householder vectors, copied into
//!   an `m × q` column-major buffer (`q = m` in complete mode), and `Q` transposed back.
//!
//! - `svd`/`svdvals`: `gesvd`, which needs `rows ≥ cols`. The stored row-major `A` (`m × n`) is
//!   the column-major `Aᵀ` (`n × m`), tall when `m ≤ n`: `gesvd` factors a plain copy,
//!   `Aᵀ = U' Σ V'ᵀ`, so `A = V' Σ U'ᵀ`, and its column-major `U'` and `V'ᵀ` read row-major are
//!   exactly `A`'s `Vᵀ` and `U`: they are written straight into the outputs. When `m > n` it
//!   factors a column-major copy of `A`, and its `U` and `Vᵀ` are transposed into the outputs
//!   (strided copies). `info > 0` (not converged) is [`Error::NoConvergence`], as on the CPU;
//!   what `gesvd` does with non-finite input has not been checked on a real GPU (the emulator,
//!   like the CPU backend, reports it as not converged).

use super::api::{Dense, DenseCall, DenseScratch, Fill, GemmOp, SolverType, SvdJob};
use super::context::{CudaBuffer, CudaDevice};
use super::matmul::{checked, View};
use super::ops::Cuda;
use crate::backend::Backend;
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::vocab::{BinaryOp, Decomp, Input, ReduceDims, ReduceOp, UnaryOp};
use std::sync::Arc;

/// Runs `op` over the batch (see `Backend::linalg`).
pub(crate) fn linalg(op: Decomp, dtype: DType, inputs: &[View<'_>], outputs: &[View<'_>]) -> Result<()> {
    let a = *inputs.first().ok_or_else(|| Error::invalid(op.name(), "no input matrix"))?;
    let dev = a.0.device().clone();
    let t = match dtype {
        DType::F32 => SolverType::F32,
        DType::F64 => SolverType::F64,
        DType::C64 => SolverType::C64,
        DType::C128 => SolverType::C128,
        d => {
            let hint = "; the CUDA decompositions compute in float32, float64, complex64 or complex128".into();
            return Err(Error::UnsupportedDType { op: op.name(), dtype: d, hint });
        }
    };
    let shape = a.1.shape();
    let square = matches!(op, Decomp::Qr { .. } | Decomp::Svd { .. } | Decomp::SvdVals) || shape.get(1) == shape.get(2);
    if shape.len() != 3 || !square || outputs.is_empty() {
        return Err(Error::invalid(op.name(), format!("expected a (batch, n, n) stack, got shape {shape:?}")));
    }
    let (batch, m, n) = (shape[0], shape[1], shape[2]);
    if batch == 0 {
        return Ok(());
    }
    match op {
        Decomp::Qr { complete } => {
            let job = Job { dev, op, dtype, t, batch, m, n, ni: int(op, n)? };
            let r = *outputs.get(1).ok_or_else(|| Error::invalid(op.name(), "no R output"))?;
            return qr(&job, complete, a, outputs[0], r);
        }
        Decomp::Svd { full } => {
            let job = Job { dev, op, dtype, t, batch, m, n, ni: int(op, n)? };
            let [u, s, vh] = outputs else {
                return Err(Error::invalid(op.name(), "expected the U, S and Vh outputs"));
            };
            return svd(&job, a, *s, Some((*u, *vh, full)));
        }
        Decomp::SvdVals => {
            let job = Job { dev, op, dtype, t, batch, m, n, ni: int(op, n)? };
            return svd(&job, a, outputs[0], None);
        }
        _ => {}
    }
    if n == 0 {
        // An empty matrix has determinant 1 (sign 1, log 0); every other output is empty.
        for (i, out) in outputs.iter().enumerate() {
            let one = matches!(op, Decomp::Det) || (matches!(op, Decomp::Slogdet) && i == 0);
            super::fill(out.0, out.1, dtype, Scalar::Float(if one { 1.0 } else { 0.0 }))?;
        }
        return Ok(());
    }
    let job = Job { dev, op, dtype, t, batch, m, n, ni: int(op, n)? };
    match op {
        Decomp::Cholesky { upper } => cholesky(&job, upper, a, outputs[0]),
        Decomp::Inv => inv(&job, a, outputs[0]),
        Decomp::Solve => {
            let b = *inputs.get(1).ok_or_else(|| Error::invalid(op.name(), "no right-hand side"))?;
            solve(&job, a, b, outputs[0])
        }
        Decomp::Eigh => eigh(&job, a, outputs[0], outputs.get(1).copied()),
        Decomp::Det => det(&job, a, outputs[0], None),
        Decomp::Slogdet => {
            let log = *outputs.get(1).ok_or_else(|| Error::invalid(op.name(), "no logabsdet output"))?;
            det(&job, a, outputs[0], Some(log))
        }
        _ => eigh(&job, a, outputs[0], None),
    }
}

/// `x` as cuSOLVER's 32-bit `int`.
fn int(op: Decomp, x: usize) -> Result<i32> {
    i32::try_from(x).map_err(|_| Error::invalid(op.name(), format!("size {x} exceeds cuSOLVER's 32-bit sizes")))
}

/// One decomposition over a batch of `m × n` matrices (square but for `qr`).
struct Job {
    dev: Arc<CudaDevice>,
    op: Decomp,
    dtype: DType,
    t: SolverType,
    batch: usize,
    /// Rows (`n` for the square decompositions).
    m: usize,
    n: usize,
    ni: i32,
}

impl Job {
    fn isz(&self) -> usize {
        self.t.itemsize()
    }

    /// Byte offset of batch position `p` in a stack of `rows × cols` matrices.
    fn at(&self, base: u64, p: usize, elems: usize) -> u64 {
        base + (p * elems * self.isz()) as u64
    }

    /// A fresh buffer of `bytes` and its address, its use recorded on the current stream.
    fn scratch(&self, bytes: usize) -> Result<(CudaBuffer, u64)> {
        let buf = self.dev.alloc(bytes.max(1))?;
        let layout = Layout::contiguous(&[bytes.max(1)]);
        let (base, _, _) = checked(self.op.name(), &self.dev, (&buf, &layout), 1)?;
        Ok((buf, base))
    }

    /// `count` zeroed `info` slots (positions whose call is skipped read as success).
    fn info_slots(&self, count: usize) -> Result<(CudaBuffer, u64)> {
        let (buf, base) = self.scratch(count * 4)?;
        // SAFETY: the range is the fresh buffer's, recorded on the current stream.
        unsafe { self.dev.api().memset_u8(base, 0, count * 4, self.dev.current_stream()) }?;
        Ok((buf, base))
    }

    /// A C-contiguous copy of the input stack (cuSOLVER overwrites its matrix) and its address.
    fn copy_of(&self, a: View<'_>) -> Result<(CudaBuffer, Layout, u64)> {
        let layout = Layout::contiguous(a.1.shape());
        let (buf, base) = self.scratch(layout.numel() * self.isz())?;
        super::copy(a, (&buf, &layout), self.isz())?;
        Ok((buf, layout, base))
    }

    /// The address of a (checked) output or input view.
    fn base(&self, v: View<'_>) -> Result<u64> {
        Ok(checked(self.op.name(), &self.dev, v, self.isz())?.0)
    }

    /// Where a routine writes `count` real values (`heevd`'s `W`, `gesvd`'s `S`) bound for the
    /// output `out`: `out` itself for the real types; for the complex ones a real temporary
    /// (returned, to be widened into `out` by [`Job::widen`]), since the op layer's outputs
    /// hold real results as complex numbers with zero imaginary parts.
    fn real_target(&self, out: View<'_>, count: usize) -> Result<(u64, Option<CudaBuffer>)> {
        if !self.t.is_complex() {
            return Ok((self.base(out)?, None));
        }
        let (buf, base) = self.scratch(count * self.t.real_itemsize())?;
        Ok((base, Some(buf)))
    }

    /// Casts the real temporary of [`Job::real_target`] (if any) into the complex `out`.
    fn widen(&self, real: Option<CudaBuffer>, out: View<'_>) -> Result<()> {
        let Some(real) = real else { return Ok(()) };
        let layout = Layout::contiguous(out.1.shape());
        Cuda::cast(self.dtype.real_dtype(), self.dtype, (&real, &layout), out)
    }

    /// A workspace for `call` (queried once, reused by every position in stream order).
    fn workspace(&self, call: DenseCall) -> Result<(CudaBuffer, u64, i32)> {
        let lwork = self.dev.api().dense_workspace(&Dense { call, dtype: self.t })?;
        let (buf, base) = self.scratch(usize::try_from(lwork).unwrap_or(0) * self.isz())?;
        Ok((buf, base, lwork))
    }

    /// Queues `call` with the given scratch memory.
    ///
    /// # Safety
    /// Every range `call` and `scratch` describe lies in live buffers of this device whose use
    /// was recorded on the current stream (so they are freed after the call), without overlaps.
    unsafe fn run(&self, call: DenseCall, scratch: DenseScratch) -> Result<()> {
        let dense = Dense { call, dtype: self.t };
        // SAFETY: the caller's contract.
        Ok(unsafe { self.dev.api().dense_solve(&dense, scratch, self.dev.current_stream()) }?)
    }

    /// The `info` slots, read back once (waits for the stream); `Ok(None)` when all are 0, else
    /// the first failing position (in batch order) and its value. A negative `info` (an invalid
    /// argument cuSOLVER found late) is a bug here, reported as a driver error.
    fn first_failure(&self, info: &CudaBuffer, slots: usize) -> Result<Option<(usize, i32)>> {
        let mut bytes = vec![0u8; slots * 4];
        super::download(info, 0, &mut bytes)?;
        let infos = bytes.chunks_exact(4).map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        match infos.enumerate().find(|&(_, v)| v != 0) {
            Some((slot, v)) if v < 0 => Err(Error::Driver {
                call: "cuSOLVER",
                message: format!("{}: argument {} was invalid (info {v} at slot {slot})", self.op.name(), -v),
            }),
            found => Ok(found.map(|(slot, v)| (slot % self.batch, v))),
        }
    }
}

/// `potrf` on every matrix, then the other triangle zeroed into `out`.
fn cholesky(job: &Job, upper: bool, a: View<'_>, out: View<'_>) -> Result<()> {
    let (n, nn) = (job.ni, job.n * job.n);
    let (tmp, layout, base) = job.copy_of(a)?;
    // The row-major triangle read is the column-major opposite one.
    let uplo = if upper { Fill::Lower } else { Fill::Upper };
    let call = |p: usize| DenseCall::Potrf { uplo, n, a: job.at(base, p, nn), lda: n };
    let (_work, work, lwork) = job.workspace(call(0))?;
    let (info, info_base) = job.info_slots(job.batch)?;
    for p in 0..job.batch {
        let scratch = DenseScratch { work, lwork, info: info_base + 4 * p as u64 };
        // SAFETY: matrix `p` of the fresh copy, the workspace of the queried size and slot `p`
        // of `info` lie in live buffers recorded on the current stream, and are disjoint.
        unsafe { job.run(call(p), scratch) }?;
    }
    if let Some((index, k)) = job.first_failure(&info, job.batch)? {
        let pivot = usize::try_from(k - 1).unwrap_or(0);
        return Err(Error::NotPositiveDefinite { op: job.op.name(), index, pivot });
    }
    zero_other_triangle(job, upper, (&tmp, &layout), out)
}

/// `out = where(mask, factor, 0)` with the row-major triangle mask (lower, or upper when
/// `upper`), broadcast over the batch. The mask is made on the device by comparing the row and
/// column numbers (one upload of `n` int64s): building and uploading the `n × n` mask on the host
/// made a 4096² Cholesky take 62 ms on an H200 (2026-12-04), where cuSOLVER's `potrf` takes ~2.
fn zero_other_triangle(job: &Job, upper: bool, factor: View<'_>, out: View<'_>) -> Result<()> {
    let n = job.n;
    let numbers: Vec<u8> = (0..n as i64).flat_map(i64::to_le_bytes).collect();
    let idx = job.dev.alloc(numbers.len())?;
    super::upload(&idx, 0, &numbers)?;
    // Element (i, j) of `rows` reads number i, of `cols` number j.
    let rows = Layout::from_parts(vec![n, n], vec![1, 0], 0);
    let cols = Layout::from_parts(vec![n, n], vec![0, 1], 0);
    let mask = job.dev.alloc(n * n)?;
    let square = Layout::contiguous(&[n, n]);
    let keep = if upper { BinaryOp::GreaterEqual } else { BinaryOp::LessEqual }; // j ≥ i, j ≤ i
    let (col, row) = (Input::View(&idx, &cols), Input::View(&idx, &rows));
    Cuda::binary(keep, keep.signature(DType::I64)?, col, row, (&mask, &square))?;
    let mask_layout = Layout::from_parts(vec![job.batch, n, n], vec![0, n as isize, 1], 0);
    let zero = Input::Scalar(Scalar::Float(0.0));
    Cuda::where_(job.dtype, [Input::View(&mask, &mask_layout), Input::View(factor.0, factor.1), zero], out)
}

/// `getrf` on a copy of every matrix (`Aᵀ` column-major). Returns the factors, the pivots and
/// the `info` buffer with `2 * batch` slots (the first `batch` written here), left unread.
fn lu(job: &Job, a: View<'_>) -> Result<Lu> {
    let (n, nn) = (job.ni, job.n * job.n);
    let (factors, _, base) = job.copy_of(a)?;
    let (pivots, ipiv) = job.scratch(job.batch * job.n * 4)?;
    let piv = |p: usize| ipiv + (p * job.n * 4) as u64;
    let call = |p: usize| DenseCall::Getrf { m: n, n, a: job.at(base, p, nn), lda: n, ipiv: piv(p) };
    let (_work, work, lwork) = job.workspace(call(0))?;
    let (info, info_base) = job.info_slots(2 * job.batch)?;
    for p in 0..job.batch {
        let scratch = DenseScratch { work, lwork, info: info_base + 4 * p as u64 };
        // SAFETY: matrix `p` of the fresh copy, its pivots, the queried workspace and slot `p`
        // lie in live buffers recorded on the current stream, and are disjoint.
        unsafe { job.run(call(p), scratch) }?;
    }
    Ok(Lu { factors, base, pivots, ipiv, info, info_base })
}

/// `getrf`'s results, kept alive until the solves are queued.
struct Lu {
    factors: CudaBuffer,
    base: u64,
    pivots: CudaBuffer,
    ipiv: u64,
    info: CudaBuffer,
    info_base: u64,
}

impl Lu {
    /// Queues `getrs` for every position: `op(Aᵀ) X = B` with `B` (`n × nrhs`, column-major,
    /// overwritten by `X`) at `b + p * n * nrhs` elements; `info` into slots `batch + p`.
    fn solve(&self, job: &Job, trans: GemmOp, b: u64, nrhs: usize) -> Result<()> {
        let (n, nn) = (job.ni, job.n * job.n);
        let nrhs_i = int(job.op, nrhs)?;
        for p in 0..job.batch {
            let call = DenseCall::Getrs {
                trans,
                n,
                nrhs: nrhs_i,
                a: job.at(self.base, p, nn),
                lda: n,
                ipiv: self.ipiv + (p * job.n * 4) as u64,
                b: job.at(b, p, job.n * nrhs),
                ldb: n,
            };
            let scratch = DenseScratch { work: 0, lwork: 0, info: self.info_base + 4 * (job.batch + p) as u64 };
            // SAFETY: the factors and pivots of position `p` (written by `getrf` before, in
            // stream order), matrix `p` of `B` (a live buffer the caller recorded) and slot
            // `batch + p` are disjoint live ranges; getrs takes no workspace.
            unsafe { job.run(call, scratch) }?;
        }
        Ok(())
    }

    /// The first singular position (an exactly zero pivot), as the CPU backend reports it.
    fn check(&self, job: &Job) -> Result<()> {
        match job.first_failure(&self.info, 2 * job.batch)? {
            Some((index, _)) => Err(Error::SingularMatrix { op: job.op.name(), index }),
            None => Ok(()),
        }
    }
}

/// Fills the C-contiguous stack `out` (`(batch, rows, cols)`) with identity matrices.
fn identity(dtype: DType, out: View<'_>) -> Result<()> {
    let &[b, rows, cols] = out.1.shape() else {
        return Err(Error::invalid(
            "linalg",
            format!("expected a (batch, rows, cols) output, got {:?}", out.1.shape()),
        ));
    };
    super::fill(out.0, out.1, dtype, Scalar::Float(0.0))?;
    let diagonal =
        Layout::from_parts(vec![b, rows.min(cols)], vec![(rows * cols) as isize, cols as isize + 1], out.1.offset());
    super::fill(out.0, &diagonal, dtype, Scalar::Float(1.0))
}

/// `getrf`, then `getrs` on the identity in the output: `(Aᵀ)⁻¹` column-major is `A⁻¹`.
fn inv(job: &Job, a: View<'_>, out: View<'_>) -> Result<()> {
    let f = lu(job, a)?;
    identity(job.dtype, out)?;
    f.solve(job, GemmOp::N, job.base(out)?, job.n)?;
    f.check(job)
}

/// `getrf`, then `getrs` with `trans = T` on a column-major copy of `B`, copied back into `out`.
fn solve(job: &Job, a: View<'_>, b: View<'_>, out: View<'_>) -> Result<()> {
    let f = lu(job, a)?;
    let k = b.1.shape().get(2).copied().unwrap_or(0);
    if k > 0 {
        // The column-major `n × k` matrices, as a strided view of `(batch, n, k)`.
        let (n, nk) = (job.n as isize, (job.n * k) as isize);
        let cm = Layout::from_parts(vec![job.batch, job.n, k], vec![nk, 1, n], 0);
        let (x, base) = job.scratch(job.batch * job.n * k * job.isz())?;
        super::copy(b, (&x, &cm), job.isz())?;
        f.solve(job, GemmOp::T, base, k)?;
        super::copy((&x, &cm), out, job.isz())?;
    }
    f.check(job)
}

/// `syevd` on a copy of every matrix: eigenvalues into `w`, eigenvectors (when `v` is given)
/// transposed into `v`.
fn eigh(job: &Job, a: View<'_>, w: View<'_>, v: Option<View<'_>>) -> Result<()> {
    let (n, nn) = (job.ni, job.n * job.n);
    let (tmp, _, base) = job.copy_of(a)?;
    let (w_base, w_real) = job.real_target(w, job.batch * job.n)?;
    let vectors = v.is_some();
    let call = |p: usize| DenseCall::Syevd {
        vectors,
        uplo: Fill::Upper,
        n,
        a: job.at(base, p, nn),
        lda: n,
        w: w_base + (p * job.n * job.t.real_itemsize()) as u64,
    };
    let (_work, work, lwork) = job.workspace(call(0))?;
    let (info, info_base) = job.info_slots(job.batch)?;
    for p in 0..job.batch {
        let scratch = DenseScratch { work, lwork, info: info_base + 4 * p as u64 };
        // SAFETY: matrix `p` of the fresh copy, row `p` of the checked output `w`, the queried
        // workspace and slot `p` are disjoint live ranges recorded on the current stream.
        unsafe { job.run(call(p), scratch) }?;
    }
    if let Some((index, _)) = job.first_failure(&info, job.batch)? {
        return Err(Error::NoConvergence { op: job.op.name(), index, finite: None });
    }
    job.widen(w_real, w)?;
    if let Some(v) = v {
        let n = job.n as isize;
        let cm = Layout::from_parts(vec![job.batch, job.n, job.n], vec![n * n, 1, n], 0);
        if job.t.is_complex() {
            // heevd's vectors are those of conj(A) (the row-major A read column-major): their
            // conjugates are A's.
            let conj = UnaryOp::Conj;
            Cuda::unary(conj, conj.signature(job.dtype)?, (&tmp, &cm), v)?;
        } else {
            super::copy((&tmp, &cm), v, job.isz())?;
        }
    }
    Ok(())
}

/// `det` (or, with `log`, `slogdet`'s sign into `out` and log-magnitude into `log`) from
/// `getrf`, with device ops: the diagonal of `U` (the LU of `Aᵀ`, whose determinant is `A`'s)
/// with the sign of every row interchange (`ipiv[i] != i + 1`) folded in, then a product over
/// each matrix (`det`, and the sign of `slogdet`) and a sum of `log |U(i, i)|`. Singular
/// matrices are not errors: their determinant is 0 (sign 0, log −inf), as on the CPU.
fn det(job: &Job, a: View<'_>, out: View<'_>, log: Option<View<'_>>) -> Result<()> {
    let (b, n, dt) = (job.batch, job.n, job.dtype);
    let f = lu(job, a)?;
    let rows = Layout::contiguous(&[b, n]);
    let diag = job.dev.alloc(b * n * job.isz())?;
    let strided = Layout::from_parts(vec![b, n], vec![(n * n) as isize, n as isize + 1], 0);
    super::copy((&f.factors, &strided), (&diag, &rows), job.isz())?;
    // Where row i was interchanged: ipiv != [1, 2, ..., n].
    let count: Vec<u8> = (1..=n as i32).flat_map(i32::to_le_bytes).collect();
    let counting = job.dev.alloc(count.len())?;
    super::upload(&counting, 0, &count)?;
    let swapped = job.dev.alloc(b * n)?;
    let ne = crate::vocab::BinaryOp::NotEqual.signature(DType::I32)?;
    let counting_rows = Layout::from_parts(vec![b, n], vec![0, 1], 0);
    let (ipiv, cnt) = (Input::View(&f.pivots, &rows), Input::View(&counting, &counting_rows));
    Cuda::binary(crate::vocab::BinaryOp::NotEqual, ne, ipiv, cnt, (&swapped, &rows))?;
    let negated = job.dev.alloc(b * n * job.isz())?;
    let neg = UnaryOp::Negative;
    Cuda::unary(neg, neg.signature(dt)?, (&diag, &rows), (&negated, &rows))?;
    let signed = job.dev.alloc(b * n * job.isz())?;
    let inputs = [Input::View(&swapped, &rows), Input::View(&negated, &rows), Input::View(&diag, &rows)];
    Cuda::where_(dt, inputs, (&signed, &rows))?;
    let dims = ReduceDims { outer: b, r: n, inner: 1 };
    let Some(log) = log else {
        return Cuda::reduce(ReduceOp::Prod, dt, (&signed, &rows), dims, 1, out);
    };
    // `signed` is no longer needed as such: its signs, then `diag`'s log-magnitudes, in place
    // of the temporaries.
    Cuda::unary(UnaryOp::Sign, UnaryOp::Sign.signature(dt)?, (&signed, &rows), (&negated, &rows))?;
    Cuda::reduce(ReduceOp::Prod, dt, (&negated, &rows), dims, 1, out)?;
    // |U(i, i)| is real (the component type for complex input): the log-magnitudes and their
    // sums are computed in it, then widened into the complex `log` output.
    let rdt = dt.real_dtype();
    Cuda::unary(UnaryOp::Abs, UnaryOp::Abs.signature(dt)?, (&diag, &rows), (&signed, &rows))?;
    Cuda::unary(UnaryOp::Log, UnaryOp::Log.signature(rdt)?, (&signed, &rows), (&negated, &rows))?;
    if !dt.is_complex() {
        return Cuda::reduce(ReduceOp::Sum, dt, (&negated, &rows), dims, 1, log);
    }
    let sums = job.dev.alloc(b * rdt.itemsize())?;
    Cuda::reduce(ReduceOp::Sum, rdt, (&negated, &rows), dims, 1, (&sums, &Layout::contiguous(&[b])))?;
    job.widen(Some(sums), log)
}

/// `qr` of every `m × n` matrix: `Q (m × q)` and `R (q × n)`, `q = m` when `complete`, else
/// `k = min(m, n)`. `geqrf`/`orgqr` report only invalid arguments (`info < 0`), which
/// [`Job::first_failure`] turns into a driver error.
fn qr(job: &Job, complete: bool, a: View<'_>, q_out: View<'_>, r_out: View<'_>) -> Result<()> {
    let (b, m, n, isz) = (job.batch, job.m, job.n, job.isz());
    let k = m.min(n);
    let qc = if complete { m } else { k };
    super::fill(r_out.0, r_out.1, job.dtype, Scalar::Float(0.0))?;
    if k == 0 {
        // No reflector: Q is the identity (complete mode; else empty), R empty or zero.
        return identity(job.dtype, q_out);
    }
    let (mi, ki, qci) = (int(job.op, m)?, int(job.op, k)?, int(job.op, qc)?);
    // The column-major copy of A: (batch, m, n) with strides (m n, 1, m).
    let (c, c_base) = job.scratch(b * m * n * isz)?;
    super::copy(a, (&c, &Layout::from_parts(vec![b, m, n], vec![(m * n) as isize, 1, m as isize], 0)), isz)?;
    let (_taus, tau) = job.scratch(b * k * isz)?;
    let tau_at = |p: usize| job.at(tau, p, k);
    let geqrf = |p: usize| DenseCall::Geqrf { m: mi, n: job.ni, a: job.at(c_base, p, m * n), lda: mi, tau: tau_at(p) };
    let (info, info_base) = job.info_slots(2 * b)?;
    {
        let (_work, work, lwork) = job.workspace(geqrf(0))?;
        for p in 0..b {
            let scratch = DenseScratch { work, lwork, info: info_base + 4 * p as u64 };
            // SAFETY: matrix `p` of the fresh copy, its `k` scalars, the queried workspace and
            // slot `p` are disjoint live ranges recorded on the current stream.
            unsafe { job.run(geqrf(p), scratch) }?;
        }
    }
    // The vectors (the first k columns, contiguous in column-major) into an m × q buffer.
    let (qbuf, q_base) = job.scratch(b * m * qc * isz)?;
    let cols = |stride: usize| Layout::from_parts(vec![b, m * k], vec![stride as isize, 1], 0);
    super::copy((&c, &cols(m * n)), (&qbuf, &cols(m * qc)), isz)?;
    let orgqr =
        |p: usize| DenseCall::Orgqr { m: mi, n: qci, k: ki, a: job.at(q_base, p, m * qc), lda: mi, tau: tau_at(p) };
    let (_work, work, lwork) = job.workspace(orgqr(0))?;
    for p in 0..b {
        let scratch = DenseScratch { work, lwork, info: info_base + 4 * (b + p) as u64 };
        // SAFETY: matrix `p` of the fresh Q buffer, its scalars (written by geqrf before, in
        // stream order), the workspace and slot `b + p` are disjoint live ranges.
        unsafe { job.run(orgqr(p), scratch) }?;
    }
    if let Some((index, v)) = job.first_failure(&info, 2 * b)? {
        // Neither routine documents a positive info; should one appear, it is not hidden.
        let message = format!("qr: geqrf/orgqr reported info {v} for matrix {index}");
        return Err(Error::Driver { call: "cuSOLVER", message });
    }
    let q_cm = Layout::from_parts(vec![b, m, qc], vec![(m * qc) as isize, 1, m as isize], 0);
    super::copy((&qbuf, &q_cm), q_out, isz)?;
    upper_rows(job, &c, k, r_out)
}

/// `R` into the first `k` rows of `r_out` (`(batch, q, n)`, already zeroed): the upper
/// triangle of `geqrf`'s column-major `m × n` result `c`; below it are the Householder vectors.
fn upper_rows(job: &Job, c: &CudaBuffer, k: usize, r_out: View<'_>) -> Result<()> {
    let (b, m, n) = (job.batch, job.m, job.n);
    let q = r_out.1.shape()[1];
    let mask: Vec<u8> = (0..k * n).map(|ij| u8::from(ij % n >= ij / n)).collect();
    let mask_buf = job.dev.alloc(mask.len())?;
    super::upload(&mask_buf, 0, &mask)?;
    let mask_rows = Layout::from_parts(vec![b, k, n], vec![0, n as isize, 1], 0);
    let c_rows = Layout::from_parts(vec![b, k, n], vec![(m * n) as isize, 1, m as isize], 0);
    let r_rows = Layout::from_parts(vec![b, k, n], vec![(q * n) as isize, n as isize, 1], r_out.1.offset());
    let inputs = [Input::View(&mask_buf, &mask_rows), Input::View(c, &c_rows), Input::Scalar(Scalar::Float(0.0))];
    Cuda::where_(job.dtype, inputs, (r_out.0, &r_rows))
}

/// `svd` (with `vectors = (u, vh, full)`) or `svdvals` (`None`: `s` only) of every `m × n`
/// matrix through `gesvd` (see the module docs for the two orientations).
fn svd(job: &Job, a: View<'_>, s: View<'_>, vectors: Option<(View<'_>, View<'_>, bool)>) -> Result<()> {
    let (b, m, n, isz) = (job.batch, job.m, job.n, job.isz());
    let k = m.min(n);
    if k == 0 {
        // No singular values; full U and Vh are identities (else empty).
        return vectors.map_or(Ok(()), |(u, vh, _)| identity(job.dtype, u).and(identity(job.dtype, vh)));
    }
    // gesvd factors `rows × k` column-major matrices: Aᵀ (a plain copy) when wide, else A.
    let wide = m <= n;
    let rows = m.max(n);
    let cm = |r: usize, c: usize| Layout::from_parts(vec![b, r, c], vec![(r * c) as isize, 1, r as isize], 0);
    let (c, c_base) = job.scratch(b * m * n * isz)?;
    let c_layout = if wide { Layout::contiguous(&[b, m, n]) } else { cm(m, n) };
    super::copy(a, (&c, &c_layout), isz)?;
    let plan = SvdPlan::new(job, vectors, wide)?;
    let (rows_i, ki) = (int(job.op, rows)?, int(job.op, k)?);
    let (s_base, s_real) = job.real_target(s, b * k)?;
    let (_rwork, rwork) = job.scratch(k.saturating_sub(1).max(1) * job.t.real_itemsize())?;
    let call = |p: usize| DenseCall::Gesvd {
        jobu: plan.jobu,
        jobvt: plan.jobvt,
        m: rows_i,
        n: ki,
        a: job.at(c_base, p, m * n),
        lda: rows_i,
        s: s_base + (p * k * job.t.real_itemsize()) as u64,
        u: plan.u.map_or(0, |(base, size)| job.at(base, p, size)),
        ldu: rows_i,
        vt: plan.vt.map_or(0, |(base, size)| job.at(base, p, size)),
        ldvt: ki,
        rwork,
    };
    let (_work, work, lwork) = job.workspace(call(0))?;
    let (info, info_base) = job.info_slots(b)?;
    for p in 0..b {
        let scratch = DenseScratch { work, lwork, info: info_base + 4 * p as u64 };
        // SAFETY: matrix `p` of the fresh copy, row `p` of the checked output `s`, matrix `p`
        // of the `U`/`Vᵀ` destinations (checked outputs or fresh temporaries, sized for the
        // job), the shared rwork and workspace (reused in stream order) and slot `p` are
        // disjoint live ranges recorded on the current stream.
        unsafe { job.run(call(p), scratch) }?;
    }
    if let Some((index, _)) = job.first_failure(&info, b)? {
        return Err(Error::NoConvergence { op: job.op.name(), index, finite: None });
    }
    job.widen(s_real, s)?;
    // Tall: gesvd's column-major U (m × p) and Vᵀ (n × n) transposed into the outputs.
    if let (Some((u, vh, _)), Some((tmp_u, tmp_vt))) = (vectors, &plan.temporaries) {
        super::copy((tmp_u, &cm(m, u.1.shape()[2])), u, isz)?;
        super::copy((tmp_vt, &cm(n, n)), vh, isz)?;
    }
    Ok(())
}

/// Where `gesvd` writes the singular vectors: `jobu`/`jobvt`, and the base address and matrix
/// size (elements) of the `U` and `Vᵀ` destinations; for a tall `A`, the temporaries they are
/// transposed from.
struct SvdPlan {
    jobu: SvdJob,
    jobvt: SvdJob,
    u: Option<(u64, usize)>,
    vt: Option<(u64, usize)>,
    temporaries: Option<(CudaBuffer, CudaBuffer)>,
}

impl SvdPlan {
    fn new(job: &Job, vectors: Option<(View<'_>, View<'_>, bool)>, wide: bool) -> Result<SvdPlan> {
        let none = SvdPlan { jobu: SvdJob::None, jobvt: SvdJob::None, u: None, vt: None, temporaries: None };
        let Some((u, vh, full)) = vectors else {
            return Ok(none);
        };
        let jobu = if full { SvdJob::All } else { SvdJob::Thin };
        let size = |v: View<'_>| v.1.shape()[1] * v.1.shape()[2];
        if wide {
            // gesvd's U' is Vh row-major, its V'ᵀ (k × k) is U row-major (k = m).
            let (vt, u) = ((job.base(u)?, size(u)), (job.base(vh)?, size(vh)));
            return Ok(SvdPlan { jobu, jobvt: SvdJob::All, u: Some(u), vt: Some(vt), ..none });
        }
        let (su, svt) = (size(u), size(vh));
        let (tu, u_base) = job.scratch(job.batch * su * job.isz())?;
        let (tvt, vt_base) = job.scratch(job.batch * svt * job.isz())?;
        let (u, vt) = (Some((u_base, su)), Some((vt_base, svt)));
        Ok(SvdPlan { jobu, jobvt: SvdJob::All, u, vt, temporaries: Some((tu, tvt)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_beyond_cusolver_ints_are_refused() {
        assert_eq!(int(Decomp::Inv, 7).unwrap(), 7);
        assert!(matches!(int(Decomp::Inv, 1 << 40), Err(Error::InvalidArgument { op: "inv", .. })));
    }
}
