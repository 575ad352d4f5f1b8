// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

import {ISSVNetwork, ISSVNetworkViews} from "../interfaces/ISSVNetwork.sol";
import {IERC20} from "../interfaces/IERC20.sol";

/// SSV Network v2.0.0 test double: ETH clusters (fees in msg.value, vUnits) and legacy SSV-token
/// clusters, with the accounting of ../shared/spec/ssv-contracts.md §4 (legacy, packed ÷1e7) and
/// §8.4/§8.6 (ETH, packed ÷1e5, vUnits). One contract holds the state and the views; SSVNetworkViews
/// forwards to it, as the real proxy pair does.
///
/// Test-only additions (not in the real ABI): `legacyRegisterValidator` while `legacyRegistrationOpen`
/// (creates SSV clusters as before the v2 upgrade), `setOperatorFeeSSV`, `updateClusterEffectiveBalance`
/// (the DAO stands in for the oracle Merkle root), `getOwnerNonce`.
contract SSVNetwork is ISSVNetwork, ISSVNetworkViews {
    uint256 private constant SSV_DIGITS = 10_000_000;
    uint256 private constant ETH_DIGITS = 100_000;
    uint64 private constant VUNITS = 10_000;
    uint64 private constant MINIMAL_LIQUIDATION_THRESHOLD = 21_480;
    uint8 private constant VERSION_SSV = 0;
    uint8 private constant VERSION_ETH = 1;

    struct Snapshot {
        uint32 block;
        uint64 index;
        uint64 balance;
    }

    struct Operator {
        address owner;
        bool isPrivate;
        bool removed;
        uint32 validatorCount;
        uint64 fee;
        Snapshot snapshot;
        uint32 ethValidatorCount;
        uint64 ethFee;
        Snapshot ethSnapshot;
    }

    struct FeeDeclaration {
        uint64 fee;
        uint64 approvalBeginTime;
        uint64 approvalEndTime;
    }

    struct Fees {
        uint64 fee;
        uint64 index;
        uint32 blockNumber;
    }

    address public immutable owner;
    IERC20 public immutable token;
    bool public legacyRegistrationOpen;

    uint64 public lastOperatorId;
    mapping(uint64 => Operator) private operators;
    mapping(bytes32 => uint64) private operatorsPKs;
    mapping(uint64 => mapping(address => bool)) private operatorWhitelist;
    mapping(uint64 => FeeDeclaration) private feeDeclarations;

    mapping(bytes32 => bytes32) private clusters;
    mapping(bytes32 => bytes32) private ethClusters;
    mapping(bytes32 => uint64) private clusterVUnits;
    mapping(bytes32 => bytes32) private validatorPKs;
    mapping(address => uint256) private ownerNonce;

    Fees private ethNetwork;
    Fees private ssvNetwork;
    uint64 private liquidationThresholdPeriod;
    uint64 private minimumLiquidationCollateral;
    uint64 private liquidationThresholdPeriodSSV;
    uint64 private minimumLiquidationCollateralSSV;
    uint32 private validatorsPerOperatorLimit;
    uint256 private operatorMaxFee;
    uint256 private minimumOperatorEthFee;
    uint64 private declareOperatorFeePeriod;
    uint64 private executeOperatorFeePeriod;
    uint64 private operatorMaxFeeIncrease;

    constructor(
        IERC20 _token,
        uint64 _liquidationThresholdPeriod,
        uint256 _minimumLiquidationCollateral,
        uint32 _validatorsPerOperatorLimit,
        uint64 _declareOperatorFeePeriod,
        uint64 _executeOperatorFeePeriod,
        uint64 _operatorMaxFeeIncrease
    ) {
        owner = msg.sender;
        token = _token;
        liquidationThresholdPeriod = _liquidationThresholdPeriod;
        minimumLiquidationCollateral = _pack(_minimumLiquidationCollateral, true);
        liquidationThresholdPeriodSSV = _liquidationThresholdPeriod;
        validatorsPerOperatorLimit = _validatorsPerOperatorLimit;
        declareOperatorFeePeriod = _declareOperatorFeePeriod;
        executeOperatorFeePeriod = _executeOperatorFeePeriod;
        operatorMaxFeeIncrease = _operatorMaxFeeIncrease;
        ethNetwork.blockNumber = uint32(block.number);
        ssvNetwork.blockNumber = uint32(block.number);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert CallerNotOwnerWithData(msg.sender, owner);
        _;
    }

    // ---------------------------------------------------------------- packing and indices

    function _digits(bool eth) private pure returns (uint256) {
        return eth ? ETH_DIGITS : SSV_DIGITS;
    }

    function _pack(uint256 value, bool eth) private pure returns (uint64) {
        uint256 d = _digits(eth);
        if (value % d != 0) revert MaxPrecisionExceeded();
        if (value / d > type(uint64).max) revert MaxValueExceeded();
        return uint64(value / d);
    }

    function _network(bool eth) private view returns (Fees storage) {
        return eth ? ethNetwork : ssvNetwork;
    }

    function _netIndex(bool eth) private view returns (uint64) {
        Fees storage n = _network(eth);
        return n.index + uint64(block.number - n.blockNumber) * n.fee;
    }

    function _snapshot(Operator storage op, bool eth) private view returns (Snapshot storage) {
        return eth ? op.ethSnapshot : op.snapshot;
    }

    function _opFee(Operator storage op, bool eth) private view returns (uint64) {
        return eth ? op.ethFee : op.fee;
    }

    function _opIndex(Operator storage op, bool eth) private view returns (uint64) {
        Snapshot storage s = _snapshot(op, eth);
        if (op.removed) return s.index;
        return s.index + uint64(block.number - s.block) * _opFee(op, eth);
    }

    function _settleOperator(Operator storage op, bool eth) private {
        Snapshot storage s = _snapshot(op, eth);
        uint64 d = uint64(block.number - s.block) * _opFee(op, eth);
        uint32 count = eth ? op.ethValidatorCount : op.validatorCount;
        s.index += d;
        s.balance += d * count;
        s.block = uint32(block.number);
    }

    /// Cluster index and packed burn (sum of operator fees) without touching operators.
    function _clusterIndex(uint64[] calldata ids, bool eth) private view returns (uint64 index, uint64 burn) {
        for (uint256 i = 0; i < ids.length; i++) {
            Operator storage op = operators[ids[i]];
            index += _opIndex(op, eth);
            if (!op.removed) burn += _opFee(op, eth);
        }
    }

    /// Settles every operator of the cluster and moves its validator count by `n` (up or down).
    function _updateOperators(uint64[] calldata ids, bool eth, bool increase, uint32 n, bool registering)
        private
        returns (uint64 index, uint64 burn)
    {
        for (uint256 i = 0; i < ids.length; i++) {
            uint64 id = ids[i];
            Operator storage op = operators[id];
            if (registering) {
                if (op.owner == address(0) || op.removed) revert OperatorDoesNotExist();
                if (op.isPrivate && !operatorWhitelist[id][msg.sender]) revert CallerNotWhitelistedWithData(id);
            }
            if (!op.removed) {
                _settleOperator(op, eth);
                if (increase) {
                    if (eth) op.ethValidatorCount += n;
                    else op.validatorCount += n;
                    if (uint256(op.ethValidatorCount) + op.validatorCount > validatorsPerOperatorLimit) {
                        revert ExceedValidatorLimitWithData(id);
                    }
                } else {
                    if (eth) op.ethValidatorCount -= n;
                    else op.validatorCount -= n;
                }
                burn += _opFee(op, eth);
            }
            index += _snapshot(op, eth).index;
        }
    }

    // ---------------------------------------------------------------- cluster accounting

    function _clusterId(address clusterOwner, uint64[] calldata ids) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(clusterOwner, ids));
    }

    function _hash(Cluster memory c) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(c.validatorCount, c.networkFeeIndex, c.index, c.balance, c.active));
    }

    function _load(address clusterOwner, uint64[] calldata ids, Cluster memory c)
        private
        view
        returns (bytes32 id, bool eth)
    {
        id = _clusterId(clusterOwner, ids);
        bytes32 h = ethClusters[id];
        eth = h != bytes32(0);
        if (!eth) {
            h = clusters[id];
            if (h == bytes32(0)) revert ClusterDoesNotExist();
        }
        if (h != _hash(c)) revert IncorrectClusterState();
    }

    function _loadETH(address clusterOwner, uint64[] calldata ids, Cluster memory c) private view returns (bytes32 id) {
        bool eth;
        (id, eth) = _load(clusterOwner, ids, c);
        if (!eth) revert IncorrectClusterVersion();
    }

    function _loadSSV(address clusterOwner, uint64[] calldata ids, Cluster memory c) private view returns (bytes32 id) {
        bool eth;
        (id, eth) = _load(clusterOwner, ids, c);
        if (eth) revert IncorrectClusterVersion();
    }

    function _store(bytes32 id, Cluster memory c, bool eth) private {
        if (eth) ethClusters[id] = _hash(c);
        else clusters[id] = _hash(c);
    }

    function _vUnits(bytes32 id, uint32 validatorCount, bool eth) private view returns (uint64) {
        uint64 explicitUnits = eth ? clusterVUnits[id] : 0;
        return explicitUnits != 0 ? explicitUnits : uint64(validatorCount) * VUNITS;
    }

    /// The cluster's balance at this block: the two packed index deltas, each floored after scaling by
    /// vUnits (ETH) or multiplied by the validator count (legacy, where vUnits = count·10000).
    function _settledBalance(Cluster memory c, uint64 index, uint64 netIndex, uint64 u, bool eth)
        private
        pure
        returns (uint256)
    {
        uint256 fees = (uint256(netIndex - c.networkFeeIndex) * u / VUNITS + uint256(index - c.index) * u / VUNITS)
            * _digits(eth);
        return fees > c.balance ? 0 : c.balance - fees;
    }

    function _settle(Cluster memory c, uint64 index, uint64 u, bool eth) private view {
        uint64 netIndex = _netIndex(eth);
        c.balance = _settledBalance(c, index, netIndex, u, eth);
        c.index = index;
        c.networkFeeIndex = netIndex;
    }

    function _liquidatable(uint256 balance, uint64 burn, uint64 u, bool eth) private view returns (bool) {
        uint256 digits = _digits(eth);
        uint256 mlc = uint256(eth ? minimumLiquidationCollateral : minimumLiquidationCollateralSSV) * digits;
        if (balance < mlc) return true;
        uint256 ltp = eth ? liquidationThresholdPeriod : liquidationThresholdPeriodSSV;
        uint256 threshold = ltp * (uint256(burn) + _network(eth).fee) * u / VUNITS * digits;
        return balance < threshold;
    }

    function _validateIds(uint64[] calldata ids) private pure {
        uint256 len = ids.length;
        if (len < 4 || len > 13 || len % 3 != 1) revert InvalidOperatorIdsLength();
        for (uint256 i = 1; i < len; i++) {
            if (ids[i - 1] > ids[i]) revert UnsortedOperatorsList();
            if (ids[i - 1] == ids[i]) revert OperatorsListNotUnique();
        }
    }

    function _register(uint64[] calldata ids, Cluster memory c, uint32 n, bool eth, uint256 amount) private {
        _validateIds(ids);
        bytes32 id = _clusterId(msg.sender, ids);
        bytes32 h = eth ? ethClusters[id] : clusters[id];
        if ((eth ? clusters[id] : ethClusters[id]) != bytes32(0)) revert IncorrectClusterVersion();
        if (h == bytes32(0)) {
            if (c.validatorCount != 0 || c.networkFeeIndex != 0 || c.index != 0 || c.balance != 0 || !c.active) {
                revert IncorrectClusterState();
            }
        } else {
            if (h != _hash(c)) revert IncorrectClusterState();
            if (!c.active) revert ClusterIsLiquidated();
        }
        (uint64 index, uint64 burn) = _updateOperators(ids, eth, true, n, true);
        c.balance += amount;
        _settle(c, index, _vUnits(id, c.validatorCount, eth), eth);
        c.validatorCount += n;
        if (eth && clusterVUnits[id] != 0) clusterVUnits[id] += uint64(n) * VUNITS;
        if (_liquidatable(c.balance, burn, _vUnits(id, c.validatorCount, eth), eth)) revert InsufficientBalance();
        _store(id, c, eth);
    }

    function _addValidator(bytes calldata publicKey, uint64[] calldata ids) private {
        if (publicKey.length != 48) revert InvalidPublicKeyLength();
        bytes32 key = keccak256(abi.encodePacked(publicKey, msg.sender));
        if (validatorPKs[key] != bytes32(0)) revert ValidatorAlreadyExistsWithData(publicKey);
        validatorPKs[key] = bytes32(uint256(keccak256(abi.encodePacked(ids))) | 1);
        ownerNonce[msg.sender] += 1;
    }

    function _removeValidator(bytes calldata publicKey, uint64[] calldata ids, bool single) private {
        bytes32 key = keccak256(abi.encodePacked(publicKey, msg.sender));
        bytes32 data = validatorPKs[key];
        if (data == bytes32(0) && single) revert ValidatorDoesNotExist();
        if (data | bytes32(uint256(1)) != bytes32(uint256(keccak256(abi.encodePacked(ids))) | 1)) {
            revert IncorrectValidatorStateWithData(publicKey);
        }
        delete validatorPKs[key];
    }

    function _removeFromCluster(uint64[] calldata ids, Cluster memory c, uint32 n) private {
        (bytes32 id, bool eth) = _load(msg.sender, ids, c);
        if (c.active) {
            (uint64 index,) = _updateOperators(ids, eth, false, n, false);
            _settle(c, index, _vUnits(id, c.validatorCount, eth), eth);
        }
        c.validatorCount -= n;
        if (eth && clusterVUnits[id] != 0) {
            clusterVUnits[id] = c.validatorCount == 0 ? 0 : clusterVUnits[id] - uint64(n) * VUNITS;
        }
        _store(id, c, eth);
    }

    function _liquidate(address clusterOwner, uint64[] calldata ids, Cluster memory c, bytes32 id, bool eth) private {
        if (!c.active) revert ClusterIsLiquidated();
        (uint64 index, uint64 burn) = _updateOperators(ids, eth, false, c.validatorCount, false);
        uint64 u = _vUnits(id, c.validatorCount, eth);
        c.balance = _settledBalance(c, index, _netIndex(eth), u, eth);
        if (
            msg.sender != clusterOwner
                && !(c.validatorCount > 0 && _liquidatable(c.balance, burn, u, eth))
        ) revert ClusterNotLiquidatable();
        uint256 payout = c.balance;
        c.networkFeeIndex = 0;
        c.index = 0;
        c.active = false;
        c.balance = 0;
        _store(id, c, eth);
        _pay(msg.sender, payout, eth);
        emit ClusterLiquidated(clusterOwner, ids, c);
    }

    function _pay(address to, uint256 amount, bool eth) private {
        if (amount == 0) return;
        if (eth) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert ETHTransferFailed();
        } else if (!token.transfer(to, amount)) {
            revert TokenTransferFailed();
        }
    }

    // ---------------------------------------------------------------- validators and clusters

    function registerValidator(
        bytes calldata publicKey,
        uint64[] calldata operatorIds,
        bytes calldata sharesData,
        Cluster memory cluster
    ) external payable override {
        _register(operatorIds, cluster, 1, true, msg.value);
        _addValidator(publicKey, operatorIds);
        emit ValidatorAdded(msg.sender, operatorIds, publicKey, sharesData, cluster);
    }

    function bulkRegisterValidator(
        bytes[] calldata publicKeys,
        uint64[] calldata operatorIds,
        bytes[] calldata sharesData,
        Cluster memory cluster
    ) external payable override {
        if (publicKeys.length == 0) revert EmptyPublicKeysList();
        if (publicKeys.length != sharesData.length) revert PublicKeysSharesLengthMismatch();
        _register(operatorIds, cluster, uint32(publicKeys.length), true, msg.value);
        for (uint256 i = 0; i < publicKeys.length; i++) {
            _addValidator(publicKeys[i], operatorIds);
            emit ValidatorAdded(msg.sender, operatorIds, publicKeys[i], sharesData[i], cluster);
        }
    }

    function removeValidator(bytes calldata publicKey, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        override
    {
        _removeValidator(publicKey, operatorIds, true);
        _removeFromCluster(operatorIds, cluster, 1);
        emit ValidatorRemoved(msg.sender, operatorIds, publicKey, cluster);
    }

    function bulkRemoveValidator(bytes[] calldata publicKeys, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        override
    {
        if (publicKeys.length == 0) revert ValidatorDoesNotExist();
        for (uint256 i = 0; i < publicKeys.length; i++) {
            _removeValidator(publicKeys[i], operatorIds, false);
        }
        _removeFromCluster(operatorIds, cluster, uint32(publicKeys.length));
        for (uint256 i = 0; i < publicKeys.length; i++) {
            emit ValidatorRemoved(msg.sender, operatorIds, publicKeys[i], cluster);
        }
    }

    function exitValidator(bytes calldata publicKey, uint64[] calldata operatorIds) external override {
        _checkExit(publicKey, operatorIds);
        emit ValidatorExited(msg.sender, operatorIds, publicKey);
    }

    function bulkExitValidator(bytes[] calldata publicKeys, uint64[] calldata operatorIds) external override {
        if (publicKeys.length == 0) revert ValidatorDoesNotExist();
        for (uint256 i = 0; i < publicKeys.length; i++) {
            _checkExit(publicKeys[i], operatorIds);
            emit ValidatorExited(msg.sender, operatorIds, publicKeys[i]);
        }
    }

    function _checkExit(bytes calldata publicKey, uint64[] calldata ids) private view {
        bytes32 data = validatorPKs[keccak256(abi.encodePacked(publicKey, msg.sender))];
        if (data == bytes32(0) || data != bytes32(uint256(keccak256(abi.encodePacked(ids))) | 1)) {
            revert IncorrectValidatorStateWithData(publicKey);
        }
    }

    function deposit(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        payable
        override
    {
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        cluster.balance += msg.value;
        _store(id, cluster, true);
        emit ClusterDeposited(clusterOwner, operatorIds, msg.value, cluster);
    }

    function withdraw(uint64[] calldata operatorIds, uint256 amount, Cluster memory cluster) external override {
        bytes32 id = _loadETH(msg.sender, operatorIds, cluster);
        uint64 burn;
        uint64 u = _vUnits(id, cluster.validatorCount, true);
        if (cluster.active) {
            uint64 index;
            (index, burn) = _clusterIndex(operatorIds, true);
            _settle(cluster, index, u, true);
        }
        if (cluster.balance < amount) revert InsufficientBalance();
        cluster.balance -= amount;
        if (cluster.active && cluster.validatorCount > 0 && _liquidatable(cluster.balance, burn, u, true)) {
            revert InsufficientBalance();
        }
        _store(id, cluster, true);
        _pay(msg.sender, amount, true);
        emit ClusterWithdrawn(msg.sender, operatorIds, amount, cluster);
    }

    function reactivate(uint64[] calldata operatorIds, Cluster memory cluster) external payable override {
        bytes32 id = _loadETH(msg.sender, operatorIds, cluster);
        if (cluster.active) revert ClusterAlreadyEnabled();
        (uint64 index, uint64 burn) = _updateOperators(operatorIds, true, true, cluster.validatorCount, false);
        cluster.balance += msg.value;
        cluster.active = true;
        cluster.index = index;
        cluster.networkFeeIndex = _netIndex(true);
        if (
            cluster.validatorCount > 0
                && _liquidatable(cluster.balance, burn, _vUnits(id, cluster.validatorCount, true), true)
        ) revert InsufficientBalance();
        _store(id, cluster, true);
        emit ClusterReactivated(msg.sender, operatorIds, cluster);
    }

    function liquidate(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        override
    {
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        _liquidate(clusterOwner, operatorIds, cluster, id, true);
    }

    function liquidateSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        override
    {
        bytes32 id = _loadSSV(clusterOwner, operatorIds, cluster);
        _liquidate(clusterOwner, operatorIds, cluster, id, false);
    }

    function migrateClusterToETH(uint64[] calldata operatorIds, Cluster memory cluster) external payable override {
        bytes32 id = _loadSSV(msg.sender, operatorIds, cluster);
        bool wasActive = cluster.active;
        uint32 count = cluster.validatorCount;
        if (wasActive) {
            (uint64 ssvIndex,) = _updateOperators(operatorIds, false, false, count, false);
            _settle(cluster, ssvIndex, uint64(count) * VUNITS, false);
        }
        uint256 refund = cluster.balance;
        delete clusters[id];
        (uint64 index, uint64 burn) = _updateOperators(operatorIds, true, true, count, false);
        Cluster memory next = Cluster(count, _netIndex(true), index, true, msg.value);
        if (count > 0 && _liquidatable(next.balance, burn, uint64(count) * VUNITS, true)) revert InsufficientBalance();
        _store(id, next, true);
        _pay(msg.sender, refund, false);
        emit ClusterMigratedToETH(msg.sender, operatorIds, msg.value, refund, count * 32, next);
        if (!wasActive) emit ClusterReactivated(msg.sender, operatorIds, next);
    }

    function setFeeRecipientAddress(address recipientAddress) external override {
        emit FeeRecipientAddressUpdated(msg.sender, recipientAddress);
    }

    // ---------------------------------------------------------------- test-only hooks

    function setLegacyRegistrationOpen(bool open) external onlyOwner {
        legacyRegistrationOpen = open;
    }

    /// v1.2.0 `registerValidator` (SSV pulled with transferFrom), available only while the double
    /// emulates the state before the v2 upgrade.
    function legacyRegisterValidator(
        bytes calldata publicKey,
        uint64[] calldata operatorIds,
        bytes calldata sharesData,
        uint256 amount,
        Cluster memory cluster
    ) external {
        if (!legacyRegistrationOpen) revert IncorrectClusterVersion();
        _register(operatorIds, cluster, 1, false, amount);
        _addValidator(publicKey, operatorIds);
        if (amount > 0 && !token.transferFrom(msg.sender, address(this), amount)) revert TokenTransferFailed();
        emit ValidatorAdded(msg.sender, operatorIds, publicKey, sharesData, cluster);
    }

    /// Sets an operator's legacy SSV fee (settling at the old rate first).
    function setOperatorFeeSSV(uint64 operatorId, uint256 fee) external onlyOwner {
        Operator storage op = _existing(operatorId);
        _settleOperator(op, false);
        op.fee = _pack(fee, false);
    }

    /// Stands in for an oracle-proven effective-balance update (§8.6 D5): settles with the old vUnits,
    /// sets vUnits = ceil(EB·10000/32) and liquidates (paying msg.sender) when now liquidatable.
    function updateClusterEffectiveBalance(
        address clusterOwner,
        uint64[] calldata operatorIds,
        Cluster memory cluster,
        uint32 effectiveBalance
    ) external onlyOwner {
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        uint256 v = cluster.validatorCount;
        if (effectiveBalance < 32 * v) revert EBBelowMinimum();
        if (effectiveBalance > 2048 * v) revert EBExceedsMaximum();
        uint64 burn;
        if (cluster.active) {
            uint64 index;
            (index, burn) = _clusterIndex(operatorIds, true);
            _settle(cluster, index, _vUnits(id, cluster.validatorCount, true), true);
        }
        uint64 u = uint64((uint256(effectiveBalance) * VUNITS + 31) / 32);
        clusterVUnits[id] = u;
        if (cluster.active && cluster.validatorCount > 0 && _liquidatable(cluster.balance, burn, u, true)) {
            _updateOperators(operatorIds, true, false, cluster.validatorCount, false);
            uint256 payout = cluster.balance;
            cluster.networkFeeIndex = 0;
            cluster.index = 0;
            cluster.active = false;
            cluster.balance = 0;
            _pay(msg.sender, payout, true);
            emit ClusterLiquidated(clusterOwner, operatorIds, cluster);
        }
        _store(id, cluster, true);
        emit ClusterBalanceUpdated(clusterOwner, operatorIds, uint64(block.number), effectiveBalance, cluster);
    }

    function getOwnerNonce(address clusterOwner) external view returns (uint256) {
        return ownerNonce[clusterOwner];
    }

    // ---------------------------------------------------------------- operators

    function _existing(uint64 operatorId) private view returns (Operator storage op) {
        op = operators[operatorId];
        if (op.owner == address(0) || op.removed) revert OperatorDoesNotExist();
    }

    function _ownedOperator(uint64 operatorId) private view returns (Operator storage op) {
        op = _existing(operatorId);
        if (op.owner != msg.sender) revert CallerNotOwnerWithData(msg.sender, op.owner);
    }

    function registerOperator(bytes calldata publicKey, uint256 fee, bool setPrivate)
        external
        override
        returns (uint64 id)
    {
        if (fee != 0 && fee < minimumOperatorEthFee) revert FeeTooLow();
        if (fee > operatorMaxFee) revert FeeTooHigh();
        bytes32 pkHash = keccak256(publicKey);
        if (operatorsPKs[pkHash] != 0) revert OperatorAlreadyExists();
        id = ++lastOperatorId;
        operatorsPKs[pkHash] = id;
        Operator storage op = operators[id];
        op.owner = msg.sender;
        op.isPrivate = setPrivate;
        op.ethFee = _pack(fee, true);
        op.ethSnapshot.block = uint32(block.number);
        op.snapshot.block = uint32(block.number);
        emit OperatorAdded(id, msg.sender, publicKey, fee);
        if (setPrivate) {
            uint64[] memory ids = new uint64[](1);
            ids[0] = id;
            emit OperatorPrivacyStatusUpdated(ids, true);
        }
    }

    function removeOperator(uint64 operatorId) external override {
        Operator storage op = _ownedOperator(operatorId);
        _settleOperator(op, true);
        _settleOperator(op, false);
        op.removed = true;
        op.fee = 0;
        op.ethFee = 0;
        op.validatorCount = 0;
        op.ethValidatorCount = 0;
        op.snapshot.block = 0;
        op.snapshot.balance = 0;
        op.ethSnapshot.block = 0;
        op.ethSnapshot.balance = 0;
        emit OperatorRemoved(operatorId);
    }

    function declareOperatorFee(uint64 operatorId, uint256 fee) external override {
        Operator storage op = _ownedOperator(operatorId);
        if (fee != 0 && fee < minimumOperatorEthFee) revert FeeTooLow();
        if (fee > operatorMaxFee) revert FeeTooHigh();
        uint64 packed = _pack(fee, true);
        if (packed == op.ethFee) revert SameFeeChangeNotAllowed();
        if (op.ethFee == 0 && packed > 0) revert FeeIncreaseNotAllowed();
        if (uint256(packed) > uint256(op.ethFee) * (10_000 + operatorMaxFeeIncrease) / 10_000) {
            revert FeeExceedsIncreaseLimit();
        }
        uint64 begin = uint64(block.timestamp) + declareOperatorFeePeriod;
        feeDeclarations[operatorId] = FeeDeclaration(packed, begin, begin + executeOperatorFeePeriod);
        emit OperatorFeeDeclared(msg.sender, operatorId, block.number, fee);
    }

    function executeOperatorFee(uint64 operatorId) external override {
        Operator storage op = _ownedOperator(operatorId);
        FeeDeclaration memory d = feeDeclarations[operatorId];
        if (d.approvalBeginTime == 0) revert NoFeeDeclared();
        if (block.timestamp < d.approvalBeginTime || block.timestamp > d.approvalEndTime) {
            revert ApprovalNotWithinTimeframe();
        }
        _settleOperator(op, true);
        op.ethFee = d.fee;
        delete feeDeclarations[operatorId];
        emit OperatorFeeExecuted(msg.sender, operatorId, block.number, uint256(d.fee) * ETH_DIGITS);
    }

    function reduceOperatorFee(uint64 operatorId, uint256 fee) external override {
        Operator storage op = _ownedOperator(operatorId);
        uint64 packed = _pack(fee, true);
        if (packed >= op.ethFee) revert FeeIncreaseNotAllowed();
        if (fee != 0 && fee < minimumOperatorEthFee) revert FeeTooLow();
        _settleOperator(op, true);
        op.ethFee = packed;
        delete feeDeclarations[operatorId];
        emit OperatorFeeExecuted(msg.sender, operatorId, block.number, fee);
    }

    function setOperatorsWhitelists(uint64[] calldata operatorIds, address[] calldata whitelistAddresses)
        external
        override
    {
        if (whitelistAddresses.length == 0) revert InvalidWhitelistAddressesLength();
        for (uint256 i = 0; i < operatorIds.length; i++) {
            _ownedOperator(operatorIds[i]);
            for (uint256 j = 0; j < whitelistAddresses.length; j++) {
                if (whitelistAddresses[j] == address(0)) revert ZeroAddressNotAllowed();
                operatorWhitelist[operatorIds[i]][whitelistAddresses[j]] = true;
            }
        }
        emit OperatorMultipleWhitelistUpdated(operatorIds, whitelistAddresses);
    }

    // ---------------------------------------------------------------- DAO

    function _updateNetworkFee(uint256 fee, bool eth) private returns (uint256 old) {
        Fees storage n = _network(eth);
        uint64 packed = _pack(fee, eth);
        old = uint256(n.fee) * _digits(eth);
        n.index = _netIndex(eth);
        n.blockNumber = uint32(block.number);
        n.fee = packed;
    }

    function updateNetworkFee(uint256 fee) external override onlyOwner {
        emit NetworkFeeUpdated(_updateNetworkFee(fee, true), fee);
    }

    function updateNetworkFeeSSV(uint256 fee) external override onlyOwner {
        emit NetworkFeeUpdatedSSV(_updateNetworkFee(fee, false), fee);
    }

    function updateLiquidationThresholdPeriod(uint64 blocks) external override onlyOwner {
        if (blocks < MINIMAL_LIQUIDATION_THRESHOLD) revert NewBlockPeriodIsBelowMinimum();
        liquidationThresholdPeriod = blocks;
        emit LiquidationThresholdPeriodUpdated(blocks);
    }

    function updateLiquidationThresholdPeriodSSV(uint64 blocks) external override onlyOwner {
        if (blocks < MINIMAL_LIQUIDATION_THRESHOLD) revert NewBlockPeriodIsBelowMinimum();
        liquidationThresholdPeriodSSV = blocks;
        emit LiquidationThresholdPeriodSSVUpdated(blocks);
    }

    function updateMinimumLiquidationCollateral(uint256 amount) external override onlyOwner {
        minimumLiquidationCollateral = _pack(amount, true);
        emit MinimumLiquidationCollateralUpdated(amount);
    }

    function updateMinimumLiquidationCollateralSSV(uint256 amount) external override onlyOwner {
        minimumLiquidationCollateralSSV = _pack(amount, false);
        emit MinimumLiquidationCollateralSSVUpdated(amount);
    }

    function updateMaximumOperatorFee(uint256 maxFee) external override onlyOwner {
        operatorMaxFee = maxFee;
        emit OperatorMaximumFeeUpdated(maxFee);
    }

    function updateMinimumOperatorEthFee(uint256 minFee) external override onlyOwner {
        if (minFee > operatorMaxFee) revert InvalidOperatorFeeRange();
        minimumOperatorEthFee = minFee;
        emit MinimumOperatorEthFeeUpdated(minFee);
    }

    // ---------------------------------------------------------------- views

    function getBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        override
        returns (uint256 balance, uint256 ebBalance)
    {
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        (uint64 index,) = _clusterIndex(operatorIds, true);
        uint64 u = _vUnits(id, cluster.validatorCount, true);
        balance = _settledBalance(cluster, index, _netIndex(true), u, true);
        ebBalance = uint256(u) * 32 / VUNITS;
    }

    function getBalanceSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        override
        returns (uint256)
    {
        _loadSSV(clusterOwner, operatorIds, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        (uint64 index,) = _clusterIndex(operatorIds, false);
        return _settledBalance(cluster, index, _netIndex(false), uint64(cluster.validatorCount) * VUNITS, false);
    }

    function getBurnRate(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        override
        returns (uint256)
    {
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        (, uint64 burn) = _clusterIndex(operatorIds, true);
        uint256 rate = (uint256(burn) + ethNetwork.fee) * ETH_DIGITS;
        return rate * _vUnits(id, cluster.validatorCount, true) / VUNITS;
    }

    function getBurnRateSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        override
        returns (uint256)
    {
        _loadSSV(clusterOwner, operatorIds, cluster);
        (, uint64 burn) = _clusterIndex(operatorIds, false);
        return (uint256(burn) + ssvNetwork.fee) * cluster.validatorCount * SSV_DIGITS;
    }

    function _isLiquidatable(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster, bool eth)
        private
        view
        returns (bool)
    {
        bytes32 id = eth ? _loadETH(clusterOwner, operatorIds, cluster) : _loadSSV(clusterOwner, operatorIds, cluster);
        if (!cluster.active || cluster.validatorCount == 0) return false;
        (uint64 index, uint64 burn) = _clusterIndex(operatorIds, eth);
        uint64 u = _vUnits(id, cluster.validatorCount, eth);
        return _liquidatable(_settledBalance(cluster, index, _netIndex(eth), u, eth), burn, u, eth);
    }

    function isLiquidatable(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        override
        returns (bool)
    {
        return _isLiquidatable(clusterOwner, operatorIds, cluster, true);
    }

    function isLiquidatableSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        override
        returns (bool)
    {
        return _isLiquidatable(clusterOwner, operatorIds, cluster, false);
    }

    function isLiquidated(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        override
        returns (bool)
    {
        _load(clusterOwner, operatorIds, cluster);
        return !cluster.active;
    }

    function getNetworkFee() external view override returns (uint256) {
        return uint256(ethNetwork.fee) * ETH_DIGITS;
    }

    function getNetworkFeeSSV() external view override returns (uint256) {
        return uint256(ssvNetwork.fee) * SSV_DIGITS;
    }

    function getOperatorFee(uint64 operatorId) external view override returns (uint256) {
        return uint256(_known(operatorId).ethFee) * ETH_DIGITS;
    }

    function getOperatorFeeSSV(uint64 operatorId) external view override returns (uint256) {
        return uint256(_known(operatorId).fee) * SSV_DIGITS;
    }

    function _known(uint64 operatorId) private view returns (Operator storage op) {
        op = operators[operatorId];
        if (op.owner == address(0)) revert OperatorDoesNotExist();
    }

    function getOperatorById(uint64 operatorId)
        external
        view
        override
        returns (address, uint256, uint32, address, bool, bool)
    {
        Operator storage op = _known(operatorId);
        return (op.owner, uint256(op.ethFee) * ETH_DIGITS, op.ethValidatorCount, address(0), op.isPrivate, !op.removed);
    }

    function getOperatorByIdSSV(uint64 operatorId)
        external
        view
        override
        returns (address, uint256, uint32, address, bool, bool)
    {
        Operator storage op = _known(operatorId);
        return (op.owner, uint256(op.fee) * SSV_DIGITS, op.validatorCount, address(0), op.isPrivate, !op.removed);
    }

    function getValidatorsPerOperatorLimit() external view override returns (uint32) {
        return validatorsPerOperatorLimit;
    }

    function getLiquidationThresholdPeriod() external view override returns (uint64) {
        return liquidationThresholdPeriod;
    }

    function getLiquidationThresholdPeriodSSV() external view override returns (uint64) {
        return liquidationThresholdPeriodSSV;
    }

    function getMinimumLiquidationCollateral() external view override returns (uint256) {
        return uint256(minimumLiquidationCollateral) * ETH_DIGITS;
    }

    function getMinimumLiquidationCollateralSSV() external view override returns (uint256) {
        return uint256(minimumLiquidationCollateralSSV) * SSV_DIGITS;
    }

    function getClusterVersion(address clusterOwner, uint64[] calldata operatorIds)
        external
        view
        override
        returns (uint8)
    {
        return clusters[_clusterId(clusterOwner, operatorIds)] != bytes32(0) ? VERSION_SSV : VERSION_ETH;
    }

    function getEffectiveBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        override
        returns (uint32)
    {
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        return uint32(uint256(_vUnits(id, cluster.validatorCount, true)) * 32 / VUNITS);
    }

    function getValidator(address clusterOwner, bytes calldata publicKey) external view override returns (bool) {
        bytes32 data = validatorPKs[keccak256(abi.encodePacked(publicKey, clusterOwner))];
        if (data == bytes32(0)) revert ValidatorDoesNotExist();
        return uint256(data) & 1 == 1;
    }

    function getVersion() external pure override returns (string memory) {
        return "v2.0.0";
    }
}

/// SSVNetworkViews: forwards every view to SSVNetwork, bubbling reverts unchanged.
contract SSVNetworkViews {
    address public immutable ssvNetwork;

    constructor(address _ssvNetwork) {
        ssvNetwork = _ssvNetwork;
    }

    fallback() external {
        address target = ssvNetwork;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := staticcall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }
}
