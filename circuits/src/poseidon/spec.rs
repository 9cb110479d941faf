//! The Poseidon instance of solvent: width 8 (rate 7, capacity 1) over the BN254 scalar field,
//! `x^5` S-box, 8 full and 64 partial rounds (the standard 128-bit choice for this width, as in
//! circomlib's table), round constants and Cauchy MDS matrix from the reference Grain LFSR as
//! implemented by `poseidon-primitives` (first generated MDS).
//!
//! Besides the constants, this module derives the affine maps that let the circuit prove eight
//! partial rounds in two rows (see [`PartialChunk`]).

use ff::Field;
use halo2_proofs::halo2curves::bn256::Fr;
use poseidon_primitives::poseidon::primitives::Spec;
use std::sync::OnceLock;

/// State width.
pub const WIDTH: usize = 8;
/// Elements absorbed per permutation.
pub const RATE: usize = 7;
/// Number of full rounds (half before, half after the partial rounds).
pub const FULL_ROUNDS: usize = 8;
/// Number of partial rounds.
pub const PARTIAL_ROUNDS: usize = 64;
/// Partial rounds proven per chunk (one S-box output per column).
pub const CHUNK: usize = WIDTH;
/// Number of partial-round chunks.
pub const CHUNKS: usize = PARTIAL_ROUNDS / CHUNK;

/// The `poseidon-primitives` specification of solvent's Poseidon.
#[derive(Debug, Clone, Copy)]
pub struct SolventPoseidon;

impl Spec<Fr, WIDTH, RATE> for SolventPoseidon {
    fn full_rounds() -> usize {
        FULL_ROUNDS
    }
    fn partial_rounds() -> usize {
        PARTIAL_ROUNDS
    }
    fn sbox(val: Fr) -> Fr {
        pow5(val)
    }
    fn secure_mds() -> usize {
        0
    }
}

/// `x^5`.
pub fn pow5(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

/// An affine form over the chunk's variables: coefficients of the 8 input state words, of the
/// 8 S-box outputs, and a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Affine {
    pub(crate) state: [Fr; WIDTH],
    pub(crate) sbox: [Fr; CHUNK],
    pub(crate) constant: Fr,
}

impl Affine {
    fn zero() -> Self {
        Affine { state: [Fr::ZERO; WIDTH], sbox: [Fr::ZERO; CHUNK], constant: Fr::ZERO }
    }
    fn scaled_add(&mut self, other: &Affine, factor: Fr) {
        for (a, b) in self.state.iter_mut().zip(&other.state) {
            *a += *b * factor;
        }
        for (a, b) in self.sbox.iter_mut().zip(&other.sbox) {
            *a += *b * factor;
        }
        self.constant += other.constant * factor;
    }
}

/// Eight consecutive partial rounds as affine maps. With `x` the state entering the chunk and
/// `s_j` the S-box output of its `j`-th round:
///
/// - `s_j = (sbox_input[j](x, s_0..s_{j-1}))^5`
/// - `state after the chunk = output[m](x, s_0..s_7)`
///
/// The linear parts are the same for every chunk (the MDS matrix does not change); only the
/// constants differ, and the circuit reads those from fixed columns.
#[derive(Clone, Debug)]
pub struct PartialChunk {
    pub(crate) sbox_input: [Affine; CHUNK],
    pub(crate) output: [Affine; WIDTH],
}

/// Every constant of the permutation, and the chunked form of its partial rounds.
#[derive(Clone, Debug)]
pub struct Constants {
    /// Round constants, one row per round (full, partial, full).
    pub round_constants: Vec<[Fr; WIDTH]>,
    /// The MDS matrix.
    pub mds: [[Fr; WIDTH]; WIDTH],
    /// The partial rounds, chunk by chunk.
    pub chunks: Vec<PartialChunk>,
}

/// The constants, computed once.
pub fn constants() -> &'static Constants {
    static CONSTANTS: OnceLock<Constants> = OnceLock::new();
    CONSTANTS.get_or_init(|| {
        let (round_constants, mds, _) = SolventPoseidon::constants();
        let chunks = (0..CHUNKS)
            .map(|c| {
                let first = FULL_ROUNDS / 2 + c * CHUNK;
                chunk(&round_constants[first..first + CHUNK], &mds)
            })
            .collect();
        Constants { round_constants, mds, chunks }
    })
}

/// Runs eight partial rounds symbolically.
fn chunk(round_constants: &[[Fr; WIDTH]], mds: &[[Fr; WIDTH]; WIDTH]) -> PartialChunk {
    let mut state: [Affine; WIDTH] = std::array::from_fn(|m| {
        let mut form = Affine::zero();
        form.state[m] = Fr::ONE;
        form
    });
    let mut sbox_input = [Affine::zero(); CHUNK];
    for (j, rc) in round_constants.iter().enumerate() {
        for (word, c) in state.iter_mut().zip(rc) {
            word.constant += c;
        }
        sbox_input[j] = state[0];
        state[0] = Affine::zero();
        state[0].sbox[j] = Fr::ONE;
        let mut mixed = [Affine::zero(); WIDTH];
        for (row, out) in mds.iter().zip(mixed.iter_mut()) {
            for (factor, word) in row.iter().zip(&state) {
                out.scaled_add(word, *factor);
            }
        }
        state = mixed;
    }
    PartialChunk { sbox_input, output: state }
}

impl Affine {
    /// Evaluates the form at a state and S-box outputs.
    pub(crate) fn eval(&self, state: &[Fr; WIDTH], sbox: &[Fr]) -> Fr {
        let mut acc = self.constant;
        for (c, x) in self.state.iter().zip(state) {
            acc += *c * x;
        }
        for (c, s) in self.sbox.iter().zip(sbox) {
            acc += *c * s;
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_linear_parts_are_the_same_for_every_chunk() {
        let k = constants();
        for chunk in &k.chunks[1..] {
            for j in 0..CHUNK {
                assert_eq!(chunk.sbox_input[j].state, k.chunks[0].sbox_input[j].state);
                assert_eq!(chunk.sbox_input[j].sbox, k.chunks[0].sbox_input[j].sbox);
                assert_eq!(chunk.output[j].state, k.chunks[0].output[j].state);
                assert_eq!(chunk.output[j].sbox, k.chunks[0].output[j].sbox);
            }
        }
        assert_ne!(k.chunks[0].sbox_input[0].constant, k.chunks[1].sbox_input[0].constant);
    }

    #[test]
    fn sbox_inputs_depend_only_on_earlier_sbox_outputs() {
        for chunk in &constants().chunks {
            for (j, form) in chunk.sbox_input.iter().enumerate() {
                assert!(form.sbox[j..].iter().all(|c| *c == Fr::ZERO));
            }
        }
    }
}
