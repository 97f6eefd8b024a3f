# The JavaScript/TypeScript SDK (sdk/js, npm name @leadnod/sdk; issue #17).
#   make sdk-js-build   npm ci (from package-lock.json) and the ESM + CommonJS builds in sdk/js/dist
#   make sdk-js-test    the SDK's own tests (node --test) against a local stack they start
# node_modules and dist are build output (gitignored in sdk/js). Needs node 18+ and npm: a
# machine without them gets Debian's (CI runs as root).
SDK_JS := sdk/js
SDK_JS_SOURCES := $(shell find $(SDK_JS)/src -name '*.ts' 2>/dev/null) \
	$(SDK_JS)/package.json $(wildcard $(SDK_JS)/tsconfig*.json) $(SDK_JS)/scripts/postbuild.mjs

.PHONY: sdk-js-node sdk-js-build sdk-js-test sdk-js-types

sdk-js-node:
	@command -v node >/dev/null && command -v npm >/dev/null || \
		{ apt-get update -q && apt-get install -y -q nodejs npm; }

$(SDK_JS)/node_modules/.package-lock.json: $(SDK_JS)/package-lock.json | sdk-js-node
	cd $(SDK_JS) && npm ci --no-audit --no-fund

$(SDK_JS)/dist/esm/index.js: $(SDK_JS)/node_modules/.package-lock.json $(SDK_JS_SOURCES)
	cd $(SDK_JS) && npm run build
	touch $@

sdk-js-build: $(SDK_JS)/dist/esm/index.js

# src/generated/openapi.ts again from docs/openapi.json (after `make openapi`)
sdk-js-types: | sdk-js-node
	cd $(SDK_JS) && node scripts/generate-types.mjs

sdk-js-test: sdk-js-build $(BIN)/.installed
	cd $(SDK_JS) && LEADNOD_PYTHON=$(abspath $(BIN))/python node scripts/with-stack.mjs npm test

SDK_CI_TARGETS += sdk-js-test
CONFORMANCE_PREREQS += sdk-js-build
