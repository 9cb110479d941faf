//! Witness generation, separated from layout (as in halo2-base).
//!
//! Chips record what they need in a [`Context`]: cells of one virtual *main* column on which the
//! vertical gate `d = a + b * c` may be switched on, cells at fixed places of the other regions
//! (header, instrument blocks, sponge), copy constraints, range checks, switched-on gates and
//! fixed values. Every value is computed when it is recorded, so a built context is a complete
//! witness; [`crate::layout`] later places the main column and writes everything into the
//! circuit's columns. The sequence of records depends only on the circuit shape, never on the
//! values, so keygen and proving lay out identical circuits.

use crate::eddsa::SignatureWitness;
use crate::header::{constant_slot, PublicSlot};
use crate::layout::Regions;
use crate::poseidon::spec::SpongeRowKind;
use ff::Field;
use halo2_proofs::halo2curves::bn256::Fr;
use std::collections::HashMap;
use std::sync::Arc;

/// A cell and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Index among the context's cells.
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

/// Where a cell goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The `n`-th cell of the main column (its row is planned by the layout).
    Main(usize),
    /// An advice column (0..6) and an absolute row.
    At {
        /// Advice column index.
        column: usize,
        /// Row.
        row: usize,
    },
}

/// A gate switched on at a fixed row (the main gate's rows are planned with the main column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    /// A header row: the main column's cell equals the public column's value.
    Load,
    /// One step of a running sum (its byte is looked up).
    Range,
    /// An instrument block's sign row.
    Sign,
    /// A scenario (or short option minimum) accumulation continuing the block above.
    Accumulate,
    /// A sponge row.
    Sponge(SpongeRowKind),
}

/// A range check laid out by the layout in the main region: `cell < 2^(8 * bytes)`.
#[derive(Clone, Debug)]
pub struct RangeCheck {
    /// The checked cell.
    pub cell: Cell,
    /// Number of 8-bit limbs.
    pub bytes: usize,
    /// What it checks (`margin claim`, `concentration cap of asset 1`): how a failing row is
    /// named, so a negative test can require the very check it means.
    pub label: String,
}

/// A signature check placed in the signature chips' columns from row `offset`, its key and
/// message copies of context cells (signed holdings, `docs/design.md` §12).
#[derive(Clone, Debug)]
pub struct PlacedSignature {
    /// First row.
    pub offset: usize,
    /// The rows.
    pub rows: SignatureWitness,
    /// The key `A`, copied into the ladder and the challenge.
    pub key: [Cell; 2],
    /// The message `M`, copied into the challenge.
    pub message: Cell,
}

/// Everything a circuit's witness consists of, before layout.
#[derive(Clone, Debug)]
pub struct Context {
    /// Where the fixed regions are.
    pub(crate) regions: Arc<Regions>,
    /// Values of every cell.
    pub(crate) cells: Vec<Fr>,
    /// Where each cell goes.
    pub(crate) places: Vec<Place>,
    /// Number of main-column cells.
    pub(crate) main_len: usize,
    /// Main-column positions at which the gate `a + b * c = d` covers positions `p..p+4`.
    pub(crate) gates: Vec<usize>,
    /// Pairs of cells that must be equal.
    pub(crate) copies: Vec<(usize, usize)>,
    /// Range checks laid out in the main region.
    pub(crate) range_checks: Vec<RangeCheck>,
    /// Gates switched on at fixed rows.
    pub(crate) switches: Vec<(Switch, usize)>,
    /// Fixed values of the sponge's first two round-constant columns: (column, row, value).
    pub(crate) fixed: Vec<(usize, usize, Fr)>,
    /// Signature checks, in the signature chips' columns.
    pub(crate) signatures: Vec<PlacedSignature>,
    /// The header's cells, by row.
    header: Vec<Cell>,
    /// The last main-column cell, if any.
    last_main: Option<Cell>,
    /// Values forced into cells by index, instead of the computed ones: how negative tests
    /// play a cheating prover that recomputes everything downstream of a forged value.
    forged: HashMap<usize, Fr>,
}

impl Context {
    /// A context whose header holds `header` (the public column's first rows): one cell per
    /// row, each bound to its public value.
    pub fn new(regions: Arc<Regions>, header: &[Fr]) -> Self {
        Self::with_forged_cells(regions, header, HashMap::new())
    }

    /// A context that writes `forged` values into the cells of those indices.
    pub fn with_forged_cells(regions: Arc<Regions>, header: &[Fr], forged: HashMap<usize, Fr>) -> Self {
        assert_eq!(header.len(), regions.header_rows, "one value per header row");
        let mut ctx = Context {
            regions,
            cells: Vec::new(),
            places: Vec::new(),
            main_len: 0,
            gates: Vec::new(),
            copies: Vec::new(),
            range_checks: Vec::new(),
            switches: Vec::new(),
            fixed: Vec::new(),
            signatures: Vec::new(),
            header: Vec::new(),
            last_main: None,
            forged,
        };
        for (row, value) in header.iter().enumerate() {
            let cell = ctx.assign_at(crate::layout::MAIN, row, *value);
            ctx.switch(Switch::Load, row);
            ctx.header.push(cell);
        }
        ctx
    }

    fn push(&mut self, value: Fr, place: Place) -> Cell {
        let value = self.forged.get(&self.cells.len()).copied().unwrap_or(value);
        self.cells.push(value);
        self.places.push(place);
        Cell { index: self.cells.len() - 1, value }
    }

    fn push_main(&mut self, value: Fr) -> Cell {
        let cell = self.push(value, Place::Main(self.main_len));
        self.main_len += 1;
        self.last_main = Some(cell);
        cell
    }

    /// A main-column cell constrained by nothing yet.
    pub fn load_witness(&mut self, value: Fr) -> Cell {
        self.push_main(value)
    }

    /// A cell at a fixed place (advice column, absolute row).
    pub fn assign_at(&mut self, column: usize, row: usize, value: Fr) -> Cell {
        self.push(value, Place::At { column, row })
    }

    /// The header cell of a public slot.
    pub fn public(&self, slot: PublicSlot) -> Cell {
        self.header[slot.row(&self.regions.shape)]
    }

    /// The header cell holding a constant of [`crate::header::CONSTANTS`].
    ///
    /// # Panics
    /// If `value` is not one of them (a programming error).
    pub fn load_constant(&self, value: Fr) -> Cell {
        let slot = constant_slot(value).unwrap_or_else(|| panic!("{value:?} is not in header::CONSTANTS"));
        self.public(slot)
    }

    /// Constrains two cells to be equal.
    pub fn constrain_equal(&mut self, a: Cell, b: Cell) {
        self.copies.push((a.index, b.index));
    }

    /// Switches a gate on at a fixed row.
    pub fn switch(&mut self, switch: Switch, row: usize) {
        self.switches.push((switch, row));
    }

    /// Sets a round-constant column's value at a row.
    pub fn fixed(&mut self, column: usize, row: usize, value: Fr) {
        self.fixed.push((column, row, value));
    }

    /// Records a signature check (its rows written by the signature chips).
    pub fn signature(&mut self, signature: PlacedSignature) {
        self.signatures.push(signature);
    }

    /// A copy of `cell` at the end of the main column (equality-constrained to it).
    fn place(&mut self, cell: Cell) -> Cell {
        let copy = self.push_main(cell.value);
        self.copies.push((cell.index, copy.index));
        copy
    }

    /// Records the gate `a + b * c = d` over four slots and returns the four cells.
    ///
    /// When the first slot is the last cell of the main column it becomes the gate's first cell,
    /// so chains such as running sums take three cells per step.
    pub fn gate(&mut self, slots: [Slot; 4]) -> [Cell; 4] {
        let first = match slots[0] {
            Slot::Existing(a) if self.last_main.is_some_and(|last| last.index == a.index) => a,
            Slot::Existing(a) => self.place(a),
            Slot::New(v) => self.push_main(v),
        };
        let Place::Main(position) = self.places[first.index] else { unreachable!("the first cell is a main cell") };
        self.gates.push(position);
        let mut out = [first; 4];
        for (slot, cell) in slots[1..].iter().zip(out[1..].iter_mut()) {
            *cell = match *slot {
                Slot::Existing(c) => self.place(c),
                Slot::New(v) => self.push_main(v),
            };
        }
        out
    }

    /// Records that `cell` is below `2^(8 * bytes)`, with its running sum in the main region;
    /// `label` says what it checks.
    pub fn range_check(&mut self, cell: Cell, bytes: usize, label: &str) {
        assert!(bytes > 0 && bytes <= 31, "range checks cover 1 to 31 bytes");
        self.range_checks.push(RangeCheck { cell, bytes, label: label.to_string() });
    }

    /// What the range check whose running sum occupies `row` checks: a check of the main region
    /// (its label), or the running sum of an instrument's position in its block.
    pub fn range_check_at(&self, row: usize) -> Option<String> {
        let regions = &self.regions;
        if row >= regions.blocks_start && row < regions.readout_start {
            let i = (row - regions.blocks_start) / regions.dims.block_height;
            return Some(format!("the running sum of instrument {i}'s position"));
        }
        let mut start = regions.main_start;
        for check in &self.range_checks {
            if row >= start && row <= start + check.bytes {
                return Some(check.label.clone());
            }
            start += check.bytes + 1;
        }
        None
    }

    /// Writes the running sum of `value` over `bytes` bytes into the range column from `row`
    /// (`bytes + 1` rows, the last one 0) and returns its first cell.
    pub fn running_sum_at(&mut self, row: usize, value: Fr, bytes: usize) -> Cell {
        let sums = crate::encoding::running_sums(value, bytes);
        let zero = self.load_constant(Fr::ZERO);
        let mut first = None;
        for (j, z) in sums.iter().enumerate() {
            let cell = self.assign_at(crate::layout::RANGE, row + j, *z);
            if j < bytes {
                self.switch(Switch::Range, row + j);
            } else {
                self.constrain_equal(cell, zero);
            }
            first.get_or_insert(cell);
        }
        first.expect("at least one row")
    }

    /// Writes the running sum of `value` over `bytes` bytes into advice column `column` from
    /// `row` (`bytes + 1` rows) and returns its first cell. Nothing is switched on: the column's
    /// lookup shares the rows of a running sum in the range column, and a gate requires the last
    /// row to be 0.
    pub fn running_sum_in(&mut self, column: usize, row: usize, value: Fr, bytes: usize) -> Cell {
        let sums = crate::encoding::running_sums(value, bytes);
        let cells: Vec<Cell> = sums.iter().enumerate().map(|(j, z)| self.assign_at(column, row + j, *z)).collect();
        cells[0]
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the context has no cells.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The value of a cell.
    pub fn value(&self, index: usize) -> Fr {
        self.cells[index]
    }

    /// The regions this context is laid out in.
    pub fn regions(&self) -> &Regions {
        &self.regions
    }
}
