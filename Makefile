# rgml — build, test, benchmark, demo.
#
#   make demo    build everything and run the quick preset (rgml run --preset quick)
#   make test    vet and run every test (what CI runs)
#   make bench   benchmarks, each beside its reference implementation

GO      ?= go
BIN     := bin
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
COMMIT  := $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
# Every plugins/<name>/cmd/rgml-plugin-<name> is a plugin binary.
PLUGIN_CMDS := $(wildcard plugins/*/cmd/rgml-plugin-*)
OUT     ?= out

# The learner plugins run their arithmetic on plugins/internal/kernels
# (AVX-512 or AVX2 assembly on amd64, NEON on arm64, pure Go elsewhere). Built with OpenBLAS
# (through cgo) when libopenblas is installed (Debian: libopenblas-dev),
# they use it on CPUs without AVX2, where it is faster than pure Go.
# OPENBLAS=no builds without it.
OPENBLAS ?= $(if $(wildcard /usr/lib/*/libopenblas.so /usr/lib/libopenblas.so /usr/local/lib/libopenblas.so),yes,no)
# Plugins carry neither the checkout's path nor its commit (no plugin reads
# its build information): the same source gives the same bytes, and so the
# same sha256 in step keys, from any checkout and at any commit, and a
# commit that leaves a plugin's source alone leaves its results reusable
# (sdktest.BuildFlags; TestPluginBuildIsReproducible). The rgml binary
# keeps its version stamp (LDFLAGS).
PLUGIN_FLAGS := -trimpath -buildvcs=false
ifeq ($(OPENBLAS),yes)
PLUGIN_BUILD := CGO_ENABLED=1 CGO_LDFLAGS=-lopenblas $(GO) build $(PLUGIN_FLAGS) -tags openblas
else
PLUGIN_BUILD := $(GO) build $(PLUGIN_FLAGS)
endif

# The Python model plugin (plugins/potts, not a Go command) is packed into
# one executable by its build.sh when its tools are installed (Debian:
# python3-grpcio python3-protobuf python3-numpy python3-cryptography
# protobuf-compiler protobuf-compiler-grpc); otherwise `make plugins` says
# that it skips it. PYTHON_PLUGINS=yes makes it required, =no skips it.
PYTHON_PLUGINS ?= $(shell command -v protoc >/dev/null && command -v grpc_python_plugin >/dev/null && /usr/bin/python3 -c 'import grpc, google.protobuf, numpy, cryptography' 2>/dev/null && echo yes || echo no)

# Pinned code generators for `make proto` (protoc itself: Debian's
# protobuf-compiler, 3.21.12 on bookworm).
PROTOC_GEN_GO_VERSION      := v1.36.10
PROTOC_GEN_GO_GRPC_VERSION := v1.5.1
TOOLS := $(abspath $(BIN)/tools)

.PHONY: all build rgml plugins lock test test-arm64 cross vet fuzz bench demo demo-clean proto proto-check tools clean

all: build

build: rgml plugins lock

rgml:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/rgml ./cmd/rgml

plugins:
	@mkdir -p $(BIN)/plugins
	@echo "plugins: learners on the kernels of plugins/internal/kernels$(if $(filter yes,$(OPENBLAS)),; OpenBLAS for CPUs without AVX2)"
	@for d in $(PLUGIN_CMDS); do \
		echo "$(PLUGIN_BUILD) -o $(BIN)/plugins/$$(basename $$d) ./$$d"; \
		$(PLUGIN_BUILD) -o $(BIN)/plugins/$$(basename $$d) ./$$d || exit 1; \
	done
ifeq ($(PYTHON_PLUGINS),yes)
	plugins/potts/build.sh $(BIN)/plugins/rgml-plugin-potts
else
	@echo "plugins: skipping the Python plugin rgml-plugin-potts (needs /usr/bin/python3 with grpc, protobuf, numpy, cryptography, and protoc + grpc_python_plugin)"
endif

# Record the checksums of the plugins just built: the host runs only
# binaries in the lock, and refuses one that changes afterwards.
lock: rgml plugins
	$(BIN)/rgml plugins lock

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^framework/gen/'))" || { gofmt -l $$(git ls-files '*.go' | grep -v '^framework/gen/'); echo "gofmt needed"; exit 1; }

# The learners run on the best kernels of the CPU (plugins/internal/kernels);
# their tests run once more on each lesser implementation it also runs.
KERNELS_ALSO := generic $(if $(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo y),avx2)
KERNEL_PKGS  := ./plugins/internal/kernels ./plugins/rbm/... ./plugins/thermometer/...

# -timeout bounds a hung package; cmd/rgml takes about 8 minutes on two
# quiet cores and nearly 30 beside other builds, hence 45.
test: vet
	$(GO) test -count=1 -timeout 45m ./...
	$(MAKE) fuzz
	@for k in $(KERNELS_ALSO); do \
		echo "RGML_KERNELS=$$k $(GO) test -count=1 $(KERNEL_PKGS)"; \
		RGML_KERNELS=$$k $(GO) test -count=1 -timeout 10m $(KERNEL_PKGS) || exit 1; \
	done
ifeq ($(OPENBLAS),yes)
	CGO_ENABLED=1 CGO_LDFLAGS=-lopenblas $(GO) test -count=1 -tags openblas ./plugins/...
endif
	$(MAKE) cross
	$(MAKE) test-arm64

# Every platform a physicist runs rgml on builds: rgml and every Go plugin,
# cross-compiled without cgo (the OpenBLAS build is Linux-only).
CROSS := darwin/arm64 darwin/amd64 linux/arm64
cross:
	@for p in $(CROSS); do \
		echo "GOOS=$${p%/*} GOARCH=$${p#*/} CGO_ENABLED=0 $(GO) build ./cmd/rgml $(PLUGIN_CMDS)"; \
		GOOS=$${p%/*} GOARCH=$${p#*/} CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/rgml $(addprefix ./,$(PLUGIN_CMDS)) || exit 1; \
	done

# The kernels' and the learners' tests for arm64 (the neon kernels, then
# generic, against the same float64 references as on amd64), run on another
# CPU by qemu-aarch64-static (Debian: qemu-user-static). Without a binfmt
# handler an emulated test cannot start an arm64 binary again (itself with
# RGML_TEST_EMULATOR, which the kernels' tests honour; a plugin binary):
# ARM64_SKIP are those, run natively by `make test`. On an arm64 machine
# `make test` runs them all natively; ARM64_TESTS=no skips this step.
ARM64_SKIP  := ^(TestBadKernelsEnvironment|TestPluginBinary|TestSubprocess)$$
ARM64_TESTS ?= $(if $(filter arm64 aarch64,$(shell uname -m)),native,qemu)
test-arm64:
ifeq ($(ARM64_TESTS),qemu)
	@if ! command -v qemu-aarch64-static >/dev/null; then \
		echo "test-arm64: skipped: no qemu-aarch64-static (Debian: apt-get install qemu-user-static; .ci/run installs it)"; \
	else \
		echo "RGML_TEST_EMULATOR=qemu-aarch64-static GOARCH=arm64 $(GO) test -exec qemu-aarch64-static ... $(KERNEL_PKGS)"; \
		RGML_TEST_EMULATOR=qemu-aarch64-static GOARCH=arm64 $(GO) test -exec qemu-aarch64-static -count=1 -timeout 30m -skip '$(ARM64_SKIP)' $(KERNEL_PKGS) || exit 1; \
	fi
else ifeq ($(ARM64_TESTS),native)
	@echo "test-arm64: this machine is arm64: make test ran these tests natively"
else
	@echo "test-arm64: skipped (ARM64_TESTS=$(ARM64_TESTS))"
endif

# Each fuzz target for a number of executions (the spec parser and
# planner, the .npz reader and the import checks), about 20 s each on two
# quiet cores; a failing input lands in the package's testdata/fuzz/ and
# fails `go test` from then on. Counts, not durations: Go 1.26's
# coordinator fails a target with a bare "context deadline exceeded" and
# no input when a -fuzztime duration runs out while a worker is between
# calls (go.dev/issue/75804, fixed in 1.27); a count has no deadline to
# race. FUZZTIME=30s (or 1000x) overrides every target's budget. Go spends
# up to a minute minimizing each new interesting input, at 0 execs/s:
# FUZZMINIMIZE=1x keeps the time for fuzzing.
FUZZTIME     ?=
FUZZMINIMIZE ?= 1x
FUZZ_TARGETS := ./framework/experiment:FuzzSpec:2000x ./framework/experiment:FuzzImport:20000x \
	./framework/npz:FuzzDecode:10000x ./framework/npz:FuzzReadNPY:400000x

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; budget=$${rest#*:}; \
		if [ -n "$(FUZZTIME)" ]; then budget=$(FUZZTIME); fi; \
		echo "$(GO) test -run '^$$' -fuzz '^$$name$$' -fuzztime $$budget -fuzzminimizetime $(FUZZMINIMIZE) $$pkg"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $$budget -fuzzminimizetime $(FUZZMINIMIZE) $$pkg || exit 1; \
	done

# Every benchmark runs beside its reference in the same run (plain Go
# Metropolis, numpy); the learners once per kernels implementation (and
# OpenBLAS); the GEMM beside the measured float32 peak. The output is kept
# in $(BIN)/bench.txt and summed up by plugins/internal/benchtab: each
# learner's epoch beside numpy (ratio), each GEMM's share of the peak.
bench:
	@mkdir -p $(BIN)
	@{ $(GO) test -run '^$$' -bench . -benchmem ./...; echo $$? >$(BIN)/bench.rc; } | tee $(BIN)/bench.txt; exit $$(cat $(BIN)/bench.rc)
ifeq ($(OPENBLAS),yes)
	@{ CGO_ENABLED=1 CGO_LDFLAGS=-lopenblas $(GO) test -tags openblas -run '^$$' -bench 'Epoch/Nh=.*/openblas' -benchmem ./plugins/rbm && \
		CGO_ENABLED=1 CGO_LDFLAGS=-lopenblas $(GO) test -tags openblas -run '^$$' -bench 'Epoch/openblas' -benchmem ./plugins/thermometer; \
		echo $$? >$(BIN)/bench.rc; } | tee -a $(BIN)/bench.txt; exit $$(cat $(BIN)/bench.rc)
endif
	@echo
	@$(GO) run ./plugins/internal/benchtab < $(BIN)/bench.txt

# The demo: the embedded `quick` preset (the paper's study shrunk to about
# 10-40 s on two cores, still showing its headline result), then how to run
# the full `paper` preset. Steps whose result is already in the registry
# (.rgml/) are not redone. The run is registered as $(DEMO_RUN), and the
# flows exported are the ones that run recorded (not the latest of their
# names), so that demo-clean finds what the demo made whatever else the
# registry holds.
RGML       := $(BIN)/rgml
DEMO_RUN   := make-demo
DEMO_FLOWS := $(foreach f,v16 l64 h64,$(foreach T,0 6,flow-quick-$(f)-T$(T)))
demo: build
	@$(RGML) run --preset quick --name $(DEMO_RUN) --report "$(OUT)/report"
	@for f in $(DEMO_FLOWS); do \
		rm -rf "$(OUT)/$$f"; \
		$(RGML) flows export --run $(DEMO_RUN) $$f "$(OUT)/$$f" >/dev/null || exit 1; \
	done
	@echo "The flows are in the registry ($(RGML) flows list) and in $(OUT)/flow-quick-*/flow.npz."
	@echo "The report (figures, thermometer-free checks, verdicts): $(OUT)/report/index.html"
	@echo "The full study of the paper (about 10 minutes on two idle cores): $(RGML) run --preset paper"
	@echo "To change it: $(RGML) presets show paper > study.yaml; edit; $(RGML) run study.yaml"

# Removes what `make demo` made and nothing else: the demo's runs and the
# entries they registered that no other live entry needs and no tag names
# (rgml runs rm --entries), the files of those (rgml registry gc), and the
# report and flow folders the demo wrote in $(OUT) ($(OUT) itself only if
# that leaves it empty). The registry and everything else in it stay.
demo-clean: | $(RGML)
	@test -n "$(OUT)" || { echo "OUT is empty: name the folder the demo wrote into"; exit 2; }
	@# Quoted one by one: an OUT with a space ("my out") is one folder,
	@# not "my" and "out".
	@for f in report $(DEMO_FLOWS); do echo "rm -rf \"$(OUT)/$$f\""; rm -rf "$(OUT)/$$f"; done
	@rmdir "$(OUT)" 2>/dev/null || true
	@if $(RGML) runs list $(DEMO_RUN) >/dev/null; then \
		echo "$(RGML) runs rm --entries --all-versions $(DEMO_RUN) && $(RGML) registry gc"; \
		$(RGML) runs rm --entries --all-versions $(DEMO_RUN) && $(RGML) registry gc; \
	else echo "(no run $(DEMO_RUN) in the registry: nothing of the demo's to remove there)"; fi

$(RGML):
	$(MAKE) rgml

tools:
	@command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler"; exit 1; }
	GOBIN=$(TOOLS) $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(TOOLS) $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)

# Regenerate framework/gen from framework/proto. Never edit framework/gen.
proto: tools
	rm -rf framework/gen && mkdir -p framework/gen
	protoc -I framework/proto \
		--plugin=protoc-gen-go=$(TOOLS)/protoc-gen-go \
		--plugin=protoc-gen-go-grpc=$(TOOLS)/protoc-gen-go-grpc \
		--go_out=framework/gen --go_opt=paths=source_relative \
		--go-grpc_out=framework/gen --go-grpc_opt=paths=source_relative \
		rgml/v1/rgml.proto

# Fails if the committed generated code is not what `make proto` produces.
proto-check: proto
	git diff --exit-code -- framework/gen

# Removes the build and what `make demo` wrote in $(OUT), not the files of
# yours there (docs/potts.md exports into out/), nor the registry.
clean:
	@test -n "$(OUT)" || { echo "OUT is empty: name the folder the demo wrote into"; exit 2; }
	rm -rf "$(BIN)"
	@for f in report $(DEMO_FLOWS); do rm -rf "$(OUT)/$$f"; done
	@rmdir "$(OUT)" 2>/dev/null || true
