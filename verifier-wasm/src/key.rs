//! The verifying key of one circuit, in a compact binary form the native tools write
//! (`solvent export-verifier`) and this crate reads.
//!
//! It is snark-verifier's compiled PLONK protocol for the circuit (the same description the
//! Solidity verifier is generated from) plus the SRS points a verifier needs. Every integer is
//! little-endian; every field element and coordinate is 32 bytes big-endian (as on the EVM).
//!
//! ```text
//! magic "SOLVKEY2" | k u32 | omega Fr | g1 G1 | g2 G2 | s_g2 G2 | transcript_initial_state Fr
//! | lanes u32 | public_points [G1] | num_witness [u32] | num_challenge [u32] | preprocessed [G1]
//! | evaluations [Query] | queries [Query] | chunk_degree u32 | numerator Expression
//! [T] = u32 count, then the items;  Query = poly u32, rotation i32
//! G1 = x, y;  G2 = x.c0, x.c1, y.c0, y.c1
//! Expression = tag u8, then: 0 Constant(Fr) | 1 Identity | 2 Lagrange(i32) | 3 Polynomial(Query)
//!   | 4 Challenge(u32) | 5 Negated(E) | 6 Sum(E, E) | 7 Product(E, E) | 8 Scaled(E, Fr)
//!   | 9 DistributePowers(u32 n, E * n, E)
//! ```

use alloc::boxed::Box;
use alloc::vec::Vec;

/// The magic bytes that start a key.
pub const MAGIC: &[u8; 8] = b"SOLVKEY2";

/// 32 big-endian bytes: a field element or a coordinate, not yet checked.
pub type Word = [u8; 32];

/// A query of a polynomial at a rotation of the evaluation point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Query {
    /// Index of the polynomial: preprocessed, then the public columns (lanes), then witness, then
    /// quotient.
    pub poly: u32,
    /// Rotation (a power of the domain's generator).
    pub rotation: i32,
}

/// The quotient's numerator, as an expression over the opened evaluations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expression {
    /// A constant.
    Constant(Word),
    /// The identity polynomial `X`.
    Identity,
    /// The Lagrange basis polynomial `L_i`.
    Lagrange(i32),
    /// An opened polynomial.
    Polynomial(Query),
    /// A Fiat-Shamir challenge.
    Challenge(u32),
    /// `-a`.
    Negated(Box<Expression>),
    /// `a + b`.
    Sum(Box<Expression>, Box<Expression>),
    /// `a * b`.
    Product(Box<Expression>, Box<Expression>),
    /// `a * c` for a constant `c`.
    Scaled(Box<Expression>, Word),
    /// `((e_0 * s + e_1) * s + e_2) ...`.
    DistributePowers(Vec<Expression>, Box<Expression>),
}

impl Expression {
    /// The expression's degree in the opened polynomials (and `X`, Lagrange polynomials).
    pub fn degree(&self) -> usize {
        match self {
            Expression::Constant(_) | Expression::Challenge(_) => 0,
            Expression::Identity | Expression::Lagrange(_) | Expression::Polynomial(_) => 1,
            Expression::Negated(a) | Expression::Scaled(a, _) => a.degree(),
            Expression::Sum(a, b) => a.degree().max(b.degree()),
            Expression::Product(a, b) => a.degree() + b.degree(),
            Expression::DistributePowers(es, s) => es.iter().chain(Some(s.as_ref())).map(Expression::degree).max().unwrap_or(0),
        }
    }
}

/// The verifier key of one circuit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierKey {
    /// The domain has `2^k` rows.
    pub k: u32,
    /// The domain's generator.
    pub omega: Word,
    /// `g[0]` of the SRS (the G1 generator).
    pub g1: [Word; 2],
    /// The G2 generator.
    pub g2: [Word; 4],
    /// `[tau]G2`.
    pub s_g2: [Word; 4],
    /// The verifying key's transcript representative (absorbed first).
    pub transcript_initial_state: Word,
    /// Public columns (lanes), each committed by the policy commitment.
    pub lanes: u32,
    /// `[L_j(tau)]G1` for the rows `j` of the first lane that hold the public inputs: the first
    /// lane's commitment is the policy's plus `sum_j x_j [L_j(tau)]`.
    pub public_points: Vec<[Word; 2]>,
    /// Witness commitments per phase.
    pub num_witness: Vec<u32>,
    /// Challenges squeezed after each phase.
    pub num_challenge: Vec<u32>,
    /// Commitments of the fixed and permutation polynomials.
    pub preprocessed: Vec<[Word; 2]>,
    /// The evaluations the proof carries, in order.
    pub evaluations: Vec<Query>,
    /// The openings the multi-open argument checks, in order.
    pub queries: Vec<Query>,
    /// Degree of each quotient chunk.
    pub chunk_degree: u32,
    /// The quotient's numerator.
    pub numerator: Expression,
}

/// Why a key could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// It does not start with [`MAGIC`].
    Magic,
    /// It ends early.
    Truncated,
    /// An expression tag is unknown.
    Tag(u8),
    /// Bytes follow the key.
    Trailing,
    /// A count is implausibly large.
    Count,
}

impl VerifierKey {
    /// Serialises the key.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend(self.k.to_le_bytes());
        out.extend(self.omega);
        self.g1.iter().for_each(|w| out.extend(w));
        self.g2.iter().for_each(|w| out.extend(w));
        self.s_g2.iter().for_each(|w| out.extend(w));
        out.extend(self.transcript_initial_state);
        out.extend(self.lanes.to_le_bytes());
        out.extend((self.public_points.len() as u32).to_le_bytes());
        self.public_points.iter().flatten().for_each(|w| out.extend(w));
        for list in [&self.num_witness, &self.num_challenge] {
            out.extend((list.len() as u32).to_le_bytes());
            list.iter().for_each(|n| out.extend(n.to_le_bytes()));
        }
        out.extend((self.preprocessed.len() as u32).to_le_bytes());
        self.preprocessed.iter().flatten().for_each(|w| out.extend(w));
        for list in [&self.evaluations, &self.queries] {
            out.extend((list.len() as u32).to_le_bytes());
            list.iter().for_each(|q| write_query(&mut out, q));
        }
        out.extend(self.chunk_degree.to_le_bytes());
        write_expression(&mut out, &self.numerator);
        out
    }

    /// Reads a key written by [`VerifierKey::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<VerifierKey, KeyError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(8)? != MAGIC {
            return Err(KeyError::Magic);
        }
        let k = r.u32()?;
        let omega = r.word()?;
        let g1 = [r.word()?, r.word()?];
        let g2 = [r.word()?, r.word()?, r.word()?, r.word()?];
        let s_g2 = [r.word()?, r.word()?, r.word()?, r.word()?];
        let transcript_initial_state = r.word()?;
        let lanes = r.u32()?;
        let public_points = r.list(|r| Ok([r.word()?, r.word()?]))?;
        let num_witness = r.list(|r| r.u32())?;
        let num_challenge = r.list(|r| r.u32())?;
        let preprocessed = r.list(|r| Ok([r.word()?, r.word()?]))?;
        let evaluations = r.list(Reader::query)?;
        let queries = r.list(Reader::query)?;
        let chunk_degree = r.u32()?;
        let numerator = r.expression()?;
        if r.at != bytes.len() {
            return Err(KeyError::Trailing);
        }
        Ok(VerifierKey {
            k,
            omega,
            g1,
            g2,
            s_g2,
            transcript_initial_state,
            lanes,
            public_points,
            num_witness,
            num_challenge,
            preprocessed,
            evaluations,
            queries,
            chunk_degree,
            numerator,
        })
    }
}

fn write_query(out: &mut Vec<u8>, q: &Query) {
    out.extend(q.poly.to_le_bytes());
    out.extend(q.rotation.to_le_bytes());
}

fn write_expression(out: &mut Vec<u8>, e: &Expression) {
    match e {
        Expression::Constant(c) => {
            out.push(0);
            out.extend(c);
        }
        Expression::Identity => out.push(1),
        Expression::Lagrange(i) => {
            out.push(2);
            out.extend(i.to_le_bytes());
        }
        Expression::Polynomial(q) => {
            out.push(3);
            write_query(out, q);
        }
        Expression::Challenge(i) => {
            out.push(4);
            out.extend(i.to_le_bytes());
        }
        Expression::Negated(a) => {
            out.push(5);
            write_expression(out, a);
        }
        Expression::Sum(a, b) | Expression::Product(a, b) => {
            out.push(if matches!(e, Expression::Sum(..)) { 6 } else { 7 });
            write_expression(out, a);
            write_expression(out, b);
        }
        Expression::Scaled(a, c) => {
            out.push(8);
            write_expression(out, a);
            out.extend(c);
        }
        Expression::DistributePowers(es, s) => {
            out.push(9);
            out.extend((es.len() as u32).to_le_bytes());
            es.iter().for_each(|e| write_expression(out, e));
            write_expression(out, s);
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], KeyError> {
        let end = self.at.checked_add(n).ok_or(KeyError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(KeyError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, KeyError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }

    fn i32(&mut self) -> Result<i32, KeyError> {
        Ok(i32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }

    fn word(&mut self) -> Result<Word, KeyError> {
        Ok(self.take(32)?.try_into().expect("32 bytes"))
    }

    fn query(&mut self) -> Result<Query, KeyError> {
        Ok(Query { poly: self.u32()?, rotation: self.i32()? })
    }

    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Result<T, KeyError>) -> Result<Vec<T>, KeyError> {
        let n = self.u32()? as usize;
        // Every item takes at least 4 bytes: a count beyond that is a corrupt key.
        if n > (self.bytes.len() - self.at) / 4 {
            return Err(KeyError::Count);
        }
        (0..n).map(|_| item(self)).collect()
    }

    fn expression(&mut self) -> Result<Expression, KeyError> {
        let boxed = |r: &mut Self| r.expression().map(Box::new);
        Ok(match self.take(1)?[0] {
            0 => Expression::Constant(self.word()?),
            1 => Expression::Identity,
            2 => Expression::Lagrange(self.i32()?),
            3 => Expression::Polynomial(self.query()?),
            4 => Expression::Challenge(self.u32()?),
            5 => Expression::Negated(boxed(self)?),
            6 => Expression::Sum(boxed(self)?, boxed(self)?),
            7 => Expression::Product(boxed(self)?, boxed(self)?),
            8 => Expression::Scaled(boxed(self)?, self.word()?),
            9 => {
                let n = self.u32()? as usize;
                if n == 0 || n > self.bytes.len() - self.at {
                    return Err(KeyError::Count);
                }
                let es = (0..n).map(|_| self.expression()).collect::<Result<Vec<_>, _>>()?;
                Expression::DistributePowers(es, boxed(self)?)
            }
            tag => return Err(KeyError::Tag(tag)),
        })
    }
}
