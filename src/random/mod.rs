//! Random numbers generated on the device: [`Generator`], a counter-based Philox4x32-10 stream
//! whose values are the same on every device for the same seed and the same calls.
//!
//! **How values are made.** A generator is a Philox key (from the seed) and a counter offset.
//! Element `i` of a draw is computed from counter block `offset + i / V` alone (`V` values per
//! 128-bit block: 4 for 32-bit and 16-bit floats, 2 for float64, 1 for integers), by the same
//! code on the CPU (`src/cpu/random.rs`) and in the CUDA kernel (`kernels/random.cu`); after a
//! draw the offset advances by the blocks it used. So the values depend only on the seed and
//! the sequence of calls — never on the device, the launch grid or the thread count.
//!
//! - uniform floats: the top mantissa bits of a word, in `[0, 1)` (24 bits for float32, 53 for
//!   float64, 11 for float16, 8 for bfloat16);
//! - normals: Box–Muller in float64 with a log and sincos written out in devarray's own code
//!   (fdlibm's algorithms, < 1 ulp, no fused multiply-adds), rounded once to the dtype:
//!   bit-identical on the CPU and the CUDA backends;
//! - integers: Lemire's multiply-and-reject (unbiased); a rejected candidate is redrawn from
//!   the same counter block with the next "attempt" word, so each element uses one block;
//! - exponential: `-log(u)` with `u` in `(0, 1)`; bernoulli: `u < p`;
//! - gamma: Marsaglia–Tsang (rejection, each attempt from the element's own block), with
//!   devarray's own `exp` for the shape < 1 boost; beta: `x / (x + y)` of two gammas.
//! - binomial and Poisson (`int64`): inversion of one uniform for small means, Hörmann's
//!   transformed rejection (BTRS, PTRS) for large ones, each element from its own counter block;
//! - permutations, shuffles and samples ([`Generator::permutation`], [`Generator::shuffle`],
//!   [`Generator::choice`]): device sorts of random keys and device searches of a cumulative
//!   sum, documented in `sample.rs` (including the one flag they read to the host).
//!
//! **For NumPy users:** the API follows `numpy.random.Generator`, but the streams are not
//! NumPy's: the same seed gives different numbers than `numpy.random.default_rng(seed)`.
//!
//! ```
//! use devarray::{random::Generator, DType, Device};
//! let mut rng = Generator::new(42);
//! let x = rng.standard_normal(&[1000], DType::F32, &Device::Cpu)?;
//! let mean = x.to_vec::<f32>()?.iter().sum::<f32>() / 1000.0;
//! assert!(mean.abs() < 0.15);
//! // Same seed, same calls: same values.
//! let y = Generator::new(42).standard_normal(&[1000], DType::F32, &Device::Cpu)?;
//! assert_eq!(x.to_vec::<f32>()?, y.to_vec::<f32>()?);
//! # Ok::<(), devarray::Error>(())
//! ```

use crate::array::Array;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::checked_numel;
use crate::vocab::{Counter, RandomDist};
use crate::Device;

/// A seeded stream of random numbers that fills new arrays on any device (see the [module
/// docs](self) for the algorithm and the cross-device guarantee).
///
/// ```
/// use devarray::{random::Generator, DType, Device};
/// let mut rng = Generator::new(7);
/// let u = rng.random(&[2, 3], DType::F64, &Device::Cpu)?;
/// assert!(u.to_vec::<f64>()?.iter().all(|&v| (0.0..1.0).contains(&v)));
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generator {
    ctr: Counter,
    spawned: u64,
}

/// Counter word 3 of the blocks that derive spawned keys (draws use 0 there, so the two never
/// share a block).
const SPAWN_TAG: u32 = 0x5350_574E;

impl Generator {
    /// A generator whose Philox key is the 64-bit `seed` (low word first), at offset 0.
    ///
    /// **For NumPy users:** `numpy.random.default_rng(seed)` hashes the seed through a
    /// `SeedSequence`; here the seed is the key itself (as in cuRAND and PyTorch). Philox's
    /// rounds make streams of adjacent seeds independent.
    ///
    /// ```
    /// let rng = devarray::random::Generator::new(1);
    /// assert_eq!(rng.offset(), 0);
    /// ```
    pub fn new(seed: u64) -> Generator {
        Generator { ctr: Counter { key: [seed as u32, (seed >> 32) as u32], offset: 0 }, spawned: 0 }
    }

    /// A generator with an explicit Philox `key` and counter `offset` (to resume a stream whose
    /// [`key`](Generator::key) and [`offset`](Generator::offset) were saved).
    ///
    /// ```
    /// use devarray::random::Generator;
    /// let mut a = Generator::new(3);
    /// a.random(&[5], devarray::DType::F32, &devarray::Device::Cpu)?;
    /// let b = Generator::from_key(a.key(), a.offset());
    /// assert_eq!((b.key(), b.offset()), (a.key(), a.offset()));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn from_key(key: [u32; 2], offset: u64) -> Generator {
        Generator { ctr: Counter { key, offset }, spawned: 0 }
    }

    /// The Philox4x32 key.
    ///
    /// ```
    /// assert_eq!(devarray::random::Generator::new(5).key(), [5, 0]);
    /// ```
    pub fn key(&self) -> [u32; 2] {
        self.ctr.key
    }

    /// The counter block the next draw starts at (the 128-bit blocks consumed so far).
    ///
    /// ```
    /// use devarray::{random::Generator, DType, Device};
    /// let mut rng = Generator::new(5);
    /// rng.random(&[10], DType::F32, &Device::Cpu)?; // 4 float32 per block: 3 blocks
    /// assert_eq!(rng.offset(), 3);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn offset(&self) -> u64 {
        self.ctr.offset
    }

    /// `n` new generators with keys derived from this one's key and its count of children so
    /// far (each key is a Philox block of the parent's key, outside the blocks draws use), so
    /// repeated calls give new children and the children's streams are independent of the
    /// parent's and of each other.
    ///
    /// **Errors:** [`Error::OutOfMemory`] when the host cannot hold `n` generators.
    ///
    /// **For NumPy users:** like `Generator.spawn(n)` (a `SeedSequence` spawn), with different
    /// values.
    ///
    /// ```
    /// let mut rng = devarray::random::Generator::new(9);
    /// let kids = rng.spawn(3)?;
    /// assert_eq!(kids.len(), 3);
    /// assert_ne!(kids[0].key(), kids[1].key());
    /// assert_ne!(rng.spawn(1)?[0].key(), kids[0].key());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn spawn(&mut self, n: usize) -> Result<Vec<Generator>> {
        let mut kids = crate::memory::try_host_capacity(n)?;
        let first = self.spawned;
        self.spawned = self.spawned.wrapping_add(n as u64);
        kids.extend((0..n as u64).map(|j| {
            let c = first.wrapping_add(j);
            let w = crate::cpu::random::philox4x32_10([c as u32, (c >> 32) as u32, 0, SPAWN_TAG], self.ctr.key);
            Generator::from_key([w[0], w[1]], 0)
        }));
        Ok(kids)
    }

    /// Draws `dist` into a new array; advances the offset.
    fn draw(&mut self, dist: RandomDist, shape: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        let op = dist.name();
        if !dist.supports(dtype) {
            return Err(dist.unsupported(dtype));
        }
        let n = checked_numel(op, shape, dtype.itemsize())? as u64;
        let next =
            self.ctr.offset.checked_add(n.div_ceil(dist.per_block(dtype))).ok_or_else(|| {
                Error::invalid(op, "the generator's 64-bit counter is exhausted; spawn a new generator")
            })?;
        let out = Array::empty(shape, dtype, device)?;
        out.storage().random(out.layout(), dist, dtype, self.ctr)?;
        self.ctr.offset = next;
        Ok(out)
    }
}

mod methods;
mod sample;

pub use methods::POISSON_LAM_MAX;
