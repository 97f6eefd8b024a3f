# frozen_string_literal: true

# The Ruby SDK's conformance runner: ruby sdk/ruby/conformance/runner.rb <session.json>
#
# Runs sdk/conformance/scenarios.json with LeadNod::Client as sdk/conformance/README.md
# describes, one JSON line per scenario on stdout. OPERATIONS maps every abstract operation to
# the gem's method and the arguments it takes positionally (path ids); every other argument is
# a keyword argument of the API's name.

$LOAD_PATH.unshift(File.expand_path("../lib", __dir__)) # the source tree, as the tests load it
require "leadnod"
require "json"
require "net/http"
require "securerandom"

module Conformance
  OPERATIONS = {
    "users.me" => [], "users.update_me" => [], "users.retrieve" => ["id"],
    "users.search" => [],
    "team.list" => [], "team.add" => [], "team.update" => ["user_id"],
    "team.remove" => ["user_id"], "team.transfer_ownership" => ["user_id"],
    "users.rotate_credentials" => [], "team.rotate_credentials" => ["user_id"],
    "usage.retrieve" => [],
    "opportunities.create" => [], "opportunities.bulk_create" => [],
    "opportunities.list" => [], "opportunities.retrieve" => ["id"],
    "opportunities.update" => ["id"], "opportunities.delete" => ["id"],
    "opportunities.express_interest" => ["id"], "opportunities.interests" => ["id"],
    "opportunities.matches" => ["id"],
    "engagements.create" => [], "engagements.list" => [], "engagements.retrieve" => ["id"],
    "engagements.start" => ["id"], "engagements.complete" => ["id"],
    "engagements.terminate" => ["id"], "engagements.metrics" => ["id"],
    "engagements.activities.log" => ["engagement_id"],
    "engagements.activities.list" => ["engagement_id"],
    "payments.escrow.fund" => [], "payments.escrow.release" => [],
    "payments.escrow.refund" => [], "payments.escrow.dispute" => [],
    "payments.balance" => [], "payments.list" => [], "payments.retrieve" => ["id"],
    "payments.disputes.list" => [], "payments.disputes.retrieve" => ["id"],
    "payments.disputes.add_evidence" => ["id"], "payments.disputes.accept" => ["id"],
    "messages.send" => [], "messages.conversations.list" => [],
    "messages.conversations.retrieve" => ["id"], "messages.preferences.retrieve" => [],
    "messages.preferences.update" => [],
    "analytics.summary" => [], "analytics.engagement" => ["engagement_id"],
    "analytics.reports.create" => [], "analytics.reports.list" => [],
    "analytics.reports.retrieve" => ["id"], "analytics.export.request" => [],
    "analytics.export.create" => [], "analytics.export.retrieve" => ["id"],
    "webhooks.create" => [], "webhooks.list" => [], "webhooks.retrieve" => ["id"],
    "webhooks.update" => ["id"], "webhooks.delete" => ["id"], "webhooks.test" => ["id"],
    "webhooks.deliveries" => ["id"], "webhooks.retry_delivery" => %w[id delivery_id],
    "events.list" => [], "events.retrieve" => ["id"]
  }.freeze

  KINDS = %w[InvalidRequestError AuthenticationError PermissionDeniedError NotFoundError
             ConflictError RateLimitError APIConnectionError SignatureVerificationError].freeze
  ERRORS = KINDS.each_with_object({}) do |name, all|
    klass = LeadNod.const_get(name)
    all[name] = ->(error) { error.is_a?(klass) }
  end
  ERRORS["APIError"] = ->(error) { error.instance_of?(LeadNod::APIError) }
  ERRORS.freeze

  MISSING = Object.new.freeze
  VARIABLE = /\$\{(\w+)\}/.freeze

  class StepFailed < StandardError; end

  module_function

  def substitute(value, variables)
    known = lambda do |name|
      raise StepFailed, "unknown variable $#{name}" unless variables.key?(name)

      variables[name]
    end
    case value
    when String
      return known.call(value[1..-1]) if value.match?(/\A\$\w+\z/)

      value.gsub(VARIABLE) { known.call(Regexp.last_match(1)).to_s }
    when Array then value.map { |item| substitute(item, variables) }
    when Hash then value.each_with_object({}) { |(k, v), out| out[k] = substitute(v, variables) }
    else value
    end
  end

  # The value at a dotted path (data.0.id), MISSING when there is none.
  def at(document, path)
    path.to_s.split(".").each do |part|
      if document.is_a?(Array) && part.match?(/\A\d+\z/) && part.to_i < document.size
        document = document[part.to_i]
      elsif document.is_a?(Hash) && document.key?(part)
        document = document[part]
      else
        return MISSING
      end
    end
    document
  end

  # Why +document+ does not have these field values, or nil.
  def mismatch(document, fields)
    fields.each do |path, expected|
      found = at(document, path)
      next if (found.equal?(MISSING) ? nil : found) == expected

      shown = found.equal?(MISSING) ? "nothing" : found.to_json
      return "#{path}: expected #{expected.to_json}, got #{shown}"
    end
    nil
  end

  # The answer's JSON form: objects as the API answered them, a list's first page as
  # {"data", "has_more"}.
  def as_json(answer)
    case answer
    when LeadNod::ListObject
      { "data" => answer.data.map { |item| as_json(item) }, "has_more" => answer.has_more? }
    when LeadNod::LeadNodObject then answer.to_h(string_keys: true)
    when Array then answer.map { |item| as_json(item) }
    else answer
    end
  end

  def check_answer(answer, expect)
    problems = []
    problems << mismatch(answer, expect["fields"]) if expect.key?("fields")
    (expect["present"] || []).each do |path|
      found = at(answer, path)
      problems << "#{path}: expected a value, got none" if found.nil? || found.equal?(MISSING)
    end
    (expect["length"] || {}).each do |path, length|
      found = at(answer, path)
      next if found.is_a?(Array) && found.size == length

      problems << "#{path}: expected #{length} items, got " \
                  "#{found.is_a?(Array) ? found.size : 'no array'}"
    end
    if expect.key?("result") && answer != expect["result"]
      problems << "expected the answer #{expect['result'].to_json}, got #{answer.to_json}"
    end
    problems.compact!
    raise StepFailed, problems.join("; ") unless problems.empty?
  end

  def check_items(items, expect)
    if expect.key?("count") && items.size != expect["count"]
      raise StepFailed, "expected #{expect['count']} items, got #{items.size}"
    end
    if expect.key?("min_count") && items.size < expect["min_count"]
      raise StepFailed, "expected at least #{expect['min_count']} items, got #{items.size}"
    end
    (expect["contains"] || []).each do |wanted|
      if items.all? { |item| mismatch(item, wanted) }
        raise StepFailed, "no item has #{wanted.to_json} among #{items.size}"
      end
    end
    return unless expect.key?("every")

    items.each do |item|
      problem = mismatch(item, expect["every"])
      raise StepFailed, "an item differs: #{problem}" if problem
    end
  end

  def check_error(error, expect)
    kind = expect["error"]
    check = ERRORS[kind] or raise StepFailed, "unknown error kind #{kind}"
    raise StepFailed, "expected #{kind}, got #{error.class.name}: #{error.message}" unless check.call(error)

    %w[status code param].each do |name|
      next unless expect.key?(name)

      found = error.public_send(name)
      next if found == expect[name]

      raise StepFailed, "#{kind}.#{name}: expected #{expect[name].inspect}, got #{found.inspect}"
    end
  end

  def control(url, body)
    uri = URI(url)
    http = Net::HTTP.new(uri.host, uri.port)
    http.read_timeout = 30
    answer = http.post(uri.request_uri, JSON.generate(body), "Content-Type" => "application/json")
    result = JSON.parse(answer.body)
    raise StepFailed, (result["detail"] || "the proxy said no") unless result["ok"]
  end

  # One scenario: its variables, its clients (one per credentials), its steps.
  class Scenario
    def initialize(session, scenario)
      @session = session
      @scenario = scenario
      @variables = (session["vars"] || {}).merge("run" => SecureRandom.hex(5))
      @clients = {}
    end

    def run
      name = @scenario["name"]
      steps = @scenario["steps"]
      index = 0
      begin
        Conformance.control(@session["control_url"], "begin" => name)
        steps.each_with_index do |raw, position|
          index = position
          perform(Conformance.substitute(raw, @variables))
        end
        index = steps.size
        Conformance.control(@session["control_url"], "end" => name)
      rescue StepFailed => e
        return { "scenario" => name, "ok" => false, "step" => index, "detail" => e.message }
      rescue StandardError, ScriptError => e # a crash is this scenario's failure
        warn "#{e.class}: #{e.message}\n  #{(e.backtrace || []).first(8).join("\n  ")}"
        return { "scenario" => name, "ok" => false, "step" => index,
                 "detail" => "#{e.class.name}: #{e.message}" }
      end
      { "scenario" => name, "ok" => true }
    end

    private

    def perform(step)
      if step.key?("call") then call(step)
      elsif step.key?("paginate") then paginate(step)
      elsif step.key?("verify_webhook") then verify_webhook(step)
      elsif step.key?("fault") || step.key?("assert_requests")
        Conformance.control(@session["control_url"], step)
      else
        raise StepFailed, "unknown step #{step.keys.sort.inspect}"
      end
    end

    def client(who)
      account = who.is_a?(String) ? @session["accounts"].fetch(who) : who
      key = [account["client_id"], account["client_secret"]]
      @clients[key] ||= LeadNod::Client.new(client_id: key[0], client_secret: key[1],
                                            base_url: @session["base_url"], max_retries: 2,
                                            timeout: 30, open_timeout: 20)
    end

    def invoke(step, name)
      positional_names = OPERATIONS[name] or raise StepFailed, "unknown operation #{name}"
      *path, method = name.split(".")
      target = path.reduce(client(step["as"] || "client")) { |object, attribute| object.public_send(attribute) }
      args = (step["args"] || {}).dup
      positional = positional_names.map { |arg| args.delete(arg) }
      keywords = args.each_with_object({}) { |(key, value), out| out[key.to_sym] = value }
      target.public_send(method, *positional, **keywords)
    end

    def call(step)
      expect = step["expect"] || {}
      deadline = monotonic + (step["poll_ms"] || 0) / 1000.0
      begin
        call_once(step, expect)
      rescue StepFailed
        raise if monotonic >= deadline

        sleep 0.3
        retry
      end
    end

    def call_once(step, expect)
      begin
        answer = Conformance.as_json(invoke(step, step["call"]))
      rescue LeadNod::LeadNodError => e
        raise StepFailed, "#{e.class.name} #{e.status} #{e.code}: #{e.message}" unless expect.key?("error")

        return Conformance.check_error(e, expect)
      end
      raise StepFailed, "expected #{expect['error']}, got an answer: #{answer.to_json}" if expect.key?("error")

      Conformance.check_answer(answer, expect)
      (step["save"] || {}).each do |variable, path|
        value = Conformance.at(answer, path)
        raise StepFailed, "save #{variable}: nothing at #{path}" if value.equal?(MISSING)

        @variables[variable] = value
      end
    end

    def paginate(step)
      items = invoke(step, step["paginate"]).auto_paging_each.map { |item| Conformance.as_json(item) }
      Conformance.check_items(items, step["expect"] || {})
    end

    def verify_webhook(step)
      sample = @session["webhooks"].fetch(step["verify_webhook"])
      body = sample["body"]
      secret = sample["secret"]
      signature = sample["headers"]["x-leadnod-signature"]
      case step["tamper"]
      when "body" then body += " "
      when "secret" then secret += "x"
      when "signature" then signature = signature[0...-1] + (signature[-1] == "0" ? "1" : "0")
      end
      expect = step["expect"]
      begin
        result = LeadNod::Webhook.verify(body, signature, secret)
      rescue LeadNod::SignatureVerificationError => e
        raise StepFailed, "verify raised #{e.message}" unless expect.key?("error")

        return Conformance.check_error(e, expect)
      end
      return if !expect.key?("error") && result == expect.fetch("result", true)

      raise StepFailed, "verify answered #{result.inspect}, expected #{expect.to_json}"
    end

    def monotonic
      Process.clock_gettime(Process::CLOCK_MONOTONIC)
    end
  end

  def main(session_path)
    session = JSON.parse(File.read(session_path))
    scenarios = JSON.parse(File.read(session["scenarios"]))
    only = session["only"]
    passed = true
    scenarios.each do |scenario|
      next if only && !only.include?(scenario["name"])

      result = Scenario.new(session, scenario).run
      passed &&= result["ok"]
      $stdout.puts JSON.generate(result)
      $stdout.flush
    end
    passed ? 0 : 1
  end
end

exit(Conformance.main(ARGV.fetch(0))) if $PROGRAM_NAME == __FILE__
