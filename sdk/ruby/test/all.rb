# frozen_string_literal: true

# Every test of the gem, in one process (one local stack for the integration tests):
#   ruby -Ilib -Itest test/all.rb         (make sdk-ruby-test, from the repository root)
Dir[File.join(__dir__, "**", "*_test.rb")].sort.each { |path| require path }
