//! The governance of a gate's risk policies, `SolventRiskGovernor` (`contracts/SolventRiskGovernor.sol`):
//! OpenZeppelin's `Governor` with a `TimelockController` that owns the gate, where a proposal
//! declared as loosening risk needs two thirds of the votes cast and a longer delay
//! (`docs/design.md` §7). Calls built from the contract's functions by alloy's `sol!`.

use crate::solc::{Compiled, Optimizer, Solc};
use crate::EvmError;
use alloy_sol_types::private::{Address, Bytes, FixedBytes, U256};
use alloy_sol_types::{SolCall, SolError};

/// The contract's source.
pub const SOURCE: &str = include_str!("../../contracts/SolventRiskGovernor.sol");

/// The contract's name.
pub const CONTRACT: &str = "SolventRiskGovernor";

/// The description's ending that declares a loosening proposal (the contract's `LOOSENS`).
pub const LOOSENS: &str = "[solvent:loosens]";

/// The functions this crate calls, as the contract (and OpenZeppelin's `Governor`) declares them.
#[allow(missing_docs)]
pub mod contract {
    alloy_sol_types::sol! {
        interface ISolventRiskGovernor {
            function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns (uint256);
            function castVote(uint256 proposalId, uint8 support) returns (uint256);
            function queue(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns (uint256);
            function execute(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) payable returns (uint256);
            function state(uint256 proposalId) view returns (uint8);
            function loosens(uint256 proposalId) view returns (bool);
            error LooseningDelay(uint256 proposalId, uint256 readyAt);
        }
    }
}

use contract::ISolventRiskGovernor as Governor;

/// Compiles the governor (with the OpenZeppelin files it imports).
pub fn compile(solc: &Solc, optimizer: Optimizer) -> Result<Compiled, EvmError> {
    crate::openzeppelin::compile_with_openzeppelin(solc, &[("SolventRiskGovernor.sol", SOURCE)], CONTRACT, optimizer)
}

/// A proposal: calls to the gate (each its calldata) and the description.
#[derive(Clone, Debug)]
pub struct Proposal {
    /// The gate.
    pub target: [u8; 20],
    /// The calldata of each call to it.
    pub calls: Vec<Vec<u8>>,
    /// The description (ending with [`LOOSENS`] if it declares loosening).
    pub description: String,
}

impl Proposal {
    fn parts(&self) -> (Vec<Address>, Vec<U256>, Vec<Bytes>) {
        let targets = vec![Address::from(self.target); self.calls.len()];
        (targets, vec![U256::ZERO; self.calls.len()], self.calls.iter().map(|c| Bytes::from(c.clone())).collect())
    }

    fn description_hash(&self) -> FixedBytes<32> {
        FixedBytes::from(crate::abi::keccak256(self.description.as_bytes()))
    }

    /// `propose(...)`.
    pub fn propose(&self) -> Vec<u8> {
        let (targets, values, calldatas) = self.parts();
        Governor::proposeCall { targets, values, calldatas, description: self.description.clone() }.abi_encode()
    }

    /// `queue(...)`.
    pub fn queue(&self) -> Vec<u8> {
        let (targets, values, calldatas) = self.parts();
        Governor::queueCall { targets, values, calldatas, descriptionHash: self.description_hash() }.abi_encode()
    }

    /// `execute(...)`.
    pub fn execute(&self) -> Vec<u8> {
        let (targets, values, calldatas) = self.parts();
        Governor::executeCall { targets, values, calldatas, descriptionHash: self.description_hash() }.abi_encode()
    }
}

/// `castVote(proposalId, support)`: 0 against, 1 for, 2 abstain.
pub fn cast_vote(proposal_id: [u8; 32], support: u8) -> Vec<u8> {
    Governor::castVoteCall { proposalId: U256::from_be_bytes(proposal_id), support }.abi_encode()
}

/// `state(proposalId)`: OpenZeppelin's `ProposalState` (4 succeeded, 3 defeated, 5 queued, 7 executed).
pub fn state(proposal_id: [u8; 32]) -> Vec<u8> {
    Governor::stateCall { proposalId: U256::from_be_bytes(proposal_id) }.abi_encode()
}

/// The selector of `LooseningDelay(uint256,uint256)`.
pub fn loosening_delay_selector() -> [u8; 4] {
    Governor::LooseningDelay::SELECTOR
}
