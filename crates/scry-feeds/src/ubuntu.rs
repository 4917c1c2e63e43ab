//! Ubuntu CVE tracker files (`active/CVE-*`, `retired/CVE-*`, `ignored/CVE-*`; the UCT text
//! format) to OSV.
//!
//! A file is a list of `Key: value` fields, multi-line values continuing on indented lines
//! (`Candidate`, `PublicDate`, `References`, `Description`, `Priority`, `CVSS`, ...), then one
//! block per source package:
//!
//! ```text
//! Patches_firefox:
//! upstream_firefox: released (63.0)
//! trusty_firefox: released (63.0+build2-0ubuntu0.14.04.2)
//! trusty/esm_firefox: DNE (trusty was released [63.0+build2-0ubuntu0.14.04.2])
//! cosmic_mozjs52: ignored (reached end-of-life)
//! ```
//!
//! One record per file, id `UBUNTU-<Candidate>` (`UBUNTU-CVE-2018-12395`, as osv.dev spells
//! it), the candidate CVE as alias, `details` from `Description` (or `Ubuntu-Description`
//! when that is empty), `published` from `PublicDate` and, as the tracker has no
//! modification date, `modified` = `published`. An `nvd: CVSS:3.x/...` line of `CVSS`
//! becomes a `CVSS_V3` severity. `Priority` (and a package's `Priority_<pkg>` override) is
//! Ubuntu's own severity: `database_specific.ubuntu_priority` and per affected package
//! `ecosystem_specific.priority`.
//!
//! Release → ecosystem: `focal` → `Ubuntu:20.04:LTS`, `eoan` → `Ubuntu:19.10`; the ESM
//! variants (`trusty/esm`, `esm-infra/xenial`, `esm-apps/bionic`) → `Ubuntu:Pro:14.04:LTS`.
//! `upstream`, `devel`, `snap`, `product` and the Ubuntu Touch / Core overlays
//! (`vivid/stable-phone-overlay`, `vivid/ubuntu-core`) are no installable release: skipped
//! silently. Any other unknown release name skips its line with a [`FeedError`].
//!
//! Statuses (the word before the parenthesis):
//!
//! | status | becomes |
//! |---|---|
//! | `released (V)` | affected, fixed `V`, `status: "released"` |
//! | `pending (V)` | affected, fixed `V` (built, not yet published), `status: "pending"` |
//! | `needed`, `needs-triage`, `deferred`, `pending`, `active` | affected, no fix |
//! | `ignored` | affected, no fix, `status: "will_not_fix"` |
//! | `not-affected (V)` | affected below `V`, fixed `V`, `status: "fixed"` |
//! | `not-affected`, `not-affected (reason)` | `scry_statuses` `not_affected` |
//! | `DNE` | `scry_statuses` `does_not_exist` |
//!
//! A version in parentheses after `pending` or `not-affected` is read as Ubuntu's own OVAL
//! generator reads it (`generate-oval`, `parse_package_status`): the fixed version. Sometimes
//! it is only the version that was triaged (`not-affected (1.1.0g-2ubuntu4)` for a flaw that
//! never touched 1.1.x); then it is the release's first version, so nothing installed from
//! that release is below it.
//!
//! Traps seen in the data: `Candidate:CVE-...` without a space; `released [V]` with brackets,
//! `released (V` without its parenthesis, `released (V))`, `not-affected V)`; `released (V1, V2)` (the first
//! version is the release's); `-- Tags_xen: ...` and `#...` comment lines; `Priority: medium`
//! with a trailing tab; `Priority: untriaged` (kept as written).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use scry_osv::{Reference, SeverityEntry};

use crate::distro::{self, Status, error, quote};
use crate::{Conversion, FeedError};

const SOURCE: &str = "ubuntu-cve-tracker";

/// Ubuntu codenames, their version and whether they are LTS releases.
const RELEASES: &[(&str, &str, bool)] = &[
    ("warty", "4.10", false),
    ("hoary", "5.04", false),
    ("breezy", "5.10", false),
    ("dapper", "6.06", true),
    ("edgy", "6.10", false),
    ("feisty", "7.04", false),
    ("gutsy", "7.10", false),
    ("hardy", "8.04", true),
    ("intrepid", "8.10", false),
    ("jaunty", "9.04", false),
    ("karmic", "9.10", false),
    ("lucid", "10.04", true),
    ("maverick", "10.10", false),
    ("natty", "11.04", false),
    ("oneiric", "11.10", false),
    ("precise", "12.04", true),
    ("quantal", "12.10", false),
    ("raring", "13.04", false),
    ("saucy", "13.10", false),
    ("trusty", "14.04", true),
    ("utopic", "14.10", false),
    ("vivid", "15.04", false),
    ("wily", "15.10", false),
    ("xenial", "16.04", true),
    ("yakkety", "16.10", false),
    ("zesty", "17.04", false),
    ("artful", "17.10", false),
    ("bionic", "18.04", true),
    ("cosmic", "18.10", false),
    ("disco", "19.04", false),
    ("eoan", "19.10", false),
    ("focal", "20.04", true),
    ("groovy", "20.10", false),
    ("hirsute", "21.04", false),
    ("impish", "21.10", false),
    ("jammy", "22.04", true),
    ("kinetic", "22.10", false),
    ("lunar", "23.04", false),
    ("mantic", "23.10", false),
    ("noble", "24.04", true),
    ("oracular", "24.10", false),
    ("plucky", "25.04", false),
    ("questing", "25.10", false),
];

/// Names in release position that are no installable release.
const NOT_RELEASES: &[&str] = &["upstream", "devel", "snap", "product"];

/// What a UCT release name stands for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Release {
    /// An OSV ecosystem (`Ubuntu:20.04:LTS`, `Ubuntu:Pro:14.04:LTS`).
    Ecosystem(String),
    /// Not a release scry scans (`upstream`, `devel`, overlays): skipped silently.
    Skipped,
    /// Unknown.
    Unknown,
}

/// The OSV ecosystem of a UCT release name.
pub(crate) fn release(name: &str) -> Release {
    if NOT_RELEASES.contains(&name) {
        return Release::Skipped;
    }
    let lookup = |codename: &str| RELEASES.iter().find(|(c, _, _)| *c == codename);
    let (codename, pro) = if let Some((pocket, codename)) = name.split_once('/') {
        match (pocket, codename) {
            ("esm-infra" | "esm-apps" | "esm-infra-legacy", c) => (c, true),
            (c, "esm") => (c, true),
            // Ubuntu Touch and Ubuntu Core 15.04 overlays: no OSV ecosystem.
            (c, "stable-phone-overlay" | "ubuntu-core") if lookup(c).is_some() => {
                return Release::Skipped;
            }
            _ => return Release::Unknown,
        }
    } else {
        (name, false)
    };
    match lookup(codename) {
        Some((_, version, true)) if pro => Release::Ecosystem(format!("Ubuntu:Pro:{version}:LTS")),
        Some((_, version, true)) => Release::Ecosystem(format!("Ubuntu:{version}:LTS")),
        Some((_, version, false)) if !pro => Release::Ecosystem(format!("Ubuntu:{version}")),
        _ => Release::Unknown,
    }
}

/// Whether `path` is a tracker file (`active/CVE-2020-1234`, `retired/...`).
pub(crate) fn detect(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or_default();
    let dir = parts.next().unwrap_or_default();
    name.starts_with("CVE-")
        && !name.contains('.')
        && matches!(dir, "active" | "retired" | "ignored" | "embargoed")
}

/// The fields of a file, in order, with continuation lines joined by `\n`.
struct Fields<'a> {
    fields: Vec<(&'a str, String, usize)>,
}

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, v, _)| v.as_str())
    }
}

/// Converts one tracker file.
pub(crate) fn convert(path: &str, bytes: &[u8]) -> Conversion {
    let mut out = Conversion::default();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.skipped
                .push(error(path, "-", format!("not UTF-8 text: {e}")));
            return out;
        }
    };
    let fields = parse_fields(path, text, &mut out.skipped);
    match build(path, &fields, &mut out.skipped) {
        Ok(record) => out.records.push(record),
        Err(e) => out.skipped.push(e),
    }
    out
}

fn parse_fields<'a>(path: &str, text: &'a str, skipped: &mut Vec<FeedError>) -> Fields<'a> {
    let mut fields: Vec<(&'a str, String, usize)> = Vec::new();
    // Whether indented lines continue the last field: from its key line to the next
    // unindented line. Blank lines inside a value separate paragraphs.
    let mut open = false;
    let mut blank = false;
    for (n, line) in text.lines().enumerate() {
        let lineno = n + 1;
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        let after_blank = std::mem::take(&mut blank);
        if line.starts_with([' ', '\t']) {
            match fields.last_mut() {
                Some((_, value, _)) if open => {
                    if !value.is_empty() {
                        value.push_str(if after_blank { "\n\n" } else { "\n" });
                    }
                    value.push_str(line.trim());
                }
                _ => skipped.push(error(
                    path,
                    format!("line {lineno}"),
                    format!("indented line {} continues no field", quote(line, 60)),
                )),
            }
            continue;
        }
        open = false;
        if line.starts_with('#') || line.starts_with("--") {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            skipped.push(error(
                path,
                format!("line {lineno}"),
                format!("unrecognised line {}", quote(line, 60)),
            ));
            continue;
        };
        if key.is_empty() || key.contains(char::is_whitespace) {
            skipped.push(error(
                path,
                format!("line {lineno}"),
                format!("unrecognised line {}", quote(line, 60)),
            ));
            continue;
        }
        fields.push((key, value.trim().to_owned(), lineno));
        // Status lines (`focal_foo: needed`) take no continuation; `Patches_foo:` does.
        open = !key.contains('_') || key.starts_with("Patches_");
    }
    Fields { fields }
}

fn build(
    path: &str,
    f: &Fields<'_>,
    skipped: &mut Vec<FeedError>,
) -> Result<scry_osv::Record, FeedError> {
    let candidate = f
        .get("Candidate")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| error(path, "-", "no `Candidate:` field"))?;
    let valid_candidate = candidate.len() <= 64
        && candidate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !valid_candidate {
        return Err(error(
            path,
            "-",
            format!(
                "`Candidate:` {} is no vulnerability id",
                quote(candidate, 40)
            ),
        ));
    }
    let file_name = path.rsplit('/').next().unwrap_or(path);
    if detect(path) && file_name != candidate {
        return Err(error(
            path,
            candidate,
            format!(
                "`Candidate:` does not match the file name {}",
                quote(file_name, 40)
            ),
        ));
    }
    let public = f
        .get("PublicDate")
        .filter(|d| !d.is_empty())
        .ok_or_else(|| error(path, candidate, "no `PublicDate:`"))?;
    let published = parse_public_date(public).ok_or_else(|| {
        error(
            path,
            candidate,
            format!("unreadable `PublicDate:` {}", quote(public, 40)),
        )
    })?;

    let mut record = distro::record(format!("UBUNTU-{candidate}"), published);
    if distro::is_cve(candidate) {
        record.aliases.push(candidate.to_owned());
    }
    let details = f
        .get("Description")
        .filter(|d| !d.is_empty())
        .or_else(|| f.get("Ubuntu-Description").filter(|d| !d.is_empty()));
    record.details = details.map(str::to_owned);
    if let Some(cvss) = f.get("CVSS") {
        for line in cvss.lines() {
            if let Some((who, vector)) = line.split_once(':')
                && who.trim() == "nvd"
            {
                let vector = vector.trim();
                if vector.starts_with("CVSS:3.")
                    && !record.severity.iter().any(|s| s.score == vector)
                {
                    record.severity.push(SeverityEntry {
                        kind: "CVSS_V3".to_owned(),
                        score: vector.to_owned(),
                    });
                }
            }
        }
    }
    for (field, kind) in [("References", None), ("Bugs", Some("REPORT"))] {
        for url in f.get(field).unwrap_or_default().split_whitespace() {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                continue;
            }
            let kind = kind.unwrap_or(
                if url.contains("ubuntu.com/usn/") || url.contains("usn.ubuntu.com/") {
                    "ADVISORY"
                } else {
                    "WEB"
                },
            );
            record.references.push(Reference {
                kind: kind.to_owned(),
                url: url.to_owned(),
            });
        }
    }
    record.references.push(Reference {
        kind: "ADVISORY".to_owned(),
        url: format!("https://ubuntu.com/security/{candidate}"),
    });

    let priority = f
        .get("Priority")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_ascii_lowercase);
    // `Priority_<pkg>` overrides, looked up once per status line.
    let package_priorities: HashMap<&str, String> = f
        .fields
        .iter()
        .filter_map(|(k, v, _)| Some((k.strip_prefix("Priority_")?, v.trim())))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.to_ascii_lowercase()))
        .collect();
    let mut statuses = Vec::new();
    let mut release_lines = 0usize;
    for (key, value, lineno) in &f.fields {
        let Some((release_name, package)) = key.split_once('_') else {
            continue;
        };
        if matches!(release_name, "Patches" | "Tags" | "Priority") {
            continue;
        }
        if release_name.starts_with(|c: char| c.is_ascii_uppercase()) {
            // Some other per-package field (`Assigned-to_pkg`, ...): not a status.
            continue;
        }
        release_lines += 1;
        let entry = || format!("{candidate} line {lineno}");
        let ecosystem = match release(release_name) {
            Release::Ecosystem(e) => e,
            Release::Skipped => continue,
            Release::Unknown => {
                skipped.push(error(
                    path,
                    entry(),
                    format!("unknown Ubuntu release {}", quote(release_name, 40)),
                ));
                continue;
            }
        };
        if !distro::looks_like_package(package) {
            skipped.push(error(
                path,
                entry(),
                format!("bad package name {}", quote(package, 40)),
            ));
            continue;
        }
        let package_priority = package_priorities
            .get(package)
            .cloned()
            .or_else(|| priority.clone());
        match parse_status(value) {
            Ok(Parsed::Affected {
                fixed,
                status,
                note,
            }) => {
                let mut specific = Map::new();
                if let Some(p) = &package_priority {
                    specific.insert("priority".into(), json!(p));
                }
                specific.insert("status".into(), json!(status));
                if let Some(note) = note {
                    specific.insert("note".into(), json!(note));
                }
                let fixed: Vec<String> = fixed.into_iter().collect();
                record.affected.push(distro::affected(
                    ecosystem,
                    package,
                    &fixed,
                    Some(Value::Object(specific)),
                ));
            }
            Ok(Parsed::NotAffected { status, note }) => statuses.push(Status {
                ecosystem,
                package: (*package).to_owned(),
                status,
                note,
            }),
            Err(reason) => skipped.push(error(path, entry(), reason)),
        }
    }
    if release_lines == 0 {
        return Err(error(
            path,
            candidate,
            "no `<release>_<package>: <status>` lines",
        ));
    }
    let mut extra = Map::new();
    if let Some(p) = priority {
        extra.insert("ubuntu_priority".into(), json!(p));
    }
    record.database_specific = Some(distro::database_specific(SOURCE, extra, &statuses));
    Ok(record)
}

enum Parsed {
    Affected {
        fixed: Option<String>,
        status: &'static str,
        /// The parenthesised text of an unfixed status (`pending (1.2-3)`,
        /// `ignored (reached end-of-life)`).
        note: Option<String>,
    },
    NotAffected {
        status: &'static str,
        note: Option<String>,
    },
}

/// `released (1.2-3)`, `needed`, `not-affected (code not present)`, `DNE`, ...
fn parse_status(value: &str) -> Result<Parsed, String> {
    let value = value.trim();
    let (word, rest) = value
        .split_once(char::is_whitespace)
        .map_or((value, ""), |(w, r)| (w, r.trim()));
    let note = (!rest.is_empty()).then(|| strip_brackets(rest).to_owned());
    Ok(match word {
        "released" => {
            let inner = note
                .as_deref()
                .ok_or("`released` without a version".to_owned())?;
            // `released (V1, V2)`: the first is the release's own version.
            let version = inner.split([',', ' ']).next().unwrap_or_default().trim();
            if !distro::looks_like_version(version) {
                return Err(format!("`released` with bad version {}", quote(rest, 60)));
            }
            Parsed::Affected {
                fixed: Some(version.to_owned()),
                status: "released",
                note: None,
            }
        }
        // `pending (V)`: V is the version that carries the fix, built but not yet published;
        // `not-affected (V)`: versions from V on are not affected. Ubuntu's OVAL generator
        // reads both as "fixed in V", so versions below V are affected.
        "pending" | "not-affected" if note.as_deref().is_some_and(distro::looks_like_version) => {
            Parsed::Affected {
                fixed: note,
                status: if word == "pending" {
                    "pending"
                } else {
                    "fixed"
                },
                note: None,
            }
        }
        "needed" | "needs-triage" | "deferred" | "pending" | "active" => Parsed::Affected {
            fixed: None,
            status: match word {
                "needed" => "needed",
                "needs-triage" => "needs_triage",
                "deferred" => "deferred",
                "pending" => "pending",
                _ => "active",
            },
            note,
        },
        "ignored" => Parsed::Affected {
            fixed: None,
            status: "will_not_fix",
            note,
        },
        "not-affected" => Parsed::NotAffected {
            status: "not_affected",
            note,
        },
        "DNE" => Parsed::NotAffected {
            status: "does_not_exist",
            note,
        },
        "" => return Err("empty status".to_owned()),
        _ => return Err(format!("unknown status {}", quote(word, 40))),
    })
}

/// `(x)` → `x`, `[x]` → `x`, `(x` → `x`, `(x))` → `x`, `x)` → `x`; inner brackets stay.
fn strip_brackets(s: &str) -> &str {
    if let Some(inner) = s.strip_prefix('(') {
        inner.trim_end_matches(')').trim()
    } else if let Some(inner) = s.strip_prefix('[') {
        inner.trim_end_matches(']').trim()
    } else if !s.contains(['(', '[']) {
        // `not-affected 3.5.18-1ubuntu1.3)`: the opening parenthesis forgotten.
        s.trim_end_matches([')', ']']).trim()
    } else {
        s
    }
}

/// `2019-02-28 18:29:00 UTC` → `2019-02-28T18:29:00Z`; `2019-02-28` → midnight.
fn parse_public_date(s: &str) -> Option<String> {
    let mut words = s.split_whitespace();
    let day = words.next()?;
    let time = words.next();
    let zone = words.next();
    if words.next().is_some() || !matches!(zone, None | Some("UTC")) {
        return None;
    }
    let mut parts = day.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let midnight = distro::date(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    let Some(time) = time else {
        return Some(midnight);
    };
    let hms: Vec<u32> = time
        .split(':')
        .map(|p| if p.len() == 2 { p.parse().ok() } else { None })
        .collect::<Option<_>>()?;
    let [h, mi, sec] = hms.as_slice() else {
        return None;
    };
    if *h > 23 || *mi > 59 || *sec > 60 {
        return None;
    }
    Some(format!("{}T{h:02}:{mi:02}:{sec:02}Z", &midnight[..10]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases() {
        assert_eq!(
            release("focal"),
            Release::Ecosystem("Ubuntu:20.04:LTS".into())
        );
        assert_eq!(release("eoan"), Release::Ecosystem("Ubuntu:19.10".into()));
        assert_eq!(
            release("trusty/esm"),
            Release::Ecosystem("Ubuntu:Pro:14.04:LTS".into())
        );
        assert_eq!(
            release("esm-infra/xenial"),
            Release::Ecosystem("Ubuntu:Pro:16.04:LTS".into())
        );
        assert_eq!(release("upstream"), Release::Skipped);
        assert_eq!(release("vivid/ubuntu-core"), Release::Skipped);
        assert_eq!(release("eoan/esm"), Release::Unknown);
        assert_eq!(release("sid"), Release::Unknown);
    }

    #[test]
    fn public_dates() {
        assert_eq!(
            parse_public_date("2019-02-28 18:29:00 UTC").as_deref(),
            Some("2019-02-28T18:29:00Z")
        );
        assert_eq!(
            parse_public_date("2019-02-28").as_deref(),
            Some("2019-02-28T00:00:00Z")
        );
        assert_eq!(parse_public_date("2019-02-28 18:29 UTC"), None);
        assert_eq!(parse_public_date("yesterday"), None);
    }
}
