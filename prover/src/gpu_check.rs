//! The `cuda` build's start-up check. The GPU libraries initialise a device pool from a static
//! constructor, which aborts the process when no usable GPU is present. This check runs first
//! (from `.preinit_array`, before any constructor) and, where there is no GPU, ends the process
//! with a clear message and exit status 2 instead.
// Calls into the CUDA driver (through the build's libcuda shim) before `main`: the only unsafe
// code of the crate.
#![allow(unsafe_code)]

use std::io::Write;

extern "C" {
    fn cuInit(flags: u32) -> i32;
    fn cuDriverGetVersion(version: *mut i32) -> i32;
    fn cuDeviceGetCount(count: *mut i32) -> i32;
}

/// The CUDA version the binary's runtime needs from the driver (13.0: minor-version
/// compatibility covers 13.x).
const REQUIRED_DRIVER_CUDA: i32 = 13_000;

fn refuse(reason: String) -> ! {
    let _ = writeln!(std::io::stderr(), "error: this is the CUDA build of solvent and {reason}; use the CPU build on this machine");
    std::process::exit(2)
}

extern "C" fn check_gpu() {
    // SAFETY: plain driver API calls with valid out-pointers; the shim returns an error code
    // (CUDA_ERROR_NO_DEVICE) when no driver is installed.
    let (init, version, count) = unsafe {
        let init = cuInit(0);
        let mut version = 0;
        let mut count = 0;
        if init == 0 {
            cuDriverGetVersion(&mut version);
            cuDeviceGetCount(&mut count);
        }
        (init, version, count)
    };
    if init != 0 {
        refuse(format!("no NVIDIA driver or GPU is usable here (cuInit: CUDA error {init})"));
    }
    if version < REQUIRED_DRIVER_CUDA {
        refuse(format!(
            "the NVIDIA driver supports CUDA {}.{} but this build needs {}.0 or newer",
            version / 1000,
            version % 1000 / 10,
            REQUIRED_DRIVER_CUDA / 1000
        ));
    }
    if count == 0 {
        refuse("the driver sees no GPU".to_string());
    }
}

#[used]
#[link_section = ".preinit_array"]
static CHECK_GPU: extern "C" fn() = check_gpu;
