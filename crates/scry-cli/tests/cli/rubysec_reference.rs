//! scry's RubyGems matching against RubyGems itself (issue #4).
//!
//! `scripts/oracles/rubysec_reference.rb` (its header gives the rules and the commands)
//! read the RubySec advisories with psych and decided, with `Gem::Requirement` and
//! `Gem::Version` of RubyGems 3.3.15 (Ruby 3.1.2), which advisories affect each package
//! of two stored inventories in `tests/data/rubygems/`:
//!
//! - `fixtures`: the Gemfile.lock fixtures under `lockfiles/rubygems` and
//!   `lockfiles/_mixed`, inventoried by `scry sbom fs` (with the lockfiles' platforms as
//!   purl qualifiers);
//! - `boundaries`: the versions the advisories' requirements name and their neighbours
//!   (`gem<TAB>version[<TAB>platform]` lines, made into an inventory here).
//!
//! That path never goes through scry's conversion to OSV, so the comparison checks the
//! converter (crates/scry-feeds) and the matcher together. Here the same zip is imported
//! into a fresh database, each inventory is scanned with `scry scan inventory …
//! --offline`, and the (gem, version, record id) set of the findings must equal the
//! reference's, except for the disagreements explained below ([`WIDENED`],
//! [`JRUBY_ONLY`]). Every kind of disagreement is counted, and a count that moves fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::support::{import_db, scan_json, test_data};

/// (gem, version, record id, or ids joined by ` + ` for an alias group, see [`GROUPS`]).
type Key = (String, String, String);

/// RubySec records OSV cannot write exactly: the not-affected requirements leave an
/// affected interval that starts just *after* a version (unaffected `<= X`, patched or
/// unaffected `= X`), OSV has no exclusive `introduced`, and RubyGems' order has no next
/// version, so the converter starts the range at `X` and names it in
/// `database_specific.scry_widened`. Each record thereby affects exactly one version
/// too many, `X` itself (and its other spellings, `X.0`): these (gem, version, record)
/// triples are reported by scry and not by RubyGems. All 13 such records of the feed
/// are here; mostly `X` is the last unaffected release, for bundler it is the patched
/// 2.2.10 and for sinatra the unaffected `2.0.0-alpha`.
const WIDENED: &[(&str, &str, &str)] = &[
    ("actionpack", "2.3.14", "RUBYSEC-actionpack:CVE-2012-3424"),
    ("activemodel", "4.0.13", "RUBYSEC-activemodel:CVE-2016-0753"),
    (
        "bootstrap-sass",
        "3.2.0.2",
        "RUBYSEC-bootstrap-sass:CVE-2019-10842",
    ),
    ("brakeman", "4.4.0", "RUBYSEC-brakeman:CVE-2019-18409"),
    ("bundler", "2.2.10", "RUBYSEC-bundler:CVE-2020-36327"),
    (
        "fat_free_crm",
        "0.11.0",
        "RUBYSEC-fat_free_crm:CVE-2014-5441",
    ),
    (
        "jruby-openssl",
        "0.12.1",
        "RUBYSEC-jruby-openssl:CVE-2025-46551",
    ),
    ("nokogiri", "1.13.7", "RUBYSEC-nokogiri:CVE-2022-23476"),
    (
        "omniauth-facebook",
        "1.4.0",
        "RUBYSEC-omniauth-facebook:CVE-2013-4562",
    ),
    ("rack", "2.0.3", "RUBYSEC-rack:CVE-2018-16470"),
    ("rest-client", "1.6.0", "RUBYSEC-rest-client:CVE-2015-1820"),
    ("rest-client", "1.6.9", "RUBYSEC-rest-client:CVE-2019-15224"),
    (
        "sinatra",
        "2.0.0.pre.alpha",
        "RUBYSEC-sinatra:CVE-2018-11627",
    ),
];

/// The records whose advisory says `platform: jruby` (every platform-specific one).
/// RubySec's README: the vulnerability affects only that platform, so a gem built for a
/// native MRI platform (`nokogiri (1.13.3-x86_64-linux)`) is not affected. scry keeps the
/// platform (`arch`, the purl's `platform` qualifier) and its matcher skips these records
/// for gems known to be built for other platforms. A disagreement on one of these records
/// for a package with a native platform would be counted in [`PLATFORM_DIFFS`].
const JRUBY_ONLY: &[&str] = &[
    "RUBYSEC-activerecord-jdbc-adapter:GHSA-5qw5-wf2q-f538",
    "RUBYSEC-activesupport:CVE-2013-1856",
    "RUBYSEC-bcrypt-ruby:OSVDB-62067",
    "RUBYSEC-bcrypt:OSVDB-62067",
    "RUBYSEC-google-protobuf:CVE-2021-22569",
    "RUBYSEC-google-protobuf:CVE-2022-3171",
    "RUBYSEC-jruby-openssl:CVE-2009-4123",
    "RUBYSEC-jruby-openssl:CVE-2025-46551",
    "RUBYSEC-jruby-sandbox:OSVDB-106279",
    "RUBYSEC-nokogiri:CVE-2013-6460",
    "RUBYSEC-nokogiri:CVE-2021-41098",
    "RUBYSEC-nokogiri:CVE-2022-23437",
    "RUBYSEC-nokogiri:CVE-2022-24839",
    "RUBYSEC-nokogiri:GHSA-8678-w3jw-xfc2",
];

/// scry-only triples from [`JRUBY_ONLY`] records on native-platform packages, per case.
/// None since the Gemfile.lock cataloger keeps platforms and the matcher reads them.
const PLATFORM_DIFFS: &[(&str, usize)] = &[];

/// Records of one gem that scry would report as one finding (an alias group), compared per
/// group. Empty: RubySec gives passenger CVE-2014-1831/1832 and rubygems-update
/// CVE-2013-4287/4363 one shared OSVDB id each, and scry's alias groups no longer join two
/// CVEs through an id that only aliases both (crates/scry-vulndb/src/aliases.rs).
const GROUPS: &[(&[&str], &str)] = &[];

/// Agreeing (gem, version, record) triples per case; a change on either side fails.
const AGREED: &[(&str, usize)] = &[("fixtures", 256), ("boundaries", 36_687)];

/// `tests/data/rubygems/NAME`.
fn read(name: &str) -> String {
    crate::support::read(&test_data("rubygems").join(name))
}

/// The reference's `id<TAB>v1 v2 …` lines as (gem, version, id) triples.
fn read_expected(case: &str) -> BTreeSet<Key> {
    let mut keys = BTreeSet::new();
    for line in read(&format!("{case}.expected")).lines() {
        let (id, versions) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("{case}.expected: line {line:?} has no tab"));
        let gem = gem_of(id);
        for v in versions.split(' ') {
            keys.insert((gem.to_owned(), v.to_owned(), id.to_owned()));
        }
    }
    keys
}

/// `RUBYSEC-<gem>:<stem>` → `<gem>`.
fn gem_of(id: &str) -> &str {
    id.strip_prefix("RUBYSEC-")
        .and_then(|rest| rest.split_once(':'))
        .map_or("", |(gem, _)| gem)
}

/// `boundaries.tsv` as a scry inventory (a platform becomes the purl's qualifier).
fn boundaries_inventory() -> String {
    let packages: Vec<serde_json::Value> = read("boundaries.tsv")
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let mut p = serde_json::json!({
                "name": f[0], "version": f[1], "ecosystem": "RubyGems",
                "packageManager": "BUNDLER", "path": "",
            });
            if let Some(platform) = f.get(2) {
                p["purl"] = format!("pkg:gem/{}@{}?platform={platform}", f[0], f[1]).into();
            }
            p
        })
        .collect();
    serde_json::json!({"target": {"kind": "fs", "name": "boundaries"}, "packages": packages})
        .to_string()
}

/// The platform of each (gem, version) of an inventory, from its purls.
fn platforms(inventory: &str) -> BTreeMap<(String, String), String> {
    let inv: serde_json::Value = serde_json::from_str(inventory).expect("inventory JSON");
    let mut out = BTreeMap::new();
    for p in inv["packages"].as_array().expect("packages") {
        let platform = p["purl"]
            .as_str()
            .and_then(|purl| purl.split_once("?platform="))
            .map(|(_, platform)| platform.to_owned());
        if let Some(platform) = platform {
            let s = |k: &str| p[k].as_str().expect("package field").to_owned();
            out.insert((s("name"), s("version")), platform);
        }
    }
    out
}

/// scry's triples: each RubyGems package of a finding with the finding's records of that
/// gem (a RubySec record names one gem). Several records of one gem are an alias group.
fn scry_keys(report: &serde_json::Value, groups: &mut BTreeSet<Vec<String>>) -> BTreeSet<Key> {
    let mut keys = BTreeSet::new();
    for f in report["findings"].as_array().expect("findings") {
        let ids: BTreeSet<&str> = f["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|s| s["id"].as_str().expect("source id"))
            .collect();
        let packages = f["packageVulnerabilityDetails"]["vulnerablePackages"]
            .as_array()
            .expect("vulnerablePackages");
        let mut gems_seen = BTreeSet::new();
        for p in packages {
            let s = |k: &str| p[k].as_str().expect("package field").to_owned();
            if s("ecosystem") != "RubyGems" {
                continue;
            }
            let name = s("name");
            let mine: Vec<String> = ids
                .iter()
                .filter(|id| gem_of(id) == name)
                .map(|id| (*id).to_owned())
                .collect();
            assert!(
                !mine.is_empty(),
                "finding {} reports {name} with no record of that gem: {ids:?}",
                f["id"]
            );
            if mine.len() > 1 {
                groups.insert(mine.clone());
            }
            gems_seen.insert(name.clone());
            keys.insert((name, s("version"), mine.join(" + ")));
        }
        for id in &ids {
            assert!(
                gems_seen.contains(gem_of(id)),
                "finding {} names {id} but none of its packages is that gem",
                f["id"]
            );
        }
    }
    keys
}

#[test]
fn rubygems_matching_agrees_with_rubygems() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = import_db(
        "rubysec",
        &[scry_test::vulndb_dir().join("rubysec-rubygems.zip")],
    );

    // Alias groups as the GROUPS table writes them: id → "id1 + id2".
    let group_of: BTreeMap<&str, String> = GROUPS
        .iter()
        .flat_map(|(ids, _)| ids.iter().map(move |id| (*id, ids.join(" + "))))
        .collect();
    let widened: BTreeSet<Key> = WIDENED
        .iter()
        .map(|(g, v, id)| ((*g).to_owned(), (*v).to_owned(), (*id).to_owned()))
        .collect();

    let mut problems = String::new();
    let mut groups = BTreeSet::new();
    let mut widened_seen = BTreeSet::new();
    let mut agreed = BTreeMap::new();
    let mut platform_diffs = BTreeMap::new();
    for case in ["fixtures", "boundaries"] {
        let inventory = if case == "boundaries" {
            boundaries_inventory()
        } else {
            read("fixtures.inventory.json")
        };
        let path = tmp.path().join(format!("{case}.json"));
        std::fs::write(&path, &inventory).expect("write inventory");
        let report = scan_json("inventory", &path, &db, &[0]);
        let ours = scry_keys(&report, &mut groups);
        let reference: BTreeSet<Key> = read_expected(case)
            .into_iter()
            .map(|(g, v, id)| {
                let id = group_of.get(id.as_str()).cloned().unwrap_or(id);
                (g, v, id)
            })
            .collect();
        let native = platforms(&inventory);

        agreed.insert(case, ours.intersection(&reference).count());
        for k in reference.difference(&ours) {
            writeln!(problems, "{case}: only RubyGems says affected: {k:?}").expect("write");
        }
        for k in ours.difference(&reference) {
            let platform = native.get(&(k.0.clone(), k.1.clone()));
            if widened.contains(k) {
                widened_seen.insert(k.clone());
            } else if JRUBY_ONLY.contains(&k.2.as_str())
                && platform.is_some_and(|p| !p.contains("java"))
            {
                *platform_diffs.entry(case).or_insert(0) += 1;
            } else {
                writeln!(problems, "{case}: only scry says affected: {k:?}").expect("write");
            }
        }
    }

    for k in widened.difference(&widened_seen) {
        writeln!(problems, "listed widened triple no longer differs: {k:?}").expect("write");
    }
    let want_groups: BTreeSet<Vec<String>> = GROUPS
        .iter()
        .map(|(ids, _)| ids.iter().map(|s| (*s).to_owned()).collect())
        .collect();
    if groups != want_groups {
        writeln!(
            problems,
            "alias groups of one gem: {groups:?}, listed {want_groups:?}"
        )
        .expect("write");
    }
    let want: BTreeMap<&str, usize> = PLATFORM_DIFFS.iter().copied().collect();
    if platform_diffs != want {
        writeln!(
            problems,
            "jruby-only records on native gems: {platform_diffs:?}, pinned {want:?}"
        )
        .expect("write");
    }
    let want: BTreeMap<&str, usize> = AGREED.iter().copied().collect();
    if agreed != want {
        writeln!(problems, "agreeing triples: {agreed:?}, pinned {want:?}").expect("write");
    }
    assert!(problems.is_empty(), "scry vs RubyGems:\n{problems}");
}
