//! `solvent`: prove in zero knowledge that a portfolio meets a policy's margin and collateral
//! thresholds; verify and open such attestations.

#[cfg(feature = "cuda")]
mod gpu_check;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use solvent_circuits::{encoding::field_to_hex, AttestationCircuit, Shape, Witness};
use solvent_model::{evaluate, policy::Policy, portfolio::parse_account, Portfolio};
use solvent_prover::{
    demo,
    error::{read_text, write_file},
    export,
    keys::{default_dir, KeyStore},
    opening::Opening,
    prove, report,
    srs::{srs_for, SrsSource},
    CliError,
};
use solvent_verifier::{attestation::encode_hex, check_statement, verify, Attestation, Checks, Verdict};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser)]
#[command(name = "solvent", version, about = "Zero-knowledge margin and collateral attestations")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct KeyArgs {
    /// A ceremony SRS file (halo2 raw format); without it the INSECURE development SRS is used.
    #[arg(long)]
    srs: Option<PathBuf>,
    /// The key cache folder (default: $SOLVENT_KEYS, else ~/.cache/solvent).
    #[arg(long)]
    keys: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Subcommand)]
enum Command {
    /// The reference model's figures and both claims (exit 0 both hold, 1 one fails, 2 bad input).
    Check {
        #[arg(long)]
        policy: PathBuf,
        #[arg(long)]
        portfolio: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Generate (or load cached) keys for the policy's circuit shape; prints vk_hash.
    Keygen {
        #[arg(long)]
        policy: PathBuf,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Prove both claims and write the attestation (and optionally the auditor's opening).
    Prove {
        #[arg(long)]
        policy: PathBuf,
        #[arg(long)]
        portfolio: PathBuf,
        /// The attestation file to write.
        #[arg(long)]
        out: PathBuf,
        /// The private opening (portfolio and salt) to write, for auditors.
        #[arg(long)]
        opening: Option<PathBuf>,
        /// Snapshot time, unix seconds (default: now).
        #[arg(long)]
        time: Option<u64>,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Verify an attestation against a policy (exit 0 VALID, 1 INVALID or EXPIRED, 2 bad input).
    Verify {
        #[arg(long)]
        attestation: PathBuf,
        #[arg(long)]
        policy: PathBuf,
        /// The account the attestation must be bound to.
        #[arg(long)]
        account: Option<String>,
        /// The verifier's clock, unix seconds (default: now).
        #[arg(long)]
        now: Option<u64>,
        /// Accept attestations made with the public development SRS (testing only).
        #[arg(long)]
        allow_insecure_srs: bool,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// The auditor's check: the opening matches the attestation's commitment; then the figures.
    Open {
        #[arg(long)]
        attestation: PathBuf,
        #[arg(long)]
        opening: PathBuf,
        #[arg(long)]
        policy: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Write the Solidity verifier for the policy's circuit shape (two contracts: source, bytecode,
    /// ABI), the SolvencyGate registry contract and the wasm verifier's key into a folder (needs
    /// Node.js and `npm ci --prefix contracts`).
    ExportVerifier {
        #[arg(long)]
        policy: PathBuf,
        /// The folder to write.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Print the calldata (hex) that submits an attestation on-chain.
    Calldata {
        #[arg(long)]
        attestation: PathBuf,
        /// `gate`: SolvencyGate.attest(...), sent from the attested account; `verifier`: the
        /// verifier contract's raw input (public inputs, then the proof).
        #[arg(long, value_enum, default_value_t = CalldataTarget::Gate)]
        r#for: CalldataTarget,
    },
    /// Print a policy's hash.
    PolicyHash {
        /// The policy file.
        policy: PathBuf,
    },
    /// Structured reference strings.
    Srs {
        #[command(subcommand)]
        command: SrsCommand,
    },
    /// Run the main job on the embedded example: check, keygen, prove, verify.
    Demo {
        /// Also write the demo's attestation here.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        keys: KeyArgs,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CalldataTarget {
    Gate,
    Verifier,
}

#[derive(Subcommand)]
enum SrsCommand {
    /// Check a ceremony file (size, points, generators, powers, Lagrange points).
    Check {
        /// The file.
        file: PathBuf,
    },
    /// Write the deterministic development SRS (INSECURE).
    Dev {
        #[arg(long)]
        k: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a checked ceremony file cut down to 2^k points.
    Downsize {
        /// The file.
        file: PathBuf,
        #[arg(long)]
        k: u32,
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs `work` behind a spinner; prints the step and its duration when done.
fn step<T>(name: &str, work: impl FnOnce() -> Result<T, CliError>) -> Result<T, CliError> {
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("template"));
    bar.set_message(name.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let start = Instant::now();
    let result = work();
    bar.finish_and_clear();
    let mark = if result.is_ok() { "done" } else { "failed" };
    eprintln!("{name:<28} {mark} in {:.2} s", start.elapsed().as_secs_f64());
    result
}

fn load_policy(path: &Path) -> Result<Policy, CliError> {
    Policy::from_json(&read_text(path)?).map_err(|e| CliError::input(path, e))
}

fn load_portfolio(path: &Path, policy: &Policy) -> Result<Portfolio, CliError> {
    portfolio_from_text(path, &read_text(path)?, policy)
}

fn portfolio_from_text(path: &Path, text: &str, policy: &Policy) -> Result<Portfolio, CliError> {
    let (portfolio, warnings) = Portfolio::from_json(text, policy).map_err(|e| CliError::input(path, e))?;
    for w in warnings {
        eprintln!("warning: {}: {}: {}", path.display(), w.field, w.message);
    }
    Ok(portfolio)
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn key_store(args: &KeyArgs) -> KeyStore {
    KeyStore::new(args.keys.clone().unwrap_or_else(default_dir))
}

fn srs_source(args: &KeyArgs) -> SrsSource {
    match &args.srs {
        Some(path) => SrsSource::File(path.clone()),
        None => {
            eprintln!("warning: no --srs given: using the INSECURE development SRS; attestations made with it prove nothing");
            SrsSource::Development
        }
    }
}

fn set_threads(args: &KeyArgs) {
    if let Some(n) = args.threads {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
}

/// Loads or makes the keys for a circuit; returns them and the SRS.
fn keys_for(circuit: &AttestationCircuit, args: &KeyArgs) -> Result<(solvent_prover::keys::Keys, solvent_params::Srs), CliError> {
    let k = circuit.min_k();
    let store = key_store(args);
    let source = srs_source(args);
    let srs = step(&format!("SRS (k = {k})"), || srs_for(&source, k, &store.dir))?;
    let (keys, cached) = step("keys", || store.load_or_generate(circuit.shape(), &srs))?;
    if !cached {
        eprintln!("keys cached in {}", store.key_dir(circuit.shape(), k, &keys.srs.identity()).display());
    }
    Ok((keys, srs))
}

fn run(cli: Cli) -> Result<i32, CliError> {
    match cli.command {
        Command::Check { policy, portfolio, json } => {
            let p = load_policy(&policy)?;
            let w = load_portfolio(&portfolio, &p)?;
            let r = evaluate(&p, &w);
            if json {
                println!("{}", report::json(&p, &r));
            } else {
                print!("{}", report::human(&p, &r));
            }
            Ok(if r.margin_ok && r.collateral_ok { 0 } else { 1 })
        }
        Command::Keygen { policy, keys } => {
            set_threads(&keys);
            let p = load_policy(&policy)?;
            let circuit = AttestationCircuit::for_shape(Shape::of(&p));
            let (k, _) = keys_for(&circuit, &keys)?;
            println!("shape {}  k = {}  rows = {}", circuit.shape(), k.srs.k, circuit.rows());
            println!("vk_hash {}", encode_hex(&solvent_verifier::verify::vk_hash(k.vk())));
            println!("srs     {}{}", encode_hex(&k.srs.identity()), if k.srs.is_dev() { " (INSECURE development SRS)" } else { "" });
            Ok(0)
        }
        Command::Prove { policy, portfolio, out, opening, time, keys } => {
            set_threads(&keys);
            let p = load_policy(&policy)?;
            let w = load_portfolio(&portfolio, &p)?;
            prove_and_write(p, w, time.unwrap_or_else(now), &out, opening.as_deref(), &keys).map(|_| 0)
        }
        Command::Verify { attestation, policy, account, now: clock, allow_insecure_srs, keys } => {
            let a = Attestation::from_json(&read_text(&attestation)?).map_err(|e| CliError::input(&attestation, e))?;
            let p = load_policy(&policy)?;
            let account = match account {
                Some(text) => Some(parse_account("--account", &text).map_err(|e| CliError::input(Path::new("arguments"), e))?),
                None => None,
            };
            let checks = Checks { account, now: clock.unwrap_or_else(now), allow_insecure_srs };
            verify_file(&a, &p, &checks, &keys)
        }
        Command::Open { attestation, opening, policy, json } => {
            let a = Attestation::from_json(&read_text(&attestation)?).map_err(|e| CliError::input(&attestation, e))?;
            let o = Opening::from_json(&read_text(&opening)?).map_err(|e| CliError::input(&opening, e))?;
            let p = load_policy(&policy)?;
            open(&a, &o, &p, &opening, json)
        }
        Command::ExportVerifier { policy, out, keys } => {
            set_threads(&keys);
            let p = load_policy(&policy)?;
            let circuit = AttestationCircuit::for_shape(Shape::of(&p));
            let (k, _) = keys_for(&circuit, &keys)?;
            let e = step("generate and compile", || export::export_verifier(&k, circuit.shape(), &out))?;
            println!("wrote {} (verifier for shape {}, k = {})", out.display(), circuit.shape(), e.k);
            println!("policy hash {}", field_to_hex(&solvent_circuits::policy_hash(&p)));
            println!(
                "runtime code: Halo2VerifierPart1 {} bytes, Halo2Verifier {} bytes, SolvencyGate {} bytes; wasm verifier key {} bytes",
                e.verifier_part1_runtime_bytes, e.verifier_runtime_bytes, e.gate_runtime_bytes, e.wasm_key_bytes
            );
            println!("deploy Halo2VerifierPart1, then Halo2Verifier(part1), then SolvencyGate(maxSnapshotAge)");
            if e.srs_insecure {
                eprintln!("warning: made with the INSECURE development SRS: proofs against this verifier prove nothing");
            }
            Ok(0)
        }
        Command::Calldata { attestation, r#for } => {
            let a = Attestation::from_json(&read_text(&attestation)?).map_err(|e| CliError::input(&attestation, e))?;
            let data = match r#for {
                CalldataTarget::Gate => solvent_evm::gate::attest(&a),
                CalldataTarget::Verifier => a.public_inputs().and_then(|inputs| {
                    a.proof_bytes().map(|proof| solvent_evm::abi::verifier_calldata(&inputs, &proof))
                }),
            }
            .map_err(|e| CliError::input(&attestation, e))?;
            println!("0x{}", hex::encode(data));
            Ok(0)
        }
        Command::PolicyHash { policy } => {
            println!("{}", field_to_hex(&solvent_circuits::policy_hash(&load_policy(&policy)?)));
            Ok(0)
        }
        Command::Srs { command } => srs_command(command),
        Command::Demo { out, keys } => {
            set_threads(&keys);
            run_demo(out.as_deref(), &keys)
        }
    }
}

fn prove_and_write(
    policy: Policy,
    portfolio: Portfolio,
    snapshot_time: u64,
    out: &Path,
    opening: Option<&Path>,
    keys: &KeyArgs,
) -> Result<Attestation, CliError> {
    if snapshot_time < policy.effective_at || snapshot_time >= policy.expires_at {
        return Err(CliError::Input {
            file: "--time".into(),
            error: solvent_model::InputError::new(
                "snapshot_time",
                format!("{snapshot_time} is outside the policy's window [{}, {})", policy.effective_at, policy.expires_at),
            ),
        });
    }
    let figures = evaluate(&policy, &portfolio);
    if !(figures.margin_ok && figures.collateral_ok) {
        eprint!("{}", report::claims(&policy, &figures));
        return Err(CliError::Refused("refusing to prove: a claim fails for this portfolio (no attestation written)".into()));
    }
    let witness = Witness { policy, portfolio, snapshot_time, salt: prove::random_salt() };
    let circuit = step("witness", || Ok(AttestationCircuit::new(&witness)))?;
    eprintln!("circuit {}: {} rows, k = {}", circuit.shape(), circuit.rows(), circuit.min_k());
    let (keys_, srs) = keys_for(&circuit, keys)?;
    let proof = step("proving", || prove::prove(&keys_, &srs, &circuit, &witness))?;
    let attestation = prove::attestation(&witness, &keys_, &proof);
    step("self-check", || {
        let inputs = witness.public_inputs();
        if solvent_verifier::verify_proof(&keys_.srs, keys_.vk(), &inputs, &proof) {
            Ok(())
        } else {
            Err(CliError::Proof("the new proof does not verify".into()))
        }
    })?;
    if let Some(path) = opening {
        let o = Opening::new(&witness.policy, &witness.portfolio, snapshot_time, &witness.salt, attestation.public_inputs.policy_hash.clone());
        write_file(path, o.to_json().as_bytes())?;
        eprintln!("wrote opening {} (PRIVATE: it reveals the portfolio)", path.display());
    }
    write_file(out, attestation.to_json().as_bytes())?;
    eprintln!("wrote attestation {} (proof {} bytes)", out.display(), proof.len());
    Ok(attestation)
}

fn verify_file(a: &Attestation, p: &Policy, checks: &Checks, keys: &KeyArgs) -> Result<i32, CliError> {
    let verdict = match check_statement(a, p, checks) {
        Err(verdict) => verdict,
        Ok(()) => {
            let (vk, srs) = verifying_key(a, keys)?;
            step("verifying", || Ok(verify(a, p, &vk, &srs, checks)))?
        }
    };
    Ok(print_verdict(&verdict))
}

fn print_verdict(verdict: &Verdict) -> i32 {
    match verdict {
        Verdict::Valid => {
            println!("VALID");
            0
        }
        Verdict::Invalid(reason) => {
            println!("INVALID: {reason}");
            1
        }
        Verdict::Expired(reason) => {
            println!("EXPIRED: {reason}");
            1
        }
    }
}

/// The verifying key an attestation names: from the cache, or derived from the SRS.
fn verifying_key(
    a: &Attestation,
    args: &KeyArgs,
) -> Result<(halo2_proofs::plonk::VerifyingKey<halo2_proofs::halo2curves::bn256::G1Affine>, solvent_params::VerifierSrs), CliError> {
    let store = key_store(args);
    let shape = a.shape();
    let identity: [u8; 32] = solvent_verifier::attestation::decode_hex("srs.identity", &a.srs.identity)
        .ok()
        .and_then(|b| b.try_into().ok())
        .unwrap_or([0; 32]);
    if let Some(found) = store.load_vk(shape, a.circuit.k, &identity) {
        return Ok(found);
    }
    let source = match (&args.srs, a.srs.insecure) {
        (Some(path), _) => SrsSource::File(path.clone()),
        (None, true) => SrsSource::Development,
        (None, false) => {
            return Err(CliError::Refused(format!(
                "no verifying key cached for shape {shape} under SRS {}: pass --srs with that ceremony file to derive it",
                a.srs.identity
            )))
        }
    };
    let srs = step(&format!("SRS (k = {})", a.circuit.k), || srs_for(&source, a.circuit.k, &store.dir))?;
    let keys = step("keys", || store.load_or_generate(shape, &srs))?.0;
    Ok((keys.vk().clone(), keys.srs))
}

fn open(a: &Attestation, o: &Opening, p: &Policy, opening_path: &Path, json: bool) -> Result<i32, CliError> {
    let policy_hash = field_to_hex(&solvent_circuits::policy_hash(p));
    if a.public_inputs.policy_hash != policy_hash {
        return Err(CliError::Refused(format!("the attestation is for policy hash {}, not this policy's {policy_hash}", a.public_inputs.policy_hash)));
    }
    if o.policy_hash != a.public_inputs.policy_hash || o.snapshot_time != a.public_inputs.snapshot_time {
        return Err(CliError::Refused("the opening is for another attestation (policy hash or snapshot time differ)".into()));
    }
    let portfolio = o.portfolio(p).map_err(|e| CliError::input(opening_path, e))?;
    let salt = o.salt().map_err(|e| CliError::input(opening_path, e))?;
    let commitment = field_to_hex(&solvent_circuits::portfolio_commitment(&portfolio, o.snapshot_time, &salt));
    if commitment != a.public_inputs.portfolio_commitment {
        println!("DOES NOT MATCH: the opening commits to {commitment}, the attestation to {}", a.public_inputs.portfolio_commitment);
        return Ok(1);
    }
    let figures = evaluate(p, &portfolio);
    if json {
        let mut value = report::json(p, &figures);
        value["opening_matches"] = serde_json::Value::Bool(true);
        println!("{value}");
    } else {
        println!("the opening matches the attestation's portfolio commitment");
        print!("{}", report::human(p, &figures));
    }
    Ok(0)
}

fn srs_command(command: SrsCommand) -> Result<i32, CliError> {
    let srs_error = |file: &Path| {
        let file = file.display().to_string();
        move |error| CliError::Srs { file: file.clone(), error }
    };
    match command {
        SrsCommand::Check { file } => {
            let srs = step("checking", || solvent_params::load(&file).map_err(srs_error(&file)))?;
            let v = solvent_params::VerifierSrs::of(&srs);
            println!("k        {}", v.k);
            println!("identity {}", encode_hex(&v.identity()));
            if v.is_dev() {
                println!("INSECURE: this is the public development SRS");
            }
            println!("all checks passed");
            Ok(0)
        }
        SrsCommand::Dev { k, out } => {
            if k == 0 || k > solvent_params::MAX_K {
                return Err(CliError::Input { file: "--k".into(), error: solvent_model::InputError::new("k", format!("{k} is out of range")) });
            }
            let srs = step("generating", || Ok(solvent_params::dev_srs(k)))?;
            write_file(&out, &solvent_params::to_bytes(&srs))?;
            eprintln!("wrote the INSECURE development SRS (k = {k}) to {}", out.display());
            Ok(0)
        }
        SrsCommand::Downsize { file, k, out } => {
            let srs = step("checking", || solvent_params::load(&file).map_err(srs_error(&file)))?;
            let small = solvent_params::downsize(&srs, k).map_err(srs_error(&file))?;
            write_file(&out, &solvent_params::to_bytes(&small))?;
            eprintln!("wrote k = {k} to {}", out.display());
            Ok(0)
        }
    }
}

fn run_demo(out: Option<&Path>, keys: &KeyArgs) -> Result<i32, CliError> {
    let total = Instant::now();
    let policy = Policy::from_json(demo::POLICY).map_err(|e| CliError::input(Path::new("demo policy"), e))?;
    let portfolio = portfolio_from_text(Path::new("demo portfolio"), demo::PORTFOLIO, &policy)?;
    println!("== solvent demo: a desk's book under a SPAN-style policy ==");
    print!("{}", report::human(&policy, &evaluate(&policy, &portfolio)));
    let dir = std::env::temp_dir().join(format!("solvent-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|error| CliError::Io { file: dir.display().to_string(), error })?;
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| dir.join("attestation.json"));
    let a = prove_and_write(policy.clone(), portfolio, demo::SNAPSHOT_TIME, &path, None, keys)?;
    let checks = Checks { account: None, now: demo::SNAPSHOT_TIME, allow_insecure_srs: true };
    let code = verify_file(&a, &policy, &checks, keys)?;
    println!("proof {} bytes, k = {}; total {:.1} s", a.proof.len() / 2 - 1, a.circuit.k, total.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(code)
}

fn main() {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
