//! Synthetic policies and passing portfolios of the standard shapes, for benchmarks.
#![deny(missing_docs)]
#![deny(unsafe_code)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use solvent_circuits::{Shape, Witness};
use solvent_model::{Asset, Instrument, Policy, Portfolio, Tier};

/// A named shape.
pub struct NamedShape {
    /// Its name.
    pub name: &'static str,
    /// The shape.
    pub shape: Shape,
}

/// The standard shapes: desk, fund, book and bank.
pub const SHAPES: [NamedShape; 4] = [
    NamedShape { name: "desk", shape: Shape { assets: 8, tiers: 4, instruments: 64, scenarios: 16 } },
    NamedShape { name: "fund", shape: Shape { assets: 32, tiers: 4, instruments: 1024, scenarios: 16 } },
    NamedShape { name: "book", shape: Shape { assets: 64, tiers: 4, instruments: 16_384, scenarios: 32 } },
    NamedShape { name: "bank", shape: Shape { assets: 64, tiers: 4, instruments: 65_536, scenarios: 32 } },
];

/// The shape called `name`, or a custom `AxTxIxS` one (e.g. `8x4x64x16`).
pub fn shape_named(name: &str) -> Option<Shape> {
    if let Some(named) = SHAPES.iter().find(|s| s.name == name) {
        return Some(named.shape);
    }
    let parts: Vec<usize> = name.split('x').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    match parts[..] {
        [assets, tiers, instruments, scenarios] => Some(Shape { assets, tiers, instruments, scenarios }),
        _ => None,
    }
}

const UNIT: i128 = 100_000_000;

/// A random policy of `shape` and a portfolio that passes both claims with margin to spare.
pub fn synthetic(shape: Shape, seed: u64) -> Witness {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let assets = (0..shape.assets)
        .map(|a| {
            let mut bound = 0i128;
            let tiers = (0..shape.tiers)
                .map(|k| {
                    bound += rng.gen_range(1_000_000..10_000_000) * UNIT;
                    let up_to = if k + 1 == shape.tiers { None } else { Some(bound) };
                    Tier { up_to, weight: 1_000_000 - 100_000 * k as i128 }
                })
                .collect();
            Asset { id: format!("A{a}"), price: rng.gen_range(1..100_000) * UNIT, tiers, debt_margin_rate: 50_000 }
        })
        .collect();
    let instruments = (0..shape.instruments)
        .map(|i| Instrument {
            id: format!("I{i}"),
            scenario_loss: (0..shape.scenarios).map(|_| rng.gen_range(-5_000 * UNIT..5_000 * UNIT)).collect(),
            short_option_minimum: if i % 4 == 3 { rng.gen_range(0..100 * UNIT) } else { 0 },
        })
        .collect();
    let policy = Policy {
        id: format!("synthetic-{shape}"),
        effective_at: 1_700_000_000,
        expires_at: 1_900_000_000,
        scenarios: (0..shape.scenarios).map(|s| format!("scenario {s}")).collect(),
        assets,
        instruments,
        margin_ratio: 1_500_000,
        collateral_ratio: 1_250_000,
    };
    let portfolio = Portfolio {
        account: [0x42; 20],
        balances: (0..shape.assets).map(|_| rng.gen_range(1_000..100_000) * UNIT).collect(),
        debts: (0..shape.assets).map(|_| rng.gen_range(0..100) * UNIT).collect(),
        positions: (0..shape.instruments).map(|_| rng.gen_range(-10 * UNIT..10 * UNIT)).collect(),
    };
    Witness { policy, portfolio, snapshot_time: 1_800_000_000, salt: [9; 31] }
}
