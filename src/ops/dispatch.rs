//! The primitives' operand descriptions, kept at their old path for the op layer: they live in
//! the op vocabulary ([`crate::vocab`]), and the backend dispatch itself in
//! [`Storage`](crate::storage::Storage) (`src/storage.rs`).

pub(crate) use crate::vocab::{Input, ReduceDims};
