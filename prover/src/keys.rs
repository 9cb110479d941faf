//! The key cache: proving, verifying and verifier keys per circuit version, shape, `k` and SRS
//! identity; and policy commitments per policy content, SRS identity and `k`.

use crate::error::CliError;
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

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |error| CliError::Io { file: path.display().to_string(), error }
}

/// Generates the keys of a shape (selectors compressed into fixed columns); `srs` must have the
/// circuit's `k`.
pub fn generate(shape: Shape, srs: &Srs) -> Result<Keys, CliError> {
    let circuit = AttestationCircuit::for_shape(shape);
    let vk = keygen_vk_custom(srs, &circuit, true).map_err(|e| CliError::Proof(format!("keygen: {e:?}")))?;
    let verifier_key = solvent_evm::protocol::verifier_key(srs, &vk);
    let pk = keygen_pk(srs, vk, &circuit).map_err(|e| CliError::Proof(format!("keygen: {e:?}")))?;
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

    /// The cached verifier key, verifying-key hash and SRS points, if present.
    pub fn load_verifier(&self, shape: Shape, srs_identity: &[u8; 32]) -> Option<VerifierKeys> {
        let dims = Dims::for_shape(shape);
        let dir = self.key_dir(shape, dims.k, srs_identity);
        let vk = read_vk(&std::fs::read(dir.join("vk.bin")).ok()?, dims).ok()?;
        let key = VerifierKey::from_bytes(&std::fs::read(dir.join("verifier.key")).ok()?).ok()?;
        let srs = VerifierSrs::from_bytes(&std::fs::read(dir.join("srs.bin")).ok()?).ok()?;
        (srs.identity() == *srs_identity && srs.k == dims.k && key.k == dims.k)
            .then(|| VerifierKeys { key, vk_hash: vk_hash(&vk), srs, dims })
    }

    /// The cached keys, if present.
    pub fn load(&self, shape: Shape, srs: &Srs) -> Option<Keys> {
        let verifier = self.load_verifier(shape, &VerifierSrs::of(srs).identity())?;
        let dir = self.key_dir(shape, verifier.dims.k, &verifier.srs.identity());
        let bytes = std::fs::read(dir.join("pk.bin")).ok()?;
        let pk = ProvingKey::<G1Affine>::from_bytes::<AttestationCircuit>(&bytes, SerdeFormat::RawBytesUnchecked, verifier.dims).ok()?;
        Some(Keys { pk, srs: verifier.srs, dims: verifier.dims, verifier_key: verifier.key })
    }

    /// Stores keys.
    pub fn store(&self, shape: Shape, keys: &Keys) -> Result<(), CliError> {
        let dir = self.key_dir(shape, keys.srs.k, &keys.srs.identity());
        std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        crate::error::write_file(&dir.join("pk.bin"), &keys.pk.to_bytes(SerdeFormat::RawBytesUnchecked))?;
        crate::error::write_file(&dir.join("verifier.key"), &keys.verifier_key.to_bytes())?;
        crate::error::write_file(&dir.join("srs.bin"), &keys.srs.to_bytes())?;
        // Written last: its presence marks a complete entry.
        crate::error::write_file(&dir.join("vk.bin"), &keys.vk().to_bytes(SerdeFormat::RawBytes))
    }

    /// The cached keys, or new ones (then cached).
    pub fn load_or_generate(&self, shape: Shape, srs: &Srs) -> Result<(Keys, bool), CliError> {
        if let Some(keys) = self.load(shape, srs) {
            return Ok((keys, true));
        }
        let keys = generate(shape, srs)?;
        self.store(shape, &keys)?;
        Ok((keys, false))
    }

    fn commitment_path(&self, policy: &Policy, srs_identity: &[u8; 32]) -> PathBuf {
        let dims = Dims::for_shape(Shape::of(policy));
        let id = encode_hex(srs_identity);
        self.dir
            .join("commitments")
            .join(format!("v{CIRCUIT_VERSION}-k{}-{}-{}.bin", dims.k, &id[2..18], policy_digest(policy, &dims)))
    }

    /// The cached commitment of `policy` under the SRS of `srs_identity`, if present.
    pub fn load_commitment(&self, policy: &Policy, srs_identity: &[u8; 32]) -> Option<PolicyCommitment> {
        let bytes = std::fs::read(self.commitment_path(policy, srs_identity)).ok()?;
        let commitment = PolicyCommitment::from_bytes(&bytes)?;
        (commitment.points.len() == Dims::for_shape(Shape::of(policy)).lanes).then_some(commitment)
    }

    /// The commitment of `policy` under `srs`: cached, or computed (then cached).
    pub fn commitment(&self, policy: &Policy, srs: &Srs) -> Result<PolicyCommitment, CliError> {
        let identity = VerifierSrs::of(srs).identity();
        if let Some(found) = self.load_commitment(policy, &identity) {
            return Ok(found);
        }
        let commitment = policy_commitment(srs, policy).map_err(|e| CliError::Proof(e.to_string()))?;
        let path = self.commitment_path(policy, &identity);
        let dir = path.parent().expect("in a folder");
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        crate::error::write_file(&path, &commitment.to_bytes())?;
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
        let shape = Shape { assets: 1, tiers: 1, instruments: 1, scenarios: 1 };
        let k = Dims::for_shape(shape).k;
        let keys = generate(shape, &solvent_params::dev_srs(k)).unwrap();
        let hash = encode_hex(&keys.vk_hash());
        assert_eq!(
            hash, PINNED_VK_HASH,
            "the circuit's keys changed: bump CIRCUIT_VERSION (or cached keys of the old circuit are loaded) and pin the new hash"
        );
    }

    #[test]
    fn keys_are_cached_per_circuit_version() {
        let store = KeyStore::new(PathBuf::from("cache"));
        let shape = Shape { assets: 1, tiers: 1, instruments: 1, scenarios: 1 };
        let dir = store.key_dir(shape, 10, &[0xab; 32]);
        let name = dir.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(&format!("v{CIRCUIT_VERSION}-")), "{name}");
    }
}
