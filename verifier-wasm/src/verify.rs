//! Verification of a proof under a [`VerifierKey`]: the PLONK checks of snark-verifier's
//! `PlonkVerifier` with SHPLONK (BDFG21) multi-opening and the KZG pairing check, on native
//! values.

use crate::arith::{fr_from_be, g1, g2};
use crate::key::{Expression, Query, VerifierKey};
use crate::transcript::TranscriptRead;
use crate::VerifyError;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec;
use alloc::vec::Vec;
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective};
use ark_ec::{pairing::Pairing, AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInteger, Field, One, PrimeField, Zero};

/// A linear combination of points, plus a multiple of the generator.
#[derive(Clone, Debug, Default)]
struct Msm {
    constant: Fr,
    terms: Vec<(Fr, G1Affine)>,
}

impl Msm {
    fn base(point: G1Affine) -> Msm {
        Msm { constant: Fr::zero(), terms: vec![(Fr::one(), point)] }
    }

    fn constant(value: Fr) -> Msm {
        Msm { constant: value, terms: Vec::new() }
    }

    fn scale(mut self, factor: &Fr) -> Msm {
        self.constant *= factor;
        self.terms.iter_mut().for_each(|(s, _)| *s *= factor);
        self
    }

    fn add(mut self, other: Msm) -> Msm {
        self.constant += other.constant;
        self.terms.extend(other.terms);
        self
    }

    fn sub(self, other: Msm) -> Msm {
        self.add(other.scale(&-Fr::one()))
    }

    fn evaluate(self, generator: G1Affine) -> G1Affine {
        let (scalars, bases): (Vec<Fr>, Vec<G1Affine>) = core::iter::once((self.constant, generator)).chain(self.terms).unzip();
        G1Projective::msm_unchecked(&bases, &scalars).into_affine()
    }
}

fn powers(x: Fr, n: usize) -> Vec<Fr> {
    let mut out = Vec::with_capacity(n);
    let mut acc = Fr::one();
    for _ in 0..n {
        out.push(acc);
        acc *= x;
    }
    out
}

fn invert(x: Fr) -> Result<Fr, VerifyError> {
    x.inverse().ok_or(VerifyError::Degenerate)
}

fn collect(e: &Expression, lagranges: &mut BTreeSet<i32>, queries: &mut BTreeSet<Query>) {
    match e {
        Expression::Lagrange(i) => {
            lagranges.insert(*i);
        }
        Expression::Polynomial(q) => {
            queries.insert(*q);
        }
        Expression::Negated(a) | Expression::Scaled(a, _) => collect(a, lagranges, queries),
        Expression::Sum(a, b) | Expression::Product(a, b) => {
            collect(a, lagranges, queries);
            collect(b, lagranges, queries);
        }
        Expression::DistributePowers(es, s) => {
            es.iter().for_each(|e| collect(e, lagranges, queries));
            collect(s, lagranges, queries);
        }
        Expression::Constant(_) | Expression::Identity | Expression::Challenge(_) => {}
    }
}

struct Values<'a> {
    z: Fr,
    lagrange: &'a BTreeMap<i32, Fr>,
    evaluations: &'a BTreeMap<Query, Fr>,
    challenges: &'a [Fr],
}

fn evaluate(e: &Expression, v: &Values) -> Result<Fr, VerifyError> {
    Ok(match e {
        Expression::Constant(c) => fr_from_be(c).ok_or(VerifyError::Key)?,
        Expression::Identity => v.z,
        Expression::Lagrange(i) => *v.lagrange.get(i).ok_or(VerifyError::Key)?,
        Expression::Polynomial(q) => *v.evaluations.get(q).ok_or(VerifyError::Key)?,
        Expression::Challenge(i) => *v.challenges.get(*i as usize).ok_or(VerifyError::Key)?,
        Expression::Negated(a) => -evaluate(a, v)?,
        Expression::Sum(a, b) => evaluate(a, v)? + evaluate(b, v)?,
        Expression::Product(a, b) => evaluate(a, v)? * evaluate(b, v)?,
        Expression::Scaled(a, c) => evaluate(a, v)? * fr_from_be(c).ok_or(VerifyError::Key)?,
        Expression::DistributePowers(es, s) => {
            let s = evaluate(s, v)?;
            let mut acc = Fr::zero();
            for (i, e) in es.iter().enumerate() {
                acc = if i == 0 { evaluate(e, v)? } else { acc * s + evaluate(e, v)? };
            }
            acc
        }
    })
}

/// One opening: a polynomial, its rotation, `omega^rotation`, and the claimed evaluation.
struct Opening {
    poly: usize,
    rotation: i32,
    shift: Fr,
    eval: Fr,
}

/// Polynomials opened at the same set of rotations.
struct QuerySet {
    shifts: Vec<(i32, Fr)>,
    polys: Vec<usize>,
    evals: Vec<Vec<Fr>>,
}

/// A polynomial's distinct rotations (with `omega^rotation`) and evaluations there.
type PolyShifts = (usize, Vec<(i32, Fr)>, Vec<Fr>);

/// Groups openings as snark-verifier's BDFG21 does (order of first appearance).
fn query_sets(openings: &[Opening]) -> Vec<QuerySet> {
    let mut poly_shifts: Vec<PolyShifts> = Vec::new();
    for o in openings {
        if let Some(entry) = poly_shifts.iter_mut().find(|(poly, _, _)| *poly == o.poly) {
            if !entry.1.iter().any(|(r, _)| *r == o.rotation) {
                entry.1.push((o.rotation, o.shift));
                entry.2.push(o.eval);
            }
        } else {
            poly_shifts.push((o.poly, vec![(o.rotation, o.shift)], vec![o.eval]));
        }
    }
    let mut sets: Vec<QuerySet> = Vec::new();
    for (poly, shifts, evals) in poly_shifts {
        let rotations: BTreeSet<i32> = shifts.iter().map(|(r, _)| *r).collect();
        let found = sets.iter_mut().find(|set| set.shifts.iter().map(|(r, _)| *r).collect::<BTreeSet<_>>() == rotations);
        match found {
            Some(set) => {
                if !set.polys.contains(&poly) {
                    set.polys.push(poly);
                    let ordered =
                        set.shifts.iter().map(|(r, _)| evals[shifts.iter().position(|(s, _)| s == r).expect("same rotations")]).collect();
                    set.evals.push(ordered);
                }
            }
            None => sets.push(QuerySet { shifts, polys: vec![poly], evals: vec![evals] }),
        }
    }
    sets
}

/// The public column's values of the three public inputs (portfolio commitment, account,
/// snapshot time): the commitment, and `account + 2^160 * time`, refusing an account of 160 bits
/// or more or a time of 64 bits or more (the circuit proves both in range, so larger values would
/// only alias other ones).
pub fn public_values(public: &[Fr]) -> Result<[Fr; 2], VerifyError> {
    let [commitment, account, time] = public else { return Err(VerifyError::Instances) };
    let bits = |x: &Fr| x.into_bigint().num_bits();
    if bits(account) > 160 || bits(time) > 64 {
        return Err(VerifyError::Instances);
    }
    let shift = Fr::from(2u64).pow([160]);
    Ok([*commitment, *account + shift * time])
}

/// Checks a proof under `key`, with the policy's commitment (one point per lane) and the public
/// inputs (portfolio commitment, account, snapshot time).
///
/// The policy commitment's first point commits to the first lane with zeros in the public rows;
/// the prover's first column holds the public values there (see [`public_values`]), so its
/// commitment is `C_0 = C_policy + sum_j x_j [L_j(tau)]` (the key holds the `[L_j(tau)]`). The
/// transcript absorbs the lanes' commitments and the proof opens them like any other polynomial.
pub fn verify(key: &VerifierKey, policy: &[G1Affine], public: &[Fr], proof: &[u8]) -> Result<(), VerifyError> {
    if key.lanes == 0 || policy.len() != key.lanes as usize {
        return Err(VerifyError::Commitment);
    }
    let public = public_values(public)?;
    if public.len() != key.public_points.len() {
        return Err(VerifyError::Key);
    }
    if key.num_witness.len() != key.num_challenge.len() || key.chunk_degree == 0 || key.k == 0 || key.k > 28 {
        return Err(VerifyError::Key);
    }
    let omega = fr_from_be(&key.omega).ok_or(VerifyError::Key)?;
    let generator = g1(&key.g1)?;
    let preprocessed = key.preprocessed.iter().map(g1).collect::<Result<Vec<_>, _>>()?;
    let public_points = key.public_points.iter().map(g1).collect::<Result<Vec<_>, _>>()?;
    let n = 1u64 << key.k;
    if omega.pow([n]) != Fr::one() || omega.pow([n / 2]) == Fr::one() {
        return Err(VerifyError::Key);
    }
    let mut columns = policy.to_vec();
    columns[0] = Msm { constant: Fr::zero(), terms: public.iter().copied().zip(public_points).collect() }
        .add(Msm::base(policy[0]))
        .evaluate(generator);

    // Reading the proof.
    let mut t = TranscriptRead::new(proof);
    t.common_scalar(&fr_from_be(&key.transcript_initial_state).ok_or(VerifyError::Key)?);
    columns.iter().for_each(|c| t.common_point(c));
    let mut witnesses = Vec::new();
    let mut challenges = Vec::new();
    for (&w, &c) in key.num_witness.iter().zip(&key.num_challenge) {
        for _ in 0..w {
            witnesses.push(t.read_point()?);
        }
        for _ in 0..c {
            challenges.push(t.squeeze_challenge());
        }
    }
    let num_chunk = key.numerator.degree().saturating_sub(1).div_ceil(key.chunk_degree as usize);
    let quotients = (0..num_chunk).map(|_| t.read_point()).collect::<Result<Vec<_>, _>>()?;
    let z = t.squeeze_challenge();
    let evals = key.evaluations.iter().map(|_| t.read_scalar()).collect::<Result<Vec<_>, _>>()?;
    let mu = t.squeeze_challenge();
    let gamma = t.squeeze_challenge();
    let w = t.read_point()?;
    let z_prime = t.squeeze_challenge();
    let w_prime = t.read_point()?;
    if !t.is_finished() {
        return Err(VerifyError::Trailing);
    }

    // The vanishing polynomial and the Lagrange polynomials at z.
    let mut lagrange_indices = BTreeSet::new();
    let mut used_queries = BTreeSet::new();
    collect(&key.numerator, &mut lagrange_indices, &mut used_queries);
    let zn = z.pow([n]);
    let zn_minus_one = zn - Fr::one();
    let zn_minus_one_inv = invert(zn_minus_one)?;
    let n_inv = invert(Fr::from(n))?;
    let omega_inv = invert(omega)?;
    let rotate = |r: i32| if r >= 0 { omega.pow([r as u64]) } else { omega_inv.pow([(-r) as u64]) };
    let mut lagrange = BTreeMap::new();
    for &i in &lagrange_indices {
        let omega_i = rotate(i);
        lagrange.insert(i, zn_minus_one * n_inv * omega_i * invert(z - omega_i)?);
    }

    // The proof's evaluations.
    let mut evaluations: BTreeMap<Query, Fr> = key.evaluations.iter().copied().zip(evals).collect();

    // The quotient: its evaluation from the constraints, its commitment from the chunks.
    let values = Values { z, lagrange: &lagrange, evaluations: &evaluations, challenges: &challenges };
    let numerator = evaluate(&key.numerator, &values)?;
    let quotient_poly = preprocessed.len() + columns.len() + witnesses.len();
    evaluations.insert(Query { poly: quotient_poly as u32, rotation: 0 }, numerator * zn_minus_one_inv);
    let mut commitments: Vec<Msm> = preprocessed.into_iter().map(Msm::base).collect();
    commitments.extend(columns.iter().map(|c| Msm::base(*c)));
    commitments.extend(witnesses.into_iter().map(Msm::base));
    let chunk_powers = powers(zn.pow([key.chunk_degree as u64]), quotients.len());
    let quotient = quotients.into_iter().zip(chunk_powers).fold(Msm::default(), |acc, (c, p)| acc.add(Msm::base(c).scale(&p)));
    commitments.push(quotient);

    let openings = key
        .queries
        .iter()
        .map(|q| {
            let eval = *evaluations.get(q).ok_or(VerifyError::Key)?;
            Ok(Opening { poly: q.poly as usize, rotation: q.rotation, shift: rotate(q.rotation), eval })
        })
        .collect::<Result<Vec<_>, VerifyError>>()?;
    if openings.iter().any(|o| o.poly >= commitments.len()) {
        return Err(VerifyError::Key);
    }

    // SHPLONK (BDFG21).
    let sets = query_sets(&openings);
    let max_shifts = sets.iter().map(|s| s.shifts.len()).max().unwrap_or(1).max(2);
    let powers_of_z = powers(z, max_shifts);
    let mut z_s_first: Option<Fr> = None;
    let mut f = Msm::default();
    let powers_of_mu = powers(mu, sets.iter().map(|s| s.polys.len()).max().unwrap_or(0));
    for (set, power_of_gamma) in sets.iter().zip(powers(gamma, sets.len())) {
        let z_pow = powers_of_z[set.shifts.len() - 1];
        let mut weights = Vec::with_capacity(set.shifts.len());
        for (j, (_, shift_j)) in set.shifts.iter().enumerate() {
            let ell =
                set.shifts.iter().enumerate().filter(|(i, _)| *i != j).fold(Fr::one(), |acc, (_, (_, shift_i))| acc * (*shift_j - shift_i));
            let tmp = ell * z_pow;
            weights.push(invert(tmp * z_prime - tmp * shift_j * z)?);
        }
        let z_s = set.shifts.iter().fold(Fr::one(), |acc, (_, shift)| acc * (z_prime - z * shift));
        let commitment_coeff = match z_s_first {
            None => {
                z_s_first = Some(z_s);
                None
            }
            Some(first) => Some(first * invert(z_s)?),
        };
        let weights_sum: Fr = weights.iter().sum();
        let r_eval_coeff = commitment_coeff.unwrap_or(Fr::one()) * invert(weights_sum)?;
        let mut set_msm = Msm::default();
        for ((poly, evals), power_of_mu) in set.polys.iter().zip(&set.evals).zip(&powers_of_mu) {
            let commitment = match commitment_coeff {
                Some(c) => commitments[*poly].clone().scale(&c),
                None => commitments[*poly].clone(),
            };
            let r_eval = weights.iter().zip(evals).map(|(w, e)| *w * e).sum::<Fr>() * r_eval_coeff;
            set_msm = set_msm.add(commitment.sub(Msm::constant(r_eval)).scale(power_of_mu));
        }
        f = f.add(set_msm.scale(&power_of_gamma));
    }
    let z_s_first = z_s_first.ok_or(VerifyError::Key)?;
    let f = f.sub(Msm::base(w).scale(&z_s_first));
    let lhs = f.add(Msm::base(w_prime).scale(&z_prime)).evaluate(generator);
    let rhs = w_prime;

    // e(lhs, g2) * e(rhs, -[tau]g2) == 1
    let g2_point = g2(&key.g2)?;
    let s_g2 = g2(&key.s_g2)?;
    let check = Bn254::multi_pairing([lhs, rhs], [g2_point, (-s_g2.into_group()).into_affine()]);
    if check.is_zero() {
        Ok(())
    } else {
        Err(VerifyError::Pairing)
    }
}
