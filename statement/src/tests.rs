//! Each rule on plain values: it holds at its boundary, fails one step past it, and fails with
//! its own code.

use super::*;
use alloc::vec;

fn window() -> Window {
    Window { effective_at: 100, expires_at: 200 }
}

fn expected() -> Expected {
    Expected { policy_name: "p".into(), window: window(), shape: Shape::v1(3, 3, 6, 16), k: 12, lanes: 1 }
}

fn trusted() -> Trusted {
    Trusted { srs_identity: [1; 32], srs_insecure: false, vk_hash: [2; 32], key_k: 12, key_lanes: 1, commitment: vec![3; 64] }
}

fn declared() -> Declared {
    Declared {
        schema: ATTESTATION_SCHEMA.into(),
        encoding: ENCODING_VERSION,
        version: CIRCUIT_VERSION,
        policy_name: "p".into(),
        policy_id: trusted().policy_id(),
        shape: Shape::v1(3, 3, 6, 16),
        k: 12,
        lanes: 1,
        portfolio_commitment: [4; 32],
        account: [0xaa; 20],
        snapshot_time: 150,
        vk_hash: [2; 32],
        srs_identity: [1; 32],
        srs_insecure: false,
        proof: vec![5; 8],
    }
}

fn at(now: u64, max_age: Option<u64>) -> Checks {
    Checks { account: None, now, allow_insecure_srs: false, max_age }
}

fn code(result: Result<(), Reason>) -> &'static str {
    result.err().map_or("VALID", |r| r.code())
}

fn accept(_: &[u8], _: &[u8], _: &[u8]) -> Result<(), &'static str> {
    Ok(())
}

#[test]
fn the_rule_table_has_one_entry_per_reason_with_unique_codes() {
    let mut codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), RULES.len());
    assert_eq!(Reason::InsecureSrs.rule(), &RULES[7]);
    assert_eq!(Reason::TooOld { age: 1, now: 1, max_age: 0 }.verdict(), "TOO OLD");
    assert!(Reason::Expired { expires_at: 1, now: 1 }.proof_verified());
    assert!(!Reason::Proof { error: "Pairing" }.proof_verified());
}

#[test]
fn time_rules_are_solvency_gates() {
    let w = window();
    assert_eq!(code(time_rules(150, w, &at(150, None))), "VALID");
    assert_eq!(code(time_rules(150, w, &at(199, Some(49)))), "VALID", "an age equal to the largest is accepted");
    assert_eq!(code(time_rules(150, w, &at(200, None))), "EXPIRED", "expired at expires_at");
    assert_eq!(code(time_rules(150, w, &at(149, None))), "NOT_YET_VALID", "a snapshot after the clock");
    let early = time_rules(150, w, &at(99, None)).unwrap_err();
    assert!(early.to_string().contains("takes effect only at 100"), "{early}");
    assert_eq!(code(time_rules(150, w, &at(200, Some(10)))), "EXPIRED", "expiry is named first, as on-chain");
    let old = time_rules(150, w, &at(199, Some(48))).unwrap_err();
    assert!(old.to_string().contains("49 s old") && old.to_string().contains("at most 48"), "{old}");
}

#[test]
fn the_gate_rules_name_the_window_after_expiry_and_before_the_clock() {
    let w = window();
    assert_eq!(code(gate_rules(150, 150, w, 0)), "VALID");
    assert_eq!(code(gate_rules(200, 250, w, 0)), "EXPIRED");
    assert_eq!(code(gate_rules(150, 99, w, 1000)), "OUTSIDE_WINDOW");
    assert_eq!(code(gate_rules(150, 200, w, 1000)), "OUTSIDE_WINDOW");
    assert_eq!(code(gate_rules(150, 151, w, 1000)), "NOT_YET_VALID");
    assert_eq!(code(gate_rules(160, 150, w, 9)), "TOO_OLD");
    assert!(counts_now(160, 150, w, 10) && !counts_now(161, 150, w, 10) && !counts_now(200, 150, w, 100));
}

#[test]
fn each_statement_and_trust_rule_fails_with_its_code() {
    let (e, t, c) = (expected(), trusted(), at(160, None));
    assert_eq!(code(verify(&declared(), &e, &t, &c, accept)), "VALID");
    type Change = fn(&mut Declared);
    let cases: Vec<(&str, Change)> = vec![
        ("SCHEMA", |d| d.schema = "solvent/attestation/v3".into()),
        ("VERSION", |d| d.version += 1),
        ("VERSION", |d| d.encoding = 1),
        ("POLICY_NAME", |d| d.policy_name = "q".into()),
        ("SHAPE", |d| d.shape.limits = Some(0)),
        ("DIMENSIONS", |d| d.k += 1),
        ("DIMENSIONS", |d| d.lanes = 2),
        ("OUTSIDE_WINDOW", |d| d.snapshot_time = 200),
        ("OUTSIDE_WINDOW", |d| d.snapshot_time = 99),
        ("INSECURE_SRS", |d| d.srs_insecure = true),
        ("SRS_MISMATCH", |d| d.srs_identity[0] ^= 1),
        ("VK_MISMATCH", |d| d.vk_hash[31] ^= 1),
        ("POLICY_MISMATCH", |d| d.policy_id[5] ^= 1),
    ];
    for (expected_code, change) in cases {
        let mut d = declared();
        change(&mut d);
        assert_eq!(code(verify(&d, &e, &t, &c, accept)), expected_code);
    }
    let account = Checks { account: Some([0xbb; 20]), ..c.clone() };
    assert_eq!(code(verify(&declared(), &e, &t, &account, accept)), "ACCOUNT");
    let insecure = Trusted { srs_insecure: true, ..t.clone() };
    assert_eq!(code(verify(&declared(), &e, &insecure, &Checks { allow_insecure_srs: true, ..c.clone() }, accept)), "INSECURE_FLAG");
    let other_key = Trusted { key_k: 13, ..t.clone() };
    assert_eq!(code(verify(&declared(), &e, &other_key, &c, accept)), "KEY_MISMATCH");
    assert_eq!(code(verify(&declared(), &e, &t, &c, |_, _, _| Err("Pairing"))), "PROOF");
}

#[test]
fn the_proof_check_gets_the_trusted_commitment_and_the_declared_inputs() {
    let (d, t) = (declared(), trusted());
    let _ = verify(&d, &expected(), &t, &at(160, None), |commitment, inputs, proof| {
        assert_eq!(commitment, &t.commitment[..]);
        assert_eq!(inputs.len(), 96);
        assert_eq!(&inputs[..32], &[4; 32]);
        assert_eq!(&inputs[44..64], &[0xaa; 20]);
        assert_eq!(&inputs[88..], &150u64.to_be_bytes());
        assert_eq!(proof, &[5; 8]);
        Ok(())
    });
}

#[test]
fn utc_times_are_rfc_3339() {
    assert_eq!(utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(utc(1_764_000_000), "2025-11-24T16:00:00Z");
    assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(utc(4_102_444_800), "2100-01-01T00:00:00Z");
    assert_eq!(utc(253_402_300_799), "9999-12-31T23:59:59Z");
    assert_eq!(utc(253_402_300_800), "out of range");
    assert_eq!(utc(u64::MAX), "out of range");
}

#[test]
fn hex_is_compared_as_numbers() {
    assert_eq!(hex::decode_hex("0xAbCd"), Some(vec![0xab, 0xcd]));
    assert_eq!(hex::decode_hex("0XAB"), Some(vec![0xab]));
    assert_eq!(hex::decode_hex("ab"), None);
    assert_eq!(hex::decode_hex("0xabc"), None);
    assert_eq!(hex::encode_hex(&[0, 255]), "0x00ff");
    assert!(attestation::field_word(&hex::encode_hex(&attestation::SCALAR_MODULUS)).is_none(), "r itself is not canonical");
}

#[test]
fn shapes_have_one_reading_of_their_limits() {
    let v2 = Shape { limits: Some(2), ..Shape::v1(8, 4, 64, 16) };
    assert_eq!((v2.limits_number(), v2.risk_model(), v2.underlyings()), (3, 2, 2));
    assert_eq!(Shape::from_numbers(8, 4, 64, 16, 3), v2);
    assert_eq!(Shape::from_numbers(8, 4, 64, 16, 0), Shape::v1(8, 4, 64, 16));
    assert_eq!(Shape::from_risk_model(8, 4, 64, 16, 2, 2), v2);
    assert_eq!(v2.to_string(), "8a4t64i16s2u");
    assert_eq!(Shape::v1(8, 4, 64, 16).to_string(), "8a4t64i16s");
    let signed = v2.with_signed(Some(crate::SignedShape { sources: 2, statements: 3, items: 4 }));
    assert_eq!(signed.to_string(), "8a4t64i16s2u2k3x4");
    // The attestation's circuit and the registration carry it (absent without it).
    let file = crate::attestation::CircuitFile::new(signed, 2, 12);
    assert_eq!(file.shape(), signed);
    assert!(!serde_json_wasm::to_string(&crate::attestation::CircuitFile::new(v2, 2, 12)).unwrap().contains("signed"));
}

#[test]
fn text_that_is_not_json_is_a_syntax_error_and_json_of_another_form_is_not() {
    let not_json = Attestation::parse(b"not json").unwrap_err();
    assert!(not_json.syntax, "{not_json:?}");
    let other_form = Attestation::parse(b"{}").unwrap_err();
    assert!(!other_form.syntax, "{other_form:?}");
}

#[test]
fn the_wasm_hosts_default_largest_age_is_the_registrations() {
    // The checked-in fixture's attestation (snapshot 150) against its verifier.json with a later
    // expiry and a gate age of 100 s; the proof check is not what this test is about.
    let read = |name: &str| std::fs::read_to_string(format!("{}/../fixtures/tiny/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let registration = read("verifier.json")
        .replace(r#""expires_at": 200"#, r#""expires_at": 1000000"#)
        .replace(r#""max_snapshot_age": 3600"#, r#""max_snapshot_age": 100"#);
    let outcome = |options: &str| {
        String::from_utf8(verify_json(read("attestation.json").as_bytes(), registration.as_bytes(), options.as_bytes(), accept)).unwrap()
    };
    assert!(outcome(r#"{"now": 250}"#).contains(r#""verdict":"VALID""#), "an age of 100 s is accepted");
    assert!(outcome(r#"{"now": 251}"#).contains(r#""code":"TOO_OLD""#), "101 s is older than the gate's 100");
    assert!(outcome(r#"{"now": 251, "max_age": 1000}"#).contains(r#""verdict":"VALID""#), "the caller's own largest age");
}

#[test]
fn a_clock_in_milliseconds_is_a_callers_mistake() {
    let options = |now: u64| Options { now, account: None, max_age: None, allow_insecure_srs: false };
    assert!(options(1_764_000_000).checks().is_ok());
    let error = options(1_764_000_000_000).checks().unwrap_err();
    assert_eq!(error.field, "now");
    assert!(error.message.contains("milliseconds"), "{error}");
}
