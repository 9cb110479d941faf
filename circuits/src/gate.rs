//! The main gate: `a + b * c = d` on four consecutive cells of the main column (as
//! halo2-base's), and the arithmetic instructions built on it.

use crate::context::{Cell, Context, Slot};
use ff::Field;
use halo2_proofs::{
    halo2curves::bn256::Fr,
    plonk::{Advice, Column, ConstraintSystem, Selector},
    poly::Rotation,
};

/// The vertical gate on the main column.
#[derive(Clone, Debug)]
pub struct MainGateConfig {
    /// The main column.
    pub column: Column<Advice>,
    /// On at a gate's first row.
    pub q_main: Selector,
}

impl MainGateConfig {
    /// Creates the gate on `column`.
    pub fn configure(meta: &mut ConstraintSystem<Fr>, column: Column<Advice>) -> Self {
        let q_main = meta.selector();
        // q_main * (a + b * c - d) = 0, with a, b, c, d on rows 0..4 of the column
        meta.create_gate("main: a + b * c = d", |meta| {
            let q = meta.query_selector(q_main);
            let [a, b, c, d] = [0, 1, 2, 3].map(|r| meta.query_advice(column, Rotation(r)));
            vec![q * (a + b * c - d)]
        });
        MainGateConfig { column, q_main }
    }
}

/// Arithmetic on cells of a [`Context`].
pub trait GateInstructions {
    /// `a + b * c`.
    fn mul_add(&self, ctx: &mut Context, a: Cell, b: Cell, c: Cell) -> Cell;
    /// `a + b`.
    fn add(&self, ctx: &mut Context, a: Cell, b: Cell) -> Cell;
    /// `a - b`.
    fn sub(&self, ctx: &mut Context, a: Cell, b: Cell) -> Cell;
    /// `a * b`.
    fn mul(&self, ctx: &mut Context, a: Cell, b: Cell) -> Cell;
    /// `a * constant`.
    fn mul_constant(&self, ctx: &mut Context, a: Cell, constant: Fr) -> Cell;
    /// Constrains `a * b = 0`.
    fn assert_zero_product(&self, ctx: &mut Context, a: Cell, b: Cell);
    /// Constrains `x` to be 0 or 1.
    fn assert_bool(&self, ctx: &mut Context, x: Cell);
    /// `if bit { a } else { b }` (the caller makes sure `bit` is boolean).
    fn select(&self, ctx: &mut Context, a: Cell, b: Cell, bit: Cell) -> Cell;
    /// `sum_i a_i * b_i`.
    fn inner_product(&self, ctx: &mut Context, a: &[Cell], b: &[Cell]) -> Cell;
}

/// The main gate's instructions.
#[derive(Clone, Copy, Debug, Default)]
pub struct GateChip;

impl GateInstructions for GateChip {
    fn mul_add(&self, ctx: &mut Context, a: Cell, b: Cell, c: Cell) -> Cell {
        let d = a.value + b.value * c.value;
        ctx.gate([Slot::Existing(a), Slot::Existing(b), Slot::Existing(c), Slot::New(d)])[3]
    }

    fn add(&self, ctx: &mut Context, a: Cell, b: Cell) -> Cell {
        let one = ctx.load_constant(Fr::ONE);
        self.mul_add(ctx, a, b, one)
    }

    fn sub(&self, ctx: &mut Context, a: Cell, b: Cell) -> Cell {
        // b + 1 * (a - b) = a
        let one = ctx.load_constant(Fr::ONE);
        ctx.gate([Slot::Existing(b), Slot::Existing(one), Slot::New(a.value - b.value), Slot::Existing(a)])[2]
    }

    fn mul(&self, ctx: &mut Context, a: Cell, b: Cell) -> Cell {
        let zero = ctx.load_constant(Fr::ZERO);
        self.mul_add(ctx, zero, a, b)
    }

    fn mul_constant(&self, ctx: &mut Context, a: Cell, constant: Fr) -> Cell {
        let c = ctx.load_constant(constant);
        self.mul(ctx, a, c)
    }

    fn assert_zero_product(&self, ctx: &mut Context, a: Cell, b: Cell) {
        let zero = ctx.load_constant(Fr::ZERO);
        ctx.gate([Slot::Existing(zero), Slot::Existing(a), Slot::Existing(b), Slot::Existing(zero)]);
    }

    fn assert_bool(&self, ctx: &mut Context, x: Cell) {
        // 0 + x * x = x
        let zero = ctx.load_constant(Fr::ZERO);
        ctx.gate([Slot::Existing(zero), Slot::Existing(x), Slot::Existing(x), Slot::Existing(x)]);
    }

    fn select(&self, ctx: &mut Context, a: Cell, b: Cell, bit: Cell) -> Cell {
        let diff = self.sub(ctx, a, b);
        self.mul_add(ctx, b, bit, diff)
    }

    fn inner_product(&self, ctx: &mut Context, a: &[Cell], b: &[Cell]) -> Cell {
        assert_eq!(a.len(), b.len());
        let mut acc = ctx.load_constant(Fr::ZERO);
        for (x, y) in a.iter().zip(b) {
            acc = self.mul_add(ctx, acc, *x, *y);
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_failure, mock_context, test_context};
    use std::collections::HashMap;

    /// `sum_i i * (i + 1)` as a chain; returns every running sum.
    fn chain(ctx: &mut Context, steps: u64) -> Vec<Cell> {
        let mut acc = ctx.load_constant(Fr::ZERO);
        let mut sums = Vec::new();
        for i in 0..steps {
            let x = ctx.load_witness(Fr::from(i));
            let y = ctx.load_witness(Fr::from(i + 1));
            acc = GateChip.mul_add(ctx, acc, x, y);
            sums.push(acc);
        }
        sums
    }

    #[test]
    fn arithmetic_gives_the_expected_values_and_is_accepted() {
        let mut ctx = test_context(HashMap::new());
        let a = ctx.load_witness(Fr::from(7));
        let b = ctx.load_witness(Fr::from(3));
        let gate = GateChip;
        assert_eq!(gate.add(&mut ctx, a, b).value, Fr::from(10));
        assert_eq!(gate.sub(&mut ctx, b, a).value, -Fr::from(4));
        assert_eq!(gate.mul(&mut ctx, a, b).value, Fr::from(21));
        let bit = ctx.load_witness(Fr::ONE);
        gate.assert_bool(&mut ctx, bit);
        assert_eq!(gate.select(&mut ctx, a, b, bit).value, Fr::from(7));
        mock_context(ctx).unwrap();
    }

    #[test]
    fn long_chains_cut_across_columns_are_accepted() {
        let mut ctx = test_context(HashMap::new());
        let sum = *chain(&mut ctx, 500).last().unwrap();
        let expected: u64 = (0..500u64).map(|i| i * (i + 1)).sum();
        assert_eq!(sum.value, Fr::from(expected));
        mock_context(ctx).unwrap();
    }

    #[test]
    fn a_wrong_gate_output_is_rejected() {
        let mut probe = test_context(HashMap::new());
        let sums = chain(&mut probe, 500);
        // Forge a running sum in the middle of the chain, and the final one.
        for index in [sums[250].index, sums[499].index] {
            let mut ctx = test_context(HashMap::from([(index, Fr::from(12345))]));
            chain(&mut ctx, 500);
            assert_failure(mock_context(ctx), "main: a + b * c = d");
        }
    }

    #[test]
    fn a_non_boolean_is_rejected() {
        let mut ctx = test_context(HashMap::new());
        let two = ctx.load_witness(Fr::from(2));
        GateChip.assert_bool(&mut ctx, two);
        assert_failure(mock_context(ctx), "main: a + b * c = d");
    }

    #[test]
    fn a_broken_copy_is_rejected() {
        let mut ctx = test_context(HashMap::new());
        let a = ctx.load_witness(Fr::from(2));
        let b = ctx.load_witness(Fr::from(3));
        ctx.constrain_equal(a, b);
        assert_failure(mock_context(ctx), "Equality constraint not satisfied");
    }
}
