//! The verifier key (`solvent_verifier_wasm::key::VerifierKey`) of a circuit, made on the halo2
//! side from its verifying key (feature `verifier-key`; snark-verifier does not build for wasm32,
//! where nothing makes keys): the PLONK protocol snark-verifier compiles from the verifying key, with the public columns queried (their
//! commitments come from the verifier's policy commitment and the public inputs), and the SRS
//! points a verifier needs.
//! Every solvent verifier reads this one description: the native and wasm verifiers interpret it,
//! and the Solidity verifier is rendered from it.

use crate::commitment::public_lagrange_points;
use halo2_proofs::{
    arithmetic::CurveAffine,
    halo2curves::{
        bn256::{Fq, G1Affine, G2Affine},
        ff::PrimeField,
    },
    plonk::VerifyingKey,
};
use serde_json::Value;
use snark_verifier::system::halo2::{compile, Config};
use solvent_circuits::encoding::PublicInputs;
use solvent_params::{Srs, VerifierSrs};
use solvent_verifier_wasm::key::{Expression, Query, VerifierKey, Word};

/// A scalar as a 32-byte big-endian word.
fn field_word(value: &halo2_proofs::halo2curves::bn256::Fr) -> Word {
    let mut w = value.to_repr();
    w.as_mut().reverse();
    w
}

fn fq_word(x: &Fq) -> Word {
    let mut w = x.to_repr();
    w.as_mut().reverse();
    w
}

/// `x, y` big-endian words of a point that is not the identity.
pub fn g1_words(p: &G1Affine) -> [Word; 2] {
    let c = p.coordinates().expect("not the identity");
    [fq_word(c.x()), fq_word(c.y())]
}

fn g2_words(p: &G2Affine) -> [Word; 4] {
    [fq_word(&p.x.c0), fq_word(&p.x.c1), fq_word(&p.y.c0), fq_word(&p.y.c1)]
}

/// The verifier key of proofs under `vk` and the SRS `srs`.
///
/// snark-verifier compiles the protocol with the public columns unqueried (its own queried form
/// would also derive an instance-committing key from the full SRS, which solvent's verifiers do
/// not use); the public columns' queries are then put first among the evaluations and the
/// openings, where halo2's prover writes and opens them when it commits the public columns.
pub fn verifier_key(srs: &Srs, vk: &VerifyingKey<G1Affine>) -> VerifierKey {
    let lanes = vk.cs().num_instance_columns();
    let protocol = compile(srs, vk, Config::kzg().with_num_instance(vec![0; lanes]));
    let verifier_srs = VerifierSrs::of(srs);
    let query = |poly: usize, rotation: i32| Query { poly: poly as u32, rotation };
    let instance_offset = protocol.preprocessed.len();
    let instance_queries: Vec<Query> =
        vk.cs().instance_queries().iter().map(|(column, rotation)| query(instance_offset + column.index(), rotation.0)).collect();
    // The expression type is private to snark-verifier; its serde form is public.
    let numerator = serde_json::to_value(&protocol.quotient.numerator).expect("serialisable");
    VerifierKey {
        k: protocol.domain.k as u32,
        omega: field_word(&protocol.domain.gen),
        g1: g1_words(&verifier_srs.g0),
        g2: g2_words(&verifier_srs.g2),
        s_g2: g2_words(&verifier_srs.s_g2),
        transcript_initial_state: field_word(&protocol.transcript_initial_state.expect("halo2 keys have one")),
        lanes: lanes as u32,
        public_points: public_lagrange_points(srs, PublicInputs::LEN).iter().map(g1_words).collect(),
        num_witness: protocol.num_witness.iter().map(|&n| n as u32).collect(),
        num_challenge: protocol.num_challenge.iter().map(|&n| n as u32).collect(),
        preprocessed: protocol.preprocessed.iter().map(g1_words).collect(),
        evaluations: instance_queries.iter().copied().chain(protocol.evaluations.iter().map(|q| query(q.poly, q.rotation.0))).collect(),
        queries: instance_queries.iter().copied().chain(protocol.queries.iter().map(|q| query(q.poly, q.rotation.0))).collect(),
        chunk_degree: protocol.quotient.chunk_degree as u32,
        numerator: expression(&numerator),
    }
}

/// A serde scalar: hex of the little-endian representation.
fn scalar(value: &Value) -> Word {
    let text = value.as_str().expect("hex scalar");
    let bytes: Vec<u8> = (0..text.len() / 2).map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex")).collect();
    let mut w: Word = bytes.try_into().expect("32 bytes");
    w.reverse();
    w
}

fn query_of(value: &Value) -> Query {
    Query { poly: value["poly"].as_u64().expect("poly") as u32, rotation: value["rotation"].as_i64().expect("rotation") as i32 }
}

fn expression(value: &Value) -> Expression {
    let boxed = |v: &Value| Box::new(expression(v));
    if value == "Identity" || value.get("CommonPolynomial").is_some_and(|c| c == "Identity") {
        return Expression::Identity;
    }
    let (tag, body) = value.as_object().and_then(|o| o.iter().next()).expect("an expression variant");
    match tag.as_str() {
        "Constant" => Expression::Constant(scalar(body)),
        "CommonPolynomial" => Expression::Lagrange(body["Lagrange"].as_i64().expect("Lagrange index") as i32),
        "Polynomial" => Expression::Polynomial(query_of(body)),
        "Challenge" => Expression::Challenge(body.as_u64().expect("challenge index") as u32),
        "Negated" => Expression::Negated(boxed(body)),
        "Sum" => Expression::Sum(boxed(&body[0]), boxed(&body[1])),
        "Product" => Expression::Product(boxed(&body[0]), boxed(&body[1])),
        "Scaled" => Expression::Scaled(boxed(&body[0]), scalar(&body[1])),
        "DistributePowers" => {
            Expression::DistributePowers(body[0].as_array().expect("expressions").iter().map(expression).collect(), boxed(&body[1]))
        }
        other => panic!("unknown expression variant {other}"),
    }
}
