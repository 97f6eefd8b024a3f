# frozen_string_literal: true

require_relative "test_helper"
require "open3"

# The gem supports Ruby 2.7, and the Ruby here is newer (Debian's 3.1) with no 2.7 parser at
# hand, so the rules below are what 2.7 would refuse or lack, checked line by line over every
# Ruby file the gem and its runner ship or run (lib/, conformance/, test/), with comments and
# string contents left out. Each rule: a name, what it matches, and since which Ruby it works.
class Ruby27SyntaxTest < Minitest::Test
  RULES = [
    ["endless method (def x() = ...)", /\bdef\s+[\w.?!]+(\([^)]*\))?\s*=(?!=|~)/, "3.0"],
    ["hash or keyword shorthand ({x:}, f(x:))", /[{(,]\s*[a-z_]\w*:\s*[,})]/, "3.1"],
    ["anonymous block/rest forwarding (&), (*), (**)", /\((\s*\*{1,2}|\s*&)\s*\)|,\s*(&|\*{1,2})\s*\)/, "3.1/3.2"],
    ["argument forwarding with leading arguments (a, ...)", /\(\s*\w+\s*,\s*\.\.\.\s*\)/, "3.0"],
    ["rightward assignment or one-line pattern (expr => x, expr in pat)",
     /^\s*[\w.()]+\s*=>\s*[a-z_]\w*\s*$|\bin\s+\{|\bin\s+\[/, "3.0"],
    ["numbered block parameter it (3.4) / Data.define (3.2)", /\bit\.\w|\bData\.define\b/, "3.2"],
    ["Hash#except, Array#intersect?, Integer.try_convert",
     /\.except\(|\.intersect\?|Integer\.try_convert/, "3.0/3.1"],
    ["OpenSSL.secure_compare / fixed_length_secure_compare (openssl gem 2.2, Ruby 3.0)",
     /OpenSSL\.(fixed_length_)?secure_compare/, "3.0"],
    ["Struct keyword_init: false/true is fine; Struct.new without it taking keywords (3.2)",
     /Struct\.new\([^)]*\)\.new\(\w+:/, "3.2"]
  ].freeze

  FILES = (Dir[File.expand_path("../{lib,conformance,test}/**/*.rb", __dir__)] +
           [File.expand_path("../leadnod.gemspec", __dir__)]) - [__FILE__] # this file: patterns
  PARSED = FILES + [__FILE__]

  def test_no_file_uses_syntax_or_library_calls_newer_than_ruby_2_7
    found = FILES.flat_map { |path| offences(path) }
    assert_empty found, "Ruby 2.7 cannot run:\n#{found.join("\n")}"
  end

  def test_every_file_parses_here
    PARSED.each do |path|
      _out, err, status = Open3.capture3(RbConfig.ruby, "-wc", path)
      assert status.success?, "#{path}: #{err}"
      assert_empty err, "#{path} warns: #{err}"
    end
  end

  def test_the_rules_catch_what_they_name
    ["def ok? = true", "f(x:, y:)", "{ a:, b: 1 }", "def f(*) = g(*)", "def g(&) g2(&) end",
     "def h(a, ...)", "value => result", "case x in {a:}", "h.except(:a)",
     "OpenSSL.fixed_length_secure_compare(a, b)"].each do |line|
      refute_empty broken_rules(line), line
    end
    ["def initialize(client_id: nil, secret:)", "{ \"a\" => 1 }", "f(x: 1, y: z)",
     "when Hash then value"].each do |line|
      assert_empty broken_rules(line).map(&:first), line
    end
  end

  private

  def offences(path)
    File.readlines(path).each_with_index.flat_map do |line, index|
      broken_rules(line).map do |name, _, since|
        "#{path}:#{index + 1}: #{name} (Ruby #{since}): #{line.strip}"
      end
    end
  end

  def broken_rules(line)
    code = code_of(line)
    shorthand_allowed = code.lstrip.start_with?("def ") # a signature's x: is a required keyword
    RULES.select do |name, pattern, _|
      pattern.match?(code) && !(shorthand_allowed && name.start_with?("hash or keyword"))
    end
  end

  # The line without its comment and with string and regexp contents emptied.
  def code_of(line)
    line.gsub(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|%r\{[^}]*\}|%w\[[^\]]*\]/, '""')
        .sub(/\s#(?![{]).*$|^\s*#.*$/, "")
  end
end
