# Basin: the two commands a newcomer needs are `make run` and `make test`.
BUILD_DIR ?= build
DATA ?= basin-data
JOBS ?= $(shell nproc)
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
export CCACHE_COMPILERCHECK := content

.PHONY: all setup configure build web test run bench nexmark fuzz format clean

all: build

setup:
	@./scripts/setup.sh

$(BUILD_DIR)/build.ninja: | setup
	cmake --preset release -B $(BUILD_DIR)

configure: $(BUILD_DIR)/build.ninja

build: setup configure web
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The web UI: TypeScript built by Vite into web/dist (offline: `make setup` ran npm ci), which CMake then
# compiles into the binary. Rebuilt only when its sources or packages change.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
               $(addprefix web/,index.html package.json tsconfig.json vite.config.ts)
web: web/dist/index.html
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run --silent build
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

run: build
	$(BUILD_DIR)/basin server --data $(DATA) --demo

bench: build
	$(MAKE) -C bench/tpch run BASIN=$(CURDIR)/$(BUILD_DIR)/basin
	$(MAKE) -C bench/lake run BASIN=$(CURDIR)/$(BUILD_DIR)/basin
	$(MAKE) -C bench/web run BASIN=$(CURDIR)/$(BUILD_DIR)/basin
	$(MAKE) -C bench/pgwire run BASIN=$(CURDIR)/$(BUILD_DIR)/basin
	$(BUILD_DIR)/bench/kafka/kafka_benchmark --basin $(BUILD_DIR)/basin
	$(BUILD_DIR)/bench/workflow/workflow_bench
	$(MAKE) nexmark

nexmark: build
	$(MAKE) -C bench/nexmark run BUILD_DIR=$(CURDIR)/$(BUILD_DIR)

format:
	find src test bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
