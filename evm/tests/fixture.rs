//! The Solidity verifier rendered from the checked-in fixture's key (`fixtures/tiny/`, written by
//! `scripts/fixtures.sh`), compiled with the pinned solcjs and run in revm under mainnet rules:
//! it accepts the real proof and reverts on each changed part, without proving.

use solvent_evm::{
    chain::{LocalChain, EIP170_CODE_SIZE_LIMIT},
    solc::Solc,
    solidity::{compile_verifier, verifier_source, Style, CONTRACT},
};
use solvent_statement::{Attestation, Registration};
use solvent_verifier_wasm::key::VerifierKey;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../fixtures/tiny/{name}", env!("CARGO_MANIFEST_DIR"))).expect("the checked-in fixture")
}

const OWNER: [u8; 20] = [0x0f; 20];

#[test]
fn the_rendered_verifier_accepts_the_fixture_proof_and_refuses_each_changed_word() {
    let key = VerifierKey::from_bytes(&read("verifier.key")).unwrap();
    let (_, declared) = Attestation::parse(&read("attestation.json")).unwrap();
    let (_, trusted) = Registration::parse(&read("verifier.json")).unwrap().trusted().unwrap();
    let solc = Solc::locate().unwrap();
    // Both styles: the unrolled code and the loops over neighbouring points check the same.
    let mut gas = Vec::new();
    for style in [Style::Unrolled, Style::Looped] {
        let source = verifier_source(&key, style);
        assert!(source.contains("must take the policy commitment from its own registry"), "the NatSpec states the C_0' property");
        let compiled = solc.compile_contract(&source, CONTRACT, solvent_evm::solc::Optimizer::WithoutYul(200)).unwrap();
        assert!(compiled.runtime.len() <= EIP170_CODE_SIZE_LIMIT);
        let mut chain = LocalChain::new();
        let (verifier, _) = chain.deploy(OWNER, compiled.bytecode.clone()).unwrap();
        let calldata = [trusted.commitment.clone(), declared.public_input_bytes(), declared.proof.clone()].concat();
        let out = chain.call(OWNER, verifier, calldata.clone()).unwrap();
        assert!(out.success, "the {style:?} verifier reverted on the real proof");
        gas.push((compiled.runtime.len(), out.gas_used));
        // srsIdentity(): the identity of the SRS the key came from, and 0 (not the development SRS).
        let asked = chain.call(OWNER, verifier, solvent_evm::abi::selector(solvent_evm::solidity::SRS_IDENTITY).to_vec()).unwrap();
        assert!(asked.success);
        let identity = solvent_statement::hex::decode_hex(&Registration::parse(&read("verifier.json")).unwrap().srs_identity).unwrap();
        assert_eq!(asked.output, [identity, vec![0; 32]].concat(), "the identity and the insecure flag");
        assert!(!chain.call(OWNER, verifier, vec![0xde, 0xad, 0xbe, 0xef]).unwrap().success, "another 4-byte call reverts");
        // Every changed region: the commitment, each public input, a proof word; and other lengths.
        let proof_at = trusted.commitment.len() + 96;
        for at in [5, 64 + 31, 64 + 32 + 31, 64 + 64 + 31, proof_at + 7, proof_at + 500, calldata.len() - 1] {
            let mut changed = calldata.clone();
            changed[at] ^= 1;
            assert!(!chain.call(OWNER, verifier, changed).unwrap().success, "{style:?} accepted a change at byte {at}");
        }
        assert!(!chain.call(OWNER, verifier, calldata[..calldata.len() - 32].to_vec()).unwrap().success, "a short calldata");
        assert!(!chain.call(OWNER, verifier, [calldata, vec![0; 32]].concat()).unwrap().success, "a long calldata");
    }
    // The loops are smaller and cost more gas.
    assert!(gas[1].0 < gas[0].0 && gas[1].1 > gas[0].1, "{gas:?}");
    // compile_verifier takes the unrolled code when it fits.
    let (source, _) = compile_verifier(&solc, &key, solvent_evm::solc::Optimizer::WithoutYul(200)).unwrap();
    assert_eq!(source, verifier_source(&key, Style::Unrolled));
}

#[test]
fn the_gate_deploys_the_fixture_verifier_records_its_srs_and_refuses_a_non_verifier() {
    use solvent_evm::gate;
    let key = VerifierKey::from_bytes(&read("verifier.key")).unwrap();
    let registration = Registration::parse(&read("verifier.json")).unwrap();
    let shape = registration.shape();
    let solc = Solc::locate().unwrap();
    let (_, verifier) = compile_verifier(&solc, &key, solvent_evm::solc::Optimizer::WithoutYul(200)).unwrap();
    let gate_code = gate::compile(&solc, solvent_evm::solc::Optimizer::Runs(200)).unwrap();
    let mut chain = LocalChain::new();
    let (gate_address, _) = chain.deploy(OWNER, [gate_code.bytecode, gate::constructor_args(3600)].concat()).unwrap();
    // The contract's shapeKey is the crate's.
    assert_eq!(chain.call(OWNER, gate_address, gate::shape_key_call(shape)).unwrap().output, gate::shape_key(shape).to_vec());
    // Signed holdings' slots are part of the key.
    let signed = solvent_statement::Shape { signed: Some(solvent_statement::SignedShape { sources: 2, statements: 3, items: 3 }), ..shape };
    assert_ne!(gate::shape_key(signed), gate::shape_key(shape));
    assert_eq!(chain.call(OWNER, gate_address, gate::shape_key_call(signed)).unwrap().output, gate::shape_key(signed).to_vec());
    // Only the owner deploys; the deployed verifier's SRS is recorded.
    let deploy = gate::deploy_verifier(shape, &verifier.bytecode);
    assert!(!chain.call([0x44; 20], gate_address, deploy.clone()).unwrap().success, "not the owner");
    let deployed = chain.call(OWNER, gate_address, deploy).unwrap();
    assert!(deployed.success, "{:?}", gate::revert_reason(&deployed.output));
    let identity = solvent_statement::hex::decode_hex(&registration.srs_identity).unwrap();
    assert_eq!(chain.call(OWNER, gate_address, gate::verifier_srs(shape)).unwrap().output, [identity, vec![0; 32]].concat());
    // Creation code that deploys nothing answering srsIdentity(): refused, nothing recorded.
    let not_a_verifier = chain.call(OWNER, gate_address, gate::deploy_verifier(shape, &[0x60, 0x00, 0x60, 0x00, 0xf3])).unwrap();
    assert_eq!(gate::revert_reason(&not_a_verifier.output), Some("NotAVerifier(address)"));
}
