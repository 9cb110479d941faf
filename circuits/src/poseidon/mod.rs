//! Poseidon: the specification (width 3), the native sponge, and the chip that proves sponges.

pub mod chip;
pub mod native;
pub mod spec;

pub use native::{hash_pair, permute, sponge};
