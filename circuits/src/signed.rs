//! Signed holdings (`docs/design.md` §12): every statement slot of the shape proves a signature
//! under a key of the policy's sources (or, disabled, counts nothing), its holder and time, the
//! kinds its source attests and the order of its items; the portfolio's balances and positions
//! are the sums of the enabled items, its debts at least the signed ones (exactly them when the
//! policy requires signed debts).
//!
//! Cells of one slot (`e` its enable bit; all on the main column):
//!
//! | cells | constraint |
//! |---|---|
//! | `e`, `sel_k` | boolean; `sum_k sel_k = e` |
//! | `A` | `A = sum_k sel_k A_k + (1 - e) Base8` (a disabled slot verifies under `Base8`) |
//! | `t` | `snapshot - t` and `t + sum_k sel_k max_age_k - snapshot` below `2^64` |
//! | item `j`: `e_j`, `d_j`, `p_j` | boolean; `e_j (1 - e_{j-1}) = 0` (`e_{-1} = e`); `d_j p_j = 0` |
//! | `kind_j`, `name_j`, `amount_j` | `kind_j = d_j + 2 p_j`; `e_j t (t - 1)(t - 2) = 0` for `t = kind_j - kind_{j-1}` |
//! | counts `n_b, n_d, n_p` | `n_d = sum_j e_j d_j`, `n_p = sum_j e_j p_j`, `n_b = sum_j e_j - n_d - n_p`; `n_x (1 - sum_k sel_k attests_{k,x}) = 0` |
//! | `M` | the chain of `P` over tag, account, `t`, counts and the items, `h_j = h + e_j (P(P(h, name_j), amount_j) - h)` |
//! | signature | the chips' check of `M` under `A` ([`crate::eddsa::SignatureConfig`]) |
//!
//! Across slots: `e_s e_t ((M_s - M_t) + (A_s.x - A_t.x)) inv = e_s e_t` (no statement counted
//! twice). The portfolio is the items' sum by one identity of fractions at challenges hashed
//! in-circuit from the portfolio commitment, the messages and the signed debts' sums `sd_a`:
//! `sum_c w_c / (gamma - key_c) = sum_{s,j} e_{s,j} amount_{s,j} / (gamma - key_{s,j})` with
//! `key = name + beta kind` and `w_c` the balance, `sd_a` or position; for a debt, `debt - sd_a` is
//! below `2^64` and 0 when the policy requires signed debts.

use crate::attestation::TIME_BITS;
use crate::context::{Cell, Context, PlacedSignature};
use crate::eddsa::curve::{biguint_of, suborder, Point};
use crate::eddsa::{challenge::challenge, SignatureWitness};
use crate::encoding::{account_to_field, field_from_i128, name_to_field};
use crate::gate::{GateChip, GateInstructions};
use crate::header::{PublicSlot, ITEM_KINDS};
use crate::layout::{challenge_hashes, message_hashes, SIGNATURE_ROWS};
use crate::poseidon::chip::{HashInstructions, SpongeChip};
use crate::poseidon::hash_pair;
use crate::range::{RangeChip, RangeInstructions};
use ff::Field;
use halo2_proofs::halo2curves::bn256::Fr;
use num_bigint::BigUint;
use solvent_model::{Policy, Source};

/// The schema of statements, whose name heads every message.
pub const STATEMENT_SCHEMA: &str = "solvent/statement/v1";
/// A statement's time is not after the snapshot (then the slot's index).
pub const NOT_AFTER_SNAPSHOT: &str = "statement time <= snapshot time, slot";
/// A statement's time is within its source's largest age (then the slot's index).
pub const WITHIN_MAX_AGE: &str = "statement time >= snapshot time - max_age, slot";
/// The portfolio's debt is at least the signed debts (then the asset's index).
pub const DECLARED_DEBT: &str = "debt >= signed debts of asset";

/// The portfolio cell an item counts towards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemCell {
    /// A balance of asset `a`.
    Balance(usize),
    /// A debt of asset `a`.
    Debt(usize),
    /// A position in instrument `i`.
    Position(usize),
}

impl ItemCell {
    /// The kind: 0 balance, 1 debt, 2 position (the message's order).
    pub fn kind(&self) -> usize {
        match self {
            ItemCell::Balance(_) => 0,
            ItemCell::Debt(_) => 1,
            ItemCell::Position(_) => 2,
        }
    }

    /// Its index among the portfolio's cells: balances, then debts, then positions.
    pub fn index(&self, assets: usize) -> usize {
        match *self {
            ItemCell::Balance(a) => a,
            ItemCell::Debt(a) => assets + a,
            ItemCell::Position(i) => 2 * assets + i,
        }
    }

    /// The cell of index `c` ([`ItemCell::index`]).
    pub fn of_index(c: usize, assets: usize) -> ItemCell {
        match c {
            c if c < assets => ItemCell::Balance(c),
            c if c < 2 * assets => ItemCell::Debt(c - assets),
            c => ItemCell::Position(c - 2 * assets),
        }
    }
}

/// One signed statement as the prover uses it: which of the policy's sources signed it (the
/// circuit proves the signature under that key), its time, its items in the message's order
/// (balances, debts, positions, each by the id's bytes) and the signature `(R8, S)`. Its holder
/// is the attestation's account: the circuit hashes the account into the message.
#[derive(Clone, Debug)]
pub struct StatementWitness {
    /// Index of the signing source in the policy's `sources`.
    pub source: usize,
    /// The statement's time (unix seconds).
    pub time: u64,
    /// The items in the message's order, amounts scaled by `10^8`.
    pub items: Vec<(ItemCell, i128)>,
    /// The signature's `R8`.
    pub r8: Point,
    /// The signature's `S`.
    pub s: BigUint,
}

impl StatementWitness {
    /// The numbers of balances, debts and positions.
    pub fn counts(&self) -> [usize; ITEM_KINDS] {
        let mut counts = [0; ITEM_KINDS];
        for (cell, _) in &self.items {
            counts[cell.kind()] += 1;
        }
        counts
    }
}

/// The message `M` of a statement (`docs/design.md` §12): the chain of `P` over the tag, the
/// holder, the time, the three counts and each item's name and amount, in the given order.
pub fn message(holder: Fr, time: u64, counts: [usize; ITEM_KINDS], items: &[(Fr, Fr)]) -> Fr {
    let mut h = hash_pair(name_to_field(STATEMENT_SCHEMA), holder);
    h = hash_pair(h, Fr::from(time));
    for count in counts {
        h = hash_pair(h, Fr::from(count as u64));
    }
    for (name, amount) in items {
        h = hash_pair(hash_pair(h, *name), *amount);
    }
    h
}

/// The message of `statement` under `policy` for `account` (names from the policy's ids).
pub fn statement_message(policy: &Policy, account: &[u8; 20], statement: &StatementWitness) -> Fr {
    let items: Vec<(Fr, Fr)> =
        statement.items.iter().map(|(cell, amount)| (name_to_field(cell_id(policy, *cell)), field_from_i128(*amount))).collect();
    message(account_to_field(account), statement.time, statement.counts(), &items)
}

/// The id an item of `cell` carries: its asset's or instrument's.
pub fn cell_id(policy: &Policy, cell: ItemCell) -> &str {
    match cell {
        ItemCell::Balance(a) | ItemCell::Debt(a) => &policy.assets[a].id,
        ItemCell::Position(i) => &policy.instruments[i].id,
    }
}

/// The point of a source's key.
///
/// # Panics
/// If the key is not one ([`Point::unpack_key`]): a policy's keys are validated when it is read.
pub fn source_key(source: &Source) -> Point {
    Point::unpack_key(&BigUint::from_bytes_be(&source.public_key)).expect("a policy's source keys are validated when it is read")
}

/// Checks that every source's key is one ([`Point::unpack_key`]: a point of the subgroup of order
/// `l`, not the identity), naming `{prefix}[k].public_key` otherwise: what makes [`source_key`]
/// total on a policy that passed it. A key of small order would accept any message.
pub fn check_keys(sources: &[Source], prefix: &str) -> Result<(), solvent_model::InputError> {
    for (k, source) in sources.iter().enumerate() {
        if Point::unpack_key(&BigUint::from_bytes_be(&source.public_key)).is_none() {
            return Err(solvent_model::InputError::new(
                format!("{prefix}[{k}].public_key"),
                format!(
                    "`{}` is not a key: not a point of the subgroup of order l that Base8 generates, or its identity",
                    solvent_model::signed::key_hex(&source.public_key)
                ),
            ));
        }
    }
    Ok(())
}

/// Checks a policy's source keys ([`check_keys`] on its `sources`).
pub fn check_policy_keys(policy: &Policy) -> Result<(), solvent_model::InputError> {
    policy.signed.as_ref().map_or(Ok(()), |signed| check_keys(&signed.sources, "sources"))
}

/// A disabled slot's signature of `message` under `Base8` (private scalar 1): `R8 = Base8`,
/// `S = 1 + 8 hm mod l`.
fn padding_signature(message: Fr) -> (Point, BigUint) {
    let base8 = Point::base8();
    let hm = biguint_of(&challenge(&base8, &base8, message));
    (base8, (1u32 + 8u32 * hm) % suborder())
}

/// The portfolio's cells the statements' sums must match.
#[derive(Clone, Debug)]
pub struct PortfolioCells {
    /// The account (the holder every statement's message hashes).
    pub account: Cell,
    /// The snapshot time.
    pub time: Cell,
    /// Balances, per asset.
    pub balances: Vec<Cell>,
    /// Debts, per asset.
    pub debts: Vec<Cell>,
    /// Positions, per instrument.
    pub positions: Vec<Cell>,
}

/// The cells of one statement slot.
#[derive(Clone, Debug)]
pub struct SlotCells {
    /// `e`.
    pub enabled: Cell,
    /// `sel_k`, per source.
    pub selectors: Vec<Cell>,
    /// `A`.
    pub key: [Cell; 2],
    /// The statement's time.
    pub time: Cell,
    /// `n_b, n_d, n_p`.
    pub counts: [Cell; ITEM_KINDS],
    /// Per item slot: `e_j`, `kind_j`, `name_j`, `amount_j`.
    pub items: Vec<ItemCells>,
    /// `M`.
    pub message: Cell,
}

/// The cells of one item slot.
#[derive(Clone, Debug)]
pub struct ItemCells {
    /// `e_j`.
    pub enabled: Cell,
    /// `d_j`: a debt.
    pub debt: Cell,
    /// `p_j`: a position.
    pub position: Cell,
    /// `kind_j = d_j + 2 p_j`: 0 balance, 1 debt, 2 position.
    pub kind: Cell,
    /// `name_j`.
    pub name: Cell,
    /// `amount_j`.
    pub amount: Cell,
}

/// The cells of signed holdings.
#[derive(Clone, Debug)]
pub struct SignedFigures {
    /// Each slot's.
    pub slots: Vec<SlotCells>,
    /// Per asset, the sum of the enabled items' debts of it.
    pub signed_debts: Vec<Cell>,
    /// The identity's challenge `gamma`.
    pub gamma: Cell,
    /// The identity's challenge `beta`.
    pub beta: Cell,
}

/// The instructions of signed holdings.
pub trait SignedInstructions {
    /// Records every statement slot of `policy`'s shape, the first `statements.len()` enabled
    /// with those statements, and binds the portfolio's cells to the sums of their items.
    ///
    /// # Panics
    /// If the policy has no signed holdings, or the statements do not fit its slots (the prover
    /// checks both before building a witness).
    fn signed_holdings(
        &self,
        ctx: &mut Context,
        policy: &Policy,
        statements: &[StatementWitness],
        portfolio: &PortfolioCells,
    ) -> SignedFigures;
}

/// The chip of signed holdings.
#[derive(Clone, Copy, Debug, Default)]
pub struct SignedChip;

impl SignedInstructions for SignedChip {
    fn signed_holdings(
        &self,
        ctx: &mut Context,
        policy: &Policy,
        statements: &[StatementWitness],
        portfolio: &PortfolioCells,
    ) -> SignedFigures {
        let gate = GateChip;
        let range = RangeChip;
        let shape = ctx.regions().shape.signed.expect("a shape with signed holdings");
        assert!(statements.len() <= shape.statements, "the statements fit the slots");
        let assets = policy.assets.len();
        let cells = 2 * assets + policy.instruments.len();
        let zero = ctx.load_constant(Fr::ZERO);
        let one = ctx.load_constant(Fr::ONE);
        let two = ctx.load_constant(Fr::from(2));
        let names: Vec<Cell> = (0..cells)
            .map(|c| match ItemCell::of_index(c, assets) {
                ItemCell::Balance(a) | ItemCell::Debt(a) => ctx.public(PublicSlot::AssetName(a)),
                ItemCell::Position(i) => ctx.public(PublicSlot::InstrumentName(i)),
            })
            .collect();
        let keys: Vec<[Cell; 2]> =
            (0..shape.sources).map(|k| [ctx.public(PublicSlot::SourceKeyX(k)), ctx.public(PublicSlot::SourceKeyY(k))]).collect();
        let max_ages: Vec<Cell> = (0..shape.sources).map(|k| ctx.public(PublicSlot::SourceMaxAge(k))).collect();
        let attests: Vec<Vec<Cell>> =
            (0..ITEM_KINDS).map(|x| (0..shape.sources).map(|k| ctx.public(PublicSlot::SourceAttests(k, x))).collect()).collect();
        let base8 = [ctx.public(PublicSlot::Base8X), ctx.public(PublicSlot::Base8Y)];
        let tag = ctx.public(PublicSlot::StatementTag);
        let fixed = 3usize.saturating_sub(ctx.regions().dims.lanes);

        let mut slots = Vec::with_capacity(shape.statements);
        for slot in 0..shape.statements {
            let statement = statements.get(slot);
            let bit = |on: bool| if on { Fr::ONE } else { Fr::ZERO };

            // e and the one-hot source selector: sum_k sel_k = e.
            let enabled = ctx.load_witness(bit(statement.is_some()));
            gate.assert_bool(ctx, enabled);
            let selectors: Vec<Cell> = (0..shape.sources)
                .map(|k| {
                    let sel = ctx.load_witness(bit(statement.is_some_and(|s| s.source == k)));
                    gate.assert_bool(ctx, sel);
                    sel
                })
                .collect();
            let chosen = selectors.iter().fold(zero, |acc, sel| gate.add(ctx, acc, *sel));
            ctx.constrain_equal(chosen, enabled);

            // A = sum_k sel_k A_k + (1 - e) Base8.
            let disabled = gate.sub(ctx, one, enabled);
            let key: [Cell; 2] = std::array::from_fn(|w| {
                let column: Vec<Cell> = keys.iter().map(|key| key[w]).collect();
                let chosen = gate.inner_product(ctx, &selectors, &column);
                gate.mul_add(ctx, chosen, disabled, base8[w])
            });

            // snapshot - max_age <= t <= snapshot (a disabled slot: t = snapshot, max_age = 0).
            let time = ctx.load_witness(statement.map_or(portfolio.time.value, |s| Fr::from(s.time)));
            let max_age = gate.inner_product(ctx, &selectors, &max_ages);
            let before = gate.sub(ctx, portfolio.time, time);
            range.range_check(ctx, before, TIME_BITS, &format!("{NOT_AFTER_SNAPSHOT} {slot}"));
            let latest = gate.add(ctx, time, max_age);
            let within = gate.sub(ctx, latest, portfolio.time);
            range.range_check(ctx, within, TIME_BITS, &format!("{WITHIN_MAX_AGE} {slot}"));

            // The item slots: a prefix enabled; each item's kind from two bits (debt, position),
            // its name and amount as signed (the message binds them).
            let mut enabled_items = zero;
            let mut debts = zero;
            let mut positions = zero;
            let mut previous_enabled = enabled;
            let mut previous_kind: Option<Cell> = None;
            let mut items = Vec::with_capacity(shape.items);
            for j in 0..shape.items {
                let item = statement.and_then(|s| s.items.get(j));
                let item_enabled = ctx.load_witness(bit(item.is_some()));
                gate.assert_bool(ctx, item_enabled);
                let off = gate.sub(ctx, one, previous_enabled);
                gate.assert_zero_product(ctx, item_enabled, off);
                let kind_of = item.map_or(0, |(cell, _)| cell.kind());
                let debt = ctx.load_witness(bit(kind_of == 1));
                gate.assert_bool(ctx, debt);
                let position = ctx.load_witness(bit(kind_of == 2));
                gate.assert_bool(ctx, position);
                gate.assert_zero_product(ctx, debt, position);
                let kind = gate.mul_add(ctx, debt, position, two);
                // Kinds do not decrease: e_j t (t - 1)(t - 2) = 0, t = kind_j - kind_{j-1}.
                if let Some(previous) = previous_kind {
                    let t = gate.sub(ctx, kind, previous);
                    let t1 = gate.sub(ctx, t, one);
                    let t2 = gate.sub(ctx, t, two);
                    let product = gate.mul(ctx, t, t1);
                    let product = gate.mul(ctx, product, t2);
                    gate.assert_zero_product(ctx, item_enabled, product);
                }
                enabled_items = gate.add(ctx, enabled_items, item_enabled);
                debts = gate.mul_add(ctx, debts, item_enabled, debt);
                positions = gate.mul_add(ctx, positions, item_enabled, position);
                let name = ctx.load_witness(item.map_or(Fr::ZERO, |(cell, _)| name_to_field(cell_id(policy, *cell))));
                let amount = ctx.load_witness(item.map_or(Fr::ZERO, |(_, amount)| field_from_i128(*amount)));
                items.push(ItemCells { enabled: item_enabled, debt, position, kind, name, amount });
                previous_enabled = item_enabled;
                previous_kind = Some(kind);
            }
            // n_b = sum_j e_j - n_d - n_p.
            let not_balances = gate.add(ctx, debts, positions);
            let counts = [gate.sub(ctx, enabled_items, not_balances), debts, positions];

            // The source attests every kind the statement has: n_x (1 - attests_x) = 0.
            for (count, column) in counts.iter().zip(&attests) {
                let allowed = gate.inner_product(ctx, &selectors, column);
                let refused = gate.sub(ctx, one, allowed);
                gate.assert_zero_product(ctx, *count, refused);
            }

            // The message chain, on the messages' rows.
            let mut hashes = 0;
            let mut hash = |ctx: &mut Context, a: Cell, b: Cell| {
                let row = ctx.regions().message_row(slot, hashes);
                hashes += 1;
                SpongeChip.hash_pair(ctx, row, fixed, a, b)
            };
            let mut h = hash(ctx, tag, portfolio.account);
            h = hash(ctx, h, time);
            for count in counts {
                h = hash(ctx, h, count);
            }
            for item in &items {
                let named = hash(ctx, h, item.name);
                let next = hash(ctx, named, item.amount);
                let step = gate.sub(ctx, next, h);
                h = gate.mul_add(ctx, h, item.enabled, step);
            }
            debug_assert_eq!(hashes, message_hashes(shape.items));

            // The signature of M under A.
            let point = Point { x: key[0].value, y: key[1].value };
            let (r8, s) = match statement {
                Some(statement) => (statement.r8, statement.s.clone()),
                None => padding_signature(h.value),
            };
            let rows = SignatureWitness::new(&point, &r8, &s, h.value);
            ctx.signature(PlacedSignature { offset: slot * SIGNATURE_ROWS, rows, key, message: h });
            slots.push(SlotCells { enabled, selectors, key, time, counts, items, message: h });
        }

        // No statement counted twice: (M_s - M_t) + (A_s.x - A_t.x) is invertible when both count.
        for s in 0..slots.len() {
            for t in s + 1..slots.len() {
                let (a, b) = (&slots[s], &slots[t]);
                let messages = gate.sub(ctx, a.message, b.message);
                let keys = gate.sub(ctx, a.key[0], b.key[0]);
                let difference = gate.add(ctx, messages, keys);
                let both = gate.mul(ctx, a.enabled, b.enabled);
                let inverse = ctx.load_witness(Option::from(difference.value.invert()).unwrap_or(Fr::ZERO));
                let unit = gate.mul(ctx, difference, inverse);
                let checked = gate.mul(ctx, both, unit);
                ctx.constrain_equal(checked, both);
            }
        }

        // The signed debts' sums per asset (bound by the challenges below).
        let signed_debts: Vec<Cell> = (0..assets)
            .map(|a| {
                let sum: i128 =
                    statements.iter().flat_map(|s| &s.items).filter(|(cell, _)| *cell == ItemCell::Debt(a)).map(|(_, x)| x).sum();
                ctx.load_witness(field_from_i128(sum))
            })
            .collect();

        // The challenges, hashed from everything the identity below weighs: gamma = P(..P(P(C,
        // M_0), M_1).., sd_{A-1}) over the portfolio commitment C (which binds the balances and
        // positions), every slot's message and the signed debts' sums; beta = P(gamma, 0).
        let mut hashes = 0;
        let mut hash = |ctx: &mut Context, a: Cell, b: Cell| {
            let row = ctx.regions().challenge_row(hashes);
            hashes += 1;
            SpongeChip.hash_pair(ctx, row, fixed, a, b)
        };
        let mut gamma = ctx.public(PublicSlot::PortfolioCommitment);
        for slot in &slots {
            gamma = hash(ctx, gamma, slot.message);
        }
        for sum in &signed_debts {
            gamma = hash(ctx, gamma, *sum);
        }
        let beta = hash(ctx, gamma, zero);
        debug_assert_eq!(hashes, challenge_hashes(shape, assets));

        // The portfolio is the sum of the items, as one identity of fractions:
        // sum_c w_c / (gamma - key_c) = sum_{s,j} e_{s,j} amount_{s,j} / (gamma - key_{s,j}),
        // key = name + beta kind, w_c the balance, signed debt sum or position of cell c.
        let fraction = |ctx: &mut Context, name: Cell, kind: Cell, weight: Cell, sum: Cell| {
            let key = gate.mul_add(ctx, name, beta, kind);
            let difference = gate.sub(ctx, gamma, key);
            let inverse = ctx.load_witness(Option::from(difference.value.invert()).unwrap_or(Fr::ZERO));
            let unit = gate.mul(ctx, difference, inverse);
            ctx.constrain_equal(unit, one);
            gate.mul_add(ctx, sum, weight, inverse)
        };
        let mut portfolio_side = zero;
        for (c, name) in names.iter().enumerate() {
            let (weight, kind) = match ItemCell::of_index(c, assets) {
                ItemCell::Balance(a) => (portfolio.balances[a], zero),
                ItemCell::Debt(a) => (signed_debts[a], one),
                ItemCell::Position(i) => (portfolio.positions[i], two),
            };
            portfolio_side = fraction(ctx, *name, kind, weight, portfolio_side);
        }
        let mut statements_side = zero;
        for item in slots.iter().flat_map(|slot| &slot.items) {
            let weight = gate.mul(ctx, item.enabled, item.amount);
            statements_side = fraction(ctx, item.name, item.kind, weight, statements_side);
        }
        ctx.constrain_equal(portfolio_side, statements_side);

        // Debts at least the signed ones, exactly them when the policy requires it.
        let required = ctx.public(PublicSlot::SignedDebts);
        for (a, debt) in portfolio.debts.iter().enumerate() {
            let declared = gate.sub(ctx, *debt, signed_debts[a]);
            range.range_check(ctx, declared, TIME_BITS, &format!("{DECLARED_DEBT} {a}"));
            gate.assert_zero_product(ctx, declared, required);
        }
        SignedFigures { slots, signed_debts, gamma, beta }
    }
}

/// Signs `statement`'s message for `account` with the private scalar `a` of the key `a Base8`
/// (so `S Base8 = R8 + (8 hm) A` for `A = a Base8`, `R8 = r Base8`, `S = r + 8 hm a mod l`):
/// test witnesses without the sources crate's signer.
#[cfg(test)]
pub(crate) fn sign_for_test(policy: &Policy, account: &[u8; 20], statement: &mut StatementWitness, a: &BigUint, r: u64) {
    let key = Point::base8().mul(a);
    let m = statement_message(policy, account, statement);
    let r8 = Point::base8().mul(&BigUint::from(r));
    let hm = biguint_of(&challenge(&r8, &key, m));
    statement.r8 = r8;
    statement.s = (BigUint::from(r) + 8u32 * hm * a) % suborder();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestation::Witness;
    use crate::testing::*;
    use solvent_model::{Attests, Portfolio, SignedHoldings};
    use std::collections::HashMap;

    const MAIN_GATE: &str = "main: a + b * c = d";
    const EQUALITY: &str = "Equality constraint not satisfied";
    const ACCOUNT: [u8; 20] = {
        let mut account = [0; 20];
        account[19] = 0xaa;
        account
    };

    /// The private scalars of the custodian (balances and debts, 100 s) and the venue
    /// (positions, 50 s).
    fn scalar(source: usize) -> BigUint {
        BigUint::from(1_000_003u64 + 7 * source as u64)
    }

    fn source(id: &str, scalar: &BigUint, attests: Attests, max_age: u64) -> Source {
        Source { id: id.into(), public_key: Point::base8().mul(scalar).pack_bytes(), attests, max_age }
    }

    /// The SPAN policy with two sources and three statement slots of three items.
    fn signed_policy(signed_debts: bool) -> Policy {
        let mut policy = Policy::from_json(SPAN_POLICY).unwrap();
        let custodian = Attests { balances: true, debts: true, positions: false };
        let venue = Attests { balances: false, debts: false, positions: true };
        policy.signed = Some(SignedHoldings {
            sources: vec![source("custodian", &scalar(0), custodian, 100), source("venue", &scalar(1), venue, 50)],
            statement_slots: 3,
            items_per_statement: 3,
            signed_debts,
        });
        policy
    }

    fn asset(policy: &Policy, id: &str) -> usize {
        policy.assets.iter().position(|a| a.id == id).unwrap()
    }

    fn instrument(policy: &Policy, id: &str) -> usize {
        policy.instruments.iter().position(|i| i.id == id).unwrap()
    }

    /// A statement of `source` at `time`, signed by the source's scalar.
    fn signed(policy: &Policy, source: usize, time: u64, items: Vec<(ItemCell, i128)>) -> StatementWitness {
        let mut statement = StatementWitness { source, time, items, r8: Point::base8(), s: BigUint::default() };
        sign_for_test(policy, &ACCOUNT, &mut statement, &scalar(source), 77 + source as u64);
        statement
    }

    const UNIT: i128 = 100_000_000;

    /// Asserts that slot `slot`'s signature is refused where it is decided: the copy of the
    /// ladder's result `S Base8 - hm (8A)` (first signature column, its last row) into the hash's
    /// `R8`.
    fn assert_signature_refused(verdict: Result<(), Vec<String>>, slot: usize) {
        let row = slot * SIGNATURE_ROWS + crate::eddsa::chip::ROWS - 1;
        let column = crate::layout::ADVICE_COLUMNS + crate::eddsa::chip::QX;
        assert_failure(verdict, &format!("{EQUALITY} by cell (Column('Advice', {column} - ), outside any region, on row {row})"));
    }

    /// The custodian's statement (balances BTC 6, USDC 50000; debt USDC 10000) and the venue's
    /// (positions BTC-C-25000 -2, BTC-PERP 1), in their messages' order: the span portfolio.
    fn statements(policy: &Policy) -> Vec<StatementWitness> {
        let (btc, usdc) = (asset(policy, "BTC"), asset(policy, "USDC"));
        let custodian = signed(
            policy,
            0,
            100,
            vec![(ItemCell::Balance(btc), 6 * UNIT), (ItemCell::Balance(usdc), 50_000 * UNIT), (ItemCell::Debt(usdc), 10_000 * UNIT)],
        );
        let (call, perp) = (instrument(policy, "BTC-C-25000"), instrument(policy, "BTC-PERP"));
        let venue = signed(policy, 1, 120, vec![(ItemCell::Position(call), -2 * UNIT), (ItemCell::Position(perp), UNIT)]);
        vec![custodian, venue]
    }

    fn signed_witness(policy: Policy, statements: Vec<StatementWitness>) -> Witness {
        let mut w = span_witness();
        w.policy = policy;
        w.statements = statements;
        w
    }

    fn honest() -> Witness {
        let policy = signed_policy(true);
        let statements = statements(&policy);
        signed_witness(policy, statements)
    }

    #[test]
    fn statements_that_sum_to_the_portfolio_are_accepted_with_a_padding_slot() {
        let w = honest();
        assert_eq!(mock_honest(&w), Ok(()));
        let (_, figures) = built(&w);
        let signed = figures.signed.expect("signed holdings");
        assert_eq!(signed.slots.iter().map(|s| s.enabled.value).collect::<Vec<_>>(), vec![Fr::ONE, Fr::ONE, Fr::ZERO]);
        for (slot, statement) in signed.slots.iter().zip(&w.statements) {
            assert_eq!(slot.message.value, statement_message(&w.policy, &ACCOUNT, statement));
        }
        // The message is the one sources' statements sign (sources/src/statement.rs's test vector
        // of this chain is checked there against the same function).
        assert_eq!(w.portfolio.account, ACCOUNT);
    }

    #[test]
    fn a_changed_amount_another_key_holder_or_source_fails_the_signature() {
        let policy = signed_policy(true);
        let refused = |statements: Vec<StatementWitness>, portfolio: Option<Portfolio>| {
            let mut w = signed_witness(policy.clone(), statements);
            if let Some(p) = portfolio {
                w.portfolio = p;
            }
            assert_signature_refused(mock_honest(&w), 0);
        };
        // 7 BTC claimed under the signature of 6 (and the portfolio holding 7).
        let mut more = statements(&policy);
        more[0].items[0].1 = 7 * UNIT;
        let mut portfolio = span_witness().portfolio;
        portfolio.balances[asset(&policy, "BTC")] = 7 * UNIT;
        refused(more, Some(portfolio));
        // Signed by a key the policy does not list, claimed as the custodian's.
        let mut stranger = statements(&policy);
        sign_for_test(&policy, &ACCOUNT, &mut stranger[0], &BigUint::from(5u32), 3);
        refused(stranger, None);
        // Signed for another holder.
        let mut other = statements(&policy);
        let mut holder = ACCOUNT;
        holder[0] = 1;
        sign_for_test(&policy, &holder, &mut other[0], &scalar(0), 3);
        refused(other, None);
        // The custodian's statement claimed as the venue's.
        let mut swapped = statements(&policy);
        swapped[0].source = 1;
        refused(swapped, None);
    }

    #[test]
    fn a_statement_too_old_or_after_the_snapshot_is_refused_at_its_time_check() {
        let policy = signed_policy(true);
        for (time, label) in [(SNAPSHOT_TIME - 101, WITHIN_MAX_AGE), (SNAPSHOT_TIME + 1, NOT_AFTER_SNAPSHOT)] {
            let mut all = statements(&policy);
            let items = all[0].items.clone();
            all[0] = signed(&policy, 0, time, items);
            let w = signed_witness(policy.clone(), all);
            range_fails(mock_honest(&w), &w, &format!("{label} 0"));
        }
        // At the bounds: exactly max_age old, and at the snapshot.
        for time in [SNAPSHOT_TIME - 100, SNAPSHOT_TIME] {
            let mut all = statements(&policy);
            let items = all[0].items.clone();
            all[0] = signed(&policy, 0, time, items);
            assert_eq!(mock_honest(&signed_witness(policy.clone(), all)), Ok(()));
        }
    }

    fn range_fails(verdict: Result<(), Vec<String>>, w: &Witness, label: &str) {
        assert_range_failure(verdict, &built(w).0, label);
    }

    #[test]
    fn a_kind_the_source_does_not_attest_is_refused_by_the_main_gate() {
        let policy = signed_policy(true);
        // The venue signs a balance of BTC besides its positions; the custodian's BTC is 5.
        let mut all = statements(&policy);
        all[0].items[0].1 = 5 * UNIT;
        let items = all[0].items.clone();
        all[0] = signed(&policy, 0, 100, items);
        let mut venue = vec![(ItemCell::Balance(asset(&policy, "BTC")), UNIT)];
        venue.extend(all[1].items.clone());
        all[1] = signed(&policy, 1, 120, venue);
        assert_failure(mock_honest(&signed_witness(policy.clone(), all.clone())), MAIN_GATE);
        // The same statements pass when the venue attests balances.
        let mut trusting = policy;
        trusting.signed.as_mut().unwrap().sources[1].attests.balances = true;
        for statement in &mut all {
            let items = statement.items.clone();
            *statement = signed(&trusting, statement.source, statement.time, items);
        }
        assert_eq!(mock_honest(&signed_witness(trusting, all)), Ok(()));
    }

    #[test]
    fn a_balance_counted_as_a_debt_is_refused_by_the_kind_order() {
        // Kinds balance, debt, balance with the signed counts (2, 1, 0) and the signed names and
        // amounts: the message is the signed one, so only the kind order refuses it.
        let policy = signed_policy(true);
        let mut all = statements(&policy);
        let (btc, usdc) = (asset(&policy, "BTC"), asset(&policy, "USDC"));
        let (r8, s) = (all[0].r8, all[0].s.clone());
        all[0].items =
            vec![(ItemCell::Balance(btc), 6 * UNIT), (ItemCell::Debt(usdc), 50_000 * UNIT), (ItemCell::Balance(usdc), 10_000 * UNIT)];
        (all[0].r8, all[0].s) = (r8, s);
        let mut w = signed_witness(policy, all);
        w.portfolio.balances[usdc] = 10_000 * UNIT;
        w.portfolio.debts[usdc] = 50_000 * UNIT;
        assert_eq!(
            statement_message(&w.policy, &ACCOUNT, &w.statements[0]),
            statement_message(&honest().policy, &ACCOUNT, &honest().statements[0])
        );
        let failures = mock_honest(&w).unwrap_err();
        assert!(failures.iter().all(|f| !f.contains(EQUALITY)), "the signature verifies: {failures:?}");
        assert_failure(Err(failures), MAIN_GATE);
    }

    #[test]
    fn a_statement_counted_twice_is_refused() {
        let policy = signed_policy(true);
        let mut all = statements(&policy);
        all.push(all[1].clone());
        let mut w = signed_witness(policy, all);
        for q in &mut w.portfolio.positions {
            *q *= 2;
        }
        assert_failure(mock_honest(&w), EQUALITY);
    }

    #[test]
    fn a_portfolio_item_no_statement_covers_is_refused() {
        let mut w = honest();
        w.portfolio.balances[asset(&w.policy, "BTC")] += UNIT;
        assert_failure(mock_honest(&w), EQUALITY);
        let mut w = honest();
        w.portfolio.positions[0] += UNIT;
        assert_failure(mock_honest(&w), EQUALITY);
    }

    #[test]
    fn debts_are_at_least_the_signed_ones_and_exactly_them_when_required() {
        let usdc = asset(&honest().policy, "USDC");
        let with_debt = |signed_debts: bool, debt: i128| {
            let mut w = honest();
            w.policy.signed.as_mut().unwrap().signed_debts = signed_debts;
            w.portfolio.debts[usdc] = debt;
            w
        };
        assert_eq!(mock_honest(&with_debt(false, 10_001 * UNIT)), Ok(()));
        assert_failure(mock_honest(&with_debt(true, 10_001 * UNIT)), MAIN_GATE);
        let less = with_debt(false, 10_000 * UNIT - 1);
        range_fails(mock_honest(&less), &less, &format!("{DECLARED_DEBT} {usdc}"));
    }

    #[test]
    fn a_disabled_slot_counts_nothing() {
        // The cheating prover turns on the padding slot's first item (to count its amount).
        let w = honest();
        let (_, figures) = built(&w);
        let padding = &figures.signed.as_ref().unwrap().slots[2];
        let forged = HashMap::from([(padding.items[0].enabled.index, Fr::ONE)]);
        assert_failure(mock_forged(&w, forged, None), MAIN_GATE);
    }

    #[test]
    fn an_item_both_debt_and_position_is_refused_by_the_main_gate() {
        // d_j p_j = 0: kind 3 (both bits on) would count the item twice among the kinds.
        let w = honest();
        let (_, figures) = built(&w);
        let item = &figures.signed.as_ref().unwrap().slots[2].items[0];
        let forged = HashMap::from([(item.debt.index, Fr::ONE), (item.position.index, Fr::ONE), (item.kind.index, Fr::from(3))]);
        assert_failure(mock_forged(&w, forged, None), MAIN_GATE);
    }
}
