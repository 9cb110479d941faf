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
//! With the limits of risk model v2 (two lanes), lane 1 of row 0 holds the position limit `L_i`,
//! rows `B+1..A` hold each instrument's delta in the slot of its underlying `u` (row
//! `B + 1 + u div 2`, lane `u mod 2`), and the add-on row `A` holds the rate `rho_i` (lane 0, with
//! factor `e_i`) and the threshold `t_i` (lane 1). Lane 1 of rows 0 and `A` also accumulates
//! (`s_i L_i`, `e_i t_i`): sums nothing reads. `a_4` and `a_5` hold, from row 0, the running sums
//! of `L_i - |q_i|` and `n_i = | |q_i| - t_i |` (see [`LimitsGate`]).
//!
//! The sign row proves `s_i (s_i + q_i) = 0` and `|q_i| = q_i + 2 s_i` with `|q_i| < 2^64`
//! (its running sum), so `s_i = max(0, -q_i)` and `|q_i| < 2^64`. The accumulations start from
//! the header's lanes, which the header's gate holds at 0. After the last instrument, lane `l`
//! holds `L_s = sum_i q_i * loss_i,s` in rows `1..=B` and (lane 0) `SOM = sum_i s_i * som_i` in
//! row 0. The `l`-th of `W` readout blocks has public value -1 in lane `l`, so the accumulation
//! subtracts `a_1` there: `a_1` is the total exactly when the lane reaches 0, which the trailer's
//! gate (the header's) requires.

use crate::context::{Cell, Context, Switch};
use crate::encoding::field_from_i128;
use crate::encoding::limits;
use crate::layout::{Dims, AMOUNT_BYTES, FIRST_LANE, LIMIT_RANGES, MAIN};
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
            vec![
                (SHORT_PART, q.clone() * short.clone() * (short.clone() + position.clone())),
                (MAGNITUDE, q * (magnitude - position - short * Fr::from(2))),
            ]
        });

        // lane_l - lane_l[-H] - a_1 * public_l = 0, each lane l
        let back = -i32::try_from(height).expect("block height fits i32");
        meta.create_gate("blocks: accumulate", |meta| {
            let q = meta.query_selector(q_accumulate);
            let factor = meta.query_advice(main, Rotation::cur());
            lanes
                .iter()
                .zip(public)
                .enumerate()
                .map(|(l, (lane, value))| {
                    let acc = meta.query_advice(*lane, Rotation::cur());
                    let previous = meta.query_advice(*lane, Rotation(back));
                    let value = meta.query_instance(*value, Rotation::cur());
                    (format!("lane {l} = lane {l}[-H] + a_1 * public {l}"), q.clone() * (acc - previous - factor.clone() * value))
                })
                .collect::<Vec<_>>()
        });

        BlockConfig { q_sign, q_accumulate }
    }
}

/// `blocks: sign split`'s constraint `s (s + q) = 0`.
pub const SHORT_PART: &str = "s (s + q) = 0";
/// `blocks: sign split`'s constraint `m = q + 2 s`.
pub const MAGNITUDE: &str = "m = q + 2 s";
/// `blocks: limits`' constraint `v = P - m`.
pub const POSITION_SLACK: &str = "v = P - m";
/// `blocks: limits`' constraint `2e - n = m - t`.
pub const EXCESS_SPLIT: &str = "2e - n = m - t";
/// `blocks: limits`' constraint `e (n - e) = 0`.
pub const EXCESS_CHOICE: &str = "e (n - e) = 0";
/// `blocks: limits`' constraint `v[+8] = 0` (the position slack's running sum ends in 0).
pub const POSITION_SLACK_END: &str = "v[+8] = 0";
/// `blocks: limits`' constraint `n[+8] = 0` (the distance's running sum ends in 0).
pub const DISTANCE_END: &str = "n[+8] = 0";

/// The gate of the limits of risk model v2 on an instrument block's row 0.
#[derive(Clone, Debug)]
pub struct LimitsGate {
    /// The add-on row `A`.
    pub add_on_row: usize,
}

impl BlockConfig {
    /// Creates the gate of the limits on row 0 of every block (`q_sign`): with `m = a_0` (the
    /// proven `|q_i|`), `L = lane_1`, `e = a_1[A]`, `t = lane_1[A]`, `v = a_4` and `n = a_5` (each the
    /// start of an 8-byte running sum whose row 8 is 0):
    /// `v = L - m` (so `|q_i| <= L_i`), and `2e - n = m - t`, `e (n - e) = 0` (so
    /// `e = max(0, m - t)`, `n = |m - t|`).
    pub fn configure_limits(
        meta: &mut ConstraintSystem<Fr>,
        blocks: &BlockConfig,
        range: Column<Advice>,
        main: Column<Advice>,
        ranges: [Column<Advice>; 2],
        lane_1: Column<Instance>,
        add_on_row: usize,
    ) -> LimitsGate {
        let add_on = Rotation(i32::try_from(add_on_row).expect("block rows fit i32"));
        let end = Rotation(i32::try_from(AMOUNT_BYTES).expect("bytes fit i32"));
        // v - (L - m) = 0;  2e - n - m + t = 0;  e (n - e) = 0;  v[+8] = 0;  n[+8] = 0
        meta.create_gate("blocks: limits", |meta| {
            let q = meta.query_selector(blocks.q_sign);
            let magnitude = meta.query_advice(range, Rotation::cur());
            let limit = meta.query_instance(lane_1, Rotation::cur());
            let excess = meta.query_advice(main, add_on);
            let threshold = meta.query_instance(lane_1, add_on);
            let [slack, distance] = ranges.map(|c| meta.query_advice(c, Rotation::cur()));
            let [slack_end, distance_end] = ranges.map(|c| meta.query_advice(c, end));
            vec![
                (POSITION_SLACK, q.clone() * (slack - limit + magnitude.clone())),
                (EXCESS_SPLIT, q.clone() * (excess.clone() * Fr::from(2) - distance.clone() - magnitude + threshold)),
                (EXCESS_CHOICE, q.clone() * excess.clone() * (distance - excess)),
                (POSITION_SLACK_END, q.clone() * slack_end),
                (DISTANCE_END, q * distance_end),
            ]
        });
        LimitsGate { add_on_row }
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
    /// With limits: the add-on `sum_i e_i rho_i`, read into the main column.
    pub add_on: Option<Cell>,
    /// With limits: the net delta of each underlying, read into the main column.
    pub net_deltas: Vec<Cell>,
    /// With limits: `L_i - |q_i|` per instrument (`a_4`, row 0).
    pub position_slacks: Vec<Cell>,
    /// With limits: `e_i = max(0, |q_i| - t_i)` per instrument (`a_1`, row `A`).
    pub excesses: Vec<Cell>,
    /// With limits: `n_i = | |q_i| - t_i |` per instrument (`a_5`, row 0).
    pub distances: Vec<Cell>,
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
        let rows = dims.last_sum_row(scenarios);
        let underlyings = regions.shape.underlyings();
        let zero = ctx.load_constant(Fr::ZERO);
        let mut cells = BlockCells {
            positions: vec![],
            shorts: vec![],
            magnitudes: vec![],
            scenario_losses: vec![zero; scenarios],
            short_option_minimum: zero,
            add_on: dims.add_on_row.map(|_| zero),
            net_deltas: vec![zero; underlyings],
            position_slacks: vec![],
            excesses: vec![],
            distances: vec![],
        };
        if positions.is_empty() {
            return cells;
        }
        let mut acc = vec![vec![Fr::ZERO; dims.lanes]; rows + 1];
        for (i, &q) in positions.iter().enumerate() {
            let short = field_from_i128(q.min(0).abs());
            let position = field_from_i128(q);
            let head = regions.block_row(i, 0);
            cells.magnitudes.push(ctx.running_sum_at(head, Fr::from_u128(q.unsigned_abs()), AMOUNT_BYTES));
            cells.shorts.push(ctx.assign_at(MAIN, head, short));
            ctx.switch(Switch::Sign, head);
            // With limits: the excess over the add-on threshold (the add-on row's factor) and the
            // running sums of the position limit's slack and of the distance to the threshold.
            let excess = dims.add_on_row.map(|_| {
                let limit = limits::position_limit(policy, i);
                let threshold = limits::threshold_value(policy, i);
                let distance = Fr::from_u128((q.abs() - threshold).unsigned_abs());
                let slack = limit - Fr::from_u128(q.unsigned_abs());
                cells.position_slacks.push(ctx.running_sum_in(LIMIT_RANGES[0], head, slack, AMOUNT_BYTES));
                cells.distances.push(ctx.running_sum_in(LIMIT_RANGES[1], head, distance, AMOUNT_BYTES));
                field_from_i128((q.abs() - threshold).max(0))
            });
            let mut canonical = None;
            for (j, sums) in acc.iter_mut().enumerate() {
                let row = regions.block_row(i, j);
                let factor = match (j, excess) {
                    (0, _) => short,
                    (j, Some(e)) if Some(j) == dims.add_on_row => {
                        let cell = ctx.assign_at(MAIN, row, e);
                        cells.excesses.push(cell);
                        cell.value
                    }
                    _ => position,
                };
                if j >= 1 && Some(j) != dims.add_on_row {
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
        if let Some(add_on_row) = dims.add_on_row {
            cells.add_on = Some(read[0][add_on_row]);
            cells.net_deltas = (0..underlyings)
                .map(|u| {
                    let (j, lane) = dims.delta_slot(scenarios, u);
                    read[lane][j]
                })
                .collect();
        }
        cells
    }
}

#[cfg(test)]
mod tests {
    //! The blocks alone: a context of the policy's shape holding its header and the instrument
    //! blocks of the positions, under the policy's public lanes.
    use super::*;
    use crate::encoding::field_from_bigint;
    use crate::testing::{
        assert_constraint_failure, assert_failure, assert_range_failure, cell_at, mock_shaped, portfolio_json, shaped_context,
        span_witness, span_witness_v2, witness,
    };
    use crate::Witness;
    use solvent_model::{evaluate, Portfolio};
    use std::collections::HashMap;

    const SIGN_SPLIT: &str = "blocks: sign split";
    const ACCUMULATE: &str = "blocks: accumulate";
    const LIMITS: &str = "blocks: limits";

    /// The blocks of `w`'s positions with `forged` cells, and MockProver's verdict.
    fn blocks_of(w: &Witness, forged: HashMap<usize, Fr>) -> (Result<(), Vec<String>>, Context, BlockCells) {
        let mut ctx = shaped_context(w, forged);
        let cells = BlockChip.instrument_blocks(&mut ctx, &w.policy, &w.portfolio.positions);
        (mock_shaped(w, ctx.clone()), ctx, cells)
    }

    /// `w`'s blocks with the cells a function of the honest ones picks set to new values.
    fn forged_blocks(w: &Witness, pick: impl Fn(&BlockCells) -> Vec<(Cell, Fr)>) -> (Result<(), Vec<String>>, Context) {
        let (_, _, honest) = blocks_of(w, HashMap::new());
        let forged = pick(&honest).into_iter().map(|(c, v)| (c.index, v)).collect();
        let (verdict, ctx, _) = blocks_of(w, forged);
        (verdict, ctx)
    }

    #[test]
    fn the_read_sums_are_the_models_scenario_losses_minimum_add_on_and_net_deltas() {
        let field = |d: &solvent_model::Decimal| field_from_bigint(&d.mantissa);
        for w in [span_witness(), span_witness_v2()] {
            let (verdict, _, cells) = blocks_of(&w, HashMap::new());
            verdict.unwrap();
            let r = evaluate(&w.policy, &w.portfolio, w.snapshot_time);
            let losses: Vec<Fr> = cells.scenario_losses.iter().map(|c| c.value).collect();
            assert_eq!(losses, r.scenario_losses.iter().map(field).collect::<Vec<_>>());
            assert_eq!(cells.short_option_minimum.value, field(&r.short_option_minimum));
            if let Some(add_on) = cells.add_on {
                assert_eq!(add_on.value, field(&r.add_on));
                let deltas: Vec<Fr> = cells.net_deltas.iter().map(|c| c.value).collect();
                assert_eq!(deltas, r.net_deltas.iter().map(field).collect::<Vec<_>>());
                for check in &r.limits.positions {
                    assert_eq!(cells.position_slacks[check.index].value, field(&check.slack));
                }
            }
        }
    }

    #[test]
    fn a_short_part_other_than_max_0_minus_q_is_rejected_by_the_sign_split() {
        // Position 1 is -2 (short 2): claimed not short, then neither 0 nor -q.
        let w = span_witness();
        let (verdict, _) = forged_blocks(&w, |c| vec![(c.shorts[1], Fr::ZERO)]);
        assert_constraint_failure(verdict, SIGN_SPLIT, MAGNITUDE);
        let (verdict, _) = forged_blocks(&w, |c| vec![(c.shorts[1], c.shorts[1].value + Fr::ONE)]);
        assert_constraint_failure(verdict, SIGN_SPLIT, SHORT_PART);
    }

    #[test]
    fn a_magnitude_of_64_bits_or_more_is_rejected_by_its_running_sum() {
        // q = 2^64, short 0, |q| = 2^64 (the sign split holds): |q|'s running sum does not end in 0.
        let w = span_witness();
        let big = Fr::from_u128(1 << 64);
        let (verdict, ctx) = forged_blocks(&w, |c| vec![(c.positions[0], big), (c.magnitudes[0], big)]);
        assert_range_failure(verdict, &ctx, "the running sum of instrument 0's position");
    }

    #[test]
    fn a_changed_lane_sum_is_rejected_by_the_accumulation() {
        let w = span_witness();
        let (_, ctx, _) = blocks_of(&w, HashMap::new());
        let regions = ctx.regions().clone();
        // Lane 0's running sum of scenario 0 after the second instrument, and after the first.
        for i in [1, 0] {
            let index = cell_at(&ctx, FIRST_LANE, regions.block_row(i, 1));
            let (verdict, _, _) = blocks_of(&w, HashMap::from([(index, ctx.value(index) - Fr::from(1000))]));
            assert_constraint_failure(verdict, ACCUMULATE, "lane 0 = lane 0[-H] + a_1 * public 0");
        }
        // A read value alone: the readout row's accumulation.
        let (verdict, _) = forged_blocks(&w, |c| vec![(c.scenario_losses[0], Fr::ZERO)]);
        assert_failure(verdict, ACCUMULATE);
        let (verdict, _) = forged_blocks(&w, |c| vec![(c.short_option_minimum, Fr::ZERO)]);
        assert_constraint_failure(verdict, ACCUMULATE, "lane 0 = lane 0[-H] + a_1 * public 0");
        // With limits: the add-on read understated.
        let (verdict, _) = forged_blocks(&span_witness_v2(), |c| vec![(c.add_on.expect("limits"), Fr::ZERO)]);
        assert_constraint_failure(verdict, ACCUMULATE, "lane 0 = lane 0[-H] + a_1 * public 0");
    }

    #[test]
    fn a_position_changed_in_one_scenario_row_is_rejected_by_its_copy() {
        let w = span_witness();
        let (_, ctx, _) = blocks_of(&w, HashMap::new());
        let index = cell_at(&ctx, MAIN, ctx.regions().block_row(1, 2));
        let (verdict, _, _) = blocks_of(&w, HashMap::from([(index, Fr::ZERO)]));
        assert_failure(verdict, "Equality constraint not satisfied");
    }

    #[test]
    fn a_position_at_its_limit_holds_and_one_unit_over_fails_the_slacks_running_sum() {
        // BTC-C-25000 is limited to 3 contracts either side.
        let w = span_witness_v2();
        for (position, holds) in [("-3", true), ("3", true), ("-3.00000001", false), ("3.00000001", false)] {
            let text = portfolio_json(
                r#""USDC": "50000", "BTC": "6""#,
                r#""USDC": "10000""#,
                &format!(r#""BTC-PERP": "1", "BTC-C-25000": "{position}""#),
            );
            let portfolio = Portfolio::from_json(&text, &w.policy).unwrap().0;
            let at = witness(w.policy.clone(), portfolio);
            let (verdict, _, _) = blocks_of(&at, HashMap::new());
            match holds {
                true => verdict.unwrap(),
                false => assert_constraint_failure(verdict, LIMITS, POSITION_SLACK_END),
            }
        }
        // The slack claimed 0 for the honest position: v = L - m.
        let (verdict, _) = forged_blocks(&w, |c| vec![(c.position_slacks[1], Fr::ZERO)]);
        assert_constraint_failure(verdict, LIMITS, POSITION_SLACK);
    }

    #[test]
    fn an_excess_other_than_max_0_m_minus_t_is_rejected_by_the_limits_gate() {
        // BTC-PERP holds 1 over a threshold of 0.5: e = 0.5, n = 0.5.
        let w = span_witness_v2();
        let (verdict, _) = forged_blocks(&w, |c| vec![(c.excesses[0], Fr::ZERO)]);
        assert_constraint_failure(verdict, LIMITS, EXCESS_SPLIT);
        // e = 0 with n = -0.5 (2e - n = m - t holds, e (n - e) = 0): n's running sum does not end in 0.
        let (_, _, honest) = blocks_of(&w, HashMap::new());
        let sums = crate::encoding::running_sums(-Fr::from(50_000_000), AMOUNT_BYTES);
        let mut cells: HashMap<usize, Fr> = sums.into_iter().enumerate().map(|(j, z)| (honest.distances[0].index + j, z)).collect();
        cells.insert(honest.excesses[0].index, Fr::ZERO);
        assert_constraint_failure(blocks_of(&w, cells).0, LIMITS, DISTANCE_END);
        // e = 0.75, n = 1 (2e - n = m - t holds, both running sums end in 0): e (n - e) = 0 does not.
        let sums = crate::encoding::running_sums(Fr::from(100_000_000), AMOUNT_BYTES);
        let mut cells: HashMap<usize, Fr> = sums.into_iter().enumerate().map(|(j, z)| (honest.distances[0].index + j, z)).collect();
        cells.insert(honest.excesses[0].index, Fr::from(75_000_000));
        assert_constraint_failure(blocks_of(&w, cells).0, LIMITS, EXCESS_CHOICE);
    }
}
