// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

// StaFi interfaces the router uses (stafiprotocol/eth2-staking), written from the published functions
// and events; see ../shared/spec/stafi-router-reference.md §4.

interface IStafiStorage {
    function getAddress(bytes32 _key) external view returns (address);
}

interface IStafiSuperNode {
    event EtherDeposited(address indexed from, uint256 amount, uint256 time);
    event Deposited(address node, bytes pubkey, bytes validatorSignature, uint256 amount);
    event Staked(address node, bytes pubkey);
    event SetPubkeyStatus(bytes pubkey, uint256 status);

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
    function getSuperNodePubkeyStatus(bytes calldata _validatorPubkey) external view returns (uint256);
    function getSuperNodePubkeyCount(address _nodeAddress) external view returns (uint256);
    function getSuperNodeDepositEnabled() external view returns (bool);
}

interface IStafiUserDeposit {
    function getBalance() external view returns (uint256);
}

interface IStafiNetworkSettings {
    function getSuperNodePubkeyLimit() external view returns (uint256);
    function getWithdrawalCredentials() external view returns (bytes memory);
}

interface IStafiWithdraw {
    function ejectedStartCycle() external view returns (uint256);
    function currentWithdrawCycle() external view returns (uint256);
    function getEjectedValidatorsAtCycle(uint256 cycle) external view returns (uint256[] memory);
}
