//! The permutation and sponge computed natively (by the verifier, and for witnesses).

use super::spec::{constants, pow5, CHUNK, FULL_ROUNDS, RATE, WIDTH};
use ff::Field;
use halo2_proofs::halo2curves::bn256::Fr;

/// Applies the MDS matrix.
fn mix(state: &[Fr; WIDTH]) -> [Fr; WIDTH] {
    let mds = &constants().mds;
    std::array::from_fn(|i| mds[i].iter().zip(state).fold(Fr::ZERO, |acc, (m, x)| acc + *m * x))
}

/// One full round: add constants, S-box every word, mix.
pub(crate) fn full_round(state: &[Fr; WIDTH], rc: &[Fr; WIDTH]) -> [Fr; WIDTH] {
    mix(&std::array::from_fn(|i| pow5(state[i] + rc[i])))
}

/// One chunk of eight partial rounds: returns the S-box inputs, the S-box outputs and the state
/// after the chunk.
pub(crate) fn partial_chunk(state: &[Fr; WIDTH], chunk: usize) -> ([Fr; CHUNK], [Fr; CHUNK], [Fr; WIDTH]) {
    let forms = &constants().chunks[chunk];
    let mut inputs = [Fr::ZERO; CHUNK];
    let mut sbox = [Fr::ZERO; CHUNK];
    for j in 0..CHUNK {
        inputs[j] = forms.sbox_input[j].eval(state, &sbox[..j]);
        sbox[j] = pow5(inputs[j]);
    }
    let out = std::array::from_fn(|m| forms.output[m].eval(state, &sbox));
    (inputs, sbox, out)
}

/// The Poseidon permutation (computed chunk-wise exactly as the circuit proves it).
pub fn permute(state: &mut [Fr; WIDTH]) {
    let rc = &constants().round_constants;
    let half = FULL_ROUNDS / 2;
    for r in rc.iter().take(half) {
        *state = full_round(state, r);
    }
    for c in 0..constants().chunks.len() {
        *state = partial_chunk(state, c).2;
    }
    for r in rc.iter().skip(rc.len() - half) {
        *state = full_round(state, r);
    }
}

/// Hashes `inputs` under a domain tag: the state starts as `[domain, 0, ..., 0]`; inputs are
/// absorbed 7 at a time into words 1..8 (the last block padded with zeros; at least one block),
/// each block followed by a permutation; the digest is word 1 of the final state.
///
/// The input length must be fixed by the domain (as solvent's encodings are), so zero padding is
/// unambiguous.
pub fn sponge(domain: Fr, inputs: &[Fr]) -> Fr {
    let mut state = [Fr::ZERO; WIDTH];
    state[0] = domain;
    let blocks = inputs.len().div_ceil(RATE).max(1);
    for b in 0..blocks {
        for j in 0..RATE {
            if let Some(x) = inputs.get(b * RATE + j) {
                state[1 + j] += x;
            }
        }
        permute(&mut state);
    }
    state[1]
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::poseidon::spec::SolventPoseidon;
    use poseidon_primitives::poseidon::primitives::{ConstantLength, Hash};

    #[test]
    fn chunked_permutation_equals_the_reference_permutation() {
        let reference = Hash::<Fr, SolventPoseidon, ConstantLength<1>, WIDTH, RATE>::init();
        for seed in 0..4u64 {
            let mut a: [Fr; WIDTH] = std::array::from_fn(|i| Fr::from(seed * 1000 + i as u64 * 7 + 3));
            let mut b = a;
            permute(&mut a);
            reference.permute(&mut b);
            assert_eq!(a, b);
        }
    }

    #[test]
    fn sponge_separates_domains_and_inputs() {
        let x = [Fr::from(1), Fr::from(2)];
        assert_ne!(sponge(Fr::from(1), &x), sponge(Fr::from(2), &x));
        assert_ne!(sponge(Fr::from(1), &x), sponge(Fr::from(1), &[Fr::from(2), Fr::from(1)]));
    }
}
