//! The risk chips of the main column: haircut tiers and the scanning risk (the largest scenario
//! loss). The sign split of positions and the scenario sums are proven in the instrument blocks
//! ([`crate::blocks`]).
//!
//! Bit widths of the comparisons follow from the bounds of `docs/design.md`: amounts and prices
//! are below `10^19 < 2^64` (portfolio values are range-checked to 64 bits; policy values are
//! fixed by the verifier's policy commitment to a validated policy), so market values are below
//! `2^128`, scenario losses below `2^16 * 2^128 = 2^144`.

use crate::context::{Cell, Context, Slot};
use crate::gate::{GateChip, GateInstructions};
use crate::range::{RangeChip, RangeInstructions};
use ff::Field;
use halo2_proofs::halo2curves::bn256::Fr;

/// Bits of portfolio amounts and positions' magnitudes.
pub const AMOUNT_BITS: usize = 8 * crate::layout::AMOUNT_BYTES;
/// Bits of the comparisons of a market value with a tier bound.
pub const TIER_COMPARE_BITS: usize = 128;
/// Bits of the comparisons between scenario losses (and with the short option minimum).
pub const LOSS_COMPARE_BITS: usize = 152;

/// `a - b * c` (one gate: `result + b * c = a`).
pub fn sub_mul(ctx: &mut Context, a: Cell, b: Cell, c: Cell) -> Cell {
    let result = a.value - b.value * c.value;
    ctx.gate([Slot::New(result), Slot::Existing(b), Slot::Existing(c), Slot::Existing(a)])[0]
}

/// The haircut value of one balance under its tiers.
pub trait TierInstructions {
    /// `CV = sum_k w_k * clamp(V - U_{k-1}, 0, U_k - U_{k-1})` for a market value `V` and tier
    /// bounds `U` (at the same scale as `V`, increasing) with weights `w`.
    fn haircut_value(&self, ctx: &mut Context, value: Cell, bounds: &[Cell], weights: &[Cell]) -> TierSelection;
}

/// The cells of one balance's tier selection.
#[derive(Clone, Debug)]
pub struct TierSelection {
    /// `CV`.
    pub haircut_value: Cell,
    /// `[V < U_k]` for every tier.
    pub below: Vec<Cell>,
    /// The amount counted in every tier.
    pub counted: Vec<Cell>,
}

/// The label of a tier selection's comparisons `[V < U_k]`.
pub const TIER_COMPARISON: &str = "tier comparison V < U_k";
/// The label of the scanning risk's comparisons `[running max < L_s]`.
pub const SCENARIO_COMPARISON: &str = "scanning risk comparison max < L_s";

/// Tier selection by proven comparisons: `below_k = [V < U_k]` is range-checked for every
/// bound, and the amount counted in tier `k` is
/// `c_k = (1 - below_k) (U_k - U_{k-1}) + (below_k - below_{k-1}) (V - U_{k-1})`
/// (with `below_{-1} = 0`, `U_{-1} = 0`): the full width below `V`, the part of `V` inside the
/// tier that contains it, nothing above.
#[derive(Clone, Copy, Debug, Default)]
pub struct TierChip;

impl TierInstructions for TierChip {
    fn haircut_value(&self, ctx: &mut Context, value: Cell, bounds: &[Cell], weights: &[Cell]) -> TierSelection {
        let gate = GateChip;
        let zero = ctx.load_constant(Fr::ZERO);
        let mut previous_bound = zero;
        let mut previous_below = zero;
        let mut counted = Vec::with_capacity(bounds.len());
        let mut below_bits = Vec::with_capacity(bounds.len());
        for &bound in bounds {
            let below = RangeChip.is_less_than(ctx, value, bound, TIER_COMPARE_BITS, TIER_COMPARISON);
            let width = gate.sub(ctx, bound, previous_bound);
            let inside = gate.sub(ctx, value, previous_bound);
            let entered = gate.sub(ctx, below, previous_below);
            let partial = gate.mul(ctx, entered, inside);
            let with_width = gate.add(ctx, partial, width);
            counted.push(sub_mul(ctx, with_width, below, width));
            previous_bound = bound;
            previous_below = below;
            below_bits.push(below);
        }
        TierSelection { haircut_value: gate.inner_product(ctx, weights, &counted), below: below_bits, counted }
    }
}

/// The largest scenario loss.
pub trait ScenarioInstructions {
    /// `max(0, max_s L_s)`, every scenario compared with the running maximum; also returns the
    /// comparison bits `[running max < L_s]`.
    fn scanning_risk(&self, ctx: &mut Context, losses: &[Cell]) -> (Cell, Vec<Cell>);
}

/// The running maximum over the scenario losses.
#[derive(Clone, Copy, Debug, Default)]
pub struct ScenarioChip;

impl ScenarioInstructions for ScenarioChip {
    fn scanning_risk(&self, ctx: &mut Context, losses: &[Cell]) -> (Cell, Vec<Cell>) {
        let mut worst = ctx.load_constant(Fr::ZERO);
        let mut bits = Vec::with_capacity(losses.len());
        for &loss in losses {
            let less = RangeChip.is_less_than(ctx, worst, loss, LOSS_COMPARE_BITS, SCENARIO_COMPARISON);
            worst = GateChip.select(ctx, loss, worst, less);
            bits.push(less);
        }
        (worst, bits)
    }
}

#[cfg(test)]
mod tests {
    //! The risk chips alone, on loaded cells, against the reference model.
    use super::*;
    use crate::encoding::field_from_i128;
    use crate::encoding::padded_tiers;
    use crate::testing::{assert_failure, assert_range_failure, mock_context, test_context, SPAN_POLICY};
    use num_bigint::BigInt;
    use solvent_model::{Policy, AMOUNT_SCALE};
    use std::collections::HashMap;

    const MAIN_GATE: &str = "main: a + b * c = d";
    /// BTC's tiers in the SPAN policy: 0.9 up to 100,000, then 0.5.
    const BTC: usize = 1;
    /// 100,000 at 16 digits: the first bound of BTC's market value.
    const BOUND: i128 = 100_000 * AMOUNT_SCALE * AMOUNT_SCALE;

    /// The tier chip on market value `value` (16 digits) of `asset` of the SPAN policy, with
    /// `forged` cells.
    fn tiers_of(asset: usize, value: i128, forged: HashMap<usize, Fr>) -> (Result<(), Vec<String>>, Context, TierSelection) {
        let policy = Policy::from_json(SPAN_POLICY).unwrap();
        let mut ctx = test_context(forged);
        let value = ctx.load_witness(field_from_i128(value));
        let (mut bounds, mut weights) = (Vec::new(), Vec::new());
        for (up_to, weight) in padded_tiers(&policy, asset, policy.max_tiers()) {
            bounds.push(ctx.load_witness(field_from_i128(up_to * AMOUNT_SCALE)));
            weights.push(ctx.load_witness(field_from_i128(weight)));
        }
        let selection = TierChip.haircut_value(&mut ctx, value, &bounds, &weights);
        (mock_context(ctx.clone()), ctx, selection)
    }

    #[test]
    fn the_haircut_value_is_the_models_at_each_bound_and_one_unit_either_side() {
        let policy = Policy::from_json(SPAN_POLICY).unwrap();
        for value in [0, 1, BOUND - 1, BOUND, BOUND + 1, 3 * BOUND, i128::from(u64::MAX) * AMOUNT_SCALE] {
            for asset in [0, BTC] {
                let (verdict, _, selection) = tiers_of(asset, value, HashMap::new());
                verdict.unwrap();
                let model = solvent_model::risk::haircut_value(&policy, asset, &BigInt::from(value));
                assert_eq!(selection.haircut_value.value, crate::encoding::field_from_bigint(&model), "asset {asset}, V = {value}");
            }
        }
        // At the bound the first tier is full and the second empty.
        let (_, _, at) = tiers_of(BTC, BOUND, HashMap::new());
        assert_eq!(at.below[0].value, Fr::ZERO, "V < U_0 is false at V = U_0");
        assert_eq!(at.counted.iter().map(|c| c.value).collect::<Vec<_>>(), [field_from_i128(BOUND), Fr::ZERO]);
    }

    #[test]
    fn a_wrong_tier_bit_is_rejected_by_the_tier_comparison() {
        // 120,000 is above the first bound: claimed below it; and the unbounded tier claimed exceeded.
        let value = 120_000 * AMOUNT_SCALE * AMOUNT_SCALE;
        let (_, _, honest) = tiers_of(BTC, value, HashMap::new());
        for (bit, forged) in [(honest.below[0], Fr::ONE), (honest.below[1], Fr::ZERO)] {
            assert_ne!(bit.value, forged);
            let (verdict, ctx, _) = tiers_of(BTC, value, HashMap::from([(bit.index, forged)]));
            assert_range_failure(verdict, &ctx, TIER_COMPARISON);
        }
    }

    #[test]
    fn a_wrong_counted_amount_is_rejected_by_the_main_gate() {
        let value = 120_000 * AMOUNT_SCALE * AMOUNT_SCALE;
        let (_, _, honest) = tiers_of(BTC, value, HashMap::new());
        let counted = honest.counted[1];
        let (verdict, _, _) = tiers_of(BTC, value, HashMap::from([(counted.index, counted.value + Fr::ONE)]));
        assert_failure(verdict, MAIN_GATE);
    }

    /// The scanning risk of `losses` (signed), with `forged` cells.
    fn scanning_of(losses: &[i128], forged: HashMap<usize, Fr>) -> (Result<(), Vec<String>>, Context, Cell, Vec<Cell>) {
        let mut ctx = test_context(forged);
        let cells: Vec<Cell> = losses.iter().map(|l| ctx.load_witness(field_from_i128(*l))).collect();
        let (worst, bits) = ScenarioChip.scanning_risk(&mut ctx, &cells);
        (mock_context(ctx.clone()), ctx, worst, bits)
    }

    #[test]
    fn the_scanning_risk_is_the_largest_loss_or_zero() {
        for (losses, expected) in [(vec![5, -3, 9, 9, 2], 9), (vec![-4, -1], 0), (vec![0, 0], 0), (vec![-1, 1], 1), (vec![], 0)] {
            let (verdict, _, worst, _) = scanning_of(&losses, HashMap::new());
            verdict.unwrap();
            assert_eq!(worst.value, field_from_i128(expected), "{losses:?}");
        }
    }

    #[test]
    fn a_wrong_comparison_or_maximum_is_rejected() {
        let losses = [2300, 100];
        let (_, _, worst, bits) = scanning_of(&losses, HashMap::new());
        // The running maximum 0 claimed not below L_0 = 2300, so SR would stay 0.
        assert_eq!(bits[0].value, Fr::ONE);
        let (verdict, ctx, _, _) = scanning_of(&losses, HashMap::from([(bits[0].index, Fr::ZERO)]));
        assert_range_failure(verdict, &ctx, SCENARIO_COMPARISON);
        // The selected maximum changed.
        let (verdict, _, _, _) = scanning_of(&losses, HashMap::from([(worst.index, Fr::ZERO)]));
        assert_failure(verdict, MAIN_GATE);
    }
}
