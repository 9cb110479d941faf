//! The key cache: proving and verifying keys per circuit shape, `k` and SRS identity.

use crate::error::CliError;
use halo2_proofs::{
    halo2curves::bn256::G1Affine,
    plonk::{keygen_pk, keygen_vk_custom, ProvingKey, VerifyingKey},
    SerdeFormat,
};
use solvent_circuits::{AttestationCircuit, Shape};
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

    /// The folder of one shape's keys.
    pub fn key_dir(&self, shape: Shape, k: u32, srs_identity: &[u8; 32]) -> PathBuf {
        let id = encode_hex(srs_identity);
        self.dir.join(format!("{shape}-k{k}-{}", &id[2..18]))
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
