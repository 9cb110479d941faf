//! The key cache: proving and verifying keys per circuit version, shape, `k` and SRS identity.

use crate::error::CliError;
use halo2_proofs::{
    halo2curves::bn256::G1Affine,
    plonk::{keygen_pk, keygen_vk_custom, ProvingKey, VerifyingKey},
    SerdeFormat,
};
use solvent_circuits::{AttestationCircuit, Shape, CIRCUIT_VERSION};
use solvent_params::{Srs, VerifierSrs};
use solvent_verifier::attestation::encode_hex;
use std::path::{Path, PathBuf};

/// Keys for one circuit shape under one SRS.
pub struct Keys {
    /// The proving key.
    pub pk: ProvingKey<G1Affine>,
    /// The SRS points a verifier needs.
    pub srs: VerifierSrs,
}

impl Keys {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.pk.get_vk()
    }
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

/// Generates the keys of a shape (selectors compressed into fixed columns).
pub fn generate(shape: Shape, srs: &Srs) -> Result<Keys, CliError> {
    let circuit = AttestationCircuit::for_shape(shape);
    let vk = keygen_vk_custom(srs, &circuit, true).map_err(|e| CliError::Proof(format!("keygen: {e:?}")))?;
    let pk = keygen_pk(srs, vk, &circuit).map_err(|e| CliError::Proof(format!("keygen: {e:?}")))?;
    Ok(Keys { pk, srs: VerifierSrs::of(srs) })
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

    /// The cached verifying key and SRS points, if present.
    pub fn load_vk(&self, shape: Shape, k: u32, srs_identity: &[u8; 32]) -> Option<(VerifyingKey<G1Affine>, VerifierSrs)> {
        let dir = self.key_dir(shape, k, srs_identity);
        let vk = solvent_verifier::verify::read_vk(&std::fs::read(dir.join("vk.bin")).ok()?).ok()?;
        let srs = VerifierSrs::from_bytes(&std::fs::read(dir.join("srs.bin")).ok()?).ok()?;
        (srs.identity() == *srs_identity && srs.k == k).then_some((vk, srs))
    }

    /// The cached keys, if present.
    pub fn load(&self, shape: Shape, srs: &Srs) -> Option<Keys> {
        let verifier_srs = VerifierSrs::of(srs);
        let dir = self.key_dir(shape, verifier_srs.k, &verifier_srs.identity());
        let bytes = std::fs::read(dir.join("pk.bin")).ok()?;
        let pk = ProvingKey::<G1Affine>::from_bytes::<AttestationCircuit>(&bytes, SerdeFormat::RawBytesUnchecked, ()).ok()?;
        Some(Keys { pk, srs: verifier_srs })
    }

    /// Stores keys.
    pub fn store(&self, shape: Shape, keys: &Keys) -> Result<(), CliError> {
        let dir = self.key_dir(shape, keys.srs.k, &keys.srs.identity());
        std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        crate::error::write_file(&dir.join("pk.bin"), &keys.pk.to_bytes(SerdeFormat::RawBytesUnchecked))?;
        crate::error::write_file(&dir.join("vk.bin"), &keys.vk().to_bytes(SerdeFormat::RawBytes))?;
        crate::error::write_file(&dir.join("srs.bin"), &keys.srs.to_bytes())
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verifying-key hash of the 1x1x1x1 shape on the development SRS, for circuit version
    /// [`CIRCUIT_VERSION`].
    const PINNED_VK_HASH: &str = "0x0dfa0bc8d14e1a8a0244f9524cf9e01baf2d41ce27953951e9eb228129c8a96c";

    #[test]
    fn a_changed_circuit_comes_with_a_new_circuit_version() {
        let shape = Shape { assets: 1, tiers: 1, instruments: 1, scenarios: 1 };
        let k = AttestationCircuit::for_shape(shape).min_k();
        let keys = generate(shape, &solvent_params::dev_srs(k)).unwrap();
        let hash = encode_hex(&solvent_verifier::verify::vk_hash(keys.vk()));
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
