//! The canonical field encoding of policies and portfolios, and their hashes (encoding v1).
//!
//! `docs/encoding.md` restates this for outside implementers. In short, every value becomes one
//! BN254 scalar: a scaled integer `x` becomes `x mod p` (so `-1` is `p - 1`); a name of `n <= 31`
//! UTF-8 bytes becomes `n * 2^248 + int.from_bytes(name, "big")`; an unbounded tier bound
//! becomes `2^100` (no valid bound reaches `10^19`). The sequences below are hashed with
//! [`crate::poseidon::sponge`] under the domain tags [`POLICY_DOMAIN`] and [`PORTFOLIO_DOMAIN`].

use crate::context::field_from_i128;
use crate::poseidon::sponge;
use ff::PrimeField;
use halo2_proofs::halo2curves::bn256::Fr;
use solvent_model::{Policy, Portfolio};

/// Version of this encoding (the first element of a policy's sequence).
pub const ENCODING_VERSION: u64 = 1;
/// Domain tag of policy hashes (as a name).
pub const POLICY_DOMAIN: &str = "solvent/policy/v1";
/// Domain tag of portfolio commitments (as a name).
pub const PORTFOLIO_DOMAIN: &str = "solvent/portfolio/v1";
/// Domain tag of the digest of a policy's names (as a name).
pub const NAMES_DOMAIN: &str = "solvent/names/v1";
/// The bound that stands for an unbounded (`null`) last tier, at 8 fractional digits.
pub const UNBOUNDED_UP_TO: i128 = 1 << 100;
/// Bytes of randomness in a portfolio commitment's salt.
pub const SALT_BYTES: usize = 31;

/// The circuit shape a policy needs: its counts (tiers: the most of any asset).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    /// Number of assets.
    pub assets: usize,
    /// Haircut tiers per asset (assets with fewer are padded).
    pub tiers: usize,
    /// Number of instruments.
    pub instruments: usize,
    /// Number of scenarios.
    pub scenarios: usize,
}

impl Shape {
    /// The shape of `policy`.
    pub fn of(policy: &Policy) -> Shape {
        Shape {
            assets: policy.assets.len(),
            tiers: policy.max_tiers(),
            instruments: policy.instruments.len(),
            scenarios: policy.scenarios.len(),
        }
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}a{}t{}i{}s", self.assets, self.tiers, self.instruments, self.scenarios)
    }
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

/// What one element of a policy's sequence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyField {
    /// [`ENCODING_VERSION`].
    Version,
    /// Number of assets.
    AssetCount,
    /// Tiers per asset.
    TierCount,
    /// Number of instruments.
    InstrumentCount,
    /// Number of scenarios.
    ScenarioCount,
    /// The digest of the policy's names (see [`names_digest`]).
    NamesDigest,
    /// `effective_at`.
    EffectiveAt,
    /// `expires_at`.
    ExpiresAt,
    /// `margin_ratio` (6 digits).
    MarginRatio,
    /// `collateral_ratio` (6 digits).
    CollateralRatio,
    /// An asset's price (8 digits).
    Price(usize),
    /// An asset's debt margin rate (6 digits).
    DebtMarginRate(usize),
    /// A tier's bound (8 digits; padded tiers repeat the last bound).
    UpTo(usize, usize),
    /// A tier's weight (6 digits; padded tiers weigh 0).
    Weight(usize, usize),
    /// An instrument's short option minimum (8 digits).
    ShortOptionMinimum(usize),
    /// An instrument's loss in a scenario (8 digits, signed).
    ScenarioLoss(usize, usize),
}

/// The tier bounds and weights of an asset padded to `tiers`, bounds with `null` as
/// [`UNBOUNDED_UP_TO`].
pub fn padded_tiers(policy: &Policy, asset: usize, tiers: usize) -> Vec<(i128, i128)> {
    let mut out: Vec<(i128, i128)> =
        policy.assets[asset].tiers.iter().map(|t| (t.up_to.unwrap_or(UNBOUNDED_UP_TO), t.weight)).collect();
    let last = out.last().expect("assets have tiers").0;
    out.resize(tiers, (last, 0));
    out
}

/// The digest of everything in a policy that only names things (the claims never use it):
/// `H("solvent/names/v1", [policy id, scenario names, asset ids, instrument ids])`. Hashing the
/// names outside the circuit keeps them out of the prover's work; the circuit binds the digest.
pub fn names_digest(policy: &Policy) -> Fr {
    let names = std::iter::once(policy.id.as_str())
        .chain(policy.scenarios.iter().map(String::as_str))
        .chain(policy.assets.iter().map(|a| a.id.as_str()))
        .chain(policy.instruments.iter().map(|i| i.id.as_str()));
    let values: Vec<Fr> = names.map(name_to_field).collect();
    sponge(name_to_field(NAMES_DOMAIN), &values)
}

/// The policy's canonical sequence: each element with what it is, in hashing order.
pub fn policy_fields(policy: &Policy) -> Vec<(PolicyField, Fr)> {
    use PolicyField::*;
    let shape = Shape::of(policy);
    let mut out = vec![
        (Version, Fr::from(ENCODING_VERSION)),
        (AssetCount, Fr::from(shape.assets as u64)),
        (TierCount, Fr::from(shape.tiers as u64)),
        (InstrumentCount, Fr::from(shape.instruments as u64)),
        (ScenarioCount, Fr::from(shape.scenarios as u64)),
        (NamesDigest, names_digest(policy)),
        (EffectiveAt, Fr::from(policy.effective_at)),
        (ExpiresAt, Fr::from(policy.expires_at)),
        (MarginRatio, field_from_i128(policy.margin_ratio)),
        (CollateralRatio, field_from_i128(policy.collateral_ratio)),
    ];
    for (a, asset) in policy.assets.iter().enumerate() {
        out.push((Price(a), field_from_i128(asset.price)));
        out.push((DebtMarginRate(a), field_from_i128(asset.debt_margin_rate)));
        for (k, (up_to, weight)) in padded_tiers(policy, a, shape.tiers).into_iter().enumerate() {
            out.push((UpTo(a, k), field_from_i128(up_to)));
            out.push((Weight(a, k), field_from_i128(weight)));
        }
    }
    for (i, inst) in policy.instruments.iter().enumerate() {
        out.push((ShortOptionMinimum(i), field_from_i128(inst.short_option_minimum)));
        for (s, loss) in inst.scenario_loss.iter().enumerate() {
            out.push((ScenarioLoss(i, s), field_from_i128(*loss)));
        }
    }
    out
}

/// `policy_hash`: the sponge of the policy's canonical sequence.
pub fn policy_hash(policy: &Policy) -> Fr {
    let values: Vec<Fr> = policy_fields(policy).into_iter().map(|(_, v)| v).collect();
    sponge(name_to_field(POLICY_DOMAIN), &values)
}

/// The portfolio's canonical sequence: account, snapshot time, balances, debts, positions
/// (policy order, absent = 0), salt.
pub fn portfolio_elements(portfolio: &Portfolio, snapshot_time: u64, salt: &[u8; SALT_BYTES]) -> Vec<Fr> {
    let mut out = vec![account_to_field(&portfolio.account), Fr::from(snapshot_time)];
    out.extend(portfolio.balances.iter().map(|b| field_from_i128(*b)));
    out.extend(portfolio.debts.iter().map(|d| field_from_i128(*d)));
    out.extend(portfolio.positions.iter().map(|q| field_from_i128(*q)));
    out.push(salt_to_field(salt));
    out
}

/// `portfolio_commitment`: the sponge of the portfolio's canonical sequence.
pub fn portfolio_commitment(portfolio: &Portfolio, snapshot_time: u64, salt: &[u8; SALT_BYTES]) -> Fr {
    sponge(name_to_field(PORTFOLIO_DOMAIN), &portfolio_elements(portfolio, snapshot_time, salt))
}

/// The four public inputs, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicInputs {
    /// `policy_hash`.
    pub policy_hash: Fr,
    /// `portfolio_commitment`.
    pub portfolio_commitment: Fr,
    /// `account`.
    pub account: Fr,
    /// `snapshot_time`.
    pub snapshot_time: Fr,
}

impl PublicInputs {
    /// As the instance column's values.
    pub fn to_vec(&self) -> Vec<Fr> {
        vec![self.policy_hash, self.portfolio_commitment, self.account, self.snapshot_time]
    }
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

/// Parses [`field_to_hex`]'s output (64 hex digits), refusing values not below the modulus.
pub fn field_from_hex(text: &str) -> Option<Fr> {
    let hex = text.strip_prefix("0x")?;
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
    use crate::testing::{span_witness, SPAN_POLICY};
    use ff::Field;

    #[test]
    fn names_encode_their_length_and_bytes() {
        assert_eq!(name_to_field(""), Fr::ZERO);
        assert_eq!(name_to_field("A"), Fr::from(65) + Fr::from(2).pow([248]));
        assert_ne!(name_to_field("A"), name_to_field("\0A"));
    }

    #[test]
    fn field_hex_round_trips_and_refuses_non_canonical_values() {
        let x = policy_hash(&span_witness().policy);
        assert_eq!(field_from_hex(&field_to_hex(&x)), Some(x));
        assert_eq!(field_to_hex(&Fr::from(1)), format!("0x{}1", "0".repeat(63)));
        let modulus = "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
        assert_eq!(field_from_hex(modulus), None);
        assert_eq!(field_from_hex("0x12"), None);
    }

    #[test]
    fn pinned_policy_hash_and_commitment_of_the_span_example() {
        let w = span_witness();
        assert_eq!(field_to_hex(&policy_hash(&w.policy)), "0x18164be417dddfef5d383636b5cf0686d5f01f07a626da088dce64fce1ef9e09");
        assert_eq!(
            field_to_hex(&portfolio_commitment(&w.portfolio, w.snapshot_time, &w.salt)),
            "0x2a199d4425fe4ad858bb618834b353248a0b1fad6f6c3e6427ea03643a4d40fc"
        );
    }

    #[test]
    fn every_policy_value_changes_the_hash() {
        let base = policy_hash(&span_witness().policy);
        let edits = [
            ("\"span\"", "\"spam\""),
            ("100, \"expires_at\"", "101, \"expires_at\""),
            ("\"px -10%\"", "\"px -11%\""),
            ("\"20000\"", "\"20000.00000001\""),
            ("\"0.05\"", "\"0.050001\""),
            ("\"100000\"", "\"100001\""),
            ("\"0.9\"", "\"0.900001\""),
            ("\"2100\"", "\"2100.00000001\""),
            ("\"200\"}", "\"201\"}"),
            ("\"1.5\"", "\"1.500001\""),
            ("\"BTC-PERP\"", "\"ETH-PERP\""),
        ];
        for (from, to) in edits {
            assert!(SPAN_POLICY.contains(from), "{from}");
            let policy = Policy::from_json(&SPAN_POLICY.replacen(from, to, 1)).unwrap();
            assert_ne!(policy_hash(&policy), base, "editing {from} kept the hash");
        }
    }
}
