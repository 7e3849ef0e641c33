# The README's contract: `make run` and `make test` work on a fresh Debian 12 machine.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DATA_DIR ?= ./var
LISTEN ?= 127.0.0.1:8080
CMAKE_FLAGS ?= $(if $(CI),-DCLEANROOM_WERROR=ON,)

.PHONY: bootstrap build run test test-postgres test-sanitize test-moto format format-check bench clean

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

# The API suite with every server's catalog on PostgreSQL (one throwaway server per test process,
# a database per data dir; tests/api/postgres_catalog.py), and the catalog's unit tests on it (they
# also run in `make test`).
test-postgres: build
	cd $(BUILD_DIR) && CLEANROOM_TEST_CATALOG=postgresql \
	  ctest --output-on-failure -j $(JOBS) --timeout 600 -R '^api\.|_postgres$$'

# ASan and UBSan over the unit and API tests (the browser test excepted), then TSan over the
# tests of what runs concurrently: the catalog's writer and readers, the upload and query pools,
# the privacy budgets spent by concurrent queries. Each build has its own folder. CI does not run
# it: two more builds and an instrumented run do not fit its time on two cores.
CONCURRENCY_TESTS ?= DatabaseTest|UploadJobs|ProtectedQueries|OrphanedQueries|TwoNodeQueries|PrivacyBudgets|DifferenceChecksTest|SignInThrottle|ConsoleSessions|Engine\.
test-sanitize: bootstrap
	cmake -S . -B build-asan -DCLEANROOM_SANITIZE=address $(CMAKE_FLAGS)
	cmake --build build-asan -j $(JOBS) --target cleanroom unit_tests
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 900 -E '^console\.'
	cmake -S . -B build-tsan -DCLEANROOM_SANITIZE=thread $(CMAKE_FLAGS)
	cmake --build build-tsan -j $(JOBS) --target unit_tests
	cd build-tsan && TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/scripts/tsan-suppressions" \
	  ctest --output-on-failure -j $(JOBS) --timeout 900 -R '$(CONCURRENCY_TESTS)'

# moto's own Clean Rooms tests (a checkout of getmoto/moto, brought here by hand: CI has none)
# against a fresh server per test; docs/clean-rooms-api.md lists where cleanroom differs and why.
test-moto: build
	@test -n "$(MOTO)" || { echo "usage: make test-moto MOTO=/path/to/moto (a checkout or its git dir)"; exit 2; }
	CLEANROOM_BIN=$(CURDIR)/$(BUILD_DIR)/cleanroom python3 tests/peer/run_moto_cleanrooms.py $(MOTO)

# Every C++ source formatted as .clang-format says; format-check fails on any that is not.
FORMATTED = $(shell git ls-files 'src/*.cpp' 'src/*.h' 'tests/unit/*.cpp' 'tests/unit/*.h' 'tests/support/*.cpp' 'tests/support/*.h' 'bench/*.cpp')
format:
	@clang-format -i $(FORMATTED)
format-check: bootstrap
	@clang-format --dry-run --Werror $(FORMATTED) && echo "format-check: $(words $(FORMATTED)) files formatted"

bench: build
	scripts/bench $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan
