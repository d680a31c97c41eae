# sixia — 四下基层工作平台
#   make         install what the build needs (scripts/deps.sh, nothing when all is there), build
#   make run     build and start the server with demo data on http://127.0.0.1:8080
#   make test    build (ASan+UBSan) and run every test tier
#   make fuzz    run the libFuzzer drivers for a bounded time
#   make bench   load-test against nginx (not part of make test)
CC ?= cc
# Cross builds point this at the target's pkg-config (e.g. aarch64-linux-gnu-pkg-config).
PKG_CONFIG ?= pkg-config
PKGS := libmicrohttpd jansson sqlite3 libsodium xlsxwriter
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
WARN := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -g
REL_CFLAGS := $(BASE_CFLAGS) -O2
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# The test build (ASan+UBSan) also honours test hooks such as SIXIA_TEST_TODAY (st_cases.c);
# the release build never reads them.
ASAN_CFLAGS := $(BASE_CFLAGS) -O1 $(SAN) -DSX_TEST_HOOKS

SRC := $(shell find src -name '*.c' | LC_ALL=C sort)
LIB_SRC := $(filter-out src/main.c,$(SRC))
WEB_SRC := $(shell find web/src web/index.html web/public.html web/package.json web/vite.config.* -type f 2>/dev/null)
DB ?= sixia.db

.PHONY: all run test unit api browser fuzz bench clean deps deps-test web clang-check
# A bare `make` on a fresh clone needs the packages and the console's npm modules first (vite);
# the build runs in a new make so that pkg-config sees what deps has just installed.
all: deps
	@$(MAKE) --no-print-directory build/sixia

deps:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh test

# ---- the console (Vue + Element Plus, built with Vite) and the OpenAPI document ----
web/dist/index.html: $(WEB_SRC) web/package-lock.json
	cd web && npm run build --silent
	@touch $@

build/www/.stamp: web/dist/index.html docs/openapi.json
	rm -rf build/www && mkdir -p build/www
	cp -R web/dist/. build/www/
	cp docs/openapi.json build/www/openapi.json
	@touch $@

build/assets.c: build/www/.stamp tools/embed.sh
	tools/embed.sh build/www $@

# ---- release build ----
REL_OBJ := $(patsubst src/%.c,build/rel/%.o,$(SRC)) build/rel/assets.o
build/rel/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@
build/rel/assets.o: build/assets.c
	$(CC) $(REL_CFLAGS) -c $< -o $@
build/rel/store/holidays_data.o build/asan/store/holidays_data.o: data/holidays.csv
build/sixia: $(REL_OBJ)
	$(CC) $(REL_CFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

# ---- sanitizer build used by the tests ----
ASAN_OBJ := $(patsubst src/%.c,build/asan/%.o,$(SRC)) build/asan/assets.o
build/asan/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@
build/asan/assets.o: build/assets.c
	$(CC) $(ASAN_CFLAGS) -c $< -o $@
build/asan/sixia: $(ASAN_OBJ)
	$(CC) $(ASAN_CFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

# ---- unit tests (cmocka), linked against the library objects ----
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRC))
ASAN_LIB_OBJ := $(patsubst src/%.c,build/asan/%.o,$(LIB_SRC)) build/asan/assets.o
build/asan/tests/%: tests/unit/%.c $(ASAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LINK $@"
	@$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -Isrc -o $@ $^ $(PKG_LIBS) -lcmocka -lpthread

# Every source must also compile warning-free with clang (the release build uses cc = gcc).
clang-check:
	@command -v clang >/dev/null || { echo "clang not installed"; exit 1; }
	@for f in $(SRC); do clang -std=c11 -D_GNU_SOURCE $(WARN) $(PKG_CFLAGS) -fsyntax-only $$f || exit 1; done
	@echo "clang-check: $(words $(SRC)) files compile cleanly with clang"

run: deps build/sixia
	@test -f $(DB) || ./build/sixia demo --with-cases --db $(DB)
	./build/sixia serve --db $(DB)

test: deps-test build/asan/sixia $(UNIT_BIN)
	@tests/run_all.sh

unit: build/asan/sixia $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done
api: build/asan/sixia
	SIXIA_BIN=build/asan/sixia /usr/bin/python3 -m pytest -q tests/api
browser: build/asan/sixia
	SIXIA_BIN=build/asan/sixia node --test tests/browser/

# ---- fuzzing (clang + libFuzzer) ----
FUZZ_SECONDS ?= 60
build/fuzz/fuzz_json: fuzz/fuzz_json.c src/util/jsonv.c src/util/err.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -Isrc -o $@ $^ $(PKG_LIBS)
build/fuzz/fuzz_csv: fuzz/fuzz_csv.c src/util/csv.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -o $@ $^
build/fuzz/fuzz_person: fuzz/fuzz_person.c src/domain/person_id.c src/domain/query_code.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -Isrc -o $@ $^ $(PKG_LIBS)
build/fuzz/fuzz_mime: fuzz/fuzz_mime.c src/domain/mime.c src/util/jsonv.c src/util/err.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -Isrc -o $@ $^ $(PKG_LIBS)
build/fuzz/fuzz_repeat: fuzz/fuzz_repeat.c src/domain/repeat.c src/domain/repeat_lexicon.c src/domain/similar.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -o $@ $^
build/fuzz/fuzz_audit: fuzz/fuzz_audit.c src/domain/audit_chain.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -Isrc -o $@ $^ $(PKG_LIBS)
fuzz:
	@scripts/deps.sh fuzz
	$(MAKE) build/fuzz/fuzz_json build/fuzz/fuzz_csv build/fuzz/fuzz_person build/fuzz/fuzz_mime build/fuzz/fuzz_repeat \
		build/fuzz/fuzz_audit
	mkdir -p build/fuzz/corpus-json build/fuzz/corpus-csv build/fuzz/corpus-person build/fuzz/corpus-mime build/fuzz/corpus-repeat \
		build/fuzz/corpus-audit
	build/fuzz/fuzz_json -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus-json fuzz/corpus/json
	build/fuzz/fuzz_csv -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus-csv fuzz/corpus/csv
	build/fuzz/fuzz_person -max_total_time=$(FUZZ_SECONDS) -max_len=128 build/fuzz/corpus-person fuzz/corpus/person
	build/fuzz/fuzz_mime -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus-mime fuzz/corpus/mime
	build/fuzz/fuzz_repeat -max_total_time=$(FUZZ_SECONDS) -max_len=16384 build/fuzz/corpus-repeat fuzz/corpus/repeat
	build/fuzz/fuzz_audit -max_total_time=$(FUZZ_SECONDS) -max_len=512 build/fuzz/corpus-audit fuzz/corpus/audit

bench:
	@scripts/deps.sh bench
	$(MAKE) build/sixia
	bench/run.sh
	bench/cases.sh

clean:
	rm -rf build web/dist

-include $(shell find build -name '*.d' 2>/dev/null)
