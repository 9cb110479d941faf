//! Poseidon: the specification, the native sponge, and the chip that proves permutations.

pub mod chip;
pub mod native;
pub mod spec;

pub use native::{permute, sponge};
