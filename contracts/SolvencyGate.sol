// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.19;

import "./ISolvencyGate.sol";

/// @title SolvencyGate
/// @notice Accepts solvent attestations (zero-knowledge proofs that an account's portfolio meets a
/// policy's margin and collateral thresholds) and records them for lending protocols to query.
///
/// The owner registers the policies it accepts by their *policy commitment*: the KZG commitments
/// of the policy's public columns (`solvent policy-commitment` prints them), with the policy's
/// `[effectiveAt, expiresAt)` window and circuit shape. The policy's id is the Keccak-256 hash of
/// the commitment's words. Per circuit shape the owner sets the verifier contract that `solvent
/// export-verifier` generated (`deployVerifier` deploys it from its creation code, so its
/// calldata is known at export; `setVerifier` takes one already deployed), recording the identity
/// of the SRS the verifier's key was derived from, which a protocol compares with the ceremony's
/// published identity (`verifierSrs`). An account then calls `attest` with its attestation's public
/// inputs and proof; the gate hands the verifier the *registered* commitment, so an account cannot
/// bring its own. A protocol calls `isAttested`.
///
/// A new day's prices are a new policy: one `acceptPolicy` transaction, the same verifier.
///
/// The owner must only register commitments of policies that `solvent policy-commitment` accepts:
/// the circuit's range arguments rely on the policy's values being validated.
contract SolvencyGate is ISolvencyGate {
    /// The BN254 scalar field's modulus: public inputs are field elements below it.
    uint256 internal constant SCALAR_MODULUS =
        0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// A registered policy.
    struct Policy {
        /// Unix seconds from which snapshots are accepted (the policy's `effective_at`).
        uint64 effectiveAt;
        /// Unix seconds from which the policy is expired (the policy's `expires_at`).
        uint64 expiresAt;
        /// Key of the circuit shape whose verifier checks its proofs (see `shapeKey`).
        bytes32 shape;
        /// The policy commitment: per public column, its point's x and y.
        uint256[] commitment;
    }

    /// A recorded attestation.
    struct Record {
        /// The attested portfolio's commitment.
        uint256 commitment;
        /// The snapshot's unix time.
        uint64 snapshotTime;
    }

    /// The address allowed to change the registry.
    address public owner;
    /// Largest accepted age of a snapshot, in seconds, at `attest` and at `isAttested`.
    uint64 public maxSnapshotAge;
    /// Registered policies by policy id; `expiresAt == 0` means not registered.
    mapping(bytes32 => Policy) internal policies;
    /// Verifier contract per circuit shape key.
    mapping(bytes32 => address) public verifiers;
    /// The SRS of a shape's verifier, as its `srsIdentity()` answered when it was set.
    struct VerifierSrs {
        /// The SRS identity (SHA-256 of its `g[0]`, `g2` and `[tau]G2`).
        bytes32 identity;
        /// True for the INSECURE development SRS, whose secret anyone knows: forged proofs verify.
        bool insecure;
    }
    /// The SRS of each shape's verifier.
    mapping(bytes32 => VerifierSrs) public verifierSrs;
    /// Latest attestation per account and policy id; `snapshotTime == 0` means none.
    mapping(address => mapping(bytes32 => Record)) public records;

    // Events and errors: ISolvencyGate.

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /// @param maxAge Largest accepted snapshot age in seconds.
    constructor(uint64 maxAge) {
        owner = msg.sender;
        maxSnapshotAge = maxAge;
        emit OwnershipTransferred(address(0), msg.sender);
        emit MaxSnapshotAgeSet(maxAge);
    }

    /// The key of a circuit shape: keccak256 of its eight numbers as 32-bit big-endian integers,
    /// in `CircuitShape`'s order.
    function shapeKey(CircuitShape calldata shape) public pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                shape.assets,
                shape.tiers,
                shape.instruments,
                shape.scenarios,
                shape.limits,
                shape.sources,
                shape.statementSlots,
                shape.statementItems
            )
        );
    }

    /// The id of a policy commitment: keccak256 of its words.
    function policyId(uint256[] calldata commitment) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(commitment));
    }

    /// Registers (or re-registers) a policy by its commitment, with its window and circuit
    /// shape; returns its id.
    function acceptPolicy(
        uint256[] calldata commitment,
        uint64 effectiveAt,
        uint64 expiresAt,
        CircuitShape calldata shape
    ) external onlyOwner returns (bytes32 id) {
        if (effectiveAt == 0 || effectiveAt >= expiresAt) revert BadWindow(effectiveAt, expiresAt);
        if (commitment.length == 0 || commitment.length % 2 != 0) revert BadCommitment(commitment.length);
        id = policyId(commitment);
        bytes32 key = shapeKey(shape);
        policies[id] = Policy(effectiveAt, expiresAt, key, commitment);
        emit PolicyAccepted(id, key, effectiveAt, expiresAt);
    }

    /// Withdraws a policy: its attestations stop counting at once.
    function revokePolicy(bytes32 id) external onlyOwner {
        delete policies[id];
        emit PolicyRevoked(id);
    }

    /// The registered window, shape and commitment of a policy.
    function policy(bytes32 id)
        external
        view
        returns (uint64 effectiveAt, uint64 expiresAt, bytes32 shape, uint256[] memory commitment)
    {
        Policy storage p = policies[id];
        return (p.effectiveAt, p.expiresAt, p.shape, p.commitment);
    }

    /// Sets the verifier contract for a circuit shape (the zero address removes it), recording
    /// its SRS identity.
    function setVerifier(CircuitShape calldata shape, address verifier) external onlyOwner {
        _setVerifier(shapeKey(shape), verifier);
    }

    /// Deploys a verifier from its creation code (`SolventVerifier.bin` of `solvent
    /// export-verifier`) and sets it for a circuit shape; returns its address.
    function deployVerifier(CircuitShape calldata shape, bytes calldata creationCode)
        external
        onlyOwner
        returns (address verifier)
    {
        bytes memory code = creationCode;
        assembly ("memory-safe") {
            verifier := create(0, add(code, 0x20), mload(code))
        }
        if (verifier == address(0)) revert NotAVerifier(verifier);
        _setVerifier(shapeKey(shape), verifier);
    }

    /// Records `verifier` for `shape` with the SRS its `srsIdentity()` names (a call of exactly
    /// 4 bytes, which no proof is).
    function _setVerifier(bytes32 shape, address verifier) internal {
        VerifierSrs memory srs;
        if (verifier != address(0)) {
            (bool answered, bytes memory answer) = verifier.staticcall(abi.encodeWithSignature("srsIdentity()"));
            if (!answered || answer.length != 64) revert NotAVerifier(verifier);
            (srs.identity, srs.insecure) = abi.decode(answer, (bytes32, bool));
        }
        verifiers[shape] = verifier;
        verifierSrs[shape] = srs;
        emit VerifierSet(shape, verifier, srs.identity, srs.insecure);
    }

    /// Sets the largest accepted snapshot age in seconds.
    function setMaxSnapshotAge(uint64 maxAge) external onlyOwner {
        maxSnapshotAge = maxAge;
        emit MaxSnapshotAgeSet(maxAge);
    }

    /// Hands the registry to another owner.
    function transferOwnership(address newOwner) external onlyOwner {
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    /// Checks an attestation made by `account` (which must be the caller) and records it.
    /// @param id The registered policy's id.
    /// @param commitment Public input 1: the portfolio commitment.
    /// @param account Public input 2: the account the attestation is bound to.
    /// @param snapshotTime Public input 3: the snapshot's unix time.
    /// @param proof The proof bytes of the attestation file.
    function attest(bytes32 id, uint256 commitment, address account, uint64 snapshotTime, bytes calldata proof)
        external
    {
        if (account != msg.sender) revert NotTheAccount(account, msg.sender);
        if (commitment >= SCALAR_MODULUS) revert NotAFieldElement(commitment);
        Policy storage p = policies[id];
        uint64 expiresAt = p.expiresAt;
        uint64 effectiveAt = p.effectiveAt;
        if (expiresAt == 0) revert UnknownPolicy(id);
        if (block.timestamp >= expiresAt) revert PolicyExpired(id, expiresAt);
        if (snapshotTime < effectiveAt || snapshotTime >= expiresAt) {
            revert SnapshotOutsideWindow(snapshotTime, effectiveAt, expiresAt);
        }
        if (snapshotTime > block.timestamp) revert SnapshotInFuture(snapshotTime);
        if (block.timestamp - snapshotTime > maxSnapshotAge) revert SnapshotTooOld(snapshotTime, maxSnapshotAge);
        address verifier = verifiers[p.shape];
        // A call to an address without code succeeds: only a deployed contract can verify.
        if (verifier.code.length == 0) revert NoVerifier(p.shape);

        (bool verified,) = verifier.staticcall(
            abi.encodePacked(p.commitment, commitment, uint256(uint160(msg.sender)), uint256(snapshotTime), proof)
        );
        if (!verified) revert ProofRejected();

        records[msg.sender][id] = Record(commitment, snapshotTime);
        emit Attested(msg.sender, id, commitment, snapshotTime);
    }

    /// Whether `account` holds an attestation under policy `id` that counts now: the policy is
    /// still registered and not expired, and the attested snapshot is at most `maxSnapshotAge` old.
    function isAttested(address account, bytes32 id) external view returns (bool) {
        Record memory record = records[account][id];
        if (record.snapshotTime == 0) return false;
        Policy storage p = policies[id];
        if (p.expiresAt == 0 || block.timestamp >= p.expiresAt) return false;
        if (record.snapshotTime < p.effectiveAt) return false;
        return block.timestamp - record.snapshotTime <= maxSnapshotAge;
    }
}
