//! Which structured reference string to prove with: a checked ceremony file, or the cached
//! development SRS.

use crate::error::Error;
use solvent_params::{dev_srs, downsize, from_bytes, load, to_bytes, Srs};
use std::path::{Path, PathBuf};

/// Where the SRS comes from.
#[derive(Clone, Debug)]
pub enum SrsSource {
    /// A ceremony file (halo2 raw format), checked on every load.
    File(PathBuf),
    /// The public development SRS: INSECURE, for demos and tests.
    Development,
}

/// The SRS of `2^k` points from `source`; the development one is generated once and cached in
/// `cache_dir`.
pub fn srs_for(source: &SrsSource, k: u32, cache_dir: &Path) -> Result<Srs, Error> {
    match source {
        SrsSource::File(path) => {
            let srs = load(path).map_err(|error| Error::Srs { file: path.display().to_string(), error })?;
            downsize(&srs, k).map_err(|error| Error::Srs { file: path.display().to_string(), error })
        }
        SrsSource::Development => {
            crate::files::sweep_orphans(cache_dir);
            let path = cache_dir.join(format!("dev-k{k}.srs"));
            if let Ok(bytes) = std::fs::read(&path) {
                if let Ok(srs) = from_bytes(&bytes) {
                    return Ok(srs);
                }
            }
            let srs = dev_srs(k);
            std::fs::create_dir_all(cache_dir).map_err(|error| Error::Io { file: cache_dir.display().to_string(), error })?;
            crate::files::write_file(&path, &to_bytes(&srs))?;
            Ok(srs)
        }
    }
}
