//! The main gate: `a + b * c = d` on four consecutive cells of a column (as halo2-base's), and
//! the arithmetic instructions built on it.

use crate::context::{Cell, Context, Slot};
use ff::Field;
use halo2_proofs::{
    halo2curves::bn256::Fr,
    plonk::{Advice, Column, ConstraintSystem, Selector},
    poly::Rotation,
};

/// Columns that carry the main gate.
pub const MAIN_COLUMNS: usize = 7;

/// The vertical gate on each main column.
#[derive(Clone, Debug)]
pub struct MainGateConfig {
    /// The columns.
    pub columns: [Column<Advice>; MAIN_COLUMNS],
    /// One selector per column, on at a gate's first row.
    pub selectors: [Selector; MAIN_COLUMNS],
}

impl MainGateConfig {
    /// Creates the gate on `columns`.
    pub fn configure(meta: &mut ConstraintSystem<Fr>, columns: [Column<Advice>; MAIN_COLUMNS]) -> Self {
        let selectors = columns.map(|column| {
            let q = meta.selector();
            // q * (a + b * c - d) = 0, with a, b, c, d on rows 0..4 of the column
            meta.create_gate("main: a + b * c = d", |meta| {
                let q = meta.query_selector(q);
                let [a, b, c, d] = [0, 1, 2, 3].map(|r| meta.query_advice(column, Rotation(r)));
                vec![q * (a + b * c - d)]
            });
            q
        });
        MainGateConfig { columns, selectors }
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
