//! Calldata: the verifier's raw input, and Solidity ABI encoding for the gate's functions.

use halo2_proofs::halo2curves::{bn256::Fr, ff::PrimeField};
use sha3::{Digest, Keccak256};
use solvent_circuits::encoding::PublicInputs;
use solvent_verifier::{commitment::PolicyCommitment, verify::public_input_bytes};

/// One ABI argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// A static 32-byte word (`uint*`, `bytes32`, `address`, `bool`), big-endian.
    Word([u8; 32]),
    /// Dynamic `bytes`.
    Bytes(Vec<u8>),
    /// A dynamic array of 32-byte words (`uint256[]`).
    Words(Vec<[u8; 32]>),
}

impl Token {
    /// An unsigned integer.
    pub fn uint(value: u64) -> Token {
        let mut word = [0u8; 32];
        word[24..].copy_from_slice(&value.to_be_bytes());
        Token::Word(word)
    }

    /// An address.
    pub fn address(address: &[u8; 20]) -> Token {
        let mut word = [0u8; 32];
        word[12..].copy_from_slice(address);
        Token::Word(word)
    }

    /// A field element as `uint256`.
    pub fn field(value: &Fr) -> Token {
        Token::Word(field_word(value))
    }
}

/// A field element as a 32-byte big-endian word.
pub fn field_word(value: &Fr) -> [u8; 32] {
    let mut word = value.to_repr();
    word.as_mut().reverse();
    word
}

/// Keccak-256.
pub fn keccak256(bytes: &[u8]) -> [u8; 32] {
    Keccak256::digest(bytes).into()
}

/// The 4-byte selector of a function or error signature such as `attest(uint256,bytes)`.
pub fn selector(signature: &str) -> [u8; 4] {
    let hash = keccak256(signature.as_bytes());
    [hash[0], hash[1], hash[2], hash[3]]
}

/// ABI-encodes arguments (head words, then the tails of dynamic ones).
pub fn encode(tokens: &[Token]) -> Vec<u8> {
    let head_len = 32 * tokens.len();
    let mut head = Vec::with_capacity(head_len);
    let mut tail = Vec::new();
    for token in tokens {
        match token {
            Token::Word(word) => head.extend_from_slice(word),
            Token::Bytes(bytes) => {
                head.extend_from_slice(&word_of(head_len + tail.len()));
                tail.extend_from_slice(&word_of(bytes.len()));
                tail.extend_from_slice(bytes);
                tail.resize(tail.len().div_ceil(32) * 32, 0);
            }
            Token::Words(words) => {
                head.extend_from_slice(&word_of(head_len + tail.len()));
                tail.extend_from_slice(&word_of(words.len()));
                words.iter().for_each(|w| tail.extend_from_slice(w));
            }
        }
    }
    head.extend(tail);
    head
}

/// Calldata of a call to `signature` with `tokens`.
pub fn encode_call(signature: &str, tokens: &[Token]) -> Vec<u8> {
    let mut data = selector(signature).to_vec();
    data.extend(encode(tokens));
    data
}

fn word_of(value: usize) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[24..].copy_from_slice(&(value as u64).to_be_bytes());
    word
}

/// The generated verifier's input: the policy commitment, the public inputs, then the proof.
pub fn verifier_calldata(policy: &PolicyCommitment, inputs: &PublicInputs, proof: &[u8]) -> Vec<u8> {
    let mut data = policy.to_bytes();
    data.extend(public_input_bytes(inputs));
    data.extend_from_slice(proof);
    data
}

/// The policy commitment as the words of `uint256[]`.
pub fn commitment_words(policy: &PolicyCommitment) -> Vec<[u8; 32]> {
    policy.to_bytes().chunks_exact(32).map(|w| w.try_into().expect("32 bytes")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_matches_the_known_erc20_transfer_selector() {
        assert_eq!(selector("transfer(address,uint256)"), [0xa9, 0x05, 0x9c, 0xbb]);
    }

    #[test]
    fn dynamic_bytes_are_offset_length_and_zero_padded() {
        let data = encode(&[Token::uint(7), Token::Bytes(vec![0xab; 33])]);
        assert_eq!(data.len(), 32 * 2 + 32 + 64);
        assert_eq!(data[31], 7);
        assert_eq!(data[63], 64, "offset of the tail");
        assert_eq!(data[95], 33, "length");
        assert_eq!(&data[96..129], &[0xab; 33][..]);
        assert!(data[129..].iter().all(|b| *b == 0));
    }

    #[test]
    fn verifier_calldata_is_commitment_then_big_endian_inputs_then_proof() {
        use halo2_proofs::halo2curves::bn256::G1Affine;
        let policy = PolicyCommitment { points: vec![G1Affine::generator()] };
        let inputs = PublicInputs { portfolio_commitment: Fr::from(2), account: Fr::from(3), snapshot_time: Fr::from(258) };
        let data = verifier_calldata(&policy, &inputs, &[9, 9]);
        assert_eq!(data.len(), 64 + 3 * 32 + 2);
        assert_eq!((data[31], data[63]), (1, 2), "the generator is (1, 2)");
        assert_eq!((data[64 + 31], data[64 + 63]), (2, 3));
        assert_eq!((data[64 + 94], data[64 + 95]), (1, 2));
        assert_eq!(&data[64 + 96..], &[9, 9]);
    }

    #[test]
    fn word_arrays_are_offset_length_and_words() {
        let data = encode(&[Token::Words(vec![[1; 32], [2; 32]]), Token::uint(5)]);
        assert_eq!(data.len(), 2 * 32 + 32 + 64);
        assert_eq!(data[31], 64, "offset of the tail");
        assert_eq!(data[63], 5);
        assert_eq!(data[95], 2, "length");
        assert_eq!(&data[96..128], &[1; 32]);
    }
}
