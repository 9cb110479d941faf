//! The prover's integration tests, in one test binary (one link, and the shared helpers compiled
//! once): each module is one subject.

mod common;

mod audit;
mod catalogue;
mod cli;
mod commands;
mod fetch;
mod fixture;
mod halo2;
mod install;
mod js;
mod onchain;
mod robustness;
mod signed;
mod soundness;
mod trust;
mod wasm;
