//! Exact decimals: parsing decimal strings into scaled integers, and printing exact results.
//!
//! Every decimal of a policy or portfolio becomes an integer at a fixed scale: amounts, prices,
//! scenario losses and short option minimums at [`AMOUNT_SCALE`] (8 fractional digits), ratios,
//! weights and rates at [`RATIO_SCALE`] (6 fractional digits). Results of the model are exact
//! [`Decimal`]s (a big integer and a number of fractional digits).

use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use std::fmt;

/// Fractional digits of amounts, prices, scenario losses and short option minimums.
pub const AMOUNT_DIGITS: u32 = 8;
/// Fractional digits of ratios, weights and rates.
pub const RATIO_DIGITS: u32 = 6;
/// `10^8`: the scale of amount-like values.
pub const AMOUNT_SCALE: i128 = 100_000_000;
/// `10^6`: the scale of ratio-like values.
pub const RATIO_SCALE: i128 = 1_000_000;
/// Every decimal's magnitude is below `10^11` (`docs/design.md`, §2, bounds).
pub const MAGNITUDE_LIMIT: i128 = 100_000_000_000;

/// What to do with a decimal that has more fractional digits than its scale allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExcessDigits {
    /// Refuse it (policy values, positions).
    Refuse,
    /// Round toward minus infinity (balances: the conservative side).
    RoundDown,
    /// Round toward plus infinity (debts: the conservative side).
    RoundUp,
}

/// A parsed decimal at a fixed scale, with a note if it had to be rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scaled {
    /// The value times `10^digits`.
    pub value: i128,
    /// Whether digits beyond the scale were dropped (only with a rounding mode).
    pub rounded: bool,
}

/// Parses a decimal string (`-12.5`, `0.975`, `20000`) into an integer at `digits` fractional
/// digits. Refuses exponents, `+`, leading dots, empty parts and magnitudes of `10^11` or more.
pub fn parse_scaled(text: &str, digits: u32, excess: ExcessDigits) -> Result<Scaled, String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
        return Err(format!("`{text}` is not a decimal number (expected e.g. \"-12.5\")"));
    }
    let int_trimmed = int_part.trim_start_matches('0');
    if int_trimmed.len() > 11 {
        return Err(format!("`{text}` is out of range: magnitudes must be below 10^11"));
    }
    let int_value: i128 = if int_trimmed.is_empty() { 0 } else { int_trimmed.parse().unwrap() };
    if int_value >= MAGNITUDE_LIMIT {
        return Err(format!("`{text}` is out of range: magnitudes must be below 10^11"));
    }
    let frac = frac_part.unwrap_or("");
    let (kept, dropped) = frac.split_at(frac.len().min(digits as usize));
    let mut frac_value: i128 = 0;
    for b in kept.bytes() {
        frac_value = frac_value * 10 + i128::from(b - b'0');
    }
    for _ in kept.len()..digits as usize {
        frac_value *= 10;
    }
    let magnitude = int_value * 10i128.pow(digits) + frac_value;
    let has_excess = dropped.bytes().any(|b| b != b'0');
    if has_excess && excess == ExcessDigits::Refuse {
        return Err(format!("`{text}` has more than {digits} fractional digits"));
    }
    let mut value = if negative { -magnitude } else { magnitude };
    if has_excess {
        match excess {
            ExcessDigits::RoundDown if negative => value -= 1,
            ExcessDigits::RoundUp if !negative => value += 1,
            _ => {}
        }
    }
    Ok(Scaled { value, rounded: has_excess })
}

/// An exact decimal result: `mantissa / 10^digits`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    /// The value times `10^digits`.
    pub mantissa: BigInt,
    /// The number of fractional digits the mantissa carries.
    pub digits: u32,
}

impl Decimal {
    /// `mantissa / 10^digits`.
    pub fn new(mantissa: impl Into<BigInt>, digits: u32) -> Self {
        Decimal { mantissa: mantissa.into(), digits }
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.mantissa.is_negative()
    }

    /// The exact value with a comma between each group of three integer digits, for people
    /// (`1,234,567.5`, `-12,000`).
    pub fn grouped(&self) -> String {
        let text = self.to_string();
        let (sign, rest) = text.strip_prefix('-').map_or(("", text.as_str()), |r| ("-", r));
        let (int_part, frac_part) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
        let mut grouped = String::new();
        for (i, c) in int_part.chars().enumerate() {
            if i > 0 && (int_part.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        match frac_part {
            Some(f) => format!("{sign}{grouped}.{f}"),
            None => format!("{sign}{grouped}"),
        }
    }
}

impl fmt::Display for Decimal {
    /// Prints the exact value with no trailing fractional zeros (`116.5`, `-3`, `0.00000001`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let negative = self.mantissa.is_negative();
        let digits = self.mantissa.abs().to_string();
        let width = self.digits as usize;
        let padded = if digits.len() <= width { format!("{}{}", "0".repeat(width + 1 - digits.len()), digits) } else { digits };
        let (int_part, frac_part) = padded.split_at(padded.len() - width);
        let frac_part = frac_part.trim_end_matches('0');
        let sign = if negative && !self.mantissa.is_zero() { "-" } else { "" };
        if frac_part.is_empty() {
            write!(f, "{sign}{int_part}")
        } else {
            write!(f, "{sign}{int_part}.{frac_part}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Result<i128, String> {
        parse_scaled(text, AMOUNT_DIGITS, ExcessDigits::Refuse).map(|s| s.value)
    }

    #[test]
    fn parses_integers_fractions_and_signs() {
        assert_eq!(amount("20000"), Ok(20000 * AMOUNT_SCALE));
        assert_eq!(amount("-2.5"), Ok(-250_000_000));
        assert_eq!(amount("0.00000001"), Ok(1));
        assert_eq!(amount("007.10"), Ok(710_000_000));
        assert_eq!(amount("99999999999.99999999"), Ok(MAGNITUDE_LIMIT * AMOUNT_SCALE - 1));
    }

    #[test]
    fn refuses_malformed_numbers() {
        for bad in ["", "-", "1.", ".5", "+1", "1e5", "1,5", " 1", "0x10", "1.2.3", "--1", "NaN"] {
            assert!(amount(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn refuses_magnitudes_of_ten_to_the_eleven() {
        assert!(amount("100000000000").is_err());
        assert!(amount("-100000000000").is_err());
        assert!(amount("000100000000000.5").is_err());
    }

    #[test]
    fn refuses_excess_digits_unless_rounding() {
        assert!(amount("0.000000001").is_err());
        assert_eq!(amount("0.1000000000"), Ok(10_000_000), "trailing zeros are not excess digits");
        let down = parse_scaled("1.000000019", 8, ExcessDigits::RoundDown).unwrap();
        assert_eq!(down, Scaled { value: 100_000_001, rounded: true });
        let up = parse_scaled("1.000000011", 8, ExcessDigits::RoundUp).unwrap();
        assert_eq!(up, Scaled { value: 100_000_002, rounded: true });
        let neg_down = parse_scaled("-1.000000011", 8, ExcessDigits::RoundDown).unwrap();
        assert_eq!(neg_down.value, -100_000_002);
    }

    #[test]
    fn prints_exact_values_without_trailing_zeros() {
        assert_eq!(Decimal::new(1165, 1).to_string(), "116.5");
        assert_eq!(Decimal::new(-300, 2).to_string(), "-3");
        assert_eq!(Decimal::new(1, 8).to_string(), "0.00000001");
        assert_eq!(Decimal::new(0, 22).to_string(), "0");
        assert_eq!(Decimal::new(-5, 3).to_string(), "-0.005");
    }

    #[test]
    fn groups_integer_digits_by_three() {
        assert_eq!(Decimal::new(12_345_675, 1).grouped(), "1,234,567.5");
        assert_eq!(Decimal::new(-12_000, 0).grouped(), "-12,000");
        assert_eq!(Decimal::new(999, 0).grouped(), "999");
        assert_eq!(Decimal::new(-1, 8).grouped(), "-0.00000001");
        assert_eq!(Decimal::new(100_000_012_345i64, 4).grouped(), "10,000,001.2345");
    }
}
