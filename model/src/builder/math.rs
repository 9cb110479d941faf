//! `exp`, `ln` and the standard normal distribution function in binary64, from `+`, `-`, `*`,
//! `/` and `sqrt` alone.
//!
//! IEEE 754 rounds these operations correctly, so every machine computes the same bits from the
//! same inputs; the platform's `exp`, `ln` and `erf` (libm) differ between machines in the last
//! bits, which could move a value across a rounding boundary of the policy's decimals. Accuracy:
//! relative error below `1e-15` for `exp` and `ln`; absolute error below `1e-15` for `normal_cdf`.

/// `ln 2` in two parts: `LN2_HI` has its last 32 bits zero, so `k * LN2_HI` is exact for
/// `|k| < 2^21`.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const LN2: f64 = std::f64::consts::LN_2;

/// `2^k` for `-1022 <= k <= 1023`, exactly.
fn power_of_two(k: i64) -> f64 {
    assert!((-1022..=1023).contains(&k), "2^{k} is not a normal binary64 number");
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `e^x`.
pub fn exp(x: f64) -> f64 {
    if x < -700.0 {
        return 0.0;
    }
    assert!(x <= 700.0, "exp({x}) overflows");
    // x = k ln 2 + r, |r| <= ln 2 / 2.
    let k = (x / LN2 + if x < 0.0 { -0.5 } else { 0.5 }) as i64;
    let r = (x - k as f64 * LN2_HI) - k as f64 * LN2_LO;
    // Taylor series of e^r: |r| < 0.35, so 0.35^23 / 23! < 1e-32.
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=23 {
        term = term * r / n as f64;
        sum += term;
    }
    sum * power_of_two(k)
}

/// `ln x` for `x > 0`.
pub fn ln(x: f64) -> f64 {
    assert!(x > 0.0 && x.is_finite(), "ln({x}) is undefined here");
    // x = m 2^e with m in [sqrt(1/2), sqrt(2)).
    let bits = x.to_bits();
    let (mut m, mut e) = if bits >> 52 == 0 {
        // Subnormal: scale into the normal range first.
        let scaled = x * power_of_two(54);
        (f64::from_bits((scaled.to_bits() & ((1 << 52) - 1)) | (1023 << 52)), ((scaled.to_bits() >> 52) as i64) - 1023 - 54)
    } else {
        (f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52)), ((bits >> 52) as i64) - 1023)
    };
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    // ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172: s^2 < 0.0295, 45 terms are plenty.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut power = s;
    let mut sum = 0.0;
    for n in 0..45 {
        sum += power / (2 * n + 1) as f64;
        power *= s2;
    }
    2.0 * sum + e as f64 * LN2_HI + e as f64 * LN2_LO
}

/// `Phi(x)`, the standard normal distribution function:
/// `Phi(x) = 1/2 + phi(x) (x + x^3/3 + x^5/(3 5) + ...)` (every term of the sum has the sign of
/// `x`), with `Phi(x) = 0` or `1` beyond `|x| = 12` (where it differs from them by below `1e-32`).
pub fn normal_cdf(x: f64) -> f64 {
    if x <= -12.0 {
        return 0.0;
    }
    if x >= 12.0 {
        return 1.0;
    }
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    let mut n = 1.0;
    while term.abs() > 1e-17 * sum.abs() {
        n += 2.0;
        term = term * x2 / n;
        sum += term;
    }
    let density = exp(-x2 / 2.0) / (2.0 * std::f64::consts::PI).sqrt();
    0.5 + density * sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_ln_agree_with_known_values() {
        assert_eq!(exp(0.0), 1.0);
        assert!((exp(1.0) - std::f64::consts::E).abs() < 1e-15);
        assert!((exp(-2.5) - 0.082_084_998_623_898_8).abs() < 1e-16);
        assert!((exp(10.0) / 22_026.465_794_806_718 - 1.0).abs() < 1e-15);
        assert_eq!(ln(1.0), 0.0);
        assert!((ln(std::f64::consts::E) - 1.0).abs() < 1e-15);
        assert!((ln(10.0) - std::f64::consts::LN_10).abs() < 1e-15);
        assert!((ln(1e-300) + 690.775_527_898_213_7).abs() < 1e-12);
        for x in [0.001, 0.3, 0.9999, 1.5, 7.0, 1234.5] {
            assert!((exp(ln(x)) / x - 1.0).abs() < 4e-15, "{x}");
        }
    }

    #[test]
    fn normal_cdf_agrees_with_table_values() {
        // Phi(0) = 0.5, Phi(1) = 0.841344746068543, Phi(1.96) = 0.975002104851780,
        // Phi(-3) = 0.001349898031630.
        assert_eq!(normal_cdf(0.0), 0.5);
        assert!((normal_cdf(1.0) - 0.841_344_746_068_543).abs() < 1e-15);
        assert!((normal_cdf(1.96) - 0.975_002_104_851_780).abs() < 1e-15);
        assert!((normal_cdf(-3.0) - 0.001_349_898_031_630_1).abs() < 1e-15);
        assert!((normal_cdf(2.5) + normal_cdf(-2.5) - 1.0).abs() < 1e-15);
    }
}
