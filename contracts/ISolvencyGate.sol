// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title ISolvencyGate
/// @notice The interface of SolvencyGate (contracts/SolvencyGate.sol): what a lending protocol
/// calls before granting leverage (`isAttested`), what accounts call (`attest`), and the owner's
/// registry. SolvencyGate implements it and takes its events and errors from it; a test checks
/// that SolvencyGate's ABI is exactly this one's.
interface ISolvencyGate {
    /// A circuit shape: the numbers its verifier is chosen by (`solvent_statement::Shape`).
    struct CircuitShape {
        /// Assets.
        uint32 assets;
        /// Haircut tiers per asset.
        uint32 tiers;
        /// Instruments.
        uint32 instruments;
        /// Scenarios.
        uint32 scenarios;
        /// 0 for the circuit of risk model v1, else 1 + the number of underlyings of the circuit
        /// with the limits of risk model v2.
        uint32 limits;
        /// Sources of signed holdings (0 without signed holdings).
        uint32 sources;
        /// Statement slots (0 without signed holdings).
        uint32 statementSlots;
        /// Item slots per statement (0 without signed holdings).
        uint32 statementItems;
    }

    /// A policy was registered or its window changed.
    event PolicyAccepted(bytes32 indexed policyId, bytes32 shape, uint64 effectiveAt, uint64 expiresAt);
    /// A policy was withdrawn.
    event PolicyRevoked(bytes32 indexed policyId);
    /// The verifier for a circuit shape was set, with the SRS its key was derived from.
    event VerifierSet(bytes32 indexed shape, address verifier, bytes32 srsIdentity, bool insecure);
    /// The largest accepted snapshot age changed.
    event MaxSnapshotAgeSet(uint64 maxSnapshotAge);
    /// The registry changed hands.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    /// An account attested under a policy.
    event Attested(address indexed account, bytes32 indexed policyId, uint256 commitment, uint64 snapshotTime);

    /// Only the owner may change the registry.
    error NotOwner(address caller);
    /// A window must satisfy 0 < effectiveAt < expiresAt.
    error BadWindow(uint64 effectiveAt, uint64 expiresAt);
    /// A commitment is one point (x, y) per public column, at least one.
    error BadCommitment(uint256 words);
    /// No policy is registered under this id.
    error UnknownPolicy(bytes32 policyId);
    /// The policy expired.
    error PolicyExpired(bytes32 policyId, uint64 expiresAt);
    /// The snapshot lies outside the policy's window.
    error SnapshotOutsideWindow(uint64 snapshotTime, uint64 effectiveAt, uint64 expiresAt);
    /// The snapshot is later than the block time.
    error SnapshotInFuture(uint64 snapshotTime);
    /// The snapshot is older than the largest accepted age.
    error SnapshotTooOld(uint64 snapshotTime, uint64 maxSnapshotAge);
    /// Only the account an attestation is bound to may submit it.
    error NotTheAccount(address account, address caller);
    /// No verifier contract is set for the policy's circuit shape.
    error NoVerifier(bytes32 shape);
    /// A public input is not a canonical field element.
    error NotAFieldElement(uint256 value);
    /// The address is not a SolventVerifier, or its creation failed.
    error NotAVerifier(address verifier);
    /// The verifier rejected the proof.
    error ProofRejected();

    /// The address allowed to change the registry.
    function owner() external view returns (address);
    /// Largest accepted age of a snapshot, in seconds, at `attest` and at `isAttested`.
    function maxSnapshotAge() external view returns (uint64);
    /// The verifier contract of a circuit shape key.
    function verifiers(bytes32 shape) external view returns (address);
    /// The SRS of a shape's verifier: its identity, and whether it is the INSECURE development SRS.
    function verifierSrs(bytes32 shape) external view returns (bytes32 identity, bool insecure);
    /// The latest attestation of an account under a policy (snapshotTime 0: none).
    function records(address account, bytes32 policyId) external view returns (uint256 commitment, uint64 snapshotTime);
    /// The key of a circuit shape.
    function shapeKey(CircuitShape calldata shape) external pure returns (bytes32);
    /// The id of a policy commitment.
    function policyId(uint256[] calldata commitment) external pure returns (bytes32);
    /// The registered window, shape and commitment of a policy.
    function policy(bytes32 id)
        external
        view
        returns (uint64 effectiveAt, uint64 expiresAt, bytes32 shape, uint256[] memory commitment);
    /// Registers (or re-registers) a policy by its commitment; returns its id.
    function acceptPolicy(
        uint256[] calldata commitment,
        uint64 effectiveAt,
        uint64 expiresAt,
        CircuitShape calldata shape
    ) external returns (bytes32 id);
    /// Withdraws a policy.
    function revokePolicy(bytes32 id) external;
    /// Sets the verifier contract for a circuit shape, recording its SRS identity.
    function setVerifier(CircuitShape calldata shape, address verifier) external;
    /// Deploys a verifier from its creation code and sets it for a circuit shape.
    function deployVerifier(CircuitShape calldata shape, bytes calldata creationCode) external returns (address verifier);
    /// Sets the largest accepted snapshot age in seconds.
    function setMaxSnapshotAge(uint64 maxAge) external;
    /// Hands the registry to another owner.
    function transferOwnership(address newOwner) external;
    /// Checks an attestation made by `account` (the caller) and records it.
    function attest(bytes32 id, uint256 commitment, address account, uint64 snapshotTime, bytes calldata proof) external;
    /// Whether `account` holds an attestation under policy `id` that counts now.
    function isAttested(address account, bytes32 id) external view returns (bool);
}
