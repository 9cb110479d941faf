//! The Solidity verifier of a circuit, rendered from its [`VerifierKey`]: the same protocol
//! description the native and wasm verifiers interpret, here unrolled into straight-line Yul for
//! that one key (its constants, query sets and constraint expression baked into the code). One
//! contract, well under EIP-170's 24,576 bytes.
//!
//! Calldata: the policy commitment (each lane's point as `x`, `y`), the public inputs, the proof
//! (32-byte big-endian words). The contract refuses any other length, any coordinate or scalar
//! that is not canonical, any point off the curve (the identity `(0, 0)` included), and reverts
//! unless the proof verifies; it returns nothing.
//!
//! Steps, as in `solvent_verifier_wasm::verify`: the transcript (Keccak-256, the EVM transcript
//! of the prover), the Lagrange polynomials and the vanishing polynomial at `z`, the quotient's
//! evaluation from the constraint expression, the SHPLONK (BDFG21) multi-opening reduced to one
//! multi-scalar multiplication (`ecMul` and `ecAdd` precompiles), and the KZG pairing check.

use halo2_proofs::halo2curves::{bn256::Fr, ff::Field, ff::PrimeField};
use solvent_verifier_wasm::key::{Expression, Query, VerifierKey, Word};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The name of the generated contract.
pub const CONTRACT: &str = "SolventVerifier";

/// The BN254 scalar field's modulus.
const R: &str = "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
/// The BN254 base field's modulus.
const P: &str = "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";

fn word_hex(word: &Word) -> String {
    format!("0x{}", hex::encode(word))
}

fn fr_hex(x: &Fr) -> String {
    let mut repr = x.to_repr();
    repr.as_mut().reverse();
    format!("0x{}", hex::encode(repr.as_ref()))
}

fn fr_of(word: &Word) -> Fr {
    let mut repr = *word;
    repr.reverse();
    Option::from(Fr::from_repr(repr)).expect("keys hold canonical scalars")
}

fn lagrange_indices(e: &Expression, out: &mut BTreeSet<i32>) {
    match e {
        Expression::Lagrange(i) => {
            out.insert(*i);
        }
        Expression::Negated(a) | Expression::Scaled(a, _) => lagrange_indices(a, out),
        Expression::Sum(a, b) | Expression::Product(a, b) => {
            lagrange_indices(a, out);
            lagrange_indices(b, out);
        }
        Expression::DistributePowers(es, s) => {
            es.iter().for_each(|e| lagrange_indices(e, out));
            lagrange_indices(s, out);
        }
        Expression::Constant(_) | Expression::Identity | Expression::Polynomial(_) | Expression::Challenge(_) => {}
    }
}

/// Where a value lives at run time: a Yul expression reading it.
type Source = String;

/// Memory slots, from a base address.
struct Memory {
    next: usize,
}

impl Memory {
    fn slot(&mut self) -> usize {
        let slot = self.next;
        self.next += 32;
        slot
    }
}

/// The generator's state: the code so far and the memory plan.
struct Gen {
    code: String,
    memory: Memory,
}

impl Gen {
    fn line(&mut self, text: impl AsRef<str>) {
        self.code.push_str("            ");
        self.code.push_str(text.as_ref());
        self.code.push('\n');
    }

    /// Stores `expr` in a new slot; returns how to read it.
    fn store(&mut self, expr: &str) -> Source {
        let slot = self.memory.slot();
        self.line(format!("mstore({slot:#x}, {expr})"));
        format!("mload({slot:#x})")
    }

    /// Stores `expr` in `slot`.
    fn store_at(&mut self, slot: usize, expr: &str) {
        self.line(format!("mstore({slot:#x}, {expr})"));
    }

    /// Reverts unless the calldata at `at` holds a point: canonical coordinates on
    /// `y^2 = x^3 + 3` (so not `(0, 0)`).
    fn check_point(&mut self, at: usize) {
        self.line(format!(
            "{{ let x := calldataload({at:#x}) let y := calldataload({:#x}) if iszero(and(and(lt(x, p), lt(y, p)), eq(mulmod(y, y, p), addmod(mulmod(x, mulmod(x, x, p), p), 3, p)))) {{ revert(0, 0) }} }}",
            at + 32
        ));
    }

    /// Reverts unless the calldata at `at` holds a canonical scalar.
    fn check_scalar(&mut self, at: usize) {
        self.line(format!("if iszero(lt(calldataload({at:#x}), r)) {{ revert(0, 0) }}"));
    }

    /// `accumulator += scalar * point`, with the point's `x, y` at `t` (and the scalar written at
    /// `t + 0x40`; `t..t + 0x80` is scratch).
    fn msm_add(&mut self, accumulator: usize, t: usize, scalar: &str) {
        self.line(format!("mstore({:#x}, {scalar})", t + 0x40));
        self.line(format!("if iszero(staticcall(gas(), 0x07, {t:#x}, 0x60, {t:#x}, 0x40)) {{ revert(0, 0) }}"));
        self.line(format!("mstore({:#x}, mload({accumulator:#x})) mstore({:#x}, mload({:#x}))", t + 0x40, t + 0x60, accumulator + 0x20));
        self.line(format!("if iszero(staticcall(gas(), 0x06, {t:#x}, 0x80, {accumulator:#x}, 0x40)) {{ revert(0, 0) }}"));
    }
}

/// The EVM transcript: a buffer holding the previous hash and what was absorbed since.
struct Transcript {
    buffer: usize,
    absorbed: usize,
    /// A calldata copy not yet written: (source, destination, length).
    pending: Option<(usize, usize, usize)>,
}

impl Transcript {
    /// Appends calldata bytes (a copy contiguous with the previous one extends it).
    fn absorb(&mut self, g: &mut Gen, source: usize, bytes: usize) {
        let destination = self.buffer + 32 + self.absorbed;
        if let Some((from, to, length)) = self.pending.as_mut() {
            if *from + *length == source && *to + *length == destination {
                *length += bytes;
                self.absorbed += bytes;
                return;
            }
        }
        self.flush(g);
        self.pending = Some((source, destination, bytes));
        self.absorbed += bytes;
    }

    /// Writes the pending copy.
    fn flush(&mut self, g: &mut Gen) {
        if let Some((from, to, length)) = self.pending.take() {
            g.line(format!("calldatacopy({to:#x}, {from:#x}, {length:#x})"));
        }
    }

    /// The next challenge: Keccak-256 of the buffer (with a byte 1 appended when nothing was
    /// absorbed since the last hash) reduced modulo r; the hash becomes the buffer.
    fn squeeze(&mut self, g: &mut Gen) -> Source {
        self.flush(g);
        let buffer = self.buffer;
        let hash = if self.absorbed == 0 {
            g.line(format!("mstore8({:#x}, 1)", buffer + 32));
            format!("keccak256({buffer:#x}, 33)")
        } else {
            format!("keccak256({buffer:#x}, {:#x})", 32 + self.absorbed)
        };
        g.line(format!("mstore({buffer:#x}, {hash})"));
        self.absorbed = 0;
        g.store(&format!("mod(mload({buffer:#x}), r)"))
    }
}

/// The pieces of a proof and where they are in the calldata.
struct Layout {
    policy: usize,
    public: usize,
    witnesses: Vec<usize>,
    quotients: Vec<usize>,
    evaluations: Vec<usize>,
    w: usize,
    w_prime: usize,
    size: usize,
}

fn layout(key: &VerifierKey) -> Layout {
    let policy = 0;
    let public = 64 * key.lanes as usize;
    // Three public inputs: commitment, account, time.
    let proof = public + 3 * 32;
    let mut at = proof;
    let mut take = |bytes: usize| {
        let here = at;
        at += bytes;
        here
    };
    let witnesses = (0..key.num_witness.iter().sum::<u32>()).map(|_| take(64)).collect();
    let chunks = key.numerator.degree().saturating_sub(1).div_ceil(key.chunk_degree as usize);
    let quotients = (0..chunks).map(|_| take(64)).collect();
    let evaluations = key.evaluations.iter().map(|_| take(32)).collect();
    let w = take(64);
    let w_prime = take(64);
    Layout { policy, public, witnesses, quotients, evaluations, w, w_prime, size: at }
}

/// Polynomials opened at the same set of rotations (as `solvent_verifier_wasm::verify` groups
/// them: order of first appearance).
struct QuerySet {
    rotations: Vec<i32>,
    polys: Vec<usize>,
}

fn query_sets(queries: &[Query]) -> Vec<QuerySet> {
    let mut poly_rotations: Vec<(usize, Vec<i32>)> = Vec::new();
    for q in queries {
        let poly = q.poly as usize;
        match poly_rotations.iter_mut().find(|(p, _)| *p == poly) {
            Some((_, rotations)) => {
                if !rotations.contains(&q.rotation) {
                    rotations.push(q.rotation);
                }
            }
            None => poly_rotations.push((poly, vec![q.rotation])),
        }
    }
    let mut sets: Vec<QuerySet> = Vec::new();
    for (poly, rotations) in poly_rotations {
        let as_set: BTreeSet<i32> = rotations.iter().copied().collect();
        match sets.iter_mut().find(|s| s.rotations.iter().copied().collect::<BTreeSet<_>>() == as_set) {
            Some(set) => {
                if !set.polys.contains(&poly) {
                    set.polys.push(poly);
                }
            }
            None => sets.push(QuerySet { rotations, polys: vec![poly] }),
        }
    }
    sets
}

/// Renders the Solidity source of the verifier for `key`.
pub fn verifier_source(key: &VerifierKey) -> String {
    let l = layout(key);
    // Memory: 0x80..0x140 is the modexp precompile's scratch (see `pow_r`); values from 0x180.
    let mut g = Gen { code: String::new(), memory: Memory { next: 0x180 } };
    let n = 1u64 << key.k;
    let omega = fr_of(&key.omega);
    let rotate = |r: i32| if r >= 0 { omega.pow([r as u64]) } else { omega.invert().unwrap().pow([(-r) as u64]) };
    let lanes = key.lanes as usize;
    let first_lane = key.preprocessed.len();

    // The transcript buffer: the previous hash, then what is absorbed until the next squeeze.
    let buffer = g.memory.slot();
    let longest_absorb = 32 + 64 * lanes + 64 * l.witnesses.len().max(l.quotients.len()) + 32 * l.evaluations.len();
    g.memory.next = buffer + longest_absorb.div_ceil(32) * 32 + 32;

    g.line(format!("if iszero(eq(calldatasize(), {:#x})) {{ revert(0, 0) }}", l.size));
    // Points: canonical coordinates on y^2 = x^3 + 3 ((0, 0) is not on it). Scalars: canonical.
    for lane in 0..lanes {
        g.check_point(l.policy + 64 * lane);
    }
    // The public inputs: a canonical commitment, a 160-bit account, a 64-bit time.
    g.check_scalar(l.public);
    g.line(format!("if shr(160, calldataload({:#x})) {{ revert(0, 0) }}", l.public + 32));
    g.line(format!("if shr(64, calldataload({:#x})) {{ revert(0, 0) }}", l.public + 64));

    // The first lane's commitment: the policy's plus sum_j x_j [L_j(tau)], in memory.
    g.line("// the first lane commitment");
    let first_column = g.memory.slot();
    g.memory.next += 32;
    let scratch = g.memory.slot();
    g.memory.next += 96;
    g.line(format!("calldatacopy({first_column:#x}, {:#x}, 64)", l.policy));
    // The public column's values: the commitment, and account + 2^160 * time.
    let values = [
        format!("calldataload({:#x})", l.public),
        format!("add(calldataload({:#x}), shl(160, calldataload({:#x})))", l.public + 32, l.public + 64),
    ];
    assert_eq!(key.public_points.len(), values.len(), "two public values");
    for (point, value) in key.public_points.iter().zip(&values) {
        g.line(format!("mstore({scratch:#x}, {}) mstore({:#x}, {})", word_hex(&point[0]), scratch + 32, word_hex(&point[1])));
        g.msm_add(first_column, scratch, value);
    }

    // The transcript.
    g.line("// the transcript");
    let mut t = Transcript { buffer, absorbed: 0, pending: None };
    g.line(format!("mstore({buffer:#x}, {})", word_hex(&key.transcript_initial_state)));
    let mut challenges: Vec<Source> = Vec::new();
    g.line(format!("mstore({:#x}, mload({first_column:#x}))", buffer + 32));
    g.line(format!("mstore({:#x}, mload({:#x}))", buffer + 64, first_column + 32));
    t.absorbed += 64;
    if lanes > 1 {
        t.absorb(&mut g, l.policy + 64, 64 * (lanes - 1));
    }
    let mut witness_index = 0;
    for (&w, &c) in key.num_witness.iter().zip(&key.num_challenge) {
        for _ in 0..w {
            let at = l.witnesses[witness_index];
            g.check_point(at);
            t.absorb(&mut g, at, 64);
            witness_index += 1;
        }
        for _ in 0..c {
            challenges.push(t.squeeze(&mut g));
        }
    }
    for &at in &l.quotients {
        g.check_point(at);
        t.absorb(&mut g, at, 64);
    }
    let z = t.squeeze(&mut g);
    for &at in &l.evaluations {
        g.check_scalar(at);
        t.absorb(&mut g, at, 32);
    }
    let mu = t.squeeze(&mut g);
    let gamma = t.squeeze(&mut g);
    g.check_point(l.w);
    t.absorb(&mut g, l.w, 64);
    let z_prime = t.squeeze(&mut g);
    g.check_point(l.w_prime);

    // z^n, and every denominator, inverted in one batch.
    g.line("// the inversions");
    let zn = {
        let slot = g.memory.slot();
        g.store_at(slot, &z);
        for _ in 0..key.k {
            g.line(format!("mstore({slot:#x}, mulmod(mload({slot:#x}), mload({slot:#x}), r))"));
        }
        format!("mload({slot:#x})")
    };
    let zn_minus_one = g.store(&format!("addmod({zn}, {}, r)", fr_hex(&-Fr::ONE)));
    let mut lagrange_set = BTreeSet::new();
    lagrange_indices(&key.numerator, &mut lagrange_set);
    let sets = query_sets(&key.queries);

    // Denominators to invert: z - omega^i (Lagrange), z^n - 1, z (the sets' interpolation), and
    // after the first set, `Z_s(z') = prod_j (z' - omega^(r_j) z)`.
    let mut denominators: Vec<(String, usize)> = Vec::new();
    let mut inverse_of = |g: &mut Gen, expr: String| -> Source {
        let slot = g.memory.slot();
        denominators.push((expr, slot));
        format!("mload({slot:#x})")
    };
    let mut lagrange: BTreeMap<i32, Source> = BTreeMap::new();
    let lagrange_inverses: Vec<(i32, Source)> =
        lagrange_set.iter().map(|&i| (i, inverse_of(&mut g, format!("addmod({z}, {}, r)", fr_hex(&-rotate(i)))))).collect();
    let zn_minus_one_inverse = inverse_of(&mut g, zn_minus_one.clone());
    let z_inverse = inverse_of(&mut g, z.clone());
    struct SetPlan {
        /// `z' - omega^(r_j) z` for each rotation of the set.
        differences: Vec<Source>,
        z_s: Source,
        z_s_inverse: Option<Source>,
    }
    let mut plans = Vec::new();
    let mut difference_of: BTreeMap<i32, Source> = BTreeMap::new();
    for (s, set) in sets.iter().enumerate() {
        let differences: Vec<Source> = set
            .rotations
            .iter()
            .map(|r| {
                difference_of
                    .entry(*r)
                    .or_insert_with(|| g.store(&format!("addmod({z_prime}, mulmod({z}, {}, r), r)", fr_hex(&-rotate(*r)))))
                    .clone()
            })
            .collect();
        let z_s = differences.iter().skip(1).fold(differences[0].clone(), |acc, d| format!("mulmod({acc}, {d}, r)"));
        let z_s = g.store(&z_s);
        let z_s_inverse = (s > 0).then(|| inverse_of(&mut g, z_s.clone()));
        plans.push(SetPlan { differences, z_s, z_s_inverse });
    }
    batch_invert(&mut g, &denominators);

    // Lagrange polynomials: L_i(z) = (z^n - 1) / n * omega^i / (z - omega^i).
    let n_inverse = Fr::from(n).invert().unwrap();
    for (i, inverse) in lagrange_inverses {
        let factor = fr_hex(&(n_inverse * rotate(i)));
        let value = g.store(&format!("mulmod(mulmod({zn_minus_one}, {factor}, r), {inverse}, r)"));
        lagrange.insert(i, value);
    }

    // Evaluations: the proof's, and the quotient's.
    g.line("// the constraints");
    let mut evaluation: BTreeMap<Query, Source> =
        key.evaluations.iter().zip(&l.evaluations).map(|(q, at)| (*q, format!("calldataload({at:#x})"))).collect();
    let numerator = expression(&mut g, &key.numerator, &z, &lagrange, &evaluation, &challenges);
    let quotient_poly = first_lane + lanes + l.witnesses.len();
    let quotient_eval = g.store(&format!("mulmod({numerator}, {zn_minus_one_inverse}, r)"));
    evaluation.insert(Query { poly: quotient_poly as u32, rotation: 0 }, quotient_eval);

    // SHPLONK: each commitment's scalar, and the generator's.
    g.line("// the multi-opening");
    let mut scalars: BTreeMap<usize, Source> = BTreeMap::new();
    let mut generator_scalar = "0".to_string();
    let z_s_first = plans[0].z_s.clone();
    let mut z_inverse_powers = vec!["1".to_string(), z_inverse.clone()];
    let mut gamma_power = "1".to_string();
    for (s, (set, plan)) in sets.iter().zip(&plans).enumerate() {
        if s > 0 {
            gamma_power = g.store(&format!("mulmod({gamma_power}, {gamma}, r)"));
        }
        // The set's interpolation at z': l_j(z') = prod_{i != j} (z' - x_i) / (x_j - x_i) with
        // x_i = omega^(r_i) z, so 1 / (x_j - x_i) = z^-1 / (omega^(r_j) - omega^(r_i)).
        let m = set.rotations.len();
        while z_inverse_powers.len() < m {
            let next = g.store(&format!("mulmod({}, {z_inverse}, r)", z_inverse_powers.last().expect("powers")));
            z_inverse_powers.push(next);
        }
        let shifts: Vec<Fr> = set.rotations.iter().map(|r| rotate(*r)).collect();
        let interpolation: Vec<Source> = (0..m)
            .map(|j| {
                if m == 1 {
                    return "1".to_string();
                }
                let constant = shifts.iter().enumerate().filter(|(i, _)| *i != j).fold(Fr::ONE, |acc, (_, x)| acc * (shifts[j] - x));
                let numerator = (0..m)
                    .filter(|i| *i != j)
                    .fold(fr_hex(&constant.invert().unwrap()), |acc, i| format!("mulmod({acc}, {}, r)", plan.differences[i]));
                g.store(&format!("mulmod({numerator}, {}, r)", z_inverse_powers[m - 1]))
            })
            .collect();
        let coefficient = match &plan.z_s_inverse {
            None => "1".to_string(),
            Some(inverse) => g.store(&format!("mulmod({z_s_first}, {inverse}, r)")),
        };
        let mut mu_power = "1".to_string();
        for (p, poly) in set.polys.iter().enumerate() {
            if p > 0 {
                mu_power = g.store(&format!("mulmod({mu_power}, {mu}, r)"));
            }
            let factor = g.store(&format!("mulmod(mulmod({gamma_power}, {mu_power}, r), {coefficient}, r)"));
            let r_eval = set.rotations.iter().zip(&interpolation).fold("0".to_string(), |acc, (rotation, l)| {
                let eval = &evaluation[&Query { poly: *poly as u32, rotation: *rotation }];
                let term = if l == "1" { eval.clone() } else { format!("mulmod({l}, {eval}, r)") };
                if acc == "0" {
                    term
                } else {
                    format!("addmod({acc}, {term}, r)")
                }
            });
            generator_scalar = g.store(&format!("addmod({generator_scalar}, sub(r, mulmod({factor}, {r_eval}, r)), r)"));
            scalars.insert(*poly, factor);
        }
    }

    // The multi-scalar multiplication: sum of scalar * point, then lhs = f + z' W' - z_s W.
    g.line("// the multi-scalar multiplication");
    let accumulator = g.memory.slot();
    g.memory.next += 32;
    g.line(format!("mstore({accumulator:#x}, 0)"));
    g.line(format!("mstore({:#x}, 0)", accumulator + 32));
    let add_term = |g: &mut Gen, load: &str, scalar: &str| {
        g.line(load);
        g.msm_add(accumulator, scratch, scalar);
    };
    for (i, point) in key.preprocessed.iter().enumerate() {
        if let Some(scalar) = scalars.get(&i) {
            let load = format!("mstore({scratch:#x}, {}) mstore({:#x}, {})", word_hex(&point[0]), scratch + 32, word_hex(&point[1]));
            add_term(&mut g, &load, scalar);
        }
    }
    for lane in 0..lanes {
        if let Some(scalar) = scalars.get(&(first_lane + lane)) {
            let load = if lane == 0 {
                format!("mstore({scratch:#x}, mload({first_column:#x})) mstore({:#x}, mload({:#x}))", scratch + 32, first_column + 32)
            } else {
                format!("calldatacopy({scratch:#x}, {:#x}, 64)", l.policy + 64 * lane)
            };
            add_term(&mut g, &load, scalar);
        }
    }
    for (i, &at) in l.witnesses.iter().enumerate() {
        if let Some(scalar) = scalars.get(&(first_lane + lanes + i)) {
            add_term(&mut g, &format!("calldatacopy({scratch:#x}, {at:#x}, 64)"), scalar);
        }
    }
    if let Some(scalar) = scalars.get(&quotient_poly).cloned() {
        // The quotient's commitment is sum_i chunk_i * (z^n)^(chunk_degree * i).
        let step = g.store(&format!("pow_r({zn}, {})", key.chunk_degree));
        let mut power = scalar;
        for (i, &at) in l.quotients.iter().enumerate() {
            if i > 0 {
                power = g.store(&format!("mulmod({power}, {step}, r)"));
            }
            add_term(&mut g, &format!("calldatacopy({scratch:#x}, {at:#x}, 64)"), &power);
        }
    }
    let g1 = format!("mstore({scratch:#x}, {}) mstore({:#x}, {})", word_hex(&key.g1[0]), scratch + 32, word_hex(&key.g1[1]));
    add_term(&mut g, &g1, &generator_scalar);
    add_term(&mut g, &format!("calldatacopy({scratch:#x}, {:#x}, 64)", l.w), &format!("sub(r, {z_s_first})"));
    add_term(&mut g, &format!("calldatacopy({scratch:#x}, {:#x}, 64)", l.w_prime), &z_prime);

    // e(lhs, g2) * e(W', -[tau]g2) == 1
    g.line("// the pairing");
    let pairing = g.memory.slot();
    g.memory.next += 12 * 32;
    let neg_s_g2_y = |w: &Word| {
        let p = num_bigint::BigUint::parse_bytes(&P.as_bytes()[2..], 16).expect("modulus");
        let y = num_bigint::BigUint::from_bytes_be(w);
        let negated = if y == num_bigint::BigUint::from(0u8) { y } else { p - y };
        let mut bytes = negated.to_bytes_be();
        while bytes.len() < 32 {
            bytes.insert(0, 0);
        }
        format!("0x{}", hex::encode(bytes))
    };
    let pairing_words = [
        format!("mload({accumulator:#x})"),
        format!("mload({:#x})", accumulator + 32),
        // G2 points are written x.c1, x.c0, y.c1, y.c0 for the precompile.
        word_hex(&key.g2[1]),
        word_hex(&key.g2[0]),
        word_hex(&key.g2[3]),
        word_hex(&key.g2[2]),
        format!("calldataload({:#x})", l.w_prime),
        format!("calldataload({:#x})", l.w_prime + 32),
        word_hex(&key.s_g2[1]),
        word_hex(&key.s_g2[0]),
        neg_s_g2_y(&key.s_g2[3]),
        neg_s_g2_y(&key.s_g2[2]),
    ];
    for (i, word) in pairing_words.iter().enumerate() {
        g.line(format!("mstore({:#x}, {word})", pairing + 32 * i));
    }
    g.line(format!("if iszero(staticcall(gas(), 0x08, {pairing:#x}, 0x180, {pairing:#x}, 0x20)) {{ revert(0, 0) }}"));
    g.line(format!("if iszero(mload({pairing:#x})) {{ revert(0, 0) }}"));
    g.line("return(0, 0)");

    render(&g.code, &srs_of(key))
}

/// A constant as a Yul literal: decimal when small (a one-byte push), else hex.
fn literal(word: &Word) -> String {
    if word[..24].iter().all(|b| *b == 0) {
        u64::from_be_bytes(word[24..].try_into().expect("8 bytes")).to_string()
    } else {
        word_hex(word)
    }
}

/// The code of `e` as a Yul expression: subexpressions that occur more than once are computed
/// once into memory, and deep ones are spilled into memory.
fn expression(
    g: &mut Gen,
    e: &Expression,
    z: &str,
    lagrange: &BTreeMap<i32, Source>,
    evaluation: &BTreeMap<Query, Source>,
    challenges: &[Source],
) -> Source {
    fn key(e: &Expression) -> String {
        format!("{e:?}")
    }
    fn count(e: &Expression, seen: &mut BTreeMap<String, usize>) {
        let entry = seen.entry(key(e)).or_insert(0);
        *entry += 1;
        if *entry > 1 {
            return;
        }
        match e {
            Expression::Negated(a) | Expression::Scaled(a, _) => count(a, seen),
            Expression::Sum(a, b) | Expression::Product(a, b) => {
                count(a, seen);
                count(b, seen);
            }
            Expression::DistributePowers(es, s) => {
                es.iter().for_each(|e| count(e, seen));
                count(s, seen);
            }
            _ => {}
        }
    }
    struct Emitter<'a> {
        z: &'a str,
        lagrange: &'a BTreeMap<i32, Source>,
        evaluation: &'a BTreeMap<Query, Source>,
        challenges: &'a [Source],
        uses: BTreeMap<String, usize>,
        done: BTreeMap<String, Source>,
    }
    impl Emitter<'_> {
        fn go(&mut self, g: &mut Gen, e: &Expression) -> (Source, usize) {
            let leaf = match e {
                Expression::Constant(c) => Some(literal(c)),
                Expression::Identity => Some(self.z.to_string()),
                Expression::Lagrange(i) => Some(self.lagrange[i].clone()),
                Expression::Polynomial(q) => Some(self.evaluation[q].clone()),
                Expression::Challenge(i) => Some(self.challenges[*i as usize].clone()),
                _ => None,
            };
            if let Some(leaf) = leaf {
                return (leaf, 0);
            }
            let k = key(e);
            if let Some(done) = self.done.get(&k) {
                return (done.clone(), 0);
            }
            let (code, depth) = match e {
                Expression::Negated(a) => {
                    let (a, d) = self.go(g, a);
                    (format!("sub(r, {a})"), d + 1)
                }
                Expression::Sum(a, b) => {
                    let ((a, da), (b, db)) = (self.go(g, a), self.go(g, b));
                    (format!("addmod({a}, {b}, r)"), da.max(db) + 1)
                }
                Expression::Product(a, b) => {
                    let ((a, da), (b, db)) = (self.go(g, a), self.go(g, b));
                    (format!("mulmod({a}, {b}, r)"), da.max(db) + 1)
                }
                Expression::Scaled(a, c) => {
                    let (a, d) = self.go(g, a);
                    (format!("mulmod({a}, {}, r)", literal(c)), d + 1)
                }
                Expression::DistributePowers(es, s) => {
                    let (s, _) = self.go(g, s);
                    let s = g.store(&s);
                    let mut acc = String::new();
                    for (i, e) in es.iter().enumerate() {
                        let (e, _) = self.go(g, e);
                        acc = if i == 0 { g.store(&e) } else { g.store(&format!("addmod(mulmod({acc}, {s}, r), {e}, r)")) };
                    }
                    (acc, 0)
                }
                _ => unreachable!("leaves are handled above"),
            };
            if self.uses.get(&k).copied().unwrap_or(0) > 1 || depth >= 6 {
                let stored = g.store(&code);
                self.done.insert(k, stored.clone());
                (stored, 0)
            } else {
                (code, depth)
            }
        }
    }
    let mut uses = BTreeMap::new();
    count(e, &mut uses);
    let mut emitter = Emitter { z, lagrange, evaluation, challenges, uses, done: BTreeMap::new() };
    emitter.go(g, e).0
}

/// Inverts every `(expression, slot)` at once (Montgomery's trick, one modexp): afterwards each
/// slot holds its expression's inverse (the proof is refused if one is 0).
fn batch_invert(g: &mut Gen, items: &[(String, usize)]) {
    // Prefix products in the slots themselves, then walk back.
    let mut values = Vec::with_capacity(items.len());
    for (expr, _) in items {
        values.push(if expr.starts_with("mload(") && !expr[6..].contains('(') { expr.clone() } else { g.store(expr) });
    }
    let mut prefix: Vec<Source> = Vec::with_capacity(items.len());
    for (i, value) in values.iter().enumerate() {
        let product = if i == 0 { value.clone() } else { g.store(&format!("mulmod({}, {value}, r)", prefix[i - 1])) };
        prefix.push(product);
    }
    let inverse = g.store(&format!("inverse({})", prefix[items.len() - 1]));
    let running = inverse.trim_start_matches("mload(").trim_end_matches(')').to_string();
    for i in (0..items.len()).rev() {
        let slot = items[i].1;
        if i == 0 {
            g.line(format!("mstore({slot:#x}, mload({running}))"));
        } else {
            g.line(format!("mstore({slot:#x}, mulmod(mload({running}), {}, r))", prefix[i - 1]));
            g.line(format!("mstore({running}, mulmod(mload({running}), {}, r))", values[i]));
        }
    }
}

/// The function the verifier answers for a call of exactly 4 bytes, its selector (a proof's
/// calldata is longer, so no proof can reach it): the SRS identity and the insecure flag.
pub const SRS_IDENTITY: &str = "srsIdentity()";

/// The SRS the key was derived from (its `g[0]`, `g2` and `[tau]G2`).
pub fn srs_of(key: &VerifierKey) -> solvent_params::VerifierSrs {
    use halo2_proofs::halo2curves::bn256::{Fq, Fq2, G1Affine, G2Affine};
    let fq = |word: &Word| {
        let mut repr = *word;
        repr.reverse();
        Option::<Fq>::from(Fq::from_repr(repr)).expect("keys hold canonical coordinates")
    };
    let g2 = |w: &[Word; 4]| G2Affine { x: Fq2 { c0: fq(&w[0]), c1: fq(&w[1]) }, y: Fq2 { c0: fq(&w[2]), c1: fq(&w[3]) } };
    let g0 = G1Affine { x: fq(&key.g1[0]), y: fq(&key.g1[1]) };
    solvent_params::VerifierSrs { k: key.k, g0, g2: g2(&key.g2), s_g2: g2(&key.s_g2) }
}

fn render(body: &str, srs: &solvent_params::VerifierSrs) -> String {
    let identity = format!("0x{}", hex::encode(srs.identity()));
    let insecure = u8::from(srs.is_dev());
    let selector = format!("0x{}", hex::encode(crate::abi::selector(SRS_IDENTITY)));
    let warning = if srs.is_dev() {
        "\n/// INSECURE: made for the public development SRS, whose secret anyone knows: it accepts forged\n/// proofs. For tests only; never deploy it where anything is at stake."
    } else {
        ""
    };
    let mut out = String::new();
    let _ = write!(
        out,
        r#"// SPDX-License-Identifier: MIT OR Apache-2.0
// Generated by `solvent export-verifier` from the circuit's verifier key. Do not edit.
pragma solidity 0.8.19;

/// @title {CONTRACT}
/// @notice Verifies a solvent attestation proof. Calldata: the policy commitment (each public
/// column's point, x then y), the public inputs (portfolio commitment, account, snapshot time),
/// then the proof; 32-byte big-endian words. Reverts unless the proof verifies.
/// @dev The proof binds the commitment and the public inputs only through
/// C_0' = C_0 + x_0 [L_0] + x_1 [L_1]: (C_0 + t [L_0], x_0 - t) verifies as well as (C_0, x_0).
/// A caller must take the policy commitment from its own registry, never from the prover, as
/// SolvencyGate does (docs/design.md, section 5.3).
/// @dev srsIdentity() (a call of exactly 4 bytes) returns the identity of the SRS its key was
/// derived from, {identity}, and 1 if that is the INSECURE development SRS (else 0): compare it
/// with the ceremony's published identity before registering this verifier.{warning}
contract {CONTRACT} {{
    fallback() external {{
        assembly ("memory-safe") {{
            // srsIdentity(): the SRS identity and the insecure flag.
            if eq(calldatasize(), 4) {{
                if eq(shr(224, calldataload(0)), {selector}) {{
                    mstore(0, {identity})
                    mstore(0x20, {insecure})
                    return(0, 0x40)
                }}
                revert(0, 0)
            }}
            let r := {R}
            let p := {P}
            // base^exponent mod r (modexp precompile).
            function pow_r(base, exponent) -> result {{
                let m := 0x80
                mstore(m, 0x20)
                mstore(add(m, 0x20), 0x20)
                mstore(add(m, 0x40), 0x20)
                mstore(add(m, 0x60), base)
                mstore(add(m, 0x80), exponent)
                mstore(add(m, 0xa0), {R})
                if iszero(staticcall(gas(), 0x05, m, 0xc0, m, 0x20)) {{ revert(0, 0) }}
                result := mload(m)
            }}
            // 1 / x mod r, refusing 0.
            function inverse(x) -> result {{
                if iszero(x) {{ revert(0, 0) }}
                result := pow_r(x, sub({R}, 2))
            }}
{body}        }}
    }}
}}
"#
    );
    out
}
