# Bản Đồ Số — the two commands a newcomer needs: `make run` and `make test`.
# Every target installs what it needs and is missing, so a fresh machine needs nothing else
# than Rust (rustup), Node.js/npm and, for browser tests, Debian's apt.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.8
BINARYEN_VERSION := 132.0.0
WASM_OPT_VERSION := 132
# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/version = |"/, ""); print}' Cargo.lock)
LEAFLET_DIR := public/vendor/leaflet
DATABASE_URL ?= sqlite://data/bandoso.db
BANDOSO_ADDR ?= 127.0.0.1:3000
# An existing PostgreSQL server for the PostgreSQL half of the test suite (each test makes its own database).
BANDOSO_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# A free port for the browser tests' server, so a run never collides with another server.
E2E_PORT = $(shell node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: help
help:
	@echo "make run    build and serve http://$(BANDOSO_ADDR) with demo data (installs what is missing)"
	@echo "make test   the whole suite: Rust tests on SQLite and PostgreSQL, then browser tests"
	@echo "make lint   rustfmt and clippy, warnings as errors"
	@echo "make build  release build only (server binary and wasm bundle)"
	@echo "make bench  benchmarks; reports in target/bench/"
	@echo "make soak   crash-safety soak: 4 phones sync while the server is killed and restarted (about 40 s)"

# ---- tools ---------------------------------------------------------------------------------

.PHONY: tools
tools: wasm-target cargo-leptos wasm-bindgen wasm-opt node_modules

.PHONY: wasm-target
wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

.PHONY: cargo-leptos
cargo-leptos:
	@if ! cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)"; then \
		echo "installing cargo-leptos $(CARGO_LEPTOS_VERSION) (about 11 minutes on two cores)"; \
		cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked; \
	fi

# Not --locked: the CLI's own lock file pins a webpki-roots release the registry no longer serves.
.PHONY: wasm-bindgen
wasm-bindgen:
	@if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then \
		echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi

.PHONY: wasm-opt
wasm-opt:
	@if ! wasm-opt --version 2>/dev/null | grep -q "version $(WASM_OPT_VERSION) "; then \
		echo "installing binaryen $(BINARYEN_VERSION) (wasm-opt)"; \
		npm install --global --no-audit --no-fund binaryen@$(BINARYEN_VERSION); \
	fi

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

# Leaflet is served from our own origin: no CDN on the phone's path, and nothing vendored in git.
$(LEAFLET_DIR): node_modules
	rm -rf $(LEAFLET_DIR)
	mkdir -p $(LEAFLET_DIR)
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(LEAFLET_DIR)/

.PHONY: chromium
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# The soak reads what the killed server stored with SQLite's own command-line client.
.PHONY: sqlite3-cli
sqlite3-cli:
	@command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }

# ---- build and run -------------------------------------------------------------------------

.PHONY: build
build: tools $(LEAFLET_DIR)
	cargo leptos build --release --split
	./target/release/bandoso precompress --site-root target/site

.PHONY: run
run: build
	DATABASE_URL="$(DATABASE_URL)" ./target/release/bandoso serve --demo --addr "$(BANDOSO_ADDR)"

# ---- checks --------------------------------------------------------------------------------

.PHONY: lint
lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

.PHONY: test
test: lint test-rust test-e2e soak

# PostgreSQL: used when it answers; started when it is installed but down; required under CI=true.
.PHONY: test-rust
test-rust:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start || true; \
		sleep 2; \
	fi
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		echo "== Rust tests on SQLite and PostgreSQL ($(BANDOSO_TEST_POSTGRES_URL))"; \
		BANDOSO_TEST_POSTGRES_URL="$(BANDOSO_TEST_POSTGRES_URL)" cargo test --workspace; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "CI=true but PostgreSQL is not reachable on 127.0.0.1:5432: failing"; exit 1; \
	else \
		echo "=================================================================="; \
		echo " PostgreSQL not reachable on 127.0.0.1:5432: PostgreSQL suite SKIPPED"; \
		echo " Only the SQLite half runs. Start PostgreSQL to run both."; \
		echo "=================================================================="; \
		env -u BANDOSO_TEST_POSTGRES_URL cargo test --workspace; \
	fi

# Benchmarks (not tests: they measure and report in target/bench/, they do not fail on a slow
# machine). PostgreSQL is measured too when it answers.
.PHONY: bench
bench: bench-frontend
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		BANDOSO_TEST_POSTGRES_URL="$(BANDOSO_TEST_POSTGRES_URL)" cargo bench -p bandoso-tests --bench imports --bench sync --bench map --bench geometry; \
	else \
		echo "PostgreSQL not reachable on 127.0.0.1:5432: benchmarks run on SQLite only"; \
		env -u BANDOSO_TEST_POSTGRES_URL cargo bench -p bandoso-tests --bench imports --bench sync --bench map --bench geometry; \
	fi

# Front end: first-load bytes of the map page and Lighthouse mobile scores, in Debian's Chromium
# against the release build on a loopback port (target/bench/frontend.md).
.PHONY: bench-frontend
bench-frontend: build chromium
	node tests/bench/frontend.mjs

# Crash-safety soak (issue 8): four phones sync while the release server is SIGKILLed and
# restarted; every acknowledged record must be stored exactly once. SQLite, and PostgreSQL when it
# answers. About 40 s after the build, so `make test` runs it too.
.PHONY: soak
soak: build sqlite3-cli
	node tests/soak/soak.mjs

# Browser tests: the release build on a throw-away SQLite database with demo data.
.PHONY: test-e2e
test-e2e: build chromium
	E2E_ADDR=127.0.0.1:$(E2E_PORT) npx playwright test --config tests/e2e/playwright.config.js
