//! The policy commitment: the KZG commitments of a validated policy's public columns (the
//! lanes, public inputs 0) under an SRS at the circuit's `k`. It is the policy's identity on
//! every verifier; its *id* is the Keccak-256 hash of its points (`x || y`, 32-byte big-endian
//! words, lane by lane), the key `SolvencyGate` registers it under.

use crate::attestation::{decode_hex, encode_hex};
use ff::PrimeField;
use group::Curve;
use halo2_proofs::{
    arithmetic::CurveAffine,
    halo2curves::bn256::{Fq, G1Affine},
    poly::{
        commitment::{Blind, Params},
        Polynomial,
    },
};
use sha3::{Digest, Keccak256};
use solvent_circuits::{public::policy_columns, Dims};
use solvent_model::{InputError, Policy};
use solvent_params::Srs;

/// A policy commitment: one point per public column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyCommitment {
    /// The lanes' commitments.
    pub points: Vec<G1Affine>,
}

/// Why a policy commitment could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum CommitmentError {
    /// The SRS is smaller than the circuit.
    #[error("the SRS has 2^{have} points; this policy's circuit needs k >= {need}")]
    SrsTooSmall {
        /// The SRS's `k`.
        have: u32,
        /// The circuit's `k`.
        need: u32,
    },
}

fn fq_bytes(x: &Fq) -> [u8; 32] {
    let mut bytes = x.to_repr();
    bytes.as_mut().reverse();
    bytes
}

/// `x || y` as 32-byte big-endian words; a point that decodes from them.
pub fn point_bytes(point: &G1Affine) -> [u8; 64] {
    let mut out = [0u8; 64];
    let c = point.coordinates().expect("commitments of public columns are never the identity");
    out[..32].copy_from_slice(&fq_bytes(c.x()));
    out[32..].copy_from_slice(&fq_bytes(c.y()));
    out
}

/// The point of `x || y` big-endian words, if on the curve (the identity `(0, 0)` is not).
pub fn point_from_bytes(bytes: &[u8; 64]) -> Option<G1Affine> {
    let coordinate = |word: &[u8]| {
        let mut repr = [0u8; 32];
        repr.copy_from_slice(word);
        repr.reverse();
        Option::<Fq>::from(Fq::from_repr(repr))
    };
    let (x, y) = (coordinate(&bytes[..32])?, coordinate(&bytes[32..])?);
    // from_xy refuses points off the curve, and (0, 0) is off it.
    Option::from(G1Affine::from_xy(x, y))
}

impl PolicyCommitment {
    /// The policy commitment from the commitments of a prover's public columns: the public inputs
    /// `public` (in rows `0..`) taken out of the first one with the points `lagrange`.
    pub fn from_public_columns(columns: &[G1Affine], lagrange: &[G1Affine], public: &[halo2_proofs::halo2curves::bn256::Fr]) -> Self {
        use group::prime::PrimeCurveAffine;
        let mut points = columns.to_vec();
        let mut first = points[0].to_curve();
        for (x, l) in public.iter().zip(lagrange) {
            first -= *l * x;
        }
        points[0] = first.to_affine();
        PolicyCommitment { points }
    }

    /// The points' bytes, lane by lane (what the verifier contract and the wasm verifier take).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.points.iter().flat_map(point_bytes).collect()
    }

    /// Reads [`Self::to_bytes`]'s output.
    pub fn from_bytes(bytes: &[u8]) -> Option<PolicyCommitment> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(64) {
            return None;
        }
        let points = bytes.chunks_exact(64).map(|c| point_from_bytes(c.try_into().expect("64 bytes"))).collect::<Option<_>>()?;
        Some(PolicyCommitment { points })
    }

    /// The policy id: Keccak-256 of [`Self::to_bytes`].
    pub fn id(&self) -> [u8; 32] {
        Keccak256::digest(self.to_bytes()).into()
    }

    /// The points as `0x` hex of their bytes, one string per lane.
    pub fn to_hex(&self) -> Vec<String> {
        self.points.iter().map(|p| encode_hex(&point_bytes(p))).collect()
    }

    /// Reads [`Self::to_hex`]'s output (as the field `name`).
    pub fn from_hex(name: &str, lanes: &[String]) -> Result<PolicyCommitment, InputError> {
        let mut bytes = Vec::new();
        for (l, text) in lanes.iter().enumerate() {
            let lane = decode_hex(&format!("{name}[{l}]"), text)?;
            if lane.len() != 64 {
                return Err(InputError::new(format!("{name}[{l}]"), "must be 64 bytes (x then y)"));
            }
            bytes.extend(lane);
        }
        PolicyCommitment::from_bytes(&bytes).ok_or_else(|| InputError::new(name, "is not one curve point per public column"))
    }
}

/// The commitment of `policy` (which must have passed validation: the circuit's range arguments
/// rely on its bounds) under `srs`, downsized to the circuit's `k` if larger.
pub fn policy_commitment(srs: &Srs, policy: &Policy) -> Result<PolicyCommitment, CommitmentError> {
    let dims = Dims::for_shape(policy.shape());
    if srs.k() < dims.k {
        return Err(CommitmentError::SrsTooSmall { have: srs.k(), need: dims.k });
    }
    let srs = if srs.k() > dims.k {
        let mut smaller = srs.clone();
        smaller.downsize(dims.k);
        std::borrow::Cow::Owned(smaller)
    } else {
        std::borrow::Cow::Borrowed(srs)
    };
    let points = policy_columns(policy, &dims)
        .into_iter()
        .map(|column| srs.commit_lagrange(&Polynomial::new(column), Blind::default()).to_affine())
        .collect();
    Ok(PolicyCommitment { points })
}

/// `[L_j(tau)]G1` for the public rows `j = 0..count`: with them a verifier turns the policy's
/// first commitment into the commitment of the prover's first column,
/// `C_0 = C_policy + sum_j x_j [L_j(tau)]`.
pub fn public_lagrange_points(srs: &Srs, count: usize) -> Vec<G1Affine> {
    (0..count)
        .map(|j| {
            let mut unit = vec![<halo2_proofs::halo2curves::bn256::Fr as ff::Field>::ZERO; j + 1];
            unit[j] = <halo2_proofs::halo2curves::bn256::Fr as ff::Field>::ONE;
            srs.commit_lagrange(&Polynomial::new(unit), Blind::default()).to_affine()
        })
        .collect()
}
