//! Which changes from one policy to another loosen risk and which tighten it (`docs/design.md`
//! §3.2): what `solvent policy diff` prints, so that a governance proposal can state it and its
//! voters check it.

use crate::decimal::{Decimal, AMOUNT_SCALE};
use crate::policy::{Asset, Attests, Instrument, LargePosition, Policy, SignedHoldings, Source, Underlying};
use crate::risk::haircut_value;
use num_bigint::BigInt;
use serde::Serialize;
use std::fmt;

/// Digits of amounts and prices (`10^8`).
const AMOUNT_DIGITS: u32 = 8;
/// Digits of ratios and weights (`10^6`).
const RATIO_DIGITS: u32 = 6;

/// How a change moves risk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Some portfolio passes under the new policy that failed under the old, none the other way.
    Loosens,
    /// Some portfolio fails under the new policy that passed under the old, none the other way.
    Tightens,
    /// Both (counted as loosening).
    Mixed,
    /// Market data or labels: neither.
    Data,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Loosens => "loosens",
            Effect::Tightens => "tightens",
            Effect::Mixed => "mixed",
            Effect::Data => "data",
        })
    }
}

/// One change: the field as the policy file names it, its effect, and the old and new values
/// as the file writes them (`-` for absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The field, e.g. `assets[BTC].debt_margin_rate`.
    pub field: String,
    /// Its effect on risk.
    pub effect: Effect,
    /// The old value.
    pub old: String,
    /// The new value.
    pub new: String,
}

/// Every change from one policy to another.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PolicyDiff {
    /// The changes, in the policy file's order.
    pub changes: Vec<Change>,
}

impl PolicyDiff {
    /// Whether any change loosens risk (or is mixed): the change needs the stricter approval.
    pub fn loosens(&self) -> bool {
        self.changes.iter().any(|c| matches!(c.effect, Effect::Loosens | Effect::Mixed))
    }

    /// Whether any change tightens risk (or is mixed).
    pub fn tightens(&self) -> bool {
        self.changes.iter().any(|c| matches!(c.effect, Effect::Tightens | Effect::Mixed))
    }

    fn push(&mut self, field: String, effect: Effect, old: String, new: String) {
        self.changes.push(Change { field, effect, old, new });
    }

    /// A value whose decrease loosens (`lower`) or whose increase loosens (`!lower`).
    fn number(&mut self, field: String, old: i128, new: i128, digits: u32, lower: bool) {
        if old != new {
            let effect = if (new < old) == lower { Effect::Loosens } else { Effect::Tightens };
            self.push(field, effect, decimal(old, digits), decimal(new, digits));
        }
    }

    /// A limit, absent meaning none: higher or removed loosens.
    fn limit(&mut self, field: String, old: Option<i128>, new: Option<i128>, digits: u32) {
        if old != new {
            // None is above every limit.
            let loosens = match (old, new) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(old), Some(new)) => new > old,
            };
            let effect = if loosens { Effect::Loosens } else { Effect::Tightens };
            self.push(field, effect, optional(old, digits), optional(new, digits));
        }
    }

    /// Something present in one policy only, or changed: `effect` as given.
    fn other(&mut self, field: String, effect: Effect, old: String, new: String) {
        if old != new {
            self.push(field, effect, old, new);
        }
    }
}

fn decimal(value: i128, digits: u32) -> String {
    Decimal::new(value, digits).to_string()
}

fn optional(value: Option<i128>, digits: u32) -> String {
    value.map_or_else(|| "-".to_string(), |v| decimal(v, digits))
}

fn present(present: bool) -> String {
    if present { "present" } else { "-" }.to_string()
}

/// The changes from `old` to `new` (both valid policies), with their effects (§3.2's rules).
pub fn diff(old: &Policy, new: &Policy) -> PolicyDiff {
    let mut d = PolicyDiff::default();
    d.other("id".into(), Effect::Data, old.id.clone(), new.id.clone());
    d.other("effective_at".into(), Effect::Data, old.effective_at.to_string(), new.effective_at.to_string());
    d.other("expires_at".into(), Effect::Data, old.expires_at.to_string(), new.expires_at.to_string());
    if old.scenarios.len() != new.scenarios.len() {
        d.push(
            "scenarios".into(),
            Effect::Mixed,
            format!("{} scenarios", old.scenarios.len()),
            format!("{} scenarios", new.scenarios.len()),
        );
    } else {
        d.other("scenarios".into(), Effect::Data, old.scenarios.join(", "), new.scenarios.join(", "));
    }
    let asset_id: fn(&Asset) -> &str = |a| &a.id;
    by_id(&mut d, "assets", &old.assets, &new.assets, asset_id, (Effect::Tightens, Effect::Loosens), |d, a, b| assets(d, old, new, a, b));
    let instrument_id: fn(&Instrument) -> &str = |i| &i.id;
    by_id(&mut d, "instruments", &old.instruments, &new.instruments, instrument_id, (Effect::Tightens, Effect::Mixed), |d, a, b| {
        instruments(d, old, new, a, b)
    });
    let underlying_id: fn(&Underlying) -> &str = |u| &u.id;
    by_id(&mut d, "underlyings", &old.underlyings, &new.underlyings, underlying_id, (Effect::Mixed, Effect::Mixed), |d, a, b| {
        d.limit(format!("underlyings[{}].max_net_delta", a.id), a.max_net_delta, b.max_net_delta, AMOUNT_DIGITS)
    });
    d.number("margin_ratio".into(), old.margin_ratio, new.margin_ratio, RATIO_DIGITS, true);
    d.number("collateral_ratio".into(), old.collateral_ratio, new.collateral_ratio, RATIO_DIGITS, true);
    match (&old.oracle, &new.oracle) {
        (Some(a), Some(b)) => {
            d.other("oracle.prices_at".into(), Effect::Data, a.prices_at.to_string(), b.prices_at.to_string());
            d.number("oracle.buffer_per_hour".into(), a.buffer_per_hour, b.buffer_per_hour, RATIO_DIGITS, true);
        }
        (Some(_), None) => d.push("oracle".into(), Effect::Loosens, present(true), present(false)),
        (None, Some(_)) => d.push("oracle".into(), Effect::Tightens, present(false), present(true)),
        (None, None) => {}
    }
    signed(&mut d, old.signed.as_ref(), new.signed.as_ref());
    d
}

/// The items of two lists matched by id: `both` for each in both; else an item of `kind` removed
/// or added, with `effects` (removed, added).
fn by_id<T>(
    d: &mut PolicyDiff,
    kind: &str,
    old: &[T],
    new: &[T],
    id: fn(&T) -> &str,
    effects: (Effect, Effect),
    mut both: impl FnMut(&mut PolicyDiff, &T, &T),
) {
    for item in old {
        match new.iter().find(|other| id(other) == id(item)) {
            Some(other) => both(d, item, other),
            None => d.push(format!("{kind}[{}]", id(item)), effects.0, present(true), present(false)),
        }
    }
    for item in new.iter().filter(|item| !old.iter().any(|o| id(o) == id(item))) {
        d.push(format!("{kind}[{}]", id(item)), effects.1, present(false), present(true));
    }
}

fn assets(d: &mut PolicyDiff, old: &Policy, new: &Policy, asset: &Asset, other: &Asset) {
    let a = old.assets.iter().position(|x| x.id == asset.id).expect("the old policy's asset");
    let b = new.assets.iter().position(|x| x.id == other.id).expect("the new policy's asset");
    let field = |name: &str| format!("assets[{}].{name}", asset.id);
    d.other(field("price"), Effect::Data, decimal(asset.price, AMOUNT_DIGITS), decimal(other.price, AMOUNT_DIGITS));
    if asset.tiers != other.tiers {
        d.push(field("haircut_tiers"), tiers_effect(old, a, new, b), tiers_text(asset), tiers_text(other));
    }
    d.number(field("debt_margin_rate"), asset.debt_margin_rate, other.debt_margin_rate, RATIO_DIGITS, true);
    d.limit(field("max_share"), asset.max_share, other.max_share, RATIO_DIGITS);
}

/// The haircut value functions compared at every tier bound of either policy (both are 0 at 0
/// and linear between those points) and beyond the last, where the unbounded last tiers'
/// weights are the slopes.
fn tiers_effect(old: &Policy, a: usize, new: &Policy, b: usize) -> Effect {
    let bounds = old.assets[a].tiers.iter().chain(&new.assets[b].tiers).filter_map(|t| t.up_to);
    let (mut higher, mut lower) = (false, false);
    for value in bounds.map(|up_to| BigInt::from(up_to) * AMOUNT_SCALE) {
        let (before, after) = (haircut_value(old, a, &value), haircut_value(new, b, &value));
        higher |= after > before;
        lower |= after < before;
    }
    let slope = |asset: &Asset| asset.tiers.last().map_or(0, |t| t.weight);
    let (before, after) = (slope(&old.assets[a]), slope(&new.assets[b]));
    higher |= after > before;
    lower |= after < before;
    match (higher, lower) {
        (true, true) => Effect::Mixed,
        (true, false) => Effect::Loosens,
        (false, true) => Effect::Tightens,
        // Other bounds, the same function.
        (false, false) => Effect::Data,
    }
}

fn tiers_text(asset: &Asset) -> String {
    let tiers: Vec<String> = asset
        .tiers
        .iter()
        .map(|t| match t.up_to {
            Some(up_to) => format!("{} up to {}", decimal(t.weight, RATIO_DIGITS), decimal(up_to, AMOUNT_DIGITS)),
            None => format!("{} beyond", decimal(t.weight, RATIO_DIGITS)),
        })
        .collect();
    tiers.join("; ")
}

fn instruments(d: &mut PolicyDiff, old: &Policy, new: &Policy, instrument: &Instrument, other: &Instrument) {
    let field = |name: &str| format!("instruments[{}].{name}", instrument.id);
    let losses = |i: &Instrument| i.scenario_loss.iter().map(|l| decimal(*l, AMOUNT_DIGITS)).collect::<Vec<_>>().join(", ");
    d.other(field("scenario_loss"), Effect::Mixed, losses(instrument), losses(other));
    d.number(field("short_option_minimum"), instrument.short_option_minimum, other.short_option_minimum, AMOUNT_DIGITS, true);
    let (a, b) = (&instrument.limits, &other.limits);
    let underlying = |p: &Policy, u: Option<usize>| u.map_or_else(|| "-".to_string(), |u| p.underlyings[u].id.clone());
    d.other(field("underlying"), Effect::Mixed, underlying(old, a.underlying), underlying(new, b.underlying));
    d.other(field("delta"), Effect::Mixed, decimal(a.delta, AMOUNT_DIGITS), decimal(b.delta, AMOUNT_DIGITS));
    d.limit(field("max_abs_position"), a.max_abs_position, b.max_abs_position, AMOUNT_DIGITS);
    match (a.large_position, b.large_position) {
        (Some(LargePosition { threshold, rate }), Some(to)) => {
            d.limit(field("large_position.threshold"), Some(threshold), Some(to.threshold), AMOUNT_DIGITS);
            d.number(field("large_position.rate"), rate, to.rate, AMOUNT_DIGITS, true);
        }
        (Some(_), None) => d.push(field("large_position"), Effect::Loosens, present(true), present(false)),
        (None, Some(_)) => d.push(field("large_position"), Effect::Tightens, present(false), present(true)),
        (None, None) => {}
    }
}

fn attests_text(attests: Attests) -> String {
    let kinds = [(attests.balances, "balances"), (attests.debts, "debts"), (attests.positions, "positions")];
    kinds.iter().filter(|(on, _)| *on).map(|(_, name)| *name).collect::<Vec<_>>().join(", ")
}

fn signed(d: &mut PolicyDiff, old: Option<&SignedHoldings>, new: Option<&SignedHoldings>) {
    let (old, new) = match (old, new) {
        (Some(old), Some(new)) => (old, new),
        (Some(_), None) => return d.push("sources".into(), Effect::Loosens, present(true), present(false)),
        (None, Some(_)) => return d.push("sources".into(), Effect::Tightens, present(false), present(true)),
        (None, None) => return,
    };
    let source_id: fn(&Source) -> &str = |s| &s.id;
    by_id(d, "sources", &old.sources, &new.sources, source_id, (Effect::Tightens, Effect::Loosens), |d, source, other| {
        let field = |name: &str| format!("sources[{}].{name}", source.id);
        d.other(field("public_key"), Effect::Loosens, hex(&source.public_key), hex(&other.public_key));
        let (a, b) = (source.attests, other.attests);
        let widened = (b.balances && !a.balances) || (b.debts && !a.debts) || (b.positions && !a.positions);
        let narrowed = (a.balances && !b.balances) || (a.debts && !b.debts) || (a.positions && !b.positions);
        let effect = match (widened, narrowed) {
            (true, true) => Effect::Mixed,
            (true, false) => Effect::Loosens,
            _ => Effect::Tightens,
        };
        d.other(field("attests"), effect, attests_text(a), attests_text(b));
        d.number(field("max_age"), source.max_age.into(), other.max_age.into(), 0, false);
    });
    let slots = |s: &SignedHoldings| format!("{} slots of {} items", s.statement_slots, s.items_per_statement);
    d.other("statements".into(), Effect::Data, slots(old), slots(new));
    let effect = if new.signed_debts { Effect::Tightens } else { Effect::Loosens };
    d.other("statements.signed_debts".into(), effect, old.signed_debts.to_string(), new.signed_debts.to_string());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold("0x".to_string(), |text, b| text + &format!("{b:02x}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::from_json(include_str!("../tests/vectors/span-policy-v2.json")).unwrap()
    }

    fn effects(old: &Policy, new: &Policy) -> Vec<(String, Effect)> {
        diff(old, new).changes.into_iter().map(|c| (c.field, c.effect)).collect()
    }

    #[test]
    fn equal_policies_have_no_changes() {
        assert_eq!(diff(&policy(), &policy()), PolicyDiff::default());
    }

    #[test]
    fn a_ratio_or_rate_lower_loosens_and_higher_tightens() {
        let old = policy();
        let mut new = old.clone();
        new.margin_ratio -= 1;
        new.collateral_ratio += 1;
        new.assets[0].debt_margin_rate -= 1;
        new.instruments[0].short_option_minimum += 1;
        let id = |kind: &str, i: &str| format!("{kind}[{i}]");
        assert_eq!(
            effects(&old, &new),
            [
                (format!("{}.debt_margin_rate", id("assets", &old.assets[0].id)), Effect::Loosens),
                (format!("{}.short_option_minimum", id("instruments", &old.instruments[0].id)), Effect::Tightens),
                ("margin_ratio".to_string(), Effect::Loosens),
                ("collateral_ratio".to_string(), Effect::Tightens),
            ]
        );
        let d = diff(&old, &new);
        assert!(d.loosens() && d.tightens());
        assert_eq!((d.changes[2].old.as_str(), d.changes[2].new.as_str()), ("1.5", "1.499999"));
    }

    #[test]
    fn a_limit_higher_or_removed_loosens_and_lower_or_added_tightens() {
        let old = policy();
        let cap = old.assets.iter().position(|a| a.max_share.is_some()).expect("a capped asset");
        for (share, effect) in
            [(None, Effect::Loosens), (old.assets[cap].max_share.map(|s| s + 1), Effect::Loosens), (Some(0), Effect::Tightens)]
        {
            let mut new = old.clone();
            new.assets[cap].max_share = share;
            assert_eq!(effects(&old, &new), [(format!("assets[{}].max_share", old.assets[cap].id), effect)]);
        }
        let mut uncapped = old.clone();
        uncapped.assets[cap].max_share = None;
        assert_eq!(effects(&uncapped, &old), [(format!("assets[{}].max_share", old.assets[cap].id), Effect::Tightens)]);
    }

    #[test]
    fn tiers_compare_by_the_haircut_value_they_give() {
        let old = policy();
        let a = old.assets.iter().position(|a| a.tiers.len() > 1).expect("an asset with tiers");
        let field = format!("assets[{}].haircut_tiers", old.assets[a].id);
        let with = |change: &dyn Fn(&mut Asset)| {
            let mut new = old.clone();
            change(&mut new.assets[a]);
            effects(&old, &new)
        };
        // A weight higher: more value counts everywhere above its floor.
        assert_eq!(with(&|asset| asset.tiers[0].weight += 1), [(field.clone(), Effect::Loosens)]);
        // The first (heavier) tier's bound raised: more value at the heavier weight.
        assert!(old.assets[a].tiers[0].weight > old.assets[a].tiers[1].weight);
        assert_eq!(with(&|asset| *asset.tiers[0].up_to.as_mut().unwrap() += 1), [(field.clone(), Effect::Loosens)]);
        // The first weight lower, the last higher: lower near 0, higher far out (however small the
        // slope's difference).
        assert_eq!(
            with(&|asset| {
                asset.tiers[0].weight -= 1;
                asset.tiers.last_mut().unwrap().weight += 1;
            }),
            [(field.clone(), Effect::Mixed)]
        );
        // A bound split into two tiers of the same weight: the same function.
        assert_eq!(
            with(&|asset| {
                let first = asset.tiers[0].clone();
                let half = first.up_to.unwrap() / 2;
                asset.tiers.insert(0, crate::Tier { up_to: Some(half), weight: first.weight });
            }),
            [(field, Effect::Data)]
        );
    }

    #[test]
    fn risk_arrays_and_deltas_are_mixed_prices_are_data_and_assets_added_loosen() {
        let old = policy();
        let mut new = old.clone();
        new.instruments[0].scenario_loss[0] += 1;
        new.assets[0].price += 1;
        new.assets.push(Asset { id: "NEW".into(), ..old.assets[0].clone() });
        new.instruments.remove(1);
        let got = effects(&old, &new);
        assert!(got.contains(&(format!("instruments[{}].scenario_loss", old.instruments[0].id), Effect::Mixed)), "{got:?}");
        assert!(got.contains(&(format!("assets[{}].price", old.assets[0].id), Effect::Data)), "{got:?}");
        assert!(got.contains(&("assets[NEW]".to_string(), Effect::Loosens)), "{got:?}");
        assert!(got.contains(&(format!("instruments[{}]", old.instruments[1].id), Effect::Tightens)), "{got:?}");
        // Prices alone are a price update: nothing loosens or tightens.
        let mut prices = old.clone();
        prices.assets[0].price *= 2;
        let d = diff(&old, &prices);
        assert!(!d.loosens() && !d.tightens() && d.changes.len() == 1);
    }

    #[test]
    fn sources_added_or_widened_loosen_and_removed_or_required_debts_tighten() {
        let source = |id: &str, key: u8, attests: Attests, max_age: u64| Source { id: id.into(), public_key: [key; 32], attests, max_age };
        let balances = Attests { balances: true, ..Attests::default() };
        let signed =
            |sources: Vec<Source>, signed_debts: bool| SignedHoldings { sources, statement_slots: 2, items_per_statement: 4, signed_debts };
        let mut old = policy();
        old.signed = Some(signed(vec![source("a", 1, balances, 100)], false));
        let mut new = old.clone();
        new.signed = Some(signed(vec![source("a", 1, Attests { debts: true, ..balances }, 50), source("b", 2, balances, 100)], true));
        assert_eq!(
            effects(&old, &new),
            [
                ("sources[a].attests".to_string(), Effect::Loosens),
                ("sources[a].max_age".to_string(), Effect::Tightens),
                ("sources[b]".to_string(), Effect::Loosens),
                ("statements.signed_debts".to_string(), Effect::Tightens),
            ]
        );
        let mut keyed = old.clone();
        keyed.signed.as_mut().unwrap().sources[0].public_key = [3; 32];
        assert_eq!(effects(&old, &keyed), [("sources[a].public_key".to_string(), Effect::Loosens)]);
        let mut none = old.clone();
        none.signed = None;
        assert_eq!(effects(&old, &none), [("sources".to_string(), Effect::Loosens)]);
        assert_eq!(effects(&none, &old), [("sources".to_string(), Effect::Tightens)]);
    }
}
