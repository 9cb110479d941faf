//! Errors of the EVM tooling.

/// What went wrong generating, compiling or running contracts.
#[derive(Debug, thiserror::Error)]
pub enum EvmError {
    /// The Solidity compiler could not be found or started.
    #[error("cannot run the Solidity compiler: {0}")]
    CompilerMissing(String),
    /// The compiler reported errors.
    #[error("solc refused the source:\n{0}")]
    Compile(String),
    /// The compiler's output was not what was asked for.
    #[error("unexpected solc output: {0}")]
    CompilerOutput(String),
    /// The EVM refused to run a transaction.
    #[error("transaction not executed: {0}")]
    Transaction(String),
    /// A deployment reverted or halted.
    #[error("deployment failed: {0}")]
    Deployment(String),
}
