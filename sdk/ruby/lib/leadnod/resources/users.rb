# frozen_string_literal: true

module LeadNod
  module Resources
    # +client.users+: the caller's account and its client secret, public profiles,
    # sales-professional search.
    class Users < Base
      UPDATABLE = %i[name email company industry profile].freeze

      # The account the credentials belong to (GET /v1/users/me).
      def me
        http_get("/users/me")
      end

      # Change the caller's account (PATCH /v1/users/me): name, email, company, industry,
      # profile (a partial profile, e.g. { website: "https://acme.com" }). Only the keywords
      # given change; nil clears a field.
      def update_me(**fields)
        http_patch("/users/me", body: Util.update_body(fields, UPDATABLE))
      end

      # A new client secret for the credentials this client signed in with
      # (POST /v1/users/me/credentials/rotate). Answers client_id, client_secret (shown this
      # once; nil in the replay of a retry the API had already run) and
      # previous_secret_expires_at: the previous secret keeps working for +grace_seconds+
      # (0..86400, the API's default 3600; 0 refuses it at once). Tokens already issued stay
      # valid until they expire, so this client keeps working; build the next one with the
      # new secret.
      def rotate_credentials(grace_seconds: nil, idempotency_key: nil)
        http_post("/users/me/credentials/rotate", body: Util.body(grace_seconds: grace_seconds),
                                                  idempotency_key: idempotency_key)
      end

      # Anyone's public profile (GET /v1/users/{id}); no email or plan.
      def retrieve(user_id)
        http_get("/users/#{path_id(user_id, 'user_id')}")
      end

      # Search sales professionals (GET /v1/users/search). +skills+ matches any of the given
      # skills (an Array or a comma-separated String); +q+ is free text.
      def search(industry: nil, skills: nil, min_experience: nil, location: nil,
                 availability: nil, compensation_model: nil, q: nil, limit: nil)
        http_list("/users/search", query: {
               industry: industry, skills: skills, min_experience: min_experience,
               location: location, availability: availability,
               compensation_model: compensation_model, q: q, limit: limit
             })
      end
    end

    # +client.team+: the members of a client's organization, their roles and its ownership.
    # Every member may list the team; only the owner and admins change it.
    class Team < Base
      TEAM = "/users/me/team"

      # The members, oldest first, each with its role (GET /v1/users/me/team).
      def list
        http_list(TEAM)
      end

      # Add a member with role "admin" or "member" (POST /v1/users/me/team). The answer's
      # +credentials+ are the member's own client id and secret, shown this once.
      def add(name:, email:, role:, idempotency_key: nil)
        http_post(TEAM, body: Util.body(name: name, email: email, role: role),
                   idempotency_key: idempotency_key)
      end

      # Change a member's role (PATCH /v1/users/me/team/{user_id}).
      def update(user_id, role:)
        http_patch(member(user_id), body: { "role" => role })
      end

      # Remove a member (DELETE /v1/users/me/team/{user_id}): its credentials stop working.
      def remove(user_id)
        http_delete(member(user_id))
      end

      # Make a member the owner; the caller becomes an admin
      # (POST /v1/users/me/team/{user_id}/transfer). Answers the new owner.
      def transfer_ownership(user_id, idempotency_key: nil)
        http_post("#{member(user_id)}/transfer", idempotency_key: idempotency_key)
      end

      # A new client secret for a member's credentials, owner or admin
      # (POST /v1/users/me/team/{user_id}/credentials/rotate); the same answer and
      # +grace_seconds+ as +client.users.rotate_credentials+.
      def rotate_credentials(user_id, grace_seconds: nil, idempotency_key: nil)
        http_post("#{member(user_id)}/credentials/rotate",
                  body: Util.body(grace_seconds: grace_seconds), idempotency_key: idempotency_key)
      end

      private

      def member(user_id)
        "#{TEAM}/#{path_id(user_id, 'user_id')}"
      end
    end

    # +client.usage+: the account's requests against its plan's rate limits.
    class Usage < Base
      # This minute's and today's requests, this one included, against the plan's limits
      # (GET /v1/usage): plan, organization_id (a client user's figures are the
      # organization's, shared by its members), per_minute and per_day, each with limit,
      # used, remaining and resets_at.
      def retrieve
        http_get("/usage")
      end
    end
  end
end
