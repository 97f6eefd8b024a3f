# frozen_string_literal: true

module LeadNod
  module Resources
    # What every resource does with its client: one call, one object (or page) back.
    class Base
      def initialize(client)
        @client = client
      end

      def inspect
        "#<#{self.class.name}>"
      end

      private

      def http_get(path, query: {}, as: LeadNodObject)
        as.construct(@client.request(:get, path, query: Util.query(query)))
      end

      def http_post(path, body: nil, idempotency_key: nil, as: LeadNodObject)
        as.construct(@client.request(:post, path, body: body, idempotency_key: idempotency_key))
      end

      def http_patch(path, body:, as: LeadNodObject)
        as.construct(@client.request(:patch, path, body: body))
      end

      def http_delete(path)
        @client.request(:delete, path)
        nil
      end

      def http_list(path, query: {})
        params = Util.query(query)
        fetch = lambda do |cursor|
          @client.request(:get, path, query: cursor ? params.merge("cursor" => cursor) : params)
        end
        ListObject.first(fetch)
      end

      def path_id(value, name)
        Util.path_id(value, name)
      end
    end
  end
end
