# frozen_string_literal: true

module LeadNod
  # One page of a list: +data+ (this page's objects), +has_more?+, +next_cursor+. +each+
  # (and the rest of Enumerable) goes through this page; +auto_paging_each+ through every
  # item of this page and the pages after it, fetching each page when reached:
  #
  #   client.opportunities.list(limit: 50).auto_paging_each { |o| puts o.title }
  #
  # Fields of the list answer besides the envelope (the +matched_at+ of matches) are
  # readable like an object's.
  class ListObject < LeadNodObject
    include Enumerable

    # +fetch+ takes a cursor (nil: the first page) and answers the page's JSON as a Hash.
    def initialize(answer, fetch)
      super(answer)
      @fetch = fetch
    end

    def self.first(fetch)
      new(fetch.call(nil), fetch)
    end

    def data
      self[:data] || []
    end

    def has_more?
      self[:has_more] == true && !next_cursor.nil?
    end
    alias has_more has_more?

    def next_cursor
      self[:next_cursor]
    end

    def each(&block)
      return enum_for(:each) unless block

      data.each(&block)
      self
    end

    # The following page, or nil after the last.
    def next_page
      has_more? ? ListObject.new(@fetch.call(next_cursor), @fetch) : nil
    end

    # Yields this page and each following one (an Enumerator without a block).
    def each_page
      return enum_for(:each_page) unless block_given?

      page = self
      until page.nil?
        yield page
        page = page.next_page
      end
    end

    # Yields every item of every page from this one on (an Enumerator without a block).
    def auto_paging_each(&block)
      return enum_for(:auto_paging_each) unless block

      each_page { |page| page.data.each(&block) }
      self
    end

    def empty?
      data.empty?
    end

    def size
      data.size
    end
    alias length size

    def inspect
      "#<#{self.class.name} data=<#{data.size} items> has_more=#{has_more?}>"
    end
  end
end
