//! The `solvent` command line: clap's definitions and the dispatch to the library's commands.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use solvent_prover::commands::{self, *};
use solvent_prover::Error;
use std::io::Write;

/// Zero-knowledge margin and collateral attestations.
#[derive(Parser)]
#[command(name = "solvent")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The reference model's figures and every claim (exit 0 all hold, 1 one fails, 2 bad
    /// input); a failing claim says what would fix it, a broken limit who breaks it.
    Check(CheckOptions),
    /// What proving a policy takes, before anything is built: shape, k, rows, the SRS size it
    /// needs, estimated prove time and memory on this machine.
    Shape(ShapeOptions),
    /// Generate (or load cached) keys for the policy's circuit shape; prints vk_hash.
    Keygen(KeygenOptions),
    /// Prove every claim and write the attestation (and optionally the auditor's opening).
    Prove(ProveOptions),
    /// Verify an attestation against a policy, under the SRS you trust (exit 0 VALID; 1 INVALID,
    /// EXPIRED, NOT YET VALID or TOO OLD; 2 bad input); prints the statement it establishes.
    Verify(VerifyOptions),
    /// The auditor's check: the attestation verifies under the SRS you trust, and the opening
    /// opens its portfolio commitment exactly; prints the statement, the holdings and the
    /// figures (exit 0 both hold, 1 one does not, 2 bad input).
    Open(OpenOptions),
    /// Write the Solidity verifier for the policy's circuit shape, the SolvencyGate registry, the
    /// wasm verifier's key, and the on-chain set-up step by step with each call's calldata
    /// (needs Node.js; the Solidity compiler is solcjs from npm).
    ExportVerifier(ExportOptions),
    /// Print the calldata (hex) that submits an attestation on-chain.
    Calldata(CalldataOptions),
    /// Print a policy's commitment under an SRS (its identity on every verifier) and its id.
    PolicyCommitment(PolicyCommitmentOptions),
    /// Policies from market data.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Structured reference strings: check a ceremony file, cut one down, or write the
    /// development SRS.
    Srs {
        #[command(subcommand)]
        command: SrsCommand,
    },
    /// Portfolios from signed statements.
    Portfolio {
        #[command(subcommand)]
        command: PortfolioCommand,
    },
    /// A source's keys for signed holdings (custodians, venues).
    Source {
        #[command(subcommand)]
        command: SourceCommand,
    },
    /// For auditors: review a period of attestations.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Run the main job on the embedded example: check, keygen, prove, verify.
    Demo(DemoOptions),
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Build a policy from a spec: scenario losses (Black-Scholes or Black-76 for options),
    /// deltas and short option minimums, rounded conservatively; the same spec gives the same
    /// bytes on every machine.
    Build(PolicyBuildOptions),
    /// List every change from one policy to another, each as loosening, tightening, mixed or
    /// market data, and whether the whole loosens risk (for a governance proposal to state).
    Diff(PolicyDiffOptions),
}

#[derive(Subcommand)]
enum PortfolioCommand {
    /// Sum statements signed by trusted sources into a portfolio (mode 0600), checking each
    /// signature, source's permission and age, the holder and the policy's ids.
    FromStatements(PortfolioFromStatementsOptions),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify every attestation of a folder against the trusted policies, open them with their
    /// openings, report the series' gaps, rotations and breaks, backtest the margin against
    /// realized prices, and write a report (index.html, series.csv, series.json).
    Series(AuditSeriesOptions),
}

#[derive(Subcommand)]
enum SourceCommand {
    /// Write a new EdDSA-Poseidon signing key (mode 0600) and print its public key as JSON.
    Keygen(SourceKeygenOptions),
    /// Sign a holder's balances, debts and positions at a time as the key's source: a statement
    /// (solvent/statement/v1).
    Sign(SourceSignOptions),
    /// Check a statement's signature under a public key you trust for its source.
    Verify(SourceVerifyOptions),
}

#[derive(Subcommand)]
enum SrsCommand {
    /// Check a ceremony file (size, points, generators, powers, Lagrange points).
    Check(SrsCheckOptions),
    /// Download a ceremony file of 2^k points, check it and compare its identity with the
    /// ceremony's before keeping it.
    Fetch(SrsFetchOptions),
    /// Write the deterministic development SRS (INSECURE).
    Dev(SrsDevOptions),
    /// Write a checked ceremony file cut down to 2^k points.
    Downsize(SrsDownsizeOptions),
}

/// `solvent --version`: the release, the circuit and the public-input encoding it proves and
/// verifies.
fn version() -> String {
    format!(
        "{} (circuit v{}, encoding v{}, attestation {})",
        env!("CARGO_PKG_VERSION"),
        solvent_circuits::CIRCUIT_VERSION,
        solvent_circuits::encoding::ENCODING_VERSION,
        solvent_verifier::attestation::ATTESTATION_SCHEMA
    )
}

/// The clap command, with the version filled in.
pub fn command() -> clap::Command {
    Cli::command().version(version())
}

/// Parses the process's arguments (exits on `--help`, `--version` and usage errors).
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

impl Cli {
    /// Whether the command prints JSON (then its errors are JSON too).
    pub fn prints_json(&self) -> bool {
        match &self.command {
            Command::Check(o) => o.json,
            Command::Shape(o) => o.json,
            Command::Verify(o) => o.json,
            Command::Open(o) => o.json,
            Command::PolicyCommitment(o) => o.json,
            _ => false,
        }
    }

    /// Runs the command; its output goes to `out`.
    pub fn run(&self, out: &mut dyn Write) -> Result<i32, Error> {
        match &self.command {
            Command::Check(o) => commands::check(o, out),
            Command::Shape(o) => commands::shape(o, out),
            Command::Keygen(o) => commands::keygen(o, out),
            Command::Prove(o) => commands::prove(o, out),
            Command::Verify(o) => commands::verify(o, out),
            Command::Open(o) => commands::open(o, out),
            Command::ExportVerifier(o) => commands::export_verifier(o, out),
            Command::Calldata(o) => commands::calldata(o, out),
            Command::PolicyCommitment(o) => commands::policy_commitment(o, out),
            Command::Policy { command: PolicyCommand::Build(o) } => commands::policy_build(o, out),
            Command::Policy { command: PolicyCommand::Diff(o) } => commands::policy_diff(o, out),
            Command::Portfolio { command: PortfolioCommand::FromStatements(o) } => commands::portfolio_from_statements(o, out),
            Command::Source { command: SourceCommand::Keygen(o) } => commands::source_keygen(o, out),
            Command::Source { command: SourceCommand::Sign(o) } => commands::source_sign(o, out),
            Command::Source { command: SourceCommand::Verify(o) } => commands::source_verify(o, out),
            Command::Audit { command: AuditCommand::Series(o) } => commands::audit_series(o, out),
            Command::Srs { command: SrsCommand::Check(o) } => commands::srs_check(o, out),
            Command::Srs { command: SrsCommand::Fetch(o) } => commands::srs_fetch(o, out),
            Command::Srs { command: SrsCommand::Dev(o) } => commands::srs_dev(o, out),
            Command::Srs { command: SrsCommand::Downsize(o) } => commands::srs_downsize(o, out),
            Command::Demo(o) => commands::demo(o, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definitions_are_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_command_and_argument_has_help_text() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if id != "help" && id != "version" && arg.get_help().is_none() {
                    missing.push(format!("{path} --{id}"));
                }
            }
            for sub in command.get_subcommands() {
                if sub.get_about().is_none() {
                    missing.push(format!("{path} {}", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&command(), "solvent", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:?}");
    }

    #[test]
    fn the_version_names_the_circuit_and_encoding() {
        let v = command().render_version();
        assert!(v.contains(&format!("circuit v{}", solvent_circuits::CIRCUIT_VERSION)), "{v}");
        assert!(v.contains(&format!("encoding v{}", solvent_circuits::encoding::ENCODING_VERSION)), "{v}");
    }
}
