//! Hex as the files write it: `0x` (or `0X`) and an even number of hex digits, either case,
//! compared as numbers.

use alloc::string::String;
use alloc::vec::Vec;

/// `0x`-prefixed hex (either case) to bytes; `None` unless it is `0x` and an even number of hex
/// digits.
pub fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"))?;
    if !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex digits")).collect())
}

/// Bytes to `0x` and lower-case hex digits.
pub fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 + 2 * bytes.len());
    out.push_str("0x");
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Exactly `N` bytes of `0x`-prefixed hex.
pub fn decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    decode_hex(text)?.try_into().ok()
}
