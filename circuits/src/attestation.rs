//! The attestation circuit: both claims of risk model v1 for a private portfolio under the
//! public policy of the lanes, bound to the three public inputs.

use crate::blocks::{BlockChip, BlockInstructions};
use crate::config::{assign, k_for_rows, main_rows, rows, SolventConfig};
use crate::context::{Cell, Context};
use crate::eddsa::curve::Point;
use crate::encoding::field_from_i128;
use crate::encoding::{
    account_to_field, portfolio_commitment, portfolio_initial_state, salt_to_field, PublicInputs, Shape, PACKED, SALT_BYTES,
};
use crate::gate::{GateChip, GateInstructions};
use crate::header::{Constant, PublicSlot};
use crate::layout::{Dims, Regions, LANE_CHOICES, LIMITS_LANES};
use crate::poseidon::chip::{HashInstructions, SpongeChip};
use crate::public::{header_with, public_columns};
use crate::range::{RangeChip, RangeInstructions};
use crate::risk::{sub_mul, ScenarioChip, ScenarioInstructions, TierChip, TierInstructions, TierSelection, AMOUNT_BITS, LOSS_COMPARE_BITS};
use crate::signed::{PortfolioCells, SignedChip, SignedFigures, SignedInstructions, StatementWitness};
use ff::Field;
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner},
    halo2curves::bn256::Fr,
    plonk::{Circuit, ConstraintSystem, Error},
};
use solvent_model::{Asset, Attests, Instrument, InstrumentLimits, Oracle, Policy, Portfolio, SignedHoldings, Source, Tier, Underlying};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Bits of the account (a 160-bit address).
pub const ACCOUNT_BITS: usize = 160;
/// Bits of unix times.
pub const TIME_BITS: usize = 64;
/// Bits of the salt (31 bytes).
pub const SALT_BITS: usize = 8 * SALT_BYTES;
/// Bits of the collateral claim's slack `C - collateral_ratio * D` (honest values are below
/// `C < 2^160`; a negative slack wraps to above `p - 2^200`).
pub const COLLATERAL_SLACK_BITS: usize = 160;
/// Bits of the margin claim's slack `E * 10^6 - margin_ratio * M` (honest values are below
/// `C * 10^6 < 2^180`; a negative slack wraps to above `p - 2^250`: with the latency buffer the
/// ratio is below `2^83`, and `M < 2^166`).
pub const MARGIN_SLACK_BITS: usize = 184;
/// Bits of a concentration slack `max_share * C - CV_a * 10^6` (as the margin claim's).
pub const CONCENTRATION_SLACK_BITS: usize = 184;
/// Bits of a net delta slack `limit -/+ ND_u` (limits at 16 digits below `2^161`, net deltas
/// of magnitude below `2^144`; a negative slack wraps to above `p - 2^161`).
pub const NET_DELTA_SLACK_BITS: usize = 168;
/// Bits of the remainder of a started hour, `3600 h - (time - prices_at)` and `3599` minus it.
pub const HOUR_REMAINDER_BITS: usize = 16;

/// The labels of the attestation's range checks (what a failing row is named after).
pub const ACCOUNT_RANGE: &str = "account < 2^160";
/// The snapshot time's range check.
pub const TIME_RANGE: &str = "snapshot time < 2^64";
/// The window's start.
pub const WINDOW_START: &str = "window: effective_at <= time";
/// The window's end.
pub const WINDOW_END: &str = "window: time <= expires_at - 1";
/// A balance's range check (then the asset's index).
pub const BALANCE_RANGE: &str = "balance < 2^64 of asset";
/// A debt's range check (then the asset's index).
pub const DEBT_RANGE: &str = "debt < 2^64 of asset";
/// The comparison of `max(SR, SOM)`.
pub const RISK_MAXIMUM: &str = "max(SR, SOM)";
/// The margin claim's slack.
pub const MARGIN_CLAIM: &str = "margin claim E * 10^6 >= mr * M";
/// The collateral claim's slack.
pub const COLLATERAL_CLAIM: &str = "collateral claim C >= cr * D";
/// The salt's range check.
pub const SALT_RANGE: &str = "salt < 2^248";
/// The latency hours' range check.
pub const HOURS_RANGE: &str = "latency hours < 2^64";
/// `3600 h - (time - prices_at) >= 0`.
pub const HOUR_REMAINDER_LOW: &str = "latency: 3600 h >= time - prices_at";
/// `3599 - (3600 h - (time - prices_at)) >= 0`.
pub const HOUR_REMAINDER_HIGH: &str = "latency: 3600 h - (time - prices_at) <= 3599";
/// A concentration cap (then the asset's index).
pub const CONCENTRATION_CAP: &str = "concentration cap CV_a <= s_a C of asset";
/// A net delta limit from below (then the underlying's index).
pub const NET_DELTA_BELOW: &str = "net delta ND_u <= N_u of underlying";
/// A net delta limit from above (then the underlying's index).
pub const NET_DELTA_ABOVE: &str = "net delta -ND_u <= N_u of underlying";

/// Everything the prover knows.
#[derive(Clone, Debug)]
pub struct Witness {
    /// The public policy.
    pub policy: Policy,
    /// The private portfolio.
    pub portfolio: Portfolio,
    /// Unix time of the snapshot.
    pub snapshot_time: u64,
    /// The commitment's random salt.
    pub salt: [u8; SALT_BYTES],
    /// With signed holdings, the statements the portfolio is the sum of (at most the policy's
    /// slots; empty without).
    pub statements: Vec<StatementWitness>,
}

impl Witness {
    /// A witness of the given shape with every value zero (for key generation).
    pub fn zero(shape: Shape) -> Witness {
        let policy = Policy {
            id: String::new(),
            effective_at: 0,
            expires_at: 1,
            scenarios: vec![String::new(); shape.scenarios],
            assets: vec![
                Asset {
                    id: String::new(),
                    price: 0,
                    tiers: vec![Tier { up_to: None, weight: 0 }; shape.tiers],
                    debt_margin_rate: 0,
                    max_share: None,
                };
                shape.assets
            ],
            instruments: vec![
                Instrument {
                    id: String::new(),
                    scenario_loss: vec![0; shape.scenarios],
                    short_option_minimum: 0,
                    limits: InstrumentLimits::default(),
                };
                shape.instruments
            ],
            margin_ratio: 0,
            collateral_ratio: 0,
            underlyings: vec![Underlying { id: String::new(), max_net_delta: None }; shape.underlyings()],
            // With limits, an oracle (of no effect) marks the policy as one with limits.
            oracle: shape.limits.map(|_| Oracle { prices_at: 0, buffer_per_hour: 0 }),
            // Signed holdings: sources keyed Base8 (a valid key; keys are public values).
            signed: shape.signed.map(|signed| SignedHoldings {
                sources: vec![
                    Source { id: String::new(), public_key: Point::base8().pack_bytes(), attests: Attests::default(), max_age: 0 };
                    signed.sources
                ],
                statement_slots: signed.statements,
                items_per_statement: signed.items,
                signed_debts: false,
            }),
        };
        let portfolio = Portfolio {
            account: [0; 20],
            balances: vec![0; shape.assets],
            debts: vec![0; shape.assets],
            positions: vec![0; shape.instruments],
        };
        Witness { policy, portfolio, snapshot_time: 0, salt: [0; SALT_BYTES], statements: Vec::new() }
    }

    /// The shape.
    pub fn shape(&self) -> Shape {
        self.policy.shape()
    }

    /// The public inputs this witness proves.
    pub fn public_inputs(&self) -> PublicInputs {
        PublicInputs {
            portfolio_commitment: portfolio_commitment(self.shape(), &self.portfolio, self.snapshot_time, &self.salt),
            account: account_to_field(&self.portfolio.account),
            snapshot_time: Fr::from(self.snapshot_time),
        }
    }
}

/// Cells of the circuit's figures (what tests compare with the reference model).
#[derive(Clone, Debug)]
pub struct Figures {
    /// `C`, 22 fractional digits.
    pub collateral_value: Cell,
    /// `D`, 16 digits.
    pub debt_value: Cell,
    /// `E`, 22 digits.
    pub equity: Cell,
    /// `L_s`, 16 digits.
    pub scenario_losses: Vec<Cell>,
    /// `SR`, 16 digits.
    pub scanning_risk: Cell,
    /// `SOM`, 16 digits.
    pub short_option_minimum: Cell,
    /// `M`, 22 digits.
    pub margin_requirement: Cell,
    /// `E * 10^6 - margin_ratio * M`, 28 digits (range-checked: the margin claim).
    pub margin_slack: Cell,
    /// `C - collateral_ratio * D`, 22 digits (range-checked: the collateral claim).
    pub collateral_slack: Cell,
    /// The tier selection of every balance.
    pub tiers: Vec<TierSelection>,
    /// The limits of risk model v2 (`None` without them).
    pub limits: Option<LimitFigures>,
    /// The comparison bits of the scanning risk's running maximum.
    pub scanning_bits: Vec<Cell>,
    /// The account (private copy of the public value's part).
    pub account: Cell,
    /// The snapshot time (likewise).
    pub time: Cell,
    /// The positions `q_i`.
    pub positions: Vec<Cell>,
    /// The short parts of the positions.
    pub position_shorts: Vec<Cell>,
    /// The magnitudes of the positions (first cells of their running sums).
    pub position_magnitudes: Vec<Cell>,
    /// The loaded balances.
    pub balances: Vec<Cell>,
    /// The loaded debts.
    pub debts: Vec<Cell>,
    /// The salt.
    pub salt: Cell,
    /// The elements the portfolio commitment absorbs.
    pub commitment_inputs: Vec<Cell>,
    /// The sponge's digest.
    pub digest: Cell,
    /// Signed holdings' cells (`None` without).
    pub signed: Option<SignedFigures>,
}

/// Cells of the limits of risk model v2.
#[derive(Clone, Debug)]
pub struct LimitFigures {
    /// `add_on`, 16 digits.
    pub add_on: Cell,
    /// Started hours between `prices_at` and the snapshot.
    pub hours: Cell,
    /// `3600 h - (time - prices_at)`.
    pub hour_remainder: Cell,
    /// `margin_ratio + buffer_per_hour * h`, 6 digits.
    pub effective_margin_ratio: Cell,
    /// `max_share_a * C - CV_a * 10^6` per asset (range-checked).
    pub concentration_slacks: Vec<Cell>,
    /// `ND_u` per underlying, 16 digits.
    pub net_deltas: Vec<Cell>,
    /// `limit_u - ND_u` and `limit_u + ND_u` per underlying (range-checked).
    pub net_delta_slacks: Vec<[Cell; 2]>,
    /// `L_i - |q_i|` per instrument (a running sum in the block).
    pub position_slacks: Vec<Cell>,
    /// `e_i = max(0, |q_i| - t_i)` per instrument.
    pub excesses: Vec<Cell>,
    /// `| |q_i| - t_i |` per instrument (a running sum in the block).
    pub distances: Vec<Cell>,
}

/// Packs main-column cells three to an element, `v_0 + v_1 * 2^72 + v_2 * 2^144` (as
/// [`crate::encoding::pack`]).
pub fn pack_cells(ctx: &mut Context, values: &[Cell]) -> Vec<Cell> {
    let gate = GateChip;
    let shifts = [Constant::PowerOfTwo(72), Constant::PowerOfTwo(144)].map(|c| ctx.load_constant(c.value()));
    values
        .chunks(PACKED)
        .map(|chunk| chunk[1..].iter().zip(shifts).fold(chunk[0], |acc, (v, shift)| gate.mul_add(ctx, acc, *v, shift)))
        .collect()
}

/// Records the whole attestation into `ctx`: the claims over the header's policy values and the
/// lanes' losses, and the portfolio commitment, equal to the first public input.
pub fn synthesize_attestation(ctx: &mut Context, w: &Witness) -> Figures {
    let gate = GateChip;
    let range = RangeChip;
    let shape = w.shape();
    let amount_scale = ctx.load_constant(Fr::from(100_000_000));
    let ratio_scale = ctx.load_constant(Fr::from(1_000_000));
    let one = ctx.load_constant(Fr::ONE);
    let zero = ctx.load_constant(Fr::ZERO);

    // Time window and account: one public value, account + 2^160 * time.
    let account = ctx.load_witness(account_to_field(&w.portfolio.account));
    range.range_check(ctx, account, ACCOUNT_BITS, ACCOUNT_RANGE);
    let time = ctx.load_witness(Fr::from(w.snapshot_time));
    range.range_check(ctx, time, TIME_BITS, TIME_RANGE);
    let shift = ctx.load_constant(Constant::PowerOfTwo(160).value());
    let packed = gate.mul_add(ctx, account, time, shift);
    let public = ctx.public(PublicSlot::AccountAndTime);
    ctx.constrain_equal(packed, public);
    let effective_at = ctx.public(PublicSlot::EffectiveAt);
    let expires_at = ctx.public(PublicSlot::ExpiresAt);
    range.assert_less_or_equal(ctx, effective_at, time, TIME_BITS, WINDOW_START);
    let last_second = gate.sub(ctx, expires_at, one);
    range.assert_less_or_equal(ctx, time, last_second, TIME_BITS, WINDOW_END);

    // Collateral and debt, asset by asset.
    let mut balances = Vec::new();
    let mut debts = Vec::new();
    let mut haircut_values = Vec::new();
    let mut debt_values = Vec::new();
    let mut debt_margins = Vec::new();
    let mut tiers = Vec::new();
    for a in 0..shape.assets {
        let price = ctx.public(PublicSlot::Price(a));
        let rate = ctx.public(PublicSlot::DebtMarginRate(a));
        let balance = ctx.load_witness(field_from_i128(w.portfolio.balances[a]));
        range.range_check(ctx, balance, AMOUNT_BITS, &format!("{BALANCE_RANGE} {a}"));
        let debt = ctx.load_witness(field_from_i128(w.portfolio.debts[a]));
        range.range_check(ctx, debt, AMOUNT_BITS, &format!("{DEBT_RANGE} {a}"));
        let value = gate.mul(ctx, balance, price);
        let mut bounds = Vec::new();
        let mut weights = Vec::new();
        for k in 0..shape.tiers {
            let up_to = ctx.public(PublicSlot::UpTo(a, k));
            bounds.push(gate.mul(ctx, up_to, amount_scale));
            weights.push(ctx.public(PublicSlot::Weight(a, k)));
        }
        let selection = TierChip.haircut_value(ctx, value, &bounds, &weights);
        haircut_values.push(selection.haircut_value);
        tiers.push(selection);
        let debt_value = gate.mul(ctx, debt, price);
        debt_margins.push(gate.mul(ctx, debt_value, rate));
        debt_values.push(debt_value);
        balances.push(balance);
        debts.push(debt);
    }

    // Positions, scenario losses and short option minimum (instrument blocks), scanning risk.
    let blocks = BlockChip.instrument_blocks(ctx, &w.policy, &w.portfolio.positions);
    let (scanning_risk, scanning_bits) = ScenarioChip.scanning_risk(ctx, &blocks.scenario_losses);
    let short_option_minimum = blocks.short_option_minimum;

    // Signed holdings: the portfolio is the sum of the statements' items.
    let signed = w.policy.signed.as_ref().map(|_| {
        let cells = PortfolioCells { account, time, balances: balances.clone(), debts: debts.clone(), positions: blocks.positions.clone() };
        SignedChip.signed_holdings(ctx, &w.policy, &w.statements, &cells)
    });

    // The claims.
    let sum = |ctx: &mut Context, cells: &[Cell]| cells.iter().fold(zero, |acc, c| gate.add(ctx, acc, *c));
    let collateral_value = sum(ctx, &haircut_values);
    let debt_value = sum(ctx, &debt_values);
    let debt_margin = sum(ctx, &debt_margins);
    let mut risk = range.max(ctx, scanning_risk, short_option_minimum, LOSS_COMPARE_BITS, RISK_MAXIMUM);
    let mut margin_ratio = ctx.public(PublicSlot::MarginRatio);
    let limits = shape.limits.map(|_| {
        let figures = synthesize_limits(ctx, &blocks, &haircut_values, collateral_value, time, margin_ratio);
        risk = gate.add(ctx, risk, figures.add_on);
        margin_ratio = figures.effective_margin_ratio;
        figures
    });
    let margin_requirement = gate.mul_add(ctx, debt_margin, risk, ratio_scale);
    let equity = sub_mul(ctx, collateral_value, debt_value, ratio_scale);
    let collateral_ratio = ctx.public(PublicSlot::CollateralRatio);
    let scaled_equity = gate.mul(ctx, equity, ratio_scale);
    let margin_slack = sub_mul(ctx, scaled_equity, margin_ratio, margin_requirement);
    range.range_check(ctx, margin_slack, MARGIN_SLACK_BITS, MARGIN_CLAIM);
    let collateral_slack = sub_mul(ctx, collateral_value, collateral_ratio, debt_value);
    range.range_check(ctx, collateral_slack, COLLATERAL_SLACK_BITS, COLLATERAL_CLAIM);

    // The portfolio commitment over the account, time, packed amounts and positions, and salt.
    let salt = ctx.load_witness(salt_to_field(&w.salt));
    range.range_check(ctx, salt, SALT_BITS, SALT_RANGE);
    let mut inputs = vec![account, time];
    inputs.extend(pack_cells(ctx, &balances));
    inputs.extend(pack_cells(ctx, &debts));
    inputs.extend(pack_cells(ctx, &blocks.positions));
    inputs.push(salt);
    let (start, lanes) = (ctx.regions().sponge_start, ctx.regions().dims.lanes);
    let digest = SpongeChip.hash(ctx, start, 3usize.saturating_sub(lanes), portfolio_initial_state(shape), &inputs);
    let commitment = ctx.public(PublicSlot::PortfolioCommitment);
    ctx.constrain_equal(digest, commitment);

    Figures {
        collateral_value,
        debt_value,
        equity,
        scenario_losses: blocks.scenario_losses,
        scanning_risk,
        short_option_minimum,
        margin_requirement,
        margin_slack,
        collateral_slack,
        tiers,
        limits,
        scanning_bits,
        account,
        time,
        positions: blocks.positions,
        position_shorts: blocks.shorts,
        position_magnitudes: blocks.magnitudes,
        balances,
        debts,
        salt,
        commitment_inputs: inputs,
        digest,
        signed,
    }
}

/// The limits of risk model v2 (`docs/design.md` §2.2, §8.3): the oracle-latency hours and the
/// margin claim's ratio, each asset's concentration, each underlying's net delta; the add-on,
/// position limits and excesses come proven from the instrument blocks.
fn synthesize_limits(
    ctx: &mut Context,
    blocks: &crate::blocks::BlockCells,
    haircut_values: &[Cell],
    collateral_value: Cell,
    time: Cell,
    margin_ratio: Cell,
) -> LimitFigures {
    let gate = GateChip;
    let range = RangeChip;
    let ratio_scale = ctx.load_constant(Fr::from(1_000_000));

    // Hours: 3600 h - (time - prices_at) in [0, 3599], so h = ceil((time - prices_at) / 3600).
    let prices_at = ctx.public(PublicSlot::PricesAt);
    let buffer_per_hour = ctx.public(PublicSlot::BufferPerHour);
    let seconds_per_hour = ctx.public(PublicSlot::SecondsPerHour);
    let last_second = ctx.public(PublicSlot::LastSecondOfHour);
    let age = gate.sub(ctx, time, prices_at);
    let age_value = u64::from_le_bytes(ff::PrimeField::to_repr(&age.value)[..8].try_into().expect("8 bytes"));
    let hours = ctx.load_witness(Fr::from(age_value.div_ceil(3600)));
    range.range_check(ctx, hours, TIME_BITS, HOURS_RANGE);
    let hour_seconds = gate.mul(ctx, seconds_per_hour, hours);
    let hour_remainder = gate.sub(ctx, hour_seconds, age);
    range.range_check(ctx, hour_remainder, HOUR_REMAINDER_BITS, HOUR_REMAINDER_LOW);
    let rest = gate.sub(ctx, last_second, hour_remainder);
    range.range_check(ctx, rest, HOUR_REMAINDER_BITS, HOUR_REMAINDER_HIGH);
    let effective_margin_ratio = gate.mul_add(ctx, margin_ratio, buffer_per_hour, hours);

    // Concentration: max_share_a * C - CV_a * 10^6 >= 0.
    let concentration_slacks = haircut_values
        .iter()
        .enumerate()
        .map(|(a, &haircut)| {
            let share = ctx.public(PublicSlot::MaxShare(a));
            let allowed = gate.mul(ctx, share, collateral_value);
            let slack = sub_mul(ctx, allowed, haircut, ratio_scale);
            range.range_check(ctx, slack, CONCENTRATION_SLACK_BITS, &format!("{CONCENTRATION_CAP} {a}"));
            slack
        })
        .collect();

    // Net deltas: limit_u - ND_u >= 0 and limit_u + ND_u >= 0.
    let net_delta_slacks = blocks
        .net_deltas
        .iter()
        .enumerate()
        .map(|(u, &net_delta)| {
            let limit = ctx.public(PublicSlot::NetDeltaLimit(u));
            let below = gate.sub(ctx, limit, net_delta);
            range.range_check(ctx, below, NET_DELTA_SLACK_BITS, &format!("{NET_DELTA_BELOW} {u}"));
            let above = gate.add(ctx, limit, net_delta);
            range.range_check(ctx, above, NET_DELTA_SLACK_BITS, &format!("{NET_DELTA_ABOVE} {u}"));
            [below, above]
        })
        .collect();

    LimitFigures {
        add_on: blocks.add_on.expect("blocks with limits read the add-on"),
        hours,
        hour_remainder,
        effective_margin_ratio,
        concentration_slacks,
        net_deltas: blocks.net_deltas.clone(),
        net_delta_slacks,
        position_slacks: blocks.position_slacks.clone(),
        excesses: blocks.excesses.clone(),
        distances: blocks.distances.clone(),
    }
}

/// The context of `w` laid out with `dims`.
pub fn context_for(w: &Witness, dims: Dims) -> Context {
    let regions = Arc::new(Regions::new(w.shape(), dims));
    let header = header_with(&w.policy, regions.header_rows, &w.public_inputs());
    let mut ctx = Context::new(regions, &header);
    synthesize_attestation(&mut ctx, w);
    ctx
}

/// Rows of the main region of `shape`'s circuit with `dims` (it does not depend on the lanes).
pub fn main_region_rows(shape: Shape, dims: Dims) -> usize {
    main_rows(&context_for(&Witness::zero(shape), dims))
}

impl Dims {
    /// The dimensions of `shape`'s circuit: the smallest `k`, then the fewest lanes. Computed
    /// once per shape and process (it lays out an empty witness).
    pub fn for_shape(shape: Shape) -> Dims {
        static CACHE: OnceLock<Mutex<HashMap<Shape, Dims>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Some(dims) = cache.lock().expect("dims cache").get(&shape) {
            return *dims;
        }
        let probe = Dims::with_lanes(shape, 1);
        let main_rows = main_region_rows(shape, probe);
        // With limits, lane 1 holds each instrument's position limit and add-on threshold, and
        // a_4, a_5 (free with two lanes) their running sums.
        let choices: &[usize] = if shape.limits.is_some() { &[LIMITS_LANES] } else { &LANE_CHOICES };
        let dims = choices
            .iter()
            .map(|&lanes| {
                let mut dims = Dims::with_lanes(shape, lanes);
                dims.k = k_for_rows(Regions::new(shape, dims).main_start + main_rows, &dims);
                dims
            })
            .min_by_key(|d| (d.k, d.lanes))
            .expect("lane choices");
        cache.lock().expect("dims cache").insert(shape, dims);
        dims
    }
}

/// The attestation circuit: a built witness, its layout and its public columns.
#[derive(Clone, Debug)]
pub struct AttestationCircuit {
    shape: Shape,
    dims: Dims,
    context: Arc<Context>,
    public: Arc<Vec<Vec<Fr>>>,
}

impl AttestationCircuit {
    /// The circuit proving `witness`.
    pub fn new(witness: &Witness) -> Self {
        let dims = Dims::for_shape(witness.shape());
        let public = public_columns(&witness.policy, &dims, &witness.public_inputs());
        Self::from_context(witness.shape(), dims, context_for(witness, dims), public)
    }

    /// The circuit of a shape with an all-zero witness (for key generation).
    pub fn for_shape(shape: Shape) -> Self {
        Self::new(&Witness::zero(shape))
    }

    /// The circuit of an already built context and its public columns.
    pub fn from_context(shape: Shape, dims: Dims, ctx: Context, public: Vec<Vec<Fr>>) -> Self {
        assert!(rows(&ctx) <= 1 << dims.k, "the layout fits 2^k rows");
        AttestationCircuit { shape, dims, context: Arc::new(ctx), public: Arc::new(public) }
    }

    /// The shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The dimensions (lanes, block height, `k`).
    pub fn dims(&self) -> Dims {
        self.dims
    }

    /// Rows the layout uses.
    pub fn rows(&self) -> usize {
        rows(&self.context)
    }

    /// Rows of the portfolio commitment's sponge.
    pub fn sponge_rows(&self) -> usize {
        self.context.regions().main_start - self.context.regions().sponge_start
    }

    /// `k`: the circuit has `2^k` rows.
    pub fn k(&self) -> u32 {
        self.dims.k
    }

    /// The public columns (the lanes) this circuit is proven against.
    pub fn public_columns(&self) -> &[Vec<Fr>] {
        &self.public
    }
}

impl Circuit<Fr> for AttestationCircuit {
    type Config = SolventConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = Dims;

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn params(&self) -> Dims {
        self.dims
    }

    fn configure_with_params(meta: &mut ConstraintSystem<Fr>, dims: Dims) -> SolventConfig {
        SolventConfig::configure(meta, dims)
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> SolventConfig {
        SolventConfig::configure(meta, Dims::default())
    }

    fn synthesize(&self, config: SolventConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        config.range.load_table(&mut layouter)?;
        layouter.assign_region(|| "attestation", |mut region| assign(&self.context, &config, &mut region))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks;
    use crate::encoding::field_from_bigint;
    use crate::layout::FIRST_LANE;
    use crate::testing::*;
    use ff::PrimeField;
    use num_bigint::BigInt;
    use solvent_model::evaluate;

    const LOAD: &str = "public: the main column holds the public value";
    const MAIN_GATE: &str = "main: a + b * c = d";
    const EQUALITY: &str = "Equality constraint not satisfied";

    /// Asserts that the range check `label` of `w`'s circuit rejects the verdict's witness.
    fn range_fails(verdict: Result<(), Vec<String>>, w: &Witness, label: &str) {
        assert_range_failure(verdict, &built(w).0, label);
    }

    fn forged(w: &Witness, cells: &[(Cell, Fr)]) -> Result<(), Vec<String>> {
        mock_forged(w, cells.iter().map(|(c, v)| (c.index, *v)).collect(), None)
    }

    fn collateral_witness(balance: &str, debt: &str) -> Witness {
        let policy = Policy::from_json(SPAN_POLICY).unwrap();
        let text = portfolio_json(&format!(r#""USDC": "{balance}""#), &format!(r#""USDC": "{debt}""#), "");
        witness(policy.clone(), Portfolio::from_json(&text, &policy).unwrap().0)
    }

    #[test]
    fn honest_span_portfolio_is_accepted_and_matches_the_model() {
        let w = span_witness();
        mock_honest(&w).unwrap();
        let (_, f) = built(&w);
        let r = evaluate(&w.policy, &w.portfolio, w.snapshot_time);
        let field = |d: &solvent_model::Decimal| field_from_bigint(&d.mantissa);
        assert_eq!(f.collateral_value.value, field(&r.collateral_value));
        assert_eq!(f.debt_value.value, field(&r.debt_value));
        assert_eq!(f.equity.value, field(&r.equity));
        for (cell, loss) in f.scenario_losses.iter().zip(&r.scenario_losses) {
            assert_eq!(cell.value, field(loss));
        }
        assert_eq!(f.scanning_risk.value, field(&r.scanning_risk));
        assert_eq!(f.short_option_minimum.value, field(&r.short_option_minimum));
        assert_eq!(f.margin_requirement.value, field(&r.margin_requirement));
        assert_eq!(f.margin_slack.value, field(&r.margin_excess));
        assert_eq!(f.collateral_slack.value, field(&r.collateral_excess));
        assert_eq!(f.digest.value, w.public_inputs().portfolio_commitment);
    }

    #[test]
    fn honest_v2_portfolio_is_accepted_and_matches_the_model() {
        let w = span_witness_v2();
        mock_honest(&w).unwrap();
        let (_, f) = built(&w);
        let r = evaluate(&w.policy, &w.portfolio, w.snapshot_time);
        assert!(r.all_ok());
        let field = |d: &solvent_model::Decimal| field_from_bigint(&d.mantissa);
        let limits = f.limits.as_ref().expect("a policy with limits");
        assert_eq!(limits.add_on.value, field(&r.add_on));
        assert_eq!(r.add_on.to_string(), "50");
        assert_eq!(limits.hours.value, Fr::from(r.latency_hours));
        assert_eq!(r.latency_hours, 1);
        assert_eq!(limits.effective_margin_ratio.value, field(&r.effective_margin_ratio));
        for (cell, nd) in limits.net_deltas.iter().zip(&r.net_deltas) {
            assert_eq!(cell.value, field(nd));
        }
        assert_eq!(r.net_deltas[0].to_string(), "0.2");
        for check in &r.limits.concentration {
            assert_eq!(limits.concentration_slacks[check.index].value, field(&check.slack));
        }
        for check in &r.limits.positions {
            assert_eq!(limits.position_slacks[check.index].value, field(&check.slack));
        }
        assert_eq!(f.margin_requirement.value, field(&r.margin_requirement));
        assert_eq!(f.margin_slack.value, field(&r.margin_excess));
        assert_eq!(f.digest.value, w.public_inputs().portfolio_commitment);
    }

    /// The v2 SPAN witness with other positions (PERP, call) and balances (USDC, BTC).
    fn v2_witness(balances: &str, positions: &str) -> Witness {
        let policy = Policy::from_json(SPAN_POLICY_V2).unwrap();
        let text = portfolio_json(balances, r#""USDC": "10000""#, positions);
        witness(policy.clone(), Portfolio::from_json(&text, &policy).unwrap().0)
    }

    const LIMITS_GATE: &str = "blocks: limits";
    const SPAN_BALANCES: &str = r#""USDC": "50000", "BTC": "6""#;

    #[test]
    fn a_position_at_its_limit_is_accepted_and_one_unit_over_is_rejected_by_the_limits_gate() {
        // BTC-C-25000 is limited to 3 contracts (either side); with 3.00000001 its slack's running
        // sum does not end in 0.
        for (position, holds) in [("-3", true), ("3", true), ("-3.00000001", false), ("3.00000001", false)] {
            let w = v2_witness(SPAN_BALANCES, &format!(r#""BTC-PERP": "1", "BTC-C-25000": "{position}""#));
            let report = evaluate(&w.policy, &w.portfolio, w.snapshot_time);
            assert_eq!(report.limits.ok(), holds, "{position}");
            assert!(report.margin_ok && report.collateral_ok);
            match holds {
                true => mock_honest(&w).unwrap(),
                false => assert_constraint_failure(mock_honest(&w), LIMITS_GATE, blocks::POSITION_SLACK_END),
            }
        }
        // The gate's other constraints: `blocks::tests`.
    }

    #[test]
    fn a_concentration_at_its_cap_is_accepted_and_one_unit_over_is_rejected() {
        // USDC (weight 1) capped at 0.5 of C: with BTC's CV = 100000, USDC 100000 is the cap.
        for (usdc, holds) in [("100000", true), ("100000.00000001", false)] {
            let w = v2_witness(&format!(r#""USDC": "{usdc}", "BTC": "6""#), r#""BTC-PERP": "1""#);
            let report = evaluate(&w.policy, &w.portfolio, w.snapshot_time);
            assert_eq!(report.limits.concentration[0].ok, holds, "{usdc}");
            assert!(report.limits.concentration[1].ok && report.margin_ok && report.collateral_ok);
            match holds {
                true => mock_honest(&w).unwrap(),
                false => range_fails(mock_honest(&w), &w, &format!("{CONCENTRATION_CAP} 0")),
            }
        }
        let w = span_witness_v2();
        let (_, f) = built(&w);
        let slack = f.limits.unwrap().concentration_slacks[0];
        assert_failure(forged(&w, &[(slack, slack.value + Fr::ONE)]), MAIN_GATE);
    }

    #[test]
    fn a_net_delta_at_its_limit_is_accepted_and_one_unit_over_is_rejected_in_each_sign() {
        // BTC's net delta limit is 5: PERP delta 1, call delta 0.4 (the call at 0 here).
        let (below, above) = (format!("{NET_DELTA_BELOW} 0"), format!("{NET_DELTA_ABOVE} 0"));
        for (perp, holds, check) in [("5", true, ""), ("-5", true, ""), ("5.00000001", false, &below), ("-5.00000001", false, &above)] {
            let policy = Policy::from_json(&SPAN_POLICY_V2.replace(r#""max_abs_position": "10""#, r#""max_abs_position": "100""#)).unwrap();
            let text = portfolio_json(SPAN_BALANCES, r#""USDC": "10000""#, &format!(r#""BTC-PERP": "{perp}""#));
            let w = witness(policy.clone(), Portfolio::from_json(&text, &policy).unwrap().0);
            let report = evaluate(&w.policy, &w.portfolio, w.snapshot_time);
            assert_eq!(report.limits.ok(), holds, "{perp}");
            assert!(report.margin_ok && report.collateral_ok, "{perp}");
            match holds {
                true => mock_honest(&w).unwrap(),
                false => range_fails(mock_honest(&w), &w, check),
            }
        }
        // A net delta read other than its lanes' total.
        let w = span_witness_v2();
        let (_, f) = built(&w);
        let net_delta = f.limits.unwrap().net_deltas[0];
        assert_failure(forged(&w, &[(net_delta, Fr::ZERO)]), "blocks: accumulate");
    }

    #[test]
    fn understated_latency_hours_are_rejected_by_their_range_checks() {
        // prices_at 90, snapshot 150: one started hour. Claiming 0 makes the remainder negative.
        let w = span_witness_v2();
        let (_, f) = built(&w);
        let limits = f.limits.unwrap();
        assert_eq!(limits.hours.value, Fr::ONE);
        range_fails(forged(&w, &[(limits.hours, Fr::ZERO)]), &w, HOUR_REMAINDER_LOW);
        // And a ratio other than margin_ratio + buffer * hours: the main gate.
        let ratio = limits.effective_margin_ratio;
        assert_failure(forged(&w, &[(ratio, Fr::from(1_500_000))]), MAIN_GATE);
        // One hour more than needed is refused too (the remainder is at most 3599).
        range_fails(forged(&w, &[(limits.hours, Fr::from(2))]), &w, HOUR_REMAINDER_HIGH);
    }

    #[test]
    fn the_latency_buffer_counts_started_hours() {
        let mut w = span_witness_v2();
        w.policy.expires_at = 10_000;
        for (time, hours) in [(100, 1), (90 + 3600, 1), (90 + 3601, 2), (199, 1)] {
            w.snapshot_time = time;
            let report = evaluate(&w.policy, &w.portfolio, time);
            assert_eq!(report.latency_hours, hours, "{time}");
            mock_honest(&w).unwrap();
        }
    }

    #[test]
    fn a_changed_v2_public_value_is_rejected_where_the_circuit_reads_it() {
        // prices_at changed after the policy was committed, a cap, a limit in lane 1, a delta.
        let w = span_witness_v2();
        let circuit = AttestationCircuit::new(&w);
        let dims = circuit.dims();
        let shape = w.shape();
        let regions = Regions::new(shape, dims);
        let (delta_row, delta_lane) = dims.delta_slot(shape.scenarios, 0);
        let cases = [
            (0, PublicSlot::PricesAt.row(&shape), LOAD),
            (0, PublicSlot::BufferPerHour.row(&shape), LOAD),
            (0, PublicSlot::MaxShare(0).row(&shape), LOAD),
            (0, PublicSlot::NetDeltaLimit(0).row(&shape), LOAD),
            (1, regions.block_row(1, 0), "('v = P - m') in gate"),
            (1, regions.block_row(0, dims.add_on_row.unwrap()), "('2e - n = m - t') in gate"),
            (0, regions.block_row(0, dims.add_on_row.unwrap()), "blocks: accumulate"),
            (delta_lane, regions.block_row(0, delta_row), "blocks: accumulate"),
        ];
        for (lane, row, gate) in cases {
            let mut public = circuit.public_columns().to_vec();
            public[lane][row] += Fr::ONE;
            assert_failure(mock(&circuit, public), gate);
        }
    }

    #[test]
    fn a_v1_policy_keeps_the_v1_circuit_and_a_v2_policy_without_limits_means_the_same() {
        let v1 = span_witness();
        assert_eq!(v1.shape().limits, None);
        let bare = Policy::from_json(&SPAN_POLICY.replace("policy/v1", "policy/v2")).unwrap();
        assert_eq!(bare, v1.policy);
        assert!(v1_shape_is_unchanged(&v1));
    }

    /// The v1 layout: lanes and rows as before risk model v2.
    fn v1_shape_is_unchanged(w: &Witness) -> bool {
        let dims = Dims::for_shape(w.shape());
        dims.add_on_row.is_none() && dims.block_height == crate::layout::MIN_BLOCK_HEIGHT
    }

    #[test]
    fn collateral_claim_with_equality_is_accepted_and_one_unit_short_is_rejected() {
        // C = 12500 (USDC at weight 1) and 1.25 * D with D = 10000: equality.
        let equal = collateral_witness("12500", "10000");
        assert!(evaluate(&equal.policy, &equal.portfolio, equal.snapshot_time).collateral_ok);
        mock_honest(&equal).unwrap();
        let short = collateral_witness("12499.99999999", "10000");
        let report = evaluate(&short.policy, &short.portfolio, short.snapshot_time);
        assert!(!report.collateral_ok && report.margin_ok);
        range_fails(mock_honest(&short), &short, COLLATERAL_CLAIM);
    }

    #[test]
    fn margin_claim_with_equality_is_accepted_and_one_unit_short_is_rejected() {
        // E = C - D; M = 0.1 * D (USDC debt margin); margin ratio 1.5: E = 1.5 * 0.1 * D, i.e.
        // C = 1.15 * D. With D = 100000, C = 115000 (collateral ratio lowered to 1).
        let text = SPAN_POLICY.replace(r#""collateral_ratio": "1.25""#, r#""collateral_ratio": "1""#);
        let policy = Policy::from_json(&text).unwrap();
        let make = |balance: &str| {
            let p = portfolio_json(&format!(r#""USDC": "{balance}""#), r#""USDC": "100000""#, "");
            witness(policy.clone(), Portfolio::from_json(&p, &policy).unwrap().0)
        };
        let equal = make("115000");
        let report = evaluate(&equal.policy, &equal.portfolio, equal.snapshot_time);
        assert!(report.margin_ok && report.margin_excess.mantissa == BigInt::from(0));
        mock_honest(&equal).unwrap();
        let short = make("114999.99999999");
        let report = evaluate(&short.policy, &short.portfolio, short.snapshot_time);
        assert!(!report.margin_ok && report.collateral_ok);
        range_fails(mock_honest(&short), &short, MARGIN_CLAIM);
    }

    #[test]
    fn a_nonzero_lane_above_the_first_block_is_rejected_by_the_header_gate() {
        // A cheating prover starting the accumulation from a value in the header's lane.
        let w = span_witness();
        let (ctx, _) = built(&w);
        let regions = ctx.regions().clone();
        let row = regions.block_row(0, 1) - regions.dims.block_height;
        let mut ctx = ctx.clone();
        let cell = ctx.assign_at(FIRST_LANE, row, -Fr::from(1000));
        let _ = cell;
        let public = crate::public::public_columns(&w.policy, &regions.dims, &w.public_inputs());
        let circuit = AttestationCircuit::from_context(w.shape(), regions.dims, ctx, public.clone());
        assert_failure(mock(&circuit, public), LOAD);
    }

    #[test]
    fn forged_readout_is_rejected() {
        let w = span_witness();
        let (ctx, f) = built(&w);
        // A read value alone: the readout row's accumulation.
        let worst = f.scenario_losses[0];
        assert_failure(forged(&w, &[(worst, Fr::ZERO)]), "blocks: accumulate");
        assert_failure(forged(&w, &[(f.short_option_minimum, Fr::ZERO)]), "blocks: accumulate");
        // And with the lane kept consistent down to the trailer: the lane does not reach 0 there,
        // which the trailer's gate (the header's) requires.
        let regions = ctx.regions().clone();
        let (j, lane) = (1, 0);
        let total = worst.value;
        let mut ctx = ctx.clone();
        ctx.cells[worst.index] = Fr::ZERO;
        let readout_lane = cell_at(&ctx, FIRST_LANE + lane, regions.readout_row(lane, j));
        ctx.cells[readout_lane] = total;
        for later in 1..regions.dims.lanes {
            let index = cell_at(&ctx, FIRST_LANE + lane, regions.readout_row(later, j));
            ctx.cells[index] = total;
        }
        ctx.assign_at(FIRST_LANE + lane, regions.trailer_row(j), total);
        let public = crate::public::public_columns(&w.policy, &regions.dims, &w.public_inputs());
        let verdict = mock(&AttestationCircuit::from_context(w.shape(), regions.dims, ctx, public.clone()), public);
        let failures = verdict.expect_err("accepted a wrong readout");
        assert!(failures.iter().all(|f| !f.contains("blocks: accumulate")), "{failures:?}");
        assert!(failures.iter().any(|f| f.contains(LOAD)), "{failures:?}");
    }

    #[test]
    fn a_position_beyond_64_bits_is_rejected_by_its_running_sum() {
        let w = span_witness();
        let (_, f) = built(&w);
        // q = 2^64 with short 0 claims |q| = 2^64: its running sum does not end in 0.
        let big = Fr::from_u128(1 << 64);
        let forged_cells = HashMap::from([(f.positions[0].index, big), (f.position_magnitudes[0].index, big)]);
        range_fails(mock_forged(&w, forged_cells, Some(Claim::Computed)), &w, "the running sum of instrument 0's position");
    }

    #[test]
    fn a_policy_value_loaded_other_than_public_is_rejected_by_the_load_gate() {
        let w = span_witness();
        let (ctx, _) = built(&w);
        let price = ctx.public(PublicSlot::Price(1));
        assert_eq!(price.value, Fr::from(20000u64 * 100_000_000));
        assert_failure(forged(&w, &[(price, Fr::from(30000u64 * 100_000_000))]), LOAD);
    }

    #[test]
    fn a_changed_public_value_is_rejected_where_the_circuit_reads_it() {
        let w = span_witness();
        let circuit = AttestationCircuit::new(&w);
        let dims = circuit.dims();
        let regions = Regions::new(w.shape(), dims);
        let cases = [
            (0, PublicSlot::PortfolioCommitment.row(&w.shape()), LOAD),
            (0, PublicSlot::AccountAndTime.row(&w.shape()), LOAD),
            (0, PublicSlot::Price(0).row(&w.shape()), LOAD),
            (0, regions.block_row(1, 0), "blocks: accumulate"),
            (0, regions.block_row(0, 1), "blocks: accumulate"),
            (0, regions.readout_row(0, 1), "blocks: accumulate"),
            (0, regions.sponge_start + 2, "poseidon: full round"),
        ];
        for (lane, row, gate) in cases {
            let mut public = circuit.public_columns().to_vec();
            public[lane][row] += Fr::ONE;
            assert_failure(mock(&circuit, public), gate);
        }
    }

    #[test]
    fn values_that_wrap_the_field_are_rejected() {
        // A debt of -10000 (p - 10000) would raise the equity; the cheating prover also claims
        // the commitment its forged witness gives.
        let w = collateral_witness("12500", "10000");
        let (_, f) = built(&w);
        let negative = -Fr::from(10000u64 * 100_000_000);
        range_fails(mock_forged(&w, HashMap::from([(f.debts[0].index, negative)]), Some(Claim::Computed)), &w, &format!("{DEBT_RANGE} 0"));
        // A balance of 2^64 (one above the range).
        let big = Fr::from_u128(1u128 << 64);
        range_fails(mock_forged(&w, HashMap::from([(f.balances[0].index, big)]), Some(Claim::Computed)), &w, &format!("{BALANCE_RANGE} 0"));
    }

    #[test]
    fn snapshot_outside_the_policy_window_is_rejected() {
        let mut w = span_witness();
        w.snapshot_time = w.policy.expires_at;
        range_fails(mock_honest(&w), &w, WINDOW_END);
        w.snapshot_time = w.policy.effective_at - 1;
        range_fails(mock_honest(&w), &w, WINDOW_START);
        w.snapshot_time = w.policy.expires_at - 1;
        mock_honest(&w).unwrap();
        w.snapshot_time = w.policy.effective_at;
        mock_honest(&w).unwrap();
    }

    #[test]
    fn account_above_160_bits_is_rejected() {
        // An account of 2^160 and a time one lower pack to the same public value as the honest
        // pair would with the time one higher: the account's range check refuses it.
        let w = span_witness();
        let (_, f) = built(&w);
        let forged_cells = HashMap::from([
            (f.account.index, f.account.value + Fr::from_u128(1u128 << 100) * Fr::from_u128(1u128 << 60)),
            (f.time.index, f.time.value - Fr::ONE),
        ]);
        range_fails(mock_forged(&w, forged_cells, None), &w, ACCOUNT_RANGE);
    }

    #[test]
    fn an_account_other_than_the_public_one_is_rejected_by_its_copy() {
        let w = span_witness();
        let (_, f) = built(&w);
        assert_failure(forged(&w, &[(f.account, f.account.value + Fr::ONE)]), EQUALITY);
    }

    #[test]
    fn salt_above_31_bytes_is_rejected() {
        // A salt of 2^248 publishes a commitment that no 31-byte opening matches.
        let w = span_witness();
        let (_, f) = built(&w);
        let forged_cells = HashMap::from([(f.salt.index, Fr::from(2).pow([248]))]);
        range_fails(mock_forged(&w, forged_cells, Some(Claim::Computed)), &w, SALT_RANGE);
    }

    #[test]
    fn a_commitment_other_than_the_digest_is_rejected() {
        let w = span_witness();
        let (_, f) = built(&w);
        // The digest cell changed (the sponge's gate), or a packed input changed (its copy).
        assert_failure(forged(&w, &[(f.digest, f.digest.value + Fr::ONE)]), "poseidon: digest");
        let packed = f.commitment_inputs[2];
        assert_failure(forged(&w, &[(packed, packed.value + Fr::ONE)]), MAIN_GATE);
    }

    #[test]
    fn keygen_circuit_has_the_same_layout_as_the_proving_circuit() {
        let w = span_witness();
        let (honest, _) = built(&w);
        let blank = context_for(&Witness::zero(w.shape()), Dims::for_shape(w.shape()));
        assert_eq!(honest.places, blank.places);
        assert_eq!(honest.gates, blank.gates);
        assert_eq!(honest.copies, blank.copies);
        assert_eq!(honest.switches, blank.switches);
        let fixed = |ctx: &Context| ctx.fixed.clone();
        assert_eq!(fixed(&honest), fixed(&blank));
        assert_eq!(
            honest.range_checks.iter().map(|r| (r.cell.index, r.bytes)).collect::<Vec<_>>(),
            blank.range_checks.iter().map(|r| (r.cell.index, r.bytes)).collect::<Vec<_>>()
        );
    }
}
