//! The exported functions of the wasm module. The host allocates buffers in the module's memory
//! with `solvent_alloc`, writes the key, the public inputs and the proof into them, calls
//! `solvent_verify`, and frees them with `solvent_free`.
//!
//! `solvent_verify` returns 0 when the proof verifies, else a [`crate::VerifyError`] code (1 to 8).
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
