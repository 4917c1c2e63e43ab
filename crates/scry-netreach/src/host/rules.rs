//! One rule model for nftables and iptables, and its symbolic evaluation: a chain is run
//! on a whole *set* of source addresses at once for one concrete (interface, protocol,
//! destination address, destination port), and returns the subset it accepts.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::addr::{AddrSet, PortSet};
use crate::report::Protocol;

/// Jumps deeper than this are an error (the kernel refuses loops; a capture may not).
const MAX_DEPTH: usize = 64;

/// The layer-4 protocols the evaluation tells apart (ICMPv6 only for neighbour
/// discovery, without which IPv6 does not work on a link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum L4 {
    Tcp,
    Udp,
    Icmpv6,
}

impl From<Protocol> for L4 {
    fn from(p: Protocol) -> Self {
        match p {
            Protocol::Tcp => Self::Tcp,
            Protocol::Udp => Self::Udp,
        }
    }
}

/// One condition of a rule.
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    /// Protocol is one of these (an empty list: some protocol not modelled, e.g. icmp).
    Proto(Vec<L4>),
    /// ICMPv6 type match: whether its types include neighbour solicitation.
    NdSolicit(bool),
    /// Source address in the set, relative to a universe (the family the match implies).
    Saddr { set: AddrSet, universe: AddrSet },
    /// Destination address in the set, relative to a universe.
    Daddr { set: AddrSet, universe: AddrSet },
    /// Destination port in the set.
    Dport(PortSet),
    /// Source port in the set (the client picks it).
    Sport(PortSet),
    /// Input interface name matches one of these patterns (`eth+`/`eth*` = prefix).
    Iif(Vec<String>),
    /// Output interface: never set on the input path.
    Oif(#[expect(dead_code, reason = "kept for Debug output")] Vec<String>),
    /// Conntrack state in the list (`new`, `established`, ...).
    CtState(Vec<String>),
    /// Packet family (`ip`/`ip6`).
    Family(AddrSet),
    /// The destination is a local address (`-m addrtype --dst-type LOCAL`, `fib daddr type local`).
    DstLocal,
    /// Always true (e.g. `--syn` on a new connection).
    True,
    /// Something not modelled; `String` says what.
    Unknown(#[expect(dead_code, reason = "kept for Debug output")] String),
}

/// A condition, possibly negated.
#[derive(Debug, Clone)]
pub(crate) struct Match {
    pub(crate) cond: Cond,
    pub(crate) negated: bool,
}

impl Match {
    pub(crate) fn new(cond: Cond, negated: bool) -> Self {
        Self { cond, negated }
    }
}

/// What a rule does when it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Accept,
    Drop,
    Reject,
    Jump(String),
    Goto(String),
    Return,
    /// No verdict (counter, log, mark, ...): evaluation goes on.
    Continue,
    /// NAT to a local port (REDIRECT, or DNAT to this host's own address).
    Redirect(Option<u16>),
    /// DNAT to another address: the packet is forwarded, not delivered locally.
    Dnat(Option<IpAddr>, Option<u16>),
}

impl Verdict {
    /// Whether an attacker wants this rule to match (so unknown conditions count as met).
    fn favourable(&self) -> bool {
        matches!(
            self,
            Self::Accept | Self::Jump(_) | Self::Goto(_) | Self::Continue | Self::Redirect(_)
        )
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) matches: Vec<Match>,
    pub(crate) verdict: Verdict,
    /// For remediation: `nft table inet filter chain input handle 4`.
    pub(crate) origin: String,
}

impl Rule {
    pub(crate) fn has_dport(&self) -> bool {
        self.matches
            .iter()
            .any(|m| matches!(m.cond, Cond::Dport(_)) && !m.negated)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HookKind {
    Filter,
    Nat,
}

#[derive(Debug, Clone)]
pub(crate) struct Hook {
    /// `input` or `prerouting`.
    pub(crate) hook: String,
    pub(crate) kind: HookKind,
    pub(crate) priority: i64,
    pub(crate) policy_accept: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Chain {
    pub(crate) hook: Option<Hook>,
    pub(crate) rules: Vec<Rule>,
}

/// A table: nft table, or an iptables table of one family.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// `nft inet filter` or `iptables filter` (used in path steps and remediation).
    pub(crate) id: String,
    /// Which packets traverse it (ip → IPv4 only, inet → both).
    pub(crate) universe: AddrSet,
    pub(crate) chains: BTreeMap<String, Chain>,
}

/// The concrete part of a packet.
pub(crate) struct Packet<'a> {
    pub(crate) proto: L4,
    pub(crate) iif: &'a str,
    pub(crate) daddr: IpAddr,
    pub(crate) dport: u16,
}

/// Where evaluation of one chain ends.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) accepted: AddrSet,
    /// Fell off the end or hit `return`.
    pub(crate) returned: AddrSet,
    /// Accepting rules and the sources each accepted.
    pub(crate) accepted_by: Vec<(String, AddrSet, bool)>,
    /// NAT: sources translated and where to.
    pub(crate) nat: Vec<(AddrSet, Verdict, String)>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum EvalError {
    #[error("{table}: chain `{chain}` jumps to chain `{target}`, which is not defined")]
    MissingChain {
        table: String,
        chain: String,
        target: String,
    },
    #[error("{table}: jumps nest deeper than {MAX_DEPTH} at chain `{chain}` (a loop?)")]
    TooDeep { table: String, chain: String },
}

fn iface_matches(pattern: &str, name: &str) -> bool {
    if let Some(p) = pattern
        .strip_suffix('+')
        .or_else(|| pattern.strip_suffix('*'))
    {
        name.starts_with(p)
    } else {
        pattern == name
    }
}

/// The sources (within `AddrSet::any()`) for which the condition holds, or `None` for
/// "unknown" (the caller decides).
fn cond_sources(m: &Match, p: &Packet<'_>) -> Option<AddrSet> {
    let all = AddrSet::any();
    let whole = |b: bool| {
        if b != m.negated {
            all.clone()
        } else {
            AddrSet::empty()
        }
    };
    Some(match &m.cond {
        Cond::Proto(list) => whole(list.contains(&p.proto)),
        Cond::Saddr { set, universe } => {
            if m.negated {
                universe.subtract(set)
            } else {
                set.intersect(universe)
            }
        }
        Cond::Daddr { set, universe } => {
            if universe.contains(p.daddr) {
                whole(set.contains(p.daddr))
            } else {
                AddrSet::empty()
            }
        }
        Cond::Dport(_) | Cond::Sport(_) if p.proto == L4::Icmpv6 => AddrSet::empty(),
        Cond::NdSolicit(b) => whole(p.proto == L4::Icmpv6 && *b),
        Cond::Dport(ports) => whole(ports.contains(u128::from(p.dport))),
        Cond::Sport(ports) => {
            let full = ports.intervals() == [(0, 65535)];
            let empty = ports.is_empty();
            if (full && !m.negated) || (empty && m.negated) {
                all
            } else if (empty && !m.negated) || (full && m.negated) {
                AddrSet::empty()
            } else {
                return None;
            }
        }
        Cond::Iif(pats) => {
            if p.iif == "*" {
                return None;
            }
            whole(pats.iter().any(|x| iface_matches(x, p.iif)))
        }
        Cond::Oif(_) => whole(false),
        Cond::CtState(states) => {
            // Neighbour discovery is not tracked by conntrack.
            let state = if p.proto == L4::Icmpv6 {
                "untracked"
            } else {
                "new"
            };
            whole(states.iter().any(|s| s.eq_ignore_ascii_case(state)))
        }
        Cond::Family(u) => {
            if m.negated {
                all.subtract(u)
            } else {
                u.clone()
            }
        }
        Cond::DstLocal | Cond::True => whole(true),
        Cond::Unknown(_) => return None,
    })
}

pub(crate) fn rule_sources(rule: &Rule, p: &Packet<'_>) -> AddrSet {
    let mut s = AddrSet::any();
    for m in &rule.matches {
        match cond_sources(m, p) {
            Some(x) => s = s.intersect(&x),
            None if rule.verdict.favourable() => {}
            None => return AddrSet::empty(),
        }
        if s.is_empty() {
            break;
        }
    }
    s
}

/// Runs `chain` of `table` on `input`.
pub(crate) fn eval_chain(
    table: &Table,
    chain_name: &str,
    input: &AddrSet,
    p: &Packet<'_>,
    depth: usize,
) -> Result<Outcome, EvalError> {
    let mut out = Outcome::default();
    let Some(chain) = table.chains.get(chain_name) else {
        return Err(EvalError::MissingChain {
            table: table.id.clone(),
            chain: chain_name.to_owned(),
            target: chain_name.to_owned(),
        });
    };
    if depth > MAX_DEPTH {
        return Err(EvalError::TooDeep {
            table: table.id.clone(),
            chain: chain_name.to_owned(),
        });
    }
    let mut remaining = input.clone();
    for rule in &chain.rules {
        if remaining.is_empty() {
            break;
        }
        let m = remaining.intersect(&rule_sources(rule, p));
        if m.is_empty() {
            continue;
        }
        let sub = |target: &str| -> Result<Outcome, EvalError> {
            if !table.chains.contains_key(target) {
                return Err(EvalError::MissingChain {
                    table: table.id.clone(),
                    chain: chain_name.to_owned(),
                    target: target.to_owned(),
                });
            }
            eval_chain(table, target, &m, p, depth + 1)
        };
        match &rule.verdict {
            Verdict::Continue => {}
            Verdict::Accept => {
                out.accepted = out.accepted.union(&m);
                out.accepted_by
                    .push((rule.origin.clone(), m.clone(), rule.has_dport()));
                remaining = remaining.subtract(&m);
            }
            Verdict::Drop | Verdict::Reject => remaining = remaining.subtract(&m),
            Verdict::Return => {
                out.returned = out.returned.union(&m);
                remaining = remaining.subtract(&m);
            }
            Verdict::Jump(t) => {
                let o = sub(t)?;
                out.accepted = out.accepted.union(&o.accepted);
                out.accepted_by.extend(o.accepted_by);
                out.nat.extend(o.nat);
                remaining = remaining.subtract(&m).union(&o.returned);
            }
            Verdict::Goto(t) => {
                let o = sub(t)?;
                out.accepted = out.accepted.union(&o.accepted);
                out.accepted_by.extend(o.accepted_by);
                out.nat.extend(o.nat);
                out.returned = out.returned.union(&o.returned);
                remaining = remaining.subtract(&m);
            }
            v @ (Verdict::Redirect(_) | Verdict::Dnat(..)) => {
                out.nat.push((m.clone(), v.clone(), rule.origin.clone()));
                remaining = remaining.subtract(&m);
            }
        }
    }
    out.returned = out.returned.union(&remaining);
    Ok(out)
}

/// The base chains on `hook` of `kind`, in priority order: (table, chain name).
pub(crate) fn base_chains<'a>(
    tables: &'a [Table],
    hook: &str,
    kind: HookKind,
) -> Vec<(&'a Table, &'a str, &'a Hook)> {
    let mut v: Vec<(&Table, &str, &Hook)> = tables
        .iter()
        .flat_map(|t| {
            t.chains.iter().filter_map(move |(name, c)| {
                let h = c.hook.as_ref()?;
                (h.hook == hook && h.kind == kind).then_some((t, name.as_str(), h))
            })
        })
        .collect();
    v.sort_by_key(|(_, _, h)| h.priority);
    v
}

/// The result of passing a hook's filter chains.
#[derive(Debug, Default)]
pub(crate) struct Passage {
    pub(crate) passed: AddrSet,
    /// Chains traversed, in order (`nft inet filter input`).
    pub(crate) chains: Vec<String>,
    /// The rules (or policies) that let sources through.
    pub(crate) accepted_by: Vec<(String, AddrSet, bool)>,
}

/// Runs every filter base chain on `hook` in priority order.
pub(crate) fn pass_filter(
    tables: &[Table],
    hook: &str,
    input: &AddrSet,
    p: &Packet<'_>,
) -> Result<Passage, EvalError> {
    let mut passage = Passage {
        passed: input.clone(),
        ..Passage::default()
    };
    for (t, name, h) in base_chains(tables, hook, HookKind::Filter) {
        let inside = passage.passed.intersect(&t.universe);
        if inside.is_empty() {
            continue;
        }
        let outside = passage.passed.subtract(&t.universe);
        let o = eval_chain(t, name, &inside, p, 0)?;
        let mut passed = o.accepted.clone();
        passage.accepted_by.extend(o.accepted_by);
        if h.policy_accept && !o.returned.is_empty() {
            passed = passed.union(&o.returned);
            passage.accepted_by.push((
                format!("{} chain {name} policy accept", t.id),
                o.returned.clone(),
                false,
            ));
        }
        passage.chains.push(format!("{} {name}", t.id));
        passage.passed = outside.union(&passed);
    }
    // Keep only what finally passed in the attribution.
    for a in &mut passage.accepted_by {
        a.1 = a.1.intersect(&passage.passed);
    }
    passage.accepted_by.retain(|a| !a.1.is_empty());
    Ok(passage)
}

/// Runs the nat base chains on `hook`: returns the translations (sources, verdict, origin,
/// chain); sources not listed are untranslated.
pub(crate) fn pass_nat(
    tables: &[Table],
    hook: &str,
    input: &AddrSet,
    p: &Packet<'_>,
) -> Result<Vec<(AddrSet, Verdict, String, String)>, EvalError> {
    let mut left = input.clone();
    let mut out = Vec::new();
    for (t, name, _) in base_chains(tables, hook, HookKind::Nat) {
        let inside = left.intersect(&t.universe);
        if inside.is_empty() {
            continue;
        }
        let o = eval_chain(t, name, &inside, p, 0)?;
        for (set, v, origin) in o.nat {
            left = left.subtract(&set);
            out.push((set, v, origin, format!("{} {name}", t.id)));
        }
    }
    Ok(out)
}

/// Every destination-port set any rule mentions (to cut the port space into segments).
pub(crate) fn port_sets(tables: &[Table]) -> Vec<PortSet> {
    let mut v = Vec::new();
    for t in tables {
        for c in t.chains.values() {
            for r in &c.rules {
                for m in &r.matches {
                    if let Cond::Dport(s) = &m.cond {
                        v.push(s.clone());
                    }
                }
            }
        }
    }
    v
}
