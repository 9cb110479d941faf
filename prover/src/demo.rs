//! The embedded example: BTC, ETH and USDC with haircut tiers; BTC and ETH perpetuals and four BTC
//! options under the 16 SPAN scenarios (price moves of 0, 1/3, 2/3 and 3/3 of the scan range with
//! volatility up and down, and two extreme moves counted at 35%); a passing portfolio.

/// The demo policy (also `examples/demo-policy.json`).
pub const POLICY: &str = include_str!("../../examples/demo-policy.json");
/// The demo portfolio (also `examples/demo-portfolio.json`).
pub const PORTFOLIO: &str = include_str!("../../examples/demo-portfolio.json");
/// The demo's snapshot time (inside the policy's window).
pub const SNAPSHOT_TIME: u64 = 1_764_000_000;
