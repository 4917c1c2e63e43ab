//! Matching an inventory against the advisory database.
//!
//! Rules (see the crate docs and `docs/findings.md` for the reasons):
//! - OS packages match only the distribution's own records for their exact release, by
//!   source package name and (dpkg) source version; language packages match records of
//!   their ecosystem family with the OSV range rules.
//! - Hits are grouped per vulnerability over the whole resource (union of alias groups;
//!   a record naming several `upstream` ids yields one hit per upstream id).
//! - A version or event that does not parse gives a [`MatchWarning`] and no finding.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use scry_core::{Ecosystem, Inventory, Package, Severity, VersionScheme};
use scry_cvss::Vector;
use scry_cvss::risk::{self, Evidence, ExploitSignals, ScoreInput, Source, SourcedVector};
use scry_osv::{Affected, RangeVerdict};
use scry_version::Version;
use scry_vulndb::{Database, DbError, normalize_name};

use crate::advisory::Advisory;
use crate::finding::{
    Cvss, Epss, Finding, FindingStatus, FindingType, FixAvailable, PackageVulnerabilityDetails,
    Resource, ScoreDetailsJson, SourceRecord, VulnerablePackage, YesNo,
};

/// `fixedInVersion` when no fixed version is published.
pub const NOT_AVAILABLE: &str = "NotAvailable";

/// Record ids distribution feeds derive from a CVE id, tried to find a CVE's group.
const CVE_RECORD_PREFIXES: &[&str] = &["UBUNTU-", "ALPINE-", "DEBIAN-"];

/// Distribution statuses that mean "affected, and a fix is published" (not shown).
const FIXED_STATUSES: &[&str] = &["released", "fixed"];

/// What the matcher needs besides the inventory and the database.
#[derive(Debug, Clone)]
pub struct MatchOptions {
    /// When the scan ran: `firstObservedAt`/`lastObservedAt` of the findings, and the
    /// report's `generatedAt`. Passed in so matching stays deterministic.
    pub now: time::OffsetDateTime,
    /// Environmental evidence applied to every finding's score (network exposure,
    /// security requirements). Unknown by default.
    pub evidence: Evidence,
    /// Threads matching packages and building findings; `None` (the default): the
    /// machine's available parallelism. The output does not depend on it. Small
    /// inventories are matched on the calling thread whatever it says.
    pub threads: Option<NonZeroUsize>,
}

impl Default for MatchOptions {
    fn default() -> Self {
        Self {
            now: time::OffsetDateTime::UNIX_EPOCH,
            evidence: Evidence::default(),
            threads: None,
        }
    }
}

impl MatchOptions {
    /// Options for a scan at `now`.
    #[must_use]
    pub fn at(now: time::OffsetDateTime) -> Self {
        Self {
            now,
            ..Self::default()
        }
    }
}

/// Why matching failed as a whole (a damaged database). Per-package problems are
/// [`MatchWarning`]s instead.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// The database could not be read.
    #[error("advisory database: {0}")]
    Db(#[from] DbError),
}

/// A problem met while matching one package (and, where it applies, one advisory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchWarning {
    /// `name version (ecosystem) at path`.
    pub package: String,
    /// The advisory whose range could not be evaluated, when the problem is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advisory: Option<String>,
    /// What went wrong.
    pub reason: String,
}

impl fmt::Display for MatchWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.advisory {
            Some(a) => write!(f, "{}: {a}: {}", self.package, self.reason),
            None => write!(f, "{}: {}", self.package, self.reason),
        }
    }
}

/// Findings and the problems met.
#[derive(Debug, Clone, Default)]
pub struct MatchOutput {
    /// The findings, sorted by priority (most urgent first).
    pub findings: Vec<Finding>,
    /// Every problem, in inventory order.
    pub warnings: Vec<MatchWarning>,
    /// Packages whose installed version does not parse (not matched at all).
    pub unparsable_versions: usize,
    /// (package, advisory) pairs skipped because an event of the advisory does not parse.
    pub unparsable_events: usize,
    /// Packages looked up.
    pub packages_matched: usize,
}

/// Matches an inventory; see [`match_inventory_detailed`] for the warnings.
///
/// # Errors
/// When the database is damaged.
pub fn match_inventory(
    inv: &Inventory,
    db: &Database,
    opts: &MatchOptions,
) -> Result<Vec<Finding>, MatchError> {
    Ok(match_inventory_detailed(inv, db, opts)?.findings)
}

/// One matched (record, package) pair, under one vulnerability key set.
struct Hit {
    pkg: usize,
    /// The record's ordinal in the database.
    record: u32,
    /// Ids that identify the vulnerability (alias group, or one upstream id).
    keys: Vec<String>,
    /// Ids to list as related but not to group by (the DSA of a per-CVE hit).
    related: Vec<String>,
    fix: PackageFix,
}

/// Fix information of one package for one record.
#[derive(Clone)]
struct PackageFix {
    /// The lowest version clearing the record's matched entries; `None`: no fix.
    fix: Option<(Version, String)>,
    /// Every fixed version above the installed one.
    all: Vec<(Version, String)>,
    vendor_status: Option<String>,
    vendor_priority: Option<String>,
}

/// Decoded records (by ordinal) and alias groups (by id, empty when the id has none).
#[derive(Default)]
struct Cache {
    records: HashMap<u32, Advisory>,
    groups: HashMap<String, Arc<[String]>>,
}

impl Cache {
    /// Adds what another worker read; a record or group both read is the same value.
    fn absorb(&mut self, other: Self) {
        for (o, r) in other.records {
            self.records.entry(o).or_insert(r);
        }
        for (id, g) in other.groups {
            self.groups.entry(id).or_insert(g);
        }
    }
}

/// What a worker has read from the database, so each record is decoded and each alias
/// group looked up once however many packages and findings share it: what earlier
/// steps of the scan read (shared by every worker, read-only), and its own reads.
struct Ctx<'a> {
    db: &'a Database,
    shared: &'a Cache,
    local: Cache,
}

impl<'a> Ctx<'a> {
    fn new(db: &'a Database, shared: &'a Cache) -> Self {
        Self {
            db,
            shared,
            local: Cache::default(),
        }
    }

    /// The record at `ordinal`, decoded on first use.
    fn record(&mut self, ordinal: u32) -> Result<&Advisory, DbError> {
        if let Some(r) = self.shared.records.get(&ordinal) {
            return Ok(r);
        }
        match self.local.records.entry(ordinal) {
            Entry::Occupied(e) => Ok(e.into_mut()),
            Entry::Vacant(e) => Ok(e.insert(self.db.record_at_as(ordinal)?)),
        }
    }

    /// A record [`Ctx::record`] has decoded.
    fn decoded(&self, ordinal: u32) -> &Advisory {
        self.local
            .records
            .get(&ordinal)
            .or_else(|| self.shared.records.get(&ordinal))
            .expect("hits and enrichment name only records decoded when they were found")
    }

    fn group(&mut self, id: &str) -> Result<Arc<[String]>, DbError> {
        if let Some(g) = self
            .shared
            .groups
            .get(id)
            .or_else(|| self.local.groups.get(id))
        {
            return Ok(g.clone());
        }
        let g: Arc<[String]> = self
            .db
            .alias_group(id)?
            .map(|g| g.members)
            .unwrap_or_default()
            .into();
        self.local.groups.insert(id.to_owned(), g.clone());
        Ok(g)
    }

    /// The ordinal of the record with this id, when there is one and it is not withdrawn.
    fn live_record(&mut self, id: &str) -> Result<Option<u32>, DbError> {
        let Some(ordinal) = self.db.ordinal(id)? else {
            return Ok(None);
        };
        Ok((!self.record(ordinal)?.is_withdrawn()).then_some(ordinal))
    }
}

/// Packages (or finding groups) per worker below which matching stays on one thread:
/// starting a thread costs about as much as matching a few packages.
const MIN_ITEMS_PER_THREAD: usize = 64;

/// Items a worker takes at a time: small enough to balance two workers, large enough
/// that a chunk's neighbouring packages share the record blocks they read.
const CHUNK: usize = 32;

/// A worker's chunk results, with each chunk's index.
type Done<R, E> = Vec<(usize, Result<R, E>)>;

/// Runs `work` over `items` in chunks of [`CHUNK`] on up to `threads` threads, each
/// with its own state from `init`, and returns every chunk's result in item order (what
/// one thread would return) with the workers' states. One chunk's error is reported
/// after every chunk has run: the first in item order.
fn in_chunks<T, S, R, E>(
    items: &[T],
    threads: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &[T]) -> Result<R, E> + Sync,
) -> Result<(Vec<R>, Vec<S>), E>
where
    T: Sync,
    S: Send,
    R: Send,
    E: Send,
{
    let chunks: Vec<&[T]> = items.chunks(CHUNK).collect();
    let threads = threads
        .min(items.len().div_ceil(MIN_ITEMS_PER_THREAD))
        .max(1);
    if threads == 1 {
        let mut state = init();
        let results = chunks
            .into_iter()
            .map(|c| work(&mut state, c))
            .collect::<Result<Vec<R>, E>>()?;
        return Ok((results, vec![state]));
    }
    let next = AtomicUsize::new(0);
    let workers: Vec<(S, Done<R, E>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut state = init();
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(chunk) = chunks.get(i) else { break };
                        done.push((i, work(&mut state, chunk)));
                    }
                    (state, done)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut slots: Vec<Option<Result<R, E>>> = (0..chunks.len()).map(|_| None).collect();
    let mut states = Vec::with_capacity(workers.len());
    for (state, done) in workers {
        states.push(state);
        for (i, r) in done {
            slots[i] = Some(r);
        }
    }
    // Every chunk index below `chunks.len()` was taken by exactly one worker.
    let results = slots.into_iter().flatten().collect::<Result<Vec<R>, E>>()?;
    Ok((results, states))
}

fn describe(p: &Package) -> String {
    format!("{} {} ({}) at {}", p.name, p.version, p.ecosystem, p.path)
}

/// The (name, version) a package is matched by: source name and (dpkg) source version
/// for OS packages.
fn match_key(p: &Package, scheme: VersionScheme) -> (&str, &str) {
    if p.ecosystem.kind().is_os() {
        let name = p.source_name.as_deref().unwrap_or(&p.name);
        let version = match scheme {
            VersionScheme::Dpkg => p.source_version.as_deref().unwrap_or(&p.version),
            _ => &p.version,
        };
        (name, version)
    } else {
        (&p.name, &p.version)
    }
}

/// Whether an `affected` entry is about this package: same family, the exact release for
/// OS ecosystems, same normalised name.
fn entry_applies(aff: &Affected, eco: &Ecosystem, name_norm: &str) -> bool {
    let Some(pkg) = &aff.package else {
        return false;
    };
    let aeco = pkg.ecosystem();
    if aeco.kind() != eco.kind() {
        return false;
    }
    if eco.kind().is_os() && aeco.release() != eco.release() {
        return false;
    }
    normalize_name(eco.kind(), &pkg.name) == name_norm
}

/// Whether an entry is about one platform of a gem only (RubySec's `platform: jruby`, the
/// Java implementation) while the installed gem is known to be built for others
/// (`nokogiri 1.13.3-x86_64-linux`). A gem of unknown or plain `ruby` platform is matched.
fn other_platform(aff: &Affected, p: &Package) -> bool {
    if p.ecosystem.kind() != &scry_core::EcosystemKind::RubyGems
        || str_field(aff.database_specific.as_ref(), "platform") != Some("jruby")
    {
        return false;
    }
    let from_purl = p
        .purl
        .as_deref()
        .and_then(|u| u.split_once("?platform="))
        .map(|(_, rest)| rest.split('&').next().unwrap_or(rest));
    p.arch.as_deref().or(from_purl).is_some_and(|platforms| {
        !platforms
            .split(',')
            .any(|x| x == "java" || x.starts_with("universal-java"))
    })
}

/// Whether an rpm entry is fixed by a module-stream build (`.module_el8…`, `.module+el8…`)
/// while the installed rpm is a plain build, or the other way round. Module errata
/// (`perl:5.32`) update systems that enabled that stream; they do not apply to the
/// default stream's `perl-libs 4:5.26.3-421.el8`, whose version may sort below theirs.
fn other_module_build(aff: &Affected, scheme: VersionScheme, installed: &str) -> bool {
    if scheme != VersionScheme::Rpm {
        return false;
    }
    let module = |v: &str| v.contains(".module_") || v.contains(".module+");
    aff.ranges
        .iter()
        .flat_map(|r| &r.events)
        .find_map(|e| match e {
            scry_osv::Event::Fixed(f) => Some(module(f)),
            _ => None,
        })
        .is_some_and(|fixed_is_module| fixed_is_module != module(installed))
}

fn str_field<'v>(v: Option<&'v Value>, key: &str) -> Option<&'v str> {
    v.and_then(|v| v.get(key)).and_then(Value::as_str)
}

/// Matches an inventory and returns findings with every warning.
///
/// Packages are matched, then findings built, on [`MatchOptions::threads`] threads;
/// the output is the same on any number.
///
/// # Errors
/// When the database is damaged.
pub fn match_inventory_detailed(
    inv: &Inventory,
    db: &Database,
    opts: &MatchOptions,
) -> Result<MatchOutput, MatchError> {
    let threads = opts
        .threads
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    // Look packages up in index order: the database stores records in blocks ordered by
    // package key, so neighbouring lookups (one worker's chunk) reuse the block just
    // decompressed. Output order does not depend on this (hits keep the package index;
    // warnings are re-sorted).
    let mut order: Vec<(String, usize)> = inv
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let scheme = p
                .ecosystem
                .version_scheme()
                .unwrap_or(VersionScheme::SemVer);
            let (name, _) = match_key(p, scheme);
            let key = format!(
                "{}\0{}",
                p.ecosystem.kind().as_str(),
                normalize_name(p.ecosystem.kind(), name)
            );
            (key, i)
        })
        .collect();
    order.sort();
    let order: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();

    // Step 1: packages → hits, chunk results concatenated in `order`, as one thread
    // would find them.
    let empty = Cache::default();
    let (chunks, workers) = in_chunks(
        &order,
        threads,
        || Ctx::new(db, &empty),
        |ctx, packages| match_packages(ctx, inv, packages),
    )?;
    let mut out = MatchOutput::default();
    let mut hits: Vec<Hit> = Vec::new();
    let mut warnings: Vec<(usize, MatchWarning)> = Vec::new();
    for m in chunks {
        hits.extend(m.hits);
        warnings.extend(m.warnings);
        out.unparsable_versions += m.unparsable_versions;
        out.unparsable_events += m.unparsable_events;
        out.packages_matched += m.packages_matched;
    }
    // Stable: a package's warnings stay in the order they were met.
    warnings.sort_by_key(|(i, _)| *i);
    out.warnings = warnings.into_iter().map(|(_, w)| w).collect();
    let mut read = Cache::default();
    for ctx in workers {
        read.absorb(ctx.local);
    }

    // Step 2: groups of hits → findings, in group order; the records the hits name are
    // shared, each worker reads its own enrichment records.
    let groups = group_hits(&hits);
    let resource = Resource::of(
        &inv.target,
        inv.os
            .as_ref()
            .and_then(scry_core::OsRelease::ecosystem)
            .map(|e| e.to_string()),
    );
    let (chunks, _) = in_chunks(
        &groups,
        threads,
        || Ctx::new(db, &read),
        |ctx, groups| {
            groups
                .iter()
                .map(|members| build_finding(ctx, inv, &resource, &hits, members, opts))
                .collect::<Result<Vec<Finding>, DbError>>()
        },
    )?;
    out.findings = chunks.into_iter().flatten().collect();
    crate::report::sort_findings(&mut out.findings, crate::report::SortBy::Score);
    Ok(out)
}

/// What matching some packages found, in the order it was found.
#[derive(Default)]
struct Matched {
    hits: Vec<Hit>,
    /// With the package's index in the inventory.
    warnings: Vec<(usize, MatchWarning)>,
    unparsable_versions: usize,
    unparsable_events: usize,
    packages_matched: usize,
}

/// Matches the packages at these inventory indexes, in this order.
fn match_packages(
    ctx: &mut Ctx<'_>,
    inv: &Inventory,
    packages: &[usize],
) -> Result<Matched, DbError> {
    let db = ctx.db;
    let mut out = Matched::default();
    for &pi in packages {
        let p = &inv.packages[pi];
        let eco = &p.ecosystem;
        let Some(scheme) = eco.version_scheme() else {
            out.warnings.push((
                pi,
                MatchWarning {
                    package: describe(p),
                    advisory: None,
                    reason: format!("ecosystem `{eco}` has no version ordering: not matched"),
                },
            ));
            continue;
        };
        let os = eco.kind().is_os();
        let (name, version) = match_key(p, scheme);
        let parsed = match Version::parse(scheme, version) {
            Ok(v) => v,
            Err(e) => {
                out.unparsable_versions += 1;
                out.warnings.push((
                    pi,
                    MatchWarning {
                        package: describe(p),
                        advisory: None,
                        reason: format!("installed version does not parse, not matched: {e}"),
                    },
                ));
                continue;
            }
        };
        out.packages_matched += 1;
        let lookup_eco = if os { eco.clone() } else { eco.family() };
        // rpm distributions publish errata under binary names (AlmaLinux, Rocky, SUSE) or
        // source names (Mageia): an rpm is looked up under both, each record once.
        let mut names = vec![name];
        if scheme == VersionScheme::Rpm && p.name != name {
            names.push(&p.name);
        }
        let mut views = Vec::new();
        for n in &names {
            let name_norm = normalize_name(eco.kind(), n);
            for (ordinal, view) in db.lookup_views(&lookup_eco, n)? {
                if !views.iter().any(|(o, _, _)| *o == ordinal) {
                    views.push((ordinal, view, name_norm.clone()));
                }
            }
        }
        // Match on the database's small per-package views; decode the whole record only
        // for the advisories that do affect the package.
        for (ordinal, view, name_norm) in views {
            if view.is_withdrawn() {
                continue;
            }
            let mut matched: Vec<&Affected> = Vec::new();
            for aff in &view.affected {
                if !entry_applies(aff, eco, &name_norm)
                    || other_platform(aff, p)
                    || other_module_build(aff, scheme, version)
                {
                    continue;
                }
                match affects(aff, scheme, &parsed, version) {
                    Ok(RangeVerdict::Affected) => matched.push(aff),
                    Ok(RangeVerdict::NotAffected) => {}
                    Err(e) => {
                        out.unparsable_events += 1;
                        out.warnings.push((
                            pi,
                            MatchWarning {
                                package: describe(p),
                                advisory: Some(view.id.clone()),
                                reason: format!("range not evaluated, no finding reported: {e}"),
                            },
                        ));
                    }
                }
            }
            if matched.is_empty() {
                continue;
            }
            let record = ctx.record(ordinal)?;
            let fix = package_fix(&matched, record, scheme, &parsed);
            let record_id = record.id.clone();
            if record.upstream.len() > 1 {
                for u in &record.upstream {
                    out.hits.push(Hit {
                        pkg: pi,
                        record: ordinal,
                        keys: vec![u.clone()],
                        related: vec![record_id.clone()],
                        fix: fix.clone(),
                    });
                }
            } else {
                let mut keys = ctx.group(&record_id)?.to_vec();
                if keys.is_empty() {
                    let record = ctx.decoded(ordinal);
                    keys.push(record.id.clone());
                    keys.extend(record.aliases.iter().cloned());
                    keys.extend(record.upstream.iter().cloned());
                }
                out.hits.push(Hit {
                    pkg: pi,
                    record: ordinal,
                    keys,
                    related: Vec::new(),
                    fix,
                });
            }
        }
    }
    Ok(out)
}

/// [`Affected::affects_parsed`], ranges first: records listing hundreds of affected
/// versions (PyPI, Go) are decided by their ranges without parsing the list when a range
/// already contains the version. Same verdicts and errors.
fn affects(
    aff: &Affected,
    scheme: VersionScheme,
    parsed: &Version,
    raw: &str,
) -> Result<RangeVerdict, scry_osv::EvalError> {
    if aff.versions.len() > 4 {
        for range in &aff.ranges {
            let hit = match range.kind {
                scry_osv::RangeType::Ecosystem => range.contains(scheme, parsed)?,
                scry_osv::RangeType::SemVer if scheme == VersionScheme::SemVer => {
                    range.contains(scheme, parsed)?
                }
                _ => false,
            };
            if hit {
                return Ok(RangeVerdict::Affected);
            }
        }
        if aff.versions.iter().any(|v| v == raw) {
            return Ok(RangeVerdict::Affected);
        }
    }
    aff.affects_parsed(scheme, parsed, raw)
}

/// The fix of one package for one record's matched entries.
fn package_fix(
    matched: &[&Affected],
    record: &Advisory,
    scheme: VersionScheme,
    installed: &Version,
) -> PackageFix {
    let mut fix: Option<(Version, String)> = None;
    let mut no_fix = false;
    let mut all = Vec::new();
    let mut vendor_status = None;
    let mut vendor_priority = None;
    for aff in matched {
        let mut lowest: Option<(Version, String)> = None;
        for v in aff.fixed_versions() {
            if let Ok(parsed) = Version::parse(scheme, v)
                && parsed > *installed
            {
                all.push((parsed.clone(), v.to_owned()));
                if lowest.as_ref().is_none_or(|(l, _)| parsed < *l) {
                    lowest = Some((parsed, v.to_owned()));
                }
            }
        }
        match lowest {
            None => no_fix = true,
            Some(l) => {
                if fix.as_ref().is_none_or(|(f, _)| l.0 > *f) {
                    fix = Some(l);
                }
            }
        }
        let es = aff.ecosystem_specific.as_ref();
        if let Some(s) = str_field(es, "status")
            && !FIXED_STATUSES.contains(&s)
        {
            vendor_status = Some(s.to_owned());
        }
        if let Some(p) = str_field(es, "priority") {
            vendor_priority = Some(p.to_owned());
        }
    }
    if vendor_priority.is_none() {
        vendor_priority =
            str_field(record.database_specific.as_ref(), "ubuntu_priority").map(str::to_owned);
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup_by(|a, b| a.0 == b.0);
    PackageFix {
        fix: if no_fix { None } else { fix },
        all,
        vendor_status,
        vendor_priority,
    }
}

/// Union-find over hits sharing a key; groups in first-hit order.
fn group_hits(hits: &[Hit]) -> Vec<Vec<usize>> {
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, h) in hits.iter().enumerate() {
        for k in &h.keys {
            match owner.get(k.as_str()) {
                Some(&j) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
                None => {
                    owner.insert(k, i);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..hits.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    groups.into_values().collect()
}

/// `CVE-2021-44228` → (2021, 44228) for ordering CVE ids numerically.
fn cve_order(id: &str) -> Option<(u32, u64)> {
    let rest = id.strip_prefix("CVE-")?;
    let (y, n) = rest.split_once('-')?;
    Some((y.parse().ok()?, n.parse().ok()?))
}

/// The vulnerability id of a set of ids: the lowest CVE, else the lowest id.
pub(crate) fn choose_id<'a>(ids: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let ids: Vec<&str> = ids.into_iter().collect();
    ids.iter()
        .filter_map(|i| cve_order(i).map(|o| (o, *i)))
        .min()
        .map(|(_, i)| i)
        .or_else(|| ids.iter().min().copied())
}

/// The feed a record came from.
pub(crate) fn source_of(r: &Advisory) -> String {
    if let Some(s) = str_field(r.database_specific.as_ref(), "scry_source") {
        return s.to_owned();
    }
    let prefix = r.id.split('-').next().unwrap_or("");
    match prefix {
        "RUSTSEC" => "rustsec",
        "GHSA" => "ghsa",
        "PYSEC" => "pypa",
        "GO" => "go-vulndb",
        "MAL" => "ossf-malicious-packages",
        "BIT" => "bitnami",
        "ALSA" | "ALBA" | "ALEA" => "almalinux",
        "PSF" => "psf",
        "RSEC" => "r-consortium",
        "CVE" => "cve",
        _ => "osv",
    }
    .to_owned()
}

fn is_distro_record(r: &Advisory) -> bool {
    r.affected.iter().any(|a| {
        a.package
            .as_ref()
            .is_some_and(|p| p.ecosystem().kind().is_os())
    })
}

fn cvss_version(v: &Vector) -> &'static str {
    match v.version() {
        scry_cvss::Version::V2_0 => "2.0",
        scry_cvss::Version::V3_0 => "3.0",
        scry_cvss::Version::V3_1 => "3.1",
        scry_cvss::Version::V4_0 => "4.0",
    }
}

fn url_of(r: &Advisory) -> Option<String> {
    r.references
        .iter()
        .find(|x| x.kind == "ADVISORY")
        .or_else(|| r.references.first())
        .map(|x| x.url.clone())
}

/// Builds one finding from a group of hits.
fn build_finding(
    ctx: &mut Ctx<'_>,
    inv: &Inventory,
    resource: &Resource,
    hits: &[Hit],
    members: &[usize],
    opts: &MatchOptions,
) -> Result<Finding, DbError> {
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    let mut related_extra: BTreeSet<&str> = BTreeSet::new();
    let mut contributing: Vec<u32> = Vec::new();
    for &h in members {
        keys.extend(hits[h].keys.iter().map(String::as_str));
        related_extra.extend(hits[h].related.iter().map(String::as_str));
        if !contributing.contains(&hits[h].record) {
            contributing.push(hits[h].record);
        }
    }
    // A group always has a key: every hit has one.
    let vuln_id = choose_id(keys.iter().copied())
        .unwrap_or("UNKNOWN")
        .to_owned();
    // Records of the group that did not match (other feeds' views of the same
    // vulnerability) still give vectors, descriptions and references.
    let contributing_ids: BTreeSet<String> = contributing
        .iter()
        .map(|&o| ctx.decoded(o).id.clone())
        .collect();
    // Other records of the group are read only when the matched ones lack a CVSS vector
    // or a description (distribution records mostly): reading them costs a block each.
    let needs_more = {
        let matched = contributing.iter().map(|&o| ctx.decoded(o));
        let mut vector = false;
        let mut details = false;
        for r in matched {
            vector |= r
                .severity
                .iter()
                .chain(r.affected.iter().flat_map(|a| a.severity.iter()))
                .any(|s| s.kind.starts_with("CVSS_"));
            details |= r.details.as_deref().is_some_and(|d| !d.trim().is_empty());
        }
        !(vector && details)
    };
    // The database indexes alias groups by record id only: a CVE named by a DSA (or an
    // alias that is no record) finds its group through the distribution records keyed
    // by it (`UBUNTU-CVE-…`, `ALPINE-CVE-…`, `DEBIAN-CVE-…`) or a record with the CVE id.
    let mut all_ids: BTreeSet<String> = keys.iter().map(|k| (*k).to_owned()).collect();
    for k in &keys {
        if !needs_more || !k.starts_with("CVE-") || !ctx.group(k)?.is_empty() {
            continue;
        }
        for prefix in CVE_RECORD_PREFIXES {
            // The group lookup reads no record block: cheap enough to probe.
            all_ids.extend(ctx.group(&format!("{prefix}{k}"))?.iter().cloned());
        }
    }
    let mut enrichment: Vec<u32> = Vec::new();
    for k in &all_ids {
        if !needs_more || contributing_ids.contains(k) {
            continue;
        }
        if let Some(o) = ctx.live_record(k)? {
            enrichment.push(o);
        }
    }
    let mut related: BTreeSet<String> = all_ids
        .iter()
        .map(String::as_str)
        .chain(related_extra.iter().copied())
        .filter(|k| *k != vuln_id)
        .map(str::to_owned)
        .collect();
    let records: Vec<&Advisory> = contributing
        .iter()
        .chain(enrichment.iter())
        .map(|&o| ctx.decoded(o))
        .collect();
    let malicious = records.iter().any(|r| r.id.starts_with("MAL-"));
    for r in &records {
        if r.id != vuln_id {
            related.insert(r.id.clone());
        }
    }

    // Vectors.
    let mut vectors: Vec<SourcedVector> = Vec::new();
    let mut cvss: Vec<Cvss> = Vec::new();
    let mut seen_vectors: BTreeSet<String> = BTreeSet::new();
    for r in &records {
        let src = if source_of(r) == "ubuntu-cve-tracker" {
            Source::Nvd
        } else if is_distro_record(r) {
            Source::Vendor
        } else {
            Source::Advisory
        };
        let entries = r
            .severity
            .iter()
            .chain(r.affected.iter().flat_map(|a| a.severity.iter()));
        for s in entries {
            if !s.kind.starts_with("CVSS_") {
                continue;
            }
            let Ok(v) = Vector::parse(&s.score) else {
                continue;
            };
            let canonical = v.to_string();
            if !seen_vectors.insert(format!("{src:?}{canonical}")) {
                continue;
            }
            cvss.push(Cvss {
                base_score: v.scores().overall,
                scoring_vector: canonical,
                version: cvss_version(&v).to_owned(),
                source: r.id.clone(),
            });
            vectors.push(SourcedVector {
                source: src.clone(),
                vector: v,
            });
        }
    }

    // Packages.
    let mut per_pkg: BTreeMap<usize, PackageFix> = BTreeMap::new();
    for &h in members {
        let hit = &hits[h];
        match per_pkg.get_mut(&hit.pkg) {
            None => {
                per_pkg.insert(hit.pkg, hit.fix.clone());
            }
            Some(acc) => {
                acc.fix = match (acc.fix.take(), hit.fix.fix.clone()) {
                    (Some(a), Some(b)) => Some(if b.0 > a.0 { b } else { a }),
                    _ => None,
                };
                acc.all.extend(hit.fix.all.iter().cloned());
                acc.all.sort_by(|a, b| a.0.cmp(&b.0));
                acc.all.dedup_by(|a, b| a.0 == b.0);
                if acc.vendor_status.is_none() {
                    acc.vendor_status.clone_from(&hit.fix.vendor_status);
                }
                if acc.vendor_priority.is_none() {
                    acc.vendor_priority.clone_from(&hit.fix.vendor_priority);
                }
            }
        }
    }
    let mut vulnerable_packages = Vec::new();
    let mut fixed_count = 0usize;
    let mut distro = false;
    let mut vendor_severity: Option<String> = None;
    let mut names: Vec<String> = Vec::new();
    for (&pi, fix) in &per_pkg {
        let p = &inv.packages[pi];
        let scheme = p
            .ecosystem
            .version_scheme()
            .unwrap_or(VersionScheme::SemVer);
        let (mname, mversion) = match_key(p, scheme);
        let os = p.ecosystem.kind().is_os();
        distro |= os;
        if !names.iter().any(|n| n == mname) {
            names.push(mname.to_owned());
        }
        if os
            && matches!(p.ecosystem.kind(), scry_core::EcosystemKind::Ubuntu)
            && vendor_severity.is_none()
        {
            vendor_severity.clone_from(&fix.vendor_priority);
        }
        let (fixed_in, remediation) = match &fix.fix {
            Some((_, v)) => {
                fixed_count += 1;
                (v.clone(), format!("Upgrade {mname} to {v} or later"))
            }
            None => {
                let why = match fix.vendor_status.as_deref() {
                    Some("will_not_fix") => "the vendor will not fix it".to_owned(),
                    Some(s) => format!("no fixed version is published yet (vendor status `{s}`)"),
                    None if malicious => {
                        "remove the package: every version is malicious".to_owned()
                    }
                    None => "no fixed version is published yet".to_owned(),
                };
                (NOT_AVAILABLE.to_owned(), format!("None: {why}"))
            }
        };
        vulnerable_packages.push(VulnerablePackage {
            name: p.name.clone(),
            version: p.version.clone(),
            epoch: p.epoch,
            release: p.release.clone(),
            arch: p.arch.clone(),
            source_name: if os { Some(mname.to_owned()) } else { None },
            matched_version: mversion.to_owned(),
            ecosystem: p.ecosystem.to_string(),
            package_manager: serde_json::to_value(p.package_manager)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            purl: p.purl.clone(),
            file_path: p.path.clone(),
            source_layer_hash: p.layer.clone(),
            fixed_in_version: fixed_in,
            fixed_in_versions: fix.all.iter().map(|(_, s)| s.clone()).collect(),
            remediation,
            vendor_status: fix.vendor_status.clone(),
        });
    }
    if vendor_severity.is_none() {
        vendor_severity = records
            .iter()
            .filter_map(|r| str_field(r.database_specific.as_ref(), "severity"))
            .next()
            .map(str::to_owned);
    }
    let fix_available = if fixed_count == vulnerable_packages.len() {
        FixAvailable::Yes
    } else if fixed_count == 0 {
        FixAvailable::No
    } else {
        FixAvailable::Partial
    };

    // Exploit signals: the finding's CVEs.
    let cves: Vec<&str> = std::iter::once(vuln_id.as_str())
        .chain(related.iter().map(String::as_str))
        .filter(|i| i.starts_with("CVE-"))
        .collect();
    let mut kev = None;
    let mut epss: Option<Epss> = None;
    for c in &cves {
        if kev.is_none() {
            kev = ctx.db.kev(c)?;
        }
        if let Some(e) = ctx.db.epss(c)?
            && epss
                .as_ref()
                .is_none_or(|x| f64::from(e.probability) > x.score)
        {
            epss = Some(Epss {
                score: round5(f64::from(e.probability)),
                percentile: round5(f64::from(e.percentile)),
            });
        }
    }
    let vendor_sev = if malicious {
        Some(Severity::Critical)
    } else {
        vendor_severity.as_deref().and_then(Severity::parse_loose)
    };
    let input = ScoreInput {
        vectors: if malicious { Vec::new() } else { vectors },
        distro_package: distro,
        vendor_severity: vendor_sev,
        evidence: opts.evidence.clone(),
        exploit: ExploitSignals {
            kev: kev.is_some(),
            kev_due_date: kev.as_ref().map(|k| k.due_date.clone()),
            epss: epss.map(|e| e.score),
            epss_percentile: epss.map(|e| e.percentile),
            fix_available: fix_available != FixAvailable::No,
        },
    };
    let details = risk::score(&input);
    let severity = if malicious {
        Severity::Critical
    } else {
        details.severity
    };

    // Description, primary source.
    let primary = records
        .iter()
        .find(|r| !is_distro_record(r))
        .or_else(|| records.first())
        .copied();
    let description = records
        .iter()
        .filter_map(|r| r.details.as_deref().filter(|d| !d.trim().is_empty()))
        .next()
        .or_else(|| records.iter().filter_map(|r| r.summary.as_deref()).next())
        .unwrap_or("")
        .trim()
        .to_owned();
    let mut reference_urls: Vec<String> = Vec::new();
    for r in &records {
        for x in &r.references {
            if !reference_urls.contains(&x.url) {
                reference_urls.push(x.url.clone());
            }
        }
    }
    let title = if malicious {
        format!("{vuln_id} - {} (malicious package)", names.join(", "))
    } else {
        format!("{vuln_id} - {}", names.join(", "))
    };
    let now = crate::report::rfc3339(opts.now);
    let sources = contributing
        .iter()
        .map(|&o| {
            let r = ctx.decoded(o);
            SourceRecord {
                source: source_of(r),
                id: r.id.clone(),
                modified: r.modified.clone(),
            }
        })
        .collect();
    Ok(Finding {
        id: finding_id(&resource.id, &vuln_id),
        kind: FindingType::PackageVulnerability,
        title,
        description,
        severity,
        status: FindingStatus::Active,
        first_observed_at: now.clone(),
        last_observed_at: now,
        score: details.adjusted_score,
        score_details: ScoreDetailsJson::from_details(&details),
        fix_available,
        exploit_available: if kev.is_some() { YesNo::Yes } else { YesNo::No },
        epss,
        package_vulnerability_details: PackageVulnerabilityDetails {
            vulnerability_id: vuln_id,
            source: primary.map(source_of).unwrap_or_default(),
            source_url: primary.and_then(url_of),
            related_vulnerabilities: related.into_iter().collect(),
            cvss,
            reference_urls,
            vendor_severity,
            vulnerable_packages,
        },
        resources: vec![resource.clone()],
        sources,
        suppression: None,
        malicious,
    })
}

fn round5(x: f64) -> f64 {
    (x * 100_000.0).round() / 100_000.0
}

/// The stable id of a finding: hex SHA-256 of `resource \n vulnerability`, 32 digits.
#[must_use]
pub fn finding_id(resource: &str, vulnerability: &str) -> String {
    let mut h = Sha256::new();
    h.update(resource.as_bytes());
    h.update(b"\n");
    h.update(vulnerability.as_bytes());
    let digest = hex::encode(h.finalize());
    digest[..32].to_owned()
}
