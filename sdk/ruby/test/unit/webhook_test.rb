# frozen_string_literal: true

require_relative "../test_helper"

class WebhookTest < Minitest::Test
  SECRET = "whsec_test"
  BODY = '{"id":"evt_1","type":"engagement.created","created":"2024-03-15T14:30:00Z","data":{}}'

  def signature(body = BODY, secret = SECRET)
    OpenSSL::HMAC.hexdigest("SHA256", secret, body)
  end

  def test_a_matching_signature_answers_true
    assert_equal true, LeadNod::Webhook.verify(BODY, signature, SECRET)
    assert_equal true, LeadNod::Webhook.verify(BODY, signature.upcase, SECRET)
    assert_equal true, LeadNod::Webhook.verify(BODY, { "X-LeadNod-Signature" => signature }, SECRET)
  end

  def test_anything_else_raises
    tampered = signature[0...-1] + (signature[-1] == "0" ? "1" : "0")
    [[BODY + " ", signature], [BODY, tampered], [BODY, signature(BODY, "other")], [BODY, ""],
     [BODY, nil]].each do |body, header|
      assert_raises(LeadNod::SignatureVerificationError) { LeadNod::Webhook.verify(body, header, SECRET) }
    end
    assert_raises(ArgumentError) { LeadNod::Webhook.verify(BODY, signature, "") }
  end

  def test_construct_event_answers_the_event
    event = LeadNod::Webhook.construct_event(BODY, signature, SECRET)
    assert_equal %w[evt_1 engagement.created], [event.id, event.type]
    assert_raises(LeadNod::SignatureVerificationError) do
      LeadNod::Webhook.construct_event("[]", signature("[]"), SECRET)
    end
  end

  def test_standard_webhooks_headers_bind_the_timestamp
    now = 1_700_000_000
    signed = "msg_1.#{now}.#{BODY}"
    value = [OpenSSL::HMAC.digest("SHA256", SECRET, signed)].pack("m0")
    headers = { "webhook-id" => "msg_1", "webhook-timestamp" => now.to_s,
                "webhook-signature" => "v1,bogus v1,#{value}" }
    assert_equal true, LeadNod::Webhook.verify(BODY, headers, SECRET, now: now + 10)
    error = assert_raises(LeadNod::SignatureVerificationError) do
      LeadNod::Webhook.verify(BODY, headers, SECRET, now: now + 301)
    end
    assert_match(/replay/, error.message)
    assert_equal true, LeadNod::Webhook.verify(BODY, headers, SECRET, tolerance: nil)
    assert_raises(LeadNod::SignatureVerificationError) do
      LeadNod::Webhook.verify(BODY, headers.merge("webhook-id" => "msg_2"), SECRET, now: now)
    end
  end

  def test_secure_compare_takes_the_same_path_whatever_differs
    assert LeadNod::Util.secure_compare("abc", "abc")
    refute LeadNod::Util.secure_compare("abc", "abd")
    refute LeadNod::Util.secure_compare("abc", "abcd")
    refute LeadNod::Util.secure_compare("", "a")
  end
end
