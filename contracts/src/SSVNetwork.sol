// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

import {ISSVNetworkEvents} from "../interfaces/ISSVNetwork.sol";
import {IERC20} from "../interfaces/IERC20.sol";

/// SSV Network v2.0.0 test double: ETH clusters (fees in msg.value, vUnits) and legacy SSV-token
/// clusters, with the accounting of the SSV Network v2.0.0 contracts (legacy clusters packed ÷1e7,
/// ETH clusters packed ÷1e5 and scaled by vUnits). One contract holds the state and the views;
/// SSVNetworkViews forwards to it, as the real proxy pair does. Every external function is one of
/// the published v2.0.0 ABI's (abi/SSVNetwork.json, abi/SSVNetworkViews.json) with its selector and
/// outputs, or a test-only hook whose name starts with `test`; devnet's abi_conformance test checks
/// both. Effective balances change only as on chain: oracles commit a Merkle root by weighted vote
/// (`commitRoot`) and anyone proves a cluster's leaf against it (`updateClusterBalance`).
///
/// Test-only hooks (not on chain): `testRegisterLegacyOperator` and `testRegisterLegacyValidator`
/// create operators and SSV clusters as they existed before the v2 upgrade; `testSetOperatorFeeSSV`
/// sets an operator's legacy SSV fee; `testAnnounceUpgradeBlock` emits `SSVNetworkUpgradeBlock`
/// again at the current block, so that what was seeded before reads as pre-v2 history to an
/// indexer (on chain the event is emitted once, at the upgrade).
contract SSVNetwork is ISSVNetworkEvents {
    uint256 private constant SSV_DIGITS = 10_000_000;
    uint256 private constant ETH_DIGITS = 100_000;
    uint64 private constant VUNITS = 10_000;
    uint64 private constant MINIMAL_LIQUIDATION_THRESHOLD = 21_480;
    uint8 private constant VERSION_SSV = 0;
    uint8 private constant VERSION_ETH = 1;
    /// The ETH fee v2 gives a legacy operator with a non-zero SSV fee (April-2026 code).
    uint64 private constant DEFAULT_OPERATOR_ETH_FEE = 1_778_800_000;
    uint16 private constant BPS = 10_000;

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

    /// `getOperatorById` output.
    struct OperatorView {
        address owner;
        uint256 fee;
        uint32 validatorCount;
        address whitelistedAddress;
        bool isPrivate;
        bool isActive;
    }

    /// `getOperatorFeePeriods` output.
    struct OperatorFeePeriods {
        uint64 declarePeriod;
        uint64 executePeriod;
    }

    address public immutable owner;
    IERC20 private immutable token;
    uint256 private reentrancyStatus = 1;

    uint64 private lastOperatorId;
    mapping(uint64 => Operator) private operators;
    mapping(bytes32 => uint64) private operatorsPKs;
    mapping(uint64 => mapping(address => bool)) private operatorWhitelist;
    mapping(uint64 => FeeDeclaration) private feeDeclarations;

    mapping(bytes32 => bytes32) private clusters;
    mapping(bytes32 => bytes32) private ethClusters;
    mapping(bytes32 => uint64) private clusterVUnits;
    mapping(bytes32 => bytes32) private validatorPKs;
    /// Block of the oracle root each cluster's effective balance was last proven against.
    mapping(bytes32 => uint64) private clusterEBBlock;

    uint32[4] private activeOracleIds;
    mapping(uint32 => address) private oracles;
    uint16 private quorumBps;
    uint64 private latestCommittedBlock;
    mapping(uint64 => bytes32) private committedRoots;
    mapping(uint64 => mapping(uint32 => bool)) private oracleVoted;
    mapping(uint64 => mapping(bytes32 => uint256)) private rootWeight;

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
        ethNetwork.blockNumber = _toUint32(block.number);
        ssvNetwork.blockNumber = _toUint32(block.number);
        activeOracleIds = [uint32(1), 2, 3, 4];
        quorumBps = 7_500;
        emit SSVNetworkUpgradeBlock("v2.0.0", block.number);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert CallerNotOwnerWithData(msg.sender, owner);
        _;
    }

    modifier nonReentrant() {
        if (reentrancyStatus == 2) revert ReentrancyGuardReentrantCall();
        reentrancyStatus = 2;
        _;
        reentrancyStatus = 1;
    }

    function _toUint32(uint256 value) private pure returns (uint32) {
        if (value > type(uint32).max) revert SafeCastOverflow();
        return uint32(value);
    }

    function _toUint64(uint256 value) private pure returns (uint64) {
        if (value > type(uint64).max) revert SafeCastOverflow();
        return uint64(value);
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
        s.block = _toUint32(block.number);
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
    ) external payable nonReentrant {
        _register(operatorIds, cluster, 1, true, msg.value);
        _addValidator(publicKey, operatorIds);
        emit ValidatorAdded(msg.sender, operatorIds, publicKey, sharesData, cluster);
    }

    function bulkRegisterValidator(
        bytes[] calldata publicKeys,
        uint64[] calldata operatorIds,
        bytes[] calldata sharesData,
        Cluster memory cluster
    ) external payable nonReentrant {
        if (publicKeys.length == 0) revert EmptyPublicKeysList();
        if (publicKeys.length != sharesData.length) revert PublicKeysSharesLengthMismatch();
        _register(operatorIds, cluster, _toUint32(publicKeys.length), true, msg.value);
        for (uint256 i = 0; i < publicKeys.length; i++) {
            _addValidator(publicKeys[i], operatorIds);
            emit ValidatorAdded(msg.sender, operatorIds, publicKeys[i], sharesData[i], cluster);
        }
    }

    function removeValidator(bytes calldata publicKey, uint64[] calldata operatorIds, Cluster memory cluster)
        external
       
    {
        _removeValidator(publicKey, operatorIds, true);
        _removeFromCluster(operatorIds, cluster, 1);
        emit ValidatorRemoved(msg.sender, operatorIds, publicKey, cluster);
    }

    function bulkRemoveValidator(bytes[] calldata publicKeys, uint64[] calldata operatorIds, Cluster memory cluster)
        external
       
    {
        if (publicKeys.length == 0) revert ValidatorDoesNotExist();
        for (uint256 i = 0; i < publicKeys.length; i++) {
            _removeValidator(publicKeys[i], operatorIds, false);
        }
        _removeFromCluster(operatorIds, cluster, _toUint32(publicKeys.length));
        for (uint256 i = 0; i < publicKeys.length; i++) {
            emit ValidatorRemoved(msg.sender, operatorIds, publicKeys[i], cluster);
        }
    }

    function exitValidator(bytes calldata publicKey, uint64[] calldata operatorIds) external {
        _checkExit(publicKey, operatorIds);
        emit ValidatorExited(msg.sender, operatorIds, publicKey);
    }

    function bulkExitValidator(bytes[] calldata publicKeys, uint64[] calldata operatorIds) external {
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
       
    {
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        cluster.balance += msg.value;
        _store(id, cluster, true);
        emit ClusterDeposited(clusterOwner, operatorIds, msg.value, cluster);
    }

    function withdraw(uint64[] calldata operatorIds, uint256 amount, Cluster memory cluster) external nonReentrant {
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

    function reactivate(uint64[] calldata operatorIds, Cluster memory cluster) external payable nonReentrant {
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
       
    {
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        _liquidate(clusterOwner, operatorIds, cluster, id, true);
    }

    function liquidateSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
       
    {
        bytes32 id = _loadSSV(clusterOwner, operatorIds, cluster);
        _liquidate(clusterOwner, operatorIds, cluster, id, false);
    }

    function migrateClusterToETH(uint64[] calldata operatorIds, Cluster memory cluster) external payable nonReentrant {
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

    function setFeeRecipientAddress(address recipientAddress) external {
        emit FeeRecipientAddressUpdated(msg.sender, recipientAddress);
    }

    // ---------------------------------------------------------------- effective balances

    function _oracleId(address oracle) private view returns (uint32) {
        for (uint256 i = 0; i < 4; i++) {
            uint32 id = activeOracleIds[i];
            if (oracles[id] == oracle && oracle != address(0)) return id;
        }
        revert NotOracle();
    }

    /// An oracle's vote for the Merkle root of every cluster's effective balance at `blockNum`
    /// (one weight per oracle); the root is committed once the votes reach `quorumBps`.
    function commitRoot(bytes32 merkleRoot, uint64 blockNum) external {
        uint32 oracleId = _oracleId(msg.sender);
        if (blockNum > block.number) revert FutureBlockNumber();
        if (blockNum <= latestCommittedBlock) revert StaleBlockNumber();
        if (oracleVoted[blockNum][oracleId]) revert AlreadyVoted();
        oracleVoted[blockNum][oracleId] = true;
        uint256 weight = rootWeight[blockNum][merkleRoot] + 1;
        rootWeight[blockNum][merkleRoot] = weight;
        uint256 quorum = (4 * uint256(quorumBps) + BPS - 1) / BPS;
        emit WeightedRootProposed(merkleRoot, blockNum, weight, quorum, oracleId, msg.sender);
        if (weight >= quorum) {
            committedRoots[blockNum] = merkleRoot;
            latestCommittedBlock = blockNum;
            emit RootCommitted(merkleRoot, blockNum);
        }
    }

    /// Anyone proves a cluster's effective balance against the latest committed root. Settles with
    /// the old vUnits, sets vUnits = ceil(EB·10000/32) and liquidates (paying msg.sender) when the
    /// cluster is now liquidatable. The leaf is keccak256(keccak256(abi.encode(clusterId, EB))).
    function updateClusterBalance(
        uint64 blockNum,
        address clusterOwner,
        uint64[] calldata operatorIds,
        Cluster memory cluster,
        uint32 effectiveBalance,
        bytes32[] calldata merkleProof
    ) external nonReentrant {
        bytes32 root = committedRoots[blockNum];
        if (root == bytes32(0)) revert RootNotFound();
        if (blockNum != latestCommittedBlock) revert MustUseLatestRoot();
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        if (blockNum <= clusterEBBlock[id]) revert StaleUpdate();
        bytes32 node = keccak256(bytes.concat(keccak256(abi.encode(id, effectiveBalance))));
        for (uint256 i = 0; i < merkleProof.length; i++) {
            bytes32 p = merkleProof[i];
            node = node < p ? keccak256(abi.encode(node, p)) : keccak256(abi.encode(p, node));
        }
        if (node != root) revert InvalidProof();
        clusterEBBlock[id] = blockNum;
        uint256 v = cluster.validatorCount;
        if (effectiveBalance < 32 * v) revert EBBelowMinimum();
        if (effectiveBalance > 2048 * v) revert EBExceedsMaximum();
        uint64 burn;
        if (cluster.active) {
            uint64 index;
            (index, burn) = _clusterIndex(operatorIds, true);
            _settle(cluster, index, _vUnits(id, cluster.validatorCount, true), true);
        }
        uint64 u = _toUint64((uint256(effectiveBalance) * VUNITS + 31) / 32);
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
        emit ClusterBalanceUpdated(clusterOwner, operatorIds, blockNum, effectiveBalance, cluster);
    }

    function replaceOracle(uint32 oracleId, address newOracle) external onlyOwner {
        bool known;
        for (uint256 i = 0; i < 4; i++) {
            if (activeOracleIds[i] == oracleId) known = true;
            else if (oracles[activeOracleIds[i]] == newOracle) revert OracleAlreadyAssigned();
        }
        if (!known) revert InvalidOracleId();
        if (newOracle == address(0)) revert ZeroAddress();
        address old = oracles[oracleId];
        if (old == newOracle) revert SameOracleAddressNotAllowed();
        oracles[oracleId] = newOracle;
        emit OracleReplaced(oracleId, old, newOracle);
    }

    function updateQuorumBps(uint16 quorum) external onlyOwner {
        if (quorum == 0 || quorum > BPS) revert InvalidQuorum();
        quorumBps = quorum;
        emit QuorumUpdated(quorum);
    }

    // ---------------------------------------------------------------- test-only hooks

    /// An operator as registered before the v2 upgrade: an SSV fee, and the ETH fee v2 assigns such
    /// an operator (`DEFAULT_OPERATOR_ETH_FEE` when its SSV fee is non-zero).
    function testAnnounceUpgradeBlock() external onlyOwner {
        emit SSVNetworkUpgradeBlock("v2.0.0", block.number);
    }

    function testRegisterLegacyOperator(bytes calldata publicKey, uint256 ssvFee) external returns (uint64 id) {
        bytes32 pkHash = keccak256(publicKey);
        if (operatorsPKs[pkHash] != 0) revert OperatorAlreadyExists();
        id = ++lastOperatorId;
        operatorsPKs[pkHash] = id;
        Operator storage op = operators[id];
        op.owner = msg.sender;
        op.fee = _pack(ssvFee, false);
        op.ethFee = ssvFee > 0 ? DEFAULT_OPERATOR_ETH_FEE / uint64(ETH_DIGITS) : 0;
        op.ethSnapshot.block = _toUint32(block.number);
        op.snapshot.block = _toUint32(block.number);
        emit OperatorAdded(id, msg.sender, publicKey, ssvFee);
    }

    /// v1.2.0 `registerValidator` (SSV pulled with transferFrom): creates or extends a legacy SSV
    /// cluster, as it would exist from before the v2 upgrade.
    function testRegisterLegacyValidator(
        bytes calldata publicKey,
        uint64[] calldata operatorIds,
        bytes calldata sharesData,
        uint256 amount,
        Cluster memory cluster
    ) external {
        _register(operatorIds, cluster, 1, false, amount);
        _addValidator(publicKey, operatorIds);
        if (amount > 0 && !token.transferFrom(msg.sender, address(this), amount)) revert TokenTransferFailed();
        emit ValidatorAdded(msg.sender, operatorIds, publicKey, sharesData, cluster);
    }

    /// Sets an operator's legacy SSV fee (settling at the old rate first).
    function testSetOperatorFeeSSV(uint64 operatorId, uint256 fee) external onlyOwner {
        Operator storage op = _existing(operatorId);
        _settleOperator(op, false);
        op.fee = _pack(fee, false);
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
        op.ethSnapshot.block = _toUint32(block.number);
        op.snapshot.block = _toUint32(block.number);
        emit OperatorAdded(id, msg.sender, publicKey, fee);
        if (setPrivate) {
            uint64[] memory ids = new uint64[](1);
            ids[0] = id;
            emit OperatorPrivacyStatusUpdated(ids, true);
        }
    }

    function removeOperator(uint64 operatorId) external {
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

    function declareOperatorFee(uint64 operatorId, uint256 fee) external {
        Operator storage op = _ownedOperator(operatorId);
        if (fee != 0 && fee < minimumOperatorEthFee) revert FeeTooLow();
        if (fee > operatorMaxFee) revert FeeTooHigh();
        uint64 packed = _pack(fee, true);
        if (packed == op.ethFee) revert SameFeeChangeNotAllowed();
        if (op.ethFee == 0 && packed > 0) revert FeeIncreaseNotAllowed();
        if (uint256(packed) > uint256(op.ethFee) * (10_000 + operatorMaxFeeIncrease) / 10_000) {
            revert FeeExceedsIncreaseLimit();
        }
        uint64 begin = _toUint64(block.timestamp) + declareOperatorFeePeriod;
        feeDeclarations[operatorId] = FeeDeclaration(packed, begin, begin + executeOperatorFeePeriod);
        emit OperatorFeeDeclared(msg.sender, operatorId, block.number, fee);
    }

    function executeOperatorFee(uint64 operatorId) external {
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

    function reduceOperatorFee(uint64 operatorId, uint256 fee) external {
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
        n.blockNumber = _toUint32(block.number);
        n.fee = packed;
    }

    function updateNetworkFee(uint256 fee) external onlyOwner {
        emit NetworkFeeUpdated(_updateNetworkFee(fee, true), fee);
    }

    function updateNetworkFeeSSV(uint256 fee) external onlyOwner {
        emit NetworkFeeUpdatedSSV(_updateNetworkFee(fee, false), fee);
    }

    function updateLiquidationThresholdPeriod(uint64 blocks) external onlyOwner {
        if (blocks < MINIMAL_LIQUIDATION_THRESHOLD) revert NewBlockPeriodIsBelowMinimum();
        liquidationThresholdPeriod = blocks;
        emit LiquidationThresholdPeriodUpdated(blocks);
    }

    function updateLiquidationThresholdPeriodSSV(uint64 blocks) external onlyOwner {
        if (blocks < MINIMAL_LIQUIDATION_THRESHOLD) revert NewBlockPeriodIsBelowMinimum();
        liquidationThresholdPeriodSSV = blocks;
        emit LiquidationThresholdPeriodSSVUpdated(blocks);
    }

    function updateMinimumLiquidationCollateral(uint256 amount) external onlyOwner {
        minimumLiquidationCollateral = _pack(amount, true);
        emit MinimumLiquidationCollateralUpdated(amount);
    }

    function updateMinimumLiquidationCollateralSSV(uint256 amount) external onlyOwner {
        minimumLiquidationCollateralSSV = _pack(amount, false);
        emit MinimumLiquidationCollateralSSVUpdated(amount);
    }

    function updateMaximumOperatorFee(uint256 maxFee) external onlyOwner {
        operatorMaxFee = maxFee;
        emit OperatorMaximumFeeUpdated(maxFee);
    }

    function updateMinimumOperatorEthFee(uint256 minFee) external onlyOwner {
        if (minFee > operatorMaxFee) revert InvalidOperatorFeeRange();
        minimumOperatorEthFee = minFee;
        emit MinimumOperatorEthFeeUpdated(minFee);
    }

    // ---------------------------------------------------------------- views

    function getBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256 balance)
    {
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        (uint64 index,) = _clusterIndex(operatorIds, true);
        balance = _settledBalance(cluster, index, _netIndex(true), _vUnits(id, cluster.validatorCount, true), true);
    }

    function getBalanceSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
       
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
       
        returns (bool)
    {
        return _isLiquidatable(clusterOwner, operatorIds, cluster, true);
    }

    function isLiquidatableSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
       
        returns (bool)
    {
        return _isLiquidatable(clusterOwner, operatorIds, cluster, false);
    }

    function isLiquidated(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
       
        returns (bool)
    {
        _load(clusterOwner, operatorIds, cluster);
        return !cluster.active;
    }

    function getNetworkFee() external view returns (uint256) {
        return uint256(ethNetwork.fee) * ETH_DIGITS;
    }

    function getNetworkFeeSSV() external view returns (uint256) {
        return uint256(ssvNetwork.fee) * SSV_DIGITS;
    }

    function getOperatorFee(uint64 operatorId) external view returns (uint256) {
        return uint256(_known(operatorId).ethFee) * ETH_DIGITS;
    }

    function getOperatorFeeSSV(uint64 operatorId) external view returns (uint256) {
        return uint256(_known(operatorId).fee) * SSV_DIGITS;
    }

    function _known(uint64 operatorId) private view returns (Operator storage op) {
        op = operators[operatorId];
        if (op.owner == address(0)) revert OperatorDoesNotExist();
    }

    function getOperatorById(uint64 operatorId) external view returns (OperatorView memory) {
        Operator storage op = _known(operatorId);
        return OperatorView(
            op.owner, uint256(op.ethFee) * ETH_DIGITS, op.ethValidatorCount, address(0), op.isPrivate, !op.removed
        );
    }

    function getOperatorByIdSSV(uint64 operatorId) external view returns (OperatorView memory) {
        Operator storage op = _known(operatorId);
        return OperatorView(
            op.owner, uint256(op.fee) * SSV_DIGITS, op.validatorCount, address(0), op.isPrivate, !op.removed
        );
    }

    function getOperatorFeePeriods() external view returns (OperatorFeePeriods memory) {
        return OperatorFeePeriods(declareOperatorFeePeriod, executeOperatorFeePeriod);
    }

    function getOperatorFeeIncreaseLimit() external view returns (uint64) {
        return operatorMaxFeeIncrease;
    }

    function getMaximumOperatorFee() external view returns (uint256) {
        return operatorMaxFee;
    }

    function getMinimumOperatorEthFee() external view returns (uint256) {
        return minimumOperatorEthFee;
    }

    function getValidatorsPerOperatorLimit() external view returns (uint32) {
        return validatorsPerOperatorLimit;
    }

    function getLiquidationThresholdPeriod() external view returns (uint64) {
        return liquidationThresholdPeriod;
    }

    function getLiquidationThresholdPeriodSSV() external view returns (uint64) {
        return liquidationThresholdPeriodSSV;
    }

    function getMinimumLiquidationCollateral() external view returns (uint256) {
        return uint256(minimumLiquidationCollateral) * ETH_DIGITS;
    }

    function getMinimumLiquidationCollateralSSV() external view returns (uint256) {
        return uint256(minimumLiquidationCollateralSSV) * SSV_DIGITS;
    }

    /// 0 for a legacy SSV cluster, 1 for an ETH cluster.
    function getClusterAssetType(address owner_, uint64[] calldata operatorIds) external view returns (uint8) {
        bytes32 id = _clusterId(owner_, operatorIds);
        if (ethClusters[id] != bytes32(0)) return VERSION_ETH;
        if (clusters[id] != bytes32(0)) return VERSION_SSV;
        revert ClusterDoesNotExist();
    }

    function getOracle(uint32 oracleId) external view returns (address) {
        return oracles[oracleId];
    }

    function getActiveOracleIds() external view returns (uint32[4] memory) {
        return activeOracleIds;
    }

    function getQuorumBps() external view returns (uint16) {
        return quorumBps;
    }

    function getCommittedRoot(uint64 blockNum) external view returns (bytes32) {
        return committedRoots[blockNum];
    }

    function getEffectiveBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
       
        returns (uint32)
    {
        bytes32 id = _loadETH(clusterOwner, operatorIds, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        return uint32(uint256(_vUnits(id, cluster.validatorCount, true)) * 32 / VUNITS);
    }

    function getValidator(address clusterOwner, bytes calldata publicKey) external view returns (bool) {
        bytes32 data = validatorPKs[keccak256(abi.encodePacked(publicKey, clusterOwner))];
        if (data == bytes32(0)) revert ValidatorDoesNotExist();
        return uint256(data) & 1 == 1;
    }

    function getVersion() external pure returns (string memory) {
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
