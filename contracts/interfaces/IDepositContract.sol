// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

// The beacon chain deposit contract (consensus-specs `deposit_contract.sol`).
interface IDepositContract {
    event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index);

    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable;
    function get_deposit_root() external view returns (bytes32);
    function get_deposit_count() external view returns (bytes memory);
}
