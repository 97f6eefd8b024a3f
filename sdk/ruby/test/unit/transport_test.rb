# frozen_string_literal: true

require_relative "../test_helper"
require "socket"

# The real transport against a socket that closes every connection without answering: each of
# the client's attempts is one connection (Net::HTTP's own retry of a GET is off), and no
# answer at all is an APIConnectionError after the client's retries.
class TransportTest < Minitest::Test
  def test_each_attempt_is_one_connection_and_no_answer_is_a_connection_error
    server = TCPServer.new("127.0.0.1", 0)
    accepted = 0
    closer = Thread.new do
      loop do
        socket = server.accept
        accepted += 1
        socket.readpartial(4096)
        socket.close
      end
    end
    client = LeadNod::Client.new(client_id: "c", client_secret: "s", max_retries: 2,
                                 base_url: "http://127.0.0.1:#{server.addr[1]}")
    client.sleeper = ->(_seconds) {}
    assert_raises(LeadNod::APIConnectionError) { client.request(:get, "/users/me", authenticated: false) }
    assert_equal 3, accepted
  ensure
    closer&.kill
    server&.close
  end
end
