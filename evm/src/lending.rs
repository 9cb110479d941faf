//! The reference lending integration `SolventCreditLine` (`contracts/SolventCreditLine.sol`): an
//! ERC-20 pool that extends unsecured credit only while its borrower holds an attestation
//! (`docs/design.md` §7). It imports OpenZeppelin's contracts from npm ([`crate::openzeppelin`]).

use crate::abi::{encode, Token};
use crate::openzeppelin::compile_with_openzeppelin;
use crate::solc::{Compiled, Optimizer, Solc};
use crate::EvmError;

/// The contract's source.
pub const SOURCE: &str = include_str!("../../contracts/SolventCreditLine.sol");

/// The contract's name.
pub const CONTRACT: &str = "SolventCreditLine";

/// Compiles `SolventCreditLine` (with `ISolvencyGate` and OpenZeppelin's `IERC20` and
/// `SafeERC20`).
pub fn compile(solc: &Solc, optimizer: Optimizer) -> Result<Compiled, EvmError> {
    let sources = [("SolventCreditLine.sol", SOURCE), ("ISolvencyGate.sol", crate::gate::INTERFACE_SOURCE)];
    compile_with_openzeppelin(solc, &sources, CONTRACT, optimizer)
}

/// Constructor arguments: the pool's asset, the gate, the policy whose attestations extend credit,
/// and the credit line (in the asset's smallest units).
pub fn constructor_args(asset: &[u8; 20], gate: &[u8; 20], policy_id: &[u8; 32], credit_limit: u64) -> Vec<u8> {
    encode(&[Token::address(asset), Token::address(gate), Token::Word(*policy_id), Token::uint(credit_limit)])
}
