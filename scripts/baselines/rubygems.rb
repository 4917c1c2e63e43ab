#!/usr/bin/env ruby
# frozen_string_literal: true

# Baseline for scry's RubyGems order, answered by Gem::Version (the reference).
#
# Extracts version strings from the rubysec advisories in shared/vulndb
# (rubysec-rubygems.zip: the versions inside patched_versions / unaffected_versions
# requirements) and from the RubyGems part of ossf-malicious-packages, adds variants
# (prerelease suffixes, `-` forms, letters glued to numbers, trailing zeros, case), pairs
# them (same gem, neighbours in Gem order, random) and asks Gem::Version for `<=>`.
# Strings Gem::Version rejects are written as `! V` lines.
#
# Also writes tests/data/rubygems.fixture-invalid.txt: the strings of the shared fixtures
# rubygems.txt / rubygems.generated.txt that Gem::Version rejects.
#
# Usage: apt-get install ruby && ruby scripts/baselines/rubygems.rb
# Writes crates/scry-version/tests/data/rubygems.baseline.txt.

require 'json'
require 'yaml'
require 'open3'
require 'set'

ROOT = File.expand_path('../..', __dir__)
VULNDB = File.join(ROOT, '..', 'shared', 'vulndb')
FIXTURES = File.join(ROOT, '..', 'shared', 'fixtures', 'versions')
DATA = File.join(ROOT, 'crates', 'scry-version', 'tests', 'data')

def rubysec_versions
  zip = File.join(VULNDB, 'rubysec-rubygems.zip')
  names, = Open3.capture2('unzip', '-Z1', zip)
  by_gem = Hash.new { |h, k| h[k] = Set.new }
  names.split("\n").grep(%r{\Agems/.*\.yml\z}).each_slice(200) do |slice|
    slice.each do |name|
      text, = Open3.capture2('unzip', '-p', zip, name)
      doc = YAML.safe_load(text, permitted_classes: [Date]) rescue next
      next unless doc.is_a?(Hash)

      %w[patched_versions unaffected_versions].each do |key|
        Array(doc[key]).each do |req|
          req.to_s.split(',').each do |part|
            v = part.strip.sub(/\A(~>|>=|<=|!=|=|>|<)\s*/, '')
            by_gem[doc['gem'].to_s] << v unless v.empty?
          end
        end
      end
    end
  end
  by_gem
end

def malicious_versions
  out, = Open3.capture2('zstd', '-dc', File.join(VULNDB, 'ossf-malicious-packages.osv.jsonl.zst'))
  by_gem = Hash.new { |h, k| h[k] = Set.new }
  out.each_line do |line|
    rec = JSON.parse(line)
    (rec['affected'] || []).each do |aff|
      next unless aff.dig('package', 'ecosystem') == 'RubyGems'

      name = aff.dig('package', 'name')
      (aff['versions'] || []).each { |v| by_gem[name] << v }
    end
  end
  by_gem
end

def valid?(s)
  Gem::Version.correct?(s) && !s.strip.empty?
end

def op(a, b)
  case Gem::Version.new(a) <=> Gem::Version.new(b)
  when -1 then '<'
  when 1 then '>'
  else '='
  end
end

def fixture_invalid
  bad = Set.new
  %w[rubygems.txt rubygems.generated.txt].each do |name|
    File.readlines(File.join(FIXTURES, name), chomp: true).each do |line|
      next if line.strip.empty? || line.start_with?('# ', '//') || line == '#'

      a, _, b = line.split(' ')
      [a, b].each { |s| bad << s unless Gem::Version.correct?(s) }
    end
  end
  head = "# RubyGems #{Gem::VERSION} Gem::Version.correct? is false for these fixture strings"
  File.write(File.join(DATA, 'rubygems.fixture-invalid.txt'), ([head] + bad.to_a.sort).join("\n") + "\n")
  puts "fixture strings Gem::Version rejects: #{bad.size}"
end

def main
  fixture_invalid
  rng = Random.new(0)
  gems = rubysec_versions
  malicious_versions.each { |k, v| gems[k].merge(v) }
  all = gems.values.flat_map(&:to_a).uniq.sort
  valid = all.select { |s| valid?(s) && !s.include?(' ') }
  invalid = all.reject { |s| valid?(s) }
  variants = []
  valid.sample(600, random: rng).each do |v|
    variants.concat([
      "#{v}.pre", "#{v}-rc1", "#{v}.rc.1", "#{v}.beta2", "#{v}b", "#{v}.0", "#{v}.0.a",
      "#{v}-ALPHA", "#{v}.A", "#{v}.a-b", "#{v}.1", "#{v}-1", "0#{v}", "#{v}..1", "#{v}-",
      "v#{v}", "#{v}+1",
    ].sample(5, random: rng))
  end
  variants.uniq!
  vvalid = variants.select { |s| valid?(s) }
  invalid.concat(variants.reject { |s| valid?(s) })
  # Random strings over the pattern's alphabet, to exercise validation and segments.
  alphabet = ('0123456789' * 3 + '..--').chars + %w[a b pre rc A Z x beta + _ v] + [' ', "\t"]
  fuzz = Array.new(3000) { Array.new(rng.rand(1..10)) { alphabet.sample(random: rng) }.join }
  invalid.concat(fuzz.reject { |s| valid?(s) })
  fz = fuzz.select { |s| valid?(s) && !s.include?(' ') && !s.include?("\t") }
  fz.each_slice(2) { |a, b| pairs_extra = [a, b]; (@fuzz_pairs ||= []) << pairs_extra if b }
  pool = (valid + vvalid + fz).uniq
  pairs = Set.new
  gems.each_value do |vs|
    ok = vs.select { |s| valid?(s) && !s.include?(' ') }.to_a
    next if ok.size < 2

    2.times { pairs << ok.sample(2, random: rng) }
  end
  sorted = pool.sort_by { |s| Gem::Version.new(s) }
  sorted.each_cons(2) { |a, b| pairs << [a, b] if rng.rand < 0.5 }
  (@fuzz_pairs || []).each { |pr| pairs << pr }
  pairs << pool.sample(2, random: rng) while pairs.size < 5500
  lines = ["# RubyGems #{Gem::VERSION} Gem::Version: A OP B; `! V`: Gem::Version.correct?(V) is false"]
  pairs.to_a.sort.each { |a, b| lines << "#{a} #{op(a, b)} #{b}" }
  invalid.uniq.sort.each { |s| lines << "! #{s}" unless s.strip.empty? || s.include?("\n") }
  out = File.join(DATA, 'rubygems.baseline.txt')
  File.write(out, lines.join("\n") + "\n")
  puts "#{out}: #{pairs.size} pairs, #{invalid.uniq.size} rejected"
end

main
