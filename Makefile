# Atiende: run, test and benchmark on a fresh Debian/Ubuntu machine. See DESIGN.md "Running and testing".
#
#   make run          install what is missing, build, start local PostgreSQL + Redis, migrate, seed, serve
#   make stop         stop the local PostgreSQL and Redis of this checkout
#   make test         every test stage (results in .data/results; .ci/run prints the totals)
#   make bench-live   bin/atiende bench live
#   make bench-board  bin/atiende bench board
#   make bench-tickets bin/atiende bench tickets (1,000,000 tickets; the records table)
#   make bench-access bin/atiende bench access (100,000-person genealogy, 1,000,000 tickets; visibility)
#   make bench-workflow bin/atiende bench workflow (2,000 status moves over HTTP with 100 active rules)
#   make bench-sla    bin/atiende bench sla (SLA counts over 1,000,000 tickets; 10,000 breach timers)
#   make bench-dashboard-server  bin/atiende bench dashboard (every widget over 1,000,000 tickets, server time)
#   make gen          regenerate code from shared/ (npm run gen)
#
# With DATABASE_URL and REDIS_URL both set, those servers are used and nothing is started.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:
MAKEFLAGS += --no-print-directory

SERVICES := bash scripts/services.sh
NPM_RUN  := bash scripts/npm-run.sh
BIN      := bin/atiende
RESULTS  := $(CURDIR)/.data/results

# Prefixes for a recipe line that needs the services: SVC_ENV exports DATABASE_URL and REDIS_URL;
# TEST_ENV also ATIENDE_TEST_DATABASE_URL (same server, database postgres) and ATIENDE_TEST_REDIS_URL.
SVC_ENV  := eval "$$($(SERVICES) env)";
TEST_ENV := eval "$$($(SERVICES) env --test)";

# npm ci only when node_modules is missing or older than package-lock.json.
NPM_CI := if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then npm ci; else echo "node_modules is up to date"; fi

GO_BUILD := go build -tags embed -o $(BIN) ./server/cmd/atiende

.PHONY: help run stop services ensure deps build build-web build-go gen bench bench-live bench-board bench-tickets bench-access bench-workflow bench-sla bench-dashboard-server test test-fuzz \
	test-services test-vet test-go test-npm-ci test-check-gen test-typecheck test-lint test-vitest \
	test-web-build test-go-build test-e2e

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

# ---------------------------------------------------------------- run

ensure:
	$(SERVICES) ensure

services:
	$(SERVICES) start

deps:
	$(NPM_CI)

build-web: deps
	$(NPM_RUN) build

build-go:
	$(GO_BUILD)

build: build-web build-go

run: ensure build services
	$(SVC_ENV) $(BIN) migrate && $(BIN) seed && exec $(BIN) serve

stop:
	$(SERVICES) stop

gen: deps
	$(NPM_RUN) gen

bench-live: ensure build services
	$(SVC_ENV) exec $(BIN) bench live

bench-board: ensure build services
	$(SVC_ENV) exec $(BIN) bench board

bench-tickets: ensure build services
	$(SVC_ENV) exec $(BIN) bench tickets

bench-access: ensure build services
	$(SVC_ENV) exec $(BIN) bench access

bench-workflow: ensure build services
	$(SVC_ENV) exec $(BIN) bench workflow

bench-sla: ensure build services
	$(SVC_ENV) exec $(BIN) bench sla

bench-dashboard-server: ensure build services
	$(SVC_ENV) exec $(BIN) bench dashboard

bench: ensure build services
	$(SVC_ENV) $(BIN) bench live && $(BIN) bench board && $(BIN) bench tickets && $(BIN) bench access && $(BIN) bench workflow && $(BIN) bench sla

# The dashboard figures of issue 7: the server's widget times (`atiende bench dashboard`, 1,000,000 tickets) and
# the browser's (scripts/bench-board.mjs: a board of 2,000 cards in headless Chromium, the initial JavaScript),
# then one summary line. Fails with a message when the build has no dashboard benchmark.
#   make bench-dashboard  bench dashboard + scripts/bench-board.mjs; last line: bench-dashboard tickets=… board2000_ms=…
.PHONY: bench-dashboard
bench-dashboard: ensure build services
	$(SERVICES) ensure --browser
	$(TEST_ENV) \
	server="$$($(BIN) bench dashboard 2>&1 | tee -a /dev/stderr)" || { echo "bench-dashboard: \`$(BIN) bench dashboard\` failed (see above; a build without the dashboard benchmark says \"unknown benchmark\")" >&2; exit 1; }; \
	browser="$$(ATIENDE_BIN="$(CURDIR)/$(BIN)" ATIENDE_CHROMIUM=/usr/bin/chromium node scripts/bench-board.mjs 2>&1 | tee -a /dev/stderr)" || { echo "bench-dashboard: scripts/bench-board.mjs failed (see above)" >&2; exit 1; }; \
	node scripts/bench-dashboard-summary.mjs "$$server" "$$browser"

# ---------------------------------------------------------------- test
# Each stage records .data/results/stage-<name>.passed or .failed for scripts/summarize.mjs;
# `make -k` runs every stage even after a failed one and exits non-zero if any failed.

TEST_STAGES := test-services test-vet test-go test-fuzz test-npm-ci test-check-gen test-typecheck test-lint \
	test-vitest test-web-build test-go-build test-e2e

test: export ATIENDE_PG_FAST := 1
test: export NO_COLOR := 1
test: export CI := true
test:
	rm -rf "$(RESULTS)" && mkdir -p "$(RESULTS)"
	$(MAKE) -k $(TEST_STAGES)

banner = @mkdir -p "$(RESULTS)"; printf '\n==== %s ====\n' '$(1)'
passed = @touch "$(RESULTS)/stage-$(1).passed"
failed = { touch "$(RESULTS)/stage-$(1).failed"; echo "==== stage $(1) FAILED"; exit 1; }

test-services:
	$(call banner,services: ensure (with browser) and start PostgreSQL + Redis)
	$(SERVICES) ensure --browser --race && $(SERVICES) start || $(call failed,services)
	$(call passed,services)

test-vet:
	$(call banner,go vet)
	go vet ./... || $(call failed,vet)
	$(call passed,vet)

test-go:
	$(call banner,go test -race)
	$(TEST_ENV) go test -race -count=1 -timeout 30m -json ./... | node scripts/gotest-report.mjs "$(RESULTS)/go.jsonl" || $(call failed,go)
	$(call passed,go)

# The fuzz targets' seed corpora run with test-go; here each also explores new inputs for a while.
FUZZ_TIME ?= 20s
FUZZ_TARGETS := markdown:FuzzRender attachments:FuzzNormalizeFilename tickets:FuzzRankBetween

test-fuzz:
	$(call banner,go fuzz ($(FUZZ_TIME) per target))
	for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t#*:}; \
		go test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZ_TIME) ./server/internal/$$pkg/ || exit 1; \
	done || $(call failed,fuzz)
	$(call passed,fuzz)

test-npm-ci:
	$(call banner,npm ci)
	$(NPM_CI) || $(call failed,npm-ci)
	$(call passed,npm-ci)

test-check-gen:
	$(call banner,npm run check:gen)
	$(NPM_RUN) check:gen || $(call failed,check-gen)
	$(call passed,check-gen)

test-typecheck:
	$(call banner,npm run typecheck)
	$(NPM_RUN) typecheck || $(call failed,typecheck)
	$(call passed,typecheck)

test-lint:
	$(call banner,npm run lint)
	$(NPM_RUN) lint || $(call failed,lint)
	$(call passed,lint)

test-vitest:
	$(call banner,npm test (Vitest))
	$(NPM_RUN) test --reporter=default --reporter=json --outputFile="$(RESULTS)/vitest.json" || $(call failed,vitest)
	$(call passed,vitest)

test-web-build:
	$(call banner,npm run build)
	$(NPM_RUN) build || $(call failed,web-build)
	$(call passed,web-build)

test-go-build:
	$(call banner,go build -tags embed)
	$(GO_BUILD) || $(call failed,go-build)
	$(call passed,go-build)

test-e2e:
	$(call banner,npm run e2e (headless Chromium))
	$(TEST_ENV) ATIENDE_E2E_JSON="$(RESULTS)/e2e.json" ATIENDE_BIN="$(CURDIR)/$(BIN)" ATIENDE_CHROMIUM=/usr/bin/chromium \
		$(NPM_RUN) e2e || $(call failed,e2e)
	$(call passed,e2e)
