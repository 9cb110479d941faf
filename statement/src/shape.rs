//! The circuit shape: the counts a policy's circuit is built for, and whether it proves the
//! limits of risk model v2. Every verifier, the encoding and both gates read "has limits, `U`
//! underlyings" through this type's methods.

use core::fmt;

/// The circuit shape a policy needs: its counts (tiers: the most of any asset).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shape {
    /// Number of assets.
    pub assets: usize,
    /// Haircut tiers per asset (assets with fewer are padded).
    pub tiers: usize,
    /// Number of instruments.
    pub instruments: usize,
    /// Number of scenarios.
    pub scenarios: usize,
    /// The limits of risk model v2: `None` for the circuit of v1 (a policy without limits),
    /// else the number of underlyings.
    pub limits: Option<usize>,
    /// Signed holdings (`docs/design.md` §12): `None` when the policy lists no sources.
    pub signed: Option<SignedShape>,
}

/// The slots of a circuit that checks signed statements: the policy's sources, the statements an
/// attestation may use and the items each may hold (padding included, so a proof reveals
/// neither how many statements it used nor how many items each had).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedShape {
    /// Sources the policy trusts (their keys are public policy data).
    pub sources: usize,
    /// Statement slots.
    pub statements: usize,
    /// Item slots per statement.
    pub items: usize,
}

impl Shape {
    /// A shape of the circuit of risk model v1 (no limits).
    pub const fn v1(assets: usize, tiers: usize, instruments: usize, scenarios: usize) -> Shape {
        Shape { assets, tiers, instruments, scenarios, limits: None, signed: None }
    }

    /// Whether the circuit proves the limits of risk model v2.
    pub fn has_limits(&self) -> bool {
        self.limits.is_some()
    }

    /// Underlyings (0 without limits).
    pub fn underlyings(&self) -> usize {
        self.limits.unwrap_or(0)
    }

    /// The risk model whose claims the circuit proves: 1, or 2 with limits.
    pub fn risk_model(&self) -> u8 {
        if self.has_limits() {
            2
        } else {
            1
        }
    }

    /// The fifth number of the shape (`SolvencyGate.shapeKey`'s `limits`, the encoding's `X`):
    /// 0 without limits, else `1 + U`.
    pub fn limits_number(&self) -> usize {
        self.limits.map_or(0, |underlyings| 1 + underlyings)
    }

    /// The shape of five numbers: the counts and [`Self::limits_number`].
    pub fn from_numbers(assets: usize, tiers: usize, instruments: usize, scenarios: usize, limits_number: usize) -> Shape {
        Shape { assets, tiers, instruments, scenarios, limits: limits_number.checked_sub(1), signed: None }
    }

    /// The shape with signed holdings' slots `signed`.
    pub fn with_signed(self, signed: Option<SignedShape>) -> Shape {
        Shape { signed, ..self }
    }

    /// The shape of an attestation's `circuit`: its counts, `risk_model` and `underlyings`.
    pub fn from_risk_model(assets: usize, tiers: usize, instruments: usize, scenarios: usize, risk_model: u8, underlyings: usize) -> Shape {
        Shape { assets, tiers, instruments, scenarios, limits: (risk_model != 1).then_some(underlyings), signed: None }
    }
}

/// `8a4t64i16s`, `2u` after it with limits (`U` underlyings), and with signed holdings
/// `2k4x8` (2 sources, 4 statement slots of 8 items).
impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}a{}t{}i{}s", self.assets, self.tiers, self.instruments, self.scenarios)?;
        if let Some(u) = self.limits {
            write!(f, "{u}u")?;
        }
        if let Some(signed) = self.signed {
            write!(f, "{}k{}x{}", signed.sources, signed.statements, signed.items)?;
        }
        Ok(())
    }
}
