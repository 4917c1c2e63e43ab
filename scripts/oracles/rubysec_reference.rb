#!/usr/bin/env ruby
# frozen_string_literal: true

# An independent reference for scry's RubyGems matching (issue #4): RubyGems itself decides.
#
#   ruby scripts/oracles/rubysec_reference.rb [--grouped] ZIP INVENTORY... > EXPECTED
#   ruby scripts/oracles/rubysec_reference.rb --write-boundaries OUT.tsv ZIP INVENTORY...
#   ruby scripts/oracles/rubysec_reference.rb --add-platforms ROOT INVENTORY.json > OUT.json
#
# ZIP is rubysec/ruby-advisory-db as a zip (`gems/<gem>/<stem>.yml`, `rubies/...`), read
# with `unzip` into a temporary folder; the YAML with psych. An INVENTORY is what
# `scry sbom fs DIR --format json` writes (only its `RubyGems` packages are read), or a
# `.tsv` of `gem<TAB>version[<TAB>platform]` lines (what --write-boundaries writes).
#
# Rules (the ruby-advisory-db README, and bundler-audit's `Advisory#vulnerable?`):
# - A gem version is affected by an advisory when it satisfies none of `patched_versions`
#   and none of `unaffected_versions`; each entry is one `Gem::Requirement` whose clauses
#   are separated by `,` (`"~> 5.2.4, >= 5.2.4.3"`), checked with
#   `Gem::Requirement#satisfied_by?(Gem::Version.new(version))`. RubyGems' `~>` is
#   `v >= r && v.release < r.bump`: `~> 2.1.3` leaves out `2.2.0.rc1`.
# - `platform` (README: "If this vulnerability is platform-specific, name of platform
#   this vulnerability affects (e.g. jruby)"): every such advisory says `jruby`. A gem
#   built for a native MRI platform (`nokogiri (1.13.3-x86_64-linux)` in a lockfile,
#   `pkg:gem/nokogiri@1.13.3?platform=x86_64-linux` as purl) never runs on JRuby, so it is
#   not affected; `java` gems and gems without a platform (`ruby`, which JRuby also
#   installs) are. The platform comes from the purl's `platform` qualifier (purl spec);
#   scry's Gemfile.lock cataloger drops it, so `--add-platforms ROOT` re-reads each
#   package's lockfile (`ROOT/<path>`) and writes the qualifier into the inventory.
# - Skipped, with a count on stderr, as scry skips them: `rubies/` (Ruby interpreters,
#   no OSV ecosystem), files whose `gem` differs from their folder, withdrawn advisories
#   (none in the feed has a `withdrawn` key), and inventory versions `Gem::Version`
#   refuses.
# - Output: sorted, unique `gem<TAB>version<TAB>RUBYSEC-<gem>:<stem>` lines, the record
#   id scry's converter (crates/scry-feeds/src/rubysec.rs) gives the file. `--grouped`
#   writes one line per record instead, `RUBYSEC-<gem>:<stem><TAB>v1 v2 ...` (versions
#   in `Gem::Version` order), which is what tests/data/rubygems stores: the boundary
#   answers are 36,000 pairs.
#
# --write-boundaries: for every advisory of a gem with a hit in the inventories, and
# for every advisory whose requirements use `>`, `~>`, `!=`, `<=`, `=` or more than one
# clause (`<=` and `=` make the exclusive starts OSV cannot write), the versions its
# requirements name and their neighbours (see `probes`). Platform probes: a native
# (`x86_64-linux`) and a `java` build of each jruby-only advisory's gem, at versions no
# other probe uses (the comparison key has no platform).

require 'json'
require 'yaml'
require 'date'
require 'tmpdir'
require 'rubygems'

def die(msg)
  warn "rubysec_reference: #{msg}"
  exit 2
end

Advisory = Struct.new(:gem, :stem, :id, :requirements, :texts, :platform, keyword_init: true) do
  def vulnerable?(version, gem_platform)
    return false if platform && !runs_on?(gem_platform)

    requirements.none? { |r| r.satisfied_by?(version) }
  end

  # Whether a gem built for `gem_platform` can run on the advisory's platform (jruby).
  def runs_on?(gem_platform)
    return true unless platform.casecmp?('jruby')

    gem_platform.nil? || gem_platform == 'ruby' || gem_platform.include?('java') ||
      gem_platform.include?('jruby')
  end

  # Every version the requirements name, with its operator.
  def clauses
    texts.flat_map { |t| t.split(',').map(&:strip) }.map do |c|
      op, v = Gem::Requirement.parse(c)
      [op, v]
    end
  end
end

def load_advisories(zip, skipped)
  advisories = []
  Dir.mktmpdir('rubysec') do |dir|
    system('unzip', '-q', '-o', zip, '-d', dir) || die("unzip #{zip} failed")
    Dir.glob('**/*.yml', base: dir).sort.each do |rel|
      parts = rel.split('/')
      next if parts.length < 3

      kind, folder, file = parts[-3], parts[-2], parts[-1]
      if kind == 'rubies'
        skipped['rubies/ (Ruby interpreters)'] += 1
        next
      end
      next unless kind == 'gems'

      y = YAML.safe_load(File.read(File.join(dir, rel)), permitted_classes: [Date])
      if y['gem'].to_s.strip != folder
        skipped['gem differs from its folder'] += 1
        next
      end
      if y['withdrawn']
        skipped['withdrawn'] += 1
        next
      end
      texts = Array(y['patched_versions']) + Array(y['unaffected_versions'])
      texts = texts.map(&:to_s)
      stem = File.basename(file, '.yml')
      advisories << Advisory.new(
        gem: folder, stem: stem, id: "RUBYSEC-#{folder}:#{stem}",
        requirements: texts.map { |t| Gem::Requirement.new(*t.split(',').map(&:strip)) },
        texts: texts, platform: y['platform']&.to_s
      )
    end
  end
  advisories
end

# The `platform` qualifier of a `pkg:gem/...` purl, if any.
def purl_platform(purl)
  return nil unless purl

  q = purl.split('?', 2)[1] or return nil
  q.split('#', 2)[0].split('&').each do |kv|
    k, v = kv.split('=', 2)
    return v.gsub(/%([0-9A-Fa-f]{2})/) { Regexp.last_match(1).hex.chr } if k == 'platform'
  end
  nil
end

def gem_packages(inventories)
  inventories.flat_map do |path|
    if path.end_with?('.tsv')
      File.readlines(path, chomp: true).reject(&:empty?).map do |line|
        name, version, platform = line.split("\t")
        package(name, version, platform)
      end
    else
      JSON.parse(File.read(path))['packages'].select { |p| p['ecosystem'] == 'RubyGems' }
    end
  end
end

def evaluate(advisories, packages, skipped)
  by_gem = advisories.group_by(&:gem)
  lines = []
  packages.each do |p|
    unless Gem::Version.correct?(p['version'])
      skipped['inventory version Gem::Version refuses'] += 1
      next
    end
    version = Gem::Version.new(p['version'])
    platform = purl_platform(p['purl'])
    by_gem.fetch(p['name'], []).each do |a|
      lines << "#{p['name']}\t#{p['version']}\t#{a.id}" if a.vulnerable?(version, platform)
    end
  end
  lines.uniq.sort
end

# --- boundaries -------------------------------------------------------------------------

def release_numbers(v)
  Gem::Version.new(v).release.segments.take_while { |s| s.is_a?(Integer) }
end

# Versions around a requirement's version `v` with operator `op`: `v`; just below it
# (last number - 1, and `v.rc1`, a prerelease of it); just above it (`v.1`, nothing
# lies between `v` and it in practice); for `~>`, its bump `b` (`~> 5.2.4` → 5.3.0),
# `b.rc1` (a prerelease of the bump, which RubyGems' `~>` excludes) and a version
# just below `b` (5.2.99).
def probes(op, v)
  s = v.to_s
  nums = release_numbers(s)
  out = [s, "#{s}.rc1", "#{s}.1"]
  if !nums.empty? && nums[-1].positive?
    down = nums.dup
    down[-1] -= 1
    out << down.join('.')
  end
  if op == '~>'
    b = Gem::Version.new(s).bump.segments
    padded = (b + [0, 0]).take([b.length, 3].max)
    out << padded.join('.') << "#{padded.join('.')}.rc1"
    below = b.dup
    if below[-1].positive?
      below[-1] -= 1
      out << (below + [99]).join('.')
    end
  end
  out.select { |x| Gem::Version.correct?(x) }
end

def package(name, version, platform = nil)
  row = { 'name' => name, 'version' => version, 'ecosystem' => 'RubyGems',
          'packageManager' => 'BUNDLER', 'path' => '' }
  row['purl'] = "pkg:gem/#{name}@#{version}?platform=#{platform}" if platform
  row
end

def write_boundaries(out, advisories, packages, skipped)
  hit_gems = evaluate(advisories, packages, skipped).map { |l| l.split("\t")[0] }.uniq
  wanted = {}
  advisories.each do |a|
    clauses = a.clauses
    interesting = hit_gems.include?(a.gem) || a.texts.any? { |t| t.include?(',') } ||
                  clauses.any? { |op, _| ['>', '~>', '!=', '<=', '='].include?(op) }
    next unless interesting

    clauses.each { |op, v| probes(op, v).each { |p| (wanted[a.gem] ||= {})[p] = nil } }
  end
  rows = []
  wanted.keys.sort.each do |gem|
    wanted[gem].keys.sort_by { |v| Gem::Version.new(v) }.each { |v| rows << package(gem, v) }
  end
  # Platform probes: one native and one java build of each jruby-only advisory's gem, at
  # the advisory's first version just below a fix (`.0.1` after its number - 1), which no
  # other probe names.
  taken = rows.map { |r| [r['name'], r['version']] }.to_h { |k| [k, true] }
  advisories.select(&:platform).each do |a|
    a.clauses.each do |_, v|
      nums = release_numbers(v.to_s)
      next if nums.empty? || !nums[-1].positive?

      base = nums.dup
      base[-1] -= 1
      [['x86_64-linux', '0.7'], ['java', '0.8']].each do |platform, tail|
        version = "#{base.join('.')}.#{tail}"
        next if taken[[a.gem, version]]

        taken[[a.gem, version]] = true
        rows << package(a.gem, version, platform)
      end
    end
  end
  File.write(out, rows.map { |r| [r['name'], r['version'], purl_platform(r['purl'])].compact.join("\t") }
                      .map { |l| "#{l}\n" }.join)
  warn "rubysec_reference: #{rows.size} boundary packages of #{wanted.size} gems to #{out}"
end

# --- platforms --------------------------------------------------------------------------

# Gemfile.lock spec lines `    name (version-platform)` under ROOT/<path>.
def add_platforms(root, inventory)
  inv = JSON.parse(File.read(inventory))
  platforms = Hash.new { |h, path| h[path] = lockfile_platforms(File.join(root, path)) }
  inv['packages'].each do |p|
    next unless p['ecosystem'] == 'RubyGems' && p['path']

    platform = platforms[p['path']][[p['name'], p['version']]]
    p['purl'] = "#{p['purl']}?platform=#{platform}" if platform && !p['purl'].include?('?')
  end
  puts JSON.pretty_generate(inv)
end

def lockfile_platforms(file)
  return {} unless File.file?(file)

  File.readlines(file).each_with_object({}) do |line, h|
    m = line.match(/\A {4}([^ (]+) \(([0-9][^-)]*)-([^)]+)\)\s*\z/) or next
    h[[m[1], m[2]]] = m[3]
  end
end

# --- main -------------------------------------------------------------------------------

args = ARGV.dup
mode = :reference
out = nil
grouped = args.delete('--grouped')
if args.first == '--write-boundaries'
  args.shift
  mode = :boundaries
  out = args.shift or die('--write-boundaries needs OUT')
elsif args.first == '--add-platforms'
  args.shift
  root = args.shift or die('--add-platforms needs ROOT')
  add_platforms(root, args.shift || die('--add-platforms needs INVENTORY'))
  exit 0
end
zip = args.shift or die('usage: rubysec_reference.rb [--write-boundaries OUT] ZIP INVENTORY.json...')
die('no inventory given') if args.empty?

skipped = Hash.new(0)
advisories = load_advisories(zip, skipped)
packages = gem_packages(args)
warn "rubysec_reference: #{advisories.size} gem advisories, #{packages.size} RubyGems packages " \
     "(RubyGems #{Gem::VERSION}, Ruby #{RUBY_VERSION})"
if mode == :boundaries
  write_boundaries(out, advisories, packages, skipped)
else
  lines = evaluate(advisories, packages, skipped)
  warn "rubysec_reference: #{lines.size} affected (gem, version, advisory) triples"
  if grouped
    by_id = Hash.new { |h, k| h[k] = [] }
    lines.each do |l|
      _, version, id = l.split("\t")
      by_id[id] << version
    end
    by_id.keys.sort.each do |id|
      puts "#{id}\t#{by_id[id].uniq.sort_by { |v| [Gem::Version.new(v), v] }.join(' ')}"
    end
  else
    puts lines
  end
end
skipped.sort.each { |why, n| warn "rubysec_reference: skipped #{n}: #{why}" }
