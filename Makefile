# SPDX-License-Identifier: Apache-2.0
# The front door. `make run` starts a development CA; `make test` builds and runs every test.
DATA ?= var/dev
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: deps build run test asan fuzz bench format clean

deps:
	@scripts/install-deps.sh

build: deps
	@[ -f build/build.ninja ] || cmake --preset dev >/dev/null
	@cmake --build build -j $(JOBS)

run: build
	@scripts/run-dev.sh build "$(DATA)" "$(LISTEN)"

test: build
	@ctest --test-dir build --output-on-failure -j $(JOBS)

asan: deps
	@[ -f build-asan/build.ninja ] || cmake --preset asan >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@ctest --test-dir build-asan --output-on-failure -j $(JOBS)

bench: deps
	@bench/run

format:
	@git ls-files '*.cpp' '*.hpp' '*.c' '*.h' | xargs clang-format-14 -i

clean:
	rm -rf build build-asan build-release
