//! The backtest of an audit series (`docs/design.md` §13): realized prices, the realized loss of
//! an opened portfolio over a horizon, and the Basel traffic light of the exceedances.

use num_bigint::BigInt;
use solvent_model::decimal::{parse_scaled, Decimal, ExcessDigits, AMOUNT_DIGITS};
use solvent_model::{policy::Policy, InputError, Portfolio, RiskReport};
use std::collections::{BTreeSet, HashMap};

/// Fractional digits of a realized loss: an amount (8) times a delta (8) times a price (8).
pub const LOSS_DIGITS: u32 = 3 * AMOUNT_DIGITS;

/// The header line of a realized-prices file.
pub const HEADER: [&str; 3] = ["time", "id", "price"];

/// A row of a realized-prices file that was not used, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedRow {
    /// Its line (1 is the header).
    pub line: u64,
    /// Why it was not used, naming the field.
    pub message: String,
}

/// Realized prices: per id, `(time, price scaled by 10^8)` in time order.
#[derive(Clone, Debug, Default)]
pub struct RealizedPrices {
    series: HashMap<String, Vec<(u64, i128)>>,
    last_time: Option<u64>,
}

impl RealizedPrices {
    /// Parses a `time,id,price` file (`docs/design.md` §13). A file whose header is not that,
    /// or that is not CSV, is refused (naming the line); a row with an id of no policy (`known`),
    /// a bad value, or a time before the previous row's is returned as rejected and not used
    /// (after a time going back, no later row is: the file's order cannot be trusted).
    pub fn parse(text: &str, known: &BTreeSet<String>) -> Result<(RealizedPrices, Vec<RejectedRow>), InputError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).trim(csv::Trim::All).from_reader(text.as_bytes());
        let mut records = reader.records();
        let line_error = |line: u64, message: String| InputError::new(format!("line {line}"), message);
        match records.next() {
            Some(Ok(header)) if header.iter().eq(HEADER) => {}
            Some(Ok(header)) => {
                return Err(line_error(
                    1,
                    format!("the header is {:?}, not \"time,id,price\"", header.iter().collect::<Vec<_>>().join(",")),
                ))
            }
            Some(Err(e)) => return Err(line_error(1, e.to_string())),
            None => return Err(line_error(1, "the file is empty; it needs the header \"time,id,price\"".into())),
        }
        let mut prices = RealizedPrices::default();
        let mut rejected = Vec::new();
        let mut broken_order = false;
        for record in records {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                line_error(line, e.to_string())
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let mut reject = |message: String| rejected.push(RejectedRow { line, message });
            if broken_order {
                reject("after a time that goes back, no later row is used".into());
                continue;
            }
            if record.len() != 3 {
                reject(format!("{} fields, not 3 (time,id,price)", record.len()));
                continue;
            }
            let Ok(time) = record[0].parse::<u64>() else {
                reject(format!("time: {:?} is not unix seconds", &record[0]));
                continue;
            };
            if prices.last_time.is_some_and(|last| time < last) {
                reject(format!("time: {time} is before the previous row's {}", prices.last_time.unwrap_or(0)));
                broken_order = true;
                continue;
            }
            let id = &record[1];
            if !known.contains(id) {
                reject(format!("id: {id:?} is no asset, instrument or underlying of the policies"));
                continue;
            }
            let price = match parse_scaled(&record[2], AMOUNT_DIGITS, ExcessDigits::Refuse) {
                Ok(p) if p.value >= 0 => p.value,
                Ok(_) => {
                    reject(format!("price: {} is negative", &record[2]));
                    continue;
                }
                Err(e) => {
                    reject(format!("price: {e}"));
                    continue;
                }
            };
            prices.last_time = Some(time);
            prices.series.entry(id.to_string()).or_default().push((time, price));
        }
        Ok((prices, rejected))
    }

    /// The price of `id` at `time`: that of its last row at or before `time`.
    pub fn at(&self, id: &str, time: u64) -> Option<i128> {
        let series = self.series.get(id)?;
        let after = series.partition_point(|&(t, _)| t <= time);
        after.checked_sub(1).map(|i| series[i].1)
    }

    /// Whether `id` has a price series.
    pub fn has(&self, id: &str) -> bool {
        self.series.contains_key(id)
    }

    /// The time of the last row used.
    pub fn last_time(&self) -> Option<u64> {
        self.last_time
    }
}

/// The realized loss of an opened portfolio over a horizon, or why it cannot be told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RealizedLoss {
    /// `L` (`docs/design.md` §13), with [`LOSS_DIGITS`] fractional digits.
    Covered(Decimal),
    /// Not an observation: the prices needed that are missing (`id at time`), or the horizon
    /// ends after the file's last row.
    Uncovered(Vec<String>),
}

/// `L = sum_a (b_a - d_a)(P_a(t) - P_a(t+h)) + sum_i q_i (P_i(t) - P_i(t+h))` for instruments
/// with marks, `+ sum_i q_i delta_i (P_u(t) - P_u(t+h))` for the others with an underlying.
pub fn realized_loss(policy: &Policy, portfolio: &Portfolio, time: u64, horizon: u64, prices: &RealizedPrices) -> RealizedLoss {
    let end = time.saturating_add(horizon);
    if prices.last_time().is_none_or(|last| last < end) {
        let last = prices.last_time().map_or("no row".to_string(), |t| format!("the last row is at {t}"));
        return RealizedLoss::Uncovered(vec![format!("prices up to {end} ({last})")]);
    }
    let mut missing = Vec::new();
    // `P_x(t) - P_x(t + h)`, or `x` recorded as missing.
    let mut fall_of = |id: &str| match (prices.at(id, time), prices.at(id, end)) {
        (Some(start), Some(finish)) => Some(BigInt::from(start - finish)),
        _ => {
            missing.push(format!("{id} at {time}"));
            None
        }
    };
    let scale = BigInt::from(10i128.pow(AMOUNT_DIGITS));
    let mut loss = BigInt::from(0);
    let mut unpriced = Vec::new();
    for (a, asset) in policy.assets.iter().enumerate() {
        let net = portfolio.balances[a] - portfolio.debts[a];
        if net != 0 {
            if let Some(fall) = fall_of(&asset.id) {
                loss += BigInt::from(net) * fall * &scale;
            }
        }
    }
    for (i, instrument) in policy.instruments.iter().enumerate() {
        let q = portfolio.positions[i];
        if q == 0 {
            continue;
        }
        if prices.has(&instrument.id) {
            if let Some(fall) = fall_of(&instrument.id) {
                loss += BigInt::from(q) * fall * &scale;
            }
        } else if let Some(u) = instrument.limits.underlying {
            if instrument.limits.delta != 0 {
                if let Some(fall) = fall_of(&policy.underlyings[u].id) {
                    loss += BigInt::from(q) * instrument.limits.delta * fall;
                }
            }
        } else {
            unpriced.push(format!("{} (no marks, no underlying and delta)", instrument.id));
        }
    }
    missing.extend(unpriced);
    if missing.is_empty() {
        RealizedLoss::Covered(Decimal::new(loss, LOSS_DIGITS))
    } else {
        RealizedLoss::Uncovered(missing)
    }
}

/// The policy's risk charge `R = H + M`: the haircuts it took on the collateral,
/// `H = sum_a (V_a - CV_a)`, and the margin requirement `M` (positions and debts), with
/// [`LOSS_DIGITS`] fractional digits: what the policy withholds from equity against price moves.
pub fn risk_charge(figures: &RiskReport) -> Decimal {
    let haircuts: BigInt = figures
        .market_values
        .iter()
        .zip(&figures.haircut_values)
        .map(|(value, haircut_value)| at_digits(value, LOSS_DIGITS) - at_digits(haircut_value, LOSS_DIGITS))
        .sum();
    Decimal::new(haircuts + at_digits(&figures.margin_requirement, LOSS_DIGITS), LOSS_DIGITS)
}

/// Whether a realized loss exceeds the risk charge: `L > R`.
pub fn exceeds(loss: &Decimal, risk_charge: &Decimal) -> bool {
    at_digits(loss, LOSS_DIGITS) > at_digits(risk_charge, LOSS_DIGITS)
}

fn at_digits(value: &Decimal, digits: u32) -> BigInt {
    assert!(value.digits <= digits, "a value with more than {digits} fractional digits");
    &value.mantissa * BigInt::from(10).pow(digits - value.digits)
}

/// A zone of the Basel backtesting traffic light.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Zone {
    /// `F(X) < 0.95`: as many exceedances as an accurate model gives.
    Green,
    /// `F(X) < 0.9999`.
    Yellow,
    /// Otherwise: the margin was too low.
    Red,
}

impl Zone {
    /// `green`, `yellow` or `red`.
    pub fn name(&self) -> &'static str {
        match self {
            Zone::Green => "green",
            Zone::Yellow => "yellow",
            Zone::Red => "red",
        }
    }
}

/// The zone of `exceedances` in `observations` at coverage `p`: with `F` the binomial
/// distribution function of `observations` trials of probability `1 - p`, green when
/// `F(X) < 0.95`, yellow when `F(X) < 0.9999`, red otherwise; no exceedance is green (with
/// fewer than 6 observations `F(0)` itself is above 0.95).
pub fn zone(observations: u64, exceedances: u64, coverage: f64) -> Zone {
    if exceedances == 0 {
        return Zone::Green;
    }
    let cumulative = binomial_cdf(observations, exceedances, 1.0 - coverage);
    if cumulative < 0.95 {
        Zone::Green
    } else if cumulative < 0.9999 {
        Zone::Yellow
    } else {
        Zone::Red
    }
}

/// `P[Binomial(n, q) <= x]`, summed in log space (no underflow of `(1 - q)^n` for large `n`).
fn binomial_cdf(n: u64, x: u64, q: f64) -> f64 {
    if x >= n {
        return 1.0;
    }
    let (ln_q, ln_not_q) = (q.ln(), (1.0 - q).ln());
    let mut ln_term = n as f64 * ln_not_q;
    let mut total = ln_term.exp();
    for k in 0..x {
        ln_term += ((n - k) as f64).ln() - ((k + 1) as f64).ln() + ln_q - ln_not_q;
        total += ln_term.exp();
    }
    total.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_traffic_light_is_the_basel_table_at_250_observations() {
        let zones: Vec<Zone> = (0..=12).map(|x| zone(250, x, 0.99)).collect();
        assert!(zones[..=4].iter().all(|z| *z == Zone::Green), "{zones:?}");
        assert!(zones[5..=9].iter().all(|z| *z == Zone::Yellow), "{zones:?}");
        assert!(zones[10..].iter().all(|z| *z == Zone::Red), "{zones:?}");
        // No underflow for long series: 100,000 observations at the expected rate are green.
        assert_eq!(zone(100_000, 1_000, 0.99), Zone::Green);
        assert_eq!(zone(100_000, 1_200, 0.99), Zone::Red);
        assert_eq!(zone(0, 0, 0.99), Zone::Green);
        assert_eq!(zone(4, 0, 0.99), Zone::Green, "F(0) = 0.96, yet no exceedance is green");
        assert_eq!(zone(4, 1, 0.99), Zone::Yellow);
    }

    #[test]
    fn prices_are_the_last_row_at_or_before_a_time_and_bad_rows_are_named() {
        let text = "time,id,price\n100,BTC,20000\n200,BTC,19000.5\n200,ETH,x\n250,DOGE,1\n300,BTC,-1\n150,BTC,1\n400,BTC,1\n";
        let (prices, rejected) = RealizedPrices::parse(text, &known(&["BTC", "ETH"])).unwrap();
        assert_eq!(prices.at("BTC", 99), None);
        assert_eq!(prices.at("BTC", 100), Some(20_000 * 100_000_000));
        assert_eq!(prices.at("BTC", 199), Some(20_000 * 100_000_000));
        assert_eq!(prices.at("BTC", 10_000), Some(1_900_050_000_000));
        assert_eq!(prices.last_time(), Some(200));
        let lines: Vec<(u64, &str)> = rejected.iter().map(|r| (r.line, r.message.split(':').next().unwrap())).collect();
        assert_eq!(lines, [(4, "price"), (5, "id"), (6, "price"), (7, "time"), (8, "after a time that goes back, no later row is used")]);
    }

    #[test]
    fn a_file_without_the_header_is_refused_naming_line_1() {
        let e = RealizedPrices::parse("t,id,price\n1,BTC,1\n", &known(&["BTC"])).unwrap_err();
        assert_eq!(e.field, "line 1");
        assert!(RealizedPrices::parse("", &known(&[])).unwrap_err().message.contains("empty"));
    }

    fn span() -> Policy {
        Policy::from_json(include_str!("../../../model/tests/vectors/span-policy.json")).unwrap()
    }

    #[test]
    fn the_realized_loss_is_the_equity_lost_and_an_exceedance_is_above_the_risk_charge() {
        let policy = span();
        // USDC 50,000 - 10,000 debt; BTC 6; BTC-PERP long 1 with marks; BTC-C-25000 flat.
        let portfolio = Portfolio {
            account: [0; 20],
            balances: vec![50_000 * 100_000_000, 6 * 100_000_000],
            debts: vec![10_000 * 100_000_000, 0],
            positions: vec![100_000_000, 0],
        };
        let text = "time,id,price\n100,USDC,1\n100,BTC,20000\n100,BTC-PERP,20000\n150,BTC,18000\n150,BTC-PERP,18100\n";
        let ids = known(&["USDC", "BTC", "BTC-PERP", "BTC-C-25000"]);
        let (prices, rejected) = RealizedPrices::parse(text, &ids).unwrap();
        assert!(rejected.is_empty());
        // BTC: 6 * 2,000 = 12,000; the perpetual: 1 * 1,900.
        let RealizedLoss::Covered(loss) = realized_loss(&policy, &portfolio, 100, 50, &prices) else { panic!("covered") };
        assert_eq!(loss.to_string(), "13900");
        assert!(exceeds(&loss, &Decimal::new(13_899, 0)));
        assert!(!exceeds(&loss, &Decimal::new(13_900, 0)), "equal is no exceedance");
        // The horizon ends after the file's last row; a price missing at the start.
        // R = H + M: BTC 6 * 20,000 = 120,000 counts 0.9 * 100,000 + 0.5 * 20,000 = 100,000; USDC
        // counts whole: H = 20,000.
        let figures = solvent_model::evaluate(&policy, &portfolio, 100);
        let charge = risk_charge(&figures);
        assert_eq!(charge.digits, LOSS_DIGITS);
        let haircuts = Decimal::new(20_000 * 10i128.pow(LOSS_DIGITS), LOSS_DIGITS);
        assert_eq!(at_digits(&charge, LOSS_DIGITS) - at_digits(&figures.margin_requirement, LOSS_DIGITS), haircuts.mantissa);
        assert!(matches!(realized_loss(&policy, &portfolio, 100, 51, &prices), RealizedLoss::Uncovered(_)));
        assert_eq!(
            realized_loss(&policy, &portfolio, 99, 51, &prices),
            RealizedLoss::Uncovered(vec!["USDC at 99".into(), "BTC at 99".into(), "BTC-PERP at 99".into()])
        );
        // A held instrument with neither marks nor an underlying is not covered.
        let holds_option = Portfolio { positions: vec![0, -100_000_000], ..portfolio };
        let RealizedLoss::Uncovered(missing) = realized_loss(&policy, &holds_option, 100, 50, &prices) else { panic!("uncovered") };
        assert_eq!(missing, ["BTC-C-25000 (no marks, no underlying and delta)"]);
    }

    #[test]
    fn instruments_without_marks_move_with_their_underlying_by_delta() {
        let mut policy = span();
        policy.underlyings = vec![solvent_model::Underlying { id: "BTC-U".into(), max_net_delta: None }];
        policy.instruments[1].limits.underlying = Some(0);
        policy.instruments[1].limits.delta = 50_000_000; // 0.5
        let portfolio = Portfolio { account: [0; 20], balances: vec![0, 0], debts: vec![0, 0], positions: vec![0, -200_000_000] };
        let ids = known(&["BTC-U"]);
        let (prices, _) = RealizedPrices::parse("time,id,price\n0,BTC-U,100\n10,BTC-U,90\n", &ids).unwrap();
        // Short 2 at delta 0.5 gains when the underlying falls 10: L = -2 * 0.5 * 10 = -10.
        assert_eq!(
            realized_loss(&policy, &portfolio, 0, 10, &prices),
            RealizedLoss::Covered(Decimal::new(-10 * 10i128.pow(LOSS_DIGITS), LOSS_DIGITS))
        );
    }
}
