// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.19;

import {IGovernor, Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorVotes, IVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {
    GovernorTimelockControl,
    TimelockController
} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";

/// @title SolventRiskGovernor
/// @notice Token-weighted governance of a SolvencyGate's risk policies (docs/design.md section 7):
/// OpenZeppelin's Governor with its TimelockController, which owns the gate. A proposal whose
/// description ends with `LOOSENS` declares that it loosens risk (`solvent policy diff old.json
/// new.json` says whether it does): it succeeds only with at least two thirds of the votes cast
/// for it, and it executes only `looseningDelay` seconds after it was queued (longer than the
/// timelock's own delay). Any other proposal passes by a simple majority. The declaration is the
/// proposer's; the voters check it (a loosening proposal without it is to be voted down): the
/// gate registers commitments, not policy values, so the contract cannot classify a change itself.
contract SolventRiskGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    /// The description's ending that declares a loosening proposal.
    string public constant LOOSENS = "[solvent:loosens]";

    /// How long after queueing a loosening proposal may execute, in seconds.
    uint256 public immutable looseningDelay;

    /// Whether a proposal declared that it loosens risk.
    mapping(uint256 => bool) public loosens;

    /// When each proposal was queued.
    mapping(uint256 => uint256) public queuedAt;

    /// A loosening proposal executed before its delay ran out.
    error LooseningDelay(uint256 proposalId, uint256 readyAt);

    constructor(
        IVotes token,
        TimelockController timelock,
        uint256 votingDelaySeconds,
        uint256 votingPeriodSeconds,
        uint256 quorumPercent,
        uint256 looseningDelaySeconds
    )
        Governor("SolventRiskGovernor")
        GovernorSettings(votingDelaySeconds, votingPeriodSeconds, 0)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(quorumPercent)
        GovernorTimelockControl(timelock)
    {
        looseningDelay = looseningDelaySeconds;
    }

    /// Whether `description` ends with `LOOSENS`.
    function declaresLoosening(string memory description) public pure returns (bool) {
        bytes memory text = bytes(description);
        bytes memory marker = bytes(LOOSENS);
        if (text.length < marker.length) return false;
        uint256 offset = text.length - marker.length;
        for (uint256 i = 0; i < marker.length; i++) {
            if (text[offset + i] != marker[i]) return false;
        }
        return true;
    }

    /// Proposes, recording whether the proposal declares that it loosens risk.
    function propose(address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description)
        public
        override(Governor, IGovernor)
        returns (uint256 proposalId)
    {
        proposalId = super.propose(targets, values, calldatas, description);
        loosens[proposalId] = declaresLoosening(description);
    }

    /// A loosening proposal needs two thirds of the votes cast for it; any other a majority.
    function _voteSucceeded(uint256 proposalId) internal view override(Governor, GovernorCountingSimple) returns (bool) {
        (uint256 against, uint256 support,) = proposalVotes(proposalId);
        if (loosens[proposalId]) return support > 0 && support * 3 >= (support + against) * 2;
        return support > against;
    }

    /// Queues a succeeded proposal in the timelock, recording when.
    function queue(address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash)
        public
        override
        returns (uint256 proposalId)
    {
        proposalId = super.queue(targets, values, calldatas, descriptionHash);
        queuedAt[proposalId] = block.timestamp;
    }

    /// Executes through the timelock; a loosening proposal only `looseningDelay` after queueing.
    function _execute(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        if (loosens[proposalId]) {
            uint256 readyAt = queuedAt[proposalId] + looseningDelay;
            if (block.timestamp < readyAt) revert LooseningDelay(proposalId, readyAt);
        }
        super._execute(proposalId, targets, values, calldatas, descriptionHash);
    }

    // The overrides Solidity requires of the bases' shared functions.

    /// See GovernorSettings.
    function votingDelay() public view override(IGovernor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    /// See GovernorSettings.
    function votingPeriod() public view override(IGovernor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    /// See GovernorVotesQuorumFraction.
    function quorum(uint256 timepoint) public view override(IGovernor, GovernorVotesQuorumFraction) returns (uint256) {
        return super.quorum(timepoint);
    }

    /// See GovernorTimelockControl.
    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    /// See GovernorSettings.
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    /// See GovernorTimelockControl.
    function _cancel(address[] memory targets, uint256[] memory values, bytes[] memory calldatas, bytes32 descriptionHash)
        internal
        override(Governor, GovernorTimelockControl)
        returns (uint256)
    {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    /// See GovernorTimelockControl.
    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }

    /// See GovernorTimelockControl.
    function supportsInterface(bytes4 interfaceId) public view override(Governor, GovernorTimelockControl) returns (bool) {
        return super.supportsInterface(interfaceId);
    }
}
