# frozen_string_literal: true

require_relative "test_helper"
require "open3"
require "rbconfig"
require "tmpdir"

# The README's Ruby blocks, in order, as one script a reader would run: a separate Ruby
# process that requires only "leadnod", against the local stack, with two fresh accounts'
# credentials in the environment. Two substitutions, because the stack runs without DNS or
# shared state: the docs' webhook URL becomes a loopback one the local stack accepts, and the
# team examples' emails get a suffix so the README can run more than once on one stack.
class ReadmeTest < Minitest::Test
  README = File.expand_path("../README.md", __dir__)
  LIB = File.expand_path("../lib", __dir__)
  SIGNATURE_CHECK = <<~'RUBY'
    body = '{"id":"evt_1","type":"engagement.created","created":"2024-03-15T14:30:00Z","data":{}}'
    signature = OpenSSL::HMAC.hexdigest("SHA256", "your_webhook_secret", body)
    puts "handler: #{handle_leadnod_webhook(body, { "X-LeadNod-Signature" => signature })} " \
         "#{handle_leadnod_webhook(body + " ", { "X-LeadNod-Signature" => signature })}"
  RUBY

  def self.blocks
    File.read(README).scan(/```ruby\n(.*?)```/m).flatten
  end

  def test_the_readme_runs_as_written
    blocks = self.class.blocks
    assert_operator blocks.size, :>=, 12
    out, err, status = run_script(script(blocks))
    assert status.success?, "the README script failed:\n#{err}\n#{out}"
    ["Signed in as", "400 invalid_parameter email",
     "The 'email' field must be a valid email address.", "1 4800000 480000", "succeeded",
     "10000 4000 6000", "evt_1 engagement.created", "[\"engagement.created\", \"payment.received\"]",
     "handler: 200 400", "no such opportunity", "403 insufficient_role", "Jordan Lee member",
     "1 created, 1 refused", "open", "same id: true", "Robin is a member",
     "old secret: 401", "requests today"].each do |expected|
      assert_includes out, expected
    end
  end

  private

  def script(blocks)
    run = SecureRandom.hex(4)
    text = blocks.join("\n")
                 .gsub("https://your-app.com/webhooks/leadnod",
                       "http://127.0.0.1:#{LocalStack.free_port}/webhooks/leadnod")
                 .gsub(/([a-z.]+)@example\.com/) { "#{Regexp.last_match(1)}+#{run}@example.com" }
    "#{text}\n#{SIGNATURE_CHECK}"
  end

  def run_script(text)
    reader = LocalStack.account("client")
    pro = LocalStack.account("sales_pro")
    env = { "LEADNOD_CLIENT_ID" => reader.client_id, "LEADNOD_CLIENT_SECRET" => reader.client_secret,
            "LEADNOD_PRO_CLIENT_ID" => pro.client_id, "LEADNOD_PRO_CLIENT_SECRET" => pro.client_secret,
            "LEADNOD_BASE_URL" => LocalStack.base_url, "LEADNOD_ENVIRONMENT" => nil,
            "RUBYLIB" => LIB, "RUBYOPT" => nil }
    Dir.mktmpdir do |dir|
      path = File.join(dir, "readme.rb")
      File.write(path, text)
      Open3.capture3(env, RbConfig.ruby, path, chdir: dir)
    end
  end
end
