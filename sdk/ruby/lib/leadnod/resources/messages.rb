# frozen_string_literal: true

module LeadNod
  module Resources
    # +client.messages.conversations+.
    class Conversations < Base
      # The caller's conversations, latest activity first (GET /v1/messages/conversations).
      def list(limit: nil)
        http_list("/messages/conversations", query: { limit: limit })
      end

      # A conversation's messages, oldest first (GET /v1/messages/conversations/{id}); reading
      # marks the messages you received as read.
      def retrieve(conversation_id, limit: nil)
        http_list("/messages/conversations/#{path_id(conversation_id, 'conversation_id')}",
                  query: { limit: limit })
      end
    end

    # +client.messages.preferences+: when LeadNod emails you about messages.
    class Preferences < Base
      UPDATABLE = %i[email_on_new_message digest_frequency].freeze

      # GET /v1/messages/preferences.
      def retrieve
        http_get("/messages/preferences")
      end

      # Change the keywords given (PATCH /v1/messages/preferences): email_on_new_message,
      # digest_frequency (never, daily or weekly).
      def update(**fields)
        http_patch("/messages/preferences", body: Util.update_body(fields, UPDATABLE))
      end
    end

    # +client.messages+: send; +conversations+ and +preferences+.
    class Messages < Base
      attr_reader :conversations, :preferences

      def initialize(client)
        super
        @conversations = Conversations.new(client)
        @preferences = Preferences.new(client)
      end

      # Send a message (POST /v1/messages/send): to +recipient_id+ (with +engagement_id+, into
      # the engagement's own conversation) or into +conversation_id+; exactly one of the two.
      # Also +send(body:, ...)+, as in the other SDKs; +send(:name, ...)+ is still Object#send.
      def send_message(body:, recipient_id: nil, conversation_id: nil, engagement_id: nil,
                       idempotency_key: nil)
        http_post("/messages/send", idempotency_key: idempotency_key, body: Util.body(
          body: body, recipient_id: recipient_id, conversation_id: conversation_id,
          engagement_id: engagement_id
        ))
      end

      def send(*args, **options, &block)
        return super unless args.empty?

        send_message(**options)
      end
    end
  end
end
