//! A portfolio from signed statements (`docs/design.md` §12): the trusted sources (in the form a
//! policy's `sources`), and the portfolio whose every balance, debt and position is the
//! sum over the statements of its amounts, each statement signed by a trusted source allowed to
//! attest what it states, about one holder, at most its source's largest age before the snapshot.

use crate::statement::{Items, SignedStatement};
use halo2_proofs::halo2curves::ff::PrimeField;
use solvent_circuits::signed::{check_keys, source_key, ItemCell, StatementWitness};
use solvent_model::portfolio::format_account;
use solvent_model::{InputError, Policy, Portfolio};

pub use solvent_model::{Attests, Source};
use std::collections::{BTreeMap, HashSet};

/// Largest trusted-sources file accepted, in bytes (a source is about 150 bytes: thousands fit).
pub const MAX_SOURCES_BYTES: usize = 1 << 20;

/// Parses a list of trusted sources, `[{"id", "public_key", "attests": ["balances", "debts",
/// "positions"], "max_age"}]` (the form of a policy's `sources`, `solvent_model::signed`): ids and
/// public keys distinct, `attests` not empty and without repetition, each key a point of the
/// subgroup of order `l` other than the identity.
pub fn sources_from_json(text: &str) -> Result<Vec<Source>, InputError> {
    solvent_model::error::check_size("sources file", text.len(), MAX_SOURCES_BYTES)?;
    let sources = solvent_model::signed::sources_from_json(text)?;
    check_keys(&sources, "")?;
    Ok(sources)
}

/// Why a statement cannot be used: its index among the statements, and the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRefused {
    /// Index of the statement.
    pub statement: usize,
    /// The field and why.
    pub error: InputError,
}

/// The portfolio of `statements` under `policy` for a snapshot at `snapshot_time`: each
/// statement's signature verifies under the public key of one of `sources` (found by trying them:
/// the statement's `source` name selects nothing), that source attests every kind the statement
/// has, `snapshot_time - max_age <= time <= snapshot_time`, every statement has the same holder
/// (the portfolio's account), no statement is given twice, and every id is the policy's (asset ids
/// for balances and debts, instrument ids for positions). Each balance, debt and position is the
/// sum of its amounts over the statements; absent ones are zero.
///
/// With the portfolio come the statements as the circuit uses them (the source's index in
/// `sources`, the items in the message's order as cells of the portfolio): with the policy's own
/// sources, an attestation's witness.
pub fn portfolio_from_statements(
    policy: &Policy,
    sources: &[Source],
    statements: &[SignedStatement],
    snapshot_time: u64,
) -> Result<(Portfolio, Vec<StatementWitness>), StatementRefused> {
    let refuse = |statement: usize, field: &str, message: String| StatementRefused { statement, error: InputError::new(field, message) };
    let Some(first) = statements.first() else {
        return Err(refuse(0, "", "no statement: a portfolio from statements needs at least one".into()));
    };
    let holder = first.statement.holder;
    let assets: BTreeMap<&str, usize> = policy.assets.iter().enumerate().map(|(a, x)| (x.id.as_str(), a)).collect();
    let instruments: BTreeMap<&str, usize> = policy.instruments.iter().enumerate().map(|(i, x)| (x.id.as_str(), i)).collect();
    let mut portfolio =
        Portfolio { account: holder, balances: vec![0; assets.len()], debts: vec![0; assets.len()], positions: vec![0; instruments.len()] };
    let mut seen = HashSet::new();
    let mut witnesses = Vec::with_capacity(statements.len());
    for (n, signed) in statements.iter().enumerate() {
        let statement = &signed.statement;
        let message = statement.message();
        let index = sources
            .iter()
            .position(|s| signed.verifies(&source_key(s)))
            .ok_or_else(|| refuse(n, "signature", "verifies under no trusted source's public key".into()))?;
        let source = &sources[index];
        if !seen.insert(message.to_repr()) {
            return Err(refuse(n, "", "the same statement is given twice (its amounts would count twice)".into()));
        }
        if statement.holder != holder {
            let (theirs, first) = (format_account(&statement.holder), format_account(&holder));
            return Err(refuse(n, "holder", format!("is {theirs}; the first statement's holder is {first}")));
        }
        if statement.time > snapshot_time {
            return Err(refuse(n, "time", format!("{} is after the snapshot time {snapshot_time}", statement.time)));
        }
        if snapshot_time - statement.time > source.max_age {
            return Err(refuse(
                n,
                "time",
                format!(
                    "{} is {} s before the snapshot; `{}` allows at most {} s",
                    statement.time,
                    snapshot_time - statement.time,
                    source.id,
                    source.max_age
                ),
            ));
        }
        let Items { balances, debts, positions } = &statement.items;
        let kinds = [
            ("balances", balances, source.attests.balances, &assets, &mut portfolio.balances, ItemCell::Balance as fn(usize) -> ItemCell),
            ("debts", debts, source.attests.debts, &assets, &mut portfolio.debts, ItemCell::Debt),
            ("positions", positions, source.attests.positions, &instruments, &mut portfolio.positions, ItemCell::Position),
        ];
        let mut items_used = Vec::with_capacity(statement.items.len());
        for (kind, items, allowed, ids, totals, cell) in kinds {
            if !items.is_empty() && !allowed {
                return Err(refuse(n, kind, format!("`{}` does not attest {kind}", source.id)));
            }
            for (id, amount) in items {
                let field = format!("{kind}.{id}");
                let index = *ids.get(id.as_str()).ok_or_else(|| refuse(n, &field, format!("`{id}` is not in the policy")))?;
                totals[index] = totals[index].checked_add(*amount).ok_or_else(|| refuse(n, &field, "the sum overflows".into()))?;
                items_used.push((cell(index), *amount));
            }
        }
        let s = num_bigint::BigUint::from_bytes_le(signed.signature.s.to_repr().as_ref());
        witnesses.push(StatementWitness { source: index, time: statement.time, items: items_used, r8: signed.signature.r8, s });
    }
    Ok((portfolio, witnesses))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eddsa::public_key;
    use crate::key::public_key_hex;
    use crate::statement::Statement;

    fn policy() -> Policy {
        Policy::from_json(include_str!("../../model/tests/vectors/span-policy.json")).unwrap()
    }

    fn sources() -> Vec<Source> {
        let text = format!(
            r#"[{{"id": "custodian-a", "public_key": "{}", "attests": ["balances", "debts"], "max_age": 100}},
                {{"id": "venue-b", "public_key": "{}", "attests": ["positions"], "max_age": 10}}]"#,
            public_key_hex(&public_key(b"custodian-a")),
            public_key_hex(&public_key(b"venue-b"))
        );
        sources_from_json(&text).unwrap()
    }

    fn signed(key: &str, time: u64, items: &str) -> SignedStatement {
        Statement { source: key.into(), holder: [0xaa; 20], time, items: Items::from_json(items).unwrap() }.sign(key.as_bytes())
    }

    /// The custodian's two statements and the venue's: the SPAN portfolio, at 1000.
    fn three_statements() -> [SignedStatement; 3] {
        [
            signed("custodian-a", 950, r#"{"balances": {"BTC": "6", "USDC": "1"}, "debts": {"USDC": "10000"}}"#),
            signed("custodian-a", 990, r#"{"balances": {"USDC": "49999"}}"#),
            signed("venue-b", 1000, r#"{"positions": {"BTC-PERP": "1", "BTC-C-25000": "-2"}}"#),
        ]
    }

    #[test]
    fn the_portfolio_is_the_sum_of_the_statements() {
        let statements = three_statements();
        let (portfolio, witnesses) = portfolio_from_statements(&policy(), &sources(), &statements, 1000).unwrap();
        let unit = 100_000_000;
        // The circuit's view: source indices, items in the messages' order (BTC before USDC,
        // BTC-C-25000 before BTC-PERP), each a cell of the portfolio.
        assert_eq!(witnesses.iter().map(|w| w.source).collect::<Vec<_>>(), [0, 0, 1]);
        assert_eq!(
            witnesses[0].items,
            [(ItemCell::Balance(1), 6 * unit), (ItemCell::Balance(0), unit), (ItemCell::Debt(0), 10_000 * unit)]
        );
        assert_eq!(witnesses[2].items, [(ItemCell::Position(1), -2 * unit), (ItemCell::Position(0), unit)]);
        assert_eq!(portfolio.account, [0xaa; 20]);
        assert_eq!(portfolio.balances, [50_000 * unit, 6 * unit]);
        assert_eq!(portfolio.debts, [10_000 * unit, 0]);
        assert_eq!(portfolio.positions, [unit, -2 * unit]);
    }

    /// The SPAN policy trusting [`sources`], with 4 statement slots of 3 items, valid until 2000.
    fn signed_policy() -> Policy {
        let mut policy = policy();
        policy.expires_at = 2000;
        policy.signed =
            Some(solvent_model::SignedHoldings { sources: sources(), statement_slots: 4, items_per_statement: 3, signed_debts: true });
        policy
    }

    /// MockProver's verdict on the attestation of `portfolio` from `statements` at 1000.
    fn circuit_verdict(policy: &Policy, portfolio: &Portfolio, statements: Vec<StatementWitness>) -> bool {
        use halo2_proofs::dev::MockProver;
        use solvent_circuits::{AttestationCircuit, Witness};
        let witness = Witness { policy: policy.clone(), portfolio: portfolio.clone(), snapshot_time: 1000, salt: [3; 31], statements };
        let circuit = AttestationCircuit::new(&witness);
        MockProver::run(circuit.k(), &circuit, circuit.public_columns().to_vec()).unwrap().verify().is_ok()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
        /// Random amounts split over two custodian statements, the second 95 to 101 s old (its
        /// source allows 100): the circuit accepts exactly when the native reference accepts the
        /// statements and the model the summed portfolio.
        #[test]
        fn the_circuit_accepts_what_the_native_reference_accepts(
            btc in 0u64..20, usdc in 0u64..100_000, more_usdc in 0u64..100_000, debt in 0u64..200_000, age in 95u64..=101
        ) {
            let statements = [
                signed("custodian-a", 1000, &format!(r#"{{"balances": {{"BTC": "{btc}", "USDC": "{usdc}"}}, "debts": {{"USDC": "{debt}"}}}}"#)),
                signed("custodian-a", 1000 - age, &format!(r#"{{"balances": {{"USDC": "{more_usdc}"}}}}"#)),
                signed("venue-b", 1000, r#"{"positions": {"BTC-PERP": "1", "BTC-C-25000": "-2"}}"#),
            ];
            let policy = signed_policy();
            let native = portfolio_from_statements(&policy, &sources(), &statements, 1000);
            // The witness without the age rule (the same sources, trusted for any age).
            let lenient: Vec<Source> = sources().into_iter().map(|s| Source { max_age: 1 << 40, ..s }).collect();
            let (portfolio, witnesses) = portfolio_from_statements(&policy, &lenient, &statements, 1000).unwrap();
            let expected = native.is_ok() && solvent_model::evaluate(&policy, &portfolio, 1000).all_ok();
            proptest::prop_assert_eq!(native.is_ok(), age <= 100);
            proptest::prop_assert_eq!(circuit_verdict(&policy, &portfolio, witnesses), expected);
        }
    }

    #[test]
    fn statements_signed_by_the_policys_sources_satisfy_the_attestation_circuit() {
        let statements = three_statements();
        let policy = signed_policy();
        let (portfolio, witnesses) = portfolio_from_statements(&policy, &sources(), &statements, 1000).unwrap();
        let verdict = |statements: Vec<StatementWitness>| circuit_verdict(&policy, &portfolio, statements);
        assert!(verdict(witnesses.clone()));
        // Without the venue's statement the positions are no statement's: refused.
        assert!(!verdict(witnesses[..2].to_vec()));
    }

    #[test]
    fn each_rule_refuses_its_statement_naming_the_field() {
        let refused = |statements: &[SignedStatement], time: u64| {
            let e = portfolio_from_statements(&policy(), &sources(), statements, time).unwrap_err();
            (e.statement, e.error.field)
        };
        let good = signed("custodian-a", 900, r#"{"balances": {"BTC": "1"}}"#);
        // The age at the boundary: 100 s holds, 101 s does not; after the snapshot, never.
        assert!(portfolio_from_statements(&policy(), &sources(), std::slice::from_ref(&good), 1000).is_ok());
        assert_eq!(refused(std::slice::from_ref(&good), 1001), (0, "time".into()));
        assert_eq!(refused(std::slice::from_ref(&good), 899), (0, "time".into()));
        // An untrusted signer, even one calling itself a trusted source.
        let mut impostor = signed("impostor", 900, r#"{"balances": {"BTC": "1"}}"#);
        impostor.statement.source = "custodian-a".into();
        assert_eq!(refused(&[good.clone(), impostor], 1000), (1, "signature".into()));
        // A venue stating balances; a custodian stating positions.
        assert_eq!(refused(&[signed("venue-b", 1000, r#"{"balances": {"BTC": "1"}}"#)], 1000), (0, "balances".into()));
        assert_eq!(refused(&[signed("custodian-a", 1000, r#"{"positions": {"BTC-PERP": "1"}}"#)], 1000), (0, "positions".into()));
        // Another holder; the same statement twice; an id not in the policy.
        let mut other = signed("custodian-a", 950, r#"{"balances": {"BTC": "1"}}"#);
        other.statement.holder[0] = 1;
        let other = other.statement.sign(b"custodian-a");
        assert_eq!(refused(&[good.clone(), other], 1000), (1, "holder".into()));
        assert_eq!(refused(&[good.clone(), good.clone()], 1000), (1, "".into()));
        assert_eq!(refused(&[signed("custodian-a", 950, r#"{"debts": {"DOGE": "1"}}"#)], 1000), (0, "debts.DOGE".into()));
        assert_eq!(refused(&[], 1000), (0, "".into()));
    }

    #[test]
    fn bad_source_lists_are_refused_naming_the_field() {
        let key = public_key_hex(&public_key(b"k"));
        let field = |text: &str| sources_from_json(text).unwrap_err().field;
        let one = |attests: &str| format!(r#"[{{"id": "a", "public_key": "{key}", "attests": {attests}, "max_age": 1}}]"#);
        assert_eq!(field(&one("[]")), "[0].attests");
        assert_eq!(field(&one(r#"["balances", "balances"]"#)), "[0].attests");
        assert_eq!(field(&one(r#"["holdings"]"#)), "[0].attests");
        let twice = format!(
            r#"[{{"id": "a", "public_key": "{key}", "attests": ["debts"], "max_age": 1}}, {{"id": "b", "public_key": "{key}", "attests": ["debts"], "max_age": 1}}]"#
        );
        assert_eq!(field(&twice), "[1].id");
        assert_eq!(field(&one(r#"["debts"]"#).replace(&key, "0x12")), "[0].public_key");
    }
}
