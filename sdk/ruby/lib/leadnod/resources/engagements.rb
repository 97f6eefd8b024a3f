# frozen_string_literal: true

module LeadNod
  module Resources
    # Paths under /engagements/{id}.
    module EngagementPaths
      private

      def engagement(engagement_id, tail = "")
        "/engagements/#{path_id(engagement_id, 'engagement_id')}#{tail}"
      end
    end

    # +client.engagements.activities+: the work logged on an engagement.
    class Activities < Base
      include EngagementPaths

      # Log an activity on an active engagement (either party;
      # POST /v1/engagements/{id}/activities). type: call, email, meeting, demo, proposal,
      # deal_closed or note; occurred_at defaults to now; value (minor units) is for
      # deal_closed only.
      def log(engagement_id, type:, description: nil, occurred_at: nil, outcome: nil,
              value: nil, idempotency_key: nil)
        body = Util.body(type: type, description: description, occurred_at: occurred_at,
                         outcome: outcome, value: value)
        http_post(engagement(engagement_id, "/activities"), body: body,
                                                            idempotency_key: idempotency_key)
      end

      # The engagement's activities, newest first (GET /v1/engagements/{id}/activities).
      def list(engagement_id, limit: nil)
        http_list(engagement(engagement_id, "/activities"), query: { limit: limit })
      end
    end

    # +client.engagements+: create, list, read, the lifecycle (start, complete, terminate),
    # activities and metrics.
    class Engagements < Base
      include EngagementPaths

      attr_reader :activities

      def initialize(client)
        super
        @activities = Activities.new(client)
      end

      # Offer a sales professional an engagement on your opportunity (clients;
      # POST /v1/engagements); it is pending until they start it. +terms+ overrides the
      # opportunity's compensation_model, commission_rate or base_salary_range.
      def create(opportunity_id:, sales_pro_id:, terms: nil, idempotency_key: nil)
        http_post("/engagements", idempotency_key: idempotency_key, body: Util.body(
          opportunity_id: opportunity_id, sales_pro_id: sales_pro_id, terms: terms
        ))
      end

      # The caller's engagements, newest first (GET /v1/engagements). status: pending,
      # active, completed or terminated.
      def list(status: nil, opportunity_id: nil, limit: nil)
        http_list("/engagements", query: { status: status, opportunity_id: opportunity_id,
                                           limit: limit })
      end

      # One engagement (GET /v1/engagements/{id}).
      def retrieve(engagement_id)
        http_get(engagement(engagement_id))
      end

      # Accept a pending engagement: pending to active (the sales professional;
      # POST /v1/engagements/{id}/start).
      def start(engagement_id, idempotency_key: nil)
        http_post(engagement(engagement_id, "/start"), body: {}, idempotency_key: idempotency_key)
      end

      # Finish an active engagement (the client; POST /v1/engagements/{id}/complete).
      def complete(engagement_id, idempotency_key: nil)
        http_post(engagement(engagement_id, "/complete"), body: {},
                                                          idempotency_key: idempotency_key)
      end

      # End a pending or active engagement (either party;
      # POST /v1/engagements/{id}/terminate).
      def terminate(engagement_id, reason:, idempotency_key: nil)
        http_post(engagement(engagement_id, "/terminate"), body: { "reason" => reason },
                                                           idempotency_key: idempotency_key)
      end

      # Activity counts, deals, revenue, commission, escrow (GET /v1/engagements/{id}/metrics).
      def metrics(engagement_id)
        http_get(engagement(engagement_id, "/metrics"))
      end
    end
  end
end
