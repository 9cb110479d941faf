//! `solvent source keygen|sign|verify`: a source's signing key and its signed statements (signed
//! holdings, docs/design.md §12).

use super::emit;
use crate::files::{check_outputs, read_text, write_private};
use crate::Error;
use solvent_model::portfolio::{format_account, parse_account};
use solvent_model::InputError;
use solvent_sources::key::{parse_public_key, SourceKey};
use solvent_sources::portfolio::{portfolio_from_statements as sum_statements, sources_from_json, MAX_SOURCES_BYTES};
use solvent_sources::statement::{Items, SignedStatement, Statement, MAX_STATEMENT_BYTES};
use std::io::Write;
use std::path::PathBuf;

/// Largest key file read, in bytes.
const MAX_KEY_BYTES: usize = 4096;

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

/// `solvent source sign`.
#[derive(clap::Args, Clone, Debug)]
pub struct SourceSignOptions {
    /// The items to state: a file with `balances`, `debts` and `positions` objects (a portfolio
    /// file serves; its `schema` and `account` are ignored).
    #[arg(value_name = "ITEMS")]
    pub items: PathBuf,
    /// The source's private key file (`solvent source keygen`).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The holder: the account the statement is about (`0x` and 40 hex digits).
    #[arg(long, value_name = "0x..")]
    pub holder: String,
    /// When the items held, unix seconds.
    #[arg(long, value_name = "T")]
    pub time: u64,
    /// The statement file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Signs the items of a file as the key's source and writes the statement
/// (`solvent/statement/v1`); prints its message.
pub fn source_sign(options: &SourceSignOptions, out: &mut dyn Write) -> Result<i32, Error> {
    check_outputs(&[&options.items, &options.key], &[("--out", &options.out)])?;
    let holder = parse_account("--holder", &options.holder).map_err(|e| Error::argument("--holder", e.message))?;
    let key_text = read_text(&options.key, MAX_KEY_BYTES)?;
    let key: SourceKey = solvent_model::error::parse_json(&key_text).map_err(|e| Error::input(&options.key, e))?;
    let private_key = key.private_bytes().map_err(|e| Error::input(&options.key, InputError::new(e.field, e.message)))?;
    let items = Items::from_json(&read_text(&options.items, MAX_STATEMENT_BYTES)?).map_err(|e| Error::input(&options.items, e))?;
    let signed = Statement { source: key.id.clone(), holder, time: options.time, items }.sign(&private_key);
    // A statement holds the holder's private holdings, as an opening does: mode 0600.
    write_private(&options.out, signed.to_json().as_bytes())?;
    emit(
        out,
        &format!(
            "signed {} item(s) of {} at {} as {}: {}\n",
            signed.statement.items.len(),
            format_account(&holder),
            options.time,
            key.id,
            options.out.display()
        ),
    )?;
    Ok(0)
}

/// `solvent source verify`.
#[derive(clap::Args, Clone, Debug)]
pub struct SourceVerifyOptions {
    /// The statement file.
    #[arg(value_name = "STATEMENT")]
    pub statement: PathBuf,
    /// The public key it must be signed under (`0x` and 64 hex digits, as `keygen` prints it):
    /// the one you trust for its source, never one the statement names.
    #[arg(long, value_name = "0x..")]
    pub public_key: String,
}

/// Checks a statement's signature under the given public key: exit 0 and its contents when it
/// verifies, exit 1 when it does not.
pub fn source_verify(options: &SourceVerifyOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let public_key = parse_public_key(&options.public_key).map_err(|e| Error::argument("--public-key", e.message))?;
    let text = read_text(&options.statement, MAX_STATEMENT_BYTES)?;
    let signed = SignedStatement::from_json(&text).map_err(|e| Error::input(&options.statement, e))?;
    if !signed.verifies(&public_key) {
        emit(out, &format!("{}: signature does not verify under {}\n", options.statement.display(), options.public_key))?;
        return Ok(1);
    }
    let s = &signed.statement;
    emit(
        out,
        &format!(
            "VALID statement of {} ({} named as source) about {} at {}: {} balance(s), {} debt(s), {} position(s)\n",
            options.public_key,
            s.source,
            format_account(&s.holder),
            s.time,
            s.items.balances.len(),
            s.items.debts.len(),
            s.items.positions.len()
        ),
    )?;
    Ok(0)
}

/// `solvent portfolio from-statements`.
#[derive(clap::Args, Clone, Debug)]
pub struct PortfolioFromStatementsOptions {
    /// The statements (`solvent/statement/v1`).
    #[arg(value_name = "STATEMENT", required = true)]
    pub statements: Vec<PathBuf>,
    /// The policy whose assets and instruments the portfolio holds.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The sources you trust: `[{"id", "public_key", "attests", "max_age"}]` (the form of a
    /// policy's `sources`).
    #[arg(long, value_name = "FILE")]
    pub sources: PathBuf,
    /// The snapshot time the portfolio is for (unix seconds): each statement at most its
    /// source's `max_age` before it, and not after it.
    #[arg(long, value_name = "T")]
    pub time: u64,
    /// The portfolio file to write (mode 0600).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Writes the portfolio whose every amount is the sum over the statements, each checked
/// (`docs/design.md` §12), or refuses naming the statement's file and field (nothing written).
pub fn portfolio_from_statements(options: &PortfolioFromStatementsOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let mut inputs: Vec<&std::path::Path> = vec![&options.policy, &options.sources];
    inputs.extend(options.statements.iter().map(PathBuf::as_path));
    check_outputs(&inputs, &[("--out", &options.out)])?;
    if options.statements.is_empty() {
        return Err(Error::argument("STATEMENT", "name at least one statement"));
    }
    let policy = super::load_policy(&options.policy)?;
    let sources = sources_from_json(&read_text(&options.sources, MAX_SOURCES_BYTES)?).map_err(|e| Error::input(&options.sources, e))?;
    let mut statements = Vec::new();
    for path in &options.statements {
        let text = read_text(path, MAX_STATEMENT_BYTES)?;
        statements.push(SignedStatement::from_json(&text).map_err(|e| Error::input(path, e))?);
    }
    let (portfolio, _) = sum_statements(&policy, &sources, &statements, options.time)
        .map_err(|refused| Error::input(&options.statements[refused.statement], refused.error))?;
    let document = crate::opening::portfolio_document(&policy, &portfolio);
    let text = serde_json::to_string_pretty(&document).expect("serialisable") + "\n";
    // The sums must be a portfolio the policy accepts (each amount within the model's bounds).
    solvent_model::Portfolio::from_json_exact(&text, &policy)
        .map_err(|e| Error::argument("--out", format!("the summed portfolio is refused: {e}")))?;
    write_private(&options.out, text.as_bytes())?;
    emit(
        out,
        &format!("{} statement(s) of {} summed into {}\n", statements.len(), format_account(&portfolio.account), options.out.display()),
    )?;
    Ok(0)
}
