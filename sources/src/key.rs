//! A source's key file (`solvent/source-key/v1`, private: mode 0600) and its public key as a
//! policy names it: `0x` and the 64 hex digits of the packed point (`@zk-kit/eddsa-poseidon`'s
//! `packPublicKey`, big-endian).

use crate::babyjubjub::Point;
use crate::eddsa::public_key;
use num_bigint::BigUint;
use serde::{Deserialize, Serialize};

/// The schema tag of a key file.
pub const SOURCE_KEY_SCHEMA: &str = "solvent/source-key/v1";

/// A source's key file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceKey {
    /// [`SOURCE_KEY_SCHEMA`].
    pub schema: String,
    /// The source's id, as policies list it.
    pub id: String,
    /// The private key: `0x` and its bytes in hex (EdDSA-Poseidon takes any byte string; keygen
    /// writes 32 random bytes).
    pub private_key: String,
}

/// What a source publishes: its id and public key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicSourceKey {
    /// The source's id.
    pub id: String,
    /// [`public_key_hex`] of its key.
    pub public_key: String,
}

/// Why an id or a key is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyError {
    /// The field.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// A source id: 1 to 31 bytes of UTF-8 (one field element, as the policy's other names).
pub fn check_id(id: &str) -> Result<(), KeyError> {
    if id.is_empty() || id.len() > 31 {
        return Err(KeyError { field: "id", message: format!("`{id}` must be 1 to 31 bytes") });
    }
    Ok(())
}

impl SourceKey {
    /// A key file for `id` with these private key bytes.
    pub fn new(id: &str, private_key: &[u8]) -> Result<SourceKey, KeyError> {
        check_id(id)?;
        Ok(SourceKey { schema: SOURCE_KEY_SCHEMA.into(), id: id.into(), private_key: format!("0x{}", hex::encode(private_key)) })
    }

    /// The private key's bytes.
    pub fn private_bytes(&self) -> Result<Vec<u8>, KeyError> {
        if self.schema != SOURCE_KEY_SCHEMA {
            return Err(KeyError { field: "schema", message: format!("is `{}`; expected `{SOURCE_KEY_SCHEMA}`", self.schema) });
        }
        check_id(&self.id)?;
        let bytes = self.private_key.strip_prefix("0x").and_then(|h| hex::decode(h).ok()).filter(|b| !b.is_empty());
        bytes.ok_or_else(|| KeyError { field: "private_key", message: "must be 0x followed by hex digits".into() })
    }

    /// Its public part.
    pub fn public(&self) -> Result<PublicSourceKey, KeyError> {
        Ok(PublicSourceKey { id: self.id.clone(), public_key: public_key_hex(&public_key(&self.private_bytes()?)) })
    }
}

/// A number below `2^256` as `0x` and 64 hex digits, big-endian.
pub fn hex_32(value: &BigUint) -> String {
    let bytes = value.to_bytes_be();
    assert!(bytes.len() <= 32, "a number below 2^256");
    format!("0x{}{}", "00".repeat(32 - bytes.len()), hex::encode(bytes))
}

/// The number of `0x` and exactly 64 hex digits, as [`hex_32`] writes it.
pub fn parse_hex_32(text: &str) -> Option<BigUint> {
    let digits = text.strip_prefix("0x").filter(|d| d.len() == 64)?;
    hex::decode(digits).ok().map(|bytes| BigUint::from_bytes_be(&bytes))
}

/// A public key as policies write it: `0x` and 64 hex digits of the packed point.
pub fn public_key_hex(point: &Point) -> String {
    hex_32(&point.pack())
}

/// The curve point of a packed point written as [`public_key_hex`] writes it (a signature's `R8`).
pub fn parse_point(text: &str, field: &'static str) -> Result<Point, KeyError> {
    let refused = |message: &str| KeyError { field, message: format!("`{text}` {message}") };
    let packed = parse_hex_32(text).ok_or_else(|| refused("must be 0x followed by 64 hex digits"))?;
    Point::unpack(&packed).ok_or_else(|| refused("is not a point of Baby Jubjub"))
}

/// The point of a public key written as [`public_key_hex`] writes it: [`Point::unpack_key`]'s
/// (a point of the subgroup of order `l`, not the identity).
pub fn parse_public_key(text: &str) -> Result<Point, KeyError> {
    let point = parse_point(text, "public_key")?;
    Point::unpack_key(&point.pack()).ok_or_else(|| KeyError {
        field: "public_key",
        message: format!("`{text}` is not a key: not a point of the subgroup of order l that Base8 generates, or its identity"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::halo2curves::bn256::Fr;
    use halo2_proofs::halo2curves::ff::Field;

    #[test]
    fn a_key_file_gives_its_public_key_and_the_public_key_parses_back() {
        let key = SourceKey::new("custodian-a", &[7; 32]).unwrap();
        let public = key.public().unwrap();
        assert_eq!(public.id, "custodian-a");
        assert_eq!(parse_public_key(&public.public_key), Ok(public_key(&[7; 32])));
        assert_eq!(SourceKey::new("", &[1]).unwrap_err().field, "id");
        assert_eq!(SourceKey::new(&"x".repeat(32), &[1]).unwrap_err().field, "id");
        let bad = SourceKey { private_key: "0xzz".into(), ..key.clone() };
        assert_eq!(bad.private_bytes().unwrap_err().field, "private_key");
        assert!(parse_public_key("0x12").is_err());
        // Points of the curve outside the subgroup: the identity, the point of order 2, and
        // Base8 plus it (an order 2l point); each unpacks, none is a key.
        let order_two = Point { x: Fr::ZERO, y: -Fr::ONE };
        for point in [Point::IDENTITY, order_two, Point::base8().add(&order_two)] {
            assert!(point.on_curve());
            let text = public_key_hex(&point);
            assert_eq!(parse_point(&text, "r8"), Ok(point));
            let refused = parse_public_key(&text).expect_err("not a key");
            assert!(refused.message.contains("not a point of the subgroup"), "{}", refused.message);
        }
    }
}
