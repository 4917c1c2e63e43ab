//! Debian security tracker advisory lists (`data/DSA/list`, `data/DLA/list`,
//! `data/DTSA/list`) to OSV.
//!
//! Each advisory is a header line, `[29 Mar 2023] DSA-5380-1 xorg-server - security update`
//! (DTSA headers spell dates `[August 26th, 2005]`), followed by indented lines:
//!
//! - `{CVE-2023-1393 ...}`: the CVEs, which become `upstream` (as osv.dev spells DSAs: an
//!   advisory fixing ten CVEs is not an alias of any one of them);
//! - `[bullseye] - xorg-server 2:1.20.11-1+deb11u6`: the source package's fixed version in
//!   a release, sometimes followed by a note in parentheses (`(high)`, `(bug #123; low)`);
//! - `[woody] - mantis <not-affected> (Vulnerable code not present)`: a status;
//! - `NOTE: ...`: free text, ignored.
//!
//! One record per advisory, id the advisory (`DSA-5380-1`, or `DSA-185` for the oldest ones,
//! as written), `summary` the rest of the header, `published` the header date at midnight
//! UTC. **The lists carry no modification date, so `modified` is the publication date.**
//! Releases are named by codename and become `Debian:<number>` (`bullseye` → `Debian:11`);
//! an unknown codename skips that line with a [`FeedError`] naming it.
//!
//! Traps:
//! - `<not-affected>` is the only status that means "not affected": it goes to
//!   `database_specific.scry_statuses`, never to `affected[]`.
//! - `<unfixed>`, `<end-of-life>`, `<no-dsa>`, `<ignored>` and `<postponed>` mean the
//!   package *is* vulnerable and no fix is published for that release: they are `affected[]`
//!   entries with no `fixed` event, their status in `ecosystem_specific.status`
//!   (`unfixed`, `end_of_life`, ...), like Ubuntu's `ignored` ("will not fix"). Hiding an
//!   end-of-life package would be a false negative.
//! - Advisories without any release line are announcements (`DSA-4205-1 jessie
//!   end-of-life`, key changes): they are skipped with a [`FeedError`].
//! - Indentation mixes tabs and spaces, and some lines carry doubled or trailing spaces.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use scry_osv::Reference;

use crate::distro::{self, Status, error, quote};
use crate::{Conversion, FeedError};

const SOURCE: &str = "debian-security-tracker";

/// Debian codenames and their release numbers, as OSV spells them (`Debian:11`).
const RELEASES: &[(&str, &str)] = &[
    ("woody", "3.0"),
    ("sarge", "3.1"),
    ("etch", "4"),
    ("lenny", "5"),
    ("squeeze", "6"),
    ("wheezy", "7"),
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
];

/// The OSV ecosystem of a Debian codename (`bookworm` → `Debian:12`).
pub(crate) fn ecosystem(codename: &str) -> Option<String> {
    RELEASES
        .iter()
        .find(|(c, _)| *c == codename)
        .map(|(_, n)| format!("Debian:{n}"))
}

/// Whether `path` is one of the tracker's advisory lists.
pub(crate) fn detect(path: &str) -> bool {
    let path = path.trim_start_matches("./");
    ["DSA/list", "DLA/list", "DTSA/list"]
        .iter()
        .any(|l| path == *l || path.ends_with(&format!("/{l}")))
}

/// Converts one advisory list.
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
    // The advisory being read; `None` after a broken header, whose lines are dropped with it.
    let mut current: Option<Advisory> = None;
    let mut in_broken = false;
    for (n, raw) in text.lines().enumerate() {
        let lineno = n + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if !indented && line.starts_with('[') {
            if let Some(adv) = current.take() {
                adv.finish(path, &mut out);
            }
            match parse_header(line) {
                Ok(adv) => {
                    current = Some(adv);
                    in_broken = false;
                }
                Err(reason) => {
                    out.skipped
                        .push(error(path, format!("line {lineno}"), reason));
                    in_broken = true;
                }
            }
            continue;
        }
        match current.as_mut() {
            Some(adv) => adv.add_line(path, lineno, line, &mut out.skipped),
            None if in_broken => {}
            None => out.skipped.push(error(
                path,
                format!("line {lineno}"),
                format!("{} before the first advisory header", quote(line, 60)),
            )),
        }
    }
    if let Some(adv) = current.take() {
        adv.finish(path, &mut out);
    }
    out
}

/// One advisory being read.
struct Advisory {
    id: String,
    summary: String,
    published: String,
    cves: Vec<String>,
    /// `cves` as a set, so hostile lists of many ids stay linear.
    seen_cves: HashSet<String>,
    /// Affected source packages per release, in file order.
    affected: Vec<scry_osv::Affected>,
    statuses: Vec<Status>,
    /// How many release lines were seen (including skipped ones).
    release_lines: usize,
}

impl Advisory {
    fn add_line(&mut self, path: &str, lineno: usize, line: &str, skipped: &mut Vec<FeedError>) {
        let id = &self.id;
        let entry = || format!("{id} line {lineno}");
        if let Some(ids) = line.strip_prefix('{') {
            let Some(ids) = ids.strip_suffix('}') else {
                skipped.push(error(path, entry(), "`{` list without closing `}`"));
                return;
            };
            for id in ids.split_whitespace() {
                if distro::is_cve(id) {
                    if self.seen_cves.insert(id.to_owned()) {
                        self.cves.push(id.to_owned());
                    }
                } else {
                    skipped.push(error(
                        path,
                        entry(),
                        format!("{} is not a CVE id", quote(id, 40)),
                    ));
                }
            }
        } else if line.starts_with("NOTE:") {
            // Free text ("fixed in testing at time of DSA"): nothing to match on.
        } else if line.starts_with('[') {
            self.release_lines += 1;
            if let Err(reason) = self.add_release(line) {
                skipped.push(error(path, format!("{} line {lineno}", self.id), reason));
            }
        } else {
            skipped.push(error(
                path,
                entry(),
                format!("unrecognised line {}", quote(line, 60)),
            ));
        }
    }

    /// `[bullseye] - xorg-server 2:1.20.11-1+deb11u6 (note)` or `... <status> (note)`.
    fn add_release(&mut self, line: &str) -> Result<(), String> {
        let malformed = || {
            format!(
                "malformed release line {} (expected `[release] - package version`)",
                quote(line, 80)
            )
        };
        let (codename, rest) = line
            .strip_prefix('[')
            .and_then(|l| l.split_once(']'))
            .ok_or_else(malformed)?;
        let rest = rest.trim_start().strip_prefix('-').ok_or_else(malformed)?;
        let mut words = rest.split_whitespace();
        let package = words.next().ok_or_else(malformed)?;
        let what = words.next().ok_or_else(malformed)?;
        let note = words.collect::<Vec<_>>().join(" ");
        let note = if note.is_empty() {
            None
        } else {
            let inner = note
                .strip_prefix('(')
                .and_then(|n| n.strip_suffix(')'))
                .ok_or_else(|| {
                    format!(
                        "unexpected text {} after the version in {}",
                        quote(&note, 40),
                        quote(line, 80)
                    )
                })?;
            Some(inner.to_owned())
        };
        let ecosystem = ecosystem(codename).ok_or_else(|| {
            format!(
                "unknown Debian release {} (known: woody..forky)",
                quote(codename, 40)
            )
        })?;
        if !distro::looks_like_package(package) {
            return Err(format!("bad package name {}", quote(package, 40)));
        }
        if let Some(tag) = what.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
            let status = match tag {
                "not-affected" => {
                    self.statuses.push(Status {
                        ecosystem,
                        package: package.to_owned(),
                        status: "not_affected",
                        note,
                    });
                    return Ok(());
                }
                "unfixed" => "unfixed",
                "end-of-life" => "end_of_life",
                "no-dsa" => "no_dsa",
                "ignored" => "ignored",
                "postponed" => "postponed",
                _ => return Err(format!("unknown status <{}>", quote(tag, 40))),
            };
            let mut specific = Map::new();
            specific.insert("status".into(), json!(status));
            if let Some(note) = note {
                specific.insert("note".into(), json!(note));
            }
            self.affected.push(distro::affected(
                ecosystem,
                package,
                &[],
                Some(Value::Object(specific)),
            ));
            return Ok(());
        }
        if !distro::looks_like_version(what) {
            return Err(format!("bad fixed version {}", quote(what, 40)));
        }
        let specific = note.map(|n| json!({ "note": n }));
        self.affected.push(distro::affected(
            ecosystem,
            package,
            &[what.to_owned()],
            specific,
        ));
        Ok(())
    }

    fn finish(self, path: &str, out: &mut Conversion) {
        if self.affected.is_empty() && self.statuses.is_empty() {
            let reason = if self.release_lines == 0 {
                "no release lines (an announcement, or an advisory naming no package)"
            } else {
                "none of its release lines could be used"
            };
            out.skipped.push(error(path, self.id, reason));
            return;
        }
        let mut record = distro::record(self.id, self.published);
        record.summary = Some(self.summary);
        record.upstream = self.cves;
        record.affected = self.affected;
        record.references = vec![Reference {
            kind: "ADVISORY".to_owned(),
            url: format!("https://security-tracker.debian.org/tracker/{}", record.id),
        }];
        record.database_specific = Some(distro::database_specific(
            SOURCE,
            Map::new(),
            &self.statuses,
        ));
        out.records.push(record);
    }
}

/// `[29 Mar 2023] DSA-5380-1 xorg-server - security update`.
fn parse_header(line: &str) -> Result<Advisory, String> {
    let (date, rest) = line
        .strip_prefix('[')
        .and_then(|l| l.split_once(']'))
        .ok_or_else(|| format!("malformed advisory header {}", quote(line, 80)))?;
    let published = parse_date(date)
        .ok_or_else(|| format!("unreadable date {} in advisory header", quote(date, 40)))?;
    let rest = rest.trim();
    let (id, summary) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if !is_advisory_id(id) {
        return Err(format!(
            "{} is not a DSA/DLA/DTSA id (header {})",
            quote(id, 40),
            quote(line, 80)
        ));
    }
    Ok(Advisory {
        id: id.to_owned(),
        summary: summary.trim().to_owned(),
        published,
        cves: Vec::new(),
        seen_cves: HashSet::new(),
        affected: Vec::new(),
        statuses: Vec::new(),
        release_lines: 0,
    })
}

/// `DSA-5380-1`, `DLA-3380-1`, `DTSA-1-1`, `DSA-185`.
fn is_advisory_id(id: &str) -> bool {
    let Some((prefix, rest)) = id.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 8 && s.bytes().all(|b| b.is_ascii_digit());
    matches!(prefix, "DSA" | "DLA" | "DTSA")
        && match rest.split_once('-') {
            Some((n, rev)) => digits(n) && digits(rev),
            None => digits(rest),
        }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// `29 Mar 2023` or `August 26th, 2005` → `2023-03-29T00:00:00Z`.
fn parse_date(s: &str) -> Option<String> {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let [a, b, year] = words.as_slice() else {
        return None;
    };
    let month_of = |w: &str| {
        let w = w.to_ascii_lowercase();
        let index = MONTHS
            .iter()
            .position(|m| w.len() >= 3 && w.starts_with(m))?;
        u32::try_from(index + 1).ok()
    };
    let day_of = |w: &str| {
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &w[digits.len()..];
        if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") || digits.len() > 2 {
            return None;
        }
        digits.parse::<u32>().ok()
    };
    let (day, month) = match (day_of(a), month_of(b)) {
        (Some(d), Some(m)) => (d, m),
        _ => (day_of(b)?, month_of(a)?),
    };
    if year.len() != 4 {
        return None;
    }
    distro::date(year.parse().ok()?, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("29 Mar 2023").as_deref(),
            Some("2023-03-29T00:00:00Z")
        );
        assert_eq!(
            parse_date("August 26th, 2005").as_deref(),
            Some("2005-08-26T00:00:00Z")
        );
        assert_eq!(
            parse_date("September 1st, 2005").as_deref(),
            Some("2005-09-01T00:00:00Z")
        );
        assert_eq!(parse_date("32 Mar 2023"), None);
        assert_eq!(parse_date("Mar 2023"), None);
        assert_eq!(parse_date("1 Foo 2023"), None);
        assert_eq!(parse_date("1 Mar 23"), None);
    }

    #[test]
    fn ids() {
        assert!(is_advisory_id("DSA-5380-1"));
        assert!(is_advisory_id("DSA-185"));
        assert!(is_advisory_id("DTSA-1-1"));
        assert!(!is_advisory_id("DSA-"));
        assert!(!is_advisory_id("USN-1-1"));
        assert!(!is_advisory_id("DSA-1-1-1"));
    }
}
