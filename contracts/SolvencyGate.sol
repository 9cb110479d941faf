// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.19;

/// @title SolvencyGate
/// @notice Accepts solvent attestations (zero-knowledge proofs that an account's portfolio meets a
/// policy's margin and collateral thresholds) and records them for lending protocols to query.
///
/// The owner registers the policies it accepts (by Poseidon policy hash, with the policy's
/// `[effectiveAt, expiresAt)` window and circuit shape) and, per circuit shape, the address of the
/// verifier contract that `solvent export-verifier` generated for it. An account then calls
/// `attest` with its attestation's public inputs and proof; a protocol calls `isAttested`.
///
/// The verifier contract takes the four public inputs (policy hash, portfolio commitment, account,
/// snapshot time: 32-byte big-endian words, in that order) followed by the proof, and reverts unless
/// the proof verifies. The gate builds the account input from `msg.sender`, so a proof copied from
/// another account's transaction is useless.
///
/// The owner must only register hashes of policies that `solvent policy-hash` accepts: the circuit's
/// range arguments rely on the policy's values being validated.
contract SolvencyGate {
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
    /// Registered policies by policy hash; `expiresAt == 0` means not registered.
    mapping(uint256 => Policy) public policies;
    /// Verifier contract per circuit shape key.
    mapping(bytes32 => address) public verifiers;
    /// Latest attestation per account and policy hash; `snapshotTime == 0` means none.
    mapping(address => mapping(uint256 => Record)) public records;

    /// A policy was registered or its window changed.
    event PolicyAccepted(uint256 indexed policyHash, bytes32 shape, uint64 effectiveAt, uint64 expiresAt);
    /// A policy was withdrawn.
    event PolicyRevoked(uint256 indexed policyHash);
    /// The verifier for a circuit shape was set.
    event VerifierSet(bytes32 indexed shape, address verifier);
    /// The largest accepted snapshot age was set.
    event MaxSnapshotAgeSet(uint64 maxSnapshotAge);
    /// Ownership moved.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    /// An account proved that its portfolio meets a policy.
    event Attested(address indexed account, uint256 indexed policyHash, uint256 commitment, uint64 snapshotTime);

    /// The caller is not the owner.
    error NotOwner(address caller);
    /// The window is empty or starts at time zero.
    error BadWindow(uint64 effectiveAt, uint64 expiresAt);
    /// The policy hash is not registered.
    error UnknownPolicy(uint256 policyHash);
    /// The policy's window has ended.
    error PolicyExpired(uint256 policyHash, uint64 expiresAt);
    /// The snapshot time lies outside the policy's window.
    error SnapshotOutsideWindow(uint64 snapshotTime, uint64 effectiveAt, uint64 expiresAt);
    /// The snapshot time lies in the future.
    error SnapshotInFuture(uint64 snapshotTime);
    /// The snapshot is older than `maxSnapshotAge`.
    error SnapshotTooOld(uint64 snapshotTime, uint64 maxSnapshotAge);
    /// The attestation is bound to another account than the caller.
    error NotTheAccount(address account, address caller);
    /// No verifier contract is set for the policy's circuit shape.
    error NoVerifier(bytes32 shape);
    /// A public input is not a canonical field element (its value plus the modulus would hash
    /// differently but prove the same statement).
    error NotAFieldElement(uint256 value);
    /// The verifier rejected the proof.
    error ProofRejected();

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

    /// The key of a circuit shape: keccak256 of the four counts as 32-bit big-endian integers.
    function shapeKey(uint32 assets, uint32 tiers, uint32 instruments, uint32 scenarios) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(assets, tiers, instruments, scenarios));
    }

    /// Registers (or re-registers) a policy hash with its window and circuit shape.
    function acceptPolicy(
        uint256 policyHash,
        uint64 effectiveAt,
        uint64 expiresAt,
        uint32 assets,
        uint32 tiers,
        uint32 instruments,
        uint32 scenarios
    ) external onlyOwner {
        if (effectiveAt == 0 || effectiveAt >= expiresAt) revert BadWindow(effectiveAt, expiresAt);
        bytes32 shape = shapeKey(assets, tiers, instruments, scenarios);
        policies[policyHash] = Policy(effectiveAt, expiresAt, shape);
        emit PolicyAccepted(policyHash, shape, effectiveAt, expiresAt);
    }

    /// Withdraws a policy: its attestations stop counting at once.
    function revokePolicy(uint256 policyHash) external onlyOwner {
        delete policies[policyHash];
        emit PolicyRevoked(policyHash);
    }

    /// Sets the verifier contract for a circuit shape (the zero address removes it).
    function setVerifier(uint32 assets, uint32 tiers, uint32 instruments, uint32 scenarios, address verifier)
        external
        onlyOwner
    {
        bytes32 shape = shapeKey(assets, tiers, instruments, scenarios);
        verifiers[shape] = verifier;
        emit VerifierSet(shape, verifier);
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
    /// @param policyHash Public input 1: the policy's Poseidon hash.
    /// @param commitment Public input 2: the portfolio commitment.
    /// @param account Public input 3: the account the attestation is bound to.
    /// @param snapshotTime Public input 4: the snapshot's unix time.
    /// @param proof The proof bytes of the attestation file.
    function attest(uint256 policyHash, uint256 commitment, address account, uint64 snapshotTime, bytes calldata proof)
        external
    {
        if (account != msg.sender) revert NotTheAccount(account, msg.sender);
        if (policyHash >= SCALAR_MODULUS) revert NotAFieldElement(policyHash);
        if (commitment >= SCALAR_MODULUS) revert NotAFieldElement(commitment);
        Policy memory policy = policies[policyHash];
        if (policy.expiresAt == 0) revert UnknownPolicy(policyHash);
        if (block.timestamp >= policy.expiresAt) revert PolicyExpired(policyHash, policy.expiresAt);
        if (snapshotTime < policy.effectiveAt || snapshotTime >= policy.expiresAt) {
            revert SnapshotOutsideWindow(snapshotTime, policy.effectiveAt, policy.expiresAt);
        }
        if (snapshotTime > block.timestamp) revert SnapshotInFuture(snapshotTime);
        if (block.timestamp - snapshotTime > maxSnapshotAge) revert SnapshotTooOld(snapshotTime, maxSnapshotAge);
        address verifier = verifiers[policy.shape];
        // A call to an address without code succeeds: only a deployed contract can verify.
        if (verifier.code.length == 0) revert NoVerifier(policy.shape);

        (bool verified,) = verifier.staticcall(
            abi.encodePacked(policyHash, commitment, uint256(uint160(msg.sender)), uint256(snapshotTime), proof)
        );
        if (!verified) revert ProofRejected();

        records[msg.sender][policyHash] = Record(commitment, snapshotTime);
        emit Attested(msg.sender, policyHash, commitment, snapshotTime);
    }

    /// Whether `account` holds an attestation under `policyHash` that counts now: the policy is
    /// still registered and not expired, and the attested snapshot is at most `maxSnapshotAge` old.
    function isAttested(address account, uint256 policyHash) external view returns (bool) {
        Record memory record = records[account][policyHash];
        if (record.snapshotTime == 0) return false;
        Policy memory policy = policies[policyHash];
        if (policy.expiresAt == 0 || block.timestamp >= policy.expiresAt) return false;
        if (record.snapshotTime < policy.effectiveAt) return false;
        return block.timestamp - record.snapshotTime <= maxSnapshotAge;
    }
}
