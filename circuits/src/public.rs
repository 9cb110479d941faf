//! The public columns: what the verifier's policy commitment commits to, row by row.
//!
//! The circuit has `W` public (instance) columns, the *lanes* (`W` is 1, 2 or 4, chosen per shape
//! by [`crate::layout::Dims`]). Their values, rows counted from 0:
//!
//! - **Header** (lane 0, rows `0..h`): the public inputs of an attestation (the portfolio
//!   commitment, and the account and snapshot time packed as `account + 2^160 * time`), then the
//!   encoding version, the names digest, the window, the ratios, the circuit's constants
//!   ([`CONSTANTS`]) and, per asset, its price, debt margin rate and `T` tier pairs (bound,
//!   weight); zeros up to `max(h, H)` rows. The main column loads every header row.
//! - **Instrument blocks** (rows `h' + i * H + j` for instrument `i`): row `j = 0` of lane 0 holds
//!   the instrument's short option minimum; rows `j = 1..=B` of lane `l` hold its loss in
//!   scenario `(j - 1) * W + l` (0 past the last scenario).
//! - **Readout blocks**: `-1` in lane `l`, rows `0..=B` of the `l`-th readout block.
//! - **Sponge**: lane `l < 3` holds the Poseidon chip's row constants of column `2 - l` (the
//!   sponge's first row: its initial state `[domain, shape, 0]`).
//! - Every other value is 0.
//!
//! The *policy commitment* is the list of the lanes' KZG commitments with the public inputs set
//! to 0: it depends only on the validated policy, the circuit version, the SRS and `k`. A prover's
//! lane 0 holds the public inputs in rows 0 and 1, so verifiers use
//! `C_0 = C_policy + x_0 [L_0(tau)] + x_1 [L_1(tau)]` (see `docs/design.md`).

use crate::context::field_from_i128;
use crate::encoding::{limits, names_digest, padded_tiers, portfolio_initial_state, PublicInputs, Shape, ENCODING_VERSION};
use crate::layout::{Dims, Regions};
use ff::Field;
use halo2_proofs::halo2curves::bn256::Fr;
use solvent_model::Policy;

/// The constants the circuit uses, loaded from the header (so it needs no fixed column of
/// constants): 0, 1, 2, `10^6`, `10^8`, the packing shifts `2^72` and `2^144`, and `2^160`
/// (account and time share a public value).
pub const CONSTANTS: [Constant; 8] = [
    Constant::Small(0),
    Constant::Small(1),
    Constant::Small(2),
    Constant::Small(1_000_000),
    Constant::Small(100_000_000),
    Constant::PowerOfTwo(72),
    Constant::PowerOfTwo(144),
    Constant::PowerOfTwo(160),
];

/// A constant of [`CONSTANTS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constant {
    /// A small integer.
    Small(u64),
    /// `2^n`.
    PowerOfTwo(u64),
}

impl Constant {
    /// The field element.
    pub fn value(&self) -> Fr {
        match *self {
            Constant::Small(v) => Fr::from(v),
            Constant::PowerOfTwo(n) => Fr::from(2).pow([n]),
        }
    }
}

/// Rows of the header before the per-asset values.
const FIXED_HEADER_ROWS: usize = 8 + CONSTANTS.len();

/// A value of the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicSlot {
    /// The portfolio commitment (public input; 0 in the policy commitment).
    PortfolioCommitment,
    /// The account and the snapshot time, `account + 2^160 * time` (public input).
    AccountAndTime,
    /// [`ENCODING_VERSION`].
    EncodingVersion,
    /// [`names_digest`] of the policy.
    NamesDigest,
    /// `effective_at`.
    EffectiveAt,
    /// `expires_at`.
    ExpiresAt,
    /// `margin_ratio` (6 digits).
    MarginRatio,
    /// `collateral_ratio` (6 digits).
    CollateralRatio,
    /// [`CONSTANTS`]`[i]`.
    Constant(usize),
    /// An asset's price (8 digits).
    Price(usize),
    /// An asset's debt margin rate (6 digits).
    DebtMarginRate(usize),
    /// A tier's bound (8 digits; padded tiers repeat the last bound; `null` is `2^100`).
    UpTo(usize, usize),
    /// A tier's weight (6 digits; padded tiers weigh 0).
    Weight(usize, usize),
    /// (Limits) the oracle's `prices_at` (`effective_at` without an oracle).
    PricesAt,
    /// (Limits) the oracle-latency buffer per hour (6 digits; 0 without an oracle).
    BufferPerHour,
    /// (Limits) 3600, seconds per hour.
    SecondsPerHour,
    /// (Limits) 3599, the largest remainder of a started hour.
    LastSecondOfHour,
    /// (Limits) an asset's concentration cap (6 digits; none is 1).
    MaxShare(usize),
    /// (Limits) an underlying's net delta limit at 16 digits (none is `2^160`).
    NetDeltaLimit(usize),
}

impl PublicSlot {
    /// The header row of this slot for `shape`.
    pub fn row(&self, shape: &Shape) -> usize {
        let per_asset = 2 + 2 * shape.tiers;
        match *self {
            PublicSlot::PortfolioCommitment => 0,
            PublicSlot::AccountAndTime => 1,
            PublicSlot::EncodingVersion => 2,
            PublicSlot::NamesDigest => 3,
            PublicSlot::EffectiveAt => 4,
            PublicSlot::ExpiresAt => 5,
            PublicSlot::MarginRatio => 6,
            PublicSlot::CollateralRatio => 7,
            PublicSlot::Constant(i) => 8 + i,
            PublicSlot::Price(a) => FIXED_HEADER_ROWS + a * per_asset,
            PublicSlot::DebtMarginRate(a) => FIXED_HEADER_ROWS + a * per_asset + 1,
            PublicSlot::UpTo(a, k) => FIXED_HEADER_ROWS + a * per_asset + 2 + 2 * k,
            PublicSlot::Weight(a, k) => FIXED_HEADER_ROWS + a * per_asset + 3 + 2 * k,
            PublicSlot::PricesAt => limits_start(shape),
            PublicSlot::BufferPerHour => limits_start(shape) + 1,
            PublicSlot::SecondsPerHour => limits_start(shape) + 2,
            PublicSlot::LastSecondOfHour => limits_start(shape) + 3,
            PublicSlot::MaxShare(a) => limits_start(shape) + 4 + a,
            PublicSlot::NetDeltaLimit(u) => limits_start(shape) + 4 + shape.assets + u,
        }
    }
}

/// The first header row after the values of risk model v1 (where a shape with limits has its
/// header's limits).
fn limits_start(shape: &Shape) -> usize {
    FIXED_HEADER_ROWS + shape.assets * (2 + 2 * shape.tiers)
}

/// Rows of the header's values for `shape` (the header region may be longer: see
/// [`Regions::header_rows`]).
pub fn header_values(shape: &Shape) -> usize {
    limits_start(shape) + shape.limits.map_or(0, |underlyings| 4 + shape.assets + underlyings)
}

/// The slot of a constant, if it is one of [`CONSTANTS`].
pub fn constant_slot(value: Fr) -> Option<PublicSlot> {
    CONSTANTS.iter().position(|c| c.value() == value).map(PublicSlot::Constant)
}

/// The header's values for `policy` (public inputs 0), row by row, over `rows` rows.
pub fn header(policy: &Policy, rows: usize) -> Vec<Fr> {
    let shape = policy.shape();
    let mut values = vec![Fr::ZERO; rows.max(header_values(&shape))];
    let mut set = |slot: PublicSlot, value: Fr| values[slot.row(&shape)] = value;
    set(PublicSlot::EncodingVersion, Fr::from(ENCODING_VERSION));
    set(PublicSlot::NamesDigest, names_digest(policy));
    set(PublicSlot::EffectiveAt, Fr::from(policy.effective_at));
    set(PublicSlot::ExpiresAt, Fr::from(policy.expires_at));
    set(PublicSlot::MarginRatio, field_from_i128(policy.margin_ratio));
    set(PublicSlot::CollateralRatio, field_from_i128(policy.collateral_ratio));
    for (i, c) in CONSTANTS.iter().enumerate() {
        set(PublicSlot::Constant(i), c.value());
    }
    for (a, asset) in policy.assets.iter().enumerate() {
        set(PublicSlot::Price(a), field_from_i128(asset.price));
        set(PublicSlot::DebtMarginRate(a), field_from_i128(asset.debt_margin_rate));
        for (k, (up_to, weight)) in padded_tiers(policy, a, shape.tiers).into_iter().enumerate() {
            set(PublicSlot::UpTo(a, k), field_from_i128(up_to));
            set(PublicSlot::Weight(a, k), field_from_i128(weight));
        }
    }
    if shape.limits.is_some() {
        set(PublicSlot::PricesAt, limits::prices_at(policy));
        set(PublicSlot::BufferPerHour, limits::buffer_per_hour(policy));
        set(PublicSlot::SecondsPerHour, Fr::from(3600));
        set(PublicSlot::LastSecondOfHour, Fr::from(3599));
        for a in 0..shape.assets {
            set(PublicSlot::MaxShare(a), limits::max_share(policy, a));
        }
        for u in 0..shape.underlyings() {
            set(PublicSlot::NetDeltaLimit(u), limits::net_delta_limit(policy, u));
        }
    }
    values
}

/// The header over `rows` rows with an attestation's public inputs in rows 0 and 1.
pub fn header_with(policy: &Policy, rows: usize, inputs: &PublicInputs) -> Vec<Fr> {
    let mut values = header(policy, rows);
    values[..PublicInputs::LEN].copy_from_slice(&inputs.column_values());
    values
}

/// The value of lane `lane` in row `j` of instrument `i`'s block.
pub fn block_value(policy: &Policy, dims: &Dims, i: usize, j: usize, lane: usize) -> Fr {
    let instrument = &policy.instruments[i];
    let scenario_rows = dims.scenario_rows(policy.scenarios.len());
    let with_limits = dims.add_on_row.is_some();
    match j {
        0 if lane == 0 => field_from_i128(instrument.short_option_minimum),
        0 if lane == 1 && with_limits => limits::position_limit(policy, i),
        0 => Fr::ZERO,
        j if j <= scenario_rows => {
            let scenario = (j - 1) * dims.lanes + lane;
            instrument.scenario_loss.get(scenario).map_or(Fr::ZERO, |loss| field_from_i128(*loss))
        }
        j if Some(j) == dims.add_on_row => match lane {
            0 => limits::rate(policy, i),
            1 => limits::threshold(policy, i),
            _ => Fr::ZERO,
        },
        j if with_limits && j < dims.add_on_row.unwrap_or(0) => {
            let underlying = (j - scenario_rows - 1) * dims.lanes + lane;
            if instrument.limits.underlying == Some(underlying) {
                field_from_i128(instrument.limits.delta)
            } else {
                Fr::ZERO
            }
        }
        _ => Fr::ZERO,
    }
}

/// The policy's public columns (public inputs 0): the values its commitment commits to. Each
/// column is as long as its last row that can hold a value.
pub fn policy_columns(policy: &Policy, dims: &Dims) -> Vec<Vec<Fr>> {
    let shape = policy.shape();
    let regions = Regions::new(shape, *dims);
    let mut columns = vec![vec![Fr::ZERO; regions.main_start]; dims.lanes];
    columns[0][..regions.header_rows].copy_from_slice(&header(policy, regions.header_rows));
    let rows = dims.last_sum_row(shape.scenarios);
    for i in 0..shape.instruments {
        for j in 0..=rows {
            for (lane, column) in columns.iter_mut().enumerate() {
                column[regions.block_row(i, j)] = block_value(policy, dims, i, j, lane);
            }
        }
    }
    if shape.instruments > 0 {
        for (lane, column) in columns.iter_mut().enumerate() {
            for j in 0..=rows {
                column[regions.readout_row(lane, j)] = -Fr::ONE;
            }
        }
    }
    let constants =
        crate::poseidon::chip::sponge_public_constants(portfolio_initial_state(shape), crate::layout::commitment_inputs(&shape));
    for (lane, column) in columns.iter_mut().enumerate().take(3) {
        for (row, value) in constants[2 - lane].iter().enumerate() {
            column[regions.sponge_start + row] = *value;
        }
    }
    columns
}

/// The prover's public columns: the policy's, with the attestation's public inputs in rows 0 and
/// 1 of lane 0.
pub fn public_columns(policy: &Policy, dims: &Dims, inputs: &PublicInputs) -> Vec<Vec<Fr>> {
    let mut columns = policy_columns(policy, dims);
    columns[0][..PublicInputs::LEN].copy_from_slice(&inputs.column_values());
    columns
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::span_witness;

    #[test]
    fn every_slot_has_its_own_header_row() {
        let shape = Shape { limits: Some(2), ..Shape::v1(3, 2, 1, 1) };
        let mut slots = vec![
            PublicSlot::PortfolioCommitment,
            PublicSlot::AccountAndTime,
            PublicSlot::EncodingVersion,
            PublicSlot::NamesDigest,
            PublicSlot::EffectiveAt,
            PublicSlot::ExpiresAt,
            PublicSlot::MarginRatio,
            PublicSlot::CollateralRatio,
        ];
        slots.extend((0..CONSTANTS.len()).map(PublicSlot::Constant));
        for a in 0..3 {
            slots.extend([PublicSlot::Price(a), PublicSlot::DebtMarginRate(a)]);
            for k in 0..2 {
                slots.extend([PublicSlot::UpTo(a, k), PublicSlot::Weight(a, k)]);
            }
        }
        slots.extend([PublicSlot::PricesAt, PublicSlot::BufferPerHour, PublicSlot::SecondsPerHour, PublicSlot::LastSecondOfHour]);
        slots.extend((0..3).map(PublicSlot::MaxShare));
        slots.extend((0..2).map(PublicSlot::NetDeltaLimit));
        let rows: Vec<usize> = slots.iter().map(|s| s.row(&shape)).collect();
        assert_eq!(rows, (0..header_values(&shape)).collect::<Vec<_>>());
    }

    #[test]
    fn policy_columns_hold_every_policy_value_once() {
        let w = span_witness();
        let dims = Dims::for_shape(w.policy.shape());
        let columns = policy_columns(&w.policy, &dims);
        let shape = w.policy.shape();
        let regions = Regions::new(shape, dims);
        // The losses and minimums are where the blocks read them.
        for (i, inst) in w.policy.instruments.iter().enumerate() {
            assert_eq!(columns[0][regions.block_row(i, 0)], field_from_i128(inst.short_option_minimum));
            for (s, loss) in inst.scenario_loss.iter().enumerate() {
                let (j, lane) = (1 + s / dims.lanes, s % dims.lanes);
                assert_eq!(columns[lane][regions.block_row(i, j)], field_from_i128(*loss));
            }
        }
        // Public inputs are 0 in the policy's columns; readout rows hold -1.
        assert!(columns[0][..PublicInputs::LEN].iter().all(|v| *v == Fr::ZERO));
        for lane in 0..dims.lanes {
            assert_eq!(columns[lane][regions.readout_row(lane, 0)], -Fr::ONE);
        }
    }
}
