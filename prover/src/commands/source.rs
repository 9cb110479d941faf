//! `solvent source keygen`: a source's signing key (signed holdings, docs/design.md §12).

use super::emit;
use crate::files::write_private;
use crate::Error;
use solvent_model::InputError;
use solvent_sources::key::SourceKey;
use std::io::Write;
use std::path::PathBuf;

/// `solvent source keygen`.
#[derive(clap::Args, Clone, Debug)]
pub struct SourceKeygenOptions {
    /// The source's id, as policies will list it (1 to 31 bytes).
    #[arg(long)]
    pub id: String,
    /// The private key file to write (mode 0600; an existing file is refused).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Writes a new EdDSA-Poseidon key (32 random bytes) for a source, readable by its owner only,
/// and prints its public part as JSON (`{"id", "public_key"}`) for the policies that will trust it.
pub fn source_keygen(options: &SourceKeygenOptions, out: &mut dyn Write) -> Result<i32, Error> {
    if options.out.exists() {
        return Err(Error::argument("--out", format!("{} exists: a key file is never overwritten", options.out.display())));
    }
    let mut private_key = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut private_key);
    let key = SourceKey::new(&options.id, &private_key).map_err(|e| Error::argument("--id", e.message))?;
    let public = key.public().map_err(|e| Error::Input { file: "key".into(), error: InputError::new(e.field, e.message) })?;
    write_private(&options.out, (serde_json::to_string_pretty(&key).expect("serialisable") + "\n").as_bytes())?;
    emit(out, &format!("{}\n", serde_json::to_string(&public).expect("serialisable")))?;
    Ok(0)
}
