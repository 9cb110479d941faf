//! The canonical field encoding of policies and portfolios, and the portfolio commitment
//! (encoding v2).
//!
//! `docs/design.md` restates this for outside implementers. Every value becomes one BN254 scalar:
//! a scaled integer `x` becomes `x mod p` (so `-1` is `p - 1`); a name of `n <= 31` UTF-8 bytes
//! becomes `n * 2^248 + int.from_bytes(name, "big")`; an unbounded tier bound becomes `2^100`
//! (no valid bound reaches `10^19`). Portfolio amounts are packed three to an element.

use crate::poseidon::sponge;
use ff::{Field, PrimeField};
use halo2_proofs::halo2curves::bn256::Fr;
use solvent_model::{Policy, Portfolio};

/// The field element of a signed integer (`p - |x|` for negative `x`).
pub fn field_from_i128(x: i128) -> Fr {
    let magnitude = Fr::from_u128(x.unsigned_abs());
    if x < 0 {
        -magnitude
    } else {
        magnitude
    }
}

/// The field element of a big integer of magnitude below the modulus.
pub fn field_from_bigint(x: &num_bigint::BigInt) -> Fr {
    let (sign, bytes) = x.to_bytes_le();
    let mut acc = Fr::ZERO;
    let mut base = Fr::ONE;
    for b in bytes {
        acc += base * Fr::from(u64::from(b));
        base *= Fr::from(256);
    }
    if sign == num_bigint::Sign::Minus {
        -acc
    } else {
        acc
    }
}

/// The running sums `z_0..=z_n` of a decomposition of `x` into `bytes` bytes (`z_n` is 0 when
/// `x < 2^(8n)`).
pub fn running_sums(x: Fr, bytes: usize) -> Vec<Fr> {
    let inv256 = Fr::from(256).invert().unwrap();
    let mut z = Vec::with_capacity(bytes + 1);
    let mut current = x;
    for _ in 0..bytes {
        z.push(current);
        let low = Fr::from(u64::from(ff::PrimeField::to_repr(&current)[0]));
        current = (current - low) * inv256;
    }
    z.push(current);
    z
}

/// Domain tag of portfolio commitments (as a name).
pub const PORTFOLIO_DOMAIN: &str = "solvent/portfolio/v2";
/// Domain tag of the digest of a policy's names (as a name).
pub const NAMES_DOMAIN: &str = "solvent/names/v2";
/// The bound that stands for an unbounded (`null`) last tier, at 8 fractional digits.
pub const UNBOUNDED_UP_TO: i128 = 1 << 100;
/// The position limit or add-on threshold that stands for none, at 8 fractional digits
/// (`2^64 - 1`: every position's magnitude is below it).
pub const NO_POSITION_LIMIT: i128 = (1 << 64) - 1;
/// Bits of the net delta limit that stands for none, at 16 fractional digits (`2^160`: every
/// net delta's magnitude is below `2^144`).
pub const NO_NET_DELTA_LIMIT_BITS: u64 = 160;
/// Bytes of randomness in a portfolio commitment's salt.
pub const SALT_BYTES: usize = 31;
/// Bits between the values packed into one element (each value's magnitude is below `2^64`).
pub const PACKING_BITS: u32 = 72;
/// Values packed into one element.
pub const PACKED: usize = 3;

pub use solvent_statement::{Shape, ENCODING_VERSION};

/// The shape as one field element: `A + T * 2^32 + I * 2^64 + S * 2^96 + X * 2^128`, with
/// `X` = [`Shape::limits_number`] (0 without limits and `1 + U` with them), plus with signed
/// holdings `K * 2^160 + n_st * 2^192 + n_it * 2^224` (each count below `2^29`).
pub fn shape_to_field(shape: &Shape) -> Fr {
    let word =
        shape.assets as u128 + ((shape.tiers as u128) << 32) + ((shape.instruments as u128) << 64) + ((shape.scenarios as u128) << 96);
    let high = Fr::from_u128(1 << 64).square();
    let signed = shape.signed.map_or(Fr::ZERO, |signed| {
        let counts = signed.sources as u128 + ((signed.statements as u128) << 32) + ((signed.items as u128) << 64);
        Fr::from_u128(counts) * high * Fr::from_u128(1 << 32)
    });
    Fr::from_u128(word) + Fr::from(shape.limits_number() as u64) * high + signed
}

/// The field element of a name of at most 31 bytes: `len * 2^248 + big-endian bytes`.
pub fn name_to_field(name: &str) -> Fr {
    let bytes = name.as_bytes();
    assert!(bytes.len() <= 31, "names are at most 31 bytes");
    let mut repr = [0u8; 32];
    for (i, b) in bytes.iter().rev().enumerate() {
        repr[i] = *b;
    }
    repr[31] = bytes.len() as u8;
    Fr::from_repr(repr).expect("below the modulus")
}

/// The field element of a 160-bit account.
pub fn account_to_field(account: &[u8; 20]) -> Fr {
    let mut repr = [0u8; 32];
    for (i, b) in account.iter().rev().enumerate() {
        repr[i] = *b;
    }
    Fr::from_repr(repr).expect("below the modulus")
}

/// The field element of a 31-byte salt (little-endian).
pub fn salt_to_field(salt: &[u8; SALT_BYTES]) -> Fr {
    let mut repr = [0u8; 32];
    repr[..SALT_BYTES].copy_from_slice(salt);
    Fr::from_repr(repr).expect("below the modulus")
}

/// Packs signed values of magnitude below `2^64`, three to an element:
/// `v_0 + v_1 * 2^72 + v_2 * 2^144` (a missing last value is 0). The packing is injective on such
/// values: the integer sum is below `2^217` in magnitude, far from wrapping the field, and each
/// value is recovered from its 72-bit slot.
pub fn pack(values: &[i128]) -> Vec<Fr> {
    let shift = Fr::from_u128(1u128 << PACKING_BITS);
    values.chunks(PACKED).map(|chunk| chunk.iter().rev().fold(Fr::ZERO, |acc, v| acc * shift + field_from_i128(*v))).collect()
}

/// The limits of risk model v2 as the circuit reads them, none standing for a bound that always
/// holds (`docs/design.md` §6.1).
pub mod limits {
    use super::*;
    use solvent_model::RATIO_SCALE;

    /// An instrument's position limit (8 digits).
    pub fn position_limit(policy: &Policy, i: usize) -> Fr {
        field_from_i128(policy.instruments[i].limits.max_abs_position.unwrap_or(NO_POSITION_LIMIT))
    }

    /// An instrument's add-on threshold as an integer (8 digits; none is [`NO_POSITION_LIMIT`]).
    pub fn threshold_value(policy: &Policy, i: usize) -> i128 {
        policy.instruments[i].limits.large_position.map_or(NO_POSITION_LIMIT, |lp| lp.threshold)
    }

    /// An instrument's add-on threshold (8 digits).
    pub fn threshold(policy: &Policy, i: usize) -> Fr {
        field_from_i128(threshold_value(policy, i))
    }

    /// An instrument's add-on rate (8 digits; 0 without an add-on).
    pub fn rate(policy: &Policy, i: usize) -> Fr {
        field_from_i128(policy.instruments[i].limits.large_position.map_or(0, |lp| lp.rate))
    }

    /// An asset's concentration cap (6 digits; none is 1).
    pub fn max_share(policy: &Policy, a: usize) -> Fr {
        field_from_i128(policy.assets[a].max_share.unwrap_or(RATIO_SCALE))
    }

    /// An underlying's net delta limit at 16 digits (none is `2^160`).
    pub fn net_delta_limit(policy: &Policy, u: usize) -> Fr {
        match policy.underlyings[u].max_net_delta {
            Some(limit) => field_from_i128(limit * solvent_model::AMOUNT_SCALE),
            None => Fr::from(2).pow([NO_NET_DELTA_LIMIT_BITS]),
        }
    }

    /// The oracle's `prices_at` (`effective_at` without an oracle).
    pub fn prices_at(policy: &Policy) -> Fr {
        Fr::from(policy.oracle.map_or(policy.effective_at, |o| o.prices_at))
    }

    /// The buffer per hour (6 digits; 0 without an oracle).
    pub fn buffer_per_hour(policy: &Policy) -> Fr {
        field_from_i128(policy.oracle.map_or(0, |o| o.buffer_per_hour))
    }
}

/// The tier bounds and weights of an asset padded to `tiers`, bounds with `null` as
/// [`UNBOUNDED_UP_TO`].
pub fn padded_tiers(policy: &Policy, asset: usize, tiers: usize) -> Vec<(i128, i128)> {
    let mut out: Vec<(i128, i128)> = policy.assets[asset].tiers.iter().map(|t| (t.up_to.unwrap_or(UNBOUNDED_UP_TO), t.weight)).collect();
    let last = out.last().expect("assets have tiers").0;
    out.resize(tiers, (last, 0));
    out
}

/// The digest of everything in a policy that only names things (the claims never use it):
/// the sponge from `[NAMES_DOMAIN, number of names, 0]` over the policy id, the scenario names,
/// the asset ids and the instrument ids. It is one value of the public column, so the policy
/// commitment covers the names.
pub fn names_digest(policy: &Policy) -> Fr {
    let names: Vec<Fr> = std::iter::once(policy.id.as_str())
        .chain(policy.scenarios.iter().map(String::as_str))
        .chain(policy.assets.iter().map(|a| a.id.as_str()))
        .chain(policy.instruments.iter().map(|i| i.id.as_str()))
        .chain(policy.underlyings.iter().map(|u| u.id.as_str()))
        .map(name_to_field)
        .collect();
    sponge([name_to_field(NAMES_DOMAIN), Fr::from(names.len() as u64), Fr::ZERO], &names)
}

/// The sponge's initial state for a portfolio commitment of `shape`: the domain tag and the
/// shape, so that portfolios of different shapes never share an input sequence.
pub fn portfolio_initial_state(shape: Shape) -> [Fr; 3] {
    [name_to_field(PORTFOLIO_DOMAIN), shape_to_field(&shape), Fr::ZERO]
}

/// The portfolio's canonical sequence: account, snapshot time, the packed balances, the packed
/// debts, the packed positions (policy order, absent = 0), salt.
pub fn portfolio_elements(portfolio: &Portfolio, snapshot_time: u64, salt: &[u8; SALT_BYTES]) -> Vec<Fr> {
    let mut out = vec![account_to_field(&portfolio.account), Fr::from(snapshot_time)];
    out.extend(pack(&portfolio.balances));
    out.extend(pack(&portfolio.debts));
    out.extend(pack(&portfolio.positions));
    out.push(salt_to_field(salt));
    out
}

/// `portfolio_commitment`: the sponge of the portfolio's canonical sequence from the shape's
/// initial state.
pub fn portfolio_commitment(shape: Shape, portfolio: &Portfolio, snapshot_time: u64, salt: &[u8; SALT_BYTES]) -> Fr {
    sponge(portfolio_initial_state(shape), &portfolio_elements(portfolio, snapshot_time, salt))
}

/// The three public inputs an attestation states. The public column holds them in two values:
/// the portfolio commitment, and `account + 2^160 * snapshot_time` (both below `2^224`, so the
/// packing is injective).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicInputs {
    /// `portfolio_commitment`.
    pub portfolio_commitment: Fr,
    /// `account`.
    pub account: Fr,
    /// `snapshot_time`.
    pub snapshot_time: Fr,
}

impl PublicInputs {
    /// Values they take in the public column.
    pub const LEN: usize = 2;

    /// In order: commitment, account, snapshot time.
    pub fn to_array(&self) -> [Fr; 3] {
        [self.portfolio_commitment, self.account, self.snapshot_time]
    }

    /// The public column's values: the commitment, and `account + 2^160 * time`.
    pub fn column_values(&self) -> [Fr; 2] {
        [self.portfolio_commitment, pack_account_and_time(self.account, self.snapshot_time)]
    }
}

/// `account + 2^160 * time`.
pub fn pack_account_and_time(account: Fr, time: Fr) -> Fr {
    account + Fr::from(2).pow([160]) * time
}

/// Hex of a field element's canonical big-endian bytes, `0x`-prefixed (how attestations print it).
pub fn field_to_hex(x: &Fr) -> String {
    let mut repr = x.to_repr();
    repr.as_mut().reverse();
    let mut out = String::from("0x");
    for b in repr.as_ref() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Parses a `0x` and 64 hex digits (either case) below the modulus, the number's value (so
/// `0xAB..` and `0xab..` are the same element).
pub fn field_from_hex(text: &str) -> Option<Fr> {
    let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"))?;
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut repr = [0u8; 32];
    for i in 0..32 {
        repr[31 - i] = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Option::from(Fr::from_repr(repr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::span_witness;

    #[test]
    fn names_encode_their_length_and_bytes() {
        assert_eq!(name_to_field(""), Fr::ZERO);
        assert_eq!(name_to_field("A"), Fr::from(65) + Fr::from(2).pow([248]));
        assert_ne!(name_to_field("A"), name_to_field("\0A"));
    }

    #[test]
    fn field_hex_round_trips_in_either_case_and_refuses_non_canonical_values() {
        let x = names_digest(&span_witness().policy);
        assert_eq!(field_from_hex(&field_to_hex(&x)), Some(x));
        assert_eq!(field_from_hex(&field_to_hex(&x).to_uppercase().replacen("0X", "0x", 1)), Some(x));
        assert_eq!(field_to_hex(&Fr::from(1)), format!("0x{}1", "0".repeat(63)));
        let modulus = "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
        assert_eq!(field_from_hex(modulus), None);
        assert_eq!(field_from_hex("0x12"), None);
    }

    #[test]
    fn packing_is_three_signed_values_in_72_bit_slots() {
        let shift = Fr::from_u128(1 << 72);
        assert_eq!(pack(&[1, 2, 3]), vec![Fr::from(1) + Fr::from(2) * shift + Fr::from(3) * shift * shift]);
        assert_eq!(pack(&[-1, 0, 0, 5]), vec![-Fr::ONE, Fr::from(5)]);
        // Injective only for magnitudes below 2^64 (which the circuit range-checks): -1 borrows
        // from the next slot, like a value of 2^72 - 1 would.
        assert_ne!(pack(&[-1, 1, 0]), pack(&[1, -1, 0]));
        assert_eq!(pack(&[-1, 1, 0]), pack(&[(1 << 72) - 1, 0, 0]));
        assert_eq!(pack(&[]), Vec::<Fr>::new());
    }

    #[test]
    fn pinned_commitment_of_the_span_example() {
        let w = span_witness();
        let shape = w.policy.shape();
        assert_eq!(field_to_hex(&portfolio_commitment(shape, &w.portfolio, w.snapshot_time, &w.salt)), PINNED_SPAN_COMMITMENT);
    }

    /// The commitment of the SPAN example's portfolio (`testing::span_witness`), pinned so a
    /// change of encoding is noticed.
    const PINNED_SPAN_COMMITMENT: &str = "0x0fed10298465b68ef54c9065cf1e06ff5bfd5ef123dc6a39c1d7a2a8f6f8faf8";

    #[test]
    fn the_shape_is_bound_into_the_commitment() {
        // No instrument and salt 5, against one instrument at 0.00000005 and salt 0: the two
        // sequences absorb the same blocks (the first one's zero padding is the second one's
        // salt), so only the shape in the initial state tells them apart.
        let w = span_witness();
        let mut none = w.portfolio.clone();
        none.positions = vec![];
        let mut one = w.portfolio.clone();
        one.positions = vec![5];
        let mut salt = [0u8; SALT_BYTES];
        salt[0] = 5;
        let (a, b) = (portfolio_elements(&none, 1, &salt), portfolio_elements(&one, 1, &[0; SALT_BYTES]));
        let padded = |mut v: Vec<Fr>| {
            v.resize(v.len().div_ceil(2) * 2, Fr::ZERO);
            v
        };
        assert_eq!(padded(a), padded(b), "the same absorbed blocks");
        let shape = w.policy.shape();
        assert_ne!(
            portfolio_commitment(Shape { instruments: 0, ..shape }, &none, 1, &salt),
            portfolio_commitment(Shape { instruments: 1, ..shape }, &one, 1, &[0; SALT_BYTES])
        );
        // Signed holdings' slots are part of the shape word, each count in its own place.
        let signed = |sources, statements, items| {
            shape_to_field(&shape.with_signed(Some(solvent_statement::SignedShape { sources, statements, items })))
        };
        let words = [shape_to_field(&shape), signed(1, 0, 0), signed(0, 1, 0), signed(0, 0, 1), signed(1, 1, 1)];
        for (i, a) in words.iter().enumerate() {
            assert!(words[i + 1..].iter().all(|b| a != b));
        }
    }
}
