//! Range checks by 8-bit lookups, and the comparisons built on them.
//!
//! A value `x` of `n` bytes is decomposed on `n + 1` rows of the range column as a running sum
//! `z_0 = x, z_{i+1} = (z_i - byte_i) / 256`; the byte `z_i - 256 * z_{i+1}` of each of the first
//! `n` rows is looked up in the table `0..256`, and the last one, `z_n`, is copy-constrained to 0.
//! So `x = sum byte_i 256^i < 2^(8n)`.

use crate::context::{Cell, Context, Slot};
use crate::gate::{GateChip, GateInstructions};
use ff::Field;
use halo2_proofs::{
    circuit::{Layouter, Value},
    halo2curves::bn256::Fr,
    plonk::{Advice, Column, ConstraintSystem, Error, Selector, TableColumn},
    poly::Rotation,
};

/// Bits per lookup.
pub const LIMB_BITS: usize = 8;

/// The running-sum column, its selector and the byte table.
#[derive(Clone, Debug)]
pub struct RangeConfig {
    /// The running-sum column.
    pub column: Column<Advice>,
    /// On at every row of a running sum but its last (whose value is 0).
    pub q_range: Selector,
    /// The values `0..256`.
    pub table: TableColumn,
}

impl RangeConfig {
    /// Creates the lookup on `column`.
    pub fn configure(meta: &mut ConstraintSystem<Fr>, column: Column<Advice>) -> Self {
        let q_range = meta.complex_selector();
        let table = meta.lookup_table_column();
        // q_range * (z - 256 * z_next)  is in 0..256
        meta.lookup("range: byte", |meta| {
            let q = meta.query_selector(q_range);
            let z = meta.query_advice(column, Rotation::cur());
            let z_next = meta.query_advice(column, Rotation::next());
            vec![(q * (z - z_next * Fr::from(256)), table)]
        });
        RangeConfig { column, q_range, table }
    }

    /// Adds the same lookup, on the same rows (`q_range`), for running sums in another column.
    pub fn configure_lookup(&self, meta: &mut ConstraintSystem<Fr>, column: Column<Advice>, name: &'static str) {
        // q_range * (z - 256 * z_next)  is in 0..256
        meta.lookup(name, |meta| {
            let q = meta.query_selector(self.q_range);
            let z = meta.query_advice(column, Rotation::cur());
            let z_next = meta.query_advice(column, Rotation::next());
            vec![(q * (z - z_next * Fr::from(256)), self.table)]
        });
    }

    /// Loads the byte table.
    pub fn load_table(&self, layouter: &mut impl Layouter<Fr>) -> Result<(), Error> {
        layouter.assign_table(
            || "bytes",
            |mut table| {
                for i in 0..(1 << LIMB_BITS) {
                    table.assign_cell(|| "byte", self.table, i, || Value::known(Fr::from(i as u64)))?;
                }
                Ok(())
            },
        )
    }
}

/// Range checks and comparisons.
pub trait RangeInstructions {
    /// Constrains `x < 2^bits` (`bits` a multiple of 8); `what` names the check.
    fn range_check(&self, ctx: &mut Context, x: Cell, bits: usize, what: &str);
    /// Returns the bit `a < b`, for `|a - b| < 2^bits` (its range check named `what`).
    fn is_less_than(&self, ctx: &mut Context, a: Cell, b: Cell, bits: usize, what: &str) -> Cell;
    /// `max(a, b)`, for `|a - b| < 2^bits` (its range check named `what`).
    fn max(&self, ctx: &mut Context, a: Cell, b: Cell, bits: usize, what: &str) -> Cell;
    /// Constrains `a <= b`, for `|a - b| < 2^bits` (its range check named `what`).
    fn assert_less_or_equal(&self, ctx: &mut Context, a: Cell, b: Cell, bits: usize, what: &str);
}

/// The range chip's instructions.
#[derive(Clone, Copy, Debug, Default)]
pub struct RangeChip;

impl RangeInstructions for RangeChip {
    fn range_check(&self, ctx: &mut Context, x: Cell, bits: usize, what: &str) {
        assert_eq!(bits % LIMB_BITS, 0, "range checks are whole bytes");
        ctx.range_check(x, bits / LIMB_BITS, what);
    }

    fn is_less_than(&self, ctx: &mut Context, a: Cell, b: Cell, bits: usize, what: &str) -> Cell {
        let gate = GateChip;
        let less = ctx.load_witness(if field_lt(a.value, b.value) { Fr::ONE } else { Fr::ZERO });
        gate.assert_bool(ctx, less);
        // t = a - b; the checked value is  t - less * (2t + 1):  a - b when a >= b, b - a - 1 when a < b
        let t = gate.sub(ctx, a, b);
        let one = ctx.load_constant(Fr::ONE);
        let two = ctx.load_constant(Fr::from(2));
        let v = gate.mul_add(ctx, one, two, t);
        let e = t.value - less.value * v.value;
        let checked = ctx.gate([Slot::New(e), Slot::Existing(less), Slot::Existing(v), Slot::Existing(t)])[0];
        self.range_check(ctx, checked, bits, what);
        less
    }

    fn max(&self, ctx: &mut Context, a: Cell, b: Cell, bits: usize, what: &str) -> Cell {
        let less = self.is_less_than(ctx, a, b, bits, what);
        GateChip.select(ctx, b, a, less)
    }

    fn assert_less_or_equal(&self, ctx: &mut Context, a: Cell, b: Cell, bits: usize, what: &str) {
        let diff = GateChip.sub(ctx, b, a);
        self.range_check(ctx, diff, bits, what);
    }
}

/// `a < b` for field elements read as signed integers (those above (p-1)/2 are negative).
pub(crate) fn field_lt(a: Fr, b: Fr) -> bool {
    signed(a) < signed(b)
}

/// A field element as a signed big integer.
pub(crate) fn signed(x: Fr) -> num_bigint::BigInt {
    let magnitude = num_bigint::BigInt::from_bytes_le(num_bigint::Sign::Plus, ff::PrimeField::to_repr(&x).as_ref());
    let neg = -x;
    let neg_magnitude = num_bigint::BigInt::from_bytes_le(num_bigint::Sign::Plus, ff::PrimeField::to_repr(&neg).as_ref());
    if neg_magnitude < magnitude {
        -neg_magnitude
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_range_failure, mock_context, test_context};
    use ff::PrimeField;
    use std::collections::HashMap;

    fn checked(value: Fr, bits: usize) -> (Result<(), Vec<String>>, Context) {
        let mut ctx = test_context(HashMap::new());
        let x = ctx.load_witness(value);
        RangeChip.range_check(&mut ctx, x, bits, "x < 2^bits");
        (mock_context(ctx.clone()), ctx)
    }

    #[test]
    fn values_inside_the_range_are_accepted() {
        checked(Fr::ZERO, 8).0.unwrap();
        checked(Fr::from(255), 8).0.unwrap();
        checked(Fr::from(u64::MAX), 64).0.unwrap();
        checked(Fr::from_u128(u128::MAX), 128).0.unwrap();
    }

    #[test]
    fn values_outside_the_range_are_rejected() {
        for (value, bits) in [(Fr::from(256), 8), (Fr::from_u128(1 << 64), 64), (-Fr::ONE, 64), (-Fr::ONE, 240)] {
            let (verdict, ctx) = checked(value, bits);
            assert_range_failure(verdict, &ctx, "x < 2^bits");
        }
    }

    #[test]
    fn comparisons_give_the_right_bit_for_signed_values() {
        let mut ctx = test_context(HashMap::new());
        let cases = [(3i64, 5i64, true), (5, 3, false), (4, 4, false), (-7, 2, true), (2, -7, false), (-3, -2, true)];
        for (a, b, less) in cases {
            let a = ctx.load_witness(crate::encoding::field_from_i128(a.into()));
            let b = ctx.load_witness(crate::encoding::field_from_i128(b.into()));
            let bit = RangeChip.is_less_than(&mut ctx, a, b, 64, "a < b");
            assert_eq!(bit.value == Fr::ONE, less);
            let max = RangeChip.max(&mut ctx, a, b, 64, "max(a, b)");
            assert_eq!(max.value, if less { b.value } else { a.value });
        }
        mock_context(ctx).unwrap();
    }

    #[test]
    fn a_wrong_comparison_bit_is_rejected() {
        let build = |ctx: &mut Context| {
            let a = ctx.load_witness(Fr::from(3));
            let b = ctx.load_witness(Fr::from(5));
            RangeChip.is_less_than(ctx, a, b, 64, "a < b")
        };
        let mut probe = test_context(HashMap::new());
        let bit = build(&mut probe);
        let mut ctx = test_context(HashMap::from([(bit.index, Fr::ZERO)]));
        build(&mut ctx);
        // 3 - 5 claimed not negative: the checked value wraps to p - 2, out of range.
        assert_range_failure(mock_context(ctx.clone()), &ctx, "a < b");
    }

    #[test]
    fn a_violated_order_is_rejected() {
        let mut ctx = test_context(HashMap::new());
        let a = ctx.load_witness(Fr::from(6));
        let b = ctx.load_witness(Fr::from(5));
        RangeChip.assert_less_or_equal(&mut ctx, a, b, 64, "a <= b");
        assert_range_failure(mock_context(ctx.clone()), &ctx, "a <= b");
    }
}
