# frozen_string_literal: true

module LeadNod
  module Resources
    # +client.users+: the caller's account, public profiles, sales-professional search.
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

      private

      def member(user_id)
        "#{TEAM}/#{path_id(user_id, 'user_id')}"
      end
    end
  end
end
