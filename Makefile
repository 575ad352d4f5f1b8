# The two commands of the quick start:
#   make demo   the router daemon end to end on a local chain
#   make test   installs the tools, then fmt, clippy, every test and cargo-deny
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help tools test demo fmt lint deny contracts

help:
	@echo "make demo   run the router daemon end to end on a local chain"
	@echo "make test   install tools, then fmt --check, clippy, all tests, cargo-deny"

tools:
	scripts/install-tools.sh

test:
	scripts/test.sh

demo:
	scripts/demo.sh

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets -- -D warnings

deny:
	scripts/deny.sh

contracts:
	scripts/build-contracts.sh
