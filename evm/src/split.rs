//! Splitting the generated verifier into two contracts that each fit Ethereum mainnet's code size
//! limit (EIP-170: 24,576 bytes of runtime code).
//!
//! snark-verifier generates one assembly block in which every step stores its results at fixed
//! memory addresses; the only other state is the `success` flag. So the block can be cut at any
//! top-level statement:
//!
//! - `Halo2VerifierPart1` runs the statements before the cut on the calldata it is given and
//!   returns its memory up to the highest address the first part writes, followed by `success`.
//! - `Halo2Verifier` (constructed with the first part's address) forwards its calldata to the
//!   first part, copies the returned memory into its own, and runs the rest: the final checks and
//!   the pairing. It takes the same calldata and reverts on the same proofs as the unsplit
//!   verifier.

use crate::chain::EIP170_CODE_SIZE_LIMIT;
use crate::solc::{Compiled, Optimizer, Solc};
use crate::EvmError;

/// The name of the first part's contract.
pub const PART1_CONTRACT: &str = "Halo2VerifierPart1";
/// The name of the contract that is called (the second part).
pub const MAIN_CONTRACT: &str = "Halo2Verifier";

/// The generated assembly block, taken apart.
#[derive(Clone, Debug)]
struct Parts<'a> {
    /// Declarations the body relies on: `success`, the moduli, `validate_ec_point`.
    prologue: &'a str,
    /// Top-level statements (each a line, or a `{ ... }` block over several lines).
    statements: Vec<&'a str>,
}

const EPILOGUE_MARK: &str = "// Revert if anything fails";
const RETURN_MARK: &str = "return(0, 0)";

fn parse(source: &str) -> Result<Parts<'_>, EvmError> {
    let unexpected = |what: &str| EvmError::Split(format!("unexpected generated verifier: {what}"));
    let start = source.find("assembly (\"memory-safe\") {").ok_or_else(|| unexpected("no assembly block"))?;
    let start = start + source[start..].find('\n').ok_or_else(|| unexpected("no body"))? + 1;
    let end = source.find(EPILOGUE_MARK).ok_or_else(|| unexpected("no final check"))?;
    if !source[end..].contains(RETURN_MARK) {
        return Err(unexpected("no final return"));
    }
    let block = &source[start..end];
    // The prologue ends with `validate_ec_point`'s closing brace.
    let function = block.find("function validate_ec_point").ok_or_else(|| unexpected("no point check"))?;
    let mut depth = 0usize;
    let mut prologue_end = None;
    for (i, c) in block[function..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    prologue_end = Some(function + i + 1);
                    break;
                }
            }
            _ => {}
        }
    }
    let prologue_end = prologue_end.ok_or_else(|| unexpected("unbalanced point check"))?;
    let (prologue, body) = block.split_at(prologue_end);
    let mut statements = Vec::new();
    let mut depth = 0i64;
    let mut from = 0usize;
    for (offset, line) in line_spans(body) {
        depth += line.matches('{').count() as i64 - line.matches('}').count() as i64;
        if depth < 0 {
            return Err(unexpected("unbalanced braces"));
        }
        if depth == 0 {
            let statement = &body[from..offset + line.len()];
            if !statement.trim().is_empty() {
                if statement.trim_start().starts_with("let ") || statement.trim_start().starts_with("function ") {
                    return Err(unexpected("a top-level declaration in the body"));
                }
                statements.push(statement);
            }
            from = offset + line.len();
        }
    }
    if depth != 0 || !body[from..].trim().is_empty() {
        return Err(unexpected("an unfinished statement"));
    }
    Ok(Parts { prologue, statements })
}

/// Each line of `text` with its byte offset (newline included).
fn line_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let at = offset;
        offset += line.len();
        (at, line)
    })
}

/// The address of each `mstore` in `statement` (a hex or decimal literal), or `None` for a store to
/// a computed address.
fn store_addresses(statement: &str) -> impl Iterator<Item = Option<u64>> + '_ {
    statement.match_indices("mstore(").map(move |(i, m)| {
        let rest = &statement[i + m.len()..];
        match rest.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(&hex.chars().take_while(char::is_ascii_hexdigit).collect::<String>(), 16).ok(),
            None => rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok(),
        }
    })
}

/// The highest memory address the statements write, if any.
fn highest_store(statements: &[&str]) -> Option<u64> {
    statements.iter().flat_map(|s| store_addresses(s)).flatten().max()
}

fn part1_source(parts: &Parts, cut: usize, image: u64) -> String {
    let body: String = parts.statements[..cut].concat();
    format!(
        "// SPDX-License-Identifier: MIT

pragma solidity 0.8.19;

/// The first part of a solvent verifier (generated by snark-verifier, split to fit EIP-170):
/// returns its working memory and the success flag for `Halo2Verifier` to continue from.
contract {PART1_CONTRACT} {{
    fallback(bytes calldata) external returns (bytes memory) {{
        assembly (\"memory-safe\") {{
{prologue}
{body}
            mstore({image:#x}, success)
            return(0, {end:#x})
        }}
    }}
}}
",
        prologue = parts.prologue,
        end = image + 0x20,
    )
}

fn main_source(source: &str, parts: &Parts, cut: usize, image: u64, scratch: u64) -> String {
    let body: String = parts.statements[cut..].concat();
    // From the final check to the `return` that ends the assembly block.
    let epilogue = &source[source.find(EPILOGUE_MARK).expect("parsed")..];
    let epilogue = &epilogue[..epilogue.find(RETURN_MARK).expect("parsed") + RETURN_MARK.len()];
    format!(
        "// SPDX-License-Identifier: MIT

pragma solidity 0.8.19;

/// A solvent verifier (generated by snark-verifier, split to fit EIP-170): the calldata is the four
/// public inputs as 32-byte big-endian words, then the proof; it reverts unless the proof
/// verifies. The first part of the work runs in `{PART1_CONTRACT}`.
contract {MAIN_CONTRACT} {{
    /// The first part.
    address private immutable part1;

    constructor(address part1_) {{
        part1 = part1_;
    }}

    fallback(bytes calldata) external returns (bytes memory) {{
        address first = part1;
        assembly (\"memory-safe\") {{
{prologue}
            // The first part, on the same calldata; its memory comes back as return data.
            calldatacopy({scratch:#x}, 0, calldatasize())
            success := staticcall(gas(), first, {scratch:#x}, calldatasize(), 0, 0)
            if iszero(and(success, eq(returndatasize(), {end:#x}))) {{ revert(0, 0) }}
            returndatacopy(0, 0, {end:#x})
            success := and(success, eq(mload({image:#x}), 1))
{body}
            {epilogue}
        }}
    }}
}}
",
        prologue = parts.prologue,
        end = image + 0x20,
    )
}

/// Creation code of `Halo2Verifier` with its constructor argument, the first part's address.
pub fn main_creation_code(main: &Compiled, part1: &[u8; 20]) -> Vec<u8> {
    [main.bytecode.clone(), crate::abi::encode(&[crate::abi::Token::address(part1)])].concat()
}

/// The two contracts of a split verifier, compiled.
#[derive(Clone, Debug)]
pub struct SplitVerifier {
    /// `Halo2VerifierPart1`'s source.
    pub part1_source: String,
    /// `Halo2VerifierPart1`, compiled.
    pub part1: Compiled,
    /// `Halo2Verifier`'s source (its constructor takes the first part's address).
    pub main_source: String,
    /// `Halo2Verifier`, compiled.
    pub main: Compiled,
}

/// Splits the generated verifier `source` so that both parts fit EIP-170, trying cuts around the
/// middle of the statements (by source size).
pub fn split_verifier(solc: &Solc, source: &str) -> Result<SplitVerifier, EvmError> {
    let parts = parse(source)?;
    if parts.statements.iter().any(|s| store_addresses(s).any(|a| a.is_none())) {
        return Err(EvmError::Split("a store to a computed address".into()));
    }
    let n = parts.statements.len();
    let all = highest_store(&parts.statements).ok_or_else(|| EvmError::Split("no memory stores".into()))?;
    let scratch = (all + 0x20 + 0x1f) & !0x1f;
    let sizes: Vec<usize> = parts.statements.iter().map(|s| s.len()).collect();
    let total: usize = sizes.iter().sum();
    // The cut where the first part holds `share` of the source.
    let cut_at = |share: f64| {
        let target = (total as f64 * share) as usize;
        let mut acc = 0;
        sizes.iter().position(|s| {
            acc += s;
            acc >= target
        })
        .map_or(n, |i| i + 1)
    };
    let (mut low, mut high) = (0.2f64, 0.8f64);
    let mut last = String::new();
    for _ in 0..8 {
        let share = (low + high) / 2.0;
        let cut = cut_at(share);
        // The first part's memory ends after its highest store; `success` goes right after.
        let image = highest_store(&parts.statements[..cut]).map_or(0, |a| a + 0x20);
        let part1_source = part1_source(&parts, cut, image);
        let main_source = main_source(source, &parts, cut, image, scratch);
        let part1 = solc.compile_contract(&part1_source, PART1_CONTRACT, Optimizer::Off)?;
        let main = solc.compile_contract(&main_source, MAIN_CONTRACT, Optimizer::Off)?;
        let (a, b) = (part1.runtime.len(), main.runtime.len());
        if a <= EIP170_CODE_SIZE_LIMIT && b <= EIP170_CODE_SIZE_LIMIT {
            return Ok(SplitVerifier { part1_source, part1, main_source, main });
        }
        last = format!("part 1 {a} bytes, part 2 {b} bytes");
        if a > b {
            high = share;
        } else {
            low = share;
        }
    }
    Err(EvmError::Split(format!("no cut fits both parts under {EIP170_CODE_SIZE_LIMIT} bytes (last: {last})")))
}
