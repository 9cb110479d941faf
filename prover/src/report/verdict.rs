//! The verdicts of `solvent verify` and `solvent open` for people and as JSON: the statement a
//! valid attestation establishes, the committed holdings, the auditor's object.

use crate::opening::portfolio_document;
use crate::verification::{Audit, Statement};
use solvent_model::{policy::Policy, Portfolio};

/// A statement in words, one fact per line.
pub fn statement_text(s: &Statement) -> String {
    let insecure = if s.srs.insecure { " (INSECURE development SRS)" } else { "" };
    format!(
        "policy        `{}` id {}\n\
         account       {}\n\
         snapshot      {} ({} unix seconds)\n\
         portfolio     commitment {}\n\
         circuit       {}, k = {}, {}\n\
         vk hash       {}\n\
         srs           {}{insecure}\n",
        s.policy.name,
        s.policy.id,
        s.account,
        s.snapshot_time_utc,
        s.snapshot_time,
        s.portfolio_commitment,
        s.circuit.shape,
        s.circuit.k,
        crate::console::lanes_text(s.circuit.lanes),
        s.vk_hash,
        s.srs.identity,
    )
}

/// The committed holdings, one per line.
pub fn holdings(policy: &Policy, portfolio: &Portfolio) -> String {
    let document = portfolio_document(policy, portfolio);
    let mut out = String::new();
    for (map, label) in [(&document.balances, "balance"), (&document.debts, "debt"), (&document.positions, "position")] {
        for (id, value) in map {
            out.push_str(&format!("  {label:<9} {id:<24} {value}\n"));
        }
    }
    if out.is_empty() {
        out.push_str("  (nothing)\n");
    }
    out
}

/// As one JSON object: the verification, whether the opening matches, the holdings and the
/// figures.
pub fn audit_json(audit: &Audit, policy: &Policy) -> String {
    let outcome = audit.verification.outcome();
    let value = crate::report::json::AuditJson {
        outcome: &outcome,
        opening_matches: audit.opened.is_some(),
        mismatch: audit.mismatch.clone(),
        holdings: audit.opened.as_ref().map(|(portfolio, _)| portfolio_document(policy, portfolio)),
        figures: audit.opened.as_ref().map(|(portfolio, figures)| crate::report::json(policy, portfolio, figures)),
    };
    serde_json::to_string(&value).expect("serialisable")
}
