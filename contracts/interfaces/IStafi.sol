// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

// The public interfaces of StaFi's rETH contracts, transcribed function by function and event by
// event from stafiprotocol/eth2-staking@68a6fb7 (Solidity 0.7.6): contracts/storage/StafiStorage.sol,
// contracts/node/StafiSuperNode.sol, contracts/deposit/StafiUserDeposit.sol,
// contracts/settings/StafiNetworkSettings.sol, contracts/node/StafiNodeManager.sol and
// contracts/withdraw/StafiWithdraw.sol. StaFi publishes no JSON ABI, so abi/Stafi*.json is compiled
// from these declarations (contracts/build.js); names, types, mutability and indexed flags are the
// real ones, which is all that selectors, topics and decoding depend on. `version()` is StafiBase's
// `uint8 public version`; constant and state getters are the real public variables.

interface IStafiStorage {
    function getAddress(bytes32 _key) external view returns (address);
    function getUint(bytes32 _key) external view returns (uint256);
    function getString(bytes32 _key) external view returns (string memory);
    function getBytes(bytes32 _key) external view returns (bytes memory);
    function getBool(bytes32 _key) external view returns (bool);
    function getInt(bytes32 _key) external view returns (int256);
    function getBytes32(bytes32 _key) external view returns (bytes32);

    function setAddress(bytes32 _key, address _value) external;
    function setUint(bytes32 _key, uint256 _value) external;
    function setString(bytes32 _key, string calldata _value) external;
    function setBytes(bytes32 _key, bytes calldata _value) external;
    function setBool(bytes32 _key, bool _value) external;
    function setInt(bytes32 _key, int256 _value) external;
    function setBytes32(bytes32 _key, bytes32 _value) external;

    function deleteAddress(bytes32 _key) external;
    function deleteUint(bytes32 _key) external;
    function deleteString(bytes32 _key) external;
    function deleteBytes(bytes32 _key) external;
    function deleteBool(bytes32 _key) external;
    function deleteInt(bytes32 _key) external;
    function deleteBytes32(bytes32 _key) external;
}

interface IStafiSuperNode {
    event EtherDeposited(address indexed from, uint256 amount, uint256 time);
    event Staked(address node, bytes pubkey);
    event Deposited(address node, bytes pubkey, bytes validatorSignature);
    event SetPubkeyStatus(bytes pubkey, uint256 status);

    function version() external view returns (uint8);
    function PUBKEY_STATUS_UNINITIAL() external view returns (uint256);
    function PUBKEY_STATUS_INITIAL() external view returns (uint256);
    function PUBKEY_STATUS_MATCH() external view returns (uint256);
    function PUBKEY_STATUS_STAKING() external view returns (uint256);
    function PUBKEY_STATUS_UNMATCH() external view returns (uint256);

    function depositEth() external payable;
    function PubkeySetStorage() external view returns (address);
    function getSuperNodePubkeyCount(address _nodeAddress) external view returns (uint256);
    function getSuperNodePubkeyAt(address _nodeAddress, uint256 _index) external view returns (bytes memory);
    function getSuperNodePubkeyStatus(bytes calldata _validatorPubkey) external view returns (uint256);
    function setSuperNodePubkeyStatus(bytes calldata _validatorPubkey, uint256 _status) external;
    function getSuperNodeDepositEnabled() external view returns (bool);
    function getPubkeyVoted(bytes calldata _validatorPubkey, address user) external view returns (bool);
    function setSuperNodeDepositEnabled(bool _value) external;
    function deposit(
        bytes[] calldata _validatorPubkeys,
        bytes[] calldata _validatorSignatures,
        bytes32[] calldata _depositDataRoots
    ) external;
    function stake(
        bytes[] calldata _validatorPubkeys,
        bytes[] calldata _validatorSignatures,
        bytes32[] calldata _depositDataRoots
    ) external;
    function voteWithdrawCredentials(bytes[] calldata _pubkeys, bool[] calldata _matchs) external;
}

interface IStafiUserDeposit {
    event DepositReceived(address indexed from, uint256 amount, uint256 time);
    event DepositRecycled(address indexed from, uint256 amount, uint256 time);
    event DepositAssigned(address indexed stakingPool, uint256 amount, uint256 time);
    event ExcessWithdrawn(address indexed to, uint256 amount, uint256 time);

    function version() external view returns (uint8);
    function getBalance() external view returns (uint256);
    function getExcessBalance() external view returns (uint256);
    function receiveEtherWithdrawal() external payable;
    function deposit() external payable;
    function recycleDissolvedDeposit() external payable;
    function recycleWithdrawDeposit() external payable;
    function recycleDistributorDeposit() external payable;
    function assignDeposits() external;
    function withdrawExcessBalance(uint256 _amount) external;
    function withdrawExcessBalanceForSuperNode(uint256 _amount) external;
    function withdrawExcessBalanceForLightNode(uint256 _amount) external;
    function withdrawExcessBalanceForWithdraw(uint256 _amount) external;
    function getDepositEnabled() external view returns (bool);
    function setDepositEnabled(bool _value) external;
    function getAssignDepositsEnabled() external view returns (bool);
    function setAssignDepositsEnabled(bool _value) external;
    function getMinimumDeposit() external view returns (uint256);
    function setMinimumDeposit(uint256 _value) external;
    function getMaximumDepositAssignments() external view returns (uint256);
    function setMaximumDepositAssignments(uint256 _value) external;
}

interface IStafiNetworkSettings {
    function version() external view returns (uint8);
    function getNodeConsensusThreshold() external view returns (uint256);
    function setNodeConsensusThreshold(uint256 _value) external;
    function getSubmitBalancesEnabled() external view returns (bool);
    function setSubmitBalancesEnabled(bool _value) external;
    function getProcessWithdrawalsEnabled() external view returns (bool);
    function setProcessWithdrawalsEnabled(bool _value) external;
    function getNodeFee() external view returns (uint256);
    function setNodeFee(uint256 _value) external;
    function getPlatformFee() external view returns (uint256);
    function setPlatformFee(uint256 _value) external;
    function getNodeRefundRatio() external view returns (uint256);
    function setNodeRefundRatio(uint256 _value) external;
    function getNodeTrustedRefundRatio() external view returns (uint256);
    function setNodeTrustedRefundRatio(uint256 _value) external;
    function getWithdrawalCredentials() external view returns (bytes memory);
    function setWithdrawalCredentials(bytes memory _value) external;
    function getSuperNodePubkeyLimit() external view returns (uint256);
    function setSuperNodePubkeyLimit(uint256 _value) external;
}

interface IStafiNodeManager {
    event NodeRegistered(address indexed node, uint256 time);
    event NodeTrustedSet(address indexed node, bool trusted, uint256 time);
    event NodeSuperSet(address indexed node, bool trusted, uint256 time);

    function version() external view returns (uint8);
    function getNodeCount() external view returns (uint256);
    function getNodeAt(uint256 _index) external view returns (address);
    function getTrustedNodeCount() external view returns (uint256);
    function getTrustedNodeAt(uint256 _index) external view returns (address);
    function getNodeExists(address _nodeAddress) external view returns (bool);
    function getNodeTrusted(address _nodeAddress) external view returns (bool);
    function getSuperNodeCount() external view returns (uint256);
    function getSuperNodeAt(uint256 _index) external view returns (address);
    function getSuperNodeExists(address _nodeAddress) external view returns (bool);
    function registerNode(address _nodeAddress) external;
    function setNodeTrusted(address _nodeAddress, bool _trusted) external;
    function setNodeSuper(address _nodeAddress, bool _super) external;
}

interface IStafiWithdraw {
    event EtherDeposited(address indexed from, uint256 amount, uint256 time);
    event Unstake(address indexed from, uint256 rethAmount, uint256 ethAmount, uint256 withdrawIndex, bool instantly);
    event Withdraw(address indexed from, uint256[] withdrawIndexList);
    event VoteProposal(bytes32 indexed proposalId, address voter);
    event ProposalExecuted(bytes32 indexed proposalId);
    event NotifyValidatorExit(uint256 withdrawCycle, uint256 ejectedStartWithdrawCycle, uint256[] ejectedValidators);

    function version() external view returns (uint8);
    function nextWithdrawIndex() external view returns (uint256);
    function maxClaimableWithdrawIndex() external view returns (uint256);
    function ejectedStartCycle() external view returns (uint256);
    function latestDistributeHeight() external view returns (uint256);
    function totalMissingAmountForWithdraw() external view returns (uint256);
    function withdrawLimitPerCycle() external view returns (uint256);
    function userWithdrawLimitPerCycle() external view returns (uint256);
    function withdrawalAtIndex(uint256) external view returns (address _address, uint256 _amount);
    function totalWithdrawAmountAtCycle(uint256) external view returns (uint256);
    function userWithdrawAmountAtCycle(address, uint256) external view returns (uint256);
    function ejectedValidatorsAtCycle(uint256, uint256) external view returns (uint256);

    function initialize(address _stafiStorageAddress, uint256 _withdrawLimitPerCycle, uint256 _userWithdrawLimitPerCycle)
        external;
    function depositEth() external payable;
    function getUnclaimedWithdrawalsOfUser(address user) external view returns (uint256[] memory);
    function getEjectedValidatorsAtCycle(uint256 cycle) external view returns (uint256[] memory);
    function currentWithdrawCycle() external view returns (uint256);
    function setWithdrawLimitPerCycle(uint256 _withdrawLimitPerCycle) external;
    function setUserWithdrawLimitPerCycle(uint256 _userWithdrawLimitPerCycle) external;
    function unstake(uint256 _rEthAmount) external;
    function withdraw(uint256[] calldata _withdrawIndexList) external;
    function distributeWithdrawals(
        uint256 _dealedHeight,
        uint256 _userAmount,
        uint256 _nodeAmount,
        uint256 _platformAmount,
        uint256 _maxClaimableWithdrawIndex
    ) external;
    function reserveEthForWithdraw(uint256 _withdrawCycle) external;
    function notifyValidatorExit(
        uint256 _withdrawCycle,
        uint256 _ejectedStartCycle,
        uint256[] calldata _validatorIndexList
    ) external;
}

// Contracts the doubles need to talk to each other; the router never calls them, so they have no
// file in abi/.

interface IStafiEther {
    event EtherDeposited(bytes32 indexed by, uint256 amount, uint256 time);
    event EtherWithdrawn(bytes32 indexed by, uint256 amount, uint256 time);

    function balanceOf(address _contractAddress) external view returns (uint256);
    function depositEther() external payable;
    function withdrawEther(uint256 _amount) external;
}

interface IStafiEtherWithdrawer {
    function receiveEtherWithdrawal() external payable;
}

interface IRETHToken {
    function userMint(uint256 _ethAmount, address _to) external;
}
