//! Black-Scholes (options on a spot price) and Black-76 (options on a futures price), European,
//! with a continuously compounded rate and no dividends: values and deltas, computed with
//! [`super::math`] only.

use super::math::{exp, ln, normal_cdf};

/// Call or put.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Right {
    /// The right to buy at the strike.
    Call,
    /// The right to sell at the strike.
    Put,
}

/// What the option's underlying price is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// A spot price (Black-Scholes).
    BlackScholes,
    /// A futures price (Black-76: the forward is the futures price).
    Black76,
}

/// A European option's inputs: the underlying price, strike, volatility, rate and time to expiry
/// in years.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptionInputs {
    /// Call or put.
    pub right: Right,
    /// Black-Scholes or Black-76.
    pub model: Model,
    /// Underlying price (spot or futures).
    pub price: f64,
    /// Strike.
    pub strike: f64,
    /// Volatility (per year).
    pub volatility: f64,
    /// Interest rate (continuously compounded, per year).
    pub rate: f64,
    /// Time to expiry in years.
    pub years: f64,
}

impl OptionInputs {
    /// The option's value and delta (the value's derivative in the underlying price).
    pub fn value_and_delta(&self) -> (f64, f64) {
        let discount = exp(-self.rate * self.years);
        // The forward price and the factor that turns N(d1) into the delta.
        let (forward, delta_factor) = match self.model {
            Model::BlackScholes => (self.price / discount, 1.0),
            Model::Black76 => (self.price, discount),
        };
        let intrinsic = match self.right {
            Right::Call => (forward - self.strike).max(0.0),
            Right::Put => (self.strike - forward).max(0.0),
        };
        let deviation = self.volatility * self.years.sqrt();
        if self.years <= 0.0 || deviation <= 0.0 || forward <= 0.0 {
            // At expiry, without volatility, or with the underlying at 0 (the limit of the formula
            // as the price falls to 0: a call worth nothing, a put its discounted strike): the
            // discounted intrinsic value.
            let in_the_money = intrinsic > 0.0;
            let delta = match (self.right, in_the_money) {
                (Right::Call, true) => delta_factor,
                (Right::Put, true) => -delta_factor,
                _ => 0.0,
            };
            return (discount * intrinsic, delta);
        }
        let d1 = (ln(forward / self.strike) + deviation * deviation / 2.0) / deviation;
        let d2 = d1 - deviation;
        match self.right {
            Right::Call => (discount * (forward * normal_cdf(d1) - self.strike * normal_cdf(d2)), delta_factor * normal_cdf(d1)),
            Right::Put => (discount * (self.strike * normal_cdf(-d2) - forward * normal_cdf(-d1)), -delta_factor * normal_cdf(-d1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rounded(x: f64, places: i32) -> f64 {
        let scale = 10f64.powi(places);
        (x * scale).round() / scale
    }

    fn option(right: Right, model: Model, price: f64, strike: f64, volatility: f64, rate: f64, years: f64) -> (f64, f64) {
        OptionInputs { right, model, price, strike, volatility, rate, years }.value_and_delta()
    }

    #[test]
    fn black_scholes_matches_hulls_worked_examples() {
        // Hull, Options, Futures and Other Derivatives: S = 42, K = 40, r = 10%, sigma = 20%,
        // T = 0.5: c = 4.76, p = 0.81 (d1 = 0.7693, d2 = 0.6278).
        let (c, _) = option(Right::Call, Model::BlackScholes, 42.0, 40.0, 0.2, 0.1, 0.5);
        let (p, _) = option(Right::Put, Model::BlackScholes, 42.0, 40.0, 0.2, 0.1, 0.5);
        assert_eq!((rounded(c, 2), rounded(p, 2)), (4.76, 0.81));
        // Put-call parity: c - p = S - K e^{-rT}.
        assert!((c - p - (42.0 - 40.0 * exp(-0.05))).abs() < 1e-12);
        // Hull's delta-hedging example: S = 49, K = 50, r = 5%, sigma = 20%, T = 20 weeks:
        // the call is worth 2.40 (240,000 for 100,000 options) with delta 0.522.
        let (c, delta) = option(Right::Call, Model::BlackScholes, 49.0, 50.0, 0.2, 0.05, 20.0 / 52.0);
        assert_eq!((rounded(c, 2), rounded(delta, 3)), (2.40, 0.522));
        let (_, put_delta) = option(Right::Put, Model::BlackScholes, 49.0, 50.0, 0.2, 0.05, 20.0 / 52.0);
        assert!((put_delta - (delta - 1.0)).abs() < 1e-15);
    }

    #[test]
    fn black_76_matches_hulls_futures_option_example() {
        // Hull: a European put futures option, F = 20, K = 20, r = 9%, sigma = 25%, 4 months:
        // p = 1.12.
        let (p, _) = option(Right::Put, Model::Black76, 20.0, 20.0, 0.25, 0.09, 4.0 / 12.0);
        assert_eq!(rounded(p, 2), 1.12);
        // At the money, call and put are worth the same under Black-76.
        let (c, _) = option(Right::Call, Model::Black76, 20.0, 20.0, 0.25, 0.09, 4.0 / 12.0);
        assert!((c - p).abs() < 1e-14);
    }

    #[test]
    fn at_expiry_an_option_is_worth_its_intrinsic_value() {
        assert_eq!(option(Right::Call, Model::BlackScholes, 110.0, 100.0, 0.3, 0.0, 0.0), (10.0, 1.0));
        assert_eq!(option(Right::Put, Model::BlackScholes, 110.0, 100.0, 0.3, 0.0, 0.0), (0.0, 0.0));
    }
}
