//! The public columns: what the verifier's policy commitment commits to, row by row.
//!
//! The circuit has `W` public (instance) columns, the *lanes* (`W` is 1, 2 or 4, chosen per shape
//! by [`crate::layout::Dims`]). Their values, rows counted from 0:
//!
//! - **Header** (lane 0, rows `0..h`): the public inputs of an attestation (the portfolio
//!   commitment, and the account and snapshot time packed as `account + 2^160 * time`), then the
//!   encoding version, the names digest, the window, the ratios, the circuit's constants
//!   ([`CONSTANTS`]) and, per asset, its price, debt margin rate and `T` tier pairs (bound,
//!   weight), the limits' values and signed holdings' (`crate::header`); zeros up to `max(h, H)` rows. The main column loads every header row.
//! - **Instrument blocks** (rows `h' + i * H + j` for instrument `i`): row `j = 0` of lane 0 holds
//!   the instrument's short option minimum; rows `j = 1..=B` of lane `l` hold its loss in
//!   scenario `(j - 1) * W + l` (0 past the last scenario).
//! - **Readout blocks**: `-1` in lane `l`, rows `0..=B` of the `l`-th readout block.
//! - **Sponge**: lane `l < 3` holds the Poseidon chip's row constants of column `2 - l` (the
//!   sponge's first row: its initial state `[domain, shape, 0]`); likewise in the rows of each
//!   statement's message hashes (signed holdings), from the state `[0, 0, 0]`.
//! - Every other value is 0.
//!
//! The *policy commitment* is the list of the lanes' KZG commitments with the public inputs set
//! to 0: it depends only on the validated policy, the circuit version, the SRS and `k`. A prover's
//! lane 0 holds the public inputs in rows 0 and 1, so verifiers use
//! `C_0 = C_policy + x_0 [L_0(tau)] + x_1 [L_1(tau)]` (see `docs/design.md`).

use crate::eddsa::curve::Point;
use crate::encoding::field_from_i128;
use crate::encoding::name_to_field;
use crate::encoding::{limits, names_digest, padded_tiers, portfolio_initial_state, PublicInputs, ENCODING_VERSION};
use crate::header::{header_values, PublicSlot, CONSTANTS};
use crate::layout::{Dims, Regions};
use crate::signed::{source_key, STATEMENT_SCHEMA};
use ff::Field;
use halo2_proofs::halo2curves::bn256::Fr;
use solvent_model::Policy;

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
    if let Some(signed) = &policy.signed {
        let base8 = Point::base8();
        set(PublicSlot::StatementTag, name_to_field(STATEMENT_SCHEMA));
        set(PublicSlot::Base8X, base8.x);
        set(PublicSlot::Base8Y, base8.y);
        set(PublicSlot::SignedDebts, Fr::from(u64::from(signed.signed_debts)));
        for (k, source) in signed.sources.iter().enumerate() {
            let key = source_key(source);
            set(PublicSlot::SourceKeyX(k), key.x);
            set(PublicSlot::SourceKeyY(k), key.y);
            set(PublicSlot::SourceMaxAge(k), Fr::from(source.max_age));
            let attests = [source.attests.balances, source.attests.debts, source.attests.positions];
            for (j, allowed) in attests.into_iter().enumerate() {
                set(PublicSlot::SourceAttests(k, j), Fr::from(u64::from(allowed)));
            }
        }
        for (a, asset) in policy.assets.iter().enumerate() {
            set(PublicSlot::AssetName(a), name_to_field(&asset.id));
        }
        for (i, instrument) in policy.instruments.iter().enumerate() {
            set(PublicSlot::InstrumentName(i), name_to_field(&instrument.id));
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
    // The statements' message hashes and the challenges' (§12): P(a, b) from the state (0, 0, 0),
    // constants as the sponge's.
    if let Some(signed) = shape.signed {
        let pair = crate::poseidon::chip::sponge_public_constants([Fr::ZERO; 3], 2);
        let regions = &regions;
        let messages = (0..signed.statements)
            .flat_map(|slot| (0..crate::layout::message_hashes(signed.items)).map(move |h| regions.message_row(slot, h)));
        let challenges = (0..crate::layout::challenge_hashes(signed, shape.assets)).map(|h| regions.challenge_row(h));
        for start in messages.chain(challenges) {
            for (lane, column) in columns.iter_mut().enumerate().take(3) {
                for (row, value) in pair[2 - lane].iter().enumerate() {
                    column[start + row] = *value;
                }
            }
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
