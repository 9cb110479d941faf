//! The circuit's geometry: its dimensions ([`Dims`]) and where its regions are ([`Regions`]),
//! below the chips (which place their cells by it). The columns and gates are in
//! [`crate::config`]; [`Dims::for_shape`] (which lays out the circuit) is in
//! [`crate::attestation`].
//!
//! With signed holdings, sixteen more advice columns and six fixed ones hold the signature chips,
//! one [`SIGNATURE_ROWS`] per statement slot from row 0.
//!
//! Six advice columns `a_0..a_6`, `W` public columns (the lanes), three fixed round-constant
//! columns, the selectors and the byte table. Only `a_0` and `a_1` take part in copy
//! constraints. Rows, top to bottom:
//!
//! | region | rows | what |
//! |---|---|---|
//! | header | `max(h, H)` | `a_1` loads each public value of lane 0 (public inputs, constants, policy scalars); the lanes `a_2..a_{2+W}` are 0 |
//! | instrument blocks | `I * H` | per instrument: the sign split (`a_0`: running sum of `|q|`; `a_1`: short part, then the position), and the accumulations of its scenario losses and short option minimum in the lanes |
//! | readout | `W * H` | the accumulation goes on, lane `l` minus `a_1` in the `l`-th block (its public value is -1) |
//! | trailer | `H` | loaded like the header: every lane is 0, so `a_1` read each lane's totals |
//! | sponge | `38 m + 1` | the portfolio commitment (Poseidon state in `a_3..a_6`, auxiliary cells in `a_0..a_3`) |
//! | messages | `39 n_st (5 + 2 n_it)` | with signed holdings, each statement slot's message hashes `P`, on the sponge's columns |
//! | main | the rest | the main gate on `a_1`; the running sums of its range checks in `a_0` |

use crate::encoding::{Shape, PACKED};
use crate::poseidon::spec::sponge_rows;
use solvent_statement::SignedShape;

/// Advice columns.
pub const ADVICE_COLUMNS: usize = 6;
/// The range column (running sums), `a_0`.
pub const RANGE: usize = 0;
/// The main column, `a_1`.
pub const MAIN: usize = 1;
/// The first lane column, `a_2` (lanes are `a_2..a_{2+W}`).
pub const FIRST_LANE: usize = 2;
/// The sponge's state columns `a_3..a_6`.
pub const SPONGE_STATE: [usize; 3] = [3, 4, 5];
/// The sponge's auxiliary columns `a_0..a_3`.
pub const SPONGE_CELLS: [usize; 3] = [0, 1, 2];
/// Bytes of a position's magnitude (and of every portfolio amount): below `2^64`.
pub const AMOUNT_BYTES: usize = 8;
/// The fewest rows of an instrument block: the running sum of the position's magnitude
/// (`AMOUNT_BYTES + 1` rows).
pub const MIN_BLOCK_HEIGHT: usize = AMOUNT_BYTES + 1;
/// The lane counts the layout chooses from.
pub const LANE_CHOICES: [usize; 3] = [1, 2, 4];
/// The lanes of a circuit with limits.
pub const LIMITS_LANES: usize = 2;
/// With limits: the running sums of `L_i - |q_i|` and `| |q_i| - t_i |` in an instrument block.
pub const LIMIT_RANGES: [usize; 2] = [4, 5];
/// The lookup of the position limits' running sums (`a_4`).
pub const POSITION_LIMIT_LOOKUP: &str = "range: position limit byte";
/// The lookup of the add-on splits' running sums (`a_5`).
pub const ADD_ON_LOOKUP: &str = "range: add-on byte";

/// The dimensions of a shape's circuit: the configuration's parameters and `k`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dims {
    /// Public columns (lanes).
    pub lanes: usize,
    /// Rows of an instrument block, `H`.
    pub block_height: usize,
    /// `log2` of the number of rows.
    pub k: u32,
    /// With the limits of risk model v2: the block row `A` of the add-on (after the scenario
    /// rows and the delta rows); `None` without limits.
    pub add_on_row: Option<usize>,
    /// With signed holdings, their slots (the circuit then has the signature chips' columns).
    pub signed: Option<SignedShape>,
}

impl Default for Dims {
    fn default() -> Self {
        Dims { lanes: 1, block_height: MIN_BLOCK_HEIGHT, k: 0, add_on_row: None, signed: None }
    }
}

/// The hashes `P` of one statement's message: five for its head (tag, holder, time, the three
/// counts), two per item slot.
pub fn message_hashes(items: usize) -> usize {
    5 + 2 * items
}

/// The hashes `P` of the challenges of signed holdings' identity (`docs/design.md` §12): one per
/// statement slot's message and per asset's signed debts, chained from the portfolio commitment
/// (`gamma`), and `beta = P(gamma, 0)`.
pub fn challenge_hashes(signed: SignedShape, assets: usize) -> usize {
    signed.statements + assets + 1
}

/// Rows of one signature in the signature chips' columns: the ladder's, then the challenge's.
pub const SIGNATURE_ROWS: usize = crate::eddsa::chip::ROWS + crate::eddsa::challenge::ROWS;

impl Dims {
    /// Scenario rows of a block, `B = ceil(S / W)`.
    pub fn scenario_rows(&self, scenarios: usize) -> usize {
        scenarios.div_ceil(self.lanes)
    }

    /// The last block row that accumulates: `B`, or the add-on row with limits.
    pub fn last_sum_row(&self, scenarios: usize) -> usize {
        self.add_on_row.unwrap_or_else(|| self.scenario_rows(scenarios))
    }

    /// The block row and lane of underlying `u`'s delta (with limits).
    pub fn delta_slot(&self, scenarios: usize, u: usize) -> (usize, usize) {
        (self.scenario_rows(scenarios) + 1 + u / self.lanes, u % self.lanes)
    }

    /// The dimensions with `lanes` lanes (and `k` not yet known).
    pub fn with_lanes(shape: Shape, lanes: usize) -> Dims {
        let scenario_rows = shape.scenarios.div_ceil(lanes);
        let add_on_row = shape.limits.map(|underlyings| scenario_rows + underlyings.div_ceil(lanes) + 1);
        let block_height = (add_on_row.unwrap_or(scenario_rows) + 1).max(MIN_BLOCK_HEIGHT);
        Dims { lanes, block_height, k: 0, add_on_row, signed: shape.signed }
    }

    /// Rows the signature chips' columns use: one [`SIGNATURE_ROWS`] per statement slot, from
    /// row 0 (beside every other region, in columns of their own).
    pub fn signature_rows(&self) -> usize {
        self.signed.map_or(0, |signed| signed.statements * SIGNATURE_ROWS)
    }
}

/// Where the fixed regions of a shape's circuit are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regions {
    /// The shape.
    pub shape: Shape,
    /// The dimensions.
    pub dims: Dims,
    /// Rows of the header: its values, and at least one block's height (the first block's
    /// accumulations start from the header's zero lanes).
    pub header_rows: usize,
    /// First row of the instrument blocks.
    pub blocks_start: usize,
    /// First row of the readout blocks.
    pub readout_start: usize,
    /// First row of the trailer (as long as a block).
    pub trailer_start: usize,
    /// First row of the sponge.
    pub sponge_start: usize,
    /// First row of the statements' message hashes (signed holdings; `main_start` without).
    pub messages_start: usize,
    /// First row of the main region.
    pub main_start: usize,
}

/// Elements the portfolio commitment absorbs for `shape`: account, time, packed balances and
/// debts, packed positions, salt.
pub fn commitment_inputs(shape: &Shape) -> usize {
    2 + 2 * shape.assets.div_ceil(PACKED) + shape.instruments.div_ceil(PACKED) + 1
}

impl Regions {
    /// The regions of `shape` with `dims`.
    pub fn new(shape: Shape, dims: Dims) -> Regions {
        let header_rows = crate::header::header_values(&shape).max(dims.block_height);
        let blocks_start = header_rows;
        let readout_start = blocks_start + shape.instruments * dims.block_height;
        let readout_rows = if shape.instruments > 0 { dims.lanes * dims.block_height } else { 0 };
        let trailer_start = readout_start + readout_rows;
        let trailer_rows = if shape.instruments > 0 { dims.block_height } else { 0 };
        let sponge_start = trailer_start + trailer_rows;
        let messages_start = sponge_start + sponge_rows(commitment_inputs(&shape));
        let message_rows = shape.signed.map_or(0, |signed| {
            (signed.statements * message_hashes(signed.items) + challenge_hashes(signed, shape.assets)) * sponge_rows(2)
        });
        let main_start = messages_start + message_rows;
        Regions { shape, dims, header_rows, blocks_start, readout_start, trailer_start, sponge_start, messages_start, main_start }
    }

    /// The first row of hash `h` (of [`message_hashes`]) of statement slot `slot`'s message.
    pub fn message_row(&self, slot: usize, h: usize) -> usize {
        let items = self.shape.signed.map_or(0, |signed| signed.items);
        self.messages_start + (slot * message_hashes(items) + h) * sponge_rows(2)
    }

    /// The first row of hash `h` (of [`challenge_hashes`]) of the challenges, after the messages'.
    pub fn challenge_row(&self, h: usize) -> usize {
        let statements = self.shape.signed.map_or(0, |signed| signed.statements);
        self.message_row(statements, h)
    }

    /// Row `j` of instrument `i`'s block.
    pub fn block_row(&self, i: usize, j: usize) -> usize {
        self.blocks_start + i * self.dims.block_height + j
    }

    /// Row `j` of the readout block of lane `lane`.
    pub fn readout_row(&self, lane: usize, j: usize) -> usize {
        self.readout_start + lane * self.dims.block_height + j
    }

    /// Row `j` of the trailer.
    pub fn trailer_row(&self, j: usize) -> usize {
        self.trailer_start + j
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_lanes_shorten_blocks_down_to_the_running_sum() {
        let shape = Shape::v1(1, 1, 10, 32);
        assert_eq!(Dims::with_lanes(shape, 1).block_height, 33);
        assert_eq!(Dims::with_lanes(shape, 2).block_height, 17);
        assert_eq!(Dims::with_lanes(shape, 4).block_height, MIN_BLOCK_HEIGHT);
        let small = Shape { scenarios: 2, ..shape };
        assert_eq!(Dims::with_lanes(small, 1).block_height, MIN_BLOCK_HEIGHT);
    }
}
