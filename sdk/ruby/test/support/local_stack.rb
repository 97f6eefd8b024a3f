# frozen_string_literal: true

require "json"
require "open3"
require "socket"
require "timeout"
require "tmpdir"

# The local stack (python -m devstack) the integration tests run against: the one
# LEADNOD_TEST_BASE_URL and LEADNOD_LOCAL_ENV name, else one started here on free ports (from
# the repository root, with its .venv's Python or $LEADNOD_PYTHON) and stopped at exit.
# Accounts are made by the admin CLI (enterprise plan: 300 requests a minute).
module LocalStack
  ROOT = File.expand_path("../../../..", __dir__)
  Account = Struct.new(:user_id, :client_id, :client_secret, keyword_init: true)
  # ApiTest makes its two accounts from two threads: without this, each could start a stack and
  # the accounts land in one while the base URL names the other.
  STARTING = Mutex.new

  class << self
    def base_url
      start
      @base_url
    end

    def python
      ENV["LEADNOD_PYTHON"] || File.join(ROOT, ".venv", "bin", "python")
    end

    # A new account of +type+ ("client" or "sales_pro").
    def account(type, name: nil, company: nil)
      start
      run = SecureRandom.hex(4)
      args = ["create-account", "--type", type, "--name", name || "Ruby #{type} #{run}",
              "--email", "ruby-#{type}-#{run}@example.com", "--plan", "enterprise",
              "--industry", "saas"]
      args += ["--company", company || "Ruby Co #{run}"] if type == "client"
      out, err, status = Open3.capture3({ "LEADNOD_LOCAL_ENV" => @env_file },
                                        python, "-m", "chalicelib.admin", *args, chdir: ROOT)
      raise "create-account failed: #{err}" unless status.success?

      made = JSON.parse(out)
      Account.new(user_id: made["user_id"], client_id: made["client_id"],
                  client_secret: made["client_secret"])
    end

    def client(account, **options)
      LeadNod::Client.new(client_id: account.client_id, client_secret: account.client_secret,
                          base_url: base_url, **options)
    end

    def free_port
      server = TCPServer.new("127.0.0.1", 0)
      server.addr[1]
    ensure
      server&.close
    end

    private

    def start
      STARTING.synchronize do
        next if @base_url

        if ENV["LEADNOD_TEST_BASE_URL"]
          @env_file = ENV.fetch("LEADNOD_LOCAL_ENV")
          @base_url = ENV["LEADNOD_TEST_BASE_URL"]
        else
          spawn_stack
        end
      end
    end

    def spawn_stack
      dir = Dir.mktmpdir("leadnod-ruby-stack")
      port = free_port
      @env_file = File.join(dir, "dev-env.json")
      log = File.join(dir, "stack.log")
      env = ENV.to_h.reject { |name, _| name.start_with?("AWS_") }
      env.update("PORT" => port.to_s, "MOTO_PORT" => free_port.to_s, "PYTHONUNBUFFERED" => "1",
                 "LEADNOD_LOCAL_ENV" => @env_file)
      @pid = Process.spawn(env, python, "-m", "devstack", chdir: ROOT, out: log, err: log,
                                                          unsetenv_others: true)
      Minitest.after_run { stop }
      wait_until_up(log)
      @base_url = "http://127.0.0.1:#{port}"
    end

    def wait_until_up(log)
      deadline = Time.now + 180 # seeding and first matching runs; slow on a loaded machine
      until File.exist?(log) && File.read(log).include?("Ctrl-C stops everything")
        if Process.waitpid(@pid, Process::WNOHANG) || Time.now > deadline
          raise "the local stack did not start:\n#{File.exist?(log) ? File.read(log) : ''}"
        end

        sleep 0.2
      end
    end

    def stop
      return unless @pid

      Process.kill("INT", @pid)
      Timeout.timeout(20) { Process.wait(@pid) }
    rescue Timeout::Error
      Process.kill("KILL", @pid)
    rescue Errno::ESRCH, Errno::ECHILD
      nil
    end
  end
end
