# The Ruby SDK (sdk/ruby, gem `leadnod`, issue #18). Ruby comes from Debian's packages: 3.1, with
# minitest bundled; the gem itself targets Ruby 2.7+ (test/ruby27_syntax_test.rb).
#   make sdk-ruby-setup   install ruby (and ruby-minitest) when missing; needs root
#   make sdk-ruby-test    the gem's minitest suite: unit tests, then against a local stack it
#                         starts on free ports, the README's examples, gem build + install
RUBY_SDK := sdk/ruby

.PHONY: sdk-ruby-setup sdk-ruby-test

sdk-ruby-setup:
	@command -v ruby >/dev/null 2>&1 || { apt-get update && apt-get install -y ruby; }
	@ruby -e 'require "minitest/autorun"' >/dev/null 2>&1 || \
		{ apt-get update && apt-get install -y ruby-minitest; }

sdk-ruby-test: sdk-ruby-setup $(BIN)/.installed
	cd $(RUBY_SDK) && LEADNOD_PYTHON=$(CURDIR)/$(BIN)/python ruby -Ilib -Itest test/all.rb

SDK_CI_TARGETS += sdk-ruby-test
CONFORMANCE_PREREQS += sdk-ruby-setup
