//! The solvent circuit's columns, gates and lookups ([`SolventConfig`]), and how a built
//! [`Context`] is written into them (`docs/design.md` §8.1, §8.2). Above the chips, whose gates
//! it configures; below the attestation circuit.

use crate::blocks::BlockConfig;
use crate::context::{Context, Place, Switch};
use crate::eddsa::SignatureConfig;
use crate::encoding::running_sums;
use crate::gate::MainGateConfig;
use crate::layout::{
    Dims, ADD_ON_LOOKUP, ADVICE_COLUMNS, FIRST_LANE, LIMIT_RANGES, MAIN, POSITION_LIMIT_LOOKUP, RANGE, SPONGE_CELLS, SPONGE_STATE,
};
use crate::poseidon::chip::PoseidonConfig;
use crate::range::RangeConfig;
use ff::Field;
use halo2_proofs::{
    circuit::{Cell as Halo2Cell, Region, Value},
    halo2curves::bn256::Fr,
    plonk::{Advice, Any, Column, ConstraintSystem, Error, Fixed, Instance, Selector},
    poly::Rotation,
};

/// The smallest `k` whose usable rows hold `rows` and the byte table.
pub fn k_for_rows(rows: usize, dims: &Dims) -> u32 {
    let mut cs = ConstraintSystem::<Fr>::default();
    SolventConfig::configure(&mut cs, *dims);
    let reserved = cs.blinding_factors() + 1;
    let needed = rows.max(1 << crate::range::LIMB_BITS).max(dims.signature_rows()) + reserved;
    needed.next_power_of_two().trailing_zeros()
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
    /// With signed holdings, the signature chips (on columns of their own).
    pub signatures: Option<SignatureConfig>,
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
        let mut poseidon = PoseidonConfig::configure(meta, SPONGE_STATE.map(|c| advice[c]), SPONGE_CELLS.map(|c| advice[c]), f);
        // Signed holdings: the statements' messages hash with P (digest word 0), and the
        // signatures have their chips. Circuits without them keep their keys.
        let signatures = dims.signed.map(|_| {
            poseidon = poseidon.clone().with_word0_digest(meta);
            SignatureConfig::configure(meta)
        });
        // Degree 5 (the range lookup's); set explicitly because halo2-axiom caps the computed
        // degree by the MAX_DEGREE environment variable.
        meta.set_minimum_degree(5);
        SolventConfig { advice, lanes, q_load, main, range, blocks, limits, poseidon, signatures }
    }

    fn selector(&self, switch: Switch) -> Selector {
        match switch {
            Switch::Load => self.q_load,
            Switch::Range => self.range.q_range,
            Switch::Sign => self.blocks.q_sign,
            Switch::Accumulate => self.blocks.q_accumulate,
            Switch::Sponge(kind) => self.poseidon.selector(kind),
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
    for placed in &ctx.signatures {
        let chips = config.signatures.as_ref().expect("a circuit with signed holdings has the signature chips");
        let check = chips.assign(region, placed.offset, &placed.rows)?;
        for (cell, own) in check.key.iter().chain([&check.message]).zip(placed.key.iter().chain([&placed.message])) {
            region.constrain_equal(*cell, cells[own.index]);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_range_and_main_columns_take_part_in_copy_constraints() {
        let mut cs = ConstraintSystem::<Fr>::default();
        let config = SolventConfig::configure(&mut cs, Dims::default());
        assert_eq!(cs.degree(), 5);
        let columns = cs.permutation().get_columns();
        assert_eq!(columns, vec![Column::<Any>::from(config.advice[RANGE]), Column::<Any>::from(config.advice[MAIN])]);
    }
}
