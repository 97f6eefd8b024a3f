# frozen_string_literal: true

require_relative "../test_helper"

class ObjectsTest < Minitest::Test
  def test_readers_brackets_predicates_and_fields_added_later
    user = LeadNod::LeadNodObject.construct(
      "id" => "usr_1", "email" => "a@b.test", "verified" => false,
      "profile" => { "website" => "https://acme.com", "skills" => [{ "name" => "SaaS" }] },
      "field_from_a_newer_api" => 7
    )
    assert_equal "a@b.test", user.email
    assert_equal "a@b.test", user[:email]
    assert_equal "a@b.test", user["email"]
    assert_equal "https://acme.com", user.profile.website
    assert_equal "SaaS", user.profile.skills.first.name
    assert_equal "SaaS", user.dig(:profile, :skills, 0, :name)
    assert_equal 7, user.field_from_a_newer_api
    refute user.verified?
    assert user.email?
    assert_respond_to user, :email
    assert_nil user[:missing]
    assert_raises(NoMethodError) { user.missing }
    assert_equal({ id: "usr_1", email: "a@b.test", verified: false,
                   profile: { website: "https://acme.com", skills: [{ name: "SaaS" }] },
                   field_from_a_newer_api: 7 }, user.to_h)
    assert_equal "usr_1", JSON.parse(user.to_json)["id"]
  end

  def test_fields_named_like_kernel_methods_are_readable
    export = LeadNod::LeadNodObject.new("format" => "csv", "type" => "export", "test" => true)
    assert_equal "csv", export.format
    assert_equal "export", export.type
    assert_equal true, export.test
  end

  def test_auto_paging_each_fetches_every_page_once_reached
    pages = {
      nil => { "data" => [{ "id" => "a" }, { "id" => "b" }], "has_more" => true, "next_cursor" => "c1",
               "matched_at" => "2026-01-01T00:00:00Z" },
      "c1" => { "data" => [{ "id" => "c" }], "has_more" => true, "next_cursor" => "c2" },
      "c2" => { "data" => [{ "id" => "d" }], "has_more" => false, "next_cursor" => nil }
    }
    asked = []
    page = LeadNod::ListObject.first(->(cursor) { asked << cursor; pages.fetch(cursor) })
    assert_equal %w[a b], page.map(&:id)
    assert page.has_more?
    assert_equal "2026-01-01T00:00:00Z", page.matched_at
    assert_equal [nil], asked
    seen = []
    page.auto_paging_each { |item| seen << item.id }
    assert_equal %w[a b c d], seen
    assert_equal [nil, "c1", "c2"], asked
    assert_equal %w[a b c d], page.auto_paging_each.map(&:id)
    assert_equal [2, 1, 1], page.each_page.map(&:size)
  end

  def test_lists_send_the_cursor_and_the_page_size
    transport = FakeTransport.new(
      FakeTransport.json(200, "data" => [{ "id" => "a" }], "has_more" => true, "next_cursor" => "cur 1"),
      FakeTransport.json(200, "data" => [{ "id" => "b" }], "has_more" => false, "next_cursor" => nil)
    )
    client = LeadNod::Client.new(client_id: "c", client_secret: "s", base_url: "http://api.test",
                                 transport: transport)
    ids = client.engagements.activities.list("eng_1", limit: 1).auto_paging_each.map(&:id)
    assert_equal %w[a b], ids
    assert_equal ["limit=1", "limit=1&cursor=cur+1"], transport.api_requests.map { |r| r.uri.query }
  end

  def test_bulk_create_result_splits_created_and_refused
    result = LeadNod::BulkCreateResult.construct(
      "data" => [{ "id" => "opp_1" }, { "index" => 1, "error" => { "code" => "invalid_parameter" } }]
    )
    assert_equal ["opp_1"], result.created.map(&:id)
    assert_equal ["invalid_parameter"], result.errors.map { |e| e.error.code }
  end
end
