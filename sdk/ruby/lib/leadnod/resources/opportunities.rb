# frozen_string_literal: true

module LeadNod
  module Resources
    # +client.opportunities+: create (one or in bulk), browse, read, change, delete;
    # interests and matches.
    class Opportunities < Base
      UPDATABLE = %i[title description industry compensation_model base_salary_range
                     commission_rate duration requirements currency status].freeze

      # Post an opportunity (clients; POST /v1/opportunities). compensation_model: commission,
      # base or hybrid; base_salary_range: { min: 80000, max: 120000 }; commission_rate: 0-1;
      # duration: ongoing, 1_month, 3_months, 6_months or 12_months.
      def create(title:, industry: nil, description: nil, compensation_model: nil,
                 base_salary_range: nil, commission_rate: nil, duration: nil,
                 requirements: nil, currency: nil, idempotency_key: nil)
        http_post("/opportunities", idempotency_key: idempotency_key, body: Util.body(
          title: title, industry: industry, description: description,
          compensation_model: compensation_model, base_salary_range: base_salary_range,
          commission_rate: commission_rate, duration: duration, requirements: requirements,
          currency: currency
        ))
      end

      # Opportunities, newest first (GET /v1/opportunities): a client sees its own, a sales
      # professional the open ones. +limit+ is the page size (1-100).
      def list(status: nil, industry: nil, compensation_model: nil, limit: nil)
        http_list("/opportunities", query: { status: status, industry: industry,
                                             compensation_model: compensation_model,
                                             limit: limit })
      end

      # One opportunity (GET /v1/opportunities/{id}).
      def retrieve(opportunity_id)
        http_get(opportunity(opportunity_id))
      end

      # Change an opportunity (PATCH /v1/opportunities/{id}): only the keywords given change,
      # nil clears a field; +status+ moves between open and paused, or closes it for good.
      def update(opportunity_id, **fields)
        http_patch(opportunity(opportunity_id), body: Util.update_body(fields, UPDATABLE))
      end

      # Delete an opportunity (DELETE /v1/opportunities/{id}).
      def delete(opportunity_id)
        http_delete(opportunity(opportunity_id))
      end

      # Post up to 100 opportunities at once (POST /v1/opportunities/bulk); each item takes
      # the keywords of +create+. The answer's +data[i]+ is the created opportunity or the
      # error of item i (+result.created+, +result.errors+). When none was created an
      # InvalidRequestError is raised; its +body["data"]+ holds every item's error.
      def bulk_create(opportunities:, idempotency_key: nil)
        items = opportunities.map { |item| Util.body(item) }
        http_post("/opportunities/bulk", body: { "opportunities" => items },
                                         idempotency_key: idempotency_key, as: BulkCreateResult)
      end

      # The best-matching sales professionals, best first (GET /v1/opportunities/{id}/matches;
      # the opportunity's client). The page's +matched_at+ is nil until matches are computed.
      def matches(opportunity_id, limit: nil)
        http_list(opportunity(opportunity_id, "/matches"), query: { limit: limit })
      end

      # Tell the client you are interested (sales professionals;
      # POST /v1/opportunities/{id}/interest).
      def express_interest(opportunity_id, message: nil, idempotency_key: nil)
        http_post(opportunity(opportunity_id, "/interest"), body: Util.body(message: message),
                                                            idempotency_key: idempotency_key)
      end

      # The interests expressed in an opportunity (its client;
      # GET /v1/opportunities/{id}/interests).
      def interests(opportunity_id, limit: nil)
        http_list(opportunity(opportunity_id, "/interests"), query: { limit: limit })
      end

      private

      def opportunity(opportunity_id, tail = "")
        "/opportunities/#{path_id(opportunity_id, 'opportunity_id')}#{tail}"
      end
    end
  end
end
