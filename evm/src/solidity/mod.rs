//! The Solidity verifier of a circuit: Rust computes the numbers of its [`VerifierKey`] (the
//! calldata layout, the memory plan, the SRS and Lagrange points, and the straight-line code of
//! the key's transcript, constraint expression and multi-opening), and the template
//! `evm/templates/SolventVerifier.sol` holds the contract: named constants for every calldata
//! region and memory slot, named helpers (`check_point`, `squeeze`, `ec_mul_add`, `inverse`),
//! the fixed steps (calldata checks, the first lane's commitment, the pairing) and the places
//! where this key's code goes. One contract under EIP-170's 24,576 bytes: [`compile_verifier`]
//! unrolls the checks and multiplications of the proof's points when that fits, and loops over
//! neighbouring ones when it does not ([`Style`]).
//!
//! Calldata: the policy commitment (each lane's point as `x`, `y`), the public inputs, the proof
//! (32-byte big-endian words). The contract refuses any other length, any coordinate or scalar
//! that is not canonical, any point off the curve (the identity `(0, 0)` included), and reverts
//! unless the proof verifies; it returns nothing.
//!
//! Steps, as in `solvent_verifier_wasm::verify`: the transcript (Keccak-256, the EVM transcript
//! of the prover), the Lagrange polynomials and the vanishing polynomial at `z`, the quotient's
//! evaluation from the constraint expression, the SHPLONK (BDFG21) multi-opening reduced to one
//! multi-scalar multiplication (`ecMul` and `ecAdd` precompiles), and the KZG pairing check.

mod codegen;

use crate::solc::{Compiled, Optimizer, Solc};
use crate::EvmError;
use askama::Template;
use halo2_proofs::halo2curves::ff::PrimeField;
use solvent_verifier_wasm::key::{VerifierKey, Word};

use codegen::{CalldataLayout, MemoryPlan, MsmTerm, Slot, TranscriptStep};

/// The name of the generated contract.
pub const CONTRACT: &str = "SolventVerifier";

/// The function the verifier answers for a call of exactly 4 bytes, its selector (a proof's
/// calldata is longer, so no proof can reach it): the SRS identity and the insecure flag.
pub const SRS_IDENTITY: &str = "srsIdentity()";

/// How the verifier checks the proof's neighbouring points and evaluations and multiplies its
/// points: each in code of its own (less gas), or in loops (less code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Straight-line code for every point and evaluation.
    Unrolled,
    /// Loops over neighbouring points and evaluations (about 40 gas per point more).
    Looped,
}

/// What the template `evm/templates/SolventVerifier.sol` is filled with. Words are Solidity
/// hex literals; the code fields are Yul statements, one per line.
#[derive(Template)]
#[template(path = "SolventVerifier.sol", escape = "none")]
struct VerifierTemplate {
    /// The version of solvent that rendered it.
    version: &'static str,
    /// `2^k` rows.
    k: u32,
    /// Public columns.
    lanes: usize,
    /// The SRS identity (`solvent_params::VerifierSrs::identity`).
    srs_identity: String,
    /// `srsIdentity()`'s selector.
    srs_identity_selector: String,
    /// 1 for the development SRS, else 0.
    insecure_srs: u8,
    /// The NatSpec's warning for the development SRS, else empty.
    warning: &'static str,
    /// The transcript's initial state.
    transcript_initial_state: String,
    /// `[L_0(tau)]`, `[L_1(tau)]` as `(x, y)`.
    lagrange_points: Vec<(String, String)>,
    /// G1's generator.
    g1: (String, String),
    /// G2's generator, in the precompile's word order.
    g2: [String; 4],
    /// `-[tau]G2`, in the precompile's word order.
    neg_s_g2: [String; 4],
    /// Where each part of the calldata starts.
    calldata: CalldataLayout,
    /// The named memory slots.
    memory: MemoryPlan,
    /// The policy commitment's points.
    policy_points: Vec<Slot>,
    /// The transcript's checks, absorptions and squeezes.
    transcript: Vec<TranscriptStep>,
    /// The batch inversion of the denominators.
    inversions: String,
    /// The Lagrange values.
    lagrange: String,
    /// The constraint expression and the quotient's evaluation.
    constraints: String,
    /// The multi-opening's scalars.
    opening: String,
    /// The multi-scalar multiplication's terms.
    msm: Vec<MsmTerm>,
    /// Whether runs of neighbouring points and evaluations are loops ([`Style::Looped`]).
    looped: bool,
}

/// A 32-byte word as a Solidity hex literal.
fn word_hex(word: &Word) -> String {
    format!("0x{}", hex::encode(word))
}

/// `-y mod p` of a base-field word.
fn negated_coordinate(word: &Word) -> String {
    let p = num_bigint::BigUint::parse_bytes(&codegen::P.as_bytes()[2..], 16).expect("modulus");
    let y = num_bigint::BigUint::from_bytes_be(word);
    let negated = if y == num_bigint::BigUint::from(0u8) { y } else { p - y };
    let mut bytes = negated.to_bytes_be();
    while bytes.len() < 32 {
        bytes.insert(0, 0);
    }
    format!("0x{}", hex::encode(bytes))
}

/// The verifier of `key` compiled with `optimizer`, and its source: unrolled when its runtime code
/// fits EIP-170, else with loops.
pub fn compile_verifier(solc: &Solc, key: &VerifierKey, optimizer: Optimizer) -> Result<(String, Compiled), EvmError> {
    let mut compiled = None;
    for style in [Style::Unrolled, Style::Looped] {
        let source = verifier_source(key, style);
        let code = solc.compile_contract(&source, CONTRACT, optimizer)?;
        if code.runtime.len() <= crate::EIP170_CODE_SIZE_LIMIT {
            return Ok((source, code));
        }
        compiled = Some((source, code));
    }
    Ok(compiled.expect("two styles tried"))
}

/// Renders the Solidity source of the verifier for `key` in `style`.
pub fn verifier_source(key: &VerifierKey, style: Style) -> String {
    assert_eq!(key.public_points.len(), 2, "two public values: the commitment, account + 2^160 time");
    let code = codegen::generate(key);
    let srs = srs_of(key);
    let point = |p: &[Word; 2]| (word_hex(&p[0]), word_hex(&p[1]));
    // G2 points are written x.c1, x.c0, y.c1, y.c0 for the precompile.
    let g2 = [word_hex(&key.g2[1]), word_hex(&key.g2[0]), word_hex(&key.g2[3]), word_hex(&key.g2[2])];
    let neg_s_g2 = [word_hex(&key.s_g2[1]), word_hex(&key.s_g2[0]), negated_coordinate(&key.s_g2[3]), negated_coordinate(&key.s_g2[2])];
    let template = VerifierTemplate {
        version: env!("CARGO_PKG_VERSION"),
        k: key.k,
        lanes: key.lanes as usize,
        srs_identity: format!("0x{}", hex::encode(srs.identity())),
        srs_identity_selector: format!("0x{}", hex::encode(crate::abi::selector(SRS_IDENTITY))),
        insecure_srs: u8::from(srs.is_dev()),
        warning: if srs.is_dev() {
            "\n/// INSECURE: made for the public development SRS, whose secret anyone knows: it accepts forged\n/// proofs. For tests only; never deploy it where anything is at stake."
        } else {
            ""
        },
        transcript_initial_state: word_hex(&key.transcript_initial_state),
        lagrange_points: key.public_points.iter().map(point).collect(),
        g1: point(&key.g1),
        g2,
        neg_s_g2,
        calldata: code.calldata,
        memory: code.memory,
        policy_points: code.policy_points,
        transcript: code.transcript,
        inversions: code.inversions,
        lagrange: code.lagrange,
        constraints: code.constraints,
        opening: code.opening,
        msm: code.msm,
        looped: style == Style::Looped,
    };
    template.render().expect("the template renders")
}

/// The SRS the key was derived from (its `g[0]`, `g2` and `[tau]G2`).
pub fn srs_of(key: &VerifierKey) -> solvent_params::VerifierSrs {
    use halo2_proofs::halo2curves::bn256::{Fq, Fq2, G1Affine, G2Affine};
    let fq = |word: &Word| {
        let mut repr = *word;
        repr.reverse();
        Option::<Fq>::from(Fq::from_repr(repr)).expect("keys hold canonical coordinates")
    };
    let g2 = |w: &[Word; 4]| G2Affine { x: Fq2 { c0: fq(&w[0]), c1: fq(&w[1]) }, y: Fq2 { c0: fq(&w[2]), c1: fq(&w[3]) } };
    let g0 = G1Affine { x: fq(&key.g1[0]), y: fq(&key.g1[1]) };
    solvent_params::VerifierSrs { k: key.k, g0, g2: g2(&key.g2), s_g2: g2(&key.s_g2) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_filled_and_names_its_slots_and_helpers() {
        let key = VerifierKey::from_bytes(include_bytes!("../../../fixtures/tiny/verifier.key")).expect("the fixture's key");
        for style in [Style::Looped, Style::Unrolled] {
            let source = verifier_source(&key, style);
            assert!(!source.contains("{{") && !source.contains("{%"), "every place filled");
            assert_eq!(source.contains("for { let cptr"), style == Style::Looped, "{style:?}");
        }
        let source = verifier_source(&key, Style::Unrolled);
        for name in ["TRANSCRIPT_MPTR", "FIRST_LANE_MPTR", "ACCUMULATOR_MPTR", "PAIRING_MPTR", "Z_MPTR", "W_PRIME_CPTR", "CALLDATA_LEN"] {
            assert!(source.contains(&format!("uint256 internal constant {name} = 0x")), "{name} is a named constant");
        }
        assert!(source.contains("function pow_r(") && source.contains("function inverse("));
        assert!(source.contains(&format!("contract {CONTRACT} {{")));
        // Not the development SRS: no warning, the flag 0.
        assert!(!source.contains("INSECURE:") && source.contains("INSECURE_SRS = 0;"));
    }
}
