//! The exported functions of the wasm module. The host allocates buffers in the module's memory
//! with `solvent_alloc`, writes the key, the public inputs and the proof into them, calls
//! `solvent_verify`, and frees them with `solvent_free`.
//!
//! `solvent_verify` returns 0 when the proof verifies, else a [`crate::VerifyError`] code (1 to 8).
//! `solvent_verify_attestation` applies every rule of `solvent-statement` to an attestation file
//! against a `verifier.json` and returns its outcome as JSON (see [`solvent_verify_attestation`]).
// Raw pointers cross the wasm boundary: this module is the only unsafe code of the crate.
#![allow(unsafe_code)]

use crate::verify_bytes;
use alloc::vec::Vec;

/// Reserves `len` bytes of module memory; returns their address.
#[no_mangle]
pub extern "C" fn solvent_alloc(len: u32) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len as usize);
    let ptr = buffer.as_mut_ptr();
    core::mem::forget(buffer);
    ptr
}

/// Releases a buffer from [`solvent_alloc`].
///
/// # Safety
/// `ptr` and `len` must come from one `solvent_alloc` call, freed once.
#[no_mangle]
pub unsafe extern "C" fn solvent_free(ptr: *mut u8, len: u32) {
    // SAFETY: the caller passes a buffer of capacity `len` that solvent_alloc made.
    drop(unsafe { Vec::from_raw_parts(ptr, 0, len as usize) });
}

/// Verifies a proof: 0 when it verifies, else a [`crate::VerifyError`] code. The arguments are
/// those of [`crate::verify_bytes`]: the key, the policy commitment, the public inputs, the
/// proof.
///
/// # Safety
/// Each (pointer, length) pair must be a buffer from [`solvent_alloc`] with that many bytes
/// written.
#[no_mangle]
pub unsafe extern "C" fn solvent_verify(
    key_ptr: *const u8,
    key_len: u32,
    commitment_ptr: *const u8,
    commitment_len: u32,
    inputs_ptr: *const u8,
    inputs_len: u32,
    proof_ptr: *const u8,
    proof_len: u32,
) -> u32 {
    // SAFETY: the caller guarantees the buffers are valid and initialised for these lengths.
    let (key, commitment, inputs, proof) = unsafe {
        (
            core::slice::from_raw_parts(key_ptr, key_len as usize),
            core::slice::from_raw_parts(commitment_ptr, commitment_len as usize),
            core::slice::from_raw_parts(inputs_ptr, inputs_len as usize),
            core::slice::from_raw_parts(proof_ptr, proof_len as usize),
        )
    };
    match verify_bytes(key, commitment, inputs, proof) {
        Ok(()) => 0,
        Err(error) => error as u32,
    }
}

/// Verifies an attestation file (its JSON) against the verifier key, a `verifier.json` (the
/// trusted registration `solvent export-verifier` wrote) and the caller's options (JSON: `now`,
/// `account`, `max_age`, `allow_insecure_srs`), with every rule of `solvent-statement`. Returns a
/// buffer from [`solvent_alloc`]: a 4-byte little-endian length, then that many bytes of JSON
/// (the outcome, or `{"error": ..}` for input that does not parse); the host frees it with
/// [`solvent_free`] (length + 4).
///
/// # Safety
/// As [`solvent_verify`].
#[no_mangle]
pub unsafe extern "C" fn solvent_verify_attestation(
    attestation_ptr: *const u8,
    attestation_len: u32,
    registration_ptr: *const u8,
    registration_len: u32,
    key_ptr: *const u8,
    key_len: u32,
    options_ptr: *const u8,
    options_len: u32,
) -> *mut u8 {
    // SAFETY: the caller guarantees the buffers are valid and initialised for these lengths.
    let (attestation, registration, key, options) = unsafe {
        (
            core::slice::from_raw_parts(attestation_ptr, attestation_len as usize),
            core::slice::from_raw_parts(registration_ptr, registration_len as usize),
            core::slice::from_raw_parts(key_ptr, key_len as usize),
            core::slice::from_raw_parts(options_ptr, options_len as usize),
        )
    };
    let outcome = solvent_statement::verify_json(attestation, registration, options, |commitment, inputs, proof| {
        verify_bytes(key, commitment, inputs, proof).map_err(crate::VerifyError::name)
    });
    let mut buffer = Vec::with_capacity(4 + outcome.len());
    buffer.extend_from_slice(&(outcome.len() as u32).to_le_bytes());
    buffer.extend_from_slice(&outcome);
    let ptr = solvent_alloc(buffer.len() as u32);
    // SAFETY: solvent_alloc reserved buffer.len() bytes at ptr.
    unsafe { core::ptr::copy_nonoverlapping(buffer.as_ptr(), ptr, buffer.len()) };
    ptr
}
