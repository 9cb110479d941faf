//! Synthetic policies and passing portfolios of the standard shapes, for benchmarks.
#![deny(missing_docs)]
#![deny(unsafe_code)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use solvent_circuits::{Shape, Witness};
use solvent_model::{
    Asset, Attests, Instrument, InstrumentLimits, LargePosition, Oracle, Policy, Portfolio, SignedHoldings, Source, Tier, Underlying,
};
use solvent_sources::statement::{Items, Statement};
use solvent_statement::SignedShape;

/// A named shape.
pub struct NamedShape {
    /// Its name.
    pub name: &'static str,
    /// The shape.
    pub shape: Shape,
}

/// The standard shapes: desk, fund, book and bank.
pub const SHAPES: [NamedShape; 4] = [
    NamedShape { name: "desk", shape: Shape::v1(8, 4, 64, 16) },
    NamedShape { name: "fund", shape: Shape::v1(32, 4, 1024, 16) },
    NamedShape { name: "book", shape: Shape::v1(64, 4, 16_384, 32) },
    NamedShape { name: "bank", shape: Shape::v1(64, 4, 65_536, 32) },
];

/// Underlyings of the standard shapes with every limit of risk model v2 (`desk-v2`, ...).
pub const V2_UNDERLYINGS: usize = 4;

/// The shape called `name` (`desk`, ..., or with `-v2` every limit of risk model v2 and
/// [`V2_UNDERLYINGS`] underlyings), or a custom `AxTxIxS` one (e.g. `8x4x64x16`); with `-sK`
/// after it (`desk-s4`), signed holdings from `K` sources, one statement each, with item slots
/// for an equal share of the portfolio's cells.
pub fn shape_named(name: &str) -> Option<Shape> {
    if let Some((base, sources)) = name.rsplit_once("-s") {
        let sources: usize = sources.parse().ok().filter(|k| *k > 0)?;
        let shape = shape_named(base)?;
        let cells = 2 * shape.assets + shape.instruments;
        return Some(Shape { signed: Some(SignedShape { sources, statements: sources, items: cells.div_ceil(sources) }), ..shape });
    }
    if let Some(base) = name.strip_suffix("-v2") {
        return shape_named(base).map(|shape| Shape { limits: Some(V2_UNDERLYINGS), ..shape });
    }
    if let Some(named) = SHAPES.iter().find(|s| s.name == name) {
        return Some(named.shape);
    }
    let parts: Vec<usize> = name.split('x').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    match parts[..] {
        [assets, tiers, instruments, scenarios] => Some(Shape::v1(assets, tiers, instruments, scenarios)),
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
            Asset { id: format!("A{a}"), price: rng.gen_range(1..100_000) * UNIT, tiers, debt_margin_rate: 50_000, max_share: None }
        })
        .collect();
    let instruments = (0..shape.instruments)
        .map(|i| Instrument {
            id: format!("I{i}"),
            scenario_loss: (0..shape.scenarios).map(|_| rng.gen_range(-5_000 * UNIT..5_000 * UNIT)).collect(),
            short_option_minimum: if i % 4 == 3 { rng.gen_range(0..100 * UNIT) } else { 0 },
            limits: InstrumentLimits::default(),
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
        underlyings: vec![],
        oracle: None,
        signed: None,
    };
    let portfolio = Portfolio {
        account: [0x42; 20],
        balances: (0..shape.assets).map(|_| rng.gen_range(1_000..100_000) * UNIT).collect(),
        debts: (0..shape.assets).map(|_| rng.gen_range(0..100) * UNIT).collect(),
        positions: (0..shape.instruments).map(|_| rng.gen_range(-10 * UNIT..10 * UNIT)).collect(),
    };
    let mut witness = Witness { policy, portfolio, snapshot_time: 1_800_000_000, salt: [9; 31], statements: Vec::new() };
    if let Some(underlyings) = shape.limits {
        with_every_limit(&mut witness, underlyings, &mut rng);
    }
    if let Some(signed) = shape.signed {
        with_signed_holdings(&mut witness, signed);
    }
    witness
}

/// The holdings as statements of `signed.sources` sources (each attesting every kind, a day's
/// largest age), one each, signed a minute before the snapshot: the portfolio's nonzero cells
/// dealt out in turn; the portfolio and the circuit's statements from
/// `portfolio_from_statements`.
fn with_signed_holdings(witness: &mut Witness, signed: SignedShape) {
    let keys: Vec<Vec<u8>> = (0..signed.sources).map(|k| format!("source-{k}").into_bytes()).collect();
    let every_kind = Attests { balances: true, debts: true, positions: true };
    let sources: Vec<Source> = keys
        .iter()
        .enumerate()
        .map(|(k, key)| Source {
            id: format!("source-{k}"),
            public_key: solvent_sources::eddsa::public_key(key).pack_bytes(),
            attests: every_kind,
            max_age: 86_400,
        })
        .collect();
    let policy = &mut witness.policy;
    policy.signed = Some(SignedHoldings {
        sources: sources.clone(),
        statement_slots: signed.statements,
        items_per_statement: signed.items,
        signed_debts: true,
    });
    let portfolio = &witness.portfolio;
    let mut items = vec![Items::default(); signed.sources];
    let mut dealt = 0;
    let mut deal = |pick: fn(&mut Items) -> &mut std::collections::BTreeMap<String, i128>, id: &str, amount: i128| {
        if amount != 0 {
            pick(&mut items[dealt % signed.sources]).insert(id.to_string(), amount);
            dealt += 1;
        }
    };
    for (asset, (&balance, &debt)) in policy.assets.iter().zip(portfolio.balances.iter().zip(&portfolio.debts)) {
        deal(|items| &mut items.balances, &asset.id, balance);
        deal(|items| &mut items.debts, &asset.id, debt);
    }
    for (instrument, &position) in policy.instruments.iter().zip(&portfolio.positions) {
        deal(|items| &mut items.positions, &instrument.id, position);
    }
    let statements: Vec<_> = items
        .into_iter()
        .zip(&keys)
        .zip(&sources)
        .map(|((items, key), source)| {
            Statement { source: source.id.clone(), holder: portfolio.account, time: witness.snapshot_time - 60, items }.sign(key)
        })
        .collect();
    let (portfolio, statements) =
        solvent_sources::portfolio::portfolio_from_statements(policy, &sources, &statements, witness.snapshot_time)
            .expect("the synthetic statements are valid");
    witness.portfolio = portfolio;
    witness.statements = statements;
}

/// Turns every limit of risk model v2 on, each one set so that the portfolio passes with room to
/// spare: a concentration cap per asset (its share plus 0.01), a delta in `[-1, 1]`, a position
/// limit of 20 and an add-on (threshold 5, rate 10) per instrument, a net delta limit per
/// underlying (its net delta plus 100), and prices observed 30 minutes before the window opens
/// with a buffer of 0.001 per hour.
fn with_every_limit(witness: &mut Witness, underlyings: usize, rng: &mut ChaCha8Rng) {
    let policy = &mut witness.policy;
    policy.underlyings = (0..underlyings).map(|u| Underlying { id: format!("U{u}"), max_net_delta: None }).collect();
    for (i, instrument) in policy.instruments.iter_mut().enumerate() {
        instrument.limits = InstrumentLimits {
            underlying: (underlyings > 0).then(|| i % underlyings),
            delta: if underlyings > 0 { rng.gen_range(-UNIT..=UNIT) } else { 0 },
            max_abs_position: Some(20 * UNIT),
            large_position: Some(LargePosition { threshold: 5 * UNIT, rate: 10 * UNIT }),
        };
    }
    policy.oracle = Some(Oracle { prices_at: policy.effective_at - 1800, buffer_per_hour: 1_000 });
    let report = solvent_model::evaluate(policy, &witness.portfolio, witness.snapshot_time);
    let collateral = &report.collateral_value.mantissa;
    for (asset, haircut) in policy.assets.iter_mut().zip(&report.haircut_values) {
        let share: i128 = if collateral.sign() == num_bigint::Sign::Plus {
            (haircut.mantissa.clone() * 1_000_000i64 / collateral).try_into().expect("a share")
        } else {
            0
        };
        asset.max_share = Some((share + 10_000).min(1_000_000));
    }
    for (underlying, net) in policy.underlyings.iter_mut().zip(&report.net_deltas) {
        let whole: i128 = (net.mantissa.clone() / UNIT).try_into().expect("a net delta");
        underlying.max_net_delta = Some((whole.abs() + 100) * UNIT);
    }
}
