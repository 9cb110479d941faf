// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.19;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ISolvencyGate} from "./ISolvencyGate.sol";

/// @title SolventCreditLine
/// @notice A reference lending integration (docs/design.md section 7): a pool of one ERC-20
/// asset whose borrowers may owe up to their posted collateral plus an unsecured credit line, the
/// credit line only while `gate.isAttested(borrower, policyId)` holds. When the attestation lapses
/// (its snapshot grows older than the gate's largest age, the policy expires or is revoked) new
/// borrowing stops at the collateral, and anyone may flag a borrower whose debt exceeds its
/// collateral; a flagged borrower may neither borrow nor withdraw until its debt is back within
/// its collateral. No interest and no liquidation: what a protocol adds on top is its own.
contract SolventCreditLine {
    using SafeERC20 for IERC20;

    /// The pool's asset (lent, borrowed and posted as collateral).
    IERC20 public immutable asset;
    /// The registry of attestations.
    ISolvencyGate public immutable gate;
    /// The policy whose attestations extend credit.
    bytes32 public immutable policyId;
    /// The unsecured credit an attested borrower may owe beyond its collateral.
    uint256 public immutable creditLimit;

    /// Collateral posted per borrower.
    mapping(address => uint256) public collateral;
    /// Debt per borrower.
    mapping(address => uint256) public debt;
    /// Borrowers whose attestation lapsed while they owed more than their collateral.
    mapping(address => bool) public flagged;

    /// A lender added liquidity.
    event Supplied(address indexed lender, uint256 amount);
    /// A borrower posted collateral.
    event Deposited(address indexed borrower, uint256 amount);
    /// A borrower took collateral back.
    event Withdrawn(address indexed borrower, uint256 amount);
    /// A borrower borrowed; `unsecured` when its debt now exceeds its collateral.
    event Borrowed(address indexed borrower, uint256 amount, bool unsecured);
    /// A borrower repaid.
    event Repaid(address indexed borrower, uint256 amount);
    /// A borrower's attestation lapsed while it owed more than its collateral.
    event Flagged(address indexed borrower, uint256 debt, uint256 collateral);
    /// A flagged borrower's debt is within its collateral again.
    event Unflagged(address indexed borrower);

    /// The debt would exceed the borrower's limit (its collateral, plus the credit line while
    /// attested).
    error OverLimit(uint256 debt, uint256 limit);
    /// The borrower is flagged.
    error BorrowerFlagged(address borrower);
    /// The borrower is attested, already flagged, or owes no more than its collateral.
    error NotFlaggable(address borrower);
    /// More than the borrower's debt or collateral.
    error TooMuch(uint256 amount, uint256 available);

    constructor(IERC20 asset_, ISolvencyGate gate_, bytes32 policyId_, uint256 creditLimit_) {
        asset = asset_;
        gate = gate_;
        policyId = policyId_;
        creditLimit = creditLimit_;
    }

    /// The most `borrower` may owe now: its collateral, plus the credit line while attested.
    function borrowLimit(address borrower) public view returns (uint256) {
        uint256 limit = collateral[borrower];
        if (gate.isAttested(borrower, policyId)) limit += creditLimit;
        return limit;
    }

    /// Adds liquidity (the caller's tokens, approved to this contract).
    function supply(uint256 amount) external {
        asset.safeTransferFrom(msg.sender, address(this), amount);
        emit Supplied(msg.sender, amount);
    }

    /// Posts collateral.
    function deposit(uint256 amount) external {
        collateral[msg.sender] += amount;
        asset.safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(msg.sender, amount);
    }

    /// Takes collateral back, keeping the debt within the limit.
    function withdraw(uint256 amount) external {
        if (flagged[msg.sender]) revert BorrowerFlagged(msg.sender);
        uint256 posted = collateral[msg.sender];
        if (amount > posted) revert TooMuch(amount, posted);
        collateral[msg.sender] = posted - amount;
        uint256 limit = borrowLimit(msg.sender);
        if (debt[msg.sender] > limit) revert OverLimit(debt[msg.sender], limit);
        asset.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    /// Borrows `amount`, within the limit.
    function borrow(uint256 amount) external {
        if (flagged[msg.sender]) revert BorrowerFlagged(msg.sender);
        uint256 owed = debt[msg.sender] + amount;
        uint256 limit = borrowLimit(msg.sender);
        if (owed > limit) revert OverLimit(owed, limit);
        debt[msg.sender] = owed;
        asset.safeTransfer(msg.sender, amount);
        emit Borrowed(msg.sender, amount, owed > collateral[msg.sender]);
    }

    /// Repays `amount` of the caller's debt; a flagged borrower back within its collateral is
    /// unflagged.
    function repay(uint256 amount) external {
        uint256 owed = debt[msg.sender];
        if (amount > owed) revert TooMuch(amount, owed);
        debt[msg.sender] = owed - amount;
        asset.safeTransferFrom(msg.sender, address(this), amount);
        emit Repaid(msg.sender, amount);
        if (flagged[msg.sender] && owed - amount <= collateral[msg.sender]) {
            flagged[msg.sender] = false;
            emit Unflagged(msg.sender);
        }
    }

    /// Flags a borrower (anyone may call it) whose attestation no longer counts while it owes
    /// more than its collateral.
    function flag(address borrower) external {
        if (flagged[borrower] || debt[borrower] <= collateral[borrower] || gate.isAttested(borrower, policyId)) {
            revert NotFlaggable(borrower);
        }
        flagged[borrower] = true;
        emit Flagged(borrower, debt[borrower], collateral[borrower]);
    }
}
