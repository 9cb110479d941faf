//! EdDSA-Poseidon on Baby Jubjub (`docs/design.md` §12): the curve natively ([`curve`], the
//! reference the signers and the chips share), the chip proving a signature's curve equation
//! ([`chip`]) and the chip proving its challenge hash ([`challenge`]). Together, on one set of
//! sixteen advice columns, they prove that `(R8, S)` is a signature of `M` under `A`.

pub mod challenge;
pub mod chip;
pub mod curve;

use curve::{biguint_of, Point};
use halo2_proofs::{
    circuit::{Cell, Region},
    halo2curves::bn256::Fr,
    plonk::{ConstraintSystem, Error},
};
use num_bigint::BigUint;

/// Both chips on one set of sixteen advice columns and six fixed ones (the ladder's two bound
/// columns are the challenge's first two round-constant columns: their rows never overlap).
#[derive(Clone, Debug)]
pub struct SignatureConfig {
    /// The ladder.
    pub ladder: chip::EddsaConfig,
    /// The challenge.
    pub challenge: challenge::ChallengeConfig,
}

/// The cells of one signature check that the rest of the circuit copies: the key `A` and the
/// message `M` (`R8` and `hm` are copied between the chips).
#[derive(Clone, Copy, Debug)]
pub struct SignatureCells {
    /// `A = (x, y)`.
    pub key: [Cell; 2],
    /// `M`.
    pub message: Cell,
}

impl SignatureConfig {
    /// Creates the columns and both chips' gates.
    pub fn configure(meta: &mut ConstraintSystem<Fr>) -> SignatureConfig {
        use chip::{A8X, A8Y, ACC_H, COLUMNS, DX, DY, HB, M, PX, PY, QX, QY, SB};
        let advice = [(); COLUMNS].map(|_| meta.advice_column());
        let fixed = [(); challenge::WIDTH].map(|_| meta.fixed_column());
        let ladder = chip::EddsaConfig::configure(meta, advice, [fixed[0], fixed[1]]);
        let x = [ACC_H, QX, QY, DX, DY, PX].map(|c| advice[c]);
        let c = [PY, M, SB, HB, A8X, A8Y].map(|c| advice[c]);
        let challenge = challenge::ChallengeConfig::configure(meta, x, c, fixed);
        SignatureConfig { ladder, challenge }
    }

    /// Writes one check from `offset` ([`chip::ROWS`] ladder rows, then [`challenge::ROWS`]
    /// hash rows): `R8` copied from the ladder's result into the hash, `A` from the ladder's key
    /// into the hash, `hm` from the hash into the ladder; returns the cells of `A` and `M`.
    pub fn assign(&self, region: &mut Region<'_, Fr>, offset: usize, rows: &SignatureWitness) -> Result<SignatureCells, Error> {
        let ladder = self.ladder.assign(region, offset, &rows.ladder)?;
        let hash = self.challenge.assign(region, offset + chip::ROWS, &rows.hash_states, &rows.hash_squares)?;
        let sources = [ladder.r8[0], ladder.r8[1], ladder.key[0], ladder.key[1]];
        for (input, source) in hash.inputs.into_iter().zip(sources) {
            region.constrain_equal(input, source);
        }
        region.constrain_equal(hash.hm, ladder.hm);
        Ok(SignatureCells { key: ladder.key, message: hash.inputs[4] })
    }
}

/// The rows of one signature check, computed natively: the ladder's ([`chip::verification_rows`])
/// and the challenge's ([`challenge::permutation_rows`]). Written by the chips' `assign`.
#[derive(Clone, Debug)]
pub struct SignatureWitness {
    /// The ladder's rows.
    pub ladder: Vec<chip::Row>,
    /// The challenge's states.
    pub hash_states: Vec<[Fr; challenge::WIDTH]>,
    /// The challenge's S-box squares.
    pub hash_squares: Vec<[Fr; challenge::WIDTH]>,
}

impl SignatureWitness {
    /// The rows of a prover claiming that `(r8, s)` signs `message` under `key`: the hash of the
    /// claimed `R8`, then the ladder of `S` and that hash (they verify exactly when it does).
    pub fn new(key: &Point, r8: &Point, s: &BigUint, message: Fr) -> SignatureWitness {
        let (hash_states, hash_squares) = challenge::permutation_rows([Fr::from(0), r8.x, r8.y, key.x, key.y, message]);
        let hm = hash_states[challenge::ROWS - 1][0];
        SignatureWitness { ladder: chip::verification_rows(key, s, &biguint_of(&hm)), hash_states, hash_squares }
    }
}

#[cfg(test)]
mod tests {
    use super::challenge::challenge;
    use super::curve::{fr_decimal, Point};
    use super::{SignatureConfig, SignatureWitness};
    use crate::testing::{assert_constraint_failure, assert_failure, mock_circuit};
    use ff::Field;
    use halo2_proofs::{
        circuit::{Layouter, SimpleFloorPlanner, Value},
        halo2curves::bn256::Fr,
        plonk::{Advice, Circuit, Column, ConstraintSystem, Error},
    };
    use num_bigint::BigUint;

    /// A signature verified as the attestation does ([`SignatureConfig`]), `A` and `M` copied
    /// from cells of their own.
    #[derive(Clone)]
    struct Verification {
        rows: SignatureWitness,
        key: Point,
        message: Fr,
    }

    impl Circuit<Fr> for Verification {
        type Config = (SignatureConfig, Column<Advice>);
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();

        fn without_witnesses(&self) -> Self {
            self.clone()
        }

        fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
            let config = SignatureConfig::configure(meta);
            let given = meta.advice_column();
            meta.enable_equality(given);
            assert!(meta.degree() <= 5);
            (config, given)
        }

        fn synthesize(&self, (config, given): Self::Config, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
            layouter.assign_region(
                || "signature",
                |mut region| {
                    let cells = config.assign(&mut region, 0, &self.rows)?;
                    let values = [self.key.x, self.key.y, self.message];
                    for (row, (cell, value)) in cells.key.iter().chain([&cells.message]).zip(values).enumerate() {
                        let own = region.assign_advice(given, row, Value::known(value)).cell();
                        region.constrain_equal(*cell, own);
                    }
                    Ok(())
                },
            )
        }
    }

    /// solvent's signature (equal to @zk-kit/eddsa-poseidon's byte for byte: sources/tests/zkkit.rs)
    /// of the message 123456789 under the private key "custodian-a secret".
    fn zk_kit_signature() -> (Point, Point, BigUint, Fr) {
        let key = Point {
            x: fr_decimal("7333974633375077804486666237476606013448006494049552485801296346072913153003"),
            y: fr_decimal("20003260826384504661970417833009281040683234118868067072339821816388670379030"),
        };
        let r8 = Point {
            x: fr_decimal("16681887740037956721062874166231585463775837885070482175436259484626225631367"),
            y: fr_decimal("21300816454964181952367861989183843868814054180117937912821187414472550715615"),
        };
        let s = BigUint::parse_bytes(b"1904744725976422681221034142604165175294044194261408681476268627754879702324", 10).unwrap();
        (key, r8, s, Fr::from(123_456_789))
    }

    /// The witness of a prover that claims `(r8, s)` signs `message` under `key`: the hash of
    /// the claimed `R8`, the ladder of `S` and that hash.
    fn verification(key: &Point, r8: &Point, s: &BigUint, message: Fr) -> Verification {
        Verification { rows: SignatureWitness::new(key, r8, s, message), key: *key, message }
    }

    fn verdict(circuit: &Verification) -> Result<(), Vec<String>> {
        mock_circuit(9, circuit, vec![])
    }

    #[test]
    fn the_challenge_is_circoms_poseidon_of_five_inputs() {
        let (key, r8, _, message) = zk_kit_signature();
        // hm of the signature above, as light-poseidon's circom parameters give it
        // (solvent_sources::eddsa's test compares the two on more inputs).
        let expected = fr_decimal("12691363343955759120566448280597533374490085050392757174441274197472702815322");
        assert_eq!(challenge(&r8, &key, message), expected);
    }

    #[test]
    fn a_signature_verifies_in_the_circuit_and_a_changed_message_or_signature_does_not() {
        let (key, r8, s, message) = zk_kit_signature();
        assert_eq!(verdict(&verification(&key, &r8, &s, message)), Ok(()));
        // Each is refused at the equality of a copy (R8 or hm between the ladder and the hash).
        let refused = |circuit: Verification| assert_failure(verdict(&circuit), "Equality constraint not satisfied");
        refused(verification(&key, &r8, &s, message + Fr::ONE)); // another message
        refused(verification(&key, &r8, &(&s + 1u32), message)); // another S
        refused(verification(&key, &Point::base8().add(&r8), &s, message)); // another R8
        refused(verification(&Point::base8().add(&key), &r8, &s, message)); // another key
        let mut other = verification(&key, &r8, &s, message + Fr::ONE);
        other.message = message;
        refused(other); // the hash of another message
    }

    #[test]
    fn a_changed_cell_of_the_hash_is_refused_by_its_gate() {
        let (key, r8, s, message) = zk_kit_signature();
        let honest = verification(&key, &r8, &s, message);
        // (row of the hash, state (false) or square (true), word, gate, constraint)
        let cases = [
            (0, false, 0, "challenge: capacity", "x_0 = 0"),
            (2, true, 4, "challenge: full round", "c_4 = u_4^2"),
            (3, false, 5, "challenge: full round", "x'_5 = sum_j M_5j c_j^2 u_j"),
            (10, true, 0, "challenge: partial round", "c_0 = u_0^2"),
            (11, false, 3, "challenge: partial round", "x'_2 = M_20 c_0^2 u_0 + sum_(j > 0) M_2j u_j"),
            (66, false, 1, "challenge: full round", "c_1 = u_1^2"),
        ];
        for (row, square, word, gate, constraint) in cases {
            let mut forged = honest.clone();
            let cell = if square { &mut forged.rows.hash_squares[row][word] } else { &mut forged.rows.hash_states[row][word] };
            *cell += Fr::ONE;
            assert_constraint_failure(verdict(&forged), gate, constraint);
        }
    }
}
