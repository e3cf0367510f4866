# The two commands of the quick start, plus a few conveniences.
.PHONY: deps build release debug demo test fuzz fuzz-long bench clean format

deps:
	@scripts/install-deps

release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release

debug: deps
	cmake --preset debug >/dev/null
	cmake --build --preset debug

build: release

demo: release
	@scripts/demo build/release/src/cli/cloudtwin

test: debug
	@scripts/run-fuzz-smoke
	ctest --preset debug

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz

# Each fuzz target for FUZZ_SECONDS (default 10 minutes) instead of the fixed smoke run.
fuzz-long: deps
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} scripts/run-fuzz-smoke

bench: deps
	cmake --preset release -DCLOUDTWIN_BENCH=ON >/dev/null
	cmake --build --preset release

format:
	find src tests bench fuzz -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build
