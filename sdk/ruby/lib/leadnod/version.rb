# frozen_string_literal: true

module LeadNod
  VERSION = "0.1.0"
end
