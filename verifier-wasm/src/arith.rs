//! Conversions between 32-byte big-endian words and BN254 field elements and points.

use crate::key::Word;
use crate::VerifyError;
use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, BigInteger, PrimeField};

fn limbs(word: &Word) -> BigInt<4> {
    let mut limbs = [0u64; 4];
    for (i, chunk) in word.chunks_exact(8).enumerate() {
        limbs[3 - i] = u64::from_be_bytes(chunk.try_into().expect("8 bytes"));
    }
    BigInt::new(limbs)
}

/// A scalar from its canonical encoding (refuses values not below r).
pub fn fr_from_be(word: &Word) -> Option<Fr> {
    Fr::from_bigint(limbs(word))
}

/// A base field element from its canonical encoding (refuses values not below p).
pub fn fq_from_be(word: &Word) -> Option<Fq> {
    Fq::from_bigint(limbs(word))
}

/// The canonical encoding of a scalar.
pub fn fr_to_be(scalar: &Fr) -> Word {
    scalar.into_bigint().to_bytes_be().try_into().expect("32 bytes")
}

/// A G1 point a prover or host supplies, from `x, y` big-endian words: canonical coordinates,
/// on the curve, and not the identity. `(0, 0)`, how the EVM writes the identity, is what
/// arkworks' BN254 uses for the identity too (and calls on the curve), so it is refused here by
/// name: an honest proof never holds it, and the native and Solidity verifiers refuse it as well.
pub fn g1_point(x: &Word, y: &Word) -> Option<G1Affine> {
    let point = G1Affine::new_unchecked(fq_from_be(x)?, fq_from_be(y)?);
    (point.is_on_curve() && !point.is_zero()).then_some(point)
}

/// A point of a key: canonical coordinates, on the curve; the identity `(0, 0)` is allowed (the
/// commitment of an all-zero fixed column).
pub fn g1(words: &[Word; 2]) -> Result<G1Affine, VerifyError> {
    let point = G1Affine::new_unchecked(fq_from_be(&words[0]).ok_or(VerifyError::Key)?, fq_from_be(&words[1]).ok_or(VerifyError::Key)?);
    point.is_on_curve().then_some(point).ok_or(VerifyError::Key)
}

/// A G2 point from `x.c0, x.c1, y.c0, y.c1` (on the curve, in the prime-order subgroup).
pub fn g2(words: &[Word; 4]) -> Result<G2Affine, VerifyError> {
    let f = |w: &Word| fq_from_be(w).ok_or(VerifyError::Key);
    let x = Fq2::new(f(&words[0])?, f(&words[1])?);
    let y = Fq2::new(f(&words[2])?, f(&words[3])?);
    let point = G2Affine::new_unchecked(x, y);
    if point.is_on_curve() && point.is_in_correct_subgroup_assuming_on_curve() {
        Ok(point)
    } else {
        Err(VerifyError::Key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(value: u64) -> Word {
        let mut w = [0u8; 32];
        w[24..].copy_from_slice(&value.to_be_bytes());
        w
    }

    #[test]
    fn supplied_points_refuse_the_identity_keys_allow_it() {
        assert!(g1_point(&word(1), &word(2)).is_some(), "the generator");
        assert!(g1_point(&word(0), &word(0)).is_none(), "the identity");
        assert!(g1_point(&word(1), &word(3)).is_none(), "off the curve");
        assert!(g1(&[word(0), word(0)]).is_ok());
        assert!(g1(&[word(1), word(3)]).is_err());
    }

    #[test]
    fn encodings_are_canonical() {
        let r_minus_one = fr_to_be(&-Fr::from(1u64));
        assert_eq!(fr_from_be(&r_minus_one), Some(-Fr::from(1u64)));
        let mut r = r_minus_one;
        r[31] += 1;
        assert_eq!(fr_from_be(&r), None, "r itself");
        assert_eq!(fq_from_be(&[0xff; 32]), None);
    }
}
