# perfcast — the user's commands. See README.md.
#   make        build native + wasm into build/ (binary build/bin/perfcast, viewer build/www/)
#   make run    install what is missing (as root), build, start the agent on http://127.0.0.1:7681/
#   make test   the same setup, then every test through ctest (release build + ASan/UBSan build)
MAKEFLAGS += --no-print-directory
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE  ?= cmake
LISTEN ?= 127.0.0.1:7681

.PHONY: all setup setup-test build build-asan run test bench clean

all: setup build

setup:
	@scripts/setup.sh build

setup-test:
	@scripts/setup.sh test

build:
	@$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	@$(CMAKE) --build build -j $(JOBS)

build-asan:
	@$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPC_SANITIZE=ON -DPC_WASM=OFF >/dev/null
	@$(CMAKE) --build build-asan -j $(JOBS)

run: setup build
	@build/bin/perfcast agent --listen $(LISTEN)

test: setup-test build build-asan
	@cd build && ctest --output-on-failure --timeout 600
	@cd build-asan && ctest --output-on-failure --timeout 600 -L asan

# Release build, run every suite, write every artifact into out/ (see README).
bench: setup build
	@scripts/reproduce.sh out

clean:
	rm -rf build build-asan
