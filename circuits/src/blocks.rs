//! The instrument blocks: each position's sign split and the accumulation, over all
//! instruments, of its scenario losses and short option minimum, read from the public lanes.
//!
//! Block of instrument `i` (rows `j = 0..H`, `B = ceil(S / W)` scenario rows):
//!
//! ```text
//! j      a_0 (range)        a_1 (main)        lane l (a_{2+l})                    public lane l
//! 0      z_0 = |q_i|        s_i (short part)  acc = acc[-H] + s_i * som_i (l = 0)  som_i (l = 0), else 0
//! 1..=B  z_1..z_8, 0        q_i (copies)      acc = acc[-H] + q_i * loss_i,s       loss_i,s, s = (j - 1) W + l
//! ```
//!
//! The sign row proves `s_i (s_i + q_i) = 0` and `|q_i| = q_i + 2 s_i` with `|q_i| < 2^64`
//! (its running sum), so `s_i = max(0, -q_i)` and `|q_i| < 2^64`. The accumulations start from
//! the header's lanes, which the header's gate holds at 0. After the last instrument, lane `l`
//! holds `L_s = sum_i q_i * loss_i,s` in rows `1..=B` and (lane 0) `SOM = sum_i s_i * som_i` in
//! row 0. The `l`-th of `W` readout blocks has public value -1 in lane `l`, so the accumulation
//! subtracts `a_1` there: `a_1` is the total exactly when the lane reaches 0, which the trailer's
//! gate (the header's) requires.

use crate::context::{Cell, Context, Switch};
use crate::layout::{Dims, AMOUNT_BYTES, FIRST_LANE, MAIN};
use crate::public::block_value;
use ff::{Field, PrimeField};
use halo2_proofs::{
    halo2curves::bn256::Fr,
    plonk::{Advice, Column, ConstraintSystem, Instance, Selector},
    poly::Rotation,
};
use solvent_model::Policy;

/// Selectors of the instrument blocks.
#[derive(Clone, Debug)]
pub struct BlockConfig {
    /// The sign row of a block.
    pub q_sign: Selector,
    /// An accumulation row (blocks, readout blocks and the trailer).
    pub q_accumulate: Selector,
}

impl BlockConfig {
    /// Creates the gates on the range column, the main column and the lanes (advice and public),
    /// for blocks of `height` rows.
    pub fn configure(
        meta: &mut ConstraintSystem<Fr>,
        range: Column<Advice>,
        main: Column<Advice>,
        lanes: &[Column<Advice>],
        public: &[Column<Instance>],
        height: usize,
    ) -> Self {
        let q_sign = meta.selector();
        let q_accumulate = meta.selector();

        // s = a_1, q = a_1[+1], m = a_0:   s * (s + q) = 0;   m - q - 2 s = 0
        meta.create_gate("blocks: sign split", |meta| {
            let q = meta.query_selector(q_sign);
            let short = meta.query_advice(main, Rotation::cur());
            let position = meta.query_advice(main, Rotation::next());
            let magnitude = meta.query_advice(range, Rotation::cur());
            vec![q.clone() * short.clone() * (short.clone() + position.clone()), q * (magnitude - position - short * Fr::from(2))]
        });

        // lane_l - lane_l[-H] - a_1 * public_l = 0, each lane l
        let back = -i32::try_from(height).expect("block height fits i32");
        meta.create_gate("blocks: accumulate", |meta| {
            let q = meta.query_selector(q_accumulate);
            let factor = meta.query_advice(main, Rotation::cur());
            lanes
                .iter()
                .zip(public)
                .map(|(lane, value)| {
                    let acc = meta.query_advice(*lane, Rotation::cur());
                    let previous = meta.query_advice(*lane, Rotation(back));
                    let value = meta.query_instance(*value, Rotation::cur());
                    q.clone() * (acc - previous - factor.clone() * value)
                })
                .collect::<Vec<_>>()
        });

        BlockConfig { q_sign, q_accumulate }
    }
}

/// The cells the rest of the circuit uses.
#[derive(Clone, Debug)]
pub struct BlockCells {
    /// `q_i` (row 1 of each block).
    pub positions: Vec<Cell>,
    /// `s_i`, the short parts (row 0).
    pub shorts: Vec<Cell>,
    /// `|q_i|` (row 0 of the range column).
    pub magnitudes: Vec<Cell>,
    /// `L_s`, read into the main column.
    pub scenario_losses: Vec<Cell>,
    /// `SOM`, read into the main column.
    pub short_option_minimum: Cell,
}

/// The instrument blocks.
pub trait BlockInstructions {
    /// Lays out the blocks of `positions` (scaled signed integers, magnitudes below `2^64`) under
    /// `policy`'s losses and minimums, and the readout.
    fn instrument_blocks(&self, ctx: &mut Context, policy: &Policy, positions: &[i128]) -> BlockCells;
}

/// The instrument blocks' chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct BlockChip;

impl BlockInstructions for BlockChip {
    fn instrument_blocks(&self, ctx: &mut Context, policy: &Policy, positions: &[i128]) -> BlockCells {
        let regions = ctx.regions().clone();
        let dims: Dims = regions.dims;
        let scenarios = policy.scenarios.len();
        let rows = dims.scenario_rows(scenarios);
        if positions.is_empty() {
            let zero = ctx.load_constant(Fr::ZERO);
            return BlockCells {
                positions: vec![],
                shorts: vec![],
                magnitudes: vec![],
                scenario_losses: vec![zero; scenarios],
                short_option_minimum: zero,
            };
        }
        let mut acc = vec![vec![Fr::ZERO; dims.lanes]; rows + 1];
        let zero = ctx.load_constant(Fr::ZERO);
        let mut cells =
            BlockCells { positions: vec![], shorts: vec![], magnitudes: vec![], scenario_losses: vec![], short_option_minimum: zero };
        for (i, &q) in positions.iter().enumerate() {
            let short = crate::context::field_from_i128(q.min(0).abs());
            let position = crate::context::field_from_i128(q);
            let head = regions.block_row(i, 0);
            cells.magnitudes.push(ctx.running_sum_at(head, Fr::from_u128(q.unsigned_abs()), AMOUNT_BYTES));
            cells.shorts.push(ctx.assign_at(MAIN, head, short));
            ctx.switch(Switch::Sign, head);
            let mut canonical = None;
            for (j, sums) in acc.iter_mut().enumerate() {
                let row = regions.block_row(i, j);
                let factor = if j == 0 { short } else { position };
                if j >= 1 {
                    let cell = ctx.assign_at(MAIN, row, position);
                    match canonical {
                        None => canonical = Some(cell),
                        Some(first) => ctx.constrain_equal(first, cell),
                    }
                }
                for (lane, value) in sums.iter_mut().enumerate() {
                    *value += factor * block_value(policy, &dims, i, j, lane);
                    ctx.assign_at(FIRST_LANE + lane, row, *value);
                }
                ctx.switch(Switch::Accumulate, row);
            }
            cells.positions.push(canonical.expect("blocks have scenario rows"));
        }
        // Readout: lane `reader` minus the read value (its public value is -1), then the trailer.
        let mut read = Vec::with_capacity(dims.lanes);
        for reader in 0..dims.lanes {
            let mut lane_cells = Vec::with_capacity(rows + 1);
            for (j, values) in acc.iter_mut().enumerate() {
                let row = regions.readout_row(reader, j);
                lane_cells.push(ctx.assign_at(MAIN, row, values[reader]));
                values[reader] = Fr::ZERO;
                for (lane, value) in values.iter().enumerate() {
                    ctx.assign_at(FIRST_LANE + lane, row, *value);
                }
                ctx.switch(Switch::Accumulate, row);
            }
            read.push(lane_cells);
        }
        for j in 0..=rows {
            let row = regions.trailer_row(j);
            ctx.assign_at(MAIN, row, Fr::ZERO);
            ctx.switch(Switch::Load, row);
            ctx.switch(Switch::Accumulate, row);
        }
        cells.short_option_minimum = read[0][0];
        cells.scenario_losses = (0..scenarios).map(|s| read[s % dims.lanes][1 + s / dims.lanes]).collect();
        cells
    }
}
