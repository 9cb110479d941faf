//! The CosmWasm gate (`solvent-gate-cosmwasm`) run in cosmwasm-vm, the VM CosmWasm chains run:
//! `tests/vm.rs`. Kept apart from the test command because building the VM costs about four
//! minutes on two cores; `scripts/test-cosmwasm.sh` runs it.
#![deny(missing_docs)]
