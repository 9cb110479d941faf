//! The EVM transcript of snark-verifier (`EvmTranscript` with the native loader), so the same
//! proof bytes verify natively, in wasm and in the generated Solidity verifier.
//!
//! - A point is absorbed (and written to the proof) as `x || y`, each 32 bytes big-endian. The
//!   identity is written `(0, 0)`, and a reader refuses it: an honest proof never holds it, and
//!   every solvent verifier (native, wasm, EVM) follows this one rule.
//! - A scalar is absorbed (and written) as 32 bytes big-endian.
//! - A challenge is `keccak256(buffer)` read as a big-endian integer, reduced modulo `r`; the buffer
//!   then becomes that hash (with one byte `0x01` appended when a challenge is squeezed right after
//!   another, so `[]` and `[0x01]` never collide).

use ff::{FromUniformBytes, PrimeField};
use halo2_proofs::{
    halo2curves::{
        bn256::{Fq, Fr, G1Affine},
        CurveAffine,
    },
    transcript::{EncodedChallenge, Transcript, TranscriptRead, TranscriptReadBuffer, TranscriptWrite, TranscriptWriterBuffer},
};
use sha3::{Digest, Keccak256};
use std::io::{self, Read, Write};

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

/// The absorbing state shared by the reader and the writer.
#[derive(Clone, Debug, Default)]
struct Absorbed {
    buffer: Vec<u8>,
    /// The public columns' commitments, as absorbed.
    public_columns: Vec<G1Affine>,
}

impl Absorbed {
    /// Only the public columns' commitments are absorbed without being read or written.
    fn common_point(&mut self, point: &G1Affine) {
        self.point(point);
        self.public_columns.push(*point);
    }

    fn squeeze(&mut self) -> ChallengeEvm {
        if self.buffer.len() == 32 {
            self.buffer.push(1);
        }
        let hash: [u8; 32] = Keccak256::digest(&self.buffer).into();
        self.buffer = hash.to_vec();
        ChallengeEvm::new(&hash)
    }

    fn point(&mut self, point: &G1Affine) {
        self.buffer.extend_from_slice(&point_bytes(point));
    }

    fn scalar(&mut self, scalar: &Fr) {
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

/// Reads a proof written by [`EvmTranscriptWrite`].
#[derive(Debug)]
pub struct EvmTranscriptRead<R: Read> {
    reader: R,
    state: Absorbed,
}

/// The absorbing side of the transcript, the same for the reader and the writer.
macro_rules! absorbing_transcript {
    ($io:ident: $bound:path, $transcript:ident) => {
        impl<$io: $bound> Transcript<G1Affine, ChallengeEvm> for $transcript<$io> {
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
    };
}

absorbing_transcript!(R: Read, EvmTranscriptRead);
absorbing_transcript!(W: Write, EvmTranscriptWrite);

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
        EvmTranscriptRead { reader, state: Absorbed::default() }
    }
}

impl<W: Write> EvmTranscriptWrite<W> {
    /// The public columns' commitments absorbed so far (after a proof: the commitments of the
    /// prover's public columns, public inputs included).
    pub fn public_commitments(&self) -> &[G1Affine] {
        &self.state.public_columns
    }
}

/// Writes a proof in the EVM transcript's format.
#[derive(Debug)]
pub struct EvmTranscriptWrite<W: Write> {
    writer: W,
    state: Absorbed,
}

impl<W: Write> TranscriptWrite<G1Affine, ChallengeEvm> for EvmTranscriptWrite<W> {
    fn write_point(&mut self, point: G1Affine) -> io::Result<()> {
        self.state.point(&point);
        self.writer.write_all(&point_bytes(&point))
    }
    fn write_scalar(&mut self, scalar: Fr) -> io::Result<()> {
        self.state.scalar(&scalar);
        let bytes: Vec<u8> = scalar.to_repr().as_ref().iter().rev().copied().collect();
        self.writer.write_all(&bytes)
    }
}

impl<W: Write> TranscriptWriterBuffer<W, G1Affine, ChallengeEvm> for EvmTranscriptWrite<W> {
    fn init(writer: W) -> Self {
        EvmTranscriptWrite { writer, state: Absorbed::default() }
    }
    fn finalize(self) -> W {
        self.writer
    }
}
