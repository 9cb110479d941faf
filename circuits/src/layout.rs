//! Places a built [`Context`] into the circuit's columns.
//!
//! Rows `0..4` hold copies of the four public inputs' cells in column 0, each equal by a gate to
//! the instance column's value on its row (so the instance column stays out of the permutation
//! argument, whose nine columns then fill exactly three chunks). The Poseidon sponges follow (all
//! eight advice columns), then the main virtual column, cut into the seven main columns, next to
//! the range checks' running sums in column 0. A gate never straddles two columns: when one would,
//! its first cell is copied to the top of the next column.

use crate::context::{Context, HashInput};
use crate::gate::{MainGateConfig, MAIN_COLUMNS};
use crate::poseidon::chip::{sponge_rows, sponge_rows_for, PoseidonConfig};
use crate::poseidon::spec::{RATE, WIDTH};
use crate::range::{running_sums, RangeConfig};
use ff::Field;
use halo2_proofs::{
    circuit::{Cell as Halo2Cell, Region, Value},
    halo2curves::bn256::Fr,
    plonk::{Advice, Column, ConstraintSystem, Error, Fixed, Instance, Selector},
    poly::Rotation,
};
use std::collections::HashMap;

/// Every column of the solvent circuit and the chips on them.
#[derive(Clone, Debug)]
pub struct SolventConfig {
    /// The eight advice columns (Poseidon state; column 0 also carries range checks and
    /// columns 1..8 the main gate).
    pub advice: [Column<Advice>; WIDTH],
    /// Constants that cells are fixed to.
    pub constants: Column<Fixed>,
    /// The public inputs.
    pub instance: Column<Instance>,
    /// On at the rows of the public inputs' copies.
    pub q_public: Selector,
    /// The main gate.
    pub main: MainGateConfig,
    /// The range lookup.
    pub range: RangeConfig,
    /// Poseidon.
    pub poseidon: PoseidonConfig,
}

impl SolventConfig {
    /// Creates every column, gate and lookup.
    pub fn configure(meta: &mut ConstraintSystem<Fr>) -> Self {
        let advice = [(); WIDTH].map(|_| meta.advice_column());
        for column in advice {
            meta.enable_equality(column);
        }
        let constants = meta.fixed_column();
        meta.enable_equality(constants);
        let instance = meta.instance_column();
        let q_public = meta.selector();
        // q_public * (a_0 - instance) = 0
        meta.create_gate("public input: the cell is the instance value", |meta| {
            let q = meta.query_selector(q_public);
            let cell = meta.query_advice(advice[0], Rotation::cur());
            let value = meta.query_instance(instance, Rotation::cur());
            vec![q * (cell - value)]
        });
        let main = MainGateConfig::configure(meta, std::array::from_fn(|i| advice[i + 1]));
        let range = RangeConfig::configure(meta, advice[0]);
        let poseidon = PoseidonConfig::configure(meta, advice);
        // Degree 5 (the range lookup's); set explicitly because halo2-axiom caps the computed
        // degree by the MAX_DEGREE environment variable.
        meta.set_minimum_degree(5);
        SolventConfig { advice, constants, instance, q_public, main, range, poseidon }
    }
}

/// Where the cells of the main virtual column go.
#[derive(Clone, Debug)]
pub struct MainPlan {
    /// Height of the main region.
    pub height: usize,
    /// (column, row within the region) of each cell's first placement.
    pub placements: Vec<(usize, usize)>,
    /// Extra copies of cells that start a gate at the top of a column: (cell, column, row).
    pub duplicates: Vec<(usize, usize, usize)>,
    /// (column, row) of each gate's first cell.
    pub gates: Vec<(usize, usize)>,
}

/// Cuts the main virtual column into columns of `height` rows; `None` if it does not fit.
pub fn plan_main(ctx: &Context, height: usize) -> Option<MainPlan> {
    let n = ctx.cells.len();
    let mut gate_at = vec![false; n];
    for &g in &ctx.gates {
        gate_at[g] = true;
    }
    let mut plan = MainPlan { height, placements: vec![(0, 0); n], duplicates: Vec::new(), gates: Vec::new() };
    let (mut col, mut row, mut covered_until) = (0usize, 0usize, 0usize);
    for (i, &starts_gate) in gate_at.iter().enumerate() {
        if row == height {
            debug_assert!(i >= covered_until, "a gate was cut");
            col += 1;
            row = 0;
        }
        if starts_gate && row + 4 > height {
            if i < covered_until {
                // `i` ends the previous gate here and starts the next one in a new column.
                plan.placements[i] = (col, row);
                col += 1;
                row = 0;
                if col >= MAIN_COLUMNS {
                    return None;
                }
                plan.duplicates.push((i, col, row));
                plan.gates.push((col, row));
                covered_until = i + 4;
                row += 1;
                continue;
            }
            col += 1;
            row = 0;
        }
        if col >= MAIN_COLUMNS {
            return None;
        }
        plan.placements[i] = (col, row);
        if starts_gate {
            plan.gates.push((col, row));
            covered_until = i + 4;
        }
        row += 1;
    }
    Some(plan)
}

/// The sizes of a context's layout.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Rows of the public inputs' copies.
    pub public_rows: usize,
    /// Rows of the Poseidon region.
    pub poseidon_rows: usize,
    /// The main region's plan.
    pub main: MainPlan,
}

impl Layout {
    /// Plans the layout of `ctx` (deterministic in the context's shape).
    pub fn plan(ctx: &Context) -> Layout {
        let public_rows = ctx.instances.iter().map(|&(_, row)| row + 1).max().unwrap_or(0);
        let poseidon_rows = ctx.sponges.iter().map(|s| sponge_rows(s.inputs.len())).sum();
        let range_rows: usize = ctx.range_checks.iter().map(|r| r.bytes).sum();
        let mut height = range_rows.max(ctx.cells.len().div_ceil(MAIN_COLUMNS) + 4).max(4);
        loop {
            if let Some(main) = plan_main(ctx, height) {
                return Layout { public_rows, poseidon_rows, main };
            }
            height += height / 64 + 1;
        }
    }

    /// Rows used in all.
    pub fn rows(&self) -> usize {
        self.public_rows + self.poseidon_rows + self.main.height
    }
}

/// Fixed cells holding constants, one per distinct value.
struct ConstantPool {
    column: Column<Fixed>,
    cells: HashMap<[u8; 32], Halo2Cell>,
}

impl ConstantPool {
    fn get(&mut self, region: &mut Region<'_, Fr>, value: Fr) -> Halo2Cell {
        let next_row = self.cells.len();
        let column = self.column;
        *self
            .cells
            .entry(ff::PrimeField::to_repr(&value))
            .or_insert_with(|| region.assign_fixed(column, next_row, value))
    }
}

/// Assigns `ctx` with `layout` into `region`.
pub fn assign(ctx: &Context, layout: &Layout, config: &SolventConfig, region: &mut Region<'_, Fr>) -> Result<(), Error> {
    let mut pool = ConstantPool { column: config.constants, cells: HashMap::new() };
    let poseidon_start = layout.public_rows;
    let main_start = poseidon_start + layout.poseidon_rows;
    let plan = &layout.main;

    // The main column.
    let mut main_cells = Vec::with_capacity(ctx.cells.len());
    for (value, &(col, row)) in ctx.cells.iter().zip(&plan.placements) {
        let cell = region.assign_advice(config.main.columns[col], main_start + row, Value::known(*value));
        main_cells.push(cell.cell());
    }
    for &(i, col, row) in &plan.duplicates {
        let cell = region.assign_advice(config.main.columns[col], main_start + row, Value::known(ctx.cells[i]));
        region.constrain_equal(cell.cell(), main_cells[i]);
    }
    for &(col, row) in &plan.gates {
        config.main.selectors[col].enable(region, main_start + row)?;
    }
    for &(a, b) in &ctx.copies {
        region.constrain_equal(main_cells[a], main_cells[b]);
    }
    for &(i, value) in &ctx.constants {
        let fixed = pool.get(region, value);
        region.constrain_equal(main_cells[i], fixed);
    }

    // Range checks: running sums in column 0 of the main region.
    let mut row = main_start;
    for check in &ctx.range_checks {
        let sums = running_sums(check.cell.value, check.bytes);
        for (j, z) in sums.iter().enumerate() {
            let cell = region.assign_advice(config.range.column, row + j, Value::known(*z));
            if j == 0 {
                region.constrain_equal(cell.cell(), main_cells[check.cell.index]);
            }
            if j + 1 < sums.len() {
                config.range.q_step.enable(region, row + j)?;
            } else {
                config.range.q_last.enable(region, row + j)?;
            }
        }
        row += sums.len();
    }

    // Public inputs: copies of the exposed cells, each on its instance row.
    for &(i, row) in &ctx.instances {
        let cell = region.assign_advice(config.advice[0], row, Value::known(ctx.cells[i]));
        region.constrain_equal(cell.cell(), main_cells[i]);
        config.q_public.enable(region, row)?;
    }

    // Poseidon sponges.
    let mut start = poseidon_start;
    for call in &ctx.sponges {
        let values: Vec<Fr> = call.inputs.iter().map(HashInput::value).collect();
        let rows = sponge_rows_for(call.domain, &values);
        let mut cells = Vec::with_capacity(rows.advice.len());
        for (r, (advice, fixed)) in rows.advice.iter().zip(&rows.fixed).enumerate() {
            let row_cells: [Halo2Cell; WIDTH] = std::array::from_fn(|c| {
                region.assign_advice(config.poseidon.state[c], start + r, Value::known(advice[c])).cell()
            });
            for (c, v) in fixed.iter().enumerate() {
                if *v != Fr::ZERO {
                    region.assign_fixed(config.poseidon.round_constants[c], start + r, *v);
                }
            }
            cells.push(row_cells);
        }
        for &r in &rows.full {
            config.poseidon.q_full.enable(region, start + r)?;
        }
        for &r in &rows.partial {
            config.poseidon.q_partial.enable(region, start + r)?;
        }
        for &r in &rows.absorb {
            config.poseidon.q_absorb.enable(region, start + r)?;
        }
        // The initial state is [domain, 0, ..., 0].
        for (c, cell) in cells[0].iter().enumerate() {
            let value = if c == 0 { call.domain } else { Fr::ZERO };
            let fixed = pool.get(region, value);
            region.constrain_equal(*cell, fixed);
        }
        // Inputs: copies of main cells, free values, constants, or zero padding.
        for (b, &input_row) in rows.input_rows.iter().enumerate() {
            for (j, cell) in cells[input_row].iter().take(RATE).enumerate() {
                let cell = *cell;
                match call.inputs.get(b * RATE + j) {
                    Some(HashInput::Cell(c)) => region.constrain_equal(cell, main_cells[c.index]),
                    Some(HashInput::Free(_)) => {}
                    Some(HashInput::Constant(v)) => {
                        let fixed = pool.get(region, *v);
                        region.constrain_equal(cell, fixed);
                    }
                    None => {
                        let fixed = pool.get(region, Fr::ZERO);
                        region.constrain_equal(cell, fixed);
                    }
                }
            }
        }
        region.constrain_equal(cells.last().unwrap()[1], main_cells[call.output.index]);
        start += rows.advice.len();
    }

    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::{
        circuit::{Layouter, SimpleFloorPlanner},
        dev::MockProver,
        plonk::{Any, Circuit},
    };

    /// A context exposing one cell, laid out as the attestation circuit is; `overwrite` then
    /// replaces the value of the public row's copy, as a cheating prover would.
    struct Exposing {
        ctx: Context,
        layout: Layout,
        overwrite: Option<Fr>,
    }

    impl Circuit<Fr> for Exposing {
        type Config = SolventConfig;
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();

        fn without_witnesses(&self) -> Self {
            unimplemented!("MockProver only")
        }

        fn configure(meta: &mut ConstraintSystem<Fr>) -> SolventConfig {
            SolventConfig::configure(meta)
        }

        fn synthesize(&self, config: SolventConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
            config.range.load_table(&mut layouter)?;
            layouter.assign_region(
                || "exposing",
                |mut region| {
                    assign(&self.ctx, &self.layout, &config, &mut region)?;
                    if let Some(value) = self.overwrite {
                        region.assign_advice(config.advice[0], 0, Value::known(value));
                    }
                    Ok(())
                },
            )
        }
    }

    fn exposing(value: u64, overwrite: Option<Fr>, instance: u64) -> Result<(), Vec<String>> {
        let mut ctx = Context::new();
        let cell = ctx.load_witness(Fr::from(value));
        ctx.expose(cell, 0);
        let layout = Layout::plan(&ctx);
        let circuit = Exposing { ctx, layout, overwrite };
        let prover = MockProver::run(9, &circuit, vec![vec![Fr::from(instance)]]).expect("synthesis");
        prover.verify().map_err(|failures| failures.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn an_exposed_cell_must_equal_its_public_input() {
        exposing(5, None, 5).unwrap();
        let failures = exposing(5, None, 6).unwrap_err();
        assert!(failures.iter().any(|f| f.contains("public input")), "{failures:?}");
    }

    #[test]
    fn the_public_row_must_be_a_copy_of_the_exposed_cell() {
        // The public row holds the claimed value, the circuit computed another one.
        let failures = exposing(5, Some(Fr::from(6)), 6).unwrap_err();
        assert!(failures.iter().any(|f| f.contains("Equality constraint not satisfied")), "{failures:?}");
    }

    #[test]
    fn permutation_argument_fills_three_chunks_of_three_columns() {
        // halo2 splits the permutation into chunks of `degree - 2` columns, each one more
        // committed product: nine columns at degree 5 are three full chunks.
        let mut cs = ConstraintSystem::<Fr>::default();
        let config = SolventConfig::configure(&mut cs);
        assert_eq!(cs.degree(), 5);
        let columns = cs.permutation().get_columns();
        assert_eq!(columns.len(), 9);
        assert!(!columns.contains(&Column::<Any>::from(config.instance)), "the instance column is bound by a gate");
    }
}
