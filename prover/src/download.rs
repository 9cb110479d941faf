//! Downloading a ceremony file: streamed into a temporary file beside the destination with a
//! progress bar, checked (`solvent_params::load`: layout, points, generators, powers), compared
//! with the ceremony's identity, and only then moved into place; a failed or refused download
//! leaves nothing.

use crate::files::{write_checked, PUBLIC};
use crate::Error;
use indicatif::{ProgressBar, ProgressStyle};
use solvent_params::{Ceremony, VerifierSrs};
use std::io::{Read, Write};
use std::path::Path;

/// The largest file accepted: a file of `2^MAX_K` points with its Lagrange points and header.
fn largest_file() -> u64 {
    4 + (1u64 << (solvent_params::MAX_K + 7)) + 256
}

/// Downloads `url` to `out` as `ceremony`'s file of `2^k` points: kept only if it is a valid
/// SRS of exactly that `k` whose identity is the ceremony's.
pub fn fetch_srs(url: &str, ceremony: &Ceremony, k: u32, out: &Path) -> Result<(), Error> {
    let failed = |message: String| Error::Download { url: url.to_string(), message };
    write_checked(
        out,
        PUBLIC,
        |file| {
            let mut response = ureq::get(url).call().map_err(|e| failed(e.to_string()))?;
            let length = response.body().content_length();
            if length.is_some_and(|l| l > largest_file()) {
                return Err(failed(format!("the server announces {} bytes, more than any SRS", length.unwrap_or_default())));
            }
            let bar = length.map_or_else(ProgressBar::new_spinner, ProgressBar::new);
            bar.set_style(
                ProgressStyle::with_template("{spinner} downloading {bytes}/{total_bytes} {bytes_per_sec} {eta}").expect("template"),
            );
            let mut reader = response.body_mut().with_config().limit(largest_file()).reader();
            let mut buffer = vec![0u8; 1 << 16];
            loop {
                let read = reader.read(&mut buffer).map_err(|e| failed(e.to_string()))?;
                if read == 0 {
                    break;
                }
                file.write_all(&buffer[..read]).map_err(|error| Error::Io { file: out.display().to_string(), error })?;
                bar.inc(read as u64);
            }
            bar.finish_and_clear();
            Ok(())
        },
        |downloaded| {
            let srs = solvent_params::load(downloaded).map_err(|error| Error::Srs { file: url.to_string(), error })?;
            let srs = VerifierSrs::of(&srs);
            if srs.k != k {
                return Err(failed(format!("the file has k = {}, not the k = {k} asked for", srs.k)));
            }
            if srs.identity() != ceremony.identity {
                return Err(failed(format!(
                    "the file's SRS identity {} is not the identity of {} ({}): not kept",
                    solvent_verifier::attestation::encode_hex(&srs.identity()),
                    ceremony.title,
                    solvent_verifier::attestation::encode_hex(&ceremony.identity)
                )));
            }
            Ok(())
        },
    )
}
