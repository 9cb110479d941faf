//! The circuit's columns and regions, and how a built [`Context`] is written into them.
//!
//! Six advice columns `a_0..a_6`, `W` public columns (the lanes), three fixed round-constant
//! columns, the selectors and the byte table. Only `a_0` and `a_1` take part in copy
//! constraints. Rows, top to bottom:
//!
//! | region | rows | what |
//! |---|---|---|
//! | header | `max(h, H)` | `a_1` loads each public value of lane 0 (public inputs, constants, policy scalars); the lanes `a_2..a_{2+W}` are 0 |
//! | instrument blocks | `I * H` | per instrument: the sign split (`a_0`: running sum of `|q|`; `a_1`: short part, then the position), and the accumulations of its scenario losses and short option minimum in the lanes |
//! | readout | `W * H` | the accumulation goes on, lane `l` minus `a_1` in the `l`-th block (its public value is -1) |
//! | trailer | `H` | loaded like the header: every lane is 0, so `a_1` read each lane's totals |
//! | sponge | `38 m + 1` | the portfolio commitment (Poseidon state in `a_3..a_6`, auxiliary cells in `a_0..a_3`) |
//! | main | the rest | the main gate on `a_1`; the running sums of its range checks in `a_0` |

use crate::blocks::BlockConfig;
use crate::context::{Context, Place, Switch};
use crate::encoding::{Shape, PACKED};
use crate::gate::MainGateConfig;
use crate::poseidon::chip::{sponge_rows, PoseidonConfig, SpongeRowKind};
use crate::poseidon::spec::RoundRow;
use crate::range::{running_sums, RangeConfig};
use ff::Field;
use halo2_proofs::{
    circuit::{Cell as Halo2Cell, Region, Value},
    halo2curves::bn256::Fr,
    plonk::{Advice, Any, Column, ConstraintSystem, Error, Fixed, Instance, Selector},
    poly::Rotation,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Advice columns.
pub const ADVICE_COLUMNS: usize = 6;
/// The range column (running sums), `a_0`.
pub const RANGE: usize = 0;
/// The main column, `a_1`.
pub const MAIN: usize = 1;
/// The first lane column, `a_2` (lanes are `a_2..a_{2+W}`).
pub const FIRST_LANE: usize = 2;
/// The sponge's state columns `a_3..a_6`.
pub const SPONGE_STATE: [usize; 3] = [3, 4, 5];
/// The sponge's auxiliary columns `a_0..a_3`.
pub const SPONGE_CELLS: [usize; 3] = [0, 1, 2];
/// Bytes of a position's magnitude (and of every portfolio amount): below `2^64`.
pub const AMOUNT_BYTES: usize = 8;
/// The fewest rows of an instrument block: the running sum of the position's magnitude
/// (`AMOUNT_BYTES + 1` rows).
pub const MIN_BLOCK_HEIGHT: usize = AMOUNT_BYTES + 1;
/// The lane counts the layout chooses from.
pub const LANE_CHOICES: [usize; 3] = [1, 2, 4];
/// The lanes of a circuit with limits.
pub const LIMITS_LANES: usize = 2;
/// With limits: the running sums of `L_i - |q_i|` and `| |q_i| - t_i |` in an instrument block.
pub const LIMIT_RANGES: [usize; 2] = [4, 5];
/// The lookup of the position limits' running sums (`a_4`).
pub const POSITION_LIMIT_LOOKUP: &str = "range: position limit byte";
/// The lookup of the add-on splits' running sums (`a_5`).
pub const ADD_ON_LOOKUP: &str = "range: add-on byte";

/// The dimensions of a shape's circuit: the configuration's parameters and `k`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dims {
    /// Public columns (lanes).
    pub lanes: usize,
    /// Rows of an instrument block, `H`.
    pub block_height: usize,
    /// `log2` of the number of rows.
    pub k: u32,
    /// With the limits of risk model v2: the block row `A` of the add-on (after the scenario
    /// rows and the delta rows); `None` without limits.
    pub add_on_row: Option<usize>,
}

impl Default for Dims {
    fn default() -> Self {
        Dims { lanes: 1, block_height: MIN_BLOCK_HEIGHT, k: 0, add_on_row: None }
    }
}

impl Dims {
    /// Scenario rows of a block, `B = ceil(S / W)`.
    pub fn scenario_rows(&self, scenarios: usize) -> usize {
        scenarios.div_ceil(self.lanes)
    }

    /// The last block row that accumulates: `B`, or the add-on row with limits.
    pub fn last_sum_row(&self, scenarios: usize) -> usize {
        self.add_on_row.unwrap_or_else(|| self.scenario_rows(scenarios))
    }

    /// The block row and lane of underlying `u`'s delta (with limits).
    pub fn delta_slot(&self, scenarios: usize, u: usize) -> (usize, usize) {
        (self.scenario_rows(scenarios) + 1 + u / self.lanes, u % self.lanes)
    }

    /// The dimensions with `lanes` lanes (and `k` not yet known).
    pub fn with_lanes(shape: Shape, lanes: usize) -> Dims {
        let scenario_rows = shape.scenarios.div_ceil(lanes);
        let add_on_row = shape.limits.map(|underlyings| scenario_rows + underlyings.div_ceil(lanes) + 1);
        let block_height = (add_on_row.unwrap_or(scenario_rows) + 1).max(MIN_BLOCK_HEIGHT);
        Dims { lanes, block_height, k: 0, add_on_row }
    }

    /// The dimensions of `shape`'s circuit: the smallest `k`, then the fewest lanes. Computed
    /// once per shape and process (it lays out an empty witness).
    pub fn for_shape(shape: Shape) -> Dims {
        static CACHE: OnceLock<Mutex<HashMap<Shape, Dims>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Some(dims) = cache.lock().expect("dims cache").get(&shape) {
            return *dims;
        }
        let probe = Dims::with_lanes(shape, 1);
        let main_rows = crate::attestation::main_region_rows(shape, probe);
        // With limits, lane 1 holds each instrument's position limit and add-on threshold, and
        // a_4, a_5 (free with two lanes) their running sums.
        let choices: &[usize] = if shape.limits.is_some() { &[LIMITS_LANES] } else { &LANE_CHOICES };
        let dims = choices
            .iter()
            .map(|&lanes| {
                let mut dims = Dims::with_lanes(shape, lanes);
                dims.k = k_for_rows(Regions::new(shape, dims).main_start + main_rows, &dims);
                dims
            })
            .min_by_key(|d| (d.k, d.lanes))
            .expect("lane choices");
        cache.lock().expect("dims cache").insert(shape, dims);
        dims
    }
}

/// The smallest `k` whose usable rows hold `rows` and the byte table.
pub fn k_for_rows(rows: usize, dims: &Dims) -> u32 {
    let mut cs = ConstraintSystem::<Fr>::default();
    SolventConfig::configure(&mut cs, *dims);
    let reserved = cs.blinding_factors() + 1;
    let needed = rows.max(1 << crate::range::LIMB_BITS) + reserved;
    needed.next_power_of_two().trailing_zeros()
}

/// Where the fixed regions of a shape's circuit are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regions {
    /// The shape.
    pub shape: Shape,
    /// The dimensions.
    pub dims: Dims,
    /// Rows of the header: its values, and at least one block's height (the first block's
    /// accumulations start from the header's zero lanes).
    pub header_rows: usize,
    /// First row of the instrument blocks.
    pub blocks_start: usize,
    /// First row of the readout blocks.
    pub readout_start: usize,
    /// First row of the trailer (as long as a block).
    pub trailer_start: usize,
    /// First row of the sponge.
    pub sponge_start: usize,
    /// First row of the main region.
    pub main_start: usize,
}

/// Elements the portfolio commitment absorbs for `shape`: account, time, packed balances and
/// debts, packed positions, salt.
pub fn commitment_inputs(shape: &Shape) -> usize {
    2 + 2 * shape.assets.div_ceil(PACKED) + shape.instruments.div_ceil(PACKED) + 1
}

impl Regions {
    /// The regions of `shape` with `dims`.
    pub fn new(shape: Shape, dims: Dims) -> Regions {
        let header_rows = crate::public::header_values(&shape).max(dims.block_height);
        let blocks_start = header_rows;
        let readout_start = blocks_start + shape.instruments * dims.block_height;
        let readout_rows = if shape.instruments > 0 { dims.lanes * dims.block_height } else { 0 };
        let trailer_start = readout_start + readout_rows;
        let trailer_rows = if shape.instruments > 0 { dims.block_height } else { 0 };
        let sponge_start = trailer_start + trailer_rows;
        let main_start = sponge_start + sponge_rows(commitment_inputs(&shape));
        Regions { shape, dims, header_rows, blocks_start, readout_start, trailer_start, sponge_start, main_start }
    }

    /// Row `j` of instrument `i`'s block.
    pub fn block_row(&self, i: usize, j: usize) -> usize {
        self.blocks_start + i * self.dims.block_height + j
    }

    /// Row `j` of the readout block of lane `lane`.
    pub fn readout_row(&self, lane: usize, j: usize) -> usize {
        self.readout_start + lane * self.dims.block_height + j
    }

    /// Row `j` of the trailer.
    pub fn trailer_row(&self, j: usize) -> usize {
        self.trailer_start + j
    }
}

/// Every column, gate and lookup of the solvent circuit.
#[derive(Clone, Debug)]
pub struct SolventConfig {
    /// The advice columns `a_0..a_6`.
    pub advice: [Column<Advice>; ADVICE_COLUMNS],
    /// The public columns (lanes).
    pub lanes: Vec<Column<Instance>>,
    /// On at the header and trailer rows.
    pub q_load: Selector,
    /// The main gate.
    pub main: MainGateConfig,
    /// The range lookup.
    pub range: RangeConfig,
    /// The instrument blocks.
    pub blocks: BlockConfig,
    /// With limits, the gate of their instrument block rows.
    pub limits: Option<crate::blocks::LimitsGate>,
    /// Poseidon.
    pub poseidon: PoseidonConfig,
}

impl SolventConfig {
    /// Creates every column, gate and lookup for circuits of `dims`.
    pub fn configure(meta: &mut ConstraintSystem<Fr>, dims: Dims) -> Self {
        let advice = [(); ADVICE_COLUMNS].map(|_| meta.advice_column());
        meta.enable_equality(advice[RANGE]);
        meta.enable_equality(advice[MAIN]);
        let lanes: Vec<Column<Instance>> = (0..dims.lanes).map(|_| meta.instance_column()).collect();
        let q_load = meta.selector();
        // q_load * (a_1 - lane_0) = 0;  q_load * a_{2+l} = 0 for every lane l
        meta.create_gate("public: the main column holds the public value", |meta| {
            let q = meta.query_selector(q_load);
            let cell = meta.query_advice(advice[MAIN], Rotation::cur());
            let value = meta.query_instance(lanes[0], Rotation::cur());
            let mut constraints = vec![q.clone() * (cell - value)];
            for l in 0..dims.lanes {
                constraints.push(q.clone() * meta.query_advice(advice[FIRST_LANE + l], Rotation::cur()));
            }
            constraints
        });
        let main = MainGateConfig::configure(meta, advice[MAIN]);
        let range = RangeConfig::configure(meta, advice[RANGE]);
        let lane_columns: Vec<Column<Advice>> = (0..dims.lanes).map(|l| advice[FIRST_LANE + l]).collect();
        let blocks = BlockConfig::configure(meta, advice[RANGE], advice[MAIN], &lane_columns, &lanes, dims.block_height);
        let limits = dims.add_on_row.map(|add_on_row| {
            let ranges = LIMIT_RANGES.map(|c| advice[c]);
            range.configure_lookup(meta, ranges[0], POSITION_LIMIT_LOOKUP);
            range.configure_lookup(meta, ranges[1], ADD_ON_LOOKUP);
            BlockConfig::configure_limits(meta, &blocks, advice[RANGE], advice[MAIN], ranges, lanes[1], add_on_row)
        });
        // The sponge's row constants: constant `j` is in lane `2 - j` when there is one (the lanes
        // are free in the sponge rows), else in a fixed column.
        let f: [Column<Any>; 3] =
            std::array::from_fn(|j| if 2 - j < dims.lanes { lanes[2 - j].into() } else { meta.fixed_column().into() });
        let poseidon = PoseidonConfig::configure(meta, SPONGE_STATE.map(|c| advice[c]), SPONGE_CELLS.map(|c| advice[c]), f);
        // Degree 5 (the range lookup's); set explicitly because halo2-axiom caps the computed
        // degree by the MAX_DEGREE environment variable.
        meta.set_minimum_degree(5);
        SolventConfig { advice, lanes, q_load, main, range, blocks, limits, poseidon }
    }

    fn selector(&self, switch: Switch) -> Selector {
        match switch {
            Switch::Load => self.q_load,
            Switch::Range => self.range.q_range,
            Switch::Sign => self.blocks.q_sign,
            Switch::Accumulate => self.blocks.q_accumulate,
            Switch::Sponge(kind) => match kind {
                SpongeRowKind::AbsorbFirst => self.poseidon.q_absorb_first,
                SpongeRowKind::Absorb => self.poseidon.q_absorb,
                SpongeRowKind::Digest => self.poseidon.q_digest,
                SpongeRowKind::Round(RoundRow::Full) => self.poseidon.q_full,
                SpongeRowKind::Round(RoundRow::Partial) => self.poseidon.q_partial,
                SpongeRowKind::Round(RoundRow::DoublePartial) => self.poseidon.q_double_partial,
            },
        }
    }
}

/// The rows of a context's main region: its main column, or its range checks' running sums
/// (one row more than their bytes), whichever is longer.
pub fn main_rows(ctx: &Context) -> usize {
    let range_rows: usize = ctx.range_checks.iter().map(|r| r.bytes + 1).sum();
    ctx.main_len.max(range_rows)
}

/// Rows a context uses in all.
pub fn rows(ctx: &Context) -> usize {
    ctx.regions.main_start + main_rows(ctx)
}

/// Assigns `ctx` into `region`.
pub fn assign(ctx: &Context, config: &SolventConfig, region: &mut Region<'_, Fr>) -> Result<(), Error> {
    let main_start = ctx.regions.main_start;
    let mut cells: Vec<Halo2Cell> = Vec::with_capacity(ctx.cells.len());
    for (value, place) in ctx.cells.iter().zip(&ctx.places) {
        let (column, row) = match *place {
            Place::Main(position) => (MAIN, main_start + position),
            Place::At { column, row } => (column, row),
        };
        cells.push(region.assign_advice(config.advice[column], row, Value::known(*value)).cell());
    }
    for &position in &ctx.gates {
        config.main.q_main.enable(region, main_start + position)?;
    }
    for &(switch, row) in &ctx.switches {
        config.selector(switch).enable(region, row)?;
    }
    for &(column, row, value) in &ctx.fixed {
        let fixed = Column::<Fixed>::try_from(config.poseidon.f[column]).expect("a fixed constant column");
        region.assign_fixed(fixed, row, value);
    }
    for &(a, b) in &ctx.copies {
        region.constrain_equal(cells[a], cells[b]);
    }

    // Range checks of the main region: running sums in the range column, each ending in a 0.
    let zero = cells[ctx.load_constant(Fr::ZERO).index];
    let mut row = main_start;
    for check in &ctx.range_checks {
        let sums = running_sums(check.cell.value, check.bytes);
        for (j, z) in sums.iter().enumerate() {
            let cell = region.assign_advice(config.advice[RANGE], row + j, Value::known(*z)).cell();
            if j == 0 {
                region.constrain_equal(cell, cells[check.cell.index]);
            }
            if j < check.bytes {
                config.range.q_range.enable(region, row + j)?;
            } else {
                region.constrain_equal(cell, zero);
            }
        }
        row += sums.len();
    }
    Ok(())
}

/// A circuit's layout plan, shared by its clones.
pub type SharedRegions = Arc<Regions>;

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::plonk::Any;

    #[test]
    fn only_the_range_and_main_columns_take_part_in_copy_constraints() {
        let mut cs = ConstraintSystem::<Fr>::default();
        let config = SolventConfig::configure(&mut cs, Dims::default());
        assert_eq!(cs.degree(), 5);
        let columns = cs.permutation().get_columns();
        assert_eq!(columns, vec![Column::<Any>::from(config.advice[RANGE]), Column::<Any>::from(config.advice[MAIN])]);
    }

    #[test]
    fn more_lanes_shorten_blocks_down_to_the_running_sum() {
        let shape = Shape::v1(1, 1, 10, 32);
        assert_eq!(Dims::with_lanes(shape, 1).block_height, 33);
        assert_eq!(Dims::with_lanes(shape, 2).block_height, 17);
        assert_eq!(Dims::with_lanes(shape, 4).block_height, MIN_BLOCK_HEIGHT);
        let small = Shape { scenarios: 2, ..shape };
        assert_eq!(Dims::with_lanes(small, 1).block_height, MIN_BLOCK_HEIGHT);
    }
}
