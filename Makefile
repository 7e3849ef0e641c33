# The README's contract: `make run` and `make test` work on a fresh Debian 12 machine.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DATA_DIR ?= ./var
LISTEN ?= 127.0.0.1:8080
CMAKE_FLAGS ?= $(if $(CI),-DCLEANROOM_WERROR=ON,)

.PHONY: bootstrap build run test bench clean

bootstrap:
	@scripts/bootstrap

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: bootstrap $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Only the server binary: a first `make run` need not wait for the tests and benchmarks to build.
run: bootstrap $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS) --target cleanroom
	$(BUILD_DIR)/cleanroom serve --demo --data-dir $(DATA_DIR) --listen $(LISTEN)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

bench: build
	scripts/bench $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
