# Basin: the two commands a newcomer needs are `make run` and `make test`.
BUILD_DIR ?= build
DATA ?= basin-data
JOBS ?= $(shell nproc)
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
export CCACHE_COMPILERCHECK := content

.PHONY: all setup configure build test run bench fuzz format clean

all: build

setup:
	@./scripts/setup.sh

$(BUILD_DIR)/build.ninja: | setup
	cmake --preset release -B $(BUILD_DIR)

configure: $(BUILD_DIR)/build.ninja

build: setup configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

run: build
	$(BUILD_DIR)/basin server --data $(DATA) --demo

bench: build
	$(MAKE) -C bench/tpch run BASIN=$(CURDIR)/$(BUILD_DIR)/basin
	$(MAKE) -C bench/lake run BASIN=$(CURDIR)/$(BUILD_DIR)/basin
	$(BUILD_DIR)/bench/kafka/kafka_benchmark --basin $(BUILD_DIR)/basin

format:
	find src test bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
