# frozen_string_literal: true

require_relative "test_helper"
require "fileutils"
require "open3"
require "rbconfig"
require "tmpdir"

# `gem build leadnod.gemspec`, then `gem install --local` of the built gem into an empty
# GEM_HOME, then a script that requires only "leadnod" (no -I, no RUBYLIB) runs the docs'
# examples against the local stack with that GEM_HOME: the gem installs where only Ruby's
# default gems exist, and works.
class GemInstallTest < Minitest::Test
  ROOT = File.expand_path("..", __dir__)
  GEM = File.join(File.dirname(RbConfig.ruby), "gem")
  DOCS_EXAMPLES = <<~'RUBY'
    require "leadnod"
    abort "loaded from #{$LOADED_FEATURES.grep(/leadnod\.rb/).first}" unless $LOADED_FEATURES.grep(/leadnod\.rb/).first.start_with?(ENV["GEM_HOME"])
    client = LeadNod::Client.new(client_id: ENV["ID"], client_secret: ENV["SECRET"], base_url: ENV["BASE"])
    me = client.users.me
    puts "me #{me.id == me[:id]} #{me.type}"
    opp = client.opportunities.create(title: "Enterprise Account Executive", industry: "saas",
                                      compensation_model: "hybrid", commission_rate: 0.10,
                                      base_salary_range: { min: 80_000, max: 120_000 })
    titles = []
    client.opportunities.list(limit: 50).auto_paging_each { |o| titles << o.title }
    puts "listed #{titles.include?(opp.title)}"
    begin
      client.opportunities.retrieve("opp_missing")
    rescue LeadNod::NotFoundError => e
      puts "not found #{e.status} #{e.code}"
    end
    body = '{"id":"evt_1"}'
    puts "verified #{LeadNod::Webhook.verify(body, OpenSSL::HMAC.hexdigest("SHA256", "s", body), "s")}"
  RUBY

  def test_the_built_gem_installs_into_an_empty_gem_home_and_runs_the_docs_examples
    Dir.mktmpdir do |dir|
      build_dir = File.join(dir, "src")
      FileUtils.cp_r(ROOT, build_dir)
      out, err, status = Open3.capture3(GEM, "build", "leadnod.gemspec", chdir: build_dir)
      assert status.success?, "gem build: #{err}#{out}"
      package = File.join(build_dir, "leadnod-#{LeadNod::VERSION}.gem")
      home = File.join(dir, "gems")
      env = { "GEM_HOME" => home, "GEM_PATH" => home, "RUBYLIB" => nil, "RUBYOPT" => nil }
      out, err, status = Open3.capture3(env, GEM, "install", "--local", "--no-document", package, chdir: dir)
      assert status.success?, "gem install: #{err}#{out}"
      assert_equal ["leadnod-#{LeadNod::VERSION}"], Dir.children(File.join(home, "gems"))

      account = LocalStack.account("client")
      script = File.join(dir, "docs.rb")
      File.write(script, DOCS_EXAMPLES)
      out, err, status = Open3.capture3(env.merge("ID" => account.client_id, "SECRET" => account.client_secret,
                                                  "BASE" => LocalStack.base_url),
                                        RbConfig.ruby, script, chdir: dir)
      assert status.success?, err
      assert_equal "me true client\nlisted true\nnot found 404 resource_missing\nverified true\n", out
    end
  end

  def test_the_gemspec_has_no_runtime_dependencies_and_ships_the_library
    spec = Gem::Specification.load(File.join(ROOT, "leadnod.gemspec"))
    assert_empty spec.runtime_dependencies
    assert_equal Gem::Requirement.new(">= 2.7"), spec.required_ruby_version
    assert_includes spec.files, "lib/leadnod.rb"
    assert_empty Dir.chdir(ROOT) { Dir["lib/**/*.rb"] } - spec.files
  end
end
