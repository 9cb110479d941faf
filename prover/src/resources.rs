//! What proving a shape will take, known before anything is built: `k`, the lanes, and an
//! estimate of peak memory, checked against the machine's memory or a user's limit.

use crate::error::Error;
use solvent_circuits::{Dims, Shape};

/// Bytes of peak memory per row of the `2^k` domain, and a constant part: fitted to the peaks
/// `measure` recorded on the standard shapes (BENCHMARKS.md: desk 24 MiB at k = 12, fund
/// 148 MiB at k = 15, book 1.67 GiB at k = 19, bank 5.85 GiB at k = 21), rounded up.
const BYTES_PER_ROW: u64 = 3_380;
const BASE_BYTES: u64 = 64 << 20;
/// Core-microseconds of proving per row of the `2^k` domain: the measured prove times of the
/// standard shapes on 2 cores (BENCHMARKS.md: desk 0.43 s at k = 12, fund 2.40 s at k = 15,
/// book 39.3 s at k = 19, bank 180 s at k = 21) are 146 to 210 core-microseconds per row.
const PROVE_CORE_MICROS_PER_ROW: f64 = 180.0;

/// Bytes of a ceremony file of `2^k` points in halo2's raw format (the powers and their
/// Lagrange form in G1, two G2 points, `k`).
pub fn srs_file_bytes(k: u32) -> u64 {
    (128u64 << k) + 260
}

/// What proving a shape will take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// The shape.
    pub shape: Shape,
    /// Its circuit's dimensions.
    pub dims: Dims,
    /// Estimated peak memory of keygen or proving, in bytes.
    pub peak_bytes: u64,
}

/// The estimate for `shape` (lays out an empty witness once to count the rows).
pub fn estimate(shape: Shape) -> Estimate {
    let dims = Dims::for_shape(shape);
    Estimate { shape, dims, peak_bytes: BASE_BYTES + BYTES_PER_ROW * (1u64 << dims.k) }
}

/// The machine's memory in bytes (Linux's `MemTotal`), if known.
pub fn machine_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Bytes in words: `512 MiB`, `5.9 GiB`.
pub fn bytes_text(bytes: u64) -> String {
    const GIB: f64 = (1u64 << 30) as f64;
    if bytes >= 1 << 30 {
        format!("{:.1} GiB", bytes as f64 / GIB)
    } else if bytes >= 1 << 20 {
        format!("{} MiB", bytes.div_ceil(1 << 20))
    } else {
        format!("{} KiB", bytes.div_ceil(1 << 10))
    }
}

/// A size such as `16GiB`, `512 MiB`, `2G` or a number of bytes.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| format!("`{text}` is not a size (e.g. 16GiB, 512MiB)"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(format!("`{text}`: unknown unit (use B, KiB, MiB, GiB or TiB)")),
    };
    Ok((number * scale as f64) as u64)
}

impl Estimate {
    /// Refuses a shape whose estimated peak memory exceeds `limit` (the user's `--max-memory`),
    /// or else the machine's memory.
    pub fn check(&self, limit: Option<u64>) -> Result<(), Error> {
        let (bound, what) = match (limit, machine_memory()) {
            (Some(limit), _) => (limit, "the --max-memory limit"),
            (None, Some(machine)) => (machine, "this machine's memory"),
            (None, None) => return Ok(()),
        };
        if self.peak_bytes > bound {
            return Err(Error::Refused(format!(
                "shape {} needs k = {} and an estimated {} of memory to prove, more than {what} ({}); \
                 prove it on a larger machine (or raise --max-memory if the estimate is too cautious)",
                self.shape,
                self.dims.k,
                bytes_text(self.peak_bytes),
                bytes_text(bound)
            )));
        }
        Ok(())
    }

    /// The estimated proving time in seconds on `threads` cores (scaled from the 2-core
    /// measurements; the same order of magnitude on similar CPUs, not a promise).
    pub fn prove_seconds(&self, threads: usize) -> f64 {
        PROVE_CORE_MICROS_PER_ROW * 1e-6 * (1u64 << self.dims.k) as f64 / threads.max(1) as f64
    }

    /// One line for people: `k`, lanes and the estimate.
    pub fn summary(&self) -> String {
        format!(
            "shape {}: k = {}, {}, estimated peak memory {}",
            self.shape,
            self.dims.k,
            crate::console::lanes_text(self.dims.lanes),
            bytes_text(self.peak_bytes)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_in_the_unit_they_fill() {
        // The k = 11 ceremony file is 256 KiB, not "1 MiB".
        assert_eq!(bytes_text(srs_file_bytes(11)), "257 KiB");
        assert_eq!(bytes_text(srs_file_bytes(13)), "2 MiB");
        assert_eq!(bytes_text(3 << 30), "3.0 GiB");
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_bytes("16GiB"), Ok(16 << 30));
        assert_eq!(parse_bytes("512 MiB"), Ok(512 << 20));
        assert_eq!(parse_bytes("1.5G"), Ok(3 << 29));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("3 parsecs").is_err());
    }

    #[test]
    fn the_estimate_covers_the_measured_peaks_and_refuses_beyond_the_limit() {
        // The measured peaks (MiB) the constants were fitted to, at their k.
        for (k, measured_mib) in [(12u32, 24u64), (15, 148), (19, 1_710), (21, 5_990)] {
            let estimate = BASE_BYTES + BYTES_PER_ROW * (1u64 << k);
            assert!(estimate >= measured_mib << 20, "k = {k}: {} < {measured_mib} MiB", bytes_text(estimate));
            assert!(estimate <= (measured_mib << 20) * 4, "k = {k}: {} is far above {measured_mib} MiB", bytes_text(estimate));
        }
        assert_eq!(srs_file_bytes(11), 262_404, "the size of params/fixtures/hermez-raw-11");
        let desk = estimate(Shape::v1(8, 4, 64, 16));
        assert!(desk.check(Some(1 << 30)).is_ok());
        let refused = desk.check(Some(1 << 20)).unwrap_err().to_string();
        assert!(refused.contains("--max-memory") && refused.contains("k = 12"), "{refused}");
    }
}
