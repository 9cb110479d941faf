//! The reading side of the EVM (Keccak-256) transcript the proofs are made with, as in
//! snark-verifier's `EvmTranscript`: absorbed values are appended to a buffer as 32-byte
//! big-endian words (points as x then y); a challenge is the Keccak-256 of the buffer (with a
//! byte 1 appended when the buffer is exactly 32 bytes long, as it is right after a challenge)
//! reduced modulo r, and becomes the new buffer.

use crate::arith::{fr_from_be, fr_to_be};
use crate::VerifyError;
use alloc::vec::Vec;
use ark_bn254::{Fr, G1Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use sha3::{Digest, Keccak256};

/// A proof being read.
pub struct TranscriptRead<'a> {
    proof: &'a [u8],
    at: usize,
    buf: Vec<u8>,
}

impl<'a> TranscriptRead<'a> {
    /// Starts reading `proof`.
    pub fn new(proof: &'a [u8]) -> Self {
        TranscriptRead { proof, at: 0, buf: Vec::new() }
    }

    /// Absorbs a scalar known to both sides.
    pub fn common_scalar(&mut self, scalar: &Fr) {
        self.buf.extend(fr_to_be(scalar));
    }

    /// Absorbs a point known to both sides (never the identity: those are refused before).
    pub fn common_point(&mut self, point: &G1Affine) {
        if let Some((x, y)) = point.xy() {
            self.buf.extend(x.into_bigint().to_bytes_be());
            self.buf.extend(y.into_bigint().to_bytes_be());
        }
    }

    /// Squeezes a challenge.
    pub fn squeeze_challenge(&mut self) -> Fr {
        let mut hasher = Keccak256::new();
        hasher.update(&self.buf);
        if self.buf.len() == 32 {
            hasher.update([1u8]);
        }
        let hash: [u8; 32] = hasher.finalize().into();
        self.buf = hash.to_vec();
        Fr::from_be_bytes_mod_order(&hash)
    }

    fn word(&mut self) -> Result<[u8; 32], VerifyError> {
        let word = self.proof.get(self.at..self.at + 32).ok_or(VerifyError::Truncated)?;
        self.at += 32;
        Ok(word.try_into().expect("32 bytes"))
    }

    /// Reads a scalar (canonical, below r) and absorbs it.
    pub fn read_scalar(&mut self) -> Result<Fr, VerifyError> {
        let scalar = fr_from_be(&self.word()?).ok_or(VerifyError::Encoding)?;
        self.common_scalar(&scalar);
        Ok(scalar)
    }

    /// Reads a G1 point (canonical coordinates, on the curve, not the identity `(0, 0)`) and
    /// absorbs it.
    pub fn read_point(&mut self) -> Result<G1Affine, VerifyError> {
        let point = crate::arith::g1_point(&self.word()?, &self.word()?).ok_or(VerifyError::Encoding)?;
        self.common_point(&point);
        Ok(point)
    }

    /// Whether every byte of the proof has been read.
    pub fn is_finished(&self) -> bool {
        self.at == self.proof.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keccak(bytes: &[u8]) -> [u8; 32] {
        Keccak256::digest(bytes).into()
    }

    #[test]
    fn a_challenge_is_the_keccak_of_the_buffer_and_consecutive_ones_differ() {
        let proof = [[0u8; 31].as_slice(), &[5], &[0u8; 31], &[6]].concat();
        let mut transcript = TranscriptRead::new(&proof);
        assert_eq!(transcript.read_scalar().unwrap(), Fr::from(5u64));
        assert_eq!(transcript.read_scalar().unwrap(), Fr::from(6u64));
        let first = keccak(&proof);
        assert_eq!(transcript.squeeze_challenge(), Fr::from_be_bytes_mod_order(&first));
        // The buffer is now exactly 32 bytes (the previous hash): a byte 1 is appended.
        let second = keccak(&[first.as_slice(), &[1]].concat());
        assert_eq!(transcript.squeeze_challenge(), Fr::from_be_bytes_mod_order(&second));
        assert!(transcript.is_finished());
    }

    #[test]
    fn reads_past_the_end_and_bad_encodings_are_refused() {
        assert_eq!(TranscriptRead::new(&[0u8; 31]).read_scalar(), Err(VerifyError::Truncated));
        assert_eq!(TranscriptRead::new(&[0xffu8; 32]).read_scalar(), Err(VerifyError::Encoding));
        assert_eq!(TranscriptRead::new(&[0u8; 64]).read_point(), Err(VerifyError::Encoding), "the identity");
        let mut generator = [0u8; 64];
        generator[31] = 1;
        generator[63] = 2;
        assert_eq!(TranscriptRead::new(&generator).read_point().map(|p| p.xy().is_some()), Ok(true));
    }
}
