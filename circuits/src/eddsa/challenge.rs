//! The challenge of an EdDSA-Poseidon signature, `hm = Poseidon5(R8.x, R8.y, A.x, A.y, M)`:
//! circom's Poseidon of five inputs, the permutation of width 6 (`poseidonperm_x5_254_6` of the
//! Poseidon reference: `x^5`, 8 full and 60 partial rounds, round constants and MDS matrix from
//! the reference Grain LFSR, first generated MDS) on `[0, R8.x, R8.y, A.x, A.y, M]`, `hm` its
//! word 0 (`docs/design.md` §12). Natively ([`challenge`]) and as a chip ([`ChallengeConfig`]).
//!
//! Rows of the chip (`ROWS = 69`), state in six advice columns `x`, S-box squares in six more
//! `c`, round constants in six fixed columns `f`:
//!
//! ```text
//! row 0          x = [0, R8.x, R8.y, A.x, A.y, M]               q_capacity
//! rows 0..=3     full rounds                                     q_full
//! rows 4..=63    partial rounds                                  q_partial
//! rows 64..=67   full rounds                                     q_full
//! row 68         the permuted state; hm = x_0
//! ```

use super::curve::Point;
use ff::Field;
use halo2_proofs::{
    circuit::{Cell, Region, Value},
    halo2curves::bn256::Fr,
    plonk::{Advice, Column, ConstraintSystem, Error, Expression, Fixed, Selector},
    poly::Rotation,
};
use poseidon_primitives::poseidon::primitives::Spec;
use std::sync::OnceLock;

/// State width.
pub const WIDTH: usize = 6;
/// Full rounds (half before, half after the partial rounds).
pub const FULL_ROUNDS: usize = 8;
/// Partial rounds.
pub const PARTIAL_ROUNDS: usize = 60;
/// Rows of one permutation: one per round and the permuted state.
pub const ROWS: usize = FULL_ROUNDS + PARTIAL_ROUNDS + 1;

/// The `poseidon-primitives` specification of circom's Poseidon of five inputs.
#[derive(Debug, Clone, Copy)]
pub struct CircomPoseidon5;

impl Spec<Fr, WIDTH, 5> for CircomPoseidon5 {
    fn full_rounds() -> usize {
        FULL_ROUNDS
    }
    fn partial_rounds() -> usize {
        PARTIAL_ROUNDS
    }
    fn sbox(val: Fr) -> Fr {
        crate::poseidon::spec::pow5(val)
    }
    fn secure_mds() -> usize {
        0
    }
}

/// Round constants (one row per round) and the MDS matrix.
pub struct Constants {
    /// Round constants.
    pub round_constants: Vec<[Fr; WIDTH]>,
    /// The MDS matrix.
    pub mds: [[Fr; WIDTH]; WIDTH],
}

/// The constants, computed once.
pub fn constants() -> &'static Constants {
    static CONSTANTS: OnceLock<Constants> = OnceLock::new();
    CONSTANTS.get_or_init(|| {
        let (round_constants, mds, _) = CircomPoseidon5::constants();
        Constants { round_constants, mds }
    })
}

/// Whether round `round` is a full one.
pub fn is_full(round: usize) -> bool {
    !(FULL_ROUNDS / 2..FULL_ROUNDS / 2 + PARTIAL_ROUNDS).contains(&round)
}

/// The states entering each round and the permuted state (`ROWS` states), with the squares of
/// the S-box inputs of each round (`u_j^2` for every word of a full round, word 0 only of a
/// partial one; the others 0).
pub fn permutation_rows(initial: [Fr; WIDTH]) -> (Vec<[Fr; WIDTH]>, Vec<[Fr; WIDTH]>) {
    let Constants { round_constants, mds } = constants();
    let mut states = vec![initial];
    let mut squares = Vec::with_capacity(ROWS);
    for (round, rc) in round_constants.iter().enumerate() {
        let state = states[round];
        let u: [Fr; WIDTH] = std::array::from_fn(|j| state[j] + rc[j]);
        let sboxed = if is_full(round) { WIDTH } else { 1 };
        let squares_row: [Fr; WIDTH] = std::array::from_fn(|j| if j < sboxed { u[j].square() } else { Fr::ZERO });
        let w: [Fr; WIDTH] = std::array::from_fn(|j| if j < sboxed { squares_row[j].square() * u[j] } else { u[j] });
        states.push(std::array::from_fn(|i| (0..WIDTH).fold(Fr::ZERO, |acc, j| acc + mds[i][j] * w[j])));
        squares.push(squares_row);
    }
    squares.push([Fr::ZERO; WIDTH]);
    (states, squares)
}

/// `hm = Poseidon5(R8.x, R8.y, A.x, A.y, M)`.
pub fn challenge(r8: &Point, key: &Point, message: Fr) -> Fr {
    permutation_rows([Fr::ZERO, r8.x, r8.y, key.x, key.y, message]).0[ROWS - 1][0]
}

/// Columns and selectors of the challenge chip.
#[derive(Clone, Debug)]
pub struct ChallengeConfig {
    /// The state.
    pub x: [Column<Advice>; WIDTH],
    /// The S-box squares.
    pub c: [Column<Advice>; WIDTH],
    /// The round constants.
    pub f: [Column<Fixed>; WIDTH],
    /// A full round from this row to the next.
    pub q_full: Selector,
    /// A partial round from this row to the next.
    pub q_partial: Selector,
    /// The first row: the capacity word is 0.
    pub q_capacity: Selector,
}

impl ChallengeConfig {
    /// Creates the gates and enables equality on the state columns (the inputs on row 0, `hm`
    /// on the last row). Degree at most 4, selector included.
    pub fn configure(
        meta: &mut ConstraintSystem<Fr>,
        x: [Column<Advice>; WIDTH],
        c: [Column<Advice>; WIDTH],
        f: [Column<Fixed>; WIDTH],
    ) -> Self {
        for column in x {
            meta.enable_equality(column);
        }
        let config = ChallengeConfig { x, c, f, q_full: meta.selector(), q_partial: meta.selector(), q_capacity: meta.selector() };
        let mds = constants().mds;
        let mds_row =
            |i: usize, w: &[Expression<Fr>; WIDTH]| (0..WIDTH).map(|j| w[j].clone() * mds[i][j]).reduce(|a, b| a + b).expect("six words");

        // u_j = x_j + f_j;  c_j = u_j^2;  x'_i = sum_j M_ij c_j^2 u_j
        meta.create_gate("challenge: full round", |meta| {
            let q = meta.query_selector(config.q_full);
            let u: [Expression<Fr>; WIDTH] =
                std::array::from_fn(|j| meta.query_advice(x[j], Rotation::cur()) + meta.query_fixed(f[j], Rotation::cur()));
            let cs: [Expression<Fr>; WIDTH] = std::array::from_fn(|j| meta.query_advice(c[j], Rotation::cur()));
            let w: [Expression<Fr>; WIDTH] = std::array::from_fn(|j| cs[j].clone() * cs[j].clone() * u[j].clone());
            let mut constraints: Vec<(String, Expression<Fr>)> =
                (0..WIDTH).map(|j| (format!("c_{j} = u_{j}^2"), q.clone() * (cs[j].clone() - u[j].clone() * u[j].clone()))).collect();
            constraints.extend((0..WIDTH).map(|i| {
                let next = meta.query_advice(x[i], Rotation::next());
                (format!("x'_{i} = sum_j M_{i}j c_j^2 u_j"), q.clone() * (next - mds_row(i, &w)))
            }));
            constraints
        });

        // u_j = x_j + f_j;  c_0 = u_0^2;  x'_i = M_i0 c_0^2 u_0 + sum_{j > 0} M_ij u_j
        meta.create_gate("challenge: partial round", |meta| {
            let q = meta.query_selector(config.q_partial);
            let u: [Expression<Fr>; WIDTH] =
                std::array::from_fn(|j| meta.query_advice(x[j], Rotation::cur()) + meta.query_fixed(f[j], Rotation::cur()));
            let c0 = meta.query_advice(c[0], Rotation::cur());
            let w: [Expression<Fr>; WIDTH] =
                std::array::from_fn(|j| if j == 0 { c0.clone() * c0.clone() * u[0].clone() } else { u[j].clone() });
            let mut constraints = vec![("c_0 = u_0^2".to_string(), q.clone() * (c0.clone() - u[0].clone() * u[0].clone()))];
            constraints.extend((0..WIDTH).map(|i| {
                let next = meta.query_advice(x[i], Rotation::next());
                (format!("x'_{i} = M_{i}0 c_0^2 u_0 + sum_(j > 0) M_{i}j u_j"), q.clone() * (next - mds_row(i, &w)))
            }));
            constraints
        });

        // x_0 = 0
        meta.create_gate("challenge: capacity", |meta| {
            let q = meta.query_selector(config.q_capacity);
            vec![("x_0 = 0", q * meta.query_advice(x[0], Rotation::cur()))]
        });
        config
    }

    /// Writes the permutation of `[0, R8.x, R8.y, A.x, A.y, M]` into `region` from `offset` and
    /// returns the input cells (`R8.x, R8.y, A.x, A.y, M`, to copy in) and `hm`'s.
    pub fn assign(
        &self,
        region: &mut Region<'_, Fr>,
        offset: usize,
        states: &[[Fr; WIDTH]],
        squares: &[[Fr; WIDTH]],
    ) -> Result<ChallengeCells, Error> {
        assert!(states.len() == ROWS && squares.len() == ROWS, "one permutation's rows");
        let Constants { round_constants, .. } = constants();
        let mut inputs = Vec::with_capacity(WIDTH - 1);
        let mut hm = None;
        for row in 0..ROWS {
            for j in 0..WIDTH {
                let cell = region.assign_advice(self.x[j], offset + row, Value::known(states[row][j])).cell();
                region.assign_advice(self.c[j], offset + row, Value::known(squares[row][j]));
                if row < ROWS - 1 {
                    region.assign_fixed(self.f[j], offset + row, round_constants[row][j]);
                }
                match (row, j) {
                    (0, 1..) => inputs.push(cell),
                    (r, 0) if r == ROWS - 1 => hm = Some(cell),
                    _ => {}
                }
            }
            if row < ROWS - 1 {
                let selector = if is_full(row) { self.q_full } else { self.q_partial };
                selector.enable(region, offset + row)?;
            }
        }
        self.q_capacity.enable(region, offset)?;
        Ok(ChallengeCells { inputs: inputs.try_into().expect("five inputs"), hm: hm.expect("the last row") })
    }
}

/// The cells of one challenge that other regions copy.
#[derive(Clone, Copy, Debug)]
pub struct ChallengeCells {
    /// `R8.x, R8.y, A.x, A.y, M`.
    pub inputs: [Cell; 5],
    /// `hm`.
    pub hm: Cell,
}
