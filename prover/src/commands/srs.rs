//! `solvent srs check|fetch|dev|downsize`: ceremony files and the development SRS.

use super::emit;
use crate::console::{note, step};
use crate::files::write_file;
use crate::Error;
use solvent_verifier::attestation::encode_hex;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `solvent srs check`.
#[derive(clap::Args, Clone, Debug)]
pub struct SrsCheckOptions {
    /// The ceremony file (halo2 raw format).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `solvent srs fetch`.
#[derive(clap::Args, Clone, Debug)]
pub struct SrsFetchOptions {
    /// log2 of the number of points (the circuit's `k`: `solvent shape` prints it).
    #[arg(long)]
    pub k: u32,
    /// The ceremony: `hermez` (Hermez's final Perpetual Powers of Tau, the default) or `axiom`
    /// (Axiom's conversion of it).
    #[arg(long, default_value = "hermez")]
    pub ceremony: String,
    /// The file to write (kept only once checked).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Download from this address instead of the ceremony's published one (a mirror holding
    /// the same file names); the file is checked the same.
    #[arg(long, value_name = "URL")]
    pub mirror: Option<String>,
}

/// `solvent srs dev`.
#[derive(clap::Args, Clone, Debug)]
pub struct SrsDevOptions {
    /// log2 of the number of points.
    #[arg(long)]
    pub k: u32,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `solvent srs downsize`.
#[derive(clap::Args, Clone, Debug)]
pub struct SrsDownsizeOptions {
    /// The ceremony file (halo2 raw format).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// log2 of the number of points to keep.
    #[arg(long)]
    pub k: u32,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

fn srs_error(file: &Path) -> impl Fn(solvent_params::SrsError) -> Error + '_ {
    move |error| Error::Srs { file: file.display().to_string(), error }
}

/// Checks a ceremony file (size, points, generators, powers, Lagrange points); prints its `k`
/// and identity.
pub fn srs_check(options: &SrsCheckOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let srs = step("checking", || solvent_params::load(&options.file).map_err(srs_error(&options.file)))?;
    let v = solvent_params::VerifierSrs::of(&srs);
    let ceremony = match (v.is_dev(), solvent_params::ceremony_of(&v.identity())) {
        (true, _) => "INSECURE: this is the public development SRS\n".to_string(),
        (false, Some(name)) => format!("ceremony {name}\n"),
        (false, None) => "ceremony not one solvent knows: compare the identity with the one your protocol publishes\n".to_string(),
    };
    emit(out, &format!("k        {}\nidentity {}\n{ceremony}all checks passed\n", v.k, encode_hex(&v.identity())))?;
    Ok(0)
}

/// Downloads a ceremony file of `2^k` points (with a progress bar), checks it as `srs check`
/// does and compares its identity with the ceremony's before keeping it.
pub fn srs_fetch(options: &SrsFetchOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let k = options.k;
    if k == 0 || k > solvent_params::MAX_K {
        return Err(Error::argument("--k", format!("{k} is out of range (1..={})", solvent_params::MAX_K)));
    }
    let Some(ceremony) = solvent_params::ceremony_named(&options.ceremony) else {
        let names: Vec<&str> = solvent_params::CEREMONIES.iter().map(|c| c.name).collect();
        return Err(Error::argument("--ceremony", format!("`{}` is not one of {}", options.ceremony, names.join(", "))));
    };
    let url = match &options.mirror {
        Some(mirror) => format!("{}/{}", mirror.trim_end_matches('/'), ceremony.file_name(k)),
        None => ceremony.url(k),
    };
    note(format_args!("fetching {url}"));
    crate::download::fetch_srs(&url, ceremony, k, &options.out)?;
    emit(
        out,
        &format!(
            "k        {k}
identity {}
ceremony {}
all checks passed; wrote {}
",
            encode_hex(&ceremony.identity),
            ceremony.title,
            options.out.display()
        ),
    )?;
    Ok(0)
}

/// Writes the deterministic development SRS (INSECURE).
pub fn srs_dev(options: &SrsDevOptions, _out: &mut dyn Write) -> Result<i32, Error> {
    let k = options.k;
    if k == 0 || k > solvent_params::MAX_K {
        return Err(Error::argument("--k", format!("{k} is out of range (1..={})", solvent_params::MAX_K)));
    }
    let srs = step("generating", || Ok(solvent_params::dev_srs(k)))?;
    write_file(&options.out, &solvent_params::to_bytes(&srs))?;
    note(format_args!("wrote the INSECURE development SRS (k = {k}) to {}", options.out.display()));
    Ok(0)
}

/// Writes a checked ceremony file cut down to `2^k` points.
pub fn srs_downsize(options: &SrsDownsizeOptions, _out: &mut dyn Write) -> Result<i32, Error> {
    let srs = step("checking", || solvent_params::load(&options.file).map_err(srs_error(&options.file)))?;
    let small = solvent_params::downsize(&srs, options.k).map_err(srs_error(&options.file))?;
    write_file(&options.out, &solvent_params::to_bytes(&small))?;
    note(format_args!("wrote k = {} to {}", options.k, options.out.display()));
    Ok(0)
}
