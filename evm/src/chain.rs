//! A local EVM chain (revm, its default hard fork) to deploy and call contracts: for tests and
//! gas figures.

use crate::EvmError;
use revm::{
    context::{result::ExecutionResult, TxEnv},
    database::{CacheDB, EmptyDB},
    handler::{MainnetContext, MainnetEvm},
    primitives::{Address, Bytes, TxKind, U256},
    Context, ExecuteCommitEvm, MainBuilder, MainContext,
};

pub use crate::EIP170_CODE_SIZE_LIMIT;

/// The outcome of a transaction.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Whether it succeeded (neither reverted nor halted).
    pub success: bool,
    /// Gas used by the whole transaction (intrinsic, calldata and execution).
    pub gas_used: u64,
    /// Return data, or revert data.
    pub output: Vec<u8>,
    /// Number of logs emitted.
    pub logs: usize,
    /// Why it halted, if it did.
    pub halt: Option<String>,
}

/// A one-node chain in memory. Gas is free (price zero); nonces are not checked.
pub struct LocalChain {
    evm: MainnetEvm<MainnetContext<CacheDB<EmptyDB>>>,
}

impl Default for LocalChain {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalChain {
    /// An empty chain at time 1 that enforces EIP-170 (runtime code at most 24,576 bytes), as
    /// Ethereum mainnet does.
    pub fn new() -> Self {
        Self::with_code_size_limit(EIP170_CODE_SIZE_LIMIT)
    }

    /// An empty chain at time 1 that accepts runtime code up to `limit` bytes (some rollups allow
    /// more than mainnet).
    pub fn with_code_size_limit(limit: usize) -> Self {
        let mut evm = Context::mainnet()
            .with_db(CacheDB::new(EmptyDB::default()))
            .modify_cfg_chained(|cfg| {
                cfg.disable_nonce_check = true;
                cfg.limit_contract_code_size = Some(limit);
            })
            .build_mainnet();
        evm.ctx.block.timestamp = U256::from(1);
        LocalChain { evm }
    }

    /// Sets the timestamp of the next blocks.
    pub fn set_time(&mut self, unix_seconds: u64) {
        self.evm.ctx.block.timestamp = U256::from(unix_seconds);
    }

    /// Deploys `creation_code` (with constructor arguments appended) from `from`.
    pub fn deploy(&mut self, from: [u8; 20], creation_code: Vec<u8>) -> Result<([u8; 20], Outcome), EvmError> {
        let result = self.transact(from, TxKind::Create, creation_code)?;
        let address = result.created_address();
        let outcome = outcome(result);
        match address {
            Some(address) if outcome.success => Ok((address.into_array(), outcome)),
            _ => Err(EvmError::Deployment(outcome.halt.unwrap_or_else(|| format!("reverted with 0x{}", hex::encode(&outcome.output))))),
        }
    }

    /// Sends a transaction with `data` from `from` to `to`, committing its effects.
    pub fn call(&mut self, from: [u8; 20], to: [u8; 20], data: Vec<u8>) -> Result<Outcome, EvmError> {
        Ok(outcome(self.transact(from, TxKind::Call(Address::from(to)), data)?))
    }

    /// The code stored at `address`.
    pub fn code_size(&mut self, address: [u8; 20]) -> usize {
        use revm::Database;
        let db = &mut self.evm.ctx.journaled_state.database;
        db.basic(Address::from(address)).ok().flatten().and_then(|info| info.code).map(|code| code.original_bytes().len()).unwrap_or(0)
    }

    fn transact(&mut self, from: [u8; 20], kind: TxKind, data: Vec<u8>) -> Result<ExecutionResult, EvmError> {
        let tx = TxEnv::builder()
            .caller(Address::from(from))
            .kind(kind)
            .data(Bytes::from(data))
            .build()
            .map_err(|e| EvmError::Transaction(format!("{e:?}")))?;
        self.evm.transact_commit(tx).map_err(|e| EvmError::Transaction(e.to_string()))
    }
}

fn outcome(result: ExecutionResult) -> Outcome {
    let gas_used = result.tx_gas_used();
    match result {
        ExecutionResult::Success { output, logs, .. } => {
            Outcome { success: true, gas_used, output: output.into_data().to_vec(), logs: logs.len(), halt: None }
        }
        ExecutionResult::Revert { output, logs, .. } => {
            Outcome { success: false, gas_used, output: output.to_vec(), logs: logs.len(), halt: None }
        }
        ExecutionResult::Halt { reason, logs, .. } => {
            Outcome { success: false, gas_used, output: Vec::new(), logs: logs.len(), halt: Some(format!("{reason:?}")) }
        }
    }
}
