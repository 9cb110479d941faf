//! EdDSA-Poseidon as `@zk-kit/eddsa-poseidon` (1.x, BLAKE-512) and circomlib define it.
//!
//! A private key is any byte string. With `h = BLAKE-512(key)`:
//!
//! - the secret `s` is `h[0..32]` (little-endian) with bits 0..2 and 255 cleared and bit 254 set;
//!   the public key is `A = (s >> 3) Base8`;
//! - a signature of a message `M` (a field element) is `(R8, S)` with
//!   `r = BLAKE-512(h[32..64] || M as 32 bytes little-endian) mod l`, `R8 = r Base8`,
//!   `hm = Poseidon(R8.x, R8.y, A.x, A.y, M)` (circom's Poseidon of five inputs) and
//!   `S = r + hm s mod l`;
//! - it verifies when `R8` and `A` are on the curve, `S < l`, and `S Base8 = R8 + (8 hm) A`.

use crate::babyjubjub::{biguint_of, fr_from_biguint, suborder, Point};
use blake_hash::{Blake512, Digest};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::PrimeField;
use num_bigint::BigUint;

/// A signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// `R8 = r Base8`.
    pub r8: Point,
    /// `S = r + hm s mod l`, as a field element (it is below `l`, smaller than the field).
    pub s: Fr,
}

fn blake512(bytes: &[u8]) -> [u8; 64] {
    let mut hasher = Blake512::new();
    hasher.update(bytes);
    hasher.finalize().into()
}

/// `h[0..32]` pruned: bits 0..2 and 255 cleared, bit 254 set.
fn pruned(hash: &[u8; 64]) -> BigUint {
    let mut low = [0u8; 32];
    low.copy_from_slice(&hash[..32]);
    low[0] &= 0xf8;
    low[31] &= 0x7f;
    low[31] |= 0x40;
    BigUint::from_bytes_le(&low)
}

/// The secret scalar `s >> 3 mod l` of a private key (the public key's discrete logarithm).
pub fn secret_scalar(private_key: &[u8]) -> BigUint {
    (pruned(&blake512(private_key)) >> 3u32) % suborder()
}

/// The public key `A = (s >> 3) Base8`.
pub fn public_key(private_key: &[u8]) -> Point {
    Point::base8().mul(&secret_scalar(private_key))
}

/// `hm = Poseidon(R8.x, R8.y, A.x, A.y, M)`: circom's Poseidon of five inputs, computed by the
/// circuit's reference (`solvent_circuits::eddsa::challenge`), the one the proof checks.
pub fn challenge(r8: &Point, public_key: &Point, message: Fr) -> Fr {
    solvent_circuits::eddsa::challenge::challenge(r8, public_key, message)
}

/// Signs `message` (deterministically, as `@zk-kit/eddsa-poseidon`'s `signMessage`).
pub fn sign(private_key: &[u8], message: Fr) -> Signature {
    let hash = blake512(private_key);
    let s = pruned(&hash);
    let a = Point::base8().mul(&((&s >> 3u32) % suborder()));
    let mut nonce_input = hash[32..].to_vec();
    nonce_input.extend_from_slice(message.to_repr().as_ref());
    let r = BigUint::from_bytes_le(&blake512(&nonce_input)) % suborder();
    let r8 = Point::base8().mul(&r);
    let hm = biguint_of(&challenge(&r8, &a, message));
    let big_s = (r + hm * s) % suborder();
    Signature { r8, s: fr_from_biguint(&big_s) }
}

/// Whether `signature` is `public_key`'s signature of `message`.
pub fn verify(message: Fr, signature: &Signature, public_key: &Point) -> bool {
    if !signature.r8.on_curve() || !public_key.on_curve() || biguint_of(&signature.s) >= *suborder() {
        return false;
    }
    let hm = biguint_of(&challenge(&signature.r8, public_key, message));
    let left = Point::base8().mul(&biguint_of(&signature.s));
    let right = signature.r8.add(&public_key.mul(&(hm * 8u32)));
    left == right
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::halo2curves::ff::Field;

    #[test]
    fn a_signature_verifies_and_any_change_does_not() {
        let key = b"custodian-a secret";
        let message = Fr::from(123_456_789u64);
        let public = public_key(key);
        assert!(public.on_curve());
        let signature = sign(key, message);
        assert!(verify(message, &signature, &public));
        assert!(!verify(message + Fr::ONE, &signature, &public), "another message");
        assert!(!verify(message, &Signature { s: signature.s + Fr::ONE, ..signature }, &public), "another S");
        assert!(!verify(message, &signature, &public_key(b"another key")), "another key");
        let s_plus_l = fr_from_biguint(&(biguint_of(&signature.s) + suborder()));
        assert!(!verify(message, &Signature { s: s_plus_l, ..signature }, &public), "S + l is refused (S < l)");
    }

    /// circom's Poseidon of five inputs by light-poseidon (its circom parameters): an
    /// implementation apart from the circuit's.
    fn light_poseidon5(inputs: [Fr; 5]) -> Fr {
        use light_poseidon::{Poseidon, PoseidonHasher};
        let mut hasher = Poseidon::<ark_bn254::Fr>::new_circom(5).expect("circom parameters for 5 inputs");
        let ark: Vec<ark_bn254::Fr> = inputs.iter().map(|x| ark_ff::PrimeField::from_le_bytes_mod_order(x.to_repr().as_ref())).collect();
        let out = hasher.hash(&ark).expect("five inputs");
        let bytes = ark_ff::BigInteger::to_bytes_le(&ark_ff::PrimeField::into_bigint(out));
        fr_from_biguint(&BigUint::from_bytes_le(&bytes))
    }

    #[test]
    fn the_challenge_is_light_poseidons_circom_hash_of_five_inputs() {
        let mut point = Point::base8();
        for i in 0..8u64 {
            let key = point.add(&Point::base8());
            let message = Fr::from(i * 1_000_003) - Fr::from(i);
            assert_eq!(challenge(&point, &key, message), light_poseidon5([point.x, point.y, key.x, key.y, message]));
            point = key.add(&key);
        }
    }

    #[test]
    fn base8_has_the_suborder() {
        let base8 = Point::base8();
        assert!(base8.on_curve());
        assert_eq!(base8.mul(suborder()), Point::IDENTITY);
        assert_ne!(base8.mul(&BigUint::from(2u32)), Point::IDENTITY);
    }
}
