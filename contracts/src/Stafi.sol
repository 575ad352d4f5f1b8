// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

import {
    IStafiStorage,
    IStafiSuperNode,
    IStafiUserDeposit,
    IStafiNetworkSettings,
    IStafiWithdraw
} from "../interfaces/IStafi.sol";
import {IDepositContract} from "../interfaces/IDepositContract.sol";

/// Address registry plus the trusted (oracle) node set. Keys are
/// keccak256(abi.encodePacked("contract.address", name)).
contract StafiStorage is IStafiStorage {
    address public immutable admin;
    mapping(bytes32 => address) private addresses;
    mapping(address => bool) public isTrustedNode;
    uint256 public trustedNodeCount;

    constructor() {
        admin = msg.sender;
    }

    modifier onlyAdmin() {
        require(msg.sender == admin, "StafiStorage: caller is not the admin");
        _;
    }

    function getAddress(bytes32 _key) external view override returns (address) {
        return addresses[_key];
    }

    function setAddress(bytes32 _key, address _value) external onlyAdmin {
        addresses[_key] = _value;
    }

    function setTrustedNode(address _node, bool _trusted) external onlyAdmin {
        if (isTrustedNode[_node] != _trusted) {
            isTrustedNode[_node] = _trusted;
            if (_trusted) {
                trustedNodeCount += 1;
            } else {
                trustedNodeCount -= 1;
            }
        }
    }
}

abstract contract StafiBase {
    StafiStorage internal immutable stafiStorage;

    constructor(StafiStorage _storage) {
        stafiStorage = _storage;
    }

    function contractAddress(string memory _name) internal view returns (address a) {
        a = stafiStorage.getAddress(keccak256(abi.encodePacked("contract.address", _name)));
        require(a != address(0), "Contract not found");
    }

    modifier onlyAdmin() {
        require(msg.sender == stafiStorage.admin(), "Account is not a super user");
        _;
    }
}

/// The user deposit pool: anyone may fund it; only the SuperNode contract may draw from it.
contract StafiUserDeposit is StafiBase, IStafiUserDeposit {
    event DepositReceived(address indexed from, uint256 amount, uint256 time);

    constructor(StafiStorage _storage) StafiBase(_storage) {}

    function deposit() external payable {
        emit DepositReceived(msg.sender, msg.value, block.timestamp);
    }

    function getBalance() external view override returns (uint256) {
        return address(this).balance;
    }

    function withdrawExcessBalanceForSuperNode(uint256 _amount) external {
        address superNode = contractAddress("stafiSuperNode");
        require(msg.sender == superNode, "Invalid or outdated contract");
        require(address(this).balance >= _amount, "Insufficient balance for withdrawal");
        StafiSuperNode(superNode).depositEth{value: _amount}();
    }
}

contract StafiNetworkSettings is StafiBase, IStafiNetworkSettings {
    uint256 private superNodePubkeyLimit = 50;
    uint256 public nodeConsensusThreshold = 0.5 ether;
    bytes private withdrawalCredentials;

    constructor(StafiStorage _storage, bytes memory _withdrawalCredentials) StafiBase(_storage) {
        withdrawalCredentials = _withdrawalCredentials;
    }

    function getSuperNodePubkeyLimit() external view override returns (uint256) {
        return superNodePubkeyLimit;
    }

    function setSuperNodePubkeyLimit(uint256 _value) external onlyAdmin {
        superNodePubkeyLimit = _value;
    }

    function getWithdrawalCredentials() external view override returns (bytes memory) {
        return withdrawalCredentials;
    }

    function setWithdrawalCredentials(bytes calldata _value) external onlyAdmin {
        withdrawalCredentials = _value;
    }
}

/// Super node flow: a 1 ETH pre-deposit per key from the pool (INITIAL), the trusted nodes vote the
/// withdrawal credentials (MATCH/UNMATCH), then a 31 ETH stake per MATCH key (STAKING).
contract StafiSuperNode is StafiBase, IStafiSuperNode {
    uint256 public constant PUBKEY_STATUS_UNINITIAL = 0;
    uint256 public constant PUBKEY_STATUS_INITIAL = 1;
    uint256 public constant PUBKEY_STATUS_MATCH = 2;
    uint256 public constant PUBKEY_STATUS_STAKING = 3;
    uint256 public constant PUBKEY_STATUS_UNMATCH = 4;

    mapping(address => bool) public isSuperNode;
    mapping(bytes32 => uint256) private pubkeyStatus;
    mapping(address => uint256) private pubkeyCount;
    mapping(bytes32 => mapping(address => bool)) private memberVoted;
    mapping(bytes32 => mapping(bool => uint256)) private totalVotes;
    bool private depositEnabled = true;

    constructor(StafiStorage _storage) StafiBase(_storage) {}

    modifier onlySuperNode() {
        require(isSuperNode[msg.sender], "Invalid super node");
        _;
    }

    function setSuperNode(address _node, bool _enabled) external onlyAdmin {
        isSuperNode[_node] = _enabled;
    }

    function setSuperNodeDepositEnabled(bool _value) external onlyAdmin {
        depositEnabled = _value;
    }

    function getSuperNodeDepositEnabled() external view override returns (bool) {
        return depositEnabled;
    }

    function getSuperNodePubkeyStatus(bytes calldata _validatorPubkey) public view override returns (uint256) {
        return pubkeyStatus[keccak256(_validatorPubkey)];
    }

    function getSuperNodePubkeyCount(address _nodeAddress) external view override returns (uint256) {
        return pubkeyCount[_nodeAddress];
    }

    function depositEth() external payable {
        require(msg.sender == contractAddress("stafiUserDeposit"), "Invalid or outdated contract");
        emit EtherDeposited(msg.sender, msg.value, block.timestamp);
    }

    function deposit(
        bytes[] calldata _validatorPubkeys,
        bytes[] calldata _validatorSignatures,
        bytes32[] calldata _depositDataRoots
    ) external override onlySuperNode {
        require(depositEnabled, "super node deposits are currently disabled");
        uint256 len = _validatorPubkeys.length;
        require(len == _validatorSignatures.length && len == _depositDataRoots.length, "params len err");
        require(
            pubkeyCount[msg.sender] + len <= IStafiNetworkSettings(contractAddress("stafiNetworkSettings"))
                .getSuperNodePubkeyLimit(),
            "pubkey amount over limit"
        );
        StafiUserDeposit(payable(contractAddress("stafiUserDeposit"))).withdrawExcessBalanceForSuperNode(len * 1 ether);
        for (uint256 i = 0; i < len; i++) {
            bytes calldata pubkey = _validatorPubkeys[i];
            require(pubkey.length == 48, "pubkey length err");
            require(getSuperNodePubkeyStatus(pubkey) == PUBKEY_STATUS_UNINITIAL, "super Node pubkey exists");
            setStatus(pubkey, PUBKEY_STATUS_INITIAL);
            pubkeyCount[msg.sender] += 1;
            sendToDepositContract(pubkey, _validatorSignatures[i], _depositDataRoots[i], 1 ether);
            emit Deposited(msg.sender, pubkey, _validatorSignatures[i], 1 ether);
        }
    }

    function stake(
        bytes[] calldata _validatorPubkeys,
        bytes[] calldata _validatorSignatures,
        bytes32[] calldata _depositDataRoots
    ) external override onlySuperNode {
        uint256 len = _validatorPubkeys.length;
        require(len == _validatorSignatures.length && len == _depositDataRoots.length, "params len err");
        StafiUserDeposit(payable(contractAddress("stafiUserDeposit"))).withdrawExcessBalanceForSuperNode(len * 31 ether);
        for (uint256 i = 0; i < len; i++) {
            bytes calldata pubkey = _validatorPubkeys[i];
            require(getSuperNodePubkeyStatus(pubkey) == PUBKEY_STATUS_MATCH, "pubkey status unmatch");
            setStatus(pubkey, PUBKEY_STATUS_STAKING);
            sendToDepositContract(pubkey, _validatorSignatures[i], _depositDataRoots[i], 31 ether);
            emit Staked(msg.sender, pubkey);
        }
    }

    function voteWithdrawCredentials(bytes[] calldata _pubkeys, bool[] calldata _matchs) external override {
        require(stafiStorage.isTrustedNode(msg.sender), "Invalid trusted node");
        require(_pubkeys.length == _matchs.length, "params len err");
        uint256 threshold = StafiNetworkSettings(contractAddress("stafiNetworkSettings")).nodeConsensusThreshold();
        uint256 trusted = stafiStorage.trustedNodeCount();
        for (uint256 i = 0; i < _pubkeys.length; i++) {
            bytes32 key = keccak256(_pubkeys[i]);
            require(!memberVoted[key][msg.sender], "Member has already voted to withdrawCredentials");
            memberVoted[key][msg.sender] = true;
            uint256 votes = totalVotes[key][_matchs[i]] + 1;
            totalVotes[key][_matchs[i]] = votes;
            if (pubkeyStatus[key] == PUBKEY_STATUS_INITIAL && votes * 1 ether >= trusted * threshold) {
                setStatus(_pubkeys[i], _matchs[i] ? PUBKEY_STATUS_MATCH : PUBKEY_STATUS_UNMATCH);
            }
        }
    }

    function setStatus(bytes calldata _pubkey, uint256 _status) private {
        pubkeyStatus[keccak256(_pubkey)] = _status;
        emit SetPubkeyStatus(_pubkey, _status);
    }

    function sendToDepositContract(bytes calldata _pubkey, bytes calldata _signature, bytes32 _root, uint256 _value)
        private
    {
        bytes memory wc = IStafiNetworkSettings(contractAddress("stafiNetworkSettings")).getWithdrawalCredentials();
        IDepositContract(contractAddress("ethDeposit")).deposit{value: _value}(_pubkey, wc, _signature, _root);
    }
}

/// Withdrawals: the oracle records which validators to eject in each withdraw cycle (days from 08:00 UTC).
contract StafiWithdraw is StafiBase, IStafiWithdraw {
    event NotifyValidatorExit(uint256 withdrawCycle, uint256 ejectedStartWithdrawCycle, uint256[] ejectedValidators);

    uint256 public override ejectedStartCycle;
    mapping(uint256 => uint256[]) private ejectedValidatorsAtCycle;

    constructor(StafiStorage _storage) StafiBase(_storage) {}

    receive() external payable {}

    function currentWithdrawCycle() public view override returns (uint256) {
        return (block.timestamp - 28800) / 86400;
    }

    function getEjectedValidatorsAtCycle(uint256 cycle) external view override returns (uint256[] memory) {
        return ejectedValidatorsAtCycle[cycle];
    }

    function notifyValidatorExit(uint256 _withdrawCycle, uint256 _ejectedStartCycle, uint256[] calldata _validators)
        external
    {
        require(stafiStorage.isTrustedNode(msg.sender), "Invalid trusted node");
        require(_validators.length > 0, "empty validators");
        require(_ejectedStartCycle <= _withdrawCycle && _withdrawCycle <= currentWithdrawCycle(), "cycle not match");
        require(ejectedValidatorsAtCycle[_withdrawCycle].length == 0, "already notified");
        ejectedValidatorsAtCycle[_withdrawCycle] = _validators;
        ejectedStartCycle = _ejectedStartCycle;
        emit NotifyValidatorExit(_withdrawCycle, _ejectedStartCycle, _validators);
    }
}
