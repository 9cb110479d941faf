//! The EVM transcript of snark-verifier (`EvmTranscript` with the native loader), so the same
//! proof bytes verify natively, in wasm and in the generated Solidity verifier: its absorbing
//! rules ([`TranscriptState`]) and its reader. The prover's writer (`solvent-prover`) absorbs
//! through the same state.
//!
//! - A point is absorbed (and written to the proof) as `x || y`, each 32 bytes big-endian. The
//!   identity is written `(0, 0)`, and a reader refuses it: an honest proof never holds it, and
//!   every solvent verifier (native, wasm, EVM) follows this one rule.
//! - A scalar is absorbed (and written) as 32 bytes big-endian.
//! - A challenge is `keccak256(buffer)` read as a big-endian integer, reduced modulo `r`; the buffer
//!   then becomes that hash. When the buffer is exactly 32 bytes long (as right after a
//!   challenge), one byte `0x01` is appended before hashing, so two challenges in a row differ.

use ff::{FromUniformBytes, PrimeField};
use halo2_proofs::{
    halo2curves::{
        bn256::{Fq, Fr, G1Affine},
        CurveAffine,
    },
    transcript::{EncodedChallenge, Transcript, TranscriptRead, TranscriptReadBuffer},
};
use sha3::{Digest, Keccak256};
use std::io::{self, Read};

/// A challenge: the Keccak-256 hash reduced modulo the scalar field.
#[derive(Clone, Copy, Debug)]
pub struct ChallengeEvm(Fr);

impl EncodedChallenge<G1Affine> for ChallengeEvm {
    type Input = [u8; 32];

    fn new(hash: &[u8; 32]) -> Self {
        let mut wide = [0u8; 64];
        for (dst, src) in wide.iter_mut().zip(hash.iter().rev()) {
            *dst = *src;
        }
        ChallengeEvm(Fr::from_uniform_bytes(&wide))
    }

    fn get_scalar(&self) -> Fr {
        self.0
    }
}

/// The absorbing state shared by the reader and the prover's writer.
#[derive(Clone, Debug, Default)]
pub struct TranscriptState {
    buffer: Vec<u8>,
    /// The public columns' commitments, as absorbed.
    public_columns: Vec<G1Affine>,
}

impl TranscriptState {
    /// Absorbs a point that is neither read nor written: only the public columns' commitments.
    pub fn common_point(&mut self, point: &G1Affine) {
        self.point(point);
        self.public_columns.push(*point);
    }

    /// The public columns' commitments absorbed so far.
    pub fn public_columns(&self) -> &[G1Affine] {
        &self.public_columns
    }

    /// The next challenge: Keccak-256 of the buffer (a byte 1 appended when it holds just the
    /// last hash), which becomes the buffer.
    pub fn squeeze(&mut self) -> ChallengeEvm {
        if self.buffer.len() == 32 {
            self.buffer.push(1);
        }
        let hash: [u8; 32] = Keccak256::digest(&self.buffer).into();
        self.buffer = hash.to_vec();
        ChallengeEvm::new(&hash)
    }

    /// Absorbs a point as `x || y`.
    pub fn point(&mut self, point: &G1Affine) {
        self.buffer.extend_from_slice(&point_bytes(point));
    }

    /// Absorbs a scalar as 32 bytes big-endian.
    pub fn scalar(&mut self, scalar: &Fr) {
        self.buffer.extend(scalar.to_repr().as_ref().iter().rev());
    }
}

fn be(repr: &[u8]) -> impl Iterator<Item = u8> + '_ {
    repr.iter().rev().copied()
}

/// `x || y` big-endian, `(0, 0)` for the identity.
pub fn point_bytes(point: &G1Affine) -> [u8; 64] {
    let mut out = [0u8; 64];
    if let Some(coordinates) = Option::from(point.coordinates()) {
        let coordinates: halo2_proofs::halo2curves::Coordinates<G1Affine> = coordinates;
        for (dst, src) in out[..32].iter_mut().zip(be(coordinates.x().to_repr().as_ref())) {
            *dst = src;
        }
        for (dst, src) in out[32..].iter_mut().zip(be(coordinates.y().to_repr().as_ref())) {
            *dst = src;
        }
    }
    out
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

/// Reads a proof in the EVM transcript's format (what the prover's writer wrote).
#[derive(Debug)]
pub struct EvmTranscriptRead<R: Read> {
    reader: R,
    state: TranscriptState,
}

impl<R: Read> Transcript<G1Affine, ChallengeEvm> for EvmTranscriptRead<R> {
    fn squeeze_challenge(&mut self) -> ChallengeEvm {
        self.state.squeeze()
    }
    fn common_point(&mut self, point: G1Affine) -> io::Result<()> {
        self.state.common_point(&point);
        Ok(())
    }
    fn common_scalar(&mut self, scalar: Fr) -> io::Result<()> {
        self.state.scalar(&scalar);
        Ok(())
    }
}

impl<R: Read> TranscriptRead<G1Affine, ChallengeEvm> for EvmTranscriptRead<R> {
    fn read_point(&mut self) -> io::Result<G1Affine> {
        let mut coordinates = [[0u8; 32]; 2];
        for c in coordinates.iter_mut() {
            self.reader.read_exact(c)?;
            c.reverse();
        }
        let x = Option::<Fq>::from(Fq::from_repr(coordinates[0])).ok_or_else(|| invalid("x-coordinate out of range"))?;
        let y = Option::<Fq>::from(Fq::from_repr(coordinates[1])).ok_or_else(|| invalid("y-coordinate out of range"))?;
        if x == Fq::zero() && y == Fq::zero() {
            return Err(invalid("the identity point (0, 0) is refused"));
        }
        let point: G1Affine = Option::from(G1Affine::from_xy(x, y)).ok_or_else(|| invalid("point not on the curve"))?;
        self.state.point(&point);
        Ok(point)
    }

    fn read_scalar(&mut self) -> io::Result<Fr> {
        let mut repr = [0u8; 32];
        self.reader.read_exact(&mut repr)?;
        repr.reverse();
        let scalar = Option::<Fr>::from(Fr::from_repr(repr)).ok_or_else(|| invalid("scalar out of range"))?;
        self.state.scalar(&scalar);
        Ok(scalar)
    }
}

impl<R: Read> TranscriptReadBuffer<R, G1Affine, ChallengeEvm> for EvmTranscriptRead<R> {
    fn init(reader: R) -> Self {
        EvmTranscriptRead { reader, state: TranscriptState::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::Field;
    use group::{prime::PrimeCurveAffine, Curve};
    use halo2_proofs::halo2curves::bn256::G1;
    use halo2_proofs::transcript::TranscriptWrite;
    use rand::{rngs::StdRng, SeedableRng};
    use snark_verifier::{loader::native::NativeLoader, system::halo2::transcript::evm::EvmTranscript};

    type SnarkVerifierTranscript<S> = EvmTranscript<G1Affine, NativeLoader, S, Vec<u8>>;

    /// A transcript step.
    #[derive(Clone, Copy)]
    enum Step {
        Point(G1Affine),
        Scalar(Fr),
        Common(G1Affine),
        Squeeze,
    }

    fn steps(seed: u64) -> Vec<Step> {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut steps = Vec::new();
        for i in 0..40 {
            steps.push(match i % 7 {
                0 | 3 => Step::Point((G1::generator() * Fr::random(&mut rng)).to_affine()),
                1 | 4 => Step::Scalar(Fr::random(&mut rng)),
                2 => Step::Common((G1::generator() * Fr::random(&mut rng)).to_affine()),
                _ => Step::Squeeze,
            });
        }
        // Two squeezes in a row exercise the appended byte.
        steps.extend([Step::Squeeze, Step::Squeeze]);
        steps
    }

    /// Runs `steps` on a writer; returns the challenges.
    fn write<T: TranscriptWrite<G1Affine, E>, E: EncodedChallenge<G1Affine>>(transcript: &mut T, steps: &[Step]) -> Vec<Fr> {
        let mut challenges = Vec::new();
        for step in steps {
            match *step {
                Step::Point(p) => transcript.write_point(p).unwrap(),
                Step::Scalar(s) => transcript.write_scalar(s).unwrap(),
                Step::Common(p) => transcript.common_point(p).unwrap(),
                Step::Squeeze => challenges.push(*transcript.squeeze_challenge_scalar::<()>()),
            }
        }
        challenges
    }

    /// Runs `steps` on a reader of `proof`; returns the challenges.
    fn read<T: TranscriptRead<G1Affine, E>, E: EncodedChallenge<G1Affine>>(transcript: &mut T, steps: &[Step]) -> Vec<Fr> {
        let mut challenges = Vec::new();
        for step in steps {
            match *step {
                Step::Point(p) => assert_eq!(transcript.read_point().unwrap(), p),
                Step::Scalar(s) => assert_eq!(transcript.read_scalar().unwrap(), s),
                Step::Common(p) => transcript.common_point(p).unwrap(),
                Step::Squeeze => challenges.push(*transcript.squeeze_challenge_scalar::<()>()),
            }
        }
        challenges
    }

    /// The proof bytes and challenges snark-verifier's `EvmTranscript` writes for `steps`.
    fn written_by_snark_verifier(steps: &[Step]) -> (Vec<u8>, Vec<Fr>) {
        let mut theirs = SnarkVerifierTranscript::new(Vec::new());
        let challenges = write(&mut theirs, steps);
        (theirs.finalize(), challenges)
    }

    #[test]
    fn reads_what_snark_verifiers_evm_transcript_writes_with_its_challenges() {
        for seed in 0..4 {
            let steps = steps(seed);
            let (proof, challenges) = written_by_snark_verifier(&steps);
            assert_eq!(read(&mut EvmTranscriptRead::init(&proof[..]), &steps), challenges);
            assert_eq!(read(&mut SnarkVerifierTranscript::new(&proof[..]), &steps), challenges);
        }
    }

    /// A proof of one point then one scalar.
    fn proof_of(x: [u8; 32], y: [u8; 32]) -> Vec<u8> {
        [x, y].concat()
    }

    fn word(value: u64) -> [u8; 32] {
        let mut w = [0u8; 32];
        w[24..].copy_from_slice(&value.to_be_bytes());
        w
    }

    /// Both halves of the field modulus `q` (big-endian), a non-canonical coordinate.
    fn modulus_q() -> [u8; 32] {
        let minus_one = -Fq::one();
        let mut bytes: Vec<u8> = minus_one.to_repr().as_ref().iter().rev().copied().collect();
        // q - 1 + 1 = q: add one to the big-endian integer.
        for b in bytes.iter_mut().rev() {
            let (sum, carry) = b.overflowing_add(1);
            *b = sum;
            if !carry {
                break;
            }
        }
        bytes.try_into().unwrap()
    }

    #[test]
    fn the_identity_off_curve_and_non_canonical_points_are_refused_by_every_reader() {
        let generator = proof_of(word(1), word(2));
        let cases = [
            ("identity (0, 0)", proof_of(word(0), word(0)), false),
            ("off the curve", proof_of(word(1), word(3)), false),
            ("x = q", proof_of(modulus_q(), word(2)), false),
            ("truncated", generator[..63].to_vec(), false),
            ("the generator", generator.clone(), true),
        ];
        for (name, proof, accepted) in cases {
            let ours = EvmTranscriptRead::<&[u8]>::init(&proof[..]).read_point().is_ok();
            let wasm = solvent_verifier_wasm::transcript::TranscriptRead::new(&proof).read_point().is_ok();
            let snark = halo2_proofs::transcript::TranscriptRead::<G1Affine, _>::read_point(&mut SnarkVerifierTranscript::new(&proof[..]))
                .map(|p: G1Affine| bool::from(!p.is_identity()))
                .unwrap_or(false);
            assert_eq!((ours, wasm, snark), (accepted, accepted, accepted), "{name}");
        }
    }

    #[test]
    fn scalars_must_be_canonical() {
        let modulus_r: Vec<u8> = {
            let minus_one = -Fr::one();
            let mut bytes: Vec<u8> = minus_one.to_repr().as_ref().iter().rev().copied().collect();
            *bytes.last_mut().unwrap() += 1;
            bytes
        };
        assert!(EvmTranscriptRead::<&[u8]>::init(&modulus_r[..]).read_scalar().is_err());
        assert!(solvent_verifier_wasm::transcript::TranscriptRead::new(&modulus_r).read_scalar().is_err());
        let mut below = modulus_r.clone();
        *below.last_mut().unwrap() -= 1;
        assert_eq!(EvmTranscriptRead::<&[u8]>::init(&below[..]).read_scalar().unwrap(), -Fr::one());
    }

    #[test]
    fn the_wasm_reader_squeezes_the_same_challenges() {
        let steps = steps(7);
        let (proof, expected) = written_by_snark_verifier(&steps);
        let mut wasm = solvent_verifier_wasm::transcript::TranscriptRead::new(&proof);
        let mut challenges = Vec::new();
        for step in &steps {
            match *step {
                Step::Point(_) => {
                    let _ = wasm.read_point().unwrap();
                }
                Step::Scalar(_) => {
                    let _ = wasm.read_scalar().unwrap();
                }
                Step::Common(p) => {
                    let bytes = point_bytes(&p);
                    let point =
                        solvent_verifier_wasm::arith::g1_point(&bytes[..32].try_into().unwrap(), &bytes[32..].try_into().unwrap()).unwrap();
                    wasm.common_point(&point);
                }
                Step::Squeeze => challenges.push(wasm.squeeze_challenge()),
            }
        }
        assert!(wasm.is_finished());
        let as_be = |c: &Fr| -> Vec<u8> { c.to_repr().as_ref().iter().rev().copied().collect() };
        let wasm_be: Vec<Vec<u8>> = challenges.iter().map(|c| solvent_verifier_wasm::arith::fr_to_be(c).to_vec()).collect();
        assert_eq!(wasm_be, expected.iter().map(as_be).collect::<Vec<_>>());
    }
}
