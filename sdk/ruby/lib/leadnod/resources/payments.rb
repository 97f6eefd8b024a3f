# frozen_string_literal: true

module LeadNod
  module Resources
    # +client.payments.escrow+: every call moves money, so each is sent with an
    # Idempotency-Key (yours, or one made per call and reused by its retries): the API moves
    # the money once however often the request arrives. Amounts are minor units.
    class Escrow < Base
      # Charge the client and hold the money in the engagement's escrow
      # (POST /v1/payments/escrow/fund). The answer is usually "processing"; follow it with
      # +payments.retrieve(id)+. The sandbox charges pm_card_visa by default.
      def fund(engagement_id:, amount:, currency: nil, payment_method: nil, idempotency_key: nil)
        http_post("/payments/escrow/fund", idempotency_key: idempotency_key, body: Util.body(
          engagement_id: engagement_id, amount: amount, currency: currency,
          payment_method: payment_method
        ))
      end

      # Pay the sales professional from escrow (POST /v1/payments/escrow/release).
      def release(engagement_id:, amount:, description: nil, idempotency_key: nil)
        http_post("/payments/escrow/release", idempotency_key: idempotency_key, body: Util.body(
          engagement_id: engagement_id, amount: amount, description: description
        ))
      end

      # Return escrowed money to the client (POST /v1/payments/escrow/refund).
      def refund(engagement_id:, amount:, reason: nil, idempotency_key: nil)
        http_post("/payments/escrow/refund", idempotency_key: idempotency_key, body: Util.body(
          engagement_id: engagement_id, amount: amount, reason: reason
        ))
      end

      # Dispute an amount of the escrow, frozen until the dispute is decided (either party;
      # POST /v1/payments/escrow/dispute).
      def dispute(engagement_id:, amount:, reason:, idempotency_key: nil)
        http_post("/payments/escrow/dispute", idempotency_key: idempotency_key, body: Util.body(
          engagement_id: engagement_id, amount: amount, reason: reason
        ))
      end
    end

    # +client.payments.disputes+.
    class Disputes < Base
      # The caller's disputes, newest first (GET /v1/payments/disputes). status: open,
      # under_review or resolved.
      def list(engagement_id: nil, status: nil, limit: nil)
        http_list("/payments/disputes", query: { engagement_id: engagement_id, status: status,
                                                 limit: limit })
      end

      # One dispute with its evidence (GET /v1/payments/disputes/{id}).
      def retrieve(dispute_id)
        http_get(dispute(dispute_id))
      end

      # Add evidence to an undecided dispute (POST /v1/payments/disputes/{id}/evidence).
      def add_evidence(dispute_id, text:, idempotency_key: nil)
        http_post(dispute(dispute_id, "/evidence"), body: { "text" => text },
                                                    idempotency_key: idempotency_key)
      end

      # Concede a dispute the other party opened, in full
      # (POST /v1/payments/disputes/{id}/accept).
      def accept(dispute_id, idempotency_key: nil)
        http_post(dispute(dispute_id, "/accept"), body: {}, idempotency_key: idempotency_key)
      end

      private

      def dispute(dispute_id, tail = "")
        "/payments/disputes/#{path_id(dispute_id, 'dispute_id')}#{tail}"
      end
    end

    # +client.payments+: history, balances; +escrow+ and +disputes+.
    class Payments < Base
      attr_reader :escrow, :disputes

      def initialize(client)
        super
        @escrow = Escrow.new(client)
        @disputes = Disputes.new(client)
      end

      # Payment history, newest first (GET /v1/payments). type: escrow_fund, escrow_release
      # or escrow_refund; status: processing, succeeded or failed; from/to bound the time.
      def list(engagement_id: nil, type: nil, status: nil, from: nil, to: nil, limit: nil)
        http_list("/payments", query: { engagement_id: engagement_id, type: type,
                                        status: status, from: from, to: to, limit: limit })
      end

      # One payment (GET /v1/payments/{id}).
      def retrieve(payment_id)
        http_get("/payments/#{path_id(payment_id, 'payment_id')}")
      end

      # An engagement's escrow, or (without engagement_id) the caller's totals
      # (GET /v1/payments/balance).
      def balance(engagement_id: nil, currency: nil)
        http_get("/payments/balance", query: { engagement_id: engagement_id, currency: currency })
      end
    end
  end
end
