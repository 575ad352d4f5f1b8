// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

import {IStafiStorage, IStafiEther, IStafiEtherWithdrawer, IRETHToken} from "../interfaces/IStafi.sol";
import {IDepositContract} from "../interfaces/IDepositContract.sol";

// Test doubles of StaFi's rETH contracts, following the behaviour of stafiprotocol/eth2-staking@68a6fb7
// (Solidity 0.7.6, rewritten here for 0.8.24): one key-value StafiStorage that only registered
// contracts may write once it is initialised; contracts registered by StafiUpgrade; the pool's ETH
// kept in StafiEther's ledger under the depositing contract's name; node roles in StafiNodeManager;
// the super-node vote and the Withdraw exit notification reaching the trusted nodes' consensus
// threshold; StafiWithdraw behind a transparent proxy. Revert strings are the real ones.
//
// Left out because the router never touches them: staking pools, light nodes, rETH exchange rates
// (rETH is minted 1:1, as the real token does while the network balance is zero), unstaking and
// reward distribution.

/// The key-value store behind every StaFi contract (contracts/storage/StafiStorage.sol).
contract StafiStorage is IStafiStorage {
    mapping(bytes32 => uint256) private uIntStorage;
    mapping(bytes32 => string) private stringStorage;
    mapping(bytes32 => address) private addressStorage;
    mapping(bytes32 => bytes) private bytesStorage;
    mapping(bytes32 => bool) private boolStorage;
    mapping(bytes32 => int256) private intStorage;
    mapping(bytes32 => bytes32) private bytes32Storage;

    constructor() {
        boolStorage[keccak256(abi.encodePacked("access.role", "owner", msg.sender))] = true;
    }

    /// Before `contract.storage.initialised` anyone may write (that is how deployment registers
    /// contracts); afterwards only registered contracts.
    modifier onlyLatestNetworkContract() {
        if (boolStorage[keccak256(abi.encodePacked("contract.storage.initialised"))]) {
            require(
                boolStorage[keccak256(abi.encodePacked("contract.exists", msg.sender))],
                "Invalid or outdated network contract"
            );
        }
        _;
    }

    function getAddress(bytes32 _key) external view override returns (address) {
        return addressStorage[_key];
    }

    function getUint(bytes32 _key) external view override returns (uint256) {
        return uIntStorage[_key];
    }

    function getString(bytes32 _key) external view override returns (string memory) {
        return stringStorage[_key];
    }

    function getBytes(bytes32 _key) external view override returns (bytes memory) {
        return bytesStorage[_key];
    }

    function getBool(bytes32 _key) external view override returns (bool) {
        return boolStorage[_key];
    }

    function getInt(bytes32 _key) external view override returns (int256) {
        return intStorage[_key];
    }

    function getBytes32(bytes32 _key) external view override returns (bytes32) {
        return bytes32Storage[_key];
    }

    function setAddress(bytes32 _key, address _value) external override onlyLatestNetworkContract {
        addressStorage[_key] = _value;
    }

    function setUint(bytes32 _key, uint256 _value) external override onlyLatestNetworkContract {
        uIntStorage[_key] = _value;
    }

    function setString(bytes32 _key, string calldata _value) external override onlyLatestNetworkContract {
        stringStorage[_key] = _value;
    }

    function setBytes(bytes32 _key, bytes calldata _value) external override onlyLatestNetworkContract {
        bytesStorage[_key] = _value;
    }

    function setBool(bytes32 _key, bool _value) external override onlyLatestNetworkContract {
        boolStorage[_key] = _value;
    }

    function setInt(bytes32 _key, int256 _value) external override onlyLatestNetworkContract {
        intStorage[_key] = _value;
    }

    function setBytes32(bytes32 _key, bytes32 _value) external override onlyLatestNetworkContract {
        bytes32Storage[_key] = _value;
    }

    function deleteAddress(bytes32 _key) external override onlyLatestNetworkContract {
        delete addressStorage[_key];
    }

    function deleteUint(bytes32 _key) external override onlyLatestNetworkContract {
        delete uIntStorage[_key];
    }

    function deleteString(bytes32 _key) external override onlyLatestNetworkContract {
        delete stringStorage[_key];
    }

    function deleteBytes(bytes32 _key) external override onlyLatestNetworkContract {
        delete bytesStorage[_key];
    }

    function deleteBool(bytes32 _key) external override onlyLatestNetworkContract {
        delete boolStorage[_key];
    }

    function deleteInt(bytes32 _key) external override onlyLatestNetworkContract {
        delete intStorage[_key];
    }

    function deleteBytes32(bytes32 _key) external override onlyLatestNetworkContract {
        delete bytes32Storage[_key];
    }
}

/// Storage access, contract lookup and the role modifiers every StaFi contract shares (contracts/StafiBase.sol).
abstract contract StafiBase {
    uint8 public version;
    IStafiStorage internal stafiStorage;

    constructor(address _stafiStorageAddress) {
        stafiStorage = IStafiStorage(_stafiStorageAddress);
    }

    modifier onlyLatestNetworkContract() {
        require(getBool(keccak256(abi.encodePacked("contract.exists", msg.sender))), "Invalid or outdated network contract");
        _;
    }

    modifier onlyLatestContract(string memory _contractName, address _contractAddress) {
        require(
            _contractAddress == getAddress(keccak256(abi.encodePacked("contract.address", _contractName))),
            "Invalid or outdated contract"
        );
        _;
    }

    modifier onlyTrustedNode(address _nodeAddress) {
        require(getBool(keccak256(abi.encodePacked("node.trusted", _nodeAddress))), "Invalid trusted node");
        _;
    }

    modifier onlySuperNode(address _nodeAddress) {
        require(getBool(keccak256(abi.encodePacked("node.super", _nodeAddress))), "Invalid super node");
        _;
    }

    modifier onlySuperUser() {
        require(roleHas("owner", msg.sender) || roleHas("admin", msg.sender), "Account is not a super user");
        _;
    }

    function roleHas(string memory _role, address _address) internal view returns (bool) {
        return getBool(keccak256(abi.encodePacked("access.role", _role, _address)));
    }

    function getContractAddress(string memory _contractName) internal view returns (address) {
        address a = getAddress(keccak256(abi.encodePacked("contract.address", _contractName)));
        require(a != address(0), "Contract not found");
        return a;
    }

    function getContractName(address _contractAddress) internal view returns (string memory) {
        string memory name = getString(keccak256(abi.encodePacked("contract.name", _contractAddress)));
        require(bytes(name).length > 0, "Contract not found");
        return name;
    }

    function getAddress(bytes32 _key) internal view returns (address) {
        return stafiStorage.getAddress(_key);
    }

    function getUint(bytes32 _key) internal view returns (uint256) {
        return stafiStorage.getUint(_key);
    }

    function getString(bytes32 _key) internal view returns (string memory) {
        return stafiStorage.getString(_key);
    }

    function getBool(bytes32 _key) internal view returns (bool) {
        return stafiStorage.getBool(_key);
    }

    function getBytes(bytes32 _key) internal view returns (bytes memory) {
        return stafiStorage.getBytes(_key);
    }

    function setAddress(bytes32 _key, address _value) internal {
        stafiStorage.setAddress(_key, _value);
    }

    function setUint(bytes32 _key, uint256 _value) internal {
        stafiStorage.setUint(_key, _value);
    }

    function setString(bytes32 _key, string memory _value) internal {
        stafiStorage.setString(_key, _value);
    }

    function setBool(bytes32 _key, bool _value) internal {
        stafiStorage.setBool(_key, _value);
    }

    function setBytes(bytes32 _key, bytes memory _value) internal {
        stafiStorage.setBytes(_key, _value);
    }

    function getUintS(string memory _key) internal view returns (uint256) {
        return getUint(keccak256(abi.encodePacked(_key)));
    }

    function getBoolS(string memory _key) internal view returns (bool) {
        return getBool(keccak256(abi.encodePacked(_key)));
    }

    function getBytesS(string memory _key) internal view returns (bytes memory) {
        return getBytes(keccak256(abi.encodePacked(_key)));
    }

    function setUintS(string memory _key, uint256 _value) internal {
        setUint(keccak256(abi.encodePacked(_key)), _value);
    }

    function setBoolS(string memory _key, bool _value) internal {
        setBool(keccak256(abi.encodePacked(_key)), _value);
    }

    function setBytesS(string memory _key, bytes memory _value) internal {
        setBytes(keccak256(abi.encodePacked(_key)), _value);
    }
}

/// Registers contracts (`contract.exists`, `contract.name`, `contract.address`) and closes the
/// storage to everyone else (contracts/StafiUpgrade.sol).
contract StafiUpgrade is StafiBase {
    event ContractAdded(bytes32 indexed name, address contractAddress, uint256 time);

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        version = 1;
    }

    function addContract(string memory _name, address _contractAddress) external onlySuperUser {
        require(bytes(_name).length > 0, "Invalid contract name");
        require(_contractAddress != address(0x0), "Invalid contract address");
        require(
            getAddress(keccak256(abi.encodePacked("contract.address", _name))) == address(0x0),
            "Contract name is already in use"
        );
        require(
            bytes(getString(keccak256(abi.encodePacked("contract.name", _contractAddress)))).length == 0,
            "Contract address is already in use"
        );
        setBool(keccak256(abi.encodePacked("contract.exists", _contractAddress)), true);
        setString(keccak256(abi.encodePacked("contract.name", _contractAddress)), _name);
        setAddress(keccak256(abi.encodePacked("contract.address", _name)), _contractAddress);
        emit ContractAdded(keccak256(abi.encodePacked(_name)), _contractAddress, block.timestamp);
    }

    function initStorage(bool _value) external onlySuperUser {
        setBoolS("contract.storage.initialised", _value);
    }
}

/// ETH ledger of the network contracts, keyed by contract name (contracts/StafiEther.sol).
contract StafiEther is StafiBase, IStafiEther {
    mapping(bytes32 => uint256) private balances;

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        version = 1;
    }

    function balanceOf(address _contractAddress) public view override returns (uint256) {
        return balances[keccak256(abi.encodePacked(getContractName(_contractAddress)))];
    }

    function depositEther() external payable override onlyLatestNetworkContract {
        bytes32 key = keccak256(abi.encodePacked(getContractName(msg.sender)));
        balances[key] += msg.value;
        emit EtherDeposited(key, msg.value, block.timestamp);
    }

    function withdrawEther(uint256 _amount) external override onlyLatestNetworkContract {
        bytes32 key = keccak256(abi.encodePacked(getContractName(msg.sender)));
        require(balances[key] >= _amount, "Insufficient contract ETH balance");
        balances[key] -= _amount;
        IStafiEtherWithdrawer(msg.sender).receiveEtherWithdrawal{value: _amount}();
        emit EtherWithdrawn(key, _amount, block.timestamp);
    }
}

/// rETH, minted to depositors (contracts/token/RETHToken.sol, without the exchange-rate parts).
contract RETHToken is StafiBase, IRETHToken {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event TokensMinted(address indexed to, uint256 amount, uint256 ethAmount, uint256 time);

    string public constant name = "StaFi";
    string public constant symbol = "rETH";
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        version = 1;
    }

    function userMint(uint256 _ethAmount, address _to)
        external
        override
        onlyLatestContract("stafiUserDeposit", msg.sender)
    {
        require(_ethAmount > 0, "Invalid token mint amount");
        totalSupply += _ethAmount;
        balanceOf[_to] += _ethAmount;
        emit Transfer(address(0), _to, _ethAmount);
        emit TokensMinted(_to, _ethAmount, _ethAmount, block.timestamp);
    }
}

/// The user deposit pool (contracts/deposit/StafiUserDeposit.sol). Its ETH sits in StafiEther.
contract StafiUserDeposit is StafiBase, IStafiEtherWithdrawer {
    event DepositReceived(address indexed from, uint256 amount, uint256 time);
    event ExcessWithdrawn(address indexed to, uint256 amount, uint256 time);

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        version = 1;
        if (!getBoolS("settings.user.deposit.init")) {
            setBoolS("settings.deposit.enabled", true);
            setBoolS("settings.deposit.assign.enabled", true);
            setUintS("settings.deposit.minimum", 0.01 ether);
            setUintS("settings.deposit.assign.maximum", 2);
            setBoolS("settings.user.deposit.init", true);
        }
    }

    function stafiEther() private view returns (IStafiEther) {
        return IStafiEther(getContractAddress("stafiEther"));
    }

    function getBalance() public view returns (uint256) {
        return stafiEther().balanceOf(address(this));
    }

    function receiveEtherWithdrawal()
        external
        payable
        override
        onlyLatestContract("stafiUserDeposit", address(this))
        onlyLatestContract("stafiEther", msg.sender)
    {}

    function deposit() external payable onlyLatestContract("stafiUserDeposit", address(this)) {
        require(getDepositEnabled(), "Deposits into Stafi are currently disabled");
        require(msg.value >= getMinimumDeposit(), "The deposited amount is less than the minimum deposit size");
        IRETHToken(getContractAddress("rETHToken")).userMint(msg.value, msg.sender);
        emit DepositReceived(msg.sender, msg.value, block.timestamp);
        stafiEther().depositEther{value: msg.value}();
        assignDeposits();
    }

    /// The devnet has no staking-pool queue, so there is never a deposit to assign.
    function assignDeposits() public onlyLatestContract("stafiUserDeposit", address(this)) {}

    function withdrawExcessBalanceForSuperNode(uint256 _amount)
        external
        onlyLatestContract("stafiUserDeposit", address(this))
        onlyLatestContract("stafiSuperNode", msg.sender)
    {
        _withdrawTo(_amount);
        StafiSuperNode(msg.sender).depositEth{value: _amount}();
    }

    function withdrawExcessBalanceForWithdraw(uint256 _amount)
        external
        onlyLatestContract("stafiUserDeposit", address(this))
        onlyLatestContract("stafiWithdraw", msg.sender)
    {
        _withdrawTo(_amount);
        StafiWithdraw(payable(msg.sender)).depositEth{value: _amount}();
    }

    function _withdrawTo(uint256 _amount) private {
        require(_amount <= getBalance(), "Insufficient balance for withdrawal");
        stafiEther().withdrawEther(_amount);
        emit ExcessWithdrawn(msg.sender, _amount, block.timestamp);
    }

    function getDepositEnabled() public view returns (bool) {
        return getBoolS("settings.deposit.enabled");
    }

    function setDepositEnabled(bool _value) external onlySuperUser {
        setBoolS("settings.deposit.enabled", _value);
    }

    function getMinimumDeposit() public view returns (uint256) {
        return getUintS("settings.deposit.minimum");
    }

    function setMinimumDeposit(uint256 _value) external onlySuperUser {
        setUintS("settings.deposit.minimum", _value);
    }
}

/// Network settings (contracts/settings/StafiNetworkSettings.sol): the consensus threshold, the
/// withdrawal credentials and the super-node pubkey limit.
contract StafiNetworkSettings is StafiBase {
    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        version = 1;
        if (!getBoolS("settings.network.init")) {
            setUintS("settings.network.consensus.threshold", 0.5 ether);
            setUintS("settings.superNode.pubkey.limit", 50);
            setBoolS("settings.network.init", true);
        }
    }

    function getNodeConsensusThreshold() public view returns (uint256) {
        return getUintS("settings.network.consensus.threshold");
    }

    function setNodeConsensusThreshold(uint256 _value) external onlySuperUser {
        setUintS("settings.network.consensus.threshold", _value);
    }

    function getWithdrawalCredentials() public view returns (bytes memory) {
        return getBytesS("settings.network.withdrawal.credentials");
    }

    function setWithdrawalCredentials(bytes memory _value) external onlySuperUser {
        setBytesS("settings.network.withdrawal.credentials", _value);
    }

    function getSuperNodePubkeyLimit() external view returns (uint256) {
        return getUintS("settings.superNode.pubkey.limit");
    }

    function setSuperNodePubkeyLimit(uint256 _value) external onlySuperUser {
        setUintS("settings.superNode.pubkey.limit", _value);
    }
}

/// Trusted (oracle) and super nodes (contracts/node/StafiNodeManager.sol); the flags live in
/// StafiStorage, where StafiBase's `onlyTrustedNode` / `onlySuperNode` read them.
contract StafiNodeManager is StafiBase {
    event NodeTrustedSet(address indexed node, bool trusted, uint256 time);
    event NodeSuperSet(address indexed node, bool trusted, uint256 time);

    address[] private trustedNodes;
    address[] private superNodes;

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        version = 1;
    }

    function getTrustedNodeCount() external view returns (uint256) {
        return trustedNodes.length;
    }

    function getTrustedNodeAt(uint256 _index) external view returns (address) {
        return trustedNodes[_index];
    }

    function getNodeTrusted(address _nodeAddress) public view returns (bool) {
        return getBool(keccak256(abi.encodePacked("node.trusted", _nodeAddress)));
    }

    function getSuperNodeCount() external view returns (uint256) {
        return superNodes.length;
    }

    function getSuperNodeAt(uint256 _index) external view returns (address) {
        return superNodes[_index];
    }

    function getSuperNodeExists(address _nodeAddress) public view returns (bool) {
        return getBool(keccak256(abi.encodePacked("node.super", _nodeAddress)));
    }

    function setNodeTrusted(address _nodeAddress, bool _trusted)
        external
        onlyLatestContract("stafiNodeManager", address(this))
        onlySuperUser
    {
        require(getNodeTrusted(_nodeAddress) != _trusted, "The node's trusted status is already set");
        setBool(keccak256(abi.encodePacked("node.trusted", _nodeAddress)), _trusted);
        _update(trustedNodes, _nodeAddress, _trusted);
        emit NodeTrustedSet(_nodeAddress, _trusted, block.timestamp);
    }

    function setNodeSuper(address _nodeAddress, bool _super)
        external
        onlyLatestContract("stafiNodeManager", address(this))
        onlySuperUser
    {
        require(getSuperNodeExists(_nodeAddress) != _super, "The node's super status is already set");
        setBool(keccak256(abi.encodePacked("node.super", _nodeAddress)), _super);
        _update(superNodes, _nodeAddress, _super);
        emit NodeSuperSet(_nodeAddress, _super, block.timestamp);
    }

    function _update(address[] storage set, address _node, bool _add) private {
        if (_add) {
            set.push(_node);
            return;
        }
        for (uint256 i = 0; i < set.length; i++) {
            if (set[i] == _node) {
                set[i] = set[set.length - 1];
                set.pop();
                return;
            }
        }
    }
}

/// Super-node flow (contracts/node/StafiSuperNode.sol): a 1 ETH pre-deposit per key from the pool
/// (INITIAL), the trusted nodes vote the withdrawal credentials (MATCH/UNMATCH), then a 31 ETH stake
/// per MATCH key (STAKING). The node itself puts in no ETH.
contract StafiSuperNode is StafiBase {
    event EtherDeposited(address indexed from, uint256 amount, uint256 time);
    event Staked(address node, bytes pubkey);
    event Deposited(address node, bytes pubkey, bytes validatorSignature);
    event SetPubkeyStatus(bytes pubkey, uint256 status);

    uint256 public constant PUBKEY_STATUS_UNINITIAL = 0;
    uint256 public constant PUBKEY_STATUS_INITIAL = 1;
    uint256 public constant PUBKEY_STATUS_MATCH = 2;
    uint256 public constant PUBKEY_STATUS_STAKING = 3;
    uint256 public constant PUBKEY_STATUS_UNMATCH = 4;

    /// The real contract keeps this set in a PubkeySetStorage contract.
    mapping(address => bytes[]) private pubkeys;

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        version = 1;
    }

    function depositEth() external payable onlyLatestContract("stafiUserDeposit", msg.sender) {
        emit EtherDeposited(msg.sender, msg.value, block.timestamp);
    }

    function getSuperNodePubkeyCount(address _nodeAddress) public view returns (uint256) {
        return pubkeys[_nodeAddress].length;
    }

    function getSuperNodePubkeyAt(address _nodeAddress, uint256 _index) external view returns (bytes memory) {
        return pubkeys[_nodeAddress][_index];
    }

    function getSuperNodePubkeyStatus(bytes calldata _validatorPubkey) public view returns (uint256) {
        return getUint(keccak256(abi.encodePacked("superNode.pubkey.status", _validatorPubkey)));
    }

    function _setSuperNodePubkeyStatus(bytes calldata _validatorPubkey, uint256 _status) private {
        setUint(keccak256(abi.encodePacked("superNode.pubkey.status", _validatorPubkey)), _status);
        emit SetPubkeyStatus(_validatorPubkey, _status);
    }

    function getSuperNodeDepositEnabled() public view returns (bool) {
        return getBoolS("settings.superNode.deposit.enabled");
    }

    function setSuperNodeDepositEnabled(bool _value) external onlySuperUser {
        setBoolS("settings.superNode.deposit.enabled", _value);
    }

    function getPubkeyVoted(bytes calldata _validatorPubkey, address user) external view returns (bool) {
        return getBool(keccak256(abi.encodePacked("superNode.memberVotes.", _validatorPubkey, user)));
    }

    function settings() private view returns (StafiNetworkSettings) {
        return StafiNetworkSettings(getContractAddress("stafiNetworkSettings"));
    }

    function userDeposit() private view returns (StafiUserDeposit) {
        return StafiUserDeposit(payable(getContractAddress("stafiUserDeposit")));
    }

    function deposit(
        bytes[] calldata _validatorPubkeys,
        bytes[] calldata _validatorSignatures,
        bytes32[] calldata _depositDataRoots
    ) external onlyLatestContract("stafiSuperNode", address(this)) onlySuperNode(msg.sender) {
        require(getSuperNodeDepositEnabled(), "super node deposits are currently disabled");
        uint256 len = _validatorPubkeys.length;
        require(len == _validatorSignatures.length && len == _depositDataRoots.length, "params len err");
        require(
            getSuperNodePubkeyCount(msg.sender) + len <= settings().getSuperNodePubkeyLimit(), "pubkey amount over limit"
        );
        userDeposit().withdrawExcessBalanceForSuperNode(len * 1 ether);
        for (uint256 i = 0; i < len; i++) {
            bytes calldata pubkey = _validatorPubkeys[i];
            require(
                getAddress(keccak256(abi.encodePacked("validator.stakingpool", pubkey))) == address(0x0),
                "stakingpool pubkey exists"
            );
            require(
                getUint(keccak256(abi.encodePacked("lightNode.pubkey.status", pubkey))) == PUBKEY_STATUS_UNINITIAL,
                "light Node pubkey exists"
            );
            require(getSuperNodePubkeyStatus(pubkey) == PUBKEY_STATUS_UNINITIAL, "pubkey status unmatch");
            _setSuperNodePubkeyStatus(pubkey, PUBKEY_STATUS_INITIAL);
            pubkeys[msg.sender].push(pubkey);
            _sendToDepositContract(pubkey, _validatorSignatures[i], _depositDataRoots[i], 1 ether);
            emit Deposited(msg.sender, pubkey, _validatorSignatures[i]);
        }
    }

    function stake(
        bytes[] calldata _validatorPubkeys,
        bytes[] calldata _validatorSignatures,
        bytes32[] calldata _depositDataRoots
    ) external onlyLatestContract("stafiSuperNode", address(this)) onlySuperNode(msg.sender) {
        uint256 len = _validatorPubkeys.length;
        require(len == _validatorSignatures.length && len == _depositDataRoots.length, "params len err");
        userDeposit().withdrawExcessBalanceForSuperNode(len * 31 ether);
        for (uint256 i = 0; i < len; i++) {
            bytes calldata pubkey = _validatorPubkeys[i];
            require(getSuperNodePubkeyStatus(pubkey) == PUBKEY_STATUS_MATCH, "pubkey status unmatch");
            _setSuperNodePubkeyStatus(pubkey, PUBKEY_STATUS_STAKING);
            _sendToDepositContract(pubkey, _validatorSignatures[i], _depositDataRoots[i], 31 ether);
            emit Staked(msg.sender, pubkey);
        }
    }

    /// One vote per trusted node and key; the status moves once `1e18 · votes ≥ trusted nodes ·
    /// threshold`. A vote after that is recorded and changes nothing.
    function voteWithdrawCredentials(bytes[] calldata _pubkeys, bool[] calldata _matchs)
        external
        onlyLatestContract("stafiSuperNode", address(this))
        onlyTrustedNode(msg.sender)
    {
        require(_pubkeys.length == _matchs.length, "params len err");
        for (uint256 i = 0; i < _pubkeys.length; i++) {
            _vote(_pubkeys[i], _matchs[i]);
        }
    }

    function _vote(bytes calldata _pubkey, bool _match) private {
        bytes32 voted = keccak256(abi.encodePacked("superNode.memberVotes.", _pubkey, msg.sender));
        require(!getBool(voted), "Member has already voted to withdrawCredentials");
        setBool(voted, true);
        bytes32 tally = keccak256(abi.encodePacked("superNode.totalVotes", _pubkey, _match));
        uint256 totalVotes = getUint(tally) + 1;
        setUint(tally, totalVotes);
        uint256 trusted = StafiNodeManager(getContractAddress("stafiNodeManager")).getTrustedNodeCount();
        if (
            getSuperNodePubkeyStatus(_pubkey) == PUBKEY_STATUS_INITIAL
                && 1 ether * totalVotes >= trusted * settings().getNodeConsensusThreshold()
        ) {
            _setSuperNodePubkeyStatus(_pubkey, _match ? PUBKEY_STATUS_MATCH : PUBKEY_STATUS_UNMATCH);
        }
    }

    function _sendToDepositContract(bytes calldata _pubkey, bytes calldata _signature, bytes32 _root, uint256 _value)
        private
    {
        IDepositContract(getContractAddress("ethDeposit")).deposit{value: _value}(
            _pubkey, settings().getWithdrawalCredentials(), _signature, _root
        );
    }
}

/// StaFi's fee recipient for super-node validators (contracts/reward/StafiSuperNodeFeePool.sol).
contract StafiSuperNodeFeePool is StafiBase {
    event EtherWithdrawn(string indexed by, address indexed to, uint256 amount, uint256 time);

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        version = 1;
    }

    receive() external payable {}

    function withdrawEther(address _to, uint256 _amount) external onlyLatestNetworkContract {
        require(_amount > 0, "No valid amount of ETH given to withdraw");
        (bool ok,) = _to.call{value: _amount}("");
        require(ok, "Failed to withdraw ETH");
        emit EtherWithdrawn(getContractName(msg.sender), _to, _amount, block.timestamp);
    }
}

/// Withdrawals (contracts/withdraw/StafiWithdraw.sol), deployed behind StafiWithdrawProxy; only the
/// exit-notification side the router reads. Cycles are days from 08:00 UTC. The trusted nodes record
/// the validators to eject for cycle C−1 during cycle C, once, by proposal: it executes when their
/// votes reach the consensus threshold.
contract StafiWithdraw is StafiBase {
    event EtherDeposited(address indexed from, uint256 amount, uint256 time);
    event VoteProposal(bytes32 indexed proposalId, address voter);
    event ProposalExecuted(bytes32 indexed proposalId);
    event NotifyValidatorExit(uint256 withdrawCycle, uint256 ejectedStartWithdrawCycle, uint256[] ejectedValidators);

    // Storage order of the real contract's public variables.
    uint256 public nextWithdrawIndex;
    uint256 public maxClaimableWithdrawIndex;
    uint256 public ejectedStartCycle;
    uint256 public latestDistributeHeight;
    uint256 public totalMissingAmountForWithdraw;
    uint256 public withdrawLimitPerCycle;
    uint256 public userWithdrawLimitPerCycle;
    mapping(uint256 => uint256[]) public ejectedValidatorsAtCycle;

    /// Locks the implementation; the proxy's storage starts at version 0.
    constructor() StafiBase(address(0)) {
        version = 1;
    }

    function initialize(address _stafiStorageAddress, uint256 _withdrawLimitPerCycle, uint256 _userWithdrawLimitPerCycle)
        external
    {
        require(version == 0, "already initizlized");
        version = 1;
        stafiStorage = IStafiStorage(_stafiStorageAddress);
        withdrawLimitPerCycle = _withdrawLimitPerCycle;
        userWithdrawLimitPerCycle = _userWithdrawLimitPerCycle;
    }

    receive() external payable {}

    function depositEth() external payable onlyLatestContract("stafiUserDeposit", msg.sender) {
        emit EtherDeposited(msg.sender, msg.value, block.timestamp);
    }

    function getEjectedValidatorsAtCycle(uint256 cycle) external view returns (uint256[] memory) {
        return ejectedValidatorsAtCycle[cycle];
    }

    function currentWithdrawCycle() public view returns (uint256) {
        return (block.timestamp - 28800) / 86400;
    }

    function setWithdrawLimitPerCycle(uint256 _withdrawLimitPerCycle) external onlySuperUser {
        withdrawLimitPerCycle = _withdrawLimitPerCycle;
    }

    function setUserWithdrawLimitPerCycle(uint256 _userWithdrawLimitPerCycle) external onlySuperUser {
        userWithdrawLimitPerCycle = _userWithdrawLimitPerCycle;
    }

    function notifyValidatorExit(
        uint256 _withdrawCycle,
        uint256 _ejectedStartCycle,
        uint256[] calldata _validatorIndexList
    ) external onlyLatestContract("stafiWithdraw", address(this)) onlyTrustedNode(msg.sender) {
        require(
            _ejectedStartCycle < _withdrawCycle && _withdrawCycle + 1 == currentWithdrawCycle(), "cycle not match"
        );
        require(ejectedValidatorsAtCycle[_withdrawCycle].length == 0, "already dealed");
        require(
            _validatorIndexList.length > 0 && _validatorIndexList.length <= withdrawLimitPerCycle * 3 / 20 ether,
            "length not match"
        );
        bytes32 proposalId = keccak256(abi.encodePacked(_withdrawCycle, _ejectedStartCycle, _validatorIndexList));
        if (!_voteProposal(proposalId)) return;
        ejectedValidatorsAtCycle[_withdrawCycle] = _validatorIndexList;
        ejectedStartCycle = _ejectedStartCycle;
        emit NotifyValidatorExit(_withdrawCycle, _ejectedStartCycle, _validatorIndexList);
        setBool(keccak256(abi.encodePacked("stafiWithdraw.proposal.key", proposalId)), true);
        emit ProposalExecuted(proposalId);
    }

    /// Records this trusted node's vote; true once the votes reach the consensus threshold.
    function _voteProposal(bytes32 _proposalId) private returns (bool) {
        bytes32 proposalKey = keccak256(abi.encodePacked("stafiWithdraw.proposal.key", _proposalId));
        bytes32 nodeKey = keccak256(abi.encodePacked("stafiWithdraw.proposal.node.key", _proposalId, msg.sender));
        require(!getBool(proposalKey), "proposal already executed");
        require(!getBool(nodeKey), "duplicate vote");
        setBool(nodeKey, true);
        uint256 votes = getUint(proposalKey) + 1;
        setUint(proposalKey, votes);
        emit VoteProposal(_proposalId, msg.sender);
        uint256 trusted = StafiNodeManager(getContractAddress("stafiNodeManager")).getTrustedNodeCount();
        uint256 threshold =
            StafiNetworkSettings(getContractAddress("stafiNetworkSettings")).getNodeConsensusThreshold();
        return 1 ether * votes >= trusted * threshold;
    }
}

/// StafiWithdraw's proxy (contracts/withdraw/StafiWithdrawProxy.sol, an OpenZeppelin 3.x
/// TransparentUpgradeableProxy): EIP-1967 slots; the admin may only administer, everyone else is
/// delegated to the implementation. Its address is `stafiWithdraw` and the withdrawal credentials.
contract StafiWithdrawProxy {
    bytes32 private constant IMPLEMENTATION_SLOT = 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;
    bytes32 private constant ADMIN_SLOT = 0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103;

    event Upgraded(address indexed implementation);
    event AdminChanged(address previousAdmin, address newAdmin);

    constructor(address _logic, address admin_, bytes memory _data) {
        _setSlot(IMPLEMENTATION_SLOT, _logic);
        _setSlot(ADMIN_SLOT, admin_);
        emit Upgraded(_logic);
        emit AdminChanged(address(0), admin_);
        if (_data.length > 0) {
            (bool ok, bytes memory ret) = _logic.delegatecall(_data);
            if (!ok) {
                assembly {
                    revert(add(ret, 32), mload(ret))
                }
            }
        }
    }

    modifier ifAdmin() {
        if (msg.sender == _getSlot(ADMIN_SLOT)) {
            _;
        } else {
            _fallback();
        }
    }

    function admin() external ifAdmin returns (address) {
        return _getSlot(ADMIN_SLOT);
    }

    function implementation() external ifAdmin returns (address) {
        return _getSlot(IMPLEMENTATION_SLOT);
    }

    function upgradeTo(address newImplementation) external ifAdmin {
        _setSlot(IMPLEMENTATION_SLOT, newImplementation);
        emit Upgraded(newImplementation);
    }

    fallback() external payable {
        _fallback();
    }

    receive() external payable {
        _fallback();
    }

    function _fallback() private {
        require(msg.sender != _getSlot(ADMIN_SLOT), "TransparentUpgradeableProxy: admin cannot fallback to proxy target");
        address target = _getSlot(IMPLEMENTATION_SLOT);
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    function _getSlot(bytes32 slot) private view returns (address a) {
        assembly {
            a := sload(slot)
        }
    }

    function _setSlot(bytes32 slot, address a) private {
        assembly {
            sstore(slot, a)
        }
    }
}
