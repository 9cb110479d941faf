//! The attestation circuit: both claims of risk model v1 for a private portfolio under a public
//! policy, bound to the four public inputs of DESIGN.md.

use crate::context::{field_from_i128, Cell, Context, HashInput};
use crate::encoding::{
    account_to_field, name_to_field, policy_fields, salt_to_field, PolicyField, PublicInputs, Shape,
    POLICY_DOMAIN, PORTFOLIO_DOMAIN, SALT_BYTES,
};
use crate::gate::{GateChip, GateInstructions};
use crate::layout::{assign, Layout, SolventConfig};
use crate::range::{RangeChip, RangeInstructions};
use crate::risk::{
    sub_mul, ScenarioChip, ScenarioInstructions, SignChip, SignInstructions, TierChip, TierInstructions, TierSelection,
    AMOUNT_BITS,
    LOSS_COMPARE_BITS,
};
use ff::Field;
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner},
    halo2curves::bn256::Fr,
    plonk::{Circuit, ConstraintSystem, Error},
};
use solvent_model::{Asset, Instrument, Policy, Portfolio, Tier};
use std::collections::HashMap;
use std::sync::Arc;

/// Bits of the account (a 160-bit address).
pub const ACCOUNT_BITS: usize = 160;
/// Bits of unix times.
pub const TIME_BITS: usize = 64;
/// Bits of the collateral claim's slack `C - collateral_ratio * D` (honest values are below
/// `C < 2^160`; a negative slack wraps to above `p - 2^200`).
pub const COLLATERAL_SLACK_BITS: usize = 160;
/// Bits of the margin claim's slack `E * 10^6 - margin_ratio * M` (honest values are below
/// `C * 10^6 < 2^180`; a negative slack wraps to above `p - 2^225`).
pub const MARGIN_SLACK_BITS: usize = 184;

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
                Asset { id: String::new(), price: 0, tiers: vec![Tier { up_to: None, weight: 0 }; shape.tiers], debt_margin_rate: 0 };
                shape.assets
            ],
            instruments: vec![
                Instrument { id: String::new(), scenario_loss: vec![0; shape.scenarios], short_option_minimum: 0 };
                shape.instruments
            ],
            margin_ratio: 0,
            collateral_ratio: 0,
        };
        let portfolio = Portfolio {
            account: [0; 20],
            balances: vec![0; shape.assets],
            debts: vec![0; shape.assets],
            positions: vec![0; shape.instruments],
        };
        Witness { policy, portfolio, snapshot_time: 0, salt: [0; SALT_BYTES] }
    }

    /// The public inputs this witness proves.
    pub fn public_inputs(&self) -> PublicInputs {
        PublicInputs {
            policy_hash: crate::encoding::policy_hash(&self.policy),
            portfolio_commitment: crate::encoding::portfolio_commitment(&self.portfolio, self.snapshot_time, &self.salt),
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
    /// The comparison bits of the scanning risk's running maximum.
    pub scanning_bits: Vec<Cell>,
    /// The positions `q_i`.
    pub positions: Vec<Cell>,
    /// The short parts of the positions.
    pub position_shorts: Vec<Cell>,
    /// The loaded balances.
    pub balances: Vec<Cell>,
    /// The loaded debts.
    pub debts: Vec<Cell>,
}

/// Records the whole attestation into `ctx`: the claims, the policy hash and the commitment,
/// exposed as public inputs 0..4.
pub fn synthesize_attestation(ctx: &mut Context, w: &Witness) -> Figures {
    let gate = GateChip;
    let range = RangeChip;
    let shape = Shape::of(&w.policy);
    let amount_scale = ctx.load_constant(Fr::from(100_000_000));
    let ratio_scale = ctx.load_constant(Fr::from(1_000_000));

    // Policy values the claims use, loaded once and later bound to the policy hash.
    let fields = policy_fields(&w.policy);
    let value_of: HashMap<_, Fr> = fields.iter().map(|(f, v)| (format!("{f:?}"), *v)).collect();
    let mut policy_cells: HashMap<String, Cell> = HashMap::new();
    let mut load = |ctx: &mut Context, field: PolicyField| -> Cell {
        let key = format!("{field:?}");
        let cell = ctx.load_witness(value_of[&key]);
        policy_cells.insert(key, cell);
        cell
    };

    // Time window and account.
    let account = ctx.load_witness(account_to_field(&w.portfolio.account));
    range.range_check(ctx, account, ACCOUNT_BITS);
    let time = ctx.load_witness(Fr::from(w.snapshot_time));
    range.range_check(ctx, time, TIME_BITS);
    let effective_at = load(ctx, PolicyField::EffectiveAt);
    let expires_at = load(ctx, PolicyField::ExpiresAt);
    range.assert_less_or_equal(ctx, effective_at, time, TIME_BITS);
    let one = ctx.load_constant(Fr::ONE);
    let last_second = gate.sub(ctx, expires_at, one);
    range.assert_less_or_equal(ctx, time, last_second, TIME_BITS);

    // Collateral and debt, asset by asset.
    let mut balances = Vec::new();
    let mut debts = Vec::new();
    let mut haircut_values = Vec::new();
    let mut debt_values = Vec::new();
    let mut debt_margins = Vec::new();
    let mut tiers = Vec::new();
    for a in 0..shape.assets {
        let price = load(ctx, PolicyField::Price(a));
        let rate = load(ctx, PolicyField::DebtMarginRate(a));
        let balance = ctx.load_witness(field_from_i128(w.portfolio.balances[a]));
        range.range_check(ctx, balance, AMOUNT_BITS);
        let debt = ctx.load_witness(field_from_i128(w.portfolio.debts[a]));
        range.range_check(ctx, debt, AMOUNT_BITS);
        let value = gate.mul(ctx, balance, price);
        let mut bounds = Vec::new();
        let mut weights = Vec::new();
        for k in 0..shape.tiers {
            let up_to = load(ctx, PolicyField::UpTo(a, k));
            bounds.push(gate.mul(ctx, up_to, amount_scale));
            weights.push(load(ctx, PolicyField::Weight(a, k)));
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

    // Positions, scenario losses, scanning risk and short option minimum.
    let mut positions = Vec::new();
    let mut shorts = Vec::new();
    for q in &w.portfolio.positions {
        let (position, short) = SignChip.split_sign(ctx, *q);
        positions.push(position);
        shorts.push(short);
    }
    let losses: Vec<Vec<Fr>> =
        w.policy.instruments.iter().map(|i| i.scenario_loss.iter().map(|l| field_from_i128(*l)).collect()).collect();
    let (scenario_losses, loss_cells) = ScenarioChip.scenario_losses(ctx, &positions, &losses);
    let (scanning_risk, scanning_bits) = ScenarioChip.scanning_risk(ctx, &scenario_losses);
    let soms: Vec<Cell> = (0..shape.instruments).map(|i| load(ctx, PolicyField::ShortOptionMinimum(i))).collect();
    let short_option_minimum = gate.inner_product(ctx, &shorts, &soms);

    // The claims.
    let zero = ctx.load_constant(Fr::ZERO);
    let sum = |ctx: &mut Context, cells: &[Cell]| cells.iter().fold(zero, |acc, c| gate.add(ctx, acc, *c));
    let collateral_value = sum(ctx, &haircut_values);
    let debt_value = sum(ctx, &debt_values);
    let debt_margin = sum(ctx, &debt_margins);
    let risk = range.max(ctx, scanning_risk, short_option_minimum, LOSS_COMPARE_BITS);
    let margin_requirement = gate.mul_add(ctx, debt_margin, risk, ratio_scale);
    let equity = sub_mul(ctx, collateral_value, debt_value, ratio_scale);
    let margin_ratio = load(ctx, PolicyField::MarginRatio);
    let collateral_ratio = load(ctx, PolicyField::CollateralRatio);
    let scaled_equity = gate.mul(ctx, equity, ratio_scale);
    let margin_slack = sub_mul(ctx, scaled_equity, margin_ratio, margin_requirement);
    range.range_check(ctx, margin_slack, crate::attestation::MARGIN_SLACK_BITS);
    let collateral_slack = sub_mul(ctx, collateral_value, collateral_ratio, debt_value);
    range.range_check(ctx, collateral_slack, COLLATERAL_SLACK_BITS);

    // policy_hash over the very cells used above.
    let inputs: Vec<HashInput> = fields
        .iter()
        .map(|(field, value)| match field {
            PolicyField::Version
            | PolicyField::AssetCount
            | PolicyField::TierCount
            | PolicyField::InstrumentCount
            | PolicyField::ScenarioCount => HashInput::Constant(*value),
            PolicyField::NamesDigest => HashInput::Free(*value),
            PolicyField::ScenarioLoss(i, s) => HashInput::Cell(loss_cells[*i][*s]),
            other => HashInput::Cell(policy_cells[&format!("{other:?}")]),
        })
        .collect();
    let policy_hash = ctx.hash(name_to_field(POLICY_DOMAIN), inputs);

    // portfolio_commitment over the account, time, balances, debts, positions and salt.
    let mut inputs = vec![HashInput::Cell(account), HashInput::Cell(time)];
    inputs.extend(balances.iter().map(|c| HashInput::Cell(*c)));
    inputs.extend(debts.iter().map(|c| HashInput::Cell(*c)));
    inputs.extend(positions.iter().map(|c| HashInput::Cell(*c)));
    inputs.push(HashInput::Free(salt_to_field(&w.salt)));
    let commitment = ctx.hash(name_to_field(PORTFOLIO_DOMAIN), inputs);

    ctx.expose(policy_hash, 0);
    ctx.expose(commitment, 1);
    ctx.expose(account, 2);
    ctx.expose(time, 3);

    Figures {
        collateral_value,
        debt_value,
        equity,
        scenario_losses,
        scanning_risk,
        short_option_minimum,
        margin_requirement,
        margin_slack,
        collateral_slack,
        tiers,
        scanning_bits,
        positions,
        position_shorts: shorts,
        balances,
        debts,
    }
}

/// The attestation circuit: a built witness and its layout.
#[derive(Clone, Debug)]
pub struct AttestationCircuit {
    shape: Shape,
    context: Arc<Context>,
    layout: Arc<Layout>,
}

impl AttestationCircuit {
    /// The circuit proving `witness`.
    pub fn new(witness: &Witness) -> Self {
        let mut ctx = Context::new();
        synthesize_attestation(&mut ctx, witness);
        Self::from_context(Shape::of(&witness.policy), ctx)
    }

    /// The circuit of a shape with an all-zero witness (for key generation).
    pub fn for_shape(shape: Shape) -> Self {
        Self::new(&Witness::zero(shape))
    }

    /// The circuit of an already built context.
    pub fn from_context(shape: Shape, ctx: Context) -> Self {
        let layout = Layout::plan(&ctx);
        AttestationCircuit { shape, context: Arc::new(ctx), layout: Arc::new(layout) }
    }

    /// The shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// Rows the layout uses.
    pub fn rows(&self) -> usize {
        self.layout.rows()
    }

    /// Rows of the Poseidon sponges (the policy hash and the portfolio commitment).
    pub fn poseidon_rows(&self) -> usize {
        self.layout.poseidon_rows
    }

    /// The smallest `k` whose domain holds the layout and the lookup table.
    pub fn min_k(&self) -> u32 {
        let mut cs = ConstraintSystem::<Fr>::default();
        SolventConfig::configure(&mut cs);
        let reserved = cs.blinding_factors() + 1;
        let needed = self.rows().max(1 << crate::range::LIMB_BITS) + reserved;
        needed.next_power_of_two().trailing_zeros()
    }
}

impl Circuit<Fr> for AttestationCircuit {
    type Config = SolventConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> SolventConfig {
        SolventConfig::configure(meta)
    }

    fn synthesize(&self, config: SolventConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        config.range.load_table(&mut layouter)?;
        layouter.assign_region(|| "attestation", |mut region| assign(&self.context, &self.layout, &config, &mut region))
    }
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::field_from_bigint;
    use ff::PrimeField;
    use crate::testing::*;
    use num_bigint::BigInt;
    use solvent_model::evaluate;

    fn built(w: &Witness) -> (Context, Figures) {
        let mut ctx = Context::new();
        let figures = synthesize_attestation(&mut ctx, w);
        (ctx, figures)
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
        let r = evaluate(&w.policy, &w.portfolio);
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
    }

    #[test]
    fn collateral_claim_with_equality_is_accepted_and_one_unit_short_is_rejected() {
        // C = 12500 (USDC at weight 1) and 1.25 * D with D = 10000: equality.
        let equal = collateral_witness("12500", "10000");
        assert!(evaluate(&equal.policy, &equal.portfolio).collateral_ok);
        mock_honest(&equal).unwrap();
        let short = collateral_witness("12499.99999999", "10000");
        let report = evaluate(&short.policy, &short.portfolio);
        assert!(!report.collateral_ok && report.margin_ok);
        assert!(mock_honest(&short).is_err());
    }

    #[test]
    fn margin_claim_with_equality_is_accepted_and_one_unit_short_is_rejected() {
        // E = C - D; M = 0.1 * D (USDC debt margin); margin ratio 1.5:
        // E = 1.5 * 0.1 * D  <=>  C = 1.15 * D. With D = 100000, C = 115000 (collateral ratio 1.25 fails,
        // so lower it to 1 for this test).
        let text = SPAN_POLICY.replace(r#""collateral_ratio": "1.25""#, r#""collateral_ratio": "1""#);
        let policy = Policy::from_json(&text).unwrap();
        let make = |balance: &str| {
            let p = portfolio_json(&format!(r#""USDC": "{balance}""#), r#""USDC": "100000""#, "");
            witness(policy.clone(), Portfolio::from_json(&p, &policy).unwrap().0)
        };
        let equal = make("115000");
        let report = evaluate(&equal.policy, &equal.portfolio);
        assert!(report.margin_ok && report.margin_excess.mantissa == BigInt::from(0));
        mock_honest(&equal).unwrap();
        let short = make("114999.99999999");
        let report = evaluate(&short.policy, &short.portfolio);
        assert!(!report.margin_ok && report.collateral_ok);
        assert!(mock_honest(&short).is_err());
    }

    #[test]
    fn wrong_tier_index_is_rejected() {
        // The BTC balance (120000 of value) is above its first bound: claim it is below.
        let w = span_witness();
        let (_, f) = built(&w);
        let bit = f.tiers[1].below[0];
        assert_eq!(bit.value, Fr::ZERO);
        assert!(forged(&w, &[(bit, Fr::ONE)]).is_err());
        // And the unbounded tier claimed exceeded.
        let bit = f.tiers[1].below[1];
        assert_eq!(bit.value, Fr::ONE);
        assert!(forged(&w, &[(bit, Fr::ZERO)]).is_err());
    }

    #[test]
    fn forged_tier_clamp_is_rejected() {
        let w = span_witness();
        let (_, f) = built(&w);
        let counted = f.tiers[1].counted[1];
        assert!(forged(&w, &[(counted, counted.value + Fr::ONE)]).is_err());
    }

    #[test]
    fn forged_scenario_sum_is_rejected() {
        let w = span_witness();
        let (_, f) = built(&w);
        let worst = f.scenario_losses[0];
        assert!(forged(&w, &[(worst, Fr::ZERO)]).is_err());
    }

    #[test]
    fn wrong_maximum_is_rejected() {
        let w = span_witness();
        let (_, f) = built(&w);
        // Claim the running maximum is not below L_0 = 2300, so SR would stay 0.
        let bit = f.scanning_bits[0];
        assert_eq!(bit.value, Fr::ONE);
        assert!(forged(&w, &[(bit, Fr::ZERO)]).is_err());
        assert!(forged(&w, &[(f.scanning_risk, Fr::ZERO)]).is_err());
    }

    #[test]
    fn wrong_sign_split_is_rejected() {
        let w = span_witness();
        let (_, f) = built(&w);
        // Position 1 is -2 (short 2): claim it long -2 and short 0, which would void SOM.
        let short = f.position_shorts[1];
        let long_index = short.index - 1;
        let forged_cells = HashMap::from([(long_index, -short.value), (short.index, Fr::ZERO)]);
        assert!(mock_forged(&w, forged_cells, None).is_err());
        // A split whose parts are both non-zero.
        let forged_cells = HashMap::from([(long_index, Fr::ONE), (short.index, short.value + Fr::ONE)]);
        assert!(mock_forged(&w, forged_cells, None).is_err());
    }

    #[test]
    fn policy_value_changed_after_hashing_is_rejected() {
        let w = span_witness();
        let (ctx, f) = built(&w);
        // Every copy of the BTC price cell (the one hashed) used in a gate.
        let price_cell = f.balances[1].index - 2;
        assert_eq!(ctx.cells[price_cell], Fr::from(20000u64 * 100_000_000));
        let copies: Vec<usize> = ctx.copies.iter().filter(|(a, _)| *a == price_cell).map(|(_, b)| *b).collect();
        assert!(copies.len() >= 2, "price is used for the value and the debt");
        for copy in copies {
            let forged_cells = HashMap::from([(copy, Fr::from(30000u64 * 100_000_000))]);
            assert!(mock_forged(&w, forged_cells, None).is_err());
        }
        // Changing the hashed value itself changes the policy hash.
        let forged_cells = HashMap::from([(price_cell, Fr::from(30000u64 * 100_000_000))]);
        assert!(mock_forged(&w, forged_cells, None).is_err());
    }

    #[test]
    fn wrong_public_inputs_are_rejected() {
        let w = span_witness();
        let circuit = AttestationCircuit::new(&w);
        let honest = w.public_inputs().to_vec();
        for row in 0..4 {
            let mut instances = honest.clone();
            instances[row] += Fr::ONE;
            let failures = mock(&circuit, instances).expect_err("a changed public input was accepted");
            assert!(failures.iter().any(|f| f.contains("public input")), "public input {row}: {failures:?}");
        }
    }

    #[test]
    fn values_that_wrap_the_field_are_rejected() {
        // A debt of -10000 (p - 10000) would raise the equity; the cheating prover also claims
        // the commitment and other public inputs its forged witness gives.
        let w = collateral_witness("12500", "10000");
        let (_, f) = built(&w);
        let negative = -Fr::from(10000u64 * 100_000_000);
        let forged_cells = HashMap::from([(f.debts[0].index, negative)]);
        assert!(mock_forged(&w, forged_cells, Some(Claim::Computed)).is_err());
        // A balance of 2^64 (one above the range).
        let forged_cells = HashMap::from([(f.balances[0].index, Fr::from_u128(1u128 << 64))]);
        assert!(mock_forged(&w, forged_cells, Some(Claim::Computed)).is_err());
    }

    #[test]
    fn snapshot_outside_the_policy_window_is_rejected() {
        let mut w = span_witness();
        w.snapshot_time = w.policy.expires_at;
        assert!(mock_honest(&w).is_err());
        w.snapshot_time = w.policy.effective_at - 1;
        assert!(mock_honest(&w).is_err());
        w.snapshot_time = w.policy.expires_at - 1;
        mock_honest(&w).unwrap();
        w.snapshot_time = w.policy.effective_at;
        mock_honest(&w).unwrap();
    }

    #[test]
    fn account_above_160_bits_is_rejected() {
        let w = span_witness();
        let (ctx, _) = built(&w);
        let account_cell = ctx.instances.iter().find(|(_, row)| *row == 2).unwrap().0;
        let forged_cells = HashMap::from([(account_cell, Fr::from_u128(1u128 << 100) * Fr::from_u128(1u128 << 60))]);
        assert!(mock_forged(&w, forged_cells, Some(Claim::Computed)).is_err());
    }

    #[test]
    fn keygen_circuit_has_the_same_layout_as_the_proving_circuit() {
        let w = span_witness();
        let honest = AttestationCircuit::new(&w);
        let blank = AttestationCircuit::for_shape(Shape::of(&w.policy));
        assert_eq!(honest.rows(), blank.rows());
        assert_eq!(honest.layout.main.gates, blank.layout.main.gates);
        assert_eq!(honest.context.copies, blank.context.copies);
    }
}
