//! The Poseidon chip: proves a sponge on the eight state columns with gates of degree at most 4
//! (selector included), so that the circuit's degree stays 5 (set by the range lookup) and the
//! prover's quotient works on a 4x rather than an 8x extended domain. Each S-box `s = u^5`
//! takes one extra cell, the square `w = u^2`: `w = u^2` and `s = w^2 u`.
//!
//! Rows of one sponge (`m` blocks of seven inputs):
//!
//! ```text
//! row 0            initial state [domain, 0, ..., 0]             (cells fixed to constants)
//! per block:
//!   absorb row     the state so far                               q_absorb
//!   input row      7 inputs in columns 0..7 (column 7 unused)
//!   full round     x (+ its round constants), w = (x + rc)^2      q_full on the x row
//!                  (x 4: rounds 1..4)
//!   partial chunk  x (+ f), w = u^2 (+ g), s = w^2 u              q_partial on the x row
//!                  (x 8: eight partial rounds each)
//!   full round     (x 4: rounds 5..8)
//!   output         the state after the permutation (= next absorb row)
//! ```
//!
//! A block takes `1 + 41` rows, a sponge `42 m + 1`. The digest is column 1 of the last output.

use super::native::{full_round, partial_chunk};
use ff::Field;
use super::spec::{constants, CHUNK, CHUNKS, FULL_ROUNDS, RATE, WIDTH};
use halo2_proofs::{
    halo2curves::bn256::Fr,
    plonk::{Advice, Column, ConstraintSystem, Expression, Fixed, Selector},
    poly::Rotation,
};

/// Rows of one permutation, from its input state to its output state inclusive.
pub const PERMUTATION_ROWS: usize = 1 + 2 * FULL_ROUNDS + 3 * CHUNKS;

/// Rows a sponge over `inputs` elements occupies.
pub fn sponge_rows(inputs: usize) -> usize {
    let blocks = inputs.div_ceil(RATE).max(1);
    1 + blocks * (1 + PERMUTATION_ROWS)
}

/// Columns, round-constant columns and selectors of the Poseidon chip.
#[derive(Clone, Debug)]
pub struct PoseidonConfig {
    /// The state words.
    pub state: [Column<Advice>; WIDTH],
    /// Round constants (full rounds), or the chunk constants (partial rounds).
    pub round_constants: [Column<Fixed>; WIDTH],
    /// A full round from this row over the next two.
    pub q_full: Selector,
    /// A chunk of eight partial rounds from this row over the next three.
    pub q_partial: Selector,
    /// Absorption of the next row's inputs into this row's state, two rows down.
    pub q_absorb: Selector,
}

fn affine(
    form: &super::spec::Affine,
    x: &[Expression<Fr>],
    s: &[Expression<Fr>],
    constant: Expression<Fr>,
) -> Expression<Fr> {
    let mut acc = constant;
    for (c, x) in form.state.iter().zip(x) {
        acc = acc + x.clone() * *c;
    }
    for (c, s) in form.sbox.iter().zip(s) {
        if *c != Fr::ZERO {
            acc = acc + s.clone() * *c;
        }
    }
    acc
}

impl PoseidonConfig {
    /// Creates the gates on `state` columns.
    pub fn configure(meta: &mut ConstraintSystem<Fr>, state: [Column<Advice>; WIDTH]) -> Self {
        let round_constants = [(); WIDTH].map(|_| meta.fixed_column());
        let q_full = meta.selector();
        let q_partial = meta.selector();
        let q_absorb = meta.selector();
        let k = constants();

        // With x on this row, w on the next and y two rows down:
        //   w_j = (x_j + rc_j)^2        y_i = sum_j MDS[i][j] * w_j^2 * (x_j + rc_j)
        meta.create_gate("poseidon: full round", |meta| {
            let q = meta.query_selector(q_full);
            let mut constraints = Vec::with_capacity(2 * WIDTH);
            let mut sboxes = Vec::with_capacity(WIDTH);
            for (column, rc) in state.iter().zip(&round_constants) {
                let u = meta.query_advice(*column, Rotation::cur()) + meta.query_fixed(*rc, Rotation::cur());
                let w = meta.query_advice(*column, Rotation::next());
                constraints.push(q.clone() * (w.clone() - u.clone() * u.clone()));
                sboxes.push(w.clone() * w * u);
            }
            for (column, mds_row) in state.iter().zip(&k.mds) {
                let next = meta.query_advice(*column, Rotation(2));
                let mixed = sboxes
                    .iter()
                    .zip(mds_row)
                    .fold(Expression::Constant(Fr::ZERO), |acc, (s, m)| acc + s.clone() * *m);
                constraints.push(q.clone() * (next - mixed));
            }
            constraints
        });

        // With x on this row, w on the next, s two rows down and y three rows down (f, g the
        // chunk's constants on this and the next row of the round-constant columns), and the
        // S-box inputs u_j = A_j x + B_j s_{<j} + f_j:
        //   w_j = u_j^2      s_j = w_j^2 u_j      y_i = C_i x + D_i s + g_i
        meta.create_gate("poseidon: 8 partial rounds", |meta| {
            let q = meta.query_selector(q_partial);
            let x: Vec<_> = state.iter().map(|c| meta.query_advice(*c, Rotation::cur())).collect();
            let w: Vec<_> = state.iter().map(|c| meta.query_advice(*c, Rotation::next())).collect();
            let s: Vec<_> = state.iter().map(|c| meta.query_advice(*c, Rotation(2))).collect();
            let y: Vec<_> = state.iter().map(|c| meta.query_advice(*c, Rotation(3))).collect();
            let f: Vec<_> = round_constants.iter().map(|c| meta.query_fixed(*c, Rotation::cur())).collect();
            let g: Vec<_> = round_constants.iter().map(|c| meta.query_fixed(*c, Rotation::next())).collect();
            let forms = &k.chunks[0];
            let mut constraints = Vec::with_capacity(3 * WIDTH);
            for j in 0..CHUNK {
                let u = affine(&forms.sbox_input[j], &x, &s[..j], f[j].clone());
                constraints.push(q.clone() * (w[j].clone() - u.clone() * u.clone()));
                constraints.push(q.clone() * (s[j].clone() - w[j].clone() * w[j].clone() * u));
            }
            for i in 0..WIDTH {
                let output = affine(&forms.output[i], &x, &s, g[i].clone());
                constraints.push(q.clone() * (y[i].clone() - output));
            }
            constraints
        });

        // y_0 = x_0;  y_i = x_i + input_{i-1} for i in 1..8
        meta.create_gate("poseidon: absorb", |meta| {
            let q = meta.query_selector(q_absorb);
            (0..WIDTH)
                .map(|i| {
                    let x = meta.query_advice(state[i], Rotation::cur());
                    let y = meta.query_advice(state[i], Rotation(2));
                    let absorbed = if i == 0 { x } else { x + meta.query_advice(state[i - 1], Rotation::next()) };
                    q.clone() * (y - absorbed)
                })
                .collect::<Vec<_>>()
        });

        PoseidonConfig { state, round_constants, q_full, q_partial, q_absorb }
    }
}

/// The assignment of one sponge: every row's state cells and fixed values, and which selectors
/// are on. Computed natively, then written by the layouter.
#[derive(Clone, Debug, Default)]
pub struct SpongeRows {
    /// Advice values, row by row.
    pub advice: Vec<[Fr; WIDTH]>,
    /// Round-constant column values, row by row.
    pub fixed: Vec<[Fr; WIDTH]>,
    /// Rows (relative) with `q_full`.
    pub full: Vec<usize>,
    /// Rows (relative) with `q_partial`.
    pub partial: Vec<usize>,
    /// Rows (relative) with `q_absorb`.
    pub absorb: Vec<usize>,
    /// Rows (relative) holding a block's inputs.
    pub input_rows: Vec<usize>,
}

/// Computes the rows of a sponge over `inputs` (padded with zeros) under `domain`.
pub fn sponge_rows_for(domain: Fr, inputs: &[Fr]) -> SpongeRows {
    let k = constants();
    let zero = Fr::ZERO;
    let mut rows = SpongeRows::default();
    let mut state = [zero; WIDTH];
    state[0] = domain;
    let blocks = inputs.len().div_ceil(RATE).max(1);
    let push = |rows: &mut SpongeRows, advice: [Fr; WIDTH], fixed: [Fr; WIDTH]| {
        rows.advice.push(advice);
        rows.fixed.push(fixed);
        rows.advice.len() - 1
    };
    push(&mut rows, state, [zero; WIDTH]);
    for b in 0..blocks {
        let absorb_row = rows.advice.len() - 1;
        rows.absorb.push(absorb_row);
        let mut input = [zero; WIDTH];
        for j in 0..RATE {
            input[j] = inputs.get(b * RATE + j).copied().unwrap_or(zero);
            state[1 + j] += input[j];
        }
        let r = push(&mut rows, input, [zero; WIDTH]);
        rows.input_rows.push(r);
        let half = FULL_ROUNDS / 2;
        let rc = &k.round_constants;
        let full = |rows: &mut SpongeRows, state: &mut [Fr; WIDTH], r: usize| {
            let row = push(rows, *state, rc[r]);
            rows.full.push(row);
            push(rows, std::array::from_fn(|j| (state[j] + rc[r][j]).square()), [zero; WIDTH]);
            *state = full_round(state, &rc[r]);
        };
        for r in 0..half {
            full(&mut rows, &mut state, r);
        }
        for c in 0..CHUNKS {
            let (inputs, sbox, out) = partial_chunk(&state, c);
            let forms = &k.chunks[c];
            let f = std::array::from_fn(|j| forms.sbox_input[j].constant);
            let g = std::array::from_fn(|i| forms.output[i].constant);
            let row = push(&mut rows, state, f);
            rows.partial.push(row);
            push(&mut rows, inputs.map(|u| u.square()), g);
            push(&mut rows, sbox, [zero; WIDTH]);
            state = out;
        }
        for r in rc.len() - half..rc.len() {
            full(&mut rows, &mut state, r);
        }
        push(&mut rows, state, [zero; WIDTH]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::{
        circuit::{Layouter, SimpleFloorPlanner, Value},
        dev::MockProver,
        plonk::{Circuit, Error},
    };

    /// A sponge laid out alone, with one state cell optionally changed.
    #[derive(Clone)]
    struct SpongeCircuit {
        inputs: Vec<Fr>,
        tamper: Option<(usize, usize)>,
    }

    impl Circuit<Fr> for SpongeCircuit {
        type Config = PoseidonConfig;
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();
        fn without_witnesses(&self) -> Self {
            self.clone()
        }
        fn configure(meta: &mut ConstraintSystem<Fr>) -> PoseidonConfig {
            let state = [(); WIDTH].map(|_| meta.advice_column());
            meta.set_minimum_degree(5);
            PoseidonConfig::configure(meta, state)
        }
        fn synthesize(&self, config: PoseidonConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
            let rows = sponge_rows_for(Fr::from(9), &self.inputs);
            layouter.assign_region(
                || "sponge",
                |mut region| {
                    for (r, (advice, fixed)) in rows.advice.iter().zip(&rows.fixed).enumerate() {
                        for c in 0..WIDTH {
                            let mut v = advice[c];
                            if self.tamper == Some((r, c)) {
                                v += Fr::ONE;
                            }
                            region.assign_advice(config.state[c], r, Value::known(v));
                            region.assign_fixed(config.round_constants[c], r, fixed[c]);
                        }
                    }
                    for &r in &rows.full {
                        config.q_full.enable(&mut region, r)?;
                    }
                    for &r in &rows.partial {
                        config.q_partial.enable(&mut region, r)?;
                    }
                    for &r in &rows.absorb {
                        config.q_absorb.enable(&mut region, r)?;
                    }
                    Ok(())
                },
            )
        }
    }

    fn verdict(tamper: Option<(usize, usize)>) -> bool {
        let circuit = SpongeCircuit { inputs: (1..=10).map(Fr::from).collect(), tamper };
        MockProver::run(7, &circuit, vec![]).unwrap().verify().is_ok()
    }

    #[test]
    fn an_honest_sponge_is_accepted() {
        assert!(verdict(None));
    }

    #[test]
    fn a_changed_cell_in_any_kind_of_row_is_rejected() {
        let rows = sponge_rows_for(Fr::from(9), &(1..=10).map(Fr::from).collect::<Vec<_>>());
        let second_block = rows.input_rows[1];
        let cases = [
            (rows.full[1], 3, "state after a full round"),
            (rows.full[6] + 1, 4, "a square of a full round"),
            (rows.partial[2], 0, "state entering a partial chunk"),
            (rows.partial[2] + 1, 6, "a square of a partial chunk"),
            (rows.partial[2] + 2, 5, "an S-box output of a partial chunk"),
            (rows.partial[7] + 3, 7, "the state after the last chunk"),
            (second_block, 2, "an absorbed input"),
            (second_block + 1, 0, "the capacity word after absorbing"),
            (rows.advice.len() - 1, 1, "the digest"),
        ];
        for (row, col, what) in cases {
            assert!(!verdict(Some((row, col))), "{what} (row {row}, column {col}) was accepted");
        }
    }

    #[test]
    fn sponge_rows_match_the_native_sponge_and_the_row_count() {
        for n in [0usize, 1, 7, 8, 20] {
            let inputs: Vec<Fr> = (0..n).map(|i| Fr::from(i as u64 + 1)).collect();
            let rows = sponge_rows_for(Fr::from(5), &inputs);
            assert_eq!(rows.advice.len(), sponge_rows(n));
            assert_eq!(rows.advice.last().unwrap()[1], super::super::sponge(Fr::from(5), &inputs));
        }
    }
}
