// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

// The errors, events and cluster struct of SSV Network v2.0.0 that the SSVNetwork test double uses,
// declared exactly as the published v2.0.0 ABI has them (abi/SSVNetwork.json and
// abi/SSVNetworkViews.json; sources in abi/SOURCES.md). devnet's abi_conformance test fails if a
// declaration here drifts from those files.

interface ISSVNetworkCore {
    struct Cluster {
        uint32 validatorCount;
        uint64 networkFeeIndex;
        uint64 index;
        bool active;
        uint256 balance;
    }

    error CallerNotOwnerWithData(address caller, address owner);
    error CallerNotWhitelistedWithData(uint64 operatorId);
    error FeeTooLow();
    error FeeTooHigh();
    error FeeExceedsIncreaseLimit();
    error FeeIncreaseNotAllowed();
    error SameFeeChangeNotAllowed();
    error NoFeeDeclared();
    error ApprovalNotWithinTimeframe();
    error OperatorDoesNotExist();
    error OperatorAlreadyExists();
    error InsufficientBalance();
    error ValidatorDoesNotExist();
    error ClusterNotLiquidatable();
    error InvalidPublicKeyLength();
    error InvalidOperatorIdsLength();
    error ClusterAlreadyEnabled();
    error ClusterIsLiquidated();
    error ClusterDoesNotExist();
    error IncorrectClusterState();
    error IncorrectClusterVersion();
    error UnsortedOperatorsList();
    error OperatorsListNotUnique();
    error NewBlockPeriodIsBelowMinimum();
    error ExceedValidatorLimitWithData(uint64 operatorId);
    error TokenTransferFailed();
    error ETHTransferFailed();
    error MaxValueExceeded();
    error MaxPrecisionExceeded();
    error PublicKeysSharesLengthMismatch();
    error IncorrectValidatorStateWithData(bytes publicKey);
    error ValidatorAlreadyExistsWithData(bytes publicKey);
    error EmptyPublicKeysList();
    error InvalidWhitelistAddressesLength();
    error ZeroAddressNotAllowed();
    error InvalidOperatorFeeRange();
    error EBBelowMinimum();
    error EBExceedsMaximum();
    error RootNotFound();
    error StaleUpdate();
    error MustUseLatestRoot();
    error InvalidProof();
    error FutureBlockNumber();
    error StaleBlockNumber();
    error NotOracle();
    error AlreadyVoted();
    error InvalidOracleId();
    error InvalidQuorum();
    error OracleAlreadyAssigned();
    error SameOracleAddressNotAllowed();
    error ZeroAddress();

    // Raised by the deployed v2.0.0 modules (OpenZeppelin's reentrancy guard, SSV's safe casts) but
    // absent from the published ABI; stafi-contracts decodes them separately.
    error ReentrancyGuardReentrantCall();
    error SafeCastOverflow();
}

interface ISSVNetworkEvents is ISSVNetworkCore {
    event SSVNetworkUpgradeBlock(string version, uint256 blockNumber);
    event ValidatorAdded(address indexed owner, uint64[] operatorIds, bytes publicKey, bytes shares, Cluster cluster);
    event ValidatorRemoved(address indexed owner, uint64[] operatorIds, bytes publicKey, Cluster cluster);
    event ValidatorExited(address indexed owner, uint64[] operatorIds, bytes publicKey);
    event ClusterLiquidated(address indexed owner, uint64[] operatorIds, Cluster cluster);
    event ClusterReactivated(address indexed owner, uint64[] operatorIds, Cluster cluster);
    event ClusterDeposited(address indexed owner, uint64[] operatorIds, uint256 value, Cluster cluster);
    event ClusterWithdrawn(address indexed owner, uint64[] operatorIds, uint256 value, Cluster cluster);
    event ClusterBalanceUpdated(
        address indexed owner, uint64[] operatorIds, uint64 indexed blockNum, uint32 effectiveBalance, Cluster cluster
    );
    event ClusterMigratedToETH(
        address indexed owner,
        uint64[] operatorIds,
        uint256 ethDeposited,
        uint256 ssvRefunded,
        uint32 effectiveBalance,
        Cluster cluster
    );
    event FeeRecipientAddressUpdated(address indexed owner, address recipientAddress);
    event OperatorAdded(uint64 indexed operatorId, address indexed owner, bytes publicKey, uint256 fee);
    event OperatorRemoved(uint64 indexed operatorId);
    event OperatorFeeDeclared(address indexed owner, uint64 indexed operatorId, uint256 blockNumber, uint256 fee);
    event OperatorFeeExecuted(address indexed owner, uint64 indexed operatorId, uint256 blockNumber, uint256 fee);
    event OperatorPrivacyStatusUpdated(uint64[] operatorIds, bool toPrivate);
    event OperatorMultipleWhitelistUpdated(uint64[] operatorIds, address[] whitelistAddresses);
    event NetworkFeeUpdated(uint256 oldFee, uint256 newFee);
    event NetworkFeeUpdatedSSV(uint256 oldFee, uint256 newFee);
    event LiquidationThresholdPeriodUpdated(uint64 value);
    event LiquidationThresholdPeriodSSVUpdated(uint64 value);
    event MinimumLiquidationCollateralUpdated(uint256 value);
    event MinimumLiquidationCollateralSSVUpdated(uint256 value);
    event OperatorMaximumFeeUpdated(uint256 maxFee);
    event MinimumOperatorEthFeeUpdated(uint256 minFee);
    event WeightedRootProposed(
        bytes32 indexed merkleRoot,
        uint64 indexed blockNum,
        uint256 accumulatedWeight,
        uint256 quorum,
        uint32 oracleId,
        address oracle
    );
    event RootCommitted(bytes32 indexed merkleRoot, uint64 indexed blockNum);
    event OracleReplaced(uint32 indexed oracleId, address indexed oldOracle, address indexed newOracle);
    event QuorumUpdated(uint16 newQuorum);
}
