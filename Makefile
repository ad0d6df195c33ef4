# vanphong — entry points. The logic lives in scripts/ (see docs/operations-scripts.md).
#   make run     install what is missing, build, serve the demo on http://127.0.0.1:8080 (./data)
#   make test    install, build, start throw-away PostgreSQL + SMTP, run all tests
# Variables (make VAR=... or environment): BUILD_DIR (build), BUILD_TYPE (RelWithDebInfo),
# JOBS (nproc capped at 2), ARGS (extra `vanphong serve` arguments for `make run`).
SHELL := /bin/bash
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
export BUILD_DIR BUILD_TYPE
ifdef JOBS
export JOBS
endif
ARGS ?=
FORMAT_FILES = $(shell find src tests -path tests/browser -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help deps build run test bench clean format

help: ## this list
	@echo "vanphong make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 16
	@echo "variables: BUILD_DIR=$(BUILD_DIR) BUILD_TYPE=$(BUILD_TYPE) JOBS=<nproc, max 2> ARGS=<serve args>"

deps: ## install missing Debian packages (build, test and bench)
	scripts/install-deps.sh --test --bench

build: ## install missing build packages, configure (Ninja, ccache) and build everything (app + tests)
	scripts/install-deps.sh
	scripts/build.sh

run: ## build and serve the demo on http://127.0.0.1:8080 with SQLite in ./data/
	scripts/run-demo.sh $(ARGS)

test: ## build and run all tests (ctest unit/db/http/e2e + browser) with throw-away PostgreSQL and SMTP
	scripts/test-all.sh

bench: ## benchmarks: static file and article page vs nginx, search at 100k items, tasks at 200k, live-event fan-out (writes docs/performance.md)
	scripts/install-deps.sh --test --bench
	scripts/build.sh vanphong vp_portal_search_bench vp_tasks_bench
	bench/http/run.sh
	bench/site/run.sh
	bench/search/run.sh
	bench/tasks/run.sh
	bench/events/run.sh

clean: ## remove the build folder
	rm -rf -- "$(BUILD_DIR)"

format: ## clang-format the C++ lines changed since the last commit (FORMAT_ALL=1: every file)
	@command -v clang-format >/dev/null || { echo "clang-format is not installed (apt-get install clang-format)"; exit 1; }
	@if [ -n "$(FORMAT_ALL)" ]; then clang-format -i $(FORMAT_FILES); \
	 else git clang-format --extensions cpp,hpp,h,cc HEAD -- src tests || true; fi
