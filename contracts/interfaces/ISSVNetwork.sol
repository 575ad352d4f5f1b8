// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

// SSV Network v2.0.0 interfaces, written from the published v2 ABI and ISSVNetworkCore
// (../shared/spec/ssv-contracts.md §2, §3, §8).

interface ISSVNetworkCore {
    struct Cluster {
        uint32 validatorCount;
        uint64 networkFeeIndex;
        uint64 index;
        bool active;
        uint256 balance;
    }

    // v1.2.0 errors (§2.2)
    error CallerNotOwnerWithData(address caller, address owner);
    error CallerNotWhitelistedWithData(uint64 operatorId);
    error FeeTooLow();
    error FeeExceedsIncreaseLimit();
    error NoFeeDeclared();
    error ApprovalNotWithinTimeframe();
    error OperatorDoesNotExist();
    error InsufficientBalance();
    error ValidatorDoesNotExist();
    error ClusterNotLiquidatable();
    error InvalidPublicKeyLength();
    error InvalidOperatorIdsLength();
    error ClusterAlreadyEnabled();
    error ClusterIsLiquidated();
    error ClusterDoesNotExists();
    error IncorrectClusterState();
    error UnsortedOperatorsList();
    error NewBlockPeriodIsBelowMinimum();
    error ExceedValidatorLimitWithData(uint64 operatorId);
    error TokenTransferFailed();
    error SameFeeChangeNotAllowed();
    error FeeIncreaseNotAllowed();
    error NotAuthorized();
    error OperatorsListNotUnique();
    error OperatorAlreadyExists();
    error TargetModuleDoesNotExistWithData(uint8 moduleId);
    error MaxValueExceeded();
    error FeeTooHigh();
    error PublicKeysSharesLengthMismatch();
    error IncorrectValidatorStateWithData(bytes publicKey);
    error ValidatorAlreadyExistsWithData(bytes publicKey);
    error EmptyPublicKeysList();
    error InvalidContractAddress();
    error AddressIsWhitelistingContract(address contractAddress);
    error InvalidWhitelistingContract(address contractAddress);
    error InvalidWhitelistAddressesLength();
    error ZeroAddressNotAllowed();
    // legacy v1 errors still in the ABI
    error ValidatorAlreadyExists();
    error IncorrectValidatorState();
    error ExceedValidatorLimit(uint64 operatorId);
    error CallerNotOwner();
    error TargetModuleDoesNotExist();
    error CallerNotWhitelisted();
    // v2.0.0 additions (§8.5)
    error ClusterDoesNotExist();
    error IncorrectClusterVersion();
    error ETHTransferFailed();
    error ValidatorAlreadyRegistered(bytes publicKey, address owner);
    error MaxPrecisionExceeded();
    error EBBelowMinimum();
    error EBExceedsMaximum();
    error RootNotFound();
    error UpdateTooFrequent();
    error StaleUpdate();
    error MustUseLatestRoot();
    error InvalidProof();
    error FutureBlockNumber();
    error StaleBlockNumber();
    error IncorrectOperatorVersion(uint8 version);
    error LegacyOperatorFeeDeclarationInvalid();
    error InvalidOperatorFeeRange();
    error InvalidOperatorFeeIncreaseLimit();
    error ZeroAmount();
    error ZeroAddress();
    error NotOracle();
    error AlreadyVoted();
    error StakeTooLow();
    error NothingToClaim();
    error NothingToWithdraw();
    error MaxRequestsAmountReached();
    error UnstakeAmountExceedsBalance();
    error NotCSSV();
    error InvalidToken();
    error InsufficientCSSVSupply();
    error ZeroCSSVSupply();
    error OracleAlreadyAssigned();
    error SameOracleAddressNotAllowed();
    error InvalidOracleId();
    error InvalidQuorum();
}

interface ISSVNetwork is ISSVNetworkCore {
    // cluster events (§3, §8.3)
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
    // operator and DAO events
    event OperatorAdded(uint64 indexed operatorId, address indexed owner, bytes publicKey, uint256 fee);
    event OperatorRemoved(uint64 indexed operatorId);
    event OperatorFeeDeclared(address indexed owner, uint64 indexed operatorId, uint256 blockNumber, uint256 fee);
    event OperatorFeeDeclarationCancelled(address indexed owner, uint64 indexed operatorId);
    event OperatorFeeExecuted(address indexed owner, uint64 indexed operatorId, uint256 blockNumber, uint256 fee);
    event OperatorWithdrawn(address indexed owner, uint64 indexed operatorId, uint256 value);
    event OperatorWithdrawnSSV(address indexed owner, uint64 indexed operatorId, uint256 value);
    event OperatorPrivacyStatusUpdated(uint64[] operatorIds, bool toPrivate);
    event OperatorMultipleWhitelistUpdated(uint64[] operatorIds, address[] whitelistAddresses);
    event OperatorMultipleWhitelistRemoved(uint64[] operatorIds, address[] whitelistAddresses);
    event NetworkFeeUpdated(uint256 oldFee, uint256 newFee);
    event NetworkFeeUpdatedSSV(uint256 oldFee, uint256 newFee);
    event LiquidationThresholdPeriodUpdated(uint64 value);
    event LiquidationThresholdPeriodSSVUpdated(uint64 value);
    event MinimumLiquidationCollateralUpdated(uint256 value);
    event MinimumLiquidationCollateralSSVUpdated(uint256 value);
    event OperatorMaximumFeeUpdated(uint256 maxFee);
    event MinimumOperatorEthFeeUpdated(uint256 minFee);

    // validators and clusters (v2: ETH in msg.value, §8.2)
    function registerValidator(
        bytes calldata publicKey,
        uint64[] calldata operatorIds,
        bytes calldata sharesData,
        Cluster memory cluster
    ) external payable;
    function bulkRegisterValidator(
        bytes[] calldata publicKeys,
        uint64[] calldata operatorIds,
        bytes[] calldata sharesData,
        Cluster memory cluster
    ) external payable;
    function removeValidator(bytes calldata publicKey, uint64[] calldata operatorIds, Cluster memory cluster) external;
    function bulkRemoveValidator(bytes[] calldata publicKeys, uint64[] calldata operatorIds, Cluster memory cluster)
        external;
    function exitValidator(bytes calldata publicKey, uint64[] calldata operatorIds) external;
    function bulkExitValidator(bytes[] calldata publicKeys, uint64[] calldata operatorIds) external;
    function deposit(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster) external payable;
    function withdraw(uint64[] calldata operatorIds, uint256 amount, Cluster memory cluster) external;
    function reactivate(uint64[] calldata operatorIds, Cluster memory cluster) external payable;
    function liquidate(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster) external;
    function liquidateSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster) external;
    function migrateClusterToETH(uint64[] calldata operatorIds, Cluster memory cluster) external payable;
    function setFeeRecipientAddress(address recipientAddress) external;

    // operators
    function registerOperator(bytes calldata publicKey, uint256 fee, bool setPrivate) external returns (uint64);
    function removeOperator(uint64 operatorId) external;
    function declareOperatorFee(uint64 operatorId, uint256 fee) external;
    function executeOperatorFee(uint64 operatorId) external;
    function reduceOperatorFee(uint64 operatorId, uint256 fee) external;
    function setOperatorsWhitelists(uint64[] calldata operatorIds, address[] calldata whitelistAddresses) external;

    // DAO
    function updateNetworkFee(uint256 fee) external;
    function updateNetworkFeeSSV(uint256 fee) external;
    function updateLiquidationThresholdPeriod(uint64 blocks) external;
    function updateLiquidationThresholdPeriodSSV(uint64 blocks) external;
    function updateMinimumLiquidationCollateral(uint256 amount) external;
    function updateMinimumLiquidationCollateralSSV(uint256 amount) external;
    function updateMaximumOperatorFee(uint256 maxFee) external;
    function updateMinimumOperatorEthFee(uint256 minFee) external;
}

interface ISSVNetworkViews is ISSVNetworkCore {
    function getBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256 balance, uint256 ebBalance);
    function getBalanceSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256);
    function getBurnRate(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256);
    function getBurnRateSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256);
    function isLiquidatable(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (bool);
    function isLiquidatableSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (bool);
    function isLiquidated(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (bool);
    function getNetworkFee() external view returns (uint256);
    function getNetworkFeeSSV() external view returns (uint256);
    function getOperatorFee(uint64 operatorId) external view returns (uint256);
    function getOperatorFeeSSV(uint64 operatorId) external view returns (uint256);
    function getOperatorById(uint64 operatorId)
        external
        view
        returns (
            address owner,
            uint256 fee,
            uint32 validatorCount,
            address whitelistedAddress,
            bool isPrivate,
            bool isActive
        );
    function getOperatorByIdSSV(uint64 operatorId)
        external
        view
        returns (
            address owner,
            uint256 fee,
            uint32 validatorCount,
            address whitelistedAddress,
            bool isPrivate,
            bool isActive
        );
    function getValidatorsPerOperatorLimit() external view returns (uint32);
    function getLiquidationThresholdPeriod() external view returns (uint64);
    function getLiquidationThresholdPeriodSSV() external view returns (uint64);
    function getMinimumLiquidationCollateral() external view returns (uint256);
    function getMinimumLiquidationCollateralSSV() external view returns (uint256);
    function getClusterVersion(address clusterOwner, uint64[] calldata operatorIds) external view returns (uint8);
    function getEffectiveBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster memory cluster)
        external
        view
        returns (uint32);
    function getValidator(address clusterOwner, bytes calldata publicKey) external view returns (bool);
    function getVersion() external pure returns (string memory);
}
