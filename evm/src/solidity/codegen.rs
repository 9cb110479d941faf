//! The numbers and the key-specific code of a verifier: the calldata layout, the memory plan,
//! and the straight-line Yul of the transcript, the inversions, the Lagrange values, the
//! constraint expression, the multi-opening and the multi-scalar multiplication, written with
//! the template's named slots and helpers (`evm/templates/SolventVerifier.sol`).

use halo2_proofs::halo2curves::{bn256::Fr, ff::Field, ff::PrimeField};
use solvent_verifier_wasm::key::{Expression, Query, VerifierKey, Word};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The BN254 base field's modulus.
pub(super) const P: &str = "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";

/// A calldata or memory address, shown as a hex literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slot(pub usize);

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

impl Slot {
    /// The address `bytes` further on.
    fn plus(self, bytes: usize) -> Slot {
        Slot(self.0 + bytes)
    }

    /// The addresses from this one up to `end`, `stride` bytes apart (a run's, for the template's
    /// unrolled code).
    pub fn run_to(&self, end: &Slot, stride: usize) -> Vec<Slot> {
        (self.0..end.0).step_by(stride).map(Slot).collect()
    }

    /// Word `i` from this memory slot (as the template's loop index, a reference).
    pub fn word(&self, i: &usize) -> Slot {
        Slot(self.0 + 32 * i)
    }

    /// Yul reading the calldata word `offset` bytes from this address.
    pub fn calldata(&self, offset: usize) -> String {
        format!("calldataload({})", self.plus(offset))
    }

    /// Yul reading this memory slot.
    pub fn memory(&self) -> String {
        format!("mload({self})")
    }
}

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

/// Where each piece of a call is: the template's `*_CPTR` constants (the per-commitment lists
/// are for the generated code).
pub struct CalldataLayout {
    /// The policy commitment: one point per lane.
    pub policy: Slot,
    /// The public inputs: commitment, account, time.
    pub public: Slot,
    /// The first advice commitment.
    pub witnesses: Slot,
    /// The first quotient chunk.
    pub quotients: Slot,
    /// The first evaluation.
    pub evaluations: Slot,
    /// SHPLONK's `W`.
    pub w: Slot,
    /// SHPLONK's `W'`.
    pub w_prime: Slot,
    /// The whole call's length.
    pub size: Slot,
    /// Each advice commitment.
    witness_points: Vec<Slot>,
    /// Each quotient chunk.
    quotient_points: Vec<Slot>,
    /// Each evaluation.
    evaluation_words: Vec<Slot>,
}

fn calldata_layout(key: &VerifierKey) -> CalldataLayout {
    let policy = Slot(0);
    let public = Slot(64 * key.lanes as usize);
    // Three public inputs: commitment, account, time.
    let mut at = public.0 + 3 * 32;
    let mut take = |bytes: usize| {
        let here = Slot(at);
        at += bytes;
        here
    };
    let witness_points: Vec<Slot> = (0..key.num_witness.iter().sum::<u32>()).map(|_| take(64)).collect();
    let chunks = key.numerator.degree().saturating_sub(1).div_ceil(key.chunk_degree as usize);
    let quotient_points: Vec<Slot> = (0..chunks).map(|_| take(64)).collect();
    let evaluation_words: Vec<Slot> = key.evaluations.iter().map(|_| take(32)).collect();
    let w = take(64);
    let w_prime = take(64);
    CalldataLayout {
        policy,
        public,
        witnesses: witness_points.first().copied().unwrap_or(w),
        quotients: quotient_points.first().copied().unwrap_or(w),
        evaluations: evaluation_words.first().copied().unwrap_or(w),
        w,
        w_prime,
        size: Slot(at),
        witness_points,
        quotient_points,
        evaluation_words,
    }
}

/// The template's named memory slots (`*_MPTR`), and where the key's other values start.
pub struct MemoryPlan {
    /// The modexp precompile's scratch, `0x80..0x140`.
    pub modexp: Slot,
    /// The transcript's buffer: the previous hash, then what is absorbed.
    pub transcript: Slot,
    /// The first lane's commitment `C_0'`.
    pub first_lane: Slot,
    /// ecMul's and ecAdd's input, 4 words.
    pub scratch: Slot,
    /// The multi-scalar multiplication's sum.
    pub accumulator: Slot,
    /// The pairing precompile's input, 12 words.
    pub pairing: Slot,
    /// The first challenge; the others follow.
    pub challenges: Slot,
    /// `z`.
    pub z: Slot,
    /// SHPLONK's `mu` (`y`).
    pub mu: Slot,
    /// SHPLONK's `gamma` (`v`).
    pub gamma: Slot,
    /// SHPLONK's `z'` (`u`).
    pub z_prime: Slot,
    /// `z^n`.
    pub zn: Slot,
    /// `z^n - 1`.
    pub zn_minus_one: Slot,
    /// The first of the key's other values.
    pub values: Slot,
}

fn memory_plan(key: &VerifierKey, calldata: &CalldataLayout) -> MemoryPlan {
    let lanes = key.lanes as usize;
    let transcript = Slot(0x180);
    // The longest absorption: the other lanes, the advice of a phase or the quotient, or the
    // evaluations; one word more for the byte of an empty squeeze.
    let longest_absorb =
        32 + 64 * lanes + 64 * calldata.witness_points.len().max(calldata.quotient_points.len()) + 32 * calldata.evaluation_words.len();
    let mut next = transcript.0 + longest_absorb.div_ceil(32) * 32 + 32;
    let mut take = |bytes: usize| {
        let here = Slot(next);
        next += bytes;
        here
    };
    let first_lane = take(64);
    let scratch = take(128);
    let accumulator = take(64);
    let pairing = take(12 * 32);
    let challenges = take(32 * key.num_challenge.iter().sum::<u32>() as usize);
    let z = take(32);
    let mu = take(32);
    let gamma = take(32);
    let z_prime = take(32);
    let zn = take(32);
    let zn_minus_one = take(32);
    let values = take(0);
    MemoryPlan {
        modexp: Slot(0x80),
        transcript,
        first_lane,
        scratch,
        accumulator,
        pairing,
        challenges,
        z,
        mu,
        gamma,
        z_prime,
        zn,
        zn_minus_one,
        values,
    }
}

/// Where a value lives at run time: a Yul expression reading it.
type Source = String;

/// The code being written and the next free value slot (from `VALUES_MPTR`).
struct Gen {
    code: String,
    next: usize,
}

impl Gen {
    fn line(&mut self, text: impl AsRef<str>) {
        self.code.push_str("            ");
        self.code.push_str(text.as_ref());
        self.code.push('\n');
    }

    /// The code written since the last call (one of the template's places).
    fn section(&mut self) -> String {
        let mut code = std::mem::take(&mut self.code);
        if code.ends_with('\n') {
            code.pop();
        }
        code
    }

    /// A new value slot.
    fn slot(&mut self) -> Slot {
        let slot = Slot(self.next);
        self.next += 32;
        slot
    }

    /// `words` new slots in a row; returns the first.
    fn reserve(&mut self, words: usize) -> Slot {
        let first = Slot(self.next);
        self.next += 32 * words;
        first
    }

    /// Stores `expr` in a new slot; returns how to read it.
    fn store(&mut self, expr: &str) -> Source {
        let slot = self.slot();
        self.store_at(slot, expr)
    }

    /// Stores `expr` in `slot` (one of [`Gen::reserve`]'s); returns how to read it.
    fn store_at(&mut self, slot: Slot, expr: &str) -> Source {
        self.line(format!("mstore({slot}, {expr})"));
        format!("mload({slot})")
    }
}

/// One step of the transcript, as the template writes it.
pub enum TranscriptStep {
    /// Revert unless the calldata from `from` to `end` holds points on the curve (64 bytes each):
    /// a check each, or a loop over them ([`super::Style`]).
    CheckPoints {
        /// The first point's address.
        from: Slot,
        /// The address after the last point.
        end: Slot,
    },
    /// Revert unless the calldata from `from` to `end` holds canonical scalars (32 bytes each).
    CheckScalars {
        /// The first scalar's address.
        from: Slot,
        /// The address after the last scalar.
        end: Slot,
    },
    /// Absorb `length` calldata bytes from `from`: copy them to `to` in the buffer.
    Absorb {
        /// Where in the transcript's buffer.
        to: Slot,
        /// Where in the calldata.
        from: Slot,
        /// How many bytes.
        length: Slot,
    },
    /// Hash the buffer's first `length` bytes into the next challenge, stored at `into`.
    Squeeze {
        /// The challenge's slot (a name or an address).
        into: String,
        /// The previous hash and what was absorbed.
        length: Slot,
    },
    /// The same when nothing was absorbed since the last squeeze: a byte 1 is hashed.
    SqueezeAgain {
        /// The challenge's slot.
        into: String,
    },
}

/// The EVM transcript's steps, and what was absorbed into `TRANSCRIPT_MPTR` since the last
/// squeeze.
struct Transcript {
    steps: Vec<TranscriptStep>,
    absorbed: usize,
    buffer: Slot,
}

impl Transcript {
    /// Appends calldata bytes (a copy contiguous with the previous one extends it).
    fn absorb(&mut self, source: Slot, bytes: usize) {
        let destination = self.buffer.plus(32 + self.absorbed);
        self.absorbed += bytes;
        if let Some(TranscriptStep::Absorb { to, from, length }) = self.steps.last_mut() {
            if from.plus(length.0) == source && to.plus(length.0) == destination {
                *length = length.plus(bytes);
                return;
            }
        }
        self.steps.push(TranscriptStep::Absorb { to: destination, from: source, length: Slot(bytes) });
    }

    /// Checks the point at `at`, then absorbs it.
    fn absorb_point(&mut self, at: Slot) {
        self.check_then_absorb(at, 64);
    }

    /// Checks the scalar at `at`, then absorbs it.
    fn absorb_scalar(&mut self, at: Slot) {
        self.check_then_absorb(at, 32);
    }

    /// Checks the point (64 bytes) or scalar (32) at `at`, then absorbs it. The check goes
    /// before the copy waiting to be extended, so that the copies of neighbours merge into one,
    /// and a check of a neighbour of the same kind extends the check before it.
    fn check_then_absorb(&mut self, at: Slot, bytes: usize) {
        let copy = match self.steps.last() {
            Some(TranscriptStep::Absorb { .. }) => self.steps.pop(),
            _ => None,
        };
        match self.steps.last_mut() {
            Some(TranscriptStep::CheckPoints { end, .. }) if bytes == 64 && *end == at => *end = at.plus(64),
            Some(TranscriptStep::CheckScalars { end, .. }) if bytes == 32 && *end == at => *end = at.plus(32),
            _ if bytes == 64 => self.steps.push(TranscriptStep::CheckPoints { from: at, end: at.plus(64) }),
            _ => self.steps.push(TranscriptStep::CheckScalars { from: at, end: at.plus(32) }),
        }
        self.steps.extend(copy);
        self.absorb(at, bytes);
    }

    /// The next challenge into `into`; returns how to read it.
    fn squeeze(&mut self, into: String) -> Source {
        let read = format!("mload({into})");
        if self.absorbed == 0 {
            self.steps.push(TranscriptStep::SqueezeAgain { into });
        } else {
            self.steps.push(TranscriptStep::Squeeze { into, length: Slot(32 + self.absorbed) });
        }
        self.absorbed = 0;
        read
    }
}

/// Terms of the multi-scalar multiplication, as the template writes them.
pub enum MsmTerm {
    /// `scalar * (x, y)`.
    Single {
        /// The point's `x` (a Yul expression).
        x: String,
        /// The point's `y`.
        y: String,
        /// The scalar.
        scalar: String,
    },
    /// Neighbouring calldata points, `sum_i scalar_i * point_i` with point `i` at `points + 64 i`
    /// (up to `end`) and its scalar in memory at `scalars + 32 i` (a loop or straight-line code,
    /// as the verifier's [`super::Style`] says).
    Run {
        /// The first point's address in the calldata.
        points: Slot,
        /// The address after the last point.
        end: Slot,
        /// The first scalar's memory slot.
        scalars: Slot,
    },
}

impl MsmTerm {
    fn constant(point: &[Word; 2], scalar: &str) -> MsmTerm {
        MsmTerm::Single { x: word_hex(&point[0]), y: word_hex(&point[1]), scalar: scalar.to_string() }
    }

    fn calldata(at: Slot, scalar: &str) -> MsmTerm {
        MsmTerm::Single { x: format!("calldataload({at})"), y: format!("calldataload({})", at.plus(32)), scalar: scalar.to_string() }
    }
}

/// The code for the template's places, and the numbers it names.
pub(super) struct Code {
    pub calldata: CalldataLayout,
    pub memory: MemoryPlan,
    pub policy_points: Vec<Slot>,
    pub transcript: Vec<TranscriptStep>,
    pub inversions: String,
    pub lagrange: String,
    pub constraints: String,
    pub opening: String,
    pub msm: Vec<MsmTerm>,
}

/// The verifier's numbers and code for `key`.
pub(super) fn generate(key: &VerifierKey) -> Code {
    let l = calldata_layout(key);
    let m = memory_plan(key, &l);
    let mut g = Gen { code: String::new(), next: m.values.0 };
    let n = 1u64 << key.k;
    let omega = fr_of(&key.omega);
    let rotate = |r: i32| if r >= 0 { omega.pow([r as u64]) } else { omega.invert().unwrap().pow([(-r) as u64]) };
    let lanes = key.lanes as usize;
    let first_lane = key.preprocessed.len();

    let (steps, Challenges { challenges, z, mu, gamma, z_prime }) = transcript(key, &l, &m);

    // Denominators to invert: z - omega^i (Lagrange), z^n - 1, z (the sets' interpolation), and
    // after the first set, `Z_s(z') = prod_j (z' - omega^(r_j) z)`.
    let zn = "mload(ZN_MPTR)".to_string();
    let zn_minus_one = "mload(ZN_MINUS_ONE_MPTR)".to_string();
    let mut lagrange_set = BTreeSet::new();
    lagrange_indices(&key.numerator, &mut lagrange_set);
    let sets = query_sets(&key.queries);
    let mut denominators: Vec<(String, Slot)> = Vec::new();
    let mut inverse_of = |g: &mut Gen, expr: String| -> Source {
        let slot = g.slot();
        denominators.push((expr, slot));
        format!("mload({slot})")
    };
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
    let inversions = g.section();

    // Lagrange polynomials: L_i(z) = (z^n - 1) / n * omega^i / (z - omega^i).
    let n_inverse = Fr::from(n).invert().unwrap();
    let mut lagrange: BTreeMap<i32, Source> = BTreeMap::new();
    for (i, inverse) in lagrange_inverses {
        let factor = fr_hex(&(n_inverse * rotate(i)));
        let value = g.store(&format!("mulmod(mulmod({zn_minus_one}, {factor}, r), {inverse}, r)"));
        lagrange.insert(i, value);
    }
    let lagrange_code = g.section();

    // Evaluations: the proof's, and the quotient's.
    let mut evaluation: BTreeMap<Query, Source> =
        key.evaluations.iter().zip(&l.evaluation_words).map(|(q, at)| (*q, format!("calldataload({at})"))).collect();
    let numerator = expression(&mut g, &key.numerator, &z, &lagrange, &evaluation, &challenges);
    let quotient_poly = first_lane + lanes + l.witness_points.len();
    let quotient_eval = g.store(&format!("mulmod({numerator}, {zn_minus_one_inverse}, r)"));
    evaluation.insert(Query { poly: quotient_poly as u32, rotation: 0 }, quotient_eval);
    let constraints = g.section();

    // SHPLONK: each commitment's scalar, and the generator's. The scalars of the proof's points
    // (the advice, then the quotient's chunks: neighbours in the calldata) are neighbours in
    // memory too, for the multi-scalar multiplication's loop; a slot no scalar is stored in
    // keeps memory's initial 0.
    let witnesses = l.witness_points.len();
    let proof_scalars = g.reserve(witnesses + l.quotient_points.len().max(1));
    let first_witness = first_lane + lanes;
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
            let factor = format!("mulmod(mulmod({gamma_power}, {mu_power}, r), {coefficient}, r)");
            // The quotient's polynomial follows the advice: its scalar is the first chunk's.
            let factor = match poly.checked_sub(first_witness).filter(|i| *i <= witnesses) {
                Some(i) => g.store_at(proof_scalars.plus(32 * i), &factor),
                None => g.store(&factor),
            };
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
    // The quotient's commitment is sum_i chunk_i * (z^n)^(chunk_degree * i).
    if let Some(scalar) = scalars.get(&quotient_poly).cloned() {
        let step = g.store(&format!("pow_r({zn}, {})", key.chunk_degree));
        let mut power = scalar;
        for i in 1..l.quotient_points.len() {
            power = g.store_at(proof_scalars.plus(32 * (witnesses + i)), &format!("mulmod({power}, {step}, r)"));
        }
    }
    let opening = g.section();

    let msm = msm_terms(key, &l, &scalars, proof_scalars, generator_scalar, &z_s_first, z_prime);
    let policy_points = (0..lanes).map(|lane| l.policy.plus(64 * lane)).collect();
    Code { calldata: l, memory: m, policy_points, transcript: steps, inversions, lagrange: lagrange_code, constraints, opening, msm }
}

/// Where the transcript's challenges are read.
struct Challenges {
    /// The phases' challenges, in order.
    challenges: Vec<Source>,
    /// The evaluation point.
    z: Source,
    /// SHPLONK's `mu`.
    mu: Source,
    /// SHPLONK's `gamma`.
    gamma: Source,
    /// SHPLONK's `z'`.
    z_prime: Source,
}

/// The transcript's steps after what the template writes (the state and the first lane): the
/// other lanes, each phase's advice and challenges, the quotient (`z`), the evaluations (`mu`,
/// `gamma`), `W` (`z'`), and the check of `W'`.
fn transcript(key: &VerifierKey, l: &CalldataLayout, m: &MemoryPlan) -> (Vec<TranscriptStep>, Challenges) {
    let lanes = key.lanes as usize;
    let mut t = Transcript { steps: Vec::new(), absorbed: 64, buffer: m.transcript };
    if lanes > 1 {
        t.absorb(l.policy.plus(64), 64 * (lanes - 1));
    }
    let mut challenges: Vec<Source> = Vec::new();
    let mut witness_index = 0;
    for (&w, &c) in key.num_witness.iter().zip(&key.num_challenge) {
        for _ in 0..w {
            t.absorb_point(l.witness_points[witness_index]);
            witness_index += 1;
        }
        for _ in 0..c {
            let slot = m.challenges.plus(32 * challenges.len());
            challenges.push(t.squeeze(slot.to_string()));
        }
    }
    for &at in &l.quotient_points {
        t.absorb_point(at);
    }
    let z = t.squeeze("Z_MPTR".into());
    for &at in &l.evaluation_words {
        t.absorb_scalar(at);
    }
    let mu = t.squeeze("MU_MPTR".into());
    let gamma = t.squeeze("GAMMA_MPTR".into());
    t.absorb_point(l.w);
    let z_prime = t.squeeze("Z_PRIME_MPTR".into());
    t.steps.push(TranscriptStep::CheckPoints { from: l.w_prime, end: l.w_prime.plus(64) });
    (t.steps, Challenges { challenges, z, mu, gamma, z_prime })
}

/// The multi-scalar multiplication's terms: each committed polynomial's scalar times its
/// commitment (fixed and permutation points, the lanes, then the advice and the quotient's chunks
/// in one loop over the proof's points and `proof_scalars`), then the generator's scalar times
/// `G1`, `-Z_0(z')` times `W` and `z'` times `W'`.
fn msm_terms(
    key: &VerifierKey,
    l: &CalldataLayout,
    scalars: &BTreeMap<usize, Source>,
    proof_scalars: Slot,
    generator_scalar: Source,
    z_s_first: &str,
    z_prime: Source,
) -> Vec<MsmTerm> {
    let lanes = key.lanes as usize;
    let first_lane = key.preprocessed.len();
    let mut msm = Vec::new();
    for (i, point) in key.preprocessed.iter().enumerate() {
        if let Some(scalar) = scalars.get(&i) {
            msm.push(MsmTerm::constant(point, scalar));
        }
    }
    for lane in 0..lanes {
        if let Some(scalar) = scalars.get(&(first_lane + lane)) {
            msm.push(if lane == 0 {
                MsmTerm::Single {
                    x: "mload(FIRST_LANE_MPTR)".into(),
                    y: "mload(add(FIRST_LANE_MPTR, 0x20))".into(),
                    scalar: scalar.clone(),
                }
            } else {
                MsmTerm::calldata(l.policy.plus(64 * lane), scalar)
            });
        }
    }
    let proof_points = l.witness_points.iter().chain(&l.quotient_points);
    if let (Some(&points), Some(last)) = (proof_points.clone().next(), proof_points.last()) {
        msm.push(MsmTerm::Run { points, end: last.plus(64), scalars: proof_scalars });
    }
    msm.push(MsmTerm::Single { x: "G1_X".into(), y: "G1_Y".into(), scalar: generator_scalar });
    msm.push(MsmTerm::Single {
        x: "calldataload(W_CPTR)".into(),
        y: "calldataload(add(W_CPTR, 0x20))".into(),
        scalar: format!("sub(r, {z_s_first})"),
    });
    msm.push(MsmTerm::Single {
        x: "calldataload(W_PRIME_CPTR)".into(),
        y: "calldataload(add(W_PRIME_CPTR, 0x20))".into(),
        scalar: z_prime,
    });
    msm
}

/// The Lagrange polynomials `L_i` the expression reads, by `i`.
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
fn batch_invert(g: &mut Gen, items: &[(String, Slot)]) {
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
            g.line(format!("mstore({slot}, mload({running}))"));
        } else {
            g.line(format!("mstore({slot}, mulmod(mload({running}), {}, r))", prefix[i - 1]));
            g.line(format!("mstore({running}, mulmod(mload({running}), {}, r))", values[i]));
        }
    }
}

#[cfg(test)]
mod tests {
    //! The plan of the checked-in fixture's key (`fixtures/tiny/`).
    use super::*;

    fn fixture_key() -> VerifierKey {
        VerifierKey::from_bytes(include_bytes!("../../../fixtures/tiny/verifier.key")).expect("the fixture's key")
    }

    #[test]
    fn the_calldata_layout_is_the_commitment_the_public_inputs_and_the_proof_in_order() {
        let key = fixture_key();
        let l = calldata_layout(&key);
        let attestation = include_bytes!("../../../fixtures/tiny/attestation.json");
        let (_, declared) = solvent_statement::Attestation::parse(attestation).expect("the fixture's attestation");
        assert_eq!(l.policy, Slot(0));
        assert_eq!(l.public, Slot(64 * key.lanes as usize));
        assert_eq!(l.witnesses, Slot(l.public.0 + 96));
        assert_eq!(l.size.0, 64 * key.lanes as usize + 96 + declared.proof.len(), "the call is exactly commitment, inputs, proof");
        assert_eq!(l.w_prime.0 + 64, l.size.0, "W' ends the proof");
        let regions = [l.witnesses, l.quotients, l.evaluations, l.w, l.w_prime];
        assert!(regions.windows(2).all(|w| w[0] < w[1]), "the proof's parts follow each other");
    }

    #[test]
    fn the_named_memory_slots_are_disjoint_and_the_buffer_holds_the_longest_absorption() {
        let key = fixture_key();
        let l = calldata_layout(&key);
        let m = memory_plan(&key, &l);
        let challenges = 32 * key.num_challenge.iter().sum::<u32>() as usize;
        // Each named slot with its length, in address order.
        let slots = [
            (m.modexp, 0xc0),
            (m.transcript, m.first_lane.0 - m.transcript.0),
            (m.first_lane, 64),
            (m.scratch, 128),
            (m.accumulator, 64),
            (m.pairing, 384),
            (m.challenges, challenges),
            (m.z, 32),
            (m.mu, 32),
            (m.gamma, 32),
            (m.z_prime, 32),
            (m.zn, 32),
            (m.zn_minus_one, 32),
        ];
        for pair in slots.windows(2) {
            assert!(pair[0].0 .0 + pair[0].1 <= pair[1].0 .0, "slot {} overlaps {}", pair[0].0, pair[1].0);
        }
        assert!(m.values.0 >= m.zn_minus_one.0 + 32, "values after the named slots");
        // The evaluations are the longest absorption here: the buffer holds the previous hash and
        // them.
        let code = generate(&key);
        let longest = code.transcript.iter().filter_map(|s| match s {
            TranscriptStep::Squeeze { length, .. } => Some(length.0),
            _ => None,
        });
        assert!(longest.max().expect("squeezes") <= m.first_lane.0 - m.transcript.0);
    }

    #[test]
    fn the_transcript_checks_every_proof_point_and_scalar_once_and_squeezes_each_challenge() {
        let key = fixture_key();
        let code = generate(&key);
        let l = &code.calldata;
        let mut points: Vec<Slot> = Vec::new();
        let mut scalars: Vec<Slot> = Vec::new();
        let mut squeezes = 0;
        let mut absorbed = 64 * key.lanes as usize;
        for step in &code.transcript {
            match step {
                TranscriptStep::CheckPoints { from, end } => points.extend(from.run_to(end, 64)),
                TranscriptStep::CheckScalars { from, end } => scalars.extend(from.run_to(end, 32)),
                TranscriptStep::Absorb { length, .. } => absorbed += length.0,
                TranscriptStep::Squeeze { .. } | TranscriptStep::SqueezeAgain { .. } => squeezes += 1,
            }
        }
        let mut expected: Vec<Slot> = l.witness_points.iter().chain(&l.quotient_points).copied().collect();
        expected.extend([l.w, l.w_prime]);
        assert_eq!(points, expected, "each proof point once, in order");
        assert_eq!(scalars, l.evaluation_words, "each evaluation once, in order");
        // Everything of the proof but W' is absorbed; the lanes were written by the template.
        assert_eq!(absorbed, 64 * key.lanes as usize + (l.w_prime.0 - l.witnesses.0), "the absorbed bytes");
        assert_eq!(squeezes, key.num_challenge.iter().sum::<u32>() as usize + 4, "the challenges, then z, mu, gamma, z'");
    }

    #[test]
    fn contiguous_absorptions_are_one_copy() {
        let mut t = Transcript { steps: Vec::new(), absorbed: 0, buffer: Slot(0x180) };
        t.absorb_point(Slot(0x100));
        t.absorb_point(Slot(0x140));
        t.absorb_scalar(Slot(0x400));
        let steps: Vec<String> = t
            .steps
            .iter()
            .map(|s| match s {
                TranscriptStep::CheckPoints { from, end } => format!("points {from}..{end}"),
                TranscriptStep::CheckScalars { from, end } => format!("scalars {from}..{end}"),
                TranscriptStep::Absorb { to, from, length } => format!("copy {from} to {to}, {length}"),
                _ => "squeeze".into(),
            })
            .collect();
        // A check goes before the copy waiting to be extended (as a copy is written when the next one
        // does not extend it); neighbours' checks are one.
        assert_eq!(steps, ["points 0x100..0x180", "scalars 0x400..0x420", "copy 0x100 to 0x1a0, 0x80", "copy 0x400 to 0x220, 0x20"]);
        assert_eq!(t.squeeze("Z_MPTR".into()), "mload(Z_MPTR)");
        assert!(matches!(t.steps.last(), Some(TranscriptStep::Squeeze { length: Slot(0xc0), .. })), "the hash covers 32 + 0xa0 bytes");
        t.squeeze("MU_MPTR".into());
        assert!(matches!(t.steps.last(), Some(TranscriptStep::SqueezeAgain { .. })), "nothing absorbed: a byte 1");
    }
}
