//! The key cache: proving, verifying and verifier keys per circuit version, shape, `k` and SRS
//! identity; and policy commitments per policy content, SRS identity and `k`.

use crate::error::Error;
use halo2_proofs::{
    halo2curves::bn256::G1Affine,
    plonk::{keygen_pk, keygen_vk_custom, ProvingKey, VerifyingKey},
    SerdeFormat,
};
use sha2::{Digest, Sha256};
use solvent_circuits::{public::policy_columns, AttestationCircuit, Dims, Shape, CIRCUIT_VERSION};
use solvent_model::Policy;
use solvent_params::{Srs, VerifierSrs};
use solvent_verifier::{
    attestation::encode_hex,
    commitment::{policy_commitment, PolicyCommitment},
    verify::{read_vk, vk_hash},
};
use solvent_verifier_wasm::key::VerifierKey;
use std::path::{Path, PathBuf};

/// Keys for one circuit shape under one SRS.
pub struct Keys {
    /// The proving key.
    pub pk: ProvingKey<G1Affine>,
    /// The SRS points a verifier needs.
    pub srs: VerifierSrs,
    /// The circuit's dimensions.
    pub dims: Dims,
    /// The key every solvent verifier reads (native, wasm, Solidity).
    pub verifier_key: VerifierKey,
}

impl Keys {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.pk.get_vk()
    }

    /// SHA-256 of the verifying key.
    pub fn vk_hash(&self) -> [u8; 32] {
        vk_hash(self.vk())
    }

    /// What a verifier needs.
    pub fn verifier(&self) -> VerifierKeys {
        VerifierKeys { key: self.verifier_key.clone(), vk_hash: self.vk_hash(), srs: self.srs, dims: self.dims }
    }
}

/// What a verifier needs of a circuit's keys.
#[derive(Clone, Debug)]
pub struct VerifierKeys {
    /// The verifier key.
    pub key: VerifierKey,
    /// SHA-256 of the verifying key.
    pub vk_hash: [u8; 32],
    /// The SRS points.
    pub srs: VerifierSrs,
    /// The circuit's dimensions.
    pub dims: Dims,
}

/// A folder of cached keys.
#[derive(Clone, Debug)]
pub struct KeyStore {
    /// The folder.
    pub dir: PathBuf,
}

/// The default cache folder: `$SOLVENT_KEYS`, else `$XDG_CACHE_HOME/solvent`, else
/// `~/.cache/solvent`.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SOLVENT_KEYS") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("solvent")
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |error| Error::Io { file: path.display().to_string(), error }
}

/// Generates the keys of a shape (selectors compressed into fixed columns); `srs` must have the
/// circuit's `k`.
pub fn generate(shape: Shape, srs: &Srs) -> Result<Keys, Error> {
    let circuit = AttestationCircuit::for_shape(shape);
    let vk = keygen_vk_custom(srs, &circuit, true).map_err(|e| Error::Proof(format!("keygen: {e:?}")))?;
    let verifier_key = solvent_verifier::key::verifier_key(srs, &vk);
    let pk = keygen_pk(srs, vk, &circuit).map_err(|e| Error::Proof(format!("keygen: {e:?}")))?;
    Ok(Keys { pk, srs: VerifierSrs::of(srs), dims: circuit.dims(), verifier_key })
}

/// The cache key of a policy's commitment: SHA-256 of its public columns' values.
fn policy_digest(policy: &Policy, dims: &Dims) -> String {
    let mut hasher = Sha256::new();
    for column in policy_columns(policy, dims) {
        hasher.update((column.len() as u64).to_le_bytes());
        for value in column {
            hasher.update(ff::PrimeField::to_repr(&value));
        }
    }
    encode_hex(&hasher.finalize())[2..].to_string()
}

/// Where [`KeyStore::load_or_generate`]'s keys came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// The cache, intact.
    Cached,
    /// Generated, as the cache had none (then cached).
    Generated,
    /// Generated again, as the cached ones were damaged (the reason); then cached.
    Regenerated(String),
}

/// The files of a cache entry; `manifest.json` (their SHA-256 hashes) is written last.
const KEY_FILES: [&str; 4] = ["pk.bin", "verifier.key", "srs.bin", "vk.bin"];
/// The files a verifier reads.
const VERIFIER_FILES: [&str; 3] = ["verifier.key", "srs.bin", "vk.bin"];
const MANIFEST: &str = "manifest.json";

/// Why a cache entry cannot be used.
enum Unusable {
    /// There is none.
    Absent,
    /// It is there but damaged: which file, and how.
    Damaged(String),
}

/// The entry's files in `names`, each checked against the manifest's SHA-256 hash.
fn read_checked(dir: &Path, names: &[&str]) -> Result<Vec<Vec<u8>>, Unusable> {
    let manifest = match std::fs::read(dir.join(MANIFEST)) {
        Ok(bytes) => bytes,
        Err(_) if !dir.exists() => return Err(Unusable::Absent),
        Err(_) => return Err(Unusable::Damaged(format!("{MANIFEST} is missing (an interrupted or older entry)"))),
    };
    let hashes: std::collections::BTreeMap<String, String> =
        serde_json::from_slice(&manifest).map_err(|e| Unusable::Damaged(format!("{MANIFEST} is unreadable ({e})")))?;
    names
        .iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(name)).map_err(|e| Unusable::Damaged(format!("{name}: {e}")))?;
            let expected = hashes.get(*name).ok_or_else(|| Unusable::Damaged(format!("{MANIFEST} lacks {name}")))?;
            if encode_hex(&Sha256::digest(&bytes)) != *expected {
                return Err(Unusable::Damaged(format!("{name} does not match its recorded hash")));
            }
            Ok(bytes)
        })
        .collect()
}

impl KeyStore {
    /// The cache at `dir`.
    pub fn new(dir: PathBuf) -> Self {
        KeyStore { dir }
    }

    /// The folder of one shape's keys, for this version of the circuit.
    pub fn key_dir(&self, shape: Shape, k: u32, srs_identity: &[u8; 32]) -> PathBuf {
        let id = encode_hex(srs_identity);
        self.dir.join(format!("v{CIRCUIT_VERSION}-{shape}-k{k}-{}", &id[2..18]))
    }

    /// Holds the cache entry at `dir` for this process until the returned file is dropped
    /// (another process asking for it waits): keys are generated once however many runs start
    /// cold together.
    fn lock(&self, dir: &Path) -> Result<std::fs::File, Error> {
        std::fs::create_dir_all(&self.dir).map_err(io_error(&self.dir))?;
        let path = dir.with_extension("lock");
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io_error(&path))?;
        file.lock().map_err(io_error(&path))?;
        Ok(file)
    }

    /// The cached verifier key, verifying-key hash and SRS points, if present and intact.
    pub fn load_verifier(&self, shape: Shape, srs_identity: &[u8; 32]) -> Option<VerifierKeys> {
        let dims = Dims::for_shape(shape);
        let dir = self.key_dir(shape, dims.k, srs_identity);
        let [key, srs, vk] = <[Vec<u8>; 3]>::try_from(read_checked(&dir, &VERIFIER_FILES).ok()?).ok()?;
        Self::verifier_of(&key, &srs, &vk, dims, srs_identity)
    }

    fn verifier_of(key: &[u8], srs: &[u8], vk: &[u8], dims: Dims, srs_identity: &[u8; 32]) -> Option<VerifierKeys> {
        let vk = read_vk(vk, dims).ok()?;
        let key = VerifierKey::from_bytes(key).ok()?;
        let srs = VerifierSrs::from_bytes(srs).ok()?;
        (srs.identity() == *srs_identity && srs.k == dims.k && key.k == dims.k).then(|| VerifierKeys {
            key,
            vk_hash: vk_hash(&vk),
            srs,
            dims,
        })
    }

    /// The cached keys of the entry at `dir`.
    fn load_entry(&self, dir: &Path, shape: Shape, srs: &Srs) -> Result<Keys, Unusable> {
        let dims = Dims::for_shape(shape);
        let identity = VerifierSrs::of(srs).identity();
        let [pk, key, srs_bytes, vk] = <[Vec<u8>; 4]>::try_from(read_checked(dir, &KEY_FILES)?).map_err(|_| Unusable::Absent)?;
        let verifier = Self::verifier_of(&key, &srs_bytes, &vk, dims, &identity)
            .ok_or_else(|| Unusable::Damaged("the verifier's files do not read back".into()))?;
        let pk = ProvingKey::<G1Affine>::from_bytes::<AttestationCircuit>(&pk, SerdeFormat::RawBytesUnchecked, dims)
            .map_err(|e| Unusable::Damaged(format!("pk.bin does not read back ({e})")))?;
        Ok(Keys { pk, srs: verifier.srs, dims, verifier_key: verifier.key })
    }

    /// Writes an entry: its files into a staging folder, the manifest last, then one rename.
    fn store_entry(&self, dir: &Path, keys: &Keys) -> Result<(), Error> {
        let name = dir.file_name().and_then(|n| n.to_str()).expect("a key folder name");
        let staging = self.dir.join(format!(".{name}.{}.staging.tmp", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(io_error(&staging))?;
        let files: [(&str, Vec<u8>); 4] = [
            ("pk.bin", keys.pk.to_bytes(SerdeFormat::RawBytesUnchecked)),
            ("verifier.key", keys.verifier_key.to_bytes()),
            ("srs.bin", keys.srs.to_bytes()),
            ("vk.bin", keys.vk().to_bytes(SerdeFormat::RawBytes)),
        ];
        let mut hashes = std::collections::BTreeMap::new();
        for (file, bytes) in &files {
            crate::files::write_file(&staging.join(file), bytes)?;
            hashes.insert(file.to_string(), encode_hex(&Sha256::digest(bytes)));
        }
        crate::files::write_file(&staging.join(MANIFEST), &serde_json::to_vec_pretty(&hashes).expect("serialisable"))?;
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(io_error(dir))?;
        }
        std::fs::rename(&staging, dir).map_err(io_error(dir))
    }

    /// The cached keys, or new ones (then cached). Cached files are checked against the hashes
    /// recorded when they were written; damaged ones are generated again. Runs that start
    /// together wait for each other, so the keys are generated once.
    pub fn load_or_generate(&self, shape: Shape, srs: &Srs) -> Result<(Keys, KeySource), Error> {
        let dir = self.key_dir(shape, Dims::for_shape(shape).k, &VerifierSrs::of(srs).identity());
        let _held = self.lock(&dir)?;
        crate::files::sweep_orphans(&self.dir);
        let source = match self.load_entry(&dir, shape, srs) {
            Ok(keys) => return Ok((keys, KeySource::Cached)),
            Err(Unusable::Absent) => KeySource::Generated,
            Err(Unusable::Damaged(reason)) => KeySource::Regenerated(reason),
        };
        let keys = generate(shape, srs)?;
        self.store_entry(&dir, &keys)?;
        Ok((keys, source))
    }

    fn commitment_path(&self, policy: &Policy, srs_identity: &[u8; 32]) -> PathBuf {
        let dims = Dims::for_shape(policy.shape());
        let id = encode_hex(srs_identity);
        self.dir.join("commitments").join(format!("v{CIRCUIT_VERSION}-k{}-{}-{}.bin", dims.k, &id[2..18], policy_digest(policy, &dims)))
    }

    /// The cached commitment of `policy` under the SRS of `srs_identity`, if present and intact
    /// (the file ends with the SHA-256 hash of the rest).
    pub fn load_commitment(&self, policy: &Policy, srs_identity: &[u8; 32]) -> Option<PolicyCommitment> {
        let bytes = std::fs::read(self.commitment_path(policy, srs_identity)).ok()?;
        let (body, hash) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
        if Sha256::digest(body).as_slice() != hash {
            return None;
        }
        let commitment = PolicyCommitment::from_bytes(body)?;
        (commitment.points.len() == Dims::for_shape(policy.shape()).lanes).then_some(commitment)
    }

    /// The commitment of `policy` under `srs`: cached, or computed (then cached).
    pub fn commitment(&self, policy: &Policy, srs: &Srs) -> Result<PolicyCommitment, Error> {
        let identity = VerifierSrs::of(srs).identity();
        if let Some(found) = self.load_commitment(policy, &identity) {
            return Ok(found);
        }
        let commitment = policy_commitment(srs, policy).map_err(|e| Error::Proof(e.to_string()))?;
        let path = self.commitment_path(policy, &identity);
        let dir = path.parent().expect("in a folder");
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        let mut bytes = commitment.to_bytes();
        bytes.extend_from_slice(&Sha256::digest(&bytes));
        crate::files::write_file(&path, &bytes)?;
        Ok(commitment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verifying-key hash of the 1x1x1x1 shape on the development SRS, for circuit version
    /// [`CIRCUIT_VERSION`].
    const PINNED_VK_HASH: &str = "0x3d1f75d3187fa1eeea04dbf45a020bb707063c3b9c712f2895d20d6f74bdb50c";

    #[test]
    fn a_changed_circuit_comes_with_a_new_circuit_version() {
        let shape = Shape::v1(1, 1, 1, 1);
        let k = Dims::for_shape(shape).k;
        let keys = generate(shape, &solvent_params::dev_srs(k)).unwrap();
        let hash = encode_hex(&keys.vk_hash());
        assert_eq!(
            hash, PINNED_VK_HASH,
            "the circuit's keys changed: bump CIRCUIT_VERSION (or cached keys of the old circuit are loaded) and pin the new hash"
        );
    }

    #[test]
    fn damaged_cached_keys_are_generated_again_and_a_verifier_never_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::new(dir.path().to_path_buf());
        let shape = Shape::v1(1, 1, 1, 1);
        let srs = solvent_params::dev_srs(Dims::for_shape(shape).k);
        let identity = VerifierSrs::of(&srs).identity();
        let (keys, source) = store.load_or_generate(shape, &srs).unwrap();
        assert_eq!(source, KeySource::Generated);
        assert_eq!(store.load_or_generate(shape, &srs).unwrap().1, KeySource::Cached);
        let entry = store.key_dir(shape, keys.dims.k, &identity);
        let names: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        for (file, damage) in [
            ("pk.bin", "truncated"),
            ("pk.bin", "flipped"),
            ("vk.bin", "flipped"),
            ("verifier.key", "flipped"),
            ("manifest.json", "removed"),
        ] {
            let path = entry.join(file);
            let mut bytes = std::fs::read(&path).unwrap();
            match damage {
                "truncated" => bytes.truncate(bytes.len() / 2),
                "flipped" => {
                    let middle = bytes.len() / 2;
                    bytes[middle] ^= 1;
                }
                _ => bytes.clear(),
            }
            if damage == "removed" {
                std::fs::remove_file(&path).unwrap();
            } else {
                std::fs::write(&path, &bytes).unwrap();
            }
            if file != "pk.bin" {
                assert!(store.load_verifier(shape, &identity).is_none(), "{file} {damage}: a verifier read damaged keys");
            }
            let (again, source) = store.load_or_generate(shape, &srs).unwrap();
            assert!(matches!(source, KeySource::Regenerated(_)), "{file} {damage}: {source:?}");
            assert_eq!(again.vk_hash(), keys.vk_hash());
            assert!(store.load_verifier(shape, &identity).is_some());
        }
    }

    #[test]
    fn a_damaged_cached_commitment_is_computed_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::new(dir.path().to_path_buf());
        let policy = Policy::from_json(crate::demo::POLICY).unwrap();
        let srs = solvent_params::dev_srs(Dims::for_shape(policy.shape()).k);
        let identity = VerifierSrs::of(&srs).identity();
        let commitment = store.commitment(&policy, &srs).unwrap();
        assert_eq!(store.load_commitment(&policy, &identity), Some(commitment.clone()));
        let path = store.commitment_path(&policy, &identity);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[10] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(store.load_commitment(&policy, &identity), None);
        assert_eq!(store.commitment(&policy, &srs).unwrap(), commitment);
    }

    #[test]
    fn keys_are_cached_per_circuit_version() {
        let store = KeyStore::new(PathBuf::from("cache"));
        let shape = Shape::v1(1, 1, 1, 1);
        let dir = store.key_dir(shape, 10, &[0xab; 32]);
        let name = dir.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(&format!("v{CIRCUIT_VERSION}-")), "{name}");
    }
}
