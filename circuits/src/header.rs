//! The header's slots: which value each row of the header (lane 0, rows `0..h`) holds, for a
//! shape. A description of the layout, below the chips: the [`crate::context::Context`] reads
//! its header cells by slot, and [`crate::public`] writes the values.
//!
//! Rows: the two public inputs, the encoding version, the names digest, `effective_at`,
//! `expires_at`, the two ratios, the circuit's [`CONSTANTS`], per asset its price, debt margin
//! rate and tier pairs (bound, weight), then with limits the oracle's `prices_at`, the buffer per
//! hour, 3600, 3599, each asset's concentration cap and each underlying's net delta limit, then
//! with signed holdings the statement tag, `Base8`, the signed-debts flag, per source its key,
//! largest age and attests bits, and the names of the assets and instruments.

use crate::encoding::Shape;
use ff::Field;
use halo2_proofs::halo2curves::bn256::Fr;

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
    /// [`crate::encoding::ENCODING_VERSION`].
    EncodingVersion,
    /// [`crate::encoding::names_digest`] of the policy.
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
    /// (Signed) `name("solvent/statement/v1")`, the head of every statement's message.
    StatementTag,
    /// (Signed) `Base8`'s `x`, the key of a disabled statement slot.
    Base8X,
    /// (Signed) `Base8`'s `y`.
    Base8Y,
    /// (Signed) 1 if debts must come from statements, else 0.
    SignedDebts,
    /// (Signed) source `k`'s public key, `x`.
    SourceKeyX(usize),
    /// (Signed) source `k`'s public key, `y`.
    SourceKeyY(usize),
    /// (Signed) source `k`'s largest statement age (seconds).
    SourceMaxAge(usize),
    /// (Signed) 1 if source `k` may attest items of kind `j` (0 balances, 1 debts, 2 positions).
    SourceAttests(usize, usize),
    /// (Signed) `name(id)` of asset `a` (the name a balance or debt item of it carries).
    AssetName(usize),
    /// (Signed) `name(id)` of instrument `i`.
    InstrumentName(usize),
}

/// The kinds of a statement's items, in the order of its message: balances, debts, positions.
pub const ITEM_KINDS: usize = 3;

/// Header rows of each source: `x`, `y`, `max_age`, one attests bit per item kind.
const PER_SOURCE: usize = 3 + ITEM_KINDS;

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
            PublicSlot::StatementTag => signed_start(shape),
            PublicSlot::Base8X => signed_start(shape) + 1,
            PublicSlot::Base8Y => signed_start(shape) + 2,
            PublicSlot::SignedDebts => signed_start(shape) + 3,
            PublicSlot::SourceKeyX(k) => signed_start(shape) + 4 + PER_SOURCE * k,
            PublicSlot::SourceKeyY(k) => signed_start(shape) + 4 + PER_SOURCE * k + 1,
            PublicSlot::SourceMaxAge(k) => signed_start(shape) + 4 + PER_SOURCE * k + 2,
            PublicSlot::SourceAttests(k, j) => signed_start(shape) + 4 + PER_SOURCE * k + 3 + j,
            PublicSlot::AssetName(a) => names_start(shape) + a,
            PublicSlot::InstrumentName(i) => names_start(shape) + shape.assets + i,
        }
    }
}

/// The first header row of signed holdings' values (after the limits').
fn signed_start(shape: &Shape) -> usize {
    limits_start(shape) + shape.limits.map_or(0, |underlyings| 4 + shape.assets + underlyings)
}

/// The first header row of the assets' and instruments' names (signed holdings).
fn names_start(shape: &Shape) -> usize {
    signed_start(shape) + 4 + PER_SOURCE * shape.signed.map_or(0, |signed| signed.sources)
}

/// The first header row after the values of risk model v1 (where a shape with limits has its
/// header's limits).
fn limits_start(shape: &Shape) -> usize {
    FIXED_HEADER_ROWS + shape.assets * (2 + 2 * shape.tiers)
}

/// Rows of the header's values for `shape` (the header region may be longer: see
/// [`crate::layout::Regions::header_rows`]).
pub fn header_values(shape: &Shape) -> usize {
    match shape.signed {
        Some(_) => names_start(shape) + shape.assets + shape.instruments,
        None => signed_start(shape),
    }
}

/// The slot of a constant, if it is one of [`CONSTANTS`].
pub fn constant_slot(value: Fr) -> Option<PublicSlot> {
    CONSTANTS.iter().position(|c| c.value() == value).map(PublicSlot::Constant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_has_its_own_header_row() {
        let signed = solvent_statement::SignedShape { sources: 2, statements: 3, items: 4 };
        let shape = Shape { limits: Some(2), signed: Some(signed), ..Shape::v1(3, 2, 1, 1) };
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
        slots.extend([PublicSlot::StatementTag, PublicSlot::Base8X, PublicSlot::Base8Y, PublicSlot::SignedDebts]);
        for k in 0..2 {
            slots.extend([PublicSlot::SourceKeyX(k), PublicSlot::SourceKeyY(k), PublicSlot::SourceMaxAge(k)]);
            slots.extend((0..ITEM_KINDS).map(|j| PublicSlot::SourceAttests(k, j)));
        }
        slots.extend((0..3).map(PublicSlot::AssetName));
        slots.push(PublicSlot::InstrumentName(0));
        let rows: Vec<usize> = slots.iter().map(|s| s.row(&shape)).collect();
        assert_eq!(rows, (0..header_values(&shape)).collect::<Vec<_>>());
    }
}
