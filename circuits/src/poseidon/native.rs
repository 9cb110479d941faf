//! The permutation and sponge computed natively (by verifiers and auditors, and for witnesses).

use super::spec::{constants, row_values, RATE, WIDTH};
use ff::Field;
use halo2_proofs::halo2curves::bn256::Fr;

/// The Poseidon permutation, computed row by row exactly as the circuit proves it.
pub fn permute(state: &mut [Fr; WIDTH]) {
    for (kind, f) in &constants().schedule {
        *state = row_values(*kind, state, f).next;
    }
}

/// Hashes `inputs` from the initial state `initial` (a domain tag in word 0 and, in word 1,
/// anything else the hash must be bound to): inputs are absorbed two at a time into words 1 and
/// 2 (the last block padded with zeros; at least one block), each block followed by one
/// permutation; the digest is word 1 of the final state.
///
/// The input length must be fixed by the initial state (as solvent's encodings are), so zero
/// padding is unambiguous.
pub fn sponge(initial: [Fr; WIDTH], inputs: &[Fr]) -> Fr {
    let mut state = initial;
    let blocks = inputs.len().div_ceil(RATE).max(1);
    for b in 0..blocks {
        for j in 0..RATE {
            state[1 + j] += inputs.get(b * RATE + j).copied().unwrap_or(Fr::ZERO);
        }
        permute(&mut state);
    }
    state[1]
}

/// `P(a, b)`: circomlib's Poseidon of two inputs, word 0 of the permutation of `(0, a, b)` (the
/// hash of a signed statement's message chain, `docs/design.md` §12).
pub fn hash_pair(a: Fr, b: Fr) -> Fr {
    let mut state = [Fr::ZERO, a, b];
    permute(&mut state);
    state[0]
}

/// The number of permutations a sponge over `inputs` elements runs.
pub fn blocks(inputs: usize) -> usize {
    inputs.div_ceil(RATE).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poseidon::spec::SolventPoseidon;
    use ff::PrimeField;
    use poseidon_primitives::poseidon::primitives::{ConstantLength, Hash};

    #[test]
    fn row_by_row_permutation_equals_the_reference_permutation() {
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
    fn permutation_matches_circomlib_poseidon_of_two_inputs() {
        // circomlib's poseidon([1, 2]): the state [0, 1, 2] permuted, word 0.
        let mut state = [Fr::ZERO, Fr::from(1), Fr::from(2)];
        permute(&mut state);
        let expected = Fr::from_str_vartime("7853200120776062878684798364095072458815029376092732009249414926327459813530").unwrap();
        assert_eq!(state[0], expected);
    }

    #[test]
    fn hash_pair_is_word_0_of_the_permutation() {
        let mut state = [Fr::ZERO, Fr::from(1), Fr::from(2)];
        permute(&mut state);
        assert_eq!(hash_pair(Fr::from(1), Fr::from(2)), state[0]);
    }

    #[test]
    fn sponge_separates_initial_states_and_inputs() {
        let x = [Fr::from(1), Fr::from(2)];
        let a = [Fr::from(1), Fr::ZERO, Fr::ZERO];
        assert_ne!(sponge(a, &x), sponge([Fr::from(2), Fr::ZERO, Fr::ZERO], &x));
        assert_ne!(sponge(a, &x), sponge([Fr::from(1), Fr::from(1), Fr::ZERO], &x));
        assert_ne!(sponge(a, &x), sponge(a, &[Fr::from(2), Fr::from(1)]));
        assert_eq!(blocks(0), 1);
        assert_eq!(blocks(5), 3);
    }
}
