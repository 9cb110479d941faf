//! `solvent audit series` end to end: real attestations of two policies (a rotation), their
//! openings and realized prices; every kind of finding the series can have, the backtest's
//! exceedance, the report's three files, and bad input refused with nothing written.

use crate::common;

use common::cli::{OTHER_ACCOUNT, POLICY, PORTFOLIO};
use solvent_prover::commands::{self, *};
use std::path::{Path, PathBuf};

struct Audit {
    dir: tempfile::TempDir,
}

/// The test policy, and the one that replaces it from 160 (same assets and instruments, another
/// name and margin ratio: another id).
fn rotated_policy() -> String {
    POLICY
        .replace("\"id\": \"span\"", "\"id\": \"span-2\"")
        .replace("\"effective_at\": 100, \"expires_at\": 200", "\"effective_at\": 160, \"expires_at\": 300")
        .replace("\"margin_ratio\": \"1.5\"", "\"margin_ratio\": \"1.6\"")
}

const REALIZED: &str = "time,id,price\n100,USDC,1\n100,BTC,20000\n100,BTC-PERP,20000\n100,BTC-C-25000,100\n120,DOGE,0.1\n140,BTC,16000\n140,BTC-PERP,16000\n140,BTC-C-25000,50\n200,USDC,1\n";

impl Audit {
    fn new() -> Audit {
        let audit = Audit { dir: tempfile::tempdir().unwrap() };
        for folder in ["attestations", "policies", "openings", "inputs"] {
            std::fs::create_dir(audit.path(folder)).unwrap();
        }
        std::fs::write(audit.path("policies/span.json"), POLICY).unwrap();
        std::fs::write(audit.path("policies/span-2.json"), rotated_policy()).unwrap();
        std::fs::write(audit.path("inputs/portfolio.json"), PORTFOLIO).unwrap();
        std::fs::write(audit.path("inputs/other.json"), PORTFOLIO.replace("0x00000000000000000000000000000000000000aa", OTHER_ACCOUNT))
            .unwrap();
        std::fs::write(audit.path("realized.csv"), REALIZED).unwrap();
        audit
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn keys(&self) -> KeyOptions {
        KeyOptions { srs: Some(common::cli::real_srs()), keys: Some(self.path("keys")), threads: None }
    }

    /// Proves `portfolio` under `policy` at `time` into `attestations/NAME.json`, with its opening.
    fn attest(&self, name: &str, policy: &str, portfolio: &str, time: u64) {
        let prove = ProveOptions {
            policy: self.path(&format!("policies/{policy}.json")),
            portfolio: Some(self.path(&format!("inputs/{portfolio}.json"))),
            statements: Vec::new(),
            out: self.path(&format!("attestations/{name}.json")),
            opening: Some(self.path(&format!("openings/{name}.opening.json"))),
            time: Some(time),
            max_memory: None,
            keys: self.keys(),
        };
        assert_eq!(commands::prove(&prove, &mut Vec::new()).unwrap(), 0);
    }

    fn options(&self) -> AuditSeriesOptions {
        AuditSeriesOptions {
            dir: self.path("attestations"),
            policies: self.path("policies"),
            openings: Some(self.path("openings")),
            max_gap: 25,
            from: None,
            to: None,
            realized: Some(self.path("realized.csv")),
            horizon: 20,
            coverage: 0.99,
            out: Some(self.path("report")),
            json: true,
            srs: Some(common::cli::real_srs()),
            srs_identity: None,
            allow_insecure_srs: false,
            keys: Some(self.path("keys")),
        }
    }

    fn review(&self, options: &AuditSeriesOptions) -> (i32, serde_json::Value) {
        let mut out = Vec::new();
        let code = audit_series(options, &mut out).unwrap_or_else(|e| panic!("audit failed: {e}"));
        (code, serde_json::from_slice(&out).unwrap())
    }
}

fn kinds(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap().to_string(), f["file"].as_str().unwrap_or("").to_string()))
        .collect()
}

fn has(report: &serde_json::Value, kind: &str, file: &str) -> bool {
    kinds(report).iter().any(|(k, f)| k == kind && f == file)
}

#[test]
fn a_series_is_verified_opened_backtested_and_reported() {
    let audit = Audit::new();
    audit.attest("d1", "span", "portfolio", 110);
    audit.attest("d2", "span", "portfolio", 130);
    audit.attest("d3", "span", "portfolio", 170); // span-2 took over at 160
    audit.attest("d4", "span-2", "portfolio", 180);
    let (code, clean) = audit.review(&AuditSeriesOptions { max_gap: 60, realized: None, ..audit.options() });
    assert_eq!(kinds(&clean), [("superseded policy".to_string(), "d3.json".to_string())], "{clean:#}");
    assert_eq!(code, 1);

    // Every file VALID and opened; the figures are the model's (M = 3,300 for this portfolio).
    let (code, report) = audit.review(&audit.options());
    assert_eq!(code, 1);
    assert_eq!(report["schema"], "solvent/audit-series/v1");
    assert_eq!(report["summary"]["valid"], 4);
    assert_eq!(report["summary"]["opened"], 4);
    let first = &report["attestations"][0];
    assert_eq!(
        (first["file"].as_str(), first["verdict"].as_str(), first["policy_name"].as_str()),
        (Some("d1.json"), Some("VALID"), Some("span"))
    );
    assert_eq!(first["figures"]["margin_requirement"], "3300");
    assert_eq!(first["figures"]["collateral_ratio"], "15");
    assert_eq!(first["holdings"]["balances"]["BTC"], "6");
    // The gap from 130 to 170 (above 25 s); the rotation; the unknown id of the prices.
    assert!(has(&report, "gap", "d3.json"), "{report:#}");
    assert!(has(&report, "superseded policy", "d3.json"));
    assert!(has(&report, "realized prices", "realized.csv"));
    // Backtest: BTC falls 4,000 between 130 and 150, so d2 (horizon 20) loses
    // 6 x 4,000 + 1 x 4,000 - 2 x (100 - 50) = 27,900 > R = H + M = 20,000 + 3,300 (the
    // haircut on 120,000 of BTC, the margin); the others lose nothing.
    let second = &report["attestations"][1];
    assert_eq!(second["backtest"]["realized_loss"], "27900");
    assert_eq!(second["backtest"]["risk_charge"], "23300");
    assert_eq!(second["backtest"]["exceeded"], true);
    assert_eq!(first["backtest"]["exceeded"], false);
    assert_eq!(report["summary"]["exceedances"], 1);
    let account = &report["backtest"]["per_account"][0];
    assert_eq!(
        (account["observations"].as_u64(), account["exceedances"].as_u64(), account["zone"].as_str()),
        (Some(4), Some(1), Some("yellow"))
    );

    // The three files, written whole.
    let html = std::fs::read_to_string(audit.path("report/index.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for text in ["Audit series", "superseded policy", "d4.json", "Realized loss over 20 s", "class=\"exceedance\"", "<svg"] {
        assert!(html.contains(text), "index.html lacks {text}");
    }
    for outside in ["<script", "src=", "href=", "url("] {
        assert!(!html.contains(outside), "index.html reaches outside the page: {outside}");
    }
    let csv = std::fs::read_to_string(audit.path("report/series.csv")).unwrap();
    assert_eq!(csv.lines().count(), 5);
    assert!(csv.lines().nth(2).unwrap().starts_with("d2.json,VALID,,span,0x"));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(audit.path("report/series.json")).unwrap()).unwrap();
    assert_eq!(json, report);

    // Another account, a copy, a file that is no attestation, an opening pointed at the other
    // policy, and one of no attestation.
    audit.attest("d5", "span", "other", 190);
    std::fs::copy(audit.path("attestations/d1.json"), audit.path("attestations/e-copy.json")).unwrap();
    std::fs::copy(audit.path("inputs/portfolio.json"), audit.path("attestations/notes.json")).unwrap();
    let opening = std::fs::read_to_string(audit.path("openings/d4.opening.json")).unwrap();
    let span_id = report["attestations"][0]["policy_id"].as_str().unwrap().to_string();
    let span2_id = report["attestations"][3]["policy_id"].as_str().unwrap().to_string();
    std::fs::write(audit.path("openings/d4.opening.json"), opening.replace(&span2_id, &span_id)).unwrap();
    std::fs::remove_file(audit.path("attestations/d2.json")).unwrap();
    let (code, report) = audit.review(&AuditSeriesOptions { realized: None, ..audit.options() });
    assert_eq!(code, 1);
    for (kind, file) in [
        ("account change", "d5.json"),
        ("duplicate snapshot", "e-copy.json"),
        ("out of order", "e-copy.json"),
        ("unreadable", "notes.json"),
        ("opening mismatch", "d4.json"),
        ("opening unmatched", "d2.opening.json"),
    ] {
        assert!(has(&report, kind, file), "no {kind} for {file}: {report:#}");
    }
    let unreadable = report["attestations"].as_array().unwrap().iter().find(|e| e["file"] == "notes.json").unwrap();
    assert_eq!(unreadable["verdict"], "UNREADABLE");

    // The period: only 170..=190, with a gap up to the end.
    let (_, report) =
        audit.review(&AuditSeriesOptions { from: Some(170), to: Some(250), realized: None, openings: None, ..audit.options() });
    let times: Vec<u64> = report["attestations"].as_array().unwrap().iter().filter_map(|e| e["snapshot_time"].as_u64()).collect();
    assert_eq!(times, [170, 180, 190]);
    assert!(kinds(&report).iter().any(|(k, f)| k == "gap" && f.is_empty()), "{report:#}");
}

#[test]
fn bad_input_is_refused_naming_the_file_and_nothing_is_written() {
    let audit = Audit::new();
    audit.attest("d1", "span", "portfolio", 110);
    let refused = |options: &AuditSeriesOptions| audit_series(options, &mut Vec::new()).unwrap_err().to_string();
    // A file of the policies' folder that is not a policy.
    std::fs::write(audit.path("policies/readme.json"), "{}").unwrap();
    let message = refused(&audit.options());
    assert!(message.contains("readme.json"), "{message}");
    assert!(!audit.path("report").exists(), "nothing written");
    std::fs::remove_file(audit.path("policies/readme.json")).unwrap();
    // Realized prices without the header.
    std::fs::write(audit.path("realized.csv"), "1,BTC,1\n").unwrap();
    let message = refused(&audit.options());
    assert!(message.contains("realized.csv") && message.contains("line 1"), "{message}");
    assert!(!audit.path("report").exists());
    // No SRS named; an empty folder; a coverage that is no probability.
    assert!(refused(&AuditSeriesOptions { srs: None, ..audit.options() }).contains("--srs"));
    std::fs::create_dir(audit.path("empty")).unwrap();
    assert!(refused(&AuditSeriesOptions { dir: audit.path("empty"), ..audit.options() }).contains("holds no file"));
    assert!(refused(&AuditSeriesOptions { coverage: 1.0, ..audit.options() }).contains("--coverage"));
    // A policy the auditor does not trust: the attestation is reported, not trusted.
    std::fs::remove_file(audit.path("policies/span.json")).unwrap();
    let (code, report) = audit.review(&AuditSeriesOptions { realized: None, ..audit.options() });
    assert_eq!(code, 1);
    assert!(has(&report, "policy missing", "d1.json"), "{report:#}");
    assert!(has(&report, "opening unreadable", "d1.opening.json"), "{report:#}");
    assert!(Path::new(&audit.path("report/index.html")).exists());
}
