# frozen_string_literal: true

module LeadNod
  module Resources
    # +client.analytics.reports+: custom reports, run and saved.
    class Reports < Base
      # Run and save a report (POST /v1/analytics/reports), e.g. metrics: %w[activities
      # deals_closed revenue], group_by: "month". group_by: day, week, month, engagement,
      # sales_pro or activity_type; filters may hold engagement_id, sales_pro_id, client_id,
      # activity_types, currency.
      def create(metrics:, group_by: nil, filters: nil, from: nil, to: nil, idempotency_key: nil)
        http_post("/analytics/reports", idempotency_key: idempotency_key, body: Util.body(
          metrics: metrics, group_by: group_by, filters: filters, from: from, to: to
        ))
      end

      # Saved reports, newest first, without their rows (GET /v1/analytics/reports).
      def list(limit: nil)
        http_list("/analytics/reports", query: { limit: limit })
      end

      # A saved report with its rows (GET /v1/analytics/reports/{id}).
      def retrieve(report_id)
        http_get("/analytics/reports/#{path_id(report_id, 'report_id')}")
      end
    end

    # +client.analytics.export+: bulk CSV or JSON downloads, written in the background.
    class Exports < Base
      # Start an export (GET /v1/analytics/export, answered 202). format: csv or json;
      # dataset: engagements, activities, payments or all. Follow it with +retrieve(id)+ until
      # status is "completed"; download_url is then valid for 15 minutes.
      def request(format: nil, dataset: nil, from: nil, to: nil)
        http_get("/analytics/export", query: { format: format, dataset: dataset, from: from,
                                               to: to })
      end

      # Start the same export with the options in a JSON body (POST /v1/analytics/export,
      # answered 202); a POST, so its retries carry one Idempotency-Key and start one export.
      def create(format: nil, dataset: nil, from: nil, to: nil, idempotency_key: nil)
        http_post("/analytics/export", idempotency_key: idempotency_key, body: Util.body(
          format: format, dataset: dataset, from: from, to: to
        ))
      end

      # An export's progress (GET /v1/analytics/export/{id}).
      def retrieve(export_id)
        http_get("/analytics/export/#{path_id(export_id, 'export_id')}")
      end
    end

    # +client.analytics+: summaries and engagement analytics; +reports+ and +export+.
    class Analytics < Base
      attr_reader :reports, :export

      def initialize(client)
        super
        @reports = Reports.new(client)
        @export = Exports.new(client)
      end

      # The caller's figures over a period, lifetime by default (GET /v1/analytics/summary).
      def summary(from: nil, to: nil, currency: nil)
        http_get("/analytics/summary", query: { from: from, to: to, currency: currency })
      end

      # One engagement's series, funnel and payments (GET /v1/analytics/engagement/{id}).
      def engagement(engagement_id, from: nil, to: nil)
        http_get("/analytics/engagement/#{path_id(engagement_id, 'engagement_id')}",
                 query: { from: from, to: to })
      end
    end
  end
end
