//! Structured reference strings (KZG on BN254, halo2 `SerdeFormat::RawBytes` layout).
//!
//! File layout: `u32 k` (little-endian), `2^k` G1 points `[tau^i]G1`, `2^k` G1 points
//! `[L_i(tau)]G1`, the G2 generator, `[tau]G2`; coordinates 32 bytes little-endian in Montgomery
//! form. [`load`] never trusts a file: it checks the size, that every point is on its curve, the
//! generators, a pairing check of consecutive powers on a random combination, and the Lagrange
//! points against the powers on a random combination.
//!
//! A deterministic [`dev_srs`] (public seed, so anyone knows its `tau`) exists for demos and
//! tests; [`is_dev_srs`] recognises it and attestations made with it are flagged insecure.
#![deny(missing_docs)]
#![deny(unsafe_code)]

use ff::Field;
use group::Curve;
use halo2_proofs::{
    arithmetic::best_multiexp,
    halo2curves::{
        bn256::{Bn256, Fr, G1Affine, G2Affine, G1},
        pairing::Engine,
        serde::SerdeObject,
    },
    poly::{
        commitment::{Params, ParamsProver},
        kzg::commitment::ParamsKZG,
        EvaluationDomain,
    },
    SerdeFormat,
};
use rand::RngCore;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sha2::{Digest, Sha256};
use std::path::Path;

/// KZG parameters on BN254.
pub type Srs = ParamsKZG<Bn256>;

const G1_BYTES: usize = 64;
const G2_BYTES: usize = 128;
/// The largest `k` accepted (BN254's two-adicity allows 28).
pub const MAX_K: u32 = 28;
/// The public seed of the development SRS (anyone can compute its `tau`).
pub const DEV_SEED: [u8; 32] = *b"solvent development SRS INSECURE";

/// Why an SRS file was refused.
#[derive(Debug, thiserror::Error)]
pub enum SrsError {
    /// The file could not be read or written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The file is text (JSON, say: a policy or a verifier.json given as the SRS), not a
    /// ceremony file.
    #[error(
        "this is a text file (it starts with `{0}`), not an SRS: an SRS is a ceremony file in halo2's raw format (4 + 2^(k+7) + 256 bytes)"
    )]
    Text(char),
    /// The file is not as long as its `k` says.
    #[error("file is {actual} bytes; k = {k} needs {expected} (4 + 2^(k+7) + 256)")]
    Size {
        /// The declared `k`.
        k: u32,
        /// Expected size.
        expected: u64,
        /// Actual size.
        actual: u64,
    },
    /// `k` is out of range.
    #[error("k = {0} is out of range (1..={MAX_K})")]
    BadK(u32),
    /// A point does not decode or is not on its curve.
    #[error("{0} is not a valid curve point")]
    BadPoint(String),
    /// A generator is not the standard one.
    #[error("{0} is not the standard generator")]
    NotGenerator(&'static str),
    /// The powers are not consecutive powers of one `tau`.
    #[error("the G1 powers are not consecutive powers of the tau of [tau]G2 (pairing check failed)")]
    PowersMismatch,
    /// The Lagrange points do not match the powers.
    #[error("the Lagrange points do not match the G1 powers")]
    LagrangeMismatch,
    /// A smaller file was asked to grow.
    #[error("this SRS has k = {have} (2^{have} points); the circuit needs k >= {want}: use a ceremony file with at least 2^{want} points (`solvent srs fetch --k {want} --out srs-{want}` downloads and checks one)")]
    CannotDownsize {
        /// The file's `k`.
        have: u32,
        /// The requested `k`.
        want: u32,
    },
}

/// The part of an SRS a KZG verifier uses: `k`, `g[0]`, `g2` and `[tau]G2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifierSrs {
    /// `log2` of the SRS size the proofs were made with.
    pub k: u32,
    /// `[1]G1`.
    pub g0: G1Affine,
    /// `[1]G2`.
    pub g2: G2Affine,
    /// `[tau]G2`.
    pub s_g2: G2Affine,
}

/// Bytes of a serialised [`VerifierSrs`].
pub const VERIFIER_SRS_BYTES: usize = 4 + G1_BYTES + 2 * G2_BYTES;

impl VerifierSrs {
    /// The verifier's part of `srs`.
    pub fn of(srs: &Srs) -> Self {
        VerifierSrs { k: srs.k(), g0: srs.get_g()[0], g2: srs.g2(), s_g2: srs.s_g2() }
    }

    /// The identity of the SRS: SHA-256 of the raw bytes of `g[0]`, `g2` and `[tau]G2`.
    /// Downsizing keeps it (the same ceremony).
    pub fn identity(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.g0.to_raw_bytes());
        hasher.update(self.g2.to_raw_bytes());
        hasher.update(self.s_g2.to_raw_bytes());
        hasher.finalize().into()
    }

    /// Whether this is the development SRS (its `[tau]G2` is that of the public seed).
    pub fn is_dev(&self) -> bool {
        self.s_g2 == (G2Affine::generator() * dev_tau()).to_affine()
    }

    /// KZG parameters holding just these points: enough for `verify_proof`, not for proving.
    pub fn to_params(&self) -> Srs {
        dev_srs(1).from_parts(self.k, vec![self.g0], Some(Vec::new()), self.g2, self.s_g2)
    }

    /// Raw bytes: `k` (u32 little-endian), `g[0]`, `g2`, `[tau]G2`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.k.to_le_bytes().to_vec();
        out.extend(self.g0.to_raw_bytes());
        out.extend(self.g2.to_raw_bytes());
        out.extend(self.s_g2.to_raw_bytes());
        out
    }

    /// Reads [`Self::to_bytes`]'s output, checking the points and the generators.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SrsError> {
        if bytes.len() != VERIFIER_SRS_BYTES {
            return Err(SrsError::Size { k: 0, expected: VERIFIER_SRS_BYTES as u64, actual: bytes.len() as u64 });
        }
        let k = u32::from_le_bytes(bytes[..4].try_into().unwrap());
        if k == 0 || k > MAX_K {
            return Err(SrsError::BadK(k));
        }
        let g0 = g1_at(bytes, 4, "g[0]")?;
        let g2_at = |offset: usize, what: &str| {
            G2Affine::from_raw_bytes(&bytes[offset..offset + G2_BYTES]).ok_or_else(|| SrsError::BadPoint(what.to_string()))
        };
        let g2 = g2_at(4 + G1_BYTES, "g2")?;
        let s_g2 = g2_at(4 + G1_BYTES + G2_BYTES, "[tau]G2")?;
        if g0 != G1Affine::generator() {
            return Err(SrsError::NotGenerator("g[0]"));
        }
        if g2 != G2Affine::generator() {
            return Err(SrsError::NotGenerator("g2"));
        }
        Ok(VerifierSrs { k, g0, g2, s_g2 })
    }
}

/// The identity of an SRS (see [`VerifierSrs::identity`]).
pub fn identity(srs: &Srs) -> [u8; 32] {
    VerifierSrs::of(srs).identity()
}

/// The development SRS's `tau` (public: the SRS is insecure by construction).
fn dev_tau() -> Fr {
    Fr::random(ChaCha20Rng::from_seed(DEV_SEED))
}

/// A deterministic development SRS of size `2^k`. INSECURE: its `tau` is public.
pub fn dev_srs(k: u32) -> Srs {
    ParamsKZG::<Bn256>::setup(k, ChaCha20Rng::from_seed(DEV_SEED))
}

/// Whether `srs` is the development SRS (its `[tau]G2` is that of the public seed).
pub fn is_dev_srs(srs: &Srs) -> bool {
    VerifierSrs::of(srs).is_dev()
}

fn g1_at(bytes: &[u8], index: usize, what: &str) -> Result<G1Affine, SrsError> {
    G1Affine::from_raw_bytes(&bytes[index..index + G1_BYTES]).ok_or_else(|| SrsError::BadPoint(what.to_string()))
}

/// The points of a raw SRS file, decoded and checked for being on their curves.
struct RawPoints {
    k: u32,
    g: Vec<G1Affine>,
    lagrange: Vec<G1Affine>,
    g2: G2Affine,
    s_g2: G2Affine,
}

fn decode(bytes: &[u8]) -> Result<RawPoints, SrsError> {
    // JSON (or any text) read as `k` gives a number like 538,970,747: say what it is instead.
    if let Some(&first) = bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        if matches!(first, b'{' | b'[' | b'"') && bytes.iter().take(4096).all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace()) {
            return Err(SrsError::Text(char::from(first)));
        }
    }
    if bytes.len() < 4 {
        return Err(SrsError::Size { k: 0, expected: 4, actual: bytes.len() as u64 });
    }
    let k = u32::from_le_bytes(bytes[..4].try_into().unwrap());
    if k == 0 || k > MAX_K {
        return Err(SrsError::BadK(k));
    }
    let n = 1usize << k;
    let expected = 4 + 2 * n * G1_BYTES + 2 * G2_BYTES;
    if bytes.len() != expected {
        return Err(SrsError::Size { k, expected: expected as u64, actual: bytes.len() as u64 });
    }
    let mut g = Vec::with_capacity(n);
    let mut lagrange = Vec::with_capacity(n);
    for i in 0..n {
        g.push(g1_at(bytes, 4 + i * G1_BYTES, &format!("g[{i}]"))?);
    }
    for i in 0..n {
        lagrange.push(g1_at(bytes, 4 + (n + i) * G1_BYTES, &format!("g_lagrange[{i}]"))?);
    }
    let g2_at = |offset: usize, what: &str| {
        G2Affine::from_raw_bytes(&bytes[offset..offset + G2_BYTES]).ok_or_else(|| SrsError::BadPoint(what.to_string()))
    };
    let g2 = g2_at(4 + 2 * n * G1_BYTES, "g2")?;
    let s_g2 = g2_at(4 + 2 * n * G1_BYTES + G2_BYTES, "[tau]G2")?;
    Ok(RawPoints { k, g, lagrange, g2, s_g2 })
}

fn random_scalars(n: usize, rng: &mut impl RngCore) -> Vec<Fr> {
    (0..n).map(|_| Fr::random(&mut *rng)).collect()
}

/// Checks the generators, the powers and the Lagrange points (see the crate docs).
fn check(points: &RawPoints) -> Result<(), SrsError> {
    let n = points.g.len();
    if points.g[0] != G1Affine::generator() {
        return Err(SrsError::NotGenerator("g[0]"));
    }
    if points.g2 != G2Affine::generator() {
        return Err(SrsError::NotGenerator("g2"));
    }
    let mut rng = rand::thread_rng();
    // e(sum r_i g[i+1], G2) = e(sum r_i g[i], [tau]G2): every g[i+1] is tau times g[i].
    let r = random_scalars(n - 1, &mut rng);
    let shifted = best_multiexp(&r, &points.g[1..]).to_affine();
    let base = best_multiexp(&r, &points.g[..n - 1]).to_affine();
    if Bn256::pairing(&shifted, &points.g2) != Bn256::pairing(&base, &points.s_g2) {
        return Err(SrsError::PowersMismatch);
    }
    // sum c_i [L_i(tau)] = sum_j ifft(c)_j [tau^j]: the Lagrange points interpolate the powers.
    let c = random_scalars(n, &mut rng);
    let domain = EvaluationDomain::<Fr>::new(1, points.k);
    let coefficients = domain.lagrange_to_coeff(domain.lagrange_from_vec(c.clone()));
    let lhs: G1 = best_multiexp(&c, &points.lagrange);
    let rhs: G1 = best_multiexp(&coefficients[..], &points.g);
    if lhs != rhs {
        return Err(SrsError::LagrangeMismatch);
    }
    Ok(())
}

/// Reads and checks an SRS from raw bytes.
pub fn from_bytes(bytes: &[u8]) -> Result<Srs, SrsError> {
    let points = decode(bytes)?;
    check(&points)?;
    Ok(Srs::read_custom(&mut &bytes[..], SerdeFormat::RawBytesUnchecked)?)
}

/// Reads and checks an SRS file.
pub fn load(path: &Path) -> Result<Srs, SrsError> {
    from_bytes(&std::fs::read(path)?)
}

/// The SRS for `2^k` rows from a larger one.
pub fn downsize(srs: &Srs, k: u32) -> Result<Srs, SrsError> {
    if k > srs.k() || k == 0 {
        return Err(SrsError::CannotDownsize { have: srs.k(), want: k });
    }
    let mut smaller = srs.clone();
    if k < srs.k() {
        smaller.downsize(k);
    }
    Ok(smaller)
}

/// The raw bytes of an SRS.
pub fn to_bytes(srs: &Srs) -> Vec<u8> {
    let mut out = Vec::new();
    srs.write_custom(&mut out, SerdeFormat::RawBytes).expect("writing to memory");
    out
}

/// A ceremony whose files solvent knows: its identity (§9 of docs/design.md: the same at every
/// `k`) and where its files are published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ceremony {
    /// Its short name (`solvent srs fetch --ceremony NAME`).
    pub name: &'static str,
    /// What it is, for people.
    pub title: &'static str,
    /// The identity of its files.
    pub identity: [u8; 32],
    /// The public address of its file of `2^k` points: this prefix, then `k`, then the suffix.
    pub url_prefix: &'static str,
    /// See `url_prefix`.
    pub url_suffix: &'static str,
}

impl Ceremony {
    /// The file name of its `2^k` points (the URL's last part).
    pub fn file_name(&self, k: u32) -> String {
        let name = self.url_prefix.rsplit('/').next().unwrap_or_default();
        format!("{name}{k}{}", self.url_suffix)
    }

    /// The public address of its file of `2^k` points.
    pub fn url(&self, k: u32) -> String {
        format!("{}{k}{}", self.url_prefix, self.url_suffix)
    }
}

/// The ceremonies solvent knows: `srs check` names the one a file belongs to and `srs fetch`
/// downloads their files. The first is the default.
pub const CEREMONIES: [Ceremony; 2] = [
    Ceremony {
        name: "hermez",
        title: "Perpetual Powers of Tau, Hermez's final (hermez-raw-K)",
        identity: hex_word("8861bdc977aa8599068ccdd00f4603bf2ec6e45aa268e2a4f97257a36620b257"),
        url_prefix: "https://trusted-setup-halo2kzg.s3.eu-central-1.amazonaws.com/hermez-raw-",
        url_suffix: "",
    },
    Ceremony {
        name: "axiom",
        title: "Perpetual Powers of Tau as converted by Axiom (kzg_bn254_K.srs)",
        identity: hex_word("4ed1190412912a78f9c597ab63818b0110eb7f0f6edb5504fca5e07884fe0d88"),
        url_prefix: "https://axiom-crypto.s3.amazonaws.com/challenge_0078/kzg_bn254_",
        url_suffix: ".srs",
    },
];

/// The name of the known ceremony with this identity.
pub fn ceremony_of(identity: &[u8; 32]) -> Option<&'static str> {
    CEREMONIES.iter().find(|c| c.identity == *identity).map(|c| c.title)
}

/// The known ceremony of this short name.
pub fn ceremony_named(name: &str) -> Option<&'static Ceremony> {
    CEREMONIES.iter().find(|c| c.name == name)
}

const fn hex_word(text: &str) -> [u8; 32] {
    let bytes = text.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(bytes[2 * i]) * 16 + nibble(bytes[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

/// The two small real ceremony files committed with the source as test fixtures (public data
/// of the Hermez / Perpetual Powers of Tau ceremony and of Axiom's conversion of it, as
/// summa-solvency and zkmove ship them), with their SHA-256 (checked by this crate's tests), so
/// that the test suite runs the same in a plain clone as in CI. Users download larger files.
pub mod fixtures {
    use std::path::PathBuf;

    /// `hermez-raw-11` (k = 11, 262,404 bytes): its SHA-256.
    pub const HERMEZ_RAW_11_SHA256: &str = "c8edbefe1562c50ea105f79d9d49989bcfbf1e6a335b3858d44260e71972b8ee";
    /// `kzg_bn254_12.srs` (k = 12, 524,548 bytes): its SHA-256.
    pub const KZG_BN254_12_SHA256: &str = "cb26878e6e6f36bf68374775e093093074d6fba94805312340d1c1fc85e23661";

    /// The path of a fixture in the source tree (`params/fixtures/NAME`).
    pub fn path(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
    }

    /// The k = 11 Hermez ceremony file.
    pub fn hermez_raw_11() -> PathBuf {
        path("hermez-raw-11")
    }

    /// The k = 12 ceremony file.
    pub fn kzg_bn254_12() -> PathBuf {
        path("kzg_bn254_12.srs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(fixtures::path(name)).unwrap_or_else(|e| panic!("the committed fixture {name}: {e}"))
    }

    #[test]
    fn the_committed_ceremony_fixtures_are_the_published_files() {
        use sha2::Digest;
        for (name, digest) in [("hermez-raw-11", fixtures::HERMEZ_RAW_11_SHA256), ("kzg_bn254_12.srs", fixtures::KZG_BN254_12_SHA256)] {
            let hash = sha2::Sha256::digest(fixture(name));
            let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(hex, digest, "{name}");
        }
    }

    #[test]
    fn real_ceremony_files_pass_every_check() {
        for (name, k) in [("hermez-raw-11", 11), ("kzg_bn254_12.srs", 12)] {
            let bytes = fixture(name);
            let srs = from_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(srs.k(), k);
            assert!(!is_dev_srs(&srs));
            assert_eq!(to_bytes(&srs), bytes, "{name} round-trips");
        }
    }

    #[test]
    fn the_two_ceremonies_have_different_identities_and_are_named() {
        let (a, b) = (fixture("hermez-raw-11"), fixture("kzg_bn254_12.srs"));
        let (a, b) = (identity(&from_bytes(&a).unwrap()), identity(&from_bytes(&b).unwrap()));
        assert_ne!(a, b);
        assert!(ceremony_of(&a).unwrap().contains("Hermez"));
        assert!(ceremony_of(&b).unwrap().contains("Axiom"));
        assert_eq!(ceremony_of(&identity(&dev_srs(4))), None);
    }

    #[test]
    fn a_json_file_given_as_the_srs_says_so() {
        for text in ["{\"schema\": \"solvent/policy/v1\"}", "  [1, 2]", "\"x\""] {
            let error = from_bytes(text.as_bytes()).unwrap_err();
            assert!(matches!(error, SrsError::Text(_)), "{text}: {error}");
            assert!(error.to_string().contains("not an SRS"), "{error}");
        }
    }

    #[test]
    fn corrupted_copies_are_refused() {
        let bytes = fixture("hermez-raw-11");
        let n = 1usize << 11;
        // A truncated file.
        assert!(matches!(from_bytes(&bytes[..bytes.len() - 1]), Err(SrsError::Size { .. })));
        // A point moved off its curve.
        let mut bad = bytes.clone();
        bad[4 + 100 * G1_BYTES + 5] ^= 1;
        assert!(matches!(from_bytes(&bad), Err(SrsError::BadPoint(_))));
        // A valid point in the wrong place: g[7] replaced by g[8].
        let mut swapped = bytes.clone();
        let (a, b) = (4 + 7 * G1_BYTES, 4 + 8 * G1_BYTES);
        let g8 = bytes[b..b + G1_BYTES].to_vec();
        swapped[a..a + G1_BYTES].copy_from_slice(&g8);
        assert!(matches!(from_bytes(&swapped), Err(SrsError::PowersMismatch)));
        // A Lagrange point replaced by a power.
        let mut lagrange = bytes.clone();
        let l = 4 + (n + 3) * G1_BYTES;
        lagrange[l..l + G1_BYTES].copy_from_slice(&g8);
        assert!(matches!(from_bytes(&lagrange), Err(SrsError::LagrangeMismatch)));
        // Another [tau]G2 (the development one).
        let mut other_tau = bytes.clone();
        let dev = dev_srs(1);
        let at = 4 + 2 * n * G1_BYTES + G2_BYTES;
        other_tau[at..at + G2_BYTES].copy_from_slice(&dev.s_g2().to_raw_bytes());
        assert!(matches!(from_bytes(&other_tau), Err(SrsError::PowersMismatch)));
    }

    #[test]
    fn downsized_ceremony_keeps_its_identity_and_passes_checks() {
        let bytes = fixture("kzg_bn254_12.srs");
        let srs = from_bytes(&bytes).unwrap();
        let small = downsize(&srs, 10).unwrap();
        assert_eq!(small.k(), 10);
        let reread = from_bytes(&to_bytes(&small)).unwrap();
        assert_eq!(identity(&reread), identity(&srs));
        assert!(downsize(&srs, 13).is_err());
    }

    #[test]
    fn development_srs_is_deterministic_valid_and_recognised() {
        let a = dev_srs(5);
        assert_eq!(to_bytes(&a), to_bytes(&dev_srs(5)));
        assert!(is_dev_srs(&a));
        let checked = from_bytes(&to_bytes(&a)).unwrap();
        assert!(is_dev_srs(&checked));
        assert_eq!(identity(&checked), identity(&downsize(&dev_srs(6), 5).unwrap()));
    }
}
