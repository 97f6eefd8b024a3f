# The PHP SDK (sdk/php, Composer name leadnod/sdk; issue #19).
#   make sdk-php-deps        Debian's php-cli, php-curl and phpunit, when missing (CI runs as root)
#   make sdk-php-test        the PHPUnit suite: offline tests, then the stack tests and the README
#                            against a local stack started for them (sdk/php/tests/with_local_stack.py)
#   make sdk-php-test-offline  the tests that need no stack (seconds)
# The package needs no build: sdk/php/init.php (or Composer's PSR-4 autoloader) loads it.
SDK_PHP := sdk/php

.PHONY: sdk-php-deps sdk-php-test sdk-php-test-offline

sdk-php-deps:
	@command -v php >/dev/null && php -r 'exit(extension_loaded("curl") ? 0 : 1);' \
		&& command -v phpunit >/dev/null || \
		{ apt-get update -q && apt-get install -y -q php-cli php-curl phpunit; }

sdk-php-test-offline: sdk-php-deps
	phpunit -c $(SDK_PHP)/phpunit.xml.dist --testsuite offline

sdk-php-test: sdk-php-deps $(BIN)/.installed
	phpunit -c $(SDK_PHP)/phpunit.xml.dist --testsuite offline
	$(BIN)/python $(SDK_PHP)/tests/with_local_stack.py \
		phpunit -c $(SDK_PHP)/phpunit.xml.dist --testsuite stack

SDK_CI_TARGETS += sdk-php-test
CONFORMANCE_PREREQS += sdk-php-deps
