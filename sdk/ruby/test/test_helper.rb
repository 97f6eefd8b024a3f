# frozen_string_literal: true

$LOAD_PATH.unshift(File.expand_path("../lib", __dir__))
require "leadnod"
require "minitest/autorun"
require_relative "support/fake_transport"
require_relative "support/local_stack"
