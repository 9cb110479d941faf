//! The prover's side of the EVM transcript (snark-verifier's `EvmTranscript` with the native
//! loader): it writes the proof bytes every solvent verifier reads, absorbing through the same
//! state as the reader (`solvent_verifier::transcript::TranscriptState`).

use ff::PrimeField;
use halo2_proofs::{
    halo2curves::bn256::{Fr, G1Affine},
    transcript::{Transcript, TranscriptWrite, TranscriptWriterBuffer},
};
use solvent_verifier::transcript::{point_bytes, ChallengeEvm, TranscriptState};
use std::io::{self, Write};

/// Writes a proof in the EVM transcript's format.
#[derive(Debug)]
pub struct EvmTranscriptWrite<W: Write> {
    writer: W,
    state: TranscriptState,
}

impl<W: Write> EvmTranscriptWrite<W> {
    /// The public columns' commitments absorbed so far (after a proof: the commitments of the
    /// prover's public columns, public inputs included).
    pub fn public_commitments(&self) -> &[G1Affine] {
        self.state.public_columns()
    }
}

impl<W: Write> Transcript<G1Affine, ChallengeEvm> for EvmTranscriptWrite<W> {
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
        EvmTranscriptWrite { writer, state: TranscriptState::default() }
    }
    fn finalize(self) -> W {
        self.writer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::Field;
    use group::Curve;
    use halo2_proofs::halo2curves::bn256::G1;
    use halo2_proofs::transcript::{EncodedChallenge, TranscriptReadBuffer};
    use rand::{rngs::StdRng, SeedableRng};
    use snark_verifier::{loader::native::NativeLoader, system::halo2::transcript::evm::EvmTranscript};
    use solvent_verifier::transcript::EvmTranscriptRead;

    #[test]
    fn writes_what_snark_verifiers_evm_transcript_writes_byte_for_byte() {
        let mut rng = StdRng::seed_from_u64(3);
        fn run<T: TranscriptWrite<G1Affine, E>, E: EncodedChallenge<G1Affine>>(t: &mut T, points: &[G1Affine], scalars: &[Fr]) -> Vec<Fr> {
            let mut challenges = Vec::new();
            for (i, (p, s)) in points.iter().zip(scalars).enumerate() {
                if i % 3 == 0 {
                    t.common_point(*p).unwrap();
                } else {
                    t.write_point(*p).unwrap();
                }
                t.write_scalar(*s).unwrap();
                challenges.push(*t.squeeze_challenge_scalar::<()>());
                // Two squeezes in a row exercise the appended byte.
                challenges.push(*t.squeeze_challenge_scalar::<()>());
            }
            challenges
        }
        let points: Vec<G1Affine> = (0..12).map(|_| (G1::generator() * Fr::random(&mut rng)).to_affine()).collect();
        let scalars: Vec<Fr> = (0..12).map(|_| Fr::random(&mut rng)).collect();
        let mut ours = EvmTranscriptWrite::init(Vec::new());
        let our_challenges = run(&mut ours, &points, &scalars);
        let mut theirs = EvmTranscript::<G1Affine, NativeLoader, _, _>::new(Vec::new());
        let their_challenges = run(&mut theirs, &points, &scalars);
        assert_eq!(our_challenges, their_challenges, "the same challenges");
        assert_eq!(ours.public_commitments(), &points.iter().step_by(3).copied().collect::<Vec<_>>()[..]);
        let proof = ours.finalize();
        assert_eq!(proof, theirs.finalize(), "the same proof bytes");
        // And the verifier's reader reads it back with the same challenges.
        let mut reader = EvmTranscriptRead::init(&proof[..]);
        let mut read_challenges = Vec::new();
        for (i, (p, s)) in points.iter().zip(&scalars).enumerate() {
            if i % 3 == 0 {
                reader.common_point(*p).unwrap();
            } else {
                assert_eq!(halo2_proofs::transcript::TranscriptRead::read_point(&mut reader).unwrap(), *p);
            }
            assert_eq!(halo2_proofs::transcript::TranscriptRead::read_scalar(&mut reader).unwrap(), *s);
            read_challenges.push(*reader.squeeze_challenge_scalar::<()>());
            read_challenges.push(*reader.squeeze_challenge_scalar::<()>());
        }
        assert_eq!(read_challenges, our_challenges);
    }
}
