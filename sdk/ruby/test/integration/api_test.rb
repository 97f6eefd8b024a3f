# frozen_string_literal: true

require_relative "../test_helper"

# The gem against the real API: the local stack (test/support/local_stack.rb), fresh accounts.
class ApiTest < Minitest::Test
  DOCS_OPPORTUNITY = {
    title: "Enterprise Account Executive", industry: "saas",
    description: "Looking for experienced AE...", compensation_model: "hybrid",
    base_salary_range: { min: 80_000, max: 120_000 }, commission_rate: 0.10,
    duration: "ongoing", requirements: ["5+ years experience", "Enterprise sales"]
  }.freeze

  def self.people
    @people ||= begin
      made = [%w[client Acme], %w[sales_pro Pro]].map do |type, _|
        Thread.new { LocalStack.account(type) }
      end.map(&:value)
      { client: made[0], pro: made[1] }
    end
  end

  def client
    @client ||= LocalStack.client(self.class.people[:client])
  end

  def pro
    @pro ||= LocalStack.client(self.class.people[:pro])
  end

  def test_me_reads_fields_by_reader_and_brackets
    me = client.users.me
    assert_equal self.class.people[:client].user_id, me.id
    assert_equal me.email, me[:email]
    assert_equal "owner", me.role
    assert_equal "client", me.type
  end

  def test_create_list_every_page_and_not_found
    made = Array.new(3) { |i| client.opportunities.create(**DOCS_OPPORTUNITY, title: "AE #{i}") }
    assert_equal "open", made.first.status
    seen = client.opportunities.list(limit: 2).auto_paging_each.map(&:id)
    assert_empty made.map(&:id) - seen
    error = assert_raises(LeadNod::NotFoundError) { client.opportunities.retrieve("opp_missing") }
    assert_equal [404, "resource_missing"], [error.status, error.code]
    refute_nil error.request_id
    refute_nil error.doc_url
    updated = client.opportunities.update(made.last.id, status: "paused", description: nil)
    assert_equal "paused", updated.status
    assert_nil client.opportunities.delete(made.last.id)
  end

  def test_invalid_request_names_the_param
    error = assert_raises(LeadNod::InvalidRequestError) { client.users.update_me(email: "not-an-email") }
    assert_equal [400, "invalid_parameter", "email"], [error.status, error.code, error.param]
  end

  def test_a_sales_pro_may_not_post_opportunities
    error = assert_raises(LeadNod::PermissionDeniedError) { pro.opportunities.create(title: "x") }
    assert_equal 403, error.status
  end

  def test_wrong_credentials_are_an_authentication_error
    wrong = LeadNod::Client.new(client_id: "cli_nobody", client_secret: "lns_wrong",
                                base_url: LocalStack.base_url)
    assert_raises(LeadNod::AuthenticationError) { wrong.users.me }
  end

  def test_a_replayed_idempotency_key_answers_the_first_object
    key = "ruby-#{SecureRandom.hex(6)}"
    first = client.opportunities.create(**DOCS_OPPORTUNITY, idempotency_key: key)
    again = client.opportunities.create(**DOCS_OPPORTUNITY, idempotency_key: key)
    assert_equal first.id, again.id
  end

  def test_an_engagement_from_start_to_activities_metrics_and_escrow
    opportunity = client.opportunities.create(**DOCS_OPPORTUNITY)
    pro_id = self.class.people[:pro].user_id
    pro.opportunities.express_interest(opportunity.id, message: "Interested")
    assert_equal [pro_id], client.opportunities.interests(opportunity.id).map(&:sales_pro_id)
    engagement = client.engagements.create(opportunity_id: opportunity.id, sales_pro_id: pro_id)
    assert_equal "active", pro.engagements.start(engagement.id).status
    3.times { |i| pro.engagements.activities.log(engagement.id, type: "call", description: "Call #{i}") }
    assert_equal 3, client.engagements.activities.list(engagement.id, limit: 2).auto_paging_each.count
    payment = client.payments.escrow.fund(engagement_id: engagement.id, amount: 5000, currency: "usd")
    payment = client.payments.retrieve(payment.id) while payment.status == "processing" && sleep(0.2)
    assert_equal "succeeded", payment.status
    assert_equal 5000, client.payments.balance(engagement_id: engagement.id).funded
    assert_equal 3, client.engagements.metrics(engagement.id).activities_total
    assert_equal "completed", client.engagements.complete(engagement.id).status
  end

  def test_messages_team_analytics_webhooks_and_events
    pro_id = self.class.people[:pro].user_id
    sent = client.messages.send(recipient_id: pro_id, body: "Hello from Ruby")
    conversation = pro.messages.conversations.list.find { |c| c.id == sent.conversation_id }
    refute_nil conversation
    assert_equal ["Hello from Ruby"], pro.messages.conversations.retrieve(sent.conversation_id).map(&:body)
    assert_equal "weekly", client.messages.preferences.update(digest_frequency: "weekly").digest_frequency

    added = client.team.add(name: "Ruby Member", email: "ruby-#{SecureRandom.hex(4)}@example.com", role: "member")
    assert_equal "member", added.user.role
    assert_equal "admin", client.team.update(added.user.id, role: "admin").role
    assert_includes client.team.list.map(&:id), added.user.id
    assert_nil client.team.remove(added.user.id)

    assert_equal "client", client.analytics.summary(from: "2026-01-01").account_type
    report = client.analytics.reports.create(metrics: %w[activities], group_by: "month")
    assert_equal report.id, client.analytics.reports.retrieve(report.id).id
    export = client.analytics.export.request(format: "json", dataset: "engagements")
    assert_equal export.id, client.analytics.export.retrieve(export.id).id

    hook = client.webhooks.create(url: "http://127.0.0.1:#{LocalStack.free_port}/hook", events: ["*"])
    assert hook.secret?
    assert_equal "disabled", client.webhooks.update(hook.id, status: "disabled").status
    assert_includes client.webhooks.list.auto_paging_each.map(&:id), hook.id
    assert_kind_of LeadNod::ListObject, client.webhooks.deliveries(hook.id)
    assert_nil client.webhooks.delete(hook.id)
    event = client.events.list(limit: 1).first
    assert_equal event.id, client.events.retrieve(event.id).id if event
  end

  def test_rotating_a_members_secret_and_the_callers_own
    added = client.team.add(name: "Ruby Rotated", email: "ruby-rot-#{SecureRandom.hex(4)}@example.com",
                            role: "member")
    old = added.credentials
    rotated = client.team.rotate_credentials(added.user.id, grace_seconds: 0)
    assert_equal old.client_id, rotated.client_id
    refute_equal old.client_secret, rotated.client_secret
    refute_nil rotated.previous_secret_expires_at
    refused = LeadNod::Client.new(client_id: old.client_id, client_secret: old.client_secret,
                                  base_url: LocalStack.base_url)
    assert_equal 401, assert_raises(LeadNod::AuthenticationError) { refused.users.me }.status
    member = LeadNod::Client.new(client_id: rotated.client_id, client_secret: rotated.client_secret,
                                 base_url: LocalStack.base_url)
    assert_equal added.user.id, member.users.me.id

    own = member.users.rotate_credentials(grace_seconds: 60)
    assert_equal rotated.client_id, own.client_id
    assert_equal added.user.id, member.users.me.id # its token stays valid
    still = LeadNod::Client.new(client_id: rotated.client_id, client_secret: rotated.client_secret,
                                base_url: LocalStack.base_url)
    assert_equal added.user.id, still.users.me.id # the previous secret, within its grace
    error = assert_raises(LeadNod::InvalidRequestError) { member.users.rotate_credentials(grace_seconds: -1) }
    assert_equal "grace_seconds", error.param
    denied = assert_raises(LeadNod::PermissionDeniedError) do
      member.team.rotate_credentials(self.class.people[:client].user_id)
    end
    assert_equal "insufficient_role", denied.code
    client.team.remove(added.user.id)
  end

  def test_usage_and_an_export_created_with_a_json_body
    me = client.users.me
    usage = client.usage.retrieve
    assert_equal ["enterprise", me.organization_id], [usage.plan, usage.organization_id]
    assert_equal 300, usage.per_minute.limit
    assert_operator usage.per_minute.used, :>=, 1
    assert_equal usage.per_minute.limit - usage.per_minute.used, usage.per_minute.remaining
    refute_nil usage.per_day.resets_at
    assert_nil pro.usage.retrieve.organization_id

    export = client.analytics.export.create(format: "json", dataset: "activities", from: "2026-01-01")
    assert_equal %w[processing json activities 2026-01-01], [export.status, export.format, export.dataset, export.from]
    assert_equal export.id, client.analytics.export.retrieve(export.id).id
  end
end
