//! The Poseidon chip: proves a sponge with the state in three advice columns `x`, three
//! auxiliary cells per row in three more columns `c` (the S-box squares, and the first S-box
//! output of a double partial row), and the row constants in three columns `f` (in the circuit,
//! constant `j` is in public lane `2 - j` when the circuit has that many lanes, whose sponge rows
//! are otherwise unused, else in a fixed column). Every gate has degree at most 4 (selector
//! included), so the circuit's degree stays 5 (the range lookup's).
//!
//! Rows of one sponge over `m` blocks of two inputs:
//!
//! ```text
//! row 0               f = initial state; c_0, c_1 = first two inputs      q_absorb_first
//! per block:
//!   4 rows            full rounds                                           q_full
//!   1 row             one partial round                                     q_partial
//!   28 rows           two partial rounds each                               q_double_partial
//!   4 rows            full rounds                                           q_full
//!   output row        the state after the permutation; c_0, c_1 = the next
//!                     two inputs (q_absorb), or, after the last block, c_1 =
//!                     the digest (q_digest)
//! ```
//!
//! A sponge takes `38 m + 1` rows. Only `c_0` and `c_1` take part in copy constraints (inputs
//! and digest).

use super::spec::{constants, row_values, RoundRow, SpongeRowKind, PERMUTATION_ROWS, RATE, WIDTH};
use crate::context::{Cell, Context, Switch};
use crate::layout::{SPONGE_CELLS, SPONGE_STATE};
use ff::Field;
use halo2_proofs::{
    halo2curves::bn256::Fr,
    plonk::{Advice, Any, Column, ConstraintSystem, Expression, Selector},
    poly::Rotation,
};

pub use super::spec::sponge_rows;

/// Columns and selectors of the Poseidon chip.
#[derive(Clone, Debug)]
pub struct PoseidonConfig {
    /// The stored state.
    pub x: [Column<Advice>; WIDTH],
    /// Auxiliary cells (squares, an S-box output), inputs and the digest (`c_0`, `c_1`).
    pub c: [Column<Advice>; WIDTH],
    /// Row constants (fixed or public columns).
    pub f: [Column<Any>; WIDTH],
    /// One full round from this row to the next.
    pub q_full: Selector,
    /// One partial round from this row to the next.
    pub q_partial: Selector,
    /// Two partial rounds from this row to the next.
    pub q_double_partial: Selector,
    /// The first block: the next row's state is `f` plus the inputs in `c_0, c_1`.
    pub q_absorb_first: Selector,
    /// A later block: the next row's state is this row's plus the inputs in `c_0, c_1`.
    pub q_absorb: Selector,
    /// The digest: `c_1` is word 1 of this row's state.
    pub q_digest: Selector,
    /// With signed holdings, the digest of `P(a, b)`: `c_1` is word 0 of this row's state
    /// ([`PoseidonConfig::with_word0_digest`]).
    pub q_digest_word0: Option<Selector>,
}

fn mds_row(i: usize, terms: [Expression<Fr>; WIDTH]) -> Expression<Fr> {
    let m = &constants().mds;
    let [a, b, c] = terms;
    a * m[i][0] + b * m[i][1] + c * m[i][2]
}

impl PoseidonConfig {
    /// Creates the gates.
    pub fn configure(
        meta: &mut ConstraintSystem<Fr>,
        x: [Column<Advice>; WIDTH],
        c: [Column<Advice>; WIDTH],
        f: [Column<Any>; WIDTH],
    ) -> Self {
        let q_full = meta.selector();
        let q_partial = meta.selector();
        let q_double_partial = meta.selector();
        let q_absorb_first = meta.selector();
        let q_absorb = meta.selector();
        let q_digest = meta.selector();
        let cur = |meta: &mut halo2_proofs::plonk::VirtualCells<'_, Fr>, cols: &[Column<Advice>; WIDTH]| {
            cols.map(|col| meta.query_advice(col, Rotation::cur()))
        };

        // u_j = x_j + f_j;  c_j = u_j^2;  x'_i = sum_j M_ij c_j^2 u_j
        meta.create_gate("poseidon: full round", |meta| {
            let q = meta.query_selector(q_full);
            let xs = cur(meta, &x);
            let cs = cur(meta, &c);
            let next = x.map(|col| meta.query_advice(col, Rotation::next()));
            let fs = f.map(|col| meta.query_any(col, Rotation::cur()));
            let u: [Expression<Fr>; WIDTH] = std::array::from_fn(|j| xs[j].clone() + fs[j].clone());
            let s: [Expression<Fr>; WIDTH] = std::array::from_fn(|j| cs[j].clone() * cs[j].clone() * u[j].clone());
            let mut constraints: Vec<(String, Expression<Fr>)> =
                (0..WIDTH).map(|j| (format!("c_{j} = u_{j}^2"), q.clone() * (cs[j].clone() - u[j].clone() * u[j].clone()))).collect();
            constraints.extend(
                (0..WIDTH).map(|i| (format!("x'_{i} = sum_j M_{i}j c_j^2 u_j"), q.clone() * (next[i].clone() - mds_row(i, s.clone())))),
            );
            constraints
        });

        // u = x_0 + f_0;  c_0 = u^2;  x' = M (c_0^2 u, x_1, x_2)
        meta.create_gate("poseidon: partial round", |meta| {
            let q = meta.query_selector(q_partial);
            let xs = cur(meta, &x);
            let c0 = meta.query_advice(c[0], Rotation::cur());
            let next = x.map(|col| meta.query_advice(col, Rotation::next()));
            let u = xs[0].clone() + meta.query_any(f[0], Rotation::cur());
            let s = c0.clone() * c0.clone() * u.clone();
            let mut constraints = vec![("c_0 = u^2".to_string(), q.clone() * (c0 - u.clone() * u))];
            constraints.extend((0..WIDTH).map(|i| {
                (
                    format!("x'_{i} = M_{i} (c_0^2 u, x_1, x_2)"),
                    q.clone() * (next[i].clone() - mds_row(i, [s.clone(), xs[1].clone(), xs[2].clone()])),
                )
            }));
            constraints
        });

        // u = x_0 + f_0;  c_0 = u^2;  c_1 = c_0^2 u;  y = M (c_1, x_1, x_2);
        // v = y_0 + f_1;  c_2 = v^2;  x' = M (c_2^2 v, y_1, y_2)
        meta.create_gate("poseidon: two partial rounds", |meta| {
            let q = meta.query_selector(q_double_partial);
            let xs = cur(meta, &x);
            let cs = cur(meta, &c);
            let next = x.map(|col| meta.query_advice(col, Rotation::next()));
            let u = xs[0].clone() + meta.query_any(f[0], Rotation::cur());
            let y: [Expression<Fr>; WIDTH] = std::array::from_fn(|i| mds_row(i, [cs[1].clone(), xs[1].clone(), xs[2].clone()]));
            let v = y[0].clone() + meta.query_any(f[1], Rotation::cur());
            let s = cs[2].clone() * cs[2].clone() * v.clone();
            let mut constraints = vec![
                ("c_0 = u^2".to_string(), q.clone() * (cs[0].clone() - u.clone() * u.clone())),
                ("c_1 = c_0^2 u".to_string(), q.clone() * (cs[1].clone() - cs[0].clone() * cs[0].clone() * u)),
                ("c_2 = v^2".to_string(), q.clone() * (cs[2].clone() - v.clone() * v)),
            ];
            constraints.extend((0..WIDTH).map(|i| {
                (
                    format!("x'_{i} = M_{i} (c_2^2 v, y_1, y_2)"),
                    q.clone() * (next[i].clone() - mds_row(i, [s.clone(), y[1].clone(), y[2].clone()])),
                )
            }));
            constraints
        });

        // x'_0 = f_0;  x'_1 = f_1 + c_0;  x'_2 = f_2 + c_1
        meta.create_gate("poseidon: absorb the first block", |meta| {
            let q = meta.query_selector(q_absorb_first);
            let next = x.map(|col| meta.query_advice(col, Rotation::next()));
            let fs = f.map(|col| meta.query_any(col, Rotation::cur()));
            let inputs = [c[0], c[1]].map(|col| meta.query_advice(col, Rotation::cur()));
            vec![
                ("x'_0 = f_0", q.clone() * (next[0].clone() - fs[0].clone())),
                ("x'_1 = f_1 + c_0", q.clone() * (next[1].clone() - fs[1].clone() - inputs[0].clone())),
                ("x'_2 = f_2 + c_1", q * (next[2].clone() - fs[2].clone() - inputs[1].clone())),
            ]
        });

        // x'_0 = x_0;  x'_1 = x_1 + c_0;  x'_2 = x_2 + c_1
        meta.create_gate("poseidon: absorb a block", |meta| {
            let q = meta.query_selector(q_absorb);
            let xs = cur(meta, &x);
            let next = x.map(|col| meta.query_advice(col, Rotation::next()));
            let inputs = [c[0], c[1]].map(|col| meta.query_advice(col, Rotation::cur()));
            vec![
                ("x'_0 = x_0", q.clone() * (next[0].clone() - xs[0].clone())),
                ("x'_1 = x_1 + c_0", q.clone() * (next[1].clone() - xs[1].clone() - inputs[0].clone())),
                ("x'_2 = x_2 + c_1", q * (next[2].clone() - xs[2].clone() - inputs[1].clone())),
            ]
        });

        // c_1 = x_1
        meta.create_gate("poseidon: digest", |meta| {
            let q = meta.query_selector(q_digest);
            let digest = meta.query_advice(c[1], Rotation::cur());
            let word = meta.query_advice(x[1], Rotation::cur());
            vec![("c_1 = x_1", q * (digest - word))]
        });

        PoseidonConfig { x, c, f, q_full, q_partial, q_double_partial, q_absorb_first, q_absorb, q_digest, q_digest_word0: None }
    }

    /// Adds the gate reading word 0 as the digest (only circuits that hash with `P` have it, so
    /// the others' keys are unchanged).
    pub fn with_word0_digest(mut self, meta: &mut ConstraintSystem<Fr>) -> Self {
        let q_digest_word0 = meta.selector();
        let (c, x) = (self.c, self.x);
        // c_1 = x_0
        meta.create_gate("poseidon: digest of word 0", |meta| {
            let q = meta.query_selector(q_digest_word0);
            let digest = meta.query_advice(c[1], Rotation::cur());
            let word = meta.query_advice(x[0], Rotation::cur());
            vec![("c_1 = x_0", q * (digest - word))]
        });
        self.q_digest_word0 = Some(q_digest_word0);
        self
    }

    /// The selector of a row kind.
    ///
    /// # Panics
    /// For [`SpongeRowKind::DigestWord0`] in a configuration without that gate.
    pub fn selector(&self, kind: SpongeRowKind) -> Selector {
        match kind {
            SpongeRowKind::AbsorbFirst => self.q_absorb_first,
            SpongeRowKind::Absorb => self.q_absorb,
            SpongeRowKind::Digest => self.q_digest,
            SpongeRowKind::DigestWord0 => self.q_digest_word0.expect("a configuration with the digest of word 0"),
            SpongeRowKind::Round(RoundRow::Full) => self.q_full,
            SpongeRowKind::Round(RoundRow::Partial) => self.q_partial,
            SpongeRowKind::Round(RoundRow::DoublePartial) => self.q_double_partial,
        }
    }
}

/// The assignment of one sponge, row by row. Computed natively, then written by the layout.
#[derive(Clone, Debug, Default)]
pub struct SpongeRows {
    /// The stored state `x`.
    pub x: Vec<[Fr; WIDTH]>,
    /// The cells `c` (inputs at absorb rows, the digest at the last row).
    pub c: Vec<[Fr; WIDTH]>,
    /// The fixed values `f`.
    pub f: Vec<[Fr; WIDTH]>,
    /// The selector of each row.
    pub kinds: Vec<SpongeRowKind>,
}

impl SpongeRows {
    /// The rows at which inputs `2b` and `2b + 1` sit in `c_0` and `c_1`.
    pub fn input_row(block: usize) -> usize {
        block * (PERMUTATION_ROWS + 1)
    }

    /// The digest (in `c_1` of the last row).
    pub fn digest(&self) -> Fr {
        self.c.last().expect("a sponge has rows")[1]
    }
}

/// The row constants of a sponge over `inputs` elements from `initial` (whose word 2 is 0), by
/// constant column: public lane `l` holds column `2 - l`'s in the sponge rows.
pub fn sponge_public_constants(initial: [Fr; WIDTH], inputs: usize) -> [Vec<Fr>; WIDTH] {
    let rows = sponge_rows_for(initial, &vec![Fr::ZERO; inputs]);
    std::array::from_fn(|j| rows.f.iter().map(|f| f[j]).collect())
}

/// Computes the rows of a sponge from `initial` over `inputs` (padded with zeros).
pub fn sponge_rows_for(initial: [Fr; WIDTH], inputs: &[Fr]) -> SpongeRows {
    let k = constants();
    let zero = [Fr::ZERO; WIDTH];
    let blocks = super::native::blocks(inputs.len());
    let input = |b: usize, j: usize| inputs.get(b * RATE + j).copied().unwrap_or(Fr::ZERO);
    let mut rows = SpongeRows::default();
    rows.x.push(zero);
    rows.c.push([input(0, 0), input(0, 1), Fr::ZERO]);
    rows.f.push(initial);
    rows.kinds.push(SpongeRowKind::AbsorbFirst);
    let mut state = [initial[0], initial[1] + input(0, 0), initial[2] + input(0, 1)];
    for b in 0..blocks {
        for (kind, f) in &k.schedule {
            let values = row_values(*kind, &state, f);
            rows.x.push(state);
            rows.c.push(values.cells);
            rows.f.push(*f);
            rows.kinds.push(SpongeRowKind::Round(*kind));
            state = values.next;
        }
        rows.x.push(state);
        rows.f.push(zero);
        if b + 1 < blocks {
            rows.c.push([input(b + 1, 0), input(b + 1, 1), Fr::ZERO]);
            rows.kinds.push(SpongeRowKind::Absorb);
            state = [state[0], state[1] + input(b + 1, 0), state[2] + input(b + 1, 1)];
        } else {
            rows.c.push([Fr::ZERO, state[1], Fr::ZERO]);
            rows.kinds.push(SpongeRowKind::Digest);
        }
    }
    rows
}

/// The rows of `P(a, b)`: the sponge from `(0, 0, 0)` over `a, b`, its digest word 0 of the
/// permuted state.
pub fn pair_rows(a: Fr, b: Fr) -> SpongeRows {
    let mut rows = sponge_rows_for([Fr::ZERO; WIDTH], &[a, b]);
    let last = rows.x.len() - 1;
    rows.c[last] = [Fr::ZERO, rows.x[last][0], Fr::ZERO];
    rows.kinds[last] = SpongeRowKind::DigestWord0;
    rows
}

/// Hashing cells of a [`Context`].
pub trait HashInstructions {
    /// The sponge from `initial` (word 2 must be 0) over `inputs`, laid out from row `start`, its
    /// constants `j < fixed` in fixed columns (the others are in the public lanes, see
    /// [`sponge_public_constants`]); returns the digest's cell (in the main column's copy-enabled
    /// auxiliary column).
    fn hash(&self, ctx: &mut Context, start: usize, fixed: usize, initial: [Fr; WIDTH], inputs: &[Cell]) -> Cell;

    /// `P(a, b)` laid out from row `start` ([`pair_rows`], `sponge_rows(2)` rows), its constants
    /// placed as [`HashInstructions::hash`]'s; returns the digest's cell.
    fn hash_pair(&self, ctx: &mut Context, start: usize, fixed: usize, a: Cell, b: Cell) -> Cell;
}

/// The sponge's chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct SpongeChip;

impl HashInstructions for SpongeChip {
    fn hash(&self, ctx: &mut Context, start: usize, fixed: usize, initial: [Fr; WIDTH], inputs: &[Cell]) -> Cell {
        let values: Vec<Fr> = inputs.iter().map(|c| c.value).collect();
        debug_assert_eq!(initial[2], Fr::ZERO, "word 2 of the initial state is not in a public lane");
        place_sponge(ctx, start, fixed, &sponge_rows_for(initial, &values), inputs)
    }

    fn hash_pair(&self, ctx: &mut Context, start: usize, fixed: usize, a: Cell, b: Cell) -> Cell {
        place_sponge(ctx, start, fixed, &pair_rows(a.value, b.value), &[a, b])
    }
}

/// Records a sponge's rows from row `start`: state and cells, constants `j < fixed`, selectors,
/// the inputs copied in; returns the digest's cell.
fn place_sponge(ctx: &mut Context, start: usize, fixed: usize, rows: &SpongeRows, inputs: &[Cell]) -> Cell {
    let zero = ctx.load_constant(Fr::ZERO);
    let mut digest = None;
    for r in 0..rows.x.len() {
        let row = start + r;
        for (j, column) in SPONGE_STATE.iter().enumerate() {
            ctx.assign_at(*column, row, rows.x[r][j]);
        }
        let cells: [Cell; WIDTH] = std::array::from_fn(|j| ctx.assign_at(SPONGE_CELLS[j], row, rows.c[r][j]));
        for (j, value) in rows.f[r].iter().take(fixed).enumerate() {
            if *value != Fr::ZERO {
                ctx.fixed(j, row, *value);
            }
        }
        let kind = rows.kinds[r];
        ctx.switch(Switch::Sponge(kind), row);
        match kind {
            SpongeRowKind::AbsorbFirst | SpongeRowKind::Absorb => {
                let block = r / (PERMUTATION_ROWS + 1);
                for (j, cell) in cells.iter().take(RATE).enumerate() {
                    // Inputs are copies; padding is 0.
                    ctx.constrain_equal(*cell, inputs.get(block * RATE + j).copied().unwrap_or(zero));
                }
            }
            SpongeRowKind::Digest | SpongeRowKind::DigestWord0 => digest = Some(cells[1]),
            SpongeRowKind::Round(_) => {}
        }
    }
    digest.expect("a sponge ends with its digest")
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::{
        circuit::{Layouter, SimpleFloorPlanner, Value},
        dev::MockProver,
        plonk::{Circuit, Error},
    };

    #[derive(Clone)]
    struct SpongeCircuit {
        rows: SpongeRows,
        /// (row, column index: 0..3 for x, 3..6 for c) of a cell moved by one.
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
            let x = [(); WIDTH].map(|_| meta.advice_column());
            let c = [(); WIDTH].map(|_| meta.advice_column());
            let f = [(); WIDTH].map(|_| meta.fixed_column().into());
            PoseidonConfig::configure(meta, x, c, f).with_word0_digest(meta)
        }

        fn synthesize(&self, config: PoseidonConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
            let rows = &self.rows;
            layouter.assign_region(
                || "sponge",
                |mut region| {
                    for r in 0..rows.x.len() {
                        for j in 0..WIDTH {
                            let bump = |col: usize| if self.tamper == Some((r, col)) { Fr::ONE } else { Fr::ZERO };
                            region.assign_advice(config.x[j], r, Value::known(rows.x[r][j] + bump(j)));
                            region.assign_advice(config.c[j], r, Value::known(rows.c[r][j] + bump(WIDTH + j)));
                            let fixed = halo2_proofs::plonk::Column::<halo2_proofs::plonk::Fixed>::try_from(config.f[j]).unwrap();
                            region.assign_fixed(fixed, r, rows.f[r][j]);
                        }
                        config.selector(rows.kinds[r]).enable(&mut region, r)?;
                    }
                    Ok(())
                },
            )
        }
    }

    fn failures(tamper: Option<(usize, usize)>) -> Vec<String> {
        let inputs: Vec<Fr> = (1..=5).map(Fr::from).collect();
        pair_failures(sponge_rows_for([Fr::from(9), Fr::from(4), Fr::ZERO], &inputs), tamper)
    }

    fn pair_failures(rows: SpongeRows, tamper: Option<(usize, usize)>) -> Vec<String> {
        let circuit = SpongeCircuit { rows, tamper };
        match MockProver::run(8, &circuit, vec![]).unwrap().verify() {
            Ok(()) => vec![],
            Err(failures) => failures.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn an_honest_sponge_is_accepted_and_gives_the_native_digest() {
        assert_eq!(failures(None), Vec::<String>::new());
        let inputs: Vec<Fr> = (1..=5).map(Fr::from).collect();
        let initial = [Fr::from(9), Fr::from(4), Fr::ZERO];
        let rows = sponge_rows_for(initial, &inputs);
        assert_eq!(rows.x.len(), sponge_rows(inputs.len()));
        assert_eq!(rows.digest(), super::super::sponge(initial, &inputs));
    }

    #[test]
    fn a_pair_hash_gives_circomlibs_poseidon_and_refuses_another_digest() {
        let rows = pair_rows(Fr::from(1), Fr::from(2));
        assert_eq!(rows.digest(), super::super::hash_pair(Fr::from(1), Fr::from(2)));
        assert_eq!(rows.x.len(), sponge_rows(2));
        assert_eq!(pair_failures(rows.clone(), None), Vec::<String>::new());
        let last = rows.x.len() - 1;
        let found = pair_failures(rows, Some((last, WIDTH + 1)));
        assert!(found.iter().any(|f| f.contains("('poseidon: digest of word 0')") && f.contains("('c_1 = x_0') in gate")), "{found:?}");
    }

    #[test]
    fn a_changed_cell_in_any_kind_of_row_is_rejected_by_its_gate() {
        let second = SpongeRows::input_row(1);
        // (row, column, gate, the constraint that fails, what the cell is)
        let cases = [
            (2, 1, "poseidon: full round", "c_1 = u_1^2", "state entering a full round"),
            (3, WIDTH + 2, "poseidon: full round", "c_2 = u_2^2", "a square of a full round"),
            (3, WIDTH + 2, "poseidon: full round", "x'_0 = sum_j M_0j c_j^2 u_j", "a square of a full round, in the next state"),
            (5, WIDTH, "poseidon: partial round", "c_0 = u^2", "the square of the single partial round"),
            (10, 0, "poseidon: two partial rounds", "c_0 = u^2", "state entering two partial rounds"),
            (10, WIDTH + 1, "poseidon: two partial rounds", "c_1 = c_0^2 u", "the first S-box output of two partial rounds"),
            (10, WIDTH + 1, "poseidon: two partial rounds", "c_2 = v^2", "the first S-box output, through v"),
            (11, WIDTH + 2, "poseidon: two partial rounds", "c_2 = v^2", "the second square of two partial rounds"),
            (11, WIDTH + 2, "poseidon: two partial rounds", "x'_1 = M_1 (c_2^2 v, y_1, y_2)", "the second square, in the next state"),
            (second, WIDTH, "poseidon: absorb a block", "x'_1 = x_1 + c_0", "an absorbed input"),
            (0, WIDTH + 1, "poseidon: absorb the first block", "x'_2 = f_2 + c_1", "an input of the first block"),
            (3 * (PERMUTATION_ROWS + 1), WIDTH + 1, "poseidon: digest", "c_1 = x_1", "the digest"),
        ];
        for (row, col, gate, constraint, what) in cases {
            let found = failures(Some((row, col)));
            let (gate, constraint) = (format!("('{gate}')"), format!("('{constraint}') in gate"));
            assert!(found.iter().any(|f| f.contains(&gate) && f.contains(&constraint)), "{what} (row {row}, column {col}): {found:?}");
        }
    }
}
