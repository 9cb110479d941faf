//! Writing a validated policy back as its file (`solvent/policy/v1`, or `v2` when it has limits):
//! one canonical text per policy, so the same policy gives the same bytes on every machine.

use crate::decimal::{Decimal, AMOUNT_DIGITS, RATIO_DIGITS};
use crate::policy::{Policy, POLICY_SCHEMA, POLICY_SCHEMA_V2};
use serde_json::{json, Map, Value};

fn amount(value: i128) -> Value {
    Decimal::new(value, AMOUNT_DIGITS).to_string().into()
}

fn ratio(value: i128) -> Value {
    Decimal::new(value, RATIO_DIGITS).to_string().into()
}

impl Policy {
    /// The policy's file: pretty-printed JSON, keys in alphabetical order, decimals exact and
    /// without trailing zeros, optional fields only when set. [`Policy::from_json`] of it gives the
    /// policy back.
    pub fn to_json(&self) -> String {
        let assets: Vec<Value> = self
            .assets
            .iter()
            .map(|a| {
                let tiers: Vec<Value> =
                    a.tiers.iter().map(|t| json!({ "up_to": t.up_to.map(amount), "weight": ratio(t.weight) })).collect();
                let mut object = Map::new();
                object.insert("id".into(), a.id.clone().into());
                object.insert("price".into(), amount(a.price));
                object.insert("haircut_tiers".into(), tiers.into());
                object.insert("debt_margin_rate".into(), ratio(a.debt_margin_rate));
                if let Some(share) = a.max_share {
                    object.insert("max_share".into(), ratio(share));
                }
                object.into()
            })
            .collect();
        let instruments: Vec<Value> = self
            .instruments
            .iter()
            .map(|i| {
                let mut object = Map::new();
                object.insert("id".into(), i.id.clone().into());
                object.insert("scenario_loss".into(), i.scenario_loss.iter().map(|l| amount(*l)).collect::<Vec<_>>().into());
                object.insert("short_option_minimum".into(), amount(i.short_option_minimum));
                if let Some(u) = i.limits.underlying {
                    object.insert("underlying".into(), self.underlyings[u].id.clone().into());
                    object.insert("delta".into(), amount(i.limits.delta));
                }
                if let Some(limit) = i.limits.max_abs_position {
                    object.insert("max_abs_position".into(), amount(limit));
                }
                if let Some(lp) = i.limits.large_position {
                    object.insert("large_position".into(), json!({ "threshold": amount(lp.threshold), "rate": amount(lp.rate) }));
                }
                object.into()
            })
            .collect();
        let mut policy = Map::new();
        policy.insert("schema".into(), if self.has_limits() { POLICY_SCHEMA_V2 } else { POLICY_SCHEMA }.into());
        policy.insert("id".into(), self.id.clone().into());
        policy.insert("effective_at".into(), self.effective_at.into());
        policy.insert("expires_at".into(), self.expires_at.into());
        policy.insert("scenarios".into(), self.scenarios.clone().into());
        policy.insert("assets".into(), assets.into());
        if !self.underlyings.is_empty() {
            let underlyings: Vec<Value> = self
                .underlyings
                .iter()
                .map(|u| match u.max_net_delta {
                    Some(limit) => json!({ "id": u.id, "max_net_delta": amount(limit) }),
                    None => json!({ "id": u.id }),
                })
                .collect();
            policy.insert("underlyings".into(), underlyings.into());
        }
        policy.insert("instruments".into(), instruments.into());
        policy.insert(
            "thresholds".into(),
            json!({ "margin_ratio": ratio(self.margin_ratio), "collateral_ratio": ratio(self.collateral_ratio) }),
        );
        if let Some(o) = self.oracle {
            policy.insert("oracle".into(), json!({ "prices_at": o.prices_at, "buffer_per_hour": ratio(o.buffer_per_hour) }));
        }
        if let Some(signed) = &self.signed {
            let (sources, statements) = signed.to_json();
            policy.insert("sources".into(), sources);
            policy.insert("statements".into(), statements);
        }
        serde_json::to_string_pretty(&Value::Object(policy)).expect("serialisable") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use crate::Policy;

    #[test]
    fn a_policy_file_round_trips_through_its_canonical_text() {
        for text in [include_str!("../tests/vectors/span-policy.json"), include_str!("../tests/vectors/span-policy-v2.json")] {
            let policy = Policy::from_json(text).unwrap();
            let canonical = policy.to_json();
            assert_eq!(Policy::from_json(&canonical).unwrap(), policy);
            assert_eq!(Policy::from_json(&canonical).unwrap().to_json(), canonical);
        }
    }
}
