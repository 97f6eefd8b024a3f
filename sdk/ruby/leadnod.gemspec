# frozen_string_literal: true

require_relative "lib/leadnod/version"

Gem::Specification.new do |spec|
  spec.name = "leadnod"
  spec.version = LeadNod::VERSION
  spec.summary = "The LeadNod API for Ruby"
  spec.description = "Every LeadNod API operation from Ruby: access tokens fetched and " \
                     "refreshed, lists that page by themselves, retries with backoff, one " \
                     "error class per kind of failure, webhook signature checks. Standard " \
                     "library only."
  spec.authors = ["LeadNod"]
  spec.email = ["developers@leadnod.com"]
  spec.homepage = "https://docs.leadnod.com"
  spec.license = "MIT"
  spec.required_ruby_version = ">= 2.7"
  spec.files = Dir["lib/**/*.rb"] + %w[README.md CHANGELOG.md leadnod.gemspec]
  spec.require_paths = ["lib"]
  spec.metadata = { "changelog_uri" => "https://docs.leadnod.com/sdks/ruby/changelog" }
end
