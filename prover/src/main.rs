//! `solvent`: prove in zero knowledge that a portfolio meets a policy's margin and collateral
//! thresholds; verify and open such attestations. A thin command line over
//! [`solvent_prover::commands`].

mod cli;
#[cfg(feature = "cuda")]
mod gpu_check;

fn main() {
    let cli = cli::parse();
    let json = cli.prints_json();
    let code = match cli.run(&mut std::io::stdout().lock()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            if json {
                let error = solvent_prover::report::json::ErrorJson { error: e.to_string(), exit_code: e.exit_code() };
                println!("{}", serde_json::to_string(&error).expect("serialisable"));
            }
            e.exit_code()
        }
    };
    std::process::exit(code);
}
