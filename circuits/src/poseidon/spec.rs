//! The Poseidon instance of solvent: width 3 (rate 2, capacity 1) over the BN254 scalar field,
//! `x^5` S-box, 8 full and 57 partial rounds: the standard 128-bit instance for this width
//! (`poseidonperm_x5_254_3` of the Poseidon reference, circomlib's `poseidon` for two inputs),
//! round constants and MDS matrix from the reference Grain LFSR as `poseidon-primitives`
//! generates them (first generated MDS).
//!
//! Besides the constants, this module derives the per-row constants the circuit reads
//! ([`Schedule`]): rows store the state *minus a known offset*, so that a row of two partial rounds
//! needs two constants and a full round three.

use ff::Field;
use halo2_proofs::halo2curves::bn256::Fr;
use poseidon_primitives::poseidon::primitives::Spec;
use std::sync::OnceLock;

/// State width.
pub const WIDTH: usize = 3;
/// Elements absorbed per permutation.
pub const RATE: usize = 2;
/// Number of full rounds (half before, half after the partial rounds).
pub const FULL_ROUNDS: usize = 8;
/// Number of partial rounds.
pub const PARTIAL_ROUNDS: usize = 57;
/// Rows of one permutation: 4 full rounds, one single partial round, 28 rows of two partial
/// rounds, 4 full rounds (each row holds the state entering it; the state after the last row is
/// on the next row).
pub const PERMUTATION_ROWS: usize = FULL_ROUNDS + 1 + (PARTIAL_ROUNDS - 1) / 2;

/// The `poseidon-primitives` specification of solvent's Poseidon.
#[derive(Debug, Clone, Copy)]
pub struct SolventPoseidon;

impl Spec<Fr, WIDTH, RATE> for SolventPoseidon {
    fn full_rounds() -> usize {
        FULL_ROUNDS
    }
    fn partial_rounds() -> usize {
        PARTIAL_ROUNDS
    }
    fn sbox(val: Fr) -> Fr {
        pow5(val)
    }
    fn secure_mds() -> usize {
        0
    }
}

/// `x^5`.
pub fn pow5(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

/// What a row of the permutation proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundRow {
    /// One full round: constants `f_0, f_1, f_2` are added to the stored state.
    Full,
    /// One partial round: `f_0` is added to word 0 before its S-box.
    Partial,
    /// Two partial rounds: `f_0` enters the first S-box and `f_1` the second.
    DoublePartial,
}

/// Every constant of the permutation, and its row schedule.
#[derive(Clone, Debug)]
pub struct Constants {
    /// Round constants, one row per round (full, partial, full).
    pub round_constants: Vec<[Fr; WIDTH]>,
    /// The MDS matrix.
    pub mds: [[Fr; WIDTH]; WIDTH],
    /// The rows of one permutation with the fixed values each reads.
    pub schedule: Vec<(RoundRow, [Fr; WIDTH])>,
}

/// The rows of one permutation.
pub type Schedule = Vec<(RoundRow, [Fr; WIDTH])>;

/// What a sponge row does, so which of the chip's gates it switches on
/// (`crate::poseidon::chip::PoseidonConfig`'s selectors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpongeRowKind {
    /// Absorbs the first block into the initial state (`q_absorb_first`).
    AbsorbFirst,
    /// Absorbs a block into the state (`q_absorb`).
    Absorb,
    /// A round row.
    Round(RoundRow),
    /// Reads the digest (`q_digest`).
    Digest,
    /// Reads word 0 of the state as the digest (`q_digest_word0`): circomlib's Poseidon of two
    /// inputs, `P(a, b)`, which signed statements' messages chain (`docs/design.md` §12).
    DigestWord0,
}

/// The constants, computed once.
pub fn constants() -> &'static Constants {
    static CONSTANTS: OnceLock<Constants> = OnceLock::new();
    CONSTANTS.get_or_init(|| {
        let (round_constants, mds, _) = SolventPoseidon::constants();
        let schedule = schedule(&round_constants, &mds);
        Constants { round_constants, mds, schedule }
    })
}

fn mul(mds: &[[Fr; WIDTH]; WIDTH], v: &[Fr; WIDTH]) -> [Fr; WIDTH] {
    std::array::from_fn(|i| (0..WIDTH).fold(Fr::ZERO, |acc, j| acc + mds[i][j] * v[j]))
}

/// The fixed values of each row. A row stores the state minus an offset `o` that the schedule
/// tracks: full rounds consume it (their constants are `o + rc`) and leave none; partial rounds
/// push the constants of the words they do not S-box into the next row's offset, through the
/// MDS matrix, so only the S-box inputs need a constant of their own.
fn schedule(round_constants: &[[Fr; WIDTH]], mds: &[[Fr; WIDTH]; WIDTH]) -> Schedule {
    let half = FULL_ROUNDS / 2;
    let mut rows = Vec::with_capacity(PERMUTATION_ROWS);
    let mut offset = [Fr::ZERO; WIDTH];
    let full = |rows: &mut Schedule, offset: &mut [Fr; WIDTH], rc: &[Fr; WIDTH]| {
        rows.push((RoundRow::Full, std::array::from_fn(|j| offset[j] + rc[j])));
        *offset = [Fr::ZERO; WIDTH];
    };
    // A partial round on the true state `x + o`: word 0 gets `o_0 + rc_0` before its S-box; the
    // rest is linear, so its constants move to the offset after the MDS matrix.
    let partial = |offset: &mut [Fr; WIDTH], rc: &[Fr; WIDTH]| -> Fr {
        let sbox_constant = offset[0] + rc[0];
        *offset = mul(mds, &[Fr::ZERO, offset[1] + rc[1], offset[2] + rc[2]]);
        sbox_constant
    };
    for rc in &round_constants[..half] {
        full(&mut rows, &mut offset, rc);
    }
    let partials = &round_constants[half..half + PARTIAL_ROUNDS];
    let c = partial(&mut offset, &partials[0]);
    rows.push((RoundRow::Partial, [c, Fr::ZERO, Fr::ZERO]));
    for pair in partials[1..].chunks(2) {
        let first = partial(&mut offset, &pair[0]);
        let second = partial(&mut offset, &pair[1]);
        rows.push((RoundRow::DoublePartial, [first, second, Fr::ZERO]));
    }
    for rc in &round_constants[half + PARTIAL_ROUNDS..] {
        full(&mut rows, &mut offset, rc);
    }
    debug_assert_eq!(rows.len(), PERMUTATION_ROWS);
    rows
}

/// The cells and the next stored state of one row, from its stored state `x` and fixed values
/// `f` (what the chip assigns and what its gates check).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowValues {
    /// The three auxiliary cells: S-box squares (and, for two partial rounds, the first S-box's
    /// output in the middle).
    pub cells: [Fr; WIDTH],
    /// The stored state of the next row.
    pub next: [Fr; WIDTH],
}

/// Computes one row of the schedule.
pub fn row_values(kind: RoundRow, x: &[Fr; WIDTH], f: &[Fr; WIDTH]) -> RowValues {
    let m = &constants().mds;
    match kind {
        RoundRow::Full => {
            let u: [Fr; WIDTH] = std::array::from_fn(|j| x[j] + f[j]);
            let w: [Fr; WIDTH] = std::array::from_fn(|j| u[j].square());
            let s: [Fr; WIDTH] = std::array::from_fn(|j| w[j].square() * u[j]);
            RowValues { cells: w, next: mul(m, &s) }
        }
        RoundRow::Partial => {
            let u0 = x[0] + f[0];
            let w0 = u0.square();
            RowValues { cells: [w0, Fr::ZERO, Fr::ZERO], next: mul(m, &[w0.square() * u0, x[1], x[2]]) }
        }
        RoundRow::DoublePartial => {
            let u0 = x[0] + f[0];
            let w0 = u0.square();
            let s0 = w0.square() * u0;
            let y = mul(m, &[s0, x[1], x[2]]);
            let u1 = y[0] + f[1];
            let w1 = u1.square();
            RowValues { cells: [w0, s0, w1], next: mul(m, &[w1.square() * u1, y[1], y[2]]) }
        }
    }
}

/// Rows a sponge over `inputs` elements occupies in the circuit (`38 m + 1` for `m` blocks).
pub fn sponge_rows(inputs: usize) -> usize {
    1 + super::native::blocks(inputs) * (PERMUTATION_ROWS + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_has_one_row_per_full_round_and_per_pair_of_partial_rounds() {
        let schedule = &constants().schedule;
        assert_eq!(schedule.len(), PERMUTATION_ROWS);
        assert_eq!(PERMUTATION_ROWS, 37);
        let kinds: Vec<RoundRow> = schedule.iter().map(|(k, _)| *k).collect();
        assert!(kinds[..4].iter().all(|k| *k == RoundRow::Full));
        assert_eq!(kinds[4], RoundRow::Partial);
        assert!(kinds[5..33].iter().all(|k| *k == RoundRow::DoublePartial));
        assert!(kinds[33..].iter().all(|k| *k == RoundRow::Full));
        // Partial rows need at most two constants.
        assert!(schedule.iter().filter(|(k, _)| *k != RoundRow::Full).all(|(_, f)| f[2] == Fr::ZERO));
    }
}
