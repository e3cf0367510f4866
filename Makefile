# The two commands of the quick start, plus a few conveniences.
.PHONY: deps build release debug demo test fuzz fuzz-long bench clean format install deb

# Where `make install` puts cloudtwin; DESTDIR=DIR stages the same tree under DIR.
PREFIX ?= /usr/local

deps:
	@scripts/install-deps

release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release

debug: deps
	cmake --preset debug >/dev/null
	cmake --build --preset debug

build: release

# The release program to $(PREFIX)/bin, its man page to share/man/man1 and its bash, zsh and
# fish completions under share/ (written by the program itself, so they match its options).
install: release
	DESTDIR="$(DESTDIR)" cmake --install build/release --prefix "$(PREFIX)"

# A Debian package of the release build: build/cloudtwin_VERSION_ARCH.deb (scripts/make-deb).
deb: release
	scripts/make-deb build/release build

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
