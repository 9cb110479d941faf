//! OpenZeppelin's contracts from npm (`@openzeppelin/contracts`, pinned in
//! `contracts/package.json` beside the compiler): the files a source imports, read from the
//! compiler folder's `node_modules`, and compiling with them (the lending and governance
//! contracts, and tests' tokens).

use crate::solc::{Compiled, Optimizer, Solc};
use crate::EvmError;
use std::collections::BTreeMap;

/// The `import "...";` paths of a Solidity source: its statements whose first line of code (past
/// blank lines and `//` comments) starts with `import`.
fn imports(source: &str) -> Vec<&str> {
    let is_import = |statement: &&str| {
        statement
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with("//"))
            .is_some_and(|line| line.starts_with("import"))
    };
    source.split(';').filter(is_import).filter_map(|statement| statement.split('"').nth(1)).collect()
}

/// `path` imported from the source unit `from`: relative paths resolved against its folder.
fn resolve(from: &str, path: &str) -> String {
    if !path.starts_with('.') {
        return path.to_string();
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// `sources` (unit name, content) with every OpenZeppelin file they import, directly or not, read
/// from the compiler folder's `node_modules` (`npm ci --prefix contracts`).
pub fn openzeppelin_sources(solc: &Solc, sources: &[(&str, &str)]) -> Result<Vec<(String, String)>, EvmError> {
    let mut all: BTreeMap<String, String> = sources.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect();
    let mut pending: Vec<String> = all.keys().cloned().collect();
    while let Some(unit) = pending.pop() {
        let wanted: Vec<String> = imports(&all[&unit]).into_iter().map(|path| resolve(&unit, path)).collect();
        for name in wanted {
            if all.contains_key(&name) {
                continue;
            }
            if !name.starts_with("@openzeppelin/contracts/") {
                return Err(EvmError::Compile(format!("{unit} imports {name}, which is neither given nor OpenZeppelin's")));
            }
            let file = solc.packages().join(&name);
            let text = std::fs::read_to_string(&file).map_err(|e| {
                EvmError::CompilerMissing(format!(
                    "{}: {e} (run `npm ci --prefix contracts`: it installs @openzeppelin/contracts)",
                    file.display()
                ))
            })?;
            all.insert(name.clone(), text);
            pending.push(name);
        }
    }
    Ok(all.into_iter().collect())
}

/// Compiles `sources` with the OpenZeppelin files they import; returns the contract `name`.
pub fn compile_with_openzeppelin(solc: &Solc, sources: &[(&str, &str)], name: &str, optimizer: Optimizer) -> Result<Compiled, EvmError> {
    let all = openzeppelin_sources(solc, sources)?;
    let borrowed: Vec<(&str, &str)> = all.iter().map(|(name, text)| (name.as_str(), text.as_str())).collect();
    solc.compile(&borrowed, optimizer)?.remove(name).ok_or_else(|| EvmError::CompilerOutput(format!("no contract named {name}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_imports_resolve_against_the_importing_file() {
        let from = "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
        assert_eq!(resolve(from, "../IERC20.sol"), "@openzeppelin/contracts/token/ERC20/IERC20.sol");
        assert_eq!(resolve(from, "../../../utils/Address.sol"), "@openzeppelin/contracts/utils/Address.sol");
        assert_eq!(resolve("SolventCreditLine.sol", "./ISolvencyGate.sol"), "ISolvencyGate.sol");
        assert_eq!(
            imports("pragma solidity 0.8.19; import {A} from \"a/A.sol\";\n// import \"no.sol\";\nimport \"b.sol\";"),
            ["a/A.sol", "b.sol"]
        );
        assert_eq!(
            imports(crate::lending::SOURCE),
            [
                "@openzeppelin/contracts/token/ERC20/IERC20.sol",
                "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol",
                "./ISolvencyGate.sol"
            ]
        );
    }
}
