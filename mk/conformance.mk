# The SDK conformance suite (sdk/conformance/README.md): one local stack, every runner in
# sdk/conformance/runners.json through sdk/conformance/scenarios.json.
#   make conformance                         every runner
#   make conformance RUNNERS=python,js       some of them
#   make conformance CONFORMANCE_ONLY=a,b    some scenarios
# Each SDK's mk file appends the target that prepares its runner: CONFORMANCE_PREREQS += ...
# They run first, from the recipe: this file is included before the sdk-*.mk files, so a
# prerequisite list written here would be expanded before they have appended to it.
CONFORMANCE_PREREQS ?=
RUNNERS ?=
CONFORMANCE_ONLY ?=

.PHONY: conformance
conformance: $(BIN)/.installed
	$(if $(strip $(CONFORMANCE_PREREQS)),$(MAKE) $(CONFORMANCE_PREREQS))
	CONFORMANCE_RUNNERS=$(RUNNERS) CONFORMANCE_ONLY=$(CONFORMANCE_ONLY) \
		$(BIN)/python -m pytest -q -s -m conformance tests/conformance

SDK_CI_TARGETS += conformance
