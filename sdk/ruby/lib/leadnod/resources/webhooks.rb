# frozen_string_literal: true

module LeadNod
  module Resources
    # +client.webhooks+: endpoints, their deliveries, retries and test pings. To check the
    # requests LeadNod sends, see LeadNod::Webhook.verify.
    class Webhooks < Base
      UPDATABLE = %i[url events status secret rotate_secret].freeze

      # Register an endpoint for +events+ (event types, or ["*"]; POST /v1/webhooks).
      # Without +secret+ one is generated; the answer's +secret+ is the only time it shows.
      def create(url:, events:, secret: nil, idempotency_key: nil)
        http_post("/webhooks", body: Util.body(url: url, events: events, secret: secret),
                               idempotency_key: idempotency_key)
      end

      # The caller's endpoints (GET /v1/webhooks).
      def list(limit: nil)
        http_list("/webhooks", query: { limit: limit })
      end

      # One endpoint (GET /v1/webhooks/{id}).
      def retrieve(webhook_id)
        http_get(webhook(webhook_id))
      end

      # Change an endpoint (PATCH /v1/webhooks/{id}): url, events, status (enabled or
      # disabled), a new secret, or rotate_secret: true for a generated one.
      def update(webhook_id, **fields)
        http_patch(webhook(webhook_id), body: Util.update_body(fields, UPDATABLE))
      end

      # Remove an endpoint (DELETE /v1/webhooks/{id}).
      def delete(webhook_id)
        http_delete(webhook(webhook_id))
      end

      # The endpoint's deliveries, newest first (GET /v1/webhooks/{id}/deliveries). status:
      # pending, succeeded or failed.
      def deliveries(webhook_id, status: nil, limit: nil)
        http_list(webhook(webhook_id, "/deliveries"), query: { status: status, limit: limit })
      end

      # Deliver an event again now, once
      # (POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry).
      def retry_delivery(webhook_id, delivery_id, idempotency_key: nil)
        tail = "/deliveries/#{path_id(delivery_id, 'delivery_id')}/retry"
        http_post(webhook(webhook_id, tail), idempotency_key: idempotency_key)
      end

      # Send a ping event to this endpoint (POST /v1/webhooks/{id}/test).
      def test(webhook_id, idempotency_key: nil)
        http_post(webhook(webhook_id, "/test"), idempotency_key: idempotency_key)
      end

      private

      def webhook(webhook_id, tail = "")
        "/webhooks/#{path_id(webhook_id, 'webhook_id')}#{tail}"
      end
    end

    # +client.events+: the caller's events of the last 30 days (what webhooks delivered).
    class Events < Base
      # Events, newest first (GET /v1/events), optionally of one +type+.
      def list(type: nil, limit: nil)
        http_list("/events", query: { type: type, limit: limit })
      end

      # One event (GET /v1/events/{id}), exactly as its webhook request carried it.
      def retrieve(event_id)
        http_get("/events/#{path_id(event_id, 'event_id')}")
      end
    end
  end
end
