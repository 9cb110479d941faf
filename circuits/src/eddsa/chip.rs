//! The EdDSA chip: proves the curve equation of an EdDSA-Poseidon signature on Baby Jubjub,
//! `S Base8 = R8 + (8 hm) A`, for a key `A` on the curve, a challenge `hm` (a field element) and a
//! signature `(R8, S)` (`docs/design.md` §12, "The circuit's check"). `A`, `R8` and `hm` are cells
//! other regions copy in or out; `S` exists only as its bits here.
//!
//! Rows (`ROWS = 4 + 254 + 1`), on sixteen advice columns and two fixed ones:
//!
//! ```text
//! key rows 0..=3        (qx, qy) = A, 2A, 4A, 8A; (dx, dy) = 2 (qx, qy)     q_key (0..=2), q_key_last (3)
//! ladder row i = 0..253 (qx, qy) = Q_i; (dx, dy) = 2 Q_i; (sb, hb) = the   q_step; q_start on row 0
//!                       bits 253 - i of S and of hm; (px, py) the point
//!                       they select; m = d dx px dy py; Q_{i+1} = 2 Q_i + P;
//!                       acc_h, lt_s, lt_h the running values below
//! ladder row 254        (qx, qy) = S Base8 - hm (8A) = R8; acc_h = hm      q_end
//! ```
//!
//! The ladder runs from `Q_0 = (0, 1)` over both scalars at once (Shamir's trick), adding one of
//! `O`, `Base8`, `-8A`, `T = Base8 - 8A` per bit, so `Q_254 = S Base8 - hm (8A)`: the signature
//! verifies exactly when that is `R8`. Every point of the ladder is on the curve (it starts at
//! `O`, and doubling and adding curve points give curve points), which is what lets doubling use
//! the curve's equation in its denominators and makes `R8` a curve point without a check of its
//! own; the addition law is complete, so no denominator is ever zero. `8A` is proven from `A` by
//! three doublings, `T` by one addition of constants and cells. The running value
//! `acc_{i+1} = 2 acc_i + hb_i` makes `hm` the number the bits spell, and the comparison states
//! `lt` (0 while the bits read so far equal those of the bound, 1 once they are below it) prove
//! `S < l` and `hm < r`: `hm`'s bits are its canonical ones, and `S` is the one canonical form of
//! the signature.

use super::curve::{biguint_of, suborder, Point, A as CURVE_A, D as CURVE_D};
use ff::Field;
use halo2_proofs::{
    circuit::{Cell, Region, Value},
    halo2curves::bn256::Fr,
    plonk::{Advice, Column, ConstraintSystem, Error, Expression, Fixed, Selector, VirtualCells},
    poly::Rotation,
};
use num_bigint::BigUint;

/// Advice columns of the chip.
pub const COLUMNS: usize = 16;
/// `Q.x`: the ladder's point (on key rows, a multiple of `A`).
pub const QX: usize = 0;
/// `Q.y`.
pub const QY: usize = 1;
/// The running value of `hm`'s bits.
pub const ACC_H: usize = 2;
/// `2Q`'s `x`.
pub const DX: usize = 3;
/// `2Q`'s `y`.
pub const DY: usize = 4;
/// The selected point's `x`.
pub const PX: usize = 5;
/// The selected point's `y`.
pub const PY: usize = 6;
/// `d dx px dy py`.
pub const M: usize = 7;
/// `S`'s bit.
pub const SB: usize = 8;
/// `hm`'s bit.
pub const HB: usize = 9;
/// `8A`'s `x`, carried down the ladder.
pub const A8X: usize = 10;
/// `8A`'s `y`.
pub const A8Y: usize = 11;
/// `T = Base8 - 8A`'s `x`, carried down the ladder.
pub const TX: usize = 12;
/// `T`'s `y`.
pub const TY: usize = 13;
/// `S`'s comparison with `l`.
pub const LT_S: usize = 14;
/// `hm`'s comparison with `r`.
pub const LT_H: usize = 15;

/// Bits of the scalars the ladder reads (`hm < r < 2^254`; `S < l < 2^251`).
pub const SCALAR_BITS: usize = 254;
/// Rows proving `8A` from `A`.
pub const KEY_ROWS: usize = 4;
/// Rows of one verification.
pub const ROWS: usize = KEY_ROWS + SCALAR_BITS + 1;

/// One row's advice values.
pub type Row = [Fr; COLUMNS];

/// Columns and selectors of the EdDSA chip.
#[derive(Clone, Debug)]
pub struct EddsaConfig {
    /// The advice columns, indexed by [`QX`] .. [`LT_H`].
    pub advice: [Column<Advice>; COLUMNS],
    /// On ladder row `i`, bit `253 - i` of `l` (column 0) and of `r` (column 1).
    pub bounds: [Column<Fixed>; 2],
    /// Key rows 0..=2: the next row's point is this row's doubled.
    pub q_key: Selector,
    /// Key row 3: the ladder carries this row's point as `8A`.
    pub q_key_last: Selector,
    /// Ladder row 0: the start values and `T`.
    pub q_start: Selector,
    /// Ladder rows 0..=253: one step.
    pub q_step: Selector,
    /// Ladder row 254: both comparisons ended below their bound.
    pub q_end: Selector,
}

fn constant(value: Fr) -> Expression<Fr> {
    Expression::Constant(value)
}

impl EddsaConfig {
    /// Creates the gates on `advice` and `bounds`, and enables equality on the columns whose
    /// cells other regions copy ([`QX`], [`QY`], [`ACC_H`]). Every gate has degree at most 5
    /// (selector included): the circuit's degree.
    pub fn configure(meta: &mut ConstraintSystem<Fr>, advice: [Column<Advice>; COLUMNS], bounds: [Column<Fixed>; 2]) -> Self {
        for column in [QX, QY, ACC_H] {
            meta.enable_equality(advice[column]);
        }
        let config = EddsaConfig {
            advice,
            bounds,
            // Complex: the doubling gate is on under either.
            q_key: meta.complex_selector(),
            q_key_last: meta.selector(),
            q_start: meta.selector(),
            q_step: meta.complex_selector(),
            q_end: meta.selector(),
        };
        let (a, d) = (constant(Fr::from(CURVE_A)), constant(Fr::from(CURVE_D)));
        let base8 = Point::base8();
        let (bx, by) = (constant(base8.x), constant(base8.y));
        let one = || constant(Fr::ONE);
        let cur = |meta: &mut VirtualCells<'_, Fr>, column: usize| meta.query_advice(advice[column], Rotation::cur());
        let next = |meta: &mut VirtualCells<'_, Fr>, column: usize| meta.query_advice(advice[column], Rotation::next());

        // For Q = (qx, qy) on the curve, 1 + d qx^2 qy^2 = a qx^2 + qy^2, so 2Q is
        // dx (a qx^2 + qy^2) = 2 qx qy;  dy (2 - a qx^2 - qy^2) = qy^2 - a qx^2
        meta.create_gate("eddsa: double", |meta| {
            let q = meta.query_selector(config.q_key) + meta.query_selector(config.q_step);
            let (qx, qy, dx, dy) = (cur(meta, QX), cur(meta, QY), cur(meta, DX), cur(meta, DY));
            let ax2 = a.clone() * qx.clone() * qx.clone();
            let y2 = qy.clone() * qy.clone();
            vec![
                ("dx (a qx^2 + qy^2) = 2 qx qy", q.clone() * (dx * (ax2.clone() + y2.clone()) - constant(Fr::from(2)) * qx * qy)),
                ("dy (2 - a qx^2 - qy^2) = qy^2 - a qx^2", q * (dy * (constant(Fr::from(2)) - ax2.clone() - y2.clone()) - (y2 - ax2))),
            ]
        });

        // qx' = dx;  qy' = dy
        meta.create_gate("eddsa: the key's multiples", |meta| {
            let q = meta.query_selector(config.q_key);
            vec![("qx' = dx", q.clone() * (next(meta, QX) - cur(meta, DX))), ("qy' = dy", q * (next(meta, QY) - cur(meta, DY)))]
        });

        // a8x' = qx;  a8y' = qy
        meta.create_gate("eddsa: 8A", |meta| {
            let q = meta.query_selector(config.q_key_last);
            vec![("a8x' = qx", q.clone() * (next(meta, A8X) - cur(meta, QX))), ("a8y' = qy", q * (next(meta, A8Y) - cur(meta, QY)))]
        });

        // qx = 0, qy = 1, acc_h = 0, lt_s = 0, lt_h = 0; T = Base8 + (-a8x, a8y):
        // tx (1 - d bx by a8x a8y) = bx a8y - by a8x;  ty (1 + d bx by a8x a8y) = by a8y + a bx a8x
        meta.create_gate("eddsa: start", |meta| {
            let q = meta.query_selector(config.q_start);
            let (a8x, a8y, tx, ty) = (cur(meta, A8X), cur(meta, A8Y), cur(meta, TX), cur(meta, TY));
            let t = d.clone() * bx.clone() * by.clone() * a8x.clone() * a8y.clone();
            vec![
                ("qx = 0", q.clone() * cur(meta, QX)),
                ("qy = 1", q.clone() * (cur(meta, QY) - one())),
                ("acc_h = 0", q.clone() * cur(meta, ACC_H)),
                ("lt_s = 0", q.clone() * cur(meta, LT_S)),
                ("lt_h = 0", q.clone() * cur(meta, LT_H)),
                (
                    "tx (1 - d bx by a8x a8y) = bx a8y - by a8x",
                    q.clone() * (tx * (one() - t.clone()) - (bx.clone() * a8y.clone() - by.clone() * a8x.clone())),
                ),
                (
                    "ty (1 + d bx by a8x a8y) = by a8y + a bx a8x",
                    q * (ty * (one() + t) - (by.clone() * a8y + a.clone() * bx.clone() * a8x)),
                ),
            ]
        });

        // sb, hb in {0, 1};
        // px = sb hb tx + sb (1 - hb) bx - (1 - sb) hb a8x
        // py = sb hb ty + sb (1 - hb) by + (1 - sb) hb a8y + (1 - sb) (1 - hb)
        meta.create_gate("eddsa: select", |meta| {
            let q = meta.query_selector(config.q_step);
            let (sb, hb) = (cur(meta, SB), cur(meta, HB));
            let (a8x, a8y, tx, ty) = (cur(meta, A8X), cur(meta, A8Y), cur(meta, TX), cur(meta, TY));
            let both = sb.clone() * hb.clone();
            let s_only = sb.clone() * (one() - hb.clone());
            let h_only = (one() - sb.clone()) * hb.clone();
            let neither = (one() - sb.clone()) * (one() - hb.clone());
            vec![
                ("sb (1 - sb) = 0", q.clone() * sb.clone() * (one() - sb)),
                ("hb (1 - hb) = 0", q.clone() * hb.clone() * (one() - hb)),
                (
                    "px = sb hb tx + sb (1 - hb) bx - (1 - sb) hb a8x",
                    q.clone() * (cur(meta, PX) - (both.clone() * tx + s_only.clone() * bx.clone() - h_only.clone() * a8x)),
                ),
                (
                    "py = sb hb ty + sb (1 - hb) by + (1 - sb) hb a8y + (1 - sb) (1 - hb)",
                    q * (cur(meta, PY) - (both * ty + s_only * by.clone() + h_only * a8y + neither)),
                ),
            ]
        });

        // m = d dx px dy py;  qx' (1 + m) = dx py + dy px;  qy' (1 - m) = dy py - a dx px
        meta.create_gate("eddsa: add", |meta| {
            let q = meta.query_selector(config.q_step);
            let (dx, dy, px, py, m) = (cur(meta, DX), cur(meta, DY), cur(meta, PX), cur(meta, PY), cur(meta, M));
            vec![
                ("m = d dx px dy py", q.clone() * (m.clone() - d.clone() * dx.clone() * px.clone() * dy.clone() * py.clone())),
                (
                    "qx' (1 + m) = dx py + dy px",
                    q.clone() * (next(meta, QX) * (one() + m.clone()) - (dx.clone() * py.clone() + dy.clone() * px.clone())),
                ),
                ("qy' (1 - m) = dy py - a dx px", q * (next(meta, QY) * (one() - m) - (dy * py - a.clone() * dx * px))),
            ]
        });

        // acc_h' = 2 acc_h + hb
        meta.create_gate("eddsa: hm's bits", |meta| {
            let q = meta.query_selector(config.q_step);
            vec![("acc_h' = 2 acc_h + hb", q * (next(meta, ACC_H) - constant(Fr::from(2)) * cur(meta, ACC_H) - cur(meta, HB)))]
        });

        // With c the bound's bit: lt' = lt + (1 - lt) c (1 - b);  (1 - lt) (1 - c) b = 0
        for (gate, lt, bit, bound, names) in [
            ("eddsa: S < l", LT_S, SB, 0, ["lt_s' = lt_s + (1 - lt_s) l_bit (1 - sb)", "(1 - lt_s) (1 - l_bit) sb = 0"]),
            ("eddsa: hm < r", LT_H, HB, 1, ["lt_h' = lt_h + (1 - lt_h) r_bit (1 - hb)", "(1 - lt_h) (1 - r_bit) hb = 0"]),
        ] {
            meta.create_gate(gate, |meta| {
                let q = meta.query_selector(config.q_step);
                let (now, b) = (cur(meta, lt), cur(meta, bit));
                let c = meta.query_fixed(bounds[bound], Rotation::cur());
                vec![
                    (names[0], q.clone() * (next(meta, lt) - now.clone() - (one() - now.clone()) * c.clone() * (one() - b.clone()))),
                    (names[1], q * (one() - now) * (one() - c) * b),
                ]
            });
        }

        // a8x' = a8x;  a8y' = a8y;  tx' = tx;  ty' = ty
        meta.create_gate("eddsa: carry the key's points", |meta| {
            let q = meta.query_selector(config.q_step);
            [(A8X, "a8x' = a8x"), (A8Y, "a8y' = a8y"), (TX, "tx' = tx"), (TY, "ty' = ty")]
                .map(|(column, name)| (name, q.clone() * (next(meta, column) - cur(meta, column))))
                .to_vec()
        });

        // lt_s = 1;  lt_h = 1
        meta.create_gate("eddsa: end", |meta| {
            let q = meta.query_selector(config.q_end);
            vec![("lt_s = 1", q.clone() * (cur(meta, LT_S) - one())), ("lt_h = 1", q * (cur(meta, LT_H) - one()))]
        });
        config
    }

    /// Writes `rows` (of [`verification_rows`]) into `region` from `offset`, with the fixed bits
    /// and selectors, and returns the cells to copy: `A`'s coordinates, `R8`'s (the ladder's
    /// result) and `hm`.
    pub fn assign(&self, region: &mut Region<'_, Fr>, offset: usize, rows: &[Row]) -> Result<VerificationCells, Error> {
        assert_eq!(rows.len(), ROWS, "one verification's rows");
        let mut cells = Vec::with_capacity(ROWS);
        for (i, row) in rows.iter().enumerate() {
            let assigned: Vec<Cell> = row
                .iter()
                .zip(&self.advice)
                .map(|(value, column)| region.assign_advice(*column, offset + i, Value::known(*value)).cell())
                .collect();
            cells.push(assigned);
        }
        let (l, r) = (suborder(), field_modulus());
        for i in 0..SCALAR_BITS {
            let row = offset + KEY_ROWS + i;
            let position = (SCALAR_BITS - 1 - i) as u64;
            region.assign_fixed(self.bounds[0], row, Fr::from(u64::from(l.bit(position))));
            region.assign_fixed(self.bounds[1], row, Fr::from(u64::from(r.bit(position))));
            self.q_step.enable(region, row)?;
        }
        for i in 0..KEY_ROWS - 1 {
            self.q_key.enable(region, offset + i)?;
        }
        self.q_key_last.enable(region, offset + KEY_ROWS - 1)?;
        self.q_start.enable(region, offset + KEY_ROWS)?;
        self.q_end.enable(region, offset + ROWS - 1)?;
        let last = &cells[ROWS - 1];
        Ok(VerificationCells { key: [cells[0][QX], cells[0][QY]], r8: [last[QX], last[QY]], hm: last[ACC_H] })
    }
}

/// The cells of one verification that other regions copy.
#[derive(Clone, Copy, Debug)]
pub struct VerificationCells {
    /// `A = (x, y)`: the key, copied in.
    pub key: [Cell; 2],
    /// `R8 = S Base8 - hm (8A)`: equal to the signature's `R8` exactly when it verifies.
    pub r8: [Cell; 2],
    /// `hm`, copied in from its hash.
    pub hm: Cell,
}

/// BN254's scalar field modulus `r`.
pub fn field_modulus() -> BigUint {
    biguint_of(&-Fr::ONE) + 1u32
}

/// The rows proving `s Base8 - hm (8 key)` (the last row's point), for any `s` and `hm` below
/// `2^254` (a cheating prover's too: the comparisons are what refuse `s >= l` and `hm >= r`).
///
/// # Panics
/// If `s` or `hm` has more than 254 bits (no row could hold it).
pub fn verification_rows(key: &Point, s: &BigUint, hm: &BigUint) -> Vec<Row> {
    assert!(s.bits() <= SCALAR_BITS as u64 && hm.bits() <= SCALAR_BITS as u64, "scalars of at most 254 bits");
    let mut rows = Vec::with_capacity(ROWS);
    let mut point = *key;
    for _ in 0..KEY_ROWS {
        let double = point.add(&point);
        let mut row = [Fr::ZERO; COLUMNS];
        (row[QX], row[QY], row[DX], row[DY]) = (point.x, point.y, double.x, double.y);
        rows.push(row);
        point = double;
    }
    let a8 = Point { x: rows[KEY_ROWS - 1][QX], y: rows[KEY_ROWS - 1][QY] };
    let minus_a8 = Point { x: -a8.x, y: a8.y };
    let base8 = Point::base8();
    let t = base8.add(&minus_a8);
    let (l, r) = (suborder(), field_modulus());
    let bit = |value: &BigUint, position: usize| Fr::from(u64::from(value.bit(position as u64)));
    let (mut q, mut acc_h, mut lt_s, mut lt_h) = (Point::IDENTITY, Fr::ZERO, Fr::ZERO, Fr::ZERO);
    for i in 0..=SCALAR_BITS {
        let mut row = [Fr::ZERO; COLUMNS];
        (row[QX], row[QY], row[ACC_H], row[LT_S], row[LT_H]) = (q.x, q.y, acc_h, lt_s, lt_h);
        (row[A8X], row[A8Y], row[TX], row[TY]) = (a8.x, a8.y, t.x, t.y);
        if i < SCALAR_BITS {
            let position = SCALAR_BITS - 1 - i;
            let (sb, hb) = (bit(s, position), bit(hm, position));
            let double = q.add(&q);
            let selected = match (sb == Fr::ONE, hb == Fr::ONE) {
                (true, true) => t,
                (true, false) => base8,
                (false, true) => minus_a8,
                (false, false) => Point::IDENTITY,
            };
            (row[DX], row[DY], row[PX], row[PY], row[SB], row[HB]) = (double.x, double.y, selected.x, selected.y, sb, hb);
            row[M] = Fr::from(CURVE_D) * double.x * selected.x * double.y * selected.y;
            q = double.add(&selected);
            acc_h = acc_h.double() + hb;
            lt_s += (Fr::ONE - lt_s) * bit(l, position) * (Fr::ONE - sb);
            lt_h += (Fr::ONE - lt_h) * bit(&r, position) * (Fr::ONE - hb);
        }
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::super::curve::{fr_decimal, fr_from_biguint};
    use super::*;
    use crate::testing::{assert_constraint_failure, assert_failure, mock_circuit};
    use halo2_proofs::{
        circuit::{Layouter, SimpleFloorPlanner},
        plonk::Circuit,
    };

    /// One verification whose `A`, `R8` and `hm` are copied from cells of a column of their own
    /// (standing for the policy's key, the signature and the hash).
    #[derive(Clone)]
    struct OneSignature {
        rows: Vec<Row>,
        key: Point,
        r8: Point,
        hm: Fr,
    }

    impl Circuit<Fr> for OneSignature {
        type Config = (EddsaConfig, Column<Advice>);
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();

        fn without_witnesses(&self) -> Self {
            self.clone()
        }

        fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
            let advice = [(); COLUMNS].map(|_| meta.advice_column());
            let bounds = [(); 2].map(|_| meta.fixed_column());
            let given = meta.advice_column();
            meta.enable_equality(given);
            let config = EddsaConfig::configure(meta, advice, bounds);
            assert!(meta.degree() <= 5, "the circuit's degree");
            (config, given)
        }

        fn synthesize(&self, (config, given): Self::Config, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
            layouter.assign_region(
                || "signature",
                |mut region| {
                    let cells = config.assign(&mut region, 0, &self.rows)?;
                    let values = [self.key.x, self.key.y, self.r8.x, self.r8.y, self.hm];
                    let targets = [cells.key[0], cells.key[1], cells.r8[0], cells.r8[1], cells.hm];
                    for (row, (value, target)) in values.iter().zip(targets).enumerate() {
                        let cell = region.assign_advice(given, row, Value::known(*value)).cell();
                        region.constrain_equal(cell, target);
                    }
                    Ok(())
                },
            )
        }
    }

    fn failures(circuit: &OneSignature) -> Result<(), Vec<String>> {
        mock_circuit(9, circuit, vec![])
    }

    /// A valid signature with key `a Base8`, nonce `k`, challenge `hm`: `S = k + 8 hm a mod l`.
    fn signature(a: u64, k: u64, hm: BigUint) -> (Point, Point, BigUint, BigUint) {
        let key = Point::base8().mul(&BigUint::from(a));
        let r8 = Point::base8().mul(&BigUint::from(k));
        let s = (BigUint::from(k) + &hm * 8u32 * a) % suborder();
        (key, r8, s, hm)
    }

    fn decimal(digits: &str) -> BigUint {
        BigUint::parse_bytes(digits.as_bytes(), 10).expect("digits")
    }

    fn circuit(key: Point, r8: Point, s: &BigUint, hm: &BigUint) -> OneSignature {
        OneSignature { rows: verification_rows(&key, s, hm), key, r8, hm: fr_from_biguint(&(hm % field_modulus())) }
    }

    fn honest() -> (Point, Point, BigUint, BigUint) {
        signature(987_654_321, 123_456_789, decimal("17210386315958117432195262446016580452541312390416913734006788536530245437289"))
    }

    #[test]
    fn a_valid_signature_is_accepted() {
        let (key, r8, s, hm) = honest();
        assert_eq!(failures(&circuit(key, r8, &s, &hm)), Ok(()));
        // A signature as @zk-kit/eddsa-poseidon makes it (solvent's signer, equal to the package's
        // byte for byte: sources/tests/zkkit.rs), of the message 123456789 under the private key
        // "custodian-a secret"; hm = Poseidon5(R8, A, M) as solvent_sources::eddsa computes it.
        let key = Point {
            x: fr_decimal("7333974633375077804486666237476606013448006494049552485801296346072913153003"),
            y: fr_decimal("20003260826384504661970417833009281040683234118868067072339821816388670379030"),
        };
        let r8 = Point {
            x: fr_decimal("16681887740037956721062874166231585463775837885070482175436259484626225631367"),
            y: fr_decimal("21300816454964181952367861989183843868814054180117937912821187414472550715615"),
        };
        let (s, hm) = (
            decimal("1904744725976422681221034142604165175294044194261408681476268627754879702324"),
            decimal("12691363343955759120566448280597533374490085050392757174441274197472702815322"),
        );
        assert_eq!(failures(&circuit(key, r8, &s, &hm)), Ok(()));
    }

    fn assert_refused_at_the_copy_of_r8(verdict: Result<(), Vec<String>>) {
        assert_failure(verdict, "Equality constraint not satisfied");
    }

    #[test]
    fn another_challenge_key_or_r8_is_refused_at_the_copy_of_r8() {
        let (key, r8, s, hm) = honest();
        // The ladder reads hm + 1 and gives S Base8 - (hm + 1) 8A, which is not R8.
        let other_challenge = OneSignature { hm: fr_from_biguint(&hm), ..circuit(key, r8, &s, &(&hm + 1u32)) };
        assert_refused_at_the_copy_of_r8(failures(&other_challenge));
        let other_key = circuit(key.add(&Point::base8()), r8, &s, &hm);
        assert_refused_at_the_copy_of_r8(failures(&other_key));
        let other_r8 = OneSignature { r8: Point::base8().add(&r8), ..circuit(key, r8, &s, &hm) };
        assert_refused_at_the_copy_of_r8(failures(&other_r8));
    }

    #[test]
    fn s_plus_l_is_refused_by_the_comparison_with_l() {
        let (key, r8, s, hm) = honest();
        // (S + l) Base8 = S Base8: the equation holds, only S < l refuses the second form.
        let s_plus_l = &s + suborder();
        assert_constraint_failure(failures(&circuit(key, r8, &s_plus_l, &hm)), "eddsa: S < l", "(1 - lt_s) (1 - l_bit) sb = 0");
    }

    #[test]
    fn a_challenge_spelled_with_bits_above_r_is_refused_by_the_comparison_with_r() {
        // hm + r (below 2^254) spells the same field element, and a cheating prover can make the
        // curve equation hold for it: only hm < r refuses it.
        let (key, r8, s, spelled) = signature(5, 7, BigUint::from(12_345u32) + field_modulus());
        assert_eq!(spelled.bits(), SCALAR_BITS as u64);
        let forged = circuit(key, r8, &s, &spelled);
        assert_eq!(forged.hm, Fr::from(12_345));
        let verdict = failures(&forged);
        let found = verdict.clone().expect_err("a second spelling of hm");
        assert!(!found.iter().any(|f| f.contains("Equality constraint not satisfied")), "the curve equation holds: {found:?}");
        assert_constraint_failure(verdict, "eddsa: hm < r", "(1 - lt_h) (1 - r_bit) hb = 0");
    }

    #[test]
    fn a_changed_cell_of_any_kind_is_refused_by_its_gate() {
        let (key, r8, s, hm) = honest();
        let honest = circuit(key, r8, &s, &hm);
        let ladder = KEY_ROWS;
        // (row, column, new value or None for plus one, gate, constraint)
        let cases: [(usize, usize, Option<Fr>, &str, &str); 14] = [
            (1, DX, None, "eddsa: double", "dx (a qx^2 + qy^2) = 2 qx qy"),
            (ladder + 7, DY, None, "eddsa: double", "dy (2 - a qx^2 - qy^2) = qy^2 - a qx^2"),
            (2, QX, None, "eddsa: the key's multiples", "qx' = dx"),
            (ladder, A8Y, None, "eddsa: 8A", "a8y' = qy"),
            (ladder, QY, Some(Fr::ZERO), "eddsa: start", "qy = 1"),
            (ladder, TX, None, "eddsa: start", "tx (1 - d bx by a8x a8y) = bx a8y - by a8x"),
            (ladder + 3, SB, Some(Fr::from(2)), "eddsa: select", "sb (1 - sb) = 0"),
            (ladder + 3, PY, None, "eddsa: select", "py = sb hb ty + sb (1 - hb) by + (1 - sb) hb a8y + (1 - sb) (1 - hb)"),
            (ladder + 9, M, None, "eddsa: add", "m = d dx px dy py"),
            (ladder + 10, QX, None, "eddsa: add", "qx' (1 + m) = dx py + dy px"),
            (ladder + 20, ACC_H, None, "eddsa: hm's bits", "acc_h' = 2 acc_h + hb"),
            (ladder + 30, TY, None, "eddsa: carry the key's points", "ty' = ty"),
            // Bit 253 of l and of S is 0: the comparison is still "equal so far" on row 1.
            (ladder + 1, LT_S, Some(Fr::ONE), "eddsa: S < l", "lt_s' = lt_s + (1 - lt_s) l_bit (1 - sb)"),
            (ROWS - 1, LT_H, Some(Fr::ZERO), "eddsa: end", "lt_h = 1"),
        ];
        for (row, column, value, gate, constraint) in cases {
            let mut forged = honest.clone();
            let cell = &mut forged.rows[row][column];
            *cell = value.unwrap_or(*cell + Fr::ONE);
            assert_ne!(forged.rows[row][column], honest.rows[row][column], "row {row}, column {column} changed");
            assert_constraint_failure(failures(&forged), gate, constraint);
        }
    }
}
