# frozen_string_literal: true

require_relative "../test_helper"

class ClientTest < Minitest::Test
  def setup
    LeadNod.reset_configuration!
    @waits = []
  end

  def client(transport, **options)
    made = LeadNod::Client.new(client_id: "cli_1", client_secret: "lns_1",
                               base_url: "http://api.test", transport: transport, **options)
    made.sleeper = ->(seconds) { @waits << seconds }
    made
  end

  def test_the_base_url_is_taken_with_or_without_v1
    assert_equal "http://127.0.0.1:8000/v1", client(FakeTransport.new, base_url: "http://127.0.0.1:8000").base_url
    assert_equal "https://x.test/v1", client(FakeTransport.new, base_url: "https://x.test/v1/").base_url
    assert_equal LeadNod::SANDBOX_BASE_URL,
                 LeadNod::Client.new(client_id: "a", client_secret: "b", environment: "sandbox").base_url
  end

  def test_credentials_come_from_the_environment_then_configure_wins_over_it
    with_env("LEADNOD_CLIENT_ID" => "cli_env", "LEADNOD_CLIENT_SECRET" => "lns_env",
             "LEADNOD_BASE_URL" => nil, "LEADNOD_ENVIRONMENT" => "sandbox") do
      transport = FakeTransport.new(FakeTransport.json(200, "id" => "usr_1"),
                                    FakeTransport.json(200, "id" => "usr_1"))
      LeadNod::Client.new(transport: transport).users.me
      assert_equal "cli_env", transport.token_requests.first.json["client_id"]
      assert_equal "https://sandbox.api.leadnod.com/oauth/token", transport.token_requests.first.uri.to_s

      LeadNod.configure { |config| config.client_id = "cli_configured"; config.max_retries = 5 }
      configured = LeadNod::Client.new(transport: transport)
      assert_equal 5, configured.max_retries
      configured.users.me
      assert_equal "cli_configured", transport.token_requests.last.json["client_id"]
    end
  end

  def test_no_credentials_is_a_configuration_error
    with_env("LEADNOD_CLIENT_ID" => nil, "LEADNOD_CLIENT_SECRET" => nil) do
      error = assert_raises(LeadNod::ConfigurationError) { LeadNod::Client.new }
      assert_match(/LEADNOD_CLIENT_ID/, error.message)
    end
  end

  def test_a_token_is_fetched_once_and_sent_as_bearer
    transport = FakeTransport.new(FakeTransport.json(200, "id" => "usr_1"),
                                  FakeTransport.json(200, "id" => "usr_1"))
    made = client(transport, scope: "read")
    2.times { made.users.me }
    assert_equal 1, transport.token_requests.size
    assert_equal({ "grant_type" => "client_credentials", "client_id" => "cli_1",
                   "client_secret" => "lns_1", "scope" => "read" }, transport.token_requests.first.json)
    assert_equal "Bearer tok_1", transport.api_requests.last.headers["Authorization"]
    assert_match(%r{\Aleadnod-ruby/}, transport.api_requests.last.headers["User-Agent"])
  end

  def test_a_refused_token_is_replaced_once_then_authentication_error
    renewed = FakeTransport.new(FakeTransport.error(401, "invalid_token"),
                                FakeTransport.json(200, "id" => "usr_1"),
                                tokens: [FakeTransport::TOKEN, FakeTransport::TOKEN.merge("access_token" => "tok_2")])
    assert_equal "usr_1", client(renewed).users.me.id
    assert_equal ["Bearer tok_1", "Bearer tok_2"], renewed.api_requests.map { |r| r.headers["Authorization"] }

    refused = FakeTransport.new(FakeTransport.error(401, "invalid_token"), FakeTransport.error(401, "invalid_token"))
    error = assert_raises(LeadNod::AuthenticationError) { client(refused).users.me }
    assert_equal 401, error.status
    assert_equal 2, refused.token_requests.size
    assert_empty @waits
  end

  def test_the_token_endpoint_error_is_an_authentication_error
    bad = LeadNod::Response.new(401, {}, '{"error":"invalid_client","error_description":"Unknown client."}')
    error = assert_raises(LeadNod::AuthenticationError) { client(FakeTransport.new(tokens: [bad])).users.me }
    assert_equal "invalid_client", error.code
    assert_equal "Unknown client.", error.message
  end

  def test_a_token_expiring_is_replaced_a_minute_before
    now = 1000.0
    fetched = []
    tokens = LeadNod::TokenManager.new(-> { fetched << now; { "access_token" => "t#{fetched.size}", "expires_in" => 3600 } },
                                       clock: -> { now })
    assert_equal "t1", tokens.token
    now += 3539
    assert_equal "t1", tokens.token
    now += 2
    assert_equal "t2", tokens.token
  end

  def test_threads_share_one_token_fetch
    calls = Queue.new
    tokens = LeadNod::TokenManager.new(lambda {
      calls << 1
      sleep 0.05
      { "access_token" => "shared", "expires_in" => 3600 }
    })
    answers = Array.new(8) { Thread.new { tokens.token } }.map(&:value)
    assert_equal ["shared"], answers.uniq
    assert_equal 1, calls.size
  end

  def test_429_is_retried_after_retry_after_then_rate_limit_error
    limited = FakeTransport.error(429, "rate_limit_exceeded", headers: { "retry-after" => "3" })
    transport = FakeTransport.new(limited, limited, limited)
    error = assert_raises(LeadNod::RateLimitError) { client(transport).users.me }
    assert_equal [3.0, 3.0], @waits
    assert_equal 3.0, error.retry_after
    assert_equal "req_429", error.request_id
    assert_equal 3, transport.api_requests.size
  end

  def test_retry_after_is_capped_and_a_spent_daily_quota_is_not_waited_for
    long = FakeTransport.error(429, "rate_limit_exceeded", headers: { "retry-after" => "600" })
    client(FakeTransport.new(long, FakeTransport.json(200, "id" => "usr_1"))).users.me
    assert_equal [60.0], @waits
    daily = FakeTransport.error(429, "daily_quota_exceeded", headers: { "retry-after" => "30000" })
    assert_raises(LeadNod::RateLimitError) { client(FakeTransport.new(daily)).users.me }
    assert_equal [60.0], @waits
  end

  def test_retry_after_as_an_http_date
    date = (Time.now + 5).httpdate
    assert_in_delta 5, LeadNod::ErrorMapping.retry_after_seconds("retry-after" => date), 1.5
    assert_nil LeadNod::ErrorMapping.retry_after_seconds("retry-after" => "soon")
  end

  def test_server_errors_back_off_with_jitter_and_501_is_final
    down = FakeTransport.error(503, "service_unavailable")
    transport = FakeTransport.new(down, down, FakeTransport.json(200, "id" => "usr_1"))
    assert_equal "usr_1", client(transport).users.me.id
    assert_equal 2, @waits.size
    assert_operator @waits[0], :>=, 0.25
    assert_operator @waits[0], :<=, 0.5
    assert_operator @waits[1], :<=, 1.0
    error = assert_raises(LeadNod::APIError) { client(FakeTransport.new(FakeTransport.error(501, "not_implemented"))).users.me }
    assert_equal 501, error.status
    assert_equal 2, @waits.size
  end

  def test_every_post_has_one_idempotency_key_kept_across_retries
    transport = FakeTransport.new(Errno::ECONNRESET.new, FakeTransport.error(502, "bad_gateway"),
                                  FakeTransport.json(201, "id" => "opp_1"),
                                  FakeTransport.json(201, "id" => "opp_2"))
    made = client(transport)
    made.opportunities.create(title: "AE")
    made.opportunities.create(title: "SDR", idempotency_key: "mine")
    keys = transport.api_requests.map { |request| request.headers["Idempotency-Key"] }
    assert_equal 1, keys.first(3).uniq.size
    assert_match(/\A\h{8}-\h{4}-4\h{3}-\h{4}-\h{12}\z/, keys.first)
    assert_equal "mine", keys.last
  end

  def test_no_answer_is_a_connection_error_after_the_retries
    transport = FakeTransport.new(Errno::ECONNREFUSED.new, Errno::ECONNREFUSED.new, Net::ReadTimeout.new)
    error = assert_raises(LeadNod::APITimeoutError) { client(transport).users.me }
    assert_kind_of LeadNod::APIConnectionError, error
    assert_equal 2, @waits.size
  end

  def test_errors_by_status_carry_the_api_error_object
    { 400 => LeadNod::InvalidRequestError, 422 => LeadNod::InvalidRequestError,
      403 => LeadNod::PermissionDeniedError, 404 => LeadNod::NotFoundError,
      409 => LeadNod::ConflictError, 405 => LeadNod::APIError }.each do |status, kind|
      answer = FakeTransport.error(status, "some_code", message: "Said no.", param: "email")
      error = assert_raises(kind) { client(FakeTransport.new(answer), max_retries: 0).users.me }
      assert_equal [status, "some_code", "Said no.", "email", "req_#{status}"],
                   [error.status, error.code, error.message, error.param, error.request_id]
      assert_equal "https://docs.leadnod.com/errors/some_code", error.doc_url
      assert_kind_of LeadNod::APIError, error
    end
  end

  def test_query_and_body_arguments
    transport = FakeTransport.new(FakeTransport.json(200, "data" => [], "has_more" => false),
                                  FakeTransport.json(200, "id" => "opp_1"))
    made = client(transport)
    made.users.search(skills: %w[Negotiation SaaS], min_experience: 3, location: nil)
    made.opportunities.update("opp 1/x", description: nil, title: "New")
    search, update = transport.api_requests
    assert_equal "skills=Negotiation%2CSaaS&min_experience=3", search.uri.query
    assert_equal "/v1/opportunities/opp%201%2Fx", update.uri.path
    assert_equal({ "description" => nil, "title" => "New" }, update.json)
    assert_raises(ArgumentError) { made.opportunities.update("opp_1", titel: "typo") }
    assert_raises(ArgumentError) { made.opportunities.retrieve("") }
  end

  def test_messages_send_is_the_operation_and_still_object_send
    transport = FakeTransport.new(FakeTransport.json(201, "id" => "msg_1"))
    made = client(transport)
    assert_equal "msg_1", made.messages.send(recipient_id: "usr_2", body: "Hi").id
    assert_equal({ "body" => "Hi", "recipient_id" => "usr_2" }, transport.api_requests.last.json)
    assert_same made.messages.conversations, made.messages.send(:conversations)
  end

  def test_rotations_usage_and_export_create_send_what_the_api_takes
    rotated = { "client_id" => "cli_1", "client_secret" => "lns_2",
                "previous_secret_expires_at" => "2026-01-01T00:00:00Z" }
    transport = FakeTransport.new(FakeTransport.json(200, rotated), FakeTransport.json(200, rotated),
                                  FakeTransport.json(200, "plan" => "custom"),
                                  FakeTransport.json(202, "id" => "exp_1"))
    made = client(transport)
    assert_equal "lns_2", made.users.rotate_credentials.client_secret
    made.team.rotate_credentials("usr_2", grace_seconds: 0, idempotency_key: "rot-1")
    assert_equal "custom", made.usage.retrieve.plan
    assert_equal "exp_1", made.analytics.export.create(format: "json", from: Date.new(2026, 1, 1)).id
    own, member, usage, export = transport.api_requests
    assert_equal [:post, "/v1/users/me/credentials/rotate", {}], [own.method, own.uri.path, own.json]
    assert_equal [:post, "/v1/users/me/team/usr_2/credentials/rotate", { "grace_seconds" => 0 }, "rot-1"],
                 [member.method, member.uri.path, member.json, member.headers["Idempotency-Key"]]
    assert_equal [:get, "/v1/usage"], [usage.method, usage.uri.path]
    assert_equal [:post, "/v1/analytics/export", { "format" => "json", "from" => "2026-01-01" }],
                 [export.method, export.uri.path, export.json]
    assert_raises(ArgumentError) { made.team.rotate_credentials("") }
  end

  def test_the_secret_is_not_in_inspect
    refute_includes client(FakeTransport.new).inspect, "lns_1"
  end

  private

  def with_env(values)
    saved = values.keys.each_with_object({}) { |name, out| out[name] = ENV[name] }
    values.each { |name, value| ENV[name] = value }
    yield
  ensure
    saved.each { |name, value| ENV[name] = value }
  end
end
