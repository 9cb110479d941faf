//! Statements (`solvent/statement/v1`, `docs/design.md` §12): one source's signed account of one
//! holder's balances, debts and positions at one time, and the message its signature covers,
//!
//! ```text
//! h_0 = P(P(P(P(P(tag, holder), time), n_b), n_d), n_p)
//! h_j = P(P(h_{j-1}, name(id_j)), amount_j)
//! M   = h_{n_b + n_d + n_p}
//! ```
//!
//! with `P` circomlib's Poseidon of two inputs (the circuit's permutation of `(0, a, b)`, word 0).

use crate::babyjubjub::{biguint_of, fr_from_biguint, Point};
use crate::eddsa::{sign, verify, Signature};
use crate::key::{hex_32, parse_hex_32, parse_point, public_key_hex};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::Field;
use serde::{Deserialize, Serialize};
use solvent_circuits::encoding::{account_to_field, field_from_i128, name_to_field};
use solvent_circuits::signed::message;
use solvent_model::decimal::{Decimal, ExcessDigits, AMOUNT_DIGITS};
use solvent_model::error::{check_size, parse_json};
use solvent_model::portfolio::{format_account, parse_account, parse_amount};
use solvent_model::strict_map::StrictMap;
use solvent_model::InputError;
use std::collections::BTreeMap;

/// The schema tag of a statement file.
pub use solvent_circuits::signed::STATEMENT_SCHEMA;
/// Largest statement or items file accepted, in bytes (as a portfolio file).
pub const MAX_STATEMENT_BYTES: usize = solvent_model::portfolio::MAX_PORTFOLIO_BYTES;
/// Largest id, in bytes (one field element with its length, as the policy's names).
pub const MAX_ID_BYTES: usize = solvent_model::policy::MAX_NAME_BYTES;

/// A statement's items by kind, each map ordered by the id's bytes (the message's order); amounts
/// scaled by `10^8`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Items {
    /// Balances per asset id (never negative).
    pub balances: BTreeMap<String, i128>,
    /// Debts per asset id (never negative).
    pub debts: BTreeMap<String, i128>,
    /// Signed positions per instrument id.
    pub positions: BTreeMap<String, i128>,
}

/// What a source states, before or without its signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The signer's id, for people (not signed: a statement is checked against a key its
    /// verifier chose).
    pub source: String,
    /// The holder: the attestation's account.
    pub holder: [u8; 20],
    /// When the items held, unix seconds.
    pub time: u64,
    /// The items.
    pub items: Items,
}

/// A statement and its signature, as a statement file holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedStatement {
    /// The statement.
    pub statement: Statement,
    /// EdDSA-Poseidon over [`Statement::message`].
    pub signature: Signature,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItems {
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    balances: StrictMap,
    #[serde(default)]
    debts: StrictMap,
    #[serde(default)]
    positions: StrictMap,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignature {
    r8: String,
    s: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatement {
    schema: String,
    source: String,
    holder: String,
    time: u64,
    #[serde(default)]
    balances: StrictMap,
    #[serde(default)]
    debts: StrictMap,
    #[serde(default)]
    positions: StrictMap,
    signature: RawSignature,
}

#[derive(Serialize)]
struct StatementJson<'a> {
    schema: &'static str,
    source: &'a str,
    holder: String,
    time: u64,
    balances: BTreeMap<String, String>,
    debts: BTreeMap<String, String>,
    positions: BTreeMap<String, String>,
    signature: RawSignature,
}

/// The items of one object of a statement (`map`: `balances`, `debts` or `positions`), exact.
fn amounts(map: &str, entries: &StrictMap) -> Result<BTreeMap<String, i128>, InputError> {
    let mut out = BTreeMap::new();
    for (id, text) in &entries.0 {
        let field = format!("{map}.{id}");
        if id.is_empty() || id.len() > MAX_ID_BYTES {
            return Err(InputError::new(&field, format!("ids are 1 to {MAX_ID_BYTES} bytes")));
        }
        out.insert(id.clone(), parse_amount(map, &field, text, ExcessDigits::Refuse)?.value);
    }
    Ok(out)
}

impl Items {
    fn from_maps(balances: &StrictMap, debts: &StrictMap, positions: &StrictMap) -> Result<Items, InputError> {
        Ok(Items { balances: amounts("balances", balances)?, debts: amounts("debts", debts)?, positions: amounts("positions", positions)? })
    }

    /// Parses the items a source signs: the `balances`, `debts` and `positions` of a file (a
    /// portfolio file serves: its `schema` and `account` are allowed and ignored; any other
    /// field is refused). Amounts are exact: more than 8 fractional digits are refused.
    pub fn from_json(text: &str) -> Result<Items, InputError> {
        check_size("items file", text.len(), MAX_STATEMENT_BYTES)?;
        let raw: RawItems = parse_json(text)?;
        let _ignored = (raw.schema, raw.account);
        Items::from_maps(&raw.balances, &raw.debts, &raw.positions)
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.balances.len() + self.debts.len() + self.positions.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Statement {
    /// The message `M` its signature covers (module documentation).
    pub fn message(&self) -> Fr {
        let i = &self.items;
        let counts = [i.balances.len(), i.debts.len(), i.positions.len()];
        let items: Vec<(Fr, Fr)> = i
            .balances
            .iter()
            .chain(&i.debts)
            .chain(&i.positions)
            .map(|(id, amount)| (name_to_field(id), field_from_i128(*amount)))
            .collect();
        message(account_to_field(&self.holder), self.time, counts, &items)
    }

    /// Signs it with a source's private key.
    pub fn sign(self, private_key: &[u8]) -> SignedStatement {
        let signature = sign(private_key, self.message());
        SignedStatement { statement: self, signature }
    }
}

impl SignedStatement {
    /// Parses a statement file strictly: the schema, every field (`file` names nothing here;
    /// errors name the field), amounts exact, duplicate keys refused, `r8` a point and `s` 64
    /// hex digits. The signature is not checked: [`SignedStatement::verifies`].
    pub fn from_json(text: &str) -> Result<SignedStatement, InputError> {
        check_size("statement", text.len(), MAX_STATEMENT_BYTES)?;
        let raw: RawStatement = parse_json(text)?;
        if raw.schema != STATEMENT_SCHEMA {
            return Err(InputError::new("schema", format!("is `{}`; expected `{STATEMENT_SCHEMA}`", raw.schema)));
        }
        crate::key::check_id(&raw.source).map_err(|e| InputError::new("source", e.message))?;
        let holder = parse_account("holder", &raw.holder)?;
        let items = Items::from_maps(&raw.balances, &raw.debts, &raw.positions)?;
        let r8 = parse_point(&raw.signature.r8, "signature.r8").map_err(|e| InputError::new("signature.r8", e.message))?;
        let s = parse_hex_32(&raw.signature.s).ok_or_else(|| InputError::new("signature.s", "must be 0x followed by 64 hex digits"))?;
        // `S` at or above the field's modulus is no field element (and no valid `S < l` either).
        let s = (biguint_of(&-Fr::ONE) >= s)
            .then(|| fr_from_biguint(&s))
            .ok_or_else(|| InputError::new("signature.s", "is not below the field's modulus"))?;
        Ok(SignedStatement { statement: Statement { source: raw.source, holder, time: raw.time, items }, signature: Signature { r8, s } })
    }

    /// Whether the signature is `public_key`'s over the statement's message.
    pub fn verifies(&self, public_key: &Point) -> bool {
        verify(self.statement.message(), &self.signature, public_key)
    }

    /// The statement file.
    pub fn to_json(&self) -> String {
        let s = &self.statement;
        let decimals = |map: &BTreeMap<String, i128>| -> BTreeMap<String, String> {
            map.iter().map(|(id, v)| (id.clone(), Decimal::new(*v, AMOUNT_DIGITS).to_string())).collect()
        };
        let json = StatementJson {
            schema: STATEMENT_SCHEMA,
            source: &s.source,
            holder: format_account(&s.holder),
            time: s.time,
            balances: decimals(&s.items.balances),
            debts: decimals(&s.items.debts),
            positions: decimals(&s.items.positions),
            signature: RawSignature { r8: public_key_hex(&self.signature.r8), s: hex_32(&biguint_of(&self.signature.s)) },
        };
        serde_json::to_string_pretty(&json).expect("serialisable") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eddsa::public_key;

    const ITEMS: &str = r#"{"schema": "solvent/portfolio/v1", "account": "0x00000000000000000000000000000000000000aa",
        "balances": {"USDC": "50000", "BTC": "6.5"}, "debts": {"USDC": "10000"}, "positions": {"BTC-PERP": "-1"}}"#;

    fn statement() -> Statement {
        Statement { source: "custodian-a".into(), holder: [0xaa; 20], time: 1_764_550_000, items: Items::from_json(ITEMS).unwrap() }
    }

    #[test]
    fn a_signed_statement_round_trips_and_verifies_only_under_its_key_and_items() {
        let signed = statement().sign(b"custodian-a secret");
        let key = public_key(b"custodian-a secret");
        assert!(signed.verifies(&key));
        assert!(!signed.verifies(&public_key(b"another source")), "another key");
        let parsed = SignedStatement::from_json(&signed.to_json()).unwrap();
        assert_eq!(parsed, signed);
        assert!(parsed.verifies(&key));
        // Every signed field changes the message.
        let changed = |f: &dyn Fn(&mut Statement)| {
            let mut s = signed.clone();
            f(&mut s.statement);
            s.verifies(&key)
        };
        assert!(!changed(&|s| s.holder[19] ^= 1), "holder");
        assert!(!changed(&|s| s.time += 1), "time");
        assert!(!changed(&|s| *s.items.balances.get_mut("BTC").unwrap() += 1), "amount, one unit");
        assert!(
            !changed(&|s| {
                let debt = s.items.debts.remove("USDC").unwrap();
                s.items.balances.insert("USDC".into(), debt);
            }),
            "kind"
        );
        assert!(
            !changed(&|s| {
                let q = s.items.positions.remove("BTC-PERP").unwrap();
                s.items.positions.insert("ETH-PERP".into(), q);
            }),
            "id"
        );
        assert!(
            !changed(&|s| {
                s.items.positions.insert("ETH-PERP".into(), 0);
            }),
            "an item added, even of zero"
        );
        assert!(changed(&|s| s.source = "relabelled".into()), "the source's name is not signed");
    }

    #[test]
    fn the_message_does_not_depend_on_key_order() {
        let reordered = ITEMS.replace(r#"{"USDC": "50000", "BTC": "6.5"}"#, r#"{"BTC": "6.5", "USDC": "50000"}"#);
        let other = Statement { items: Items::from_json(&reordered).unwrap(), ..statement() };
        assert_eq!(other.message(), statement().message());
    }

    #[test]
    fn bad_statements_are_refused_naming_the_field() {
        let good = statement().sign(b"k").to_json();
        let refused = |text: &str| SignedStatement::from_json(text).unwrap_err().field;
        assert_eq!(refused(&good.replace(STATEMENT_SCHEMA, "solvent/statement/v0")), "schema");
        assert_eq!(refused(&good.replace("\"6.5\"", "\"6.123456789\"")), "balances.BTC");
        assert_eq!(refused(&good.replace("\"10000\"", "\"-1\"")), "debts.USDC");
        assert_eq!(refused(&good.replace("\"BTC-PERP\"", &format!("\"{}\"", "P".repeat(32)))), format!("positions.{}", "P".repeat(32)));
        assert_eq!(refused(&good.replace(&format_account(&[0xaa; 20]), "0x00")), "holder");
        let duplicate = good.replace("\"debts\": {", "\"debts\": {\"USDC\": \"1\", ");
        assert!(SignedStatement::from_json(&duplicate).unwrap_err().message.contains("duplicate key `USDC`"));
        let signed = statement().sign(b"k");
        let s_hex = hex_32(&biguint_of(&signed.signature.s));
        assert_eq!(refused(&good.replace(&s_hex, "0x12")), "signature.s");
        let modulus = hex_32(&(biguint_of(&-Fr::ONE) + 1u32));
        assert_eq!(refused(&good.replace(&s_hex, &modulus)), "signature.s");
        let r8_hex = public_key_hex(&signed.signature.r8);
        assert_eq!(refused(&good.replace(&r8_hex, &format!("0x{}", "ff".repeat(32)))), "signature.r8");
        assert_eq!(Items::from_json(r#"{"balance": {}}"#).unwrap_err().field, "balance");
    }
}
