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
