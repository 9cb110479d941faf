//! Conversions between 32-byte big-endian words and BN254 field elements and points.

use crate::key::Word;
use crate::VerifyError;
use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
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

/// A G1 point from `x, y` big-endian words: canonical coordinates, on the curve. `(0, 0)` (how
/// the EVM writes the identity) is not on the curve, so the identity is refused.
pub fn g1_point(x: &Word, y: &Word) -> Option<G1Affine> {
    let point = G1Affine::new_unchecked(fq_from_be(x)?, fq_from_be(y)?);
    point.is_on_curve().then_some(point)
}

/// A point of a key (see [`g1_point`]).
pub fn g1(words: &[Word; 2]) -> Result<G1Affine, VerifyError> {
    g1_point(&words[0], &words[1]).ok_or(VerifyError::Key)
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
