//! Witness generation, separated from layout (as in halo2-base).
//!
//! Chips record what they need in a [`Context`]: cells of one virtual "main" column on which the
//! vertical gate `d = a + b * c` may be switched on, copy constraints, constants, range checks,
//! Poseidon sponges and public inputs. Every value is computed when it is recorded, so a built
//! context is a complete witness; [`crate::layout`] later places it into the circuit's columns.
//! The sequence of records depends only on the circuit shape, never on the values, so keygen and
//! proving lay out identical circuits.

use ff::{Field, PrimeField};
use halo2_proofs::halo2curves::bn256::Fr;
use std::collections::HashMap;

/// A cell of the main virtual column and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Position in the main virtual column.
    pub index: usize,
    /// The witness value.
    pub value: Fr,
}

/// A cell of a gate: an existing cell (copied in) or a new witness value.
#[derive(Clone, Copy, Debug)]
pub enum Slot {
    /// A copy of an existing cell.
    Existing(Cell),
    /// A fresh witness value.
    New(Fr),
}

/// One element absorbed by a sponge.
#[derive(Clone, Copy, Debug)]
pub enum HashInput {
    /// A main cell (the value the circuit computes with).
    Cell(Cell),
    /// A value that is only hashed (ids, names): constrained by nothing but the hash.
    Free(Fr),
    /// A constant of the circuit (such as the shape).
    Constant(Fr),
}

impl HashInput {
    /// The input's value.
    pub fn value(&self) -> Fr {
        match self {
            HashInput::Cell(c) => c.value,
            HashInput::Free(v) | HashInput::Constant(v) => *v,
        }
    }
}

/// A sponge to lay out: domain tag, inputs, and the main cell that receives the digest.
#[derive(Clone, Debug)]
pub struct SpongeCall {
    /// The domain tag in the capacity word.
    pub domain: Fr,
    /// The absorbed elements.
    pub inputs: Vec<HashInput>,
    /// The main cell holding the digest.
    pub output: Cell,
}

/// A range check: `cell` is below `2^(8 * bytes)`.
#[derive(Clone, Copy, Debug)]
pub struct RangeCheck {
    /// The checked cell.
    pub cell: Cell,
    /// Number of 8-bit limbs.
    pub bytes: usize,
}

/// Everything a circuit's witness consists of, before layout.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Values of the main virtual column.
    pub(crate) cells: Vec<Fr>,
    /// Offsets at which the gate `d = a + b * c` covers cells `i..i+4`.
    pub(crate) gates: Vec<usize>,
    /// Pairs of main cells that must be equal.
    pub(crate) copies: Vec<(usize, usize)>,
    /// Main cells fixed to a constant, with the constant.
    pub(crate) constants: Vec<(usize, Fr)>,
    constant_cells: HashMap<[u8; 32], Cell>,
    /// Range checks.
    pub(crate) range_checks: Vec<RangeCheck>,
    /// Poseidon sponges.
    pub(crate) sponges: Vec<SpongeCall>,
    /// Main cells exposed as public inputs, by instance row.
    pub(crate) instances: Vec<(usize, usize)>,
    /// Values forced into cells by index, instead of the computed ones: how negative tests
    /// play a cheating prover that recomputes everything downstream of a forged value.
    forged: HashMap<usize, Fr>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty context that writes `forged` values into the cells of those indices.
    pub fn with_forged_cells(forged: HashMap<usize, Fr>) -> Self {
        Context { forged, ..Self::default() }
    }

    fn push(&mut self, value: Fr) -> Cell {
        let value = self.forged.get(&self.cells.len()).copied().unwrap_or(value);
        self.cells.push(value);
        Cell { index: self.cells.len() - 1, value }
    }

    /// A witness cell constrained by nothing yet.
    pub fn load_witness(&mut self, value: Fr) -> Cell {
        self.push(value)
    }

    /// A cell fixed to `value` (one cell per distinct constant).
    pub fn load_constant(&mut self, value: Fr) -> Cell {
        let key = value.to_repr();
        if let Some(cell) = self.constant_cells.get(&key) {
            return *cell;
        }
        let cell = self.push(value);
        self.constants.push((cell.index, value));
        self.constant_cells.insert(key, cell);
        cell
    }

    /// Constrains two cells to be equal.
    pub fn constrain_equal(&mut self, a: Cell, b: Cell) {
        self.copies.push((a.index, b.index));
    }

    /// A copy of `cell` at the end of the main column (equality-constrained to it).
    fn place(&mut self, cell: Cell) -> Cell {
        let copy = self.push(cell.value);
        self.copies.push((cell.index, copy.index));
        copy
    }

    /// Records the gate `a + b * c = d` over four slots and returns the four cells.
    ///
    /// When the first slot is the last cell of the main column it becomes the gate's first cell,
    /// so chains such as running sums take three cells per step.
    pub fn gate(&mut self, slots: [Slot; 4]) -> [Cell; 4] {
        let first = match slots[0] {
            Slot::Existing(a) if a.index + 1 == self.cells.len() => a,
            Slot::Existing(a) => self.place(a),
            Slot::New(v) => self.push(v),
        };
        self.gates.push(first.index);
        let mut out = [first; 4];
        for (slot, cell) in slots[1..].iter().zip(out[1..].iter_mut()) {
            *cell = match *slot {
                Slot::Existing(c) => self.place(c),
                Slot::New(v) => self.push(v),
            };
        }
        out
    }

    /// Records a sponge over `inputs` and returns the digest's cell.
    pub fn hash(&mut self, domain: Fr, inputs: Vec<HashInput>) -> Cell {
        let values: Vec<Fr> = inputs.iter().map(HashInput::value).collect();
        let output = self.push(crate::poseidon::sponge(domain, &values));
        self.sponges.push(SpongeCall { domain, inputs, output });
        output
    }

    /// Records that `cell` is below `2^(8 * bytes)`.
    pub fn range_check(&mut self, cell: Cell, bytes: usize) {
        assert!(bytes > 0 && bytes < 31, "range checks cover 1 to 30 bytes");
        self.range_checks.push(RangeCheck { cell, bytes });
    }

    /// Exposes `cell` as the public input at `row`.
    pub fn expose(&mut self, cell: Cell, row: usize) {
        self.instances.push((cell.index, row));
    }
}

/// The field element of a signed integer (`p - |x|` for negative `x`).
pub fn field_from_i128(x: i128) -> Fr {
    let magnitude = Fr::from_u128(x.unsigned_abs());
    if x < 0 {
        -magnitude
    } else {
        magnitude
    }
}

/// The field element of a non-negative big integer below the modulus.
pub fn field_from_bigint(x: &num_bigint::BigInt) -> Fr {
    let (sign, bytes) = x.to_bytes_le();
    let mut acc = Fr::ZERO;
    let mut base = Fr::ONE;
    for b in bytes {
        acc += base * Fr::from(u64::from(b));
        base *= Fr::from(256);
    }
    if sign == num_bigint::Sign::Minus {
        -acc
    } else {
        acc
    }
}
