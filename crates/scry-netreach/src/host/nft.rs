//! `nft -j list ruleset` JSON into [`Table`]s.
//!
//! Expressions are read from `serde_json::Value`: the schema nests a dozen shapes
//! (payload, meta, ct, prefix, range, set, `@named` sets, verdict maps) and only a few
//! fields of each matter here.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ipnet::IpNet;
use serde_json::Value;

use super::rules::{Chain, Cond, Hook, HookKind, L4, Match, Rule, Table, Verdict};
use crate::addr::{AddrSet, PortSet, Ranges, ports};

#[derive(Debug, thiserror::Error)]
pub(crate) enum NftError {
    #[error("{file}: not nft JSON: {source}")]
    Json {
        file: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{file}: expected a top-level object with an `nftables` array")]
    Shape { file: String },
}

/// Loads the tables; `skip` lists `(family, table)` pairs owned by `iptables-save` text.
pub(crate) fn parse(
    file: &str,
    text: &str,
    skip: &BTreeSet<(String, String)>,
) -> Result<Vec<Table>, NftError> {
    let v: Value = serde_json::from_str(text).map_err(|source| NftError::Json {
        file: file.to_owned(),
        source,
    })?;
    let items = v
        .get("nftables")
        .and_then(Value::as_array)
        .ok_or_else(|| NftError::Shape {
            file: file.to_owned(),
        })?;
    let key = |o: &Value| {
        (
            str_of(o.get("family")).to_owned(),
            str_of(o.get("table")).to_owned(),
        )
    };
    // Named sets and maps: (family, table, name) -> elements.
    let mut sets: BTreeMap<(String, String, String), Vec<Value>> = BTreeMap::new();
    for it in items {
        for kind in ["set", "map"] {
            if let Some(s) = it.get(kind) {
                let (f, t) = key(s);
                let elems = s
                    .get("elem")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                sets.insert((f, t, str_of(s.get("name")).to_owned()), elems);
            }
        }
    }
    let mut tables: BTreeMap<(String, String), Table> = BTreeMap::new();
    for it in items {
        if let Some(t) = it.get("table") {
            let family = str_of(t.get("family")).to_owned();
            let name = str_of(t.get("name")).to_owned();
            let universe = match family.as_str() {
                "ip" => AddrSet::any_v4(),
                "ip6" => AddrSet::any_v6(),
                "inet" => AddrSet::any(),
                _ => continue, // arp, bridge, netdev: not on the IP input path
            };
            if skip.contains(&(family.clone(), name.clone())) {
                continue;
            }
            tables.insert(
                (family.clone(), name.clone()),
                Table {
                    id: format!("nft {family} {name}"),
                    universe,
                    chains: BTreeMap::new(),
                },
            );
        }
    }
    for it in items {
        if let Some(c) = it.get("chain") {
            let Some(t) = tables.get_mut(&(
                str_of(c.get("family")).to_owned(),
                str_of(c.get("table")).to_owned(),
            )) else {
                continue;
            };
            let hook = c.get("hook").and_then(Value::as_str).and_then(|h| {
                let kind = match str_of(c.get("type")) {
                    "nat" => HookKind::Nat,
                    "filter" => HookKind::Filter,
                    _ => return None, // route chains
                };
                Some(Hook {
                    hook: h.to_owned(),
                    kind,
                    priority: prio(c.get("prio")),
                    policy_accept: str_of(c.get("policy")) != "drop",
                })
            });
            t.chains.insert(
                str_of(c.get("name")).to_owned(),
                Chain {
                    hook,
                    rules: Vec::new(),
                },
            );
        }
    }
    for it in items {
        let Some(r) = it.get("rule") else { continue };
        let (family, tname) = key(r);
        let ctx = Ctx {
            family: &family,
            table: &tname,
            sets: &sets,
        };
        let Some(t) = tables.get_mut(&(family.clone(), tname.clone())) else {
            continue;
        };
        let chain = str_of(r.get("chain")).to_owned();
        let origin = format!(
            "nft table {family} {tname} chain {chain} rule handle {}",
            r.get("handle")
                .map_or_else(|| "?".to_owned(), ToString::to_string)
        );
        let exprs = r
            .get("expr")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let rules = ctx.rule(&exprs, &origin);
        if let Some(c) = t.chains.get_mut(&chain) {
            c.rules.extend(rules);
        }
    }
    Ok(tables.into_values().collect())
}

fn str_of(v: Option<&Value>) -> &str {
    v.and_then(Value::as_str).unwrap_or("")
}

fn prio(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => match s.as_str() {
            "raw" => -300,
            "mangle" => -150,
            "dstnat" => -100,
            "security" => 50,
            "srcnat" => 100,
            _ => 0,
        },
        _ => 0,
    }
}

struct Ctx<'a> {
    family: &'a str,
    table: &'a str,
    sets: &'a BTreeMap<(String, String, String), Vec<Value>>,
}

/// A value on the right-hand side, flattened to a list of atoms.
fn atoms<'v>(ctx: &'v Ctx<'_>, v: &'v Value, out: &mut Vec<&'v Value>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| atoms(ctx, x, out)),
        Value::Object(o) if o.contains_key("set") => {
            if let Some(x) = o.get("set") {
                atoms(ctx, x, out);
            }
        }
        Value::Object(o) if o.contains_key("elem") => {
            if let Some(x) = o.get("elem").and_then(|e| e.get("val")) {
                atoms(ctx, x, out);
            }
        }
        Value::String(s) if s.starts_with('@') => {
            let k = (
                ctx.family.to_owned(),
                ctx.table.to_owned(),
                s[1..].to_owned(),
            );
            if let Some(elems) = ctx.sets.get(&k) {
                elems.iter().for_each(|x| atoms(ctx, x, out));
            }
        }
        _ => out.push(v),
    }
}

fn addr_atom(v: &Value) -> Option<AddrSet> {
    match v {
        Value::String(s) => {
            if let Ok(ip) = s.parse::<IpAddr>() {
                Some(AddrSet::ip(ip))
            } else {
                s.parse::<IpNet>().ok().map(AddrSet::net)
            }
        }
        Value::Object(o) => {
            if let Some(p) = o.get("prefix") {
                let ip: IpAddr = p.get("addr")?.as_str()?.parse().ok()?;
                let len = u8::try_from(p.get("len")?.as_u64()?).ok()?;
                IpNet::new(ip, len).ok().map(|n| AddrSet::net(n.trunc()))
            } else if let Some(r) = o.get("range").and_then(Value::as_array) {
                let a: IpAddr = r.first()?.as_str()?.parse().ok()?;
                let b: IpAddr = r.get(1)?.as_str()?.parse().ok()?;
                Some(AddrSet::range(a, b))
            } else {
                None
            }
        }
        _ => None,
    }
}

fn port_atom(v: &Value) -> Option<PortSet> {
    match v {
        Value::Number(n) => {
            let p = u16::try_from(n.as_u64()?).ok()?;
            Some(ports(p, p))
        }
        Value::String(s) => {
            let p = service_port(s)?;
            Some(ports(p, p))
        }
        Value::Object(o) => {
            let r = o.get("range")?.as_array()?;
            let a = port_atom(r.first()?)?;
            let b = port_atom(r.get(1)?)?;
            let a = a.intervals().first()?.0;
            let b = b.intervals().first()?.1;
            Some(Ranges::single(a, b))
        }
        _ => None,
    }
}

/// The few service names `nft` prints instead of numbers (it does not by default).
fn service_port(s: &str) -> Option<u16> {
    Some(match s {
        "ssh" => 22,
        "http" => 80,
        "https" => 443,
        "domain" => 53,
        "telnet" => 23,
        "smtp" => 25,
        _ => return s.parse().ok(),
    })
}

fn proto_atom(v: &Value) -> Option<Vec<L4>> {
    match v {
        Value::String(s) => Some(match s.as_str() {
            "tcp" => vec![L4::Tcp],
            "udp" => vec![L4::Udp],
            "ipv6-icmp" | "icmpv6" => vec![L4::Icmpv6],
            _ => vec![],
        }),
        Value::Number(n) => Some(match n.as_u64() {
            Some(6) => vec![L4::Tcp],
            Some(17) => vec![L4::Udp],
            Some(58) => vec![L4::Icmpv6],
            _ => vec![],
        }),
        _ => None,
    }
}

impl Ctx<'_> {
    fn universe_of(proto: &str) -> AddrSet {
        match proto {
            "ip" => AddrSet::any_v4(),
            "ip6" => AddrSet::any_v6(),
            _ => AddrSet::any(),
        }
    }

    /// A `match` expression into a condition (with its negation flag).
    fn cond(&self, m: &Value) -> Vec<Match> {
        let op = str_of(m.get("op"));
        let negated = op == "!=";
        let left = m.get("left").unwrap_or(&Value::Null);
        let right = m.get("right").unwrap_or(&Value::Null);
        let mut list = Vec::new();
        atoms(self, right, &mut list);
        let unknown = |what: String| vec![Match::new(Cond::Unknown(what), negated)];
        if let Some(p) = left.get("payload") {
            let proto = str_of(p.get("protocol"));
            let field = str_of(p.get("field"));
            match (proto, field) {
                ("ip" | "ip6", "saddr" | "daddr") => {
                    let mut set = AddrSet::empty();
                    for a in &list {
                        match addr_atom(a) {
                            Some(s) => set = set.union(&s),
                            None => return unknown(format!("{proto} {field} {right}")),
                        }
                    }
                    let universe = Self::universe_of(proto);
                    let c = if field == "saddr" {
                        Cond::Saddr { set, universe }
                    } else {
                        Cond::Daddr { set, universe }
                    };
                    return vec![Match::new(c, negated)];
                }
                ("tcp" | "udp" | "th", "dport" | "sport") => {
                    let set = match op {
                        "<" | "<=" | ">" | ">=" => {
                            let Some(n) = right.as_u64().and_then(|n| u16::try_from(n).ok()) else {
                                return unknown(format!("{proto} {field} {op} {right}"));
                            };
                            match op {
                                "<" if n > 0 => ports(0, n - 1),
                                "<=" => ports(0, n),
                                ">" if n < 65535 => ports(n + 1, 65535),
                                ">=" => ports(n, 65535),
                                _ => Ranges::empty(),
                            }
                        }
                        _ => {
                            let mut set = Ranges::empty();
                            for a in &list {
                                match port_atom(a) {
                                    Some(s) => set = set.union(&s),
                                    None => {
                                        return unknown(format!("{proto} {field} {right}"));
                                    }
                                }
                            }
                            set
                        }
                    };
                    let mut out = Vec::new();
                    match proto {
                        "tcp" => out.push(Match::new(Cond::Proto(vec![L4::Tcp]), false)),
                        "udp" => out.push(Match::new(Cond::Proto(vec![L4::Udp]), false)),
                        _ => {}
                    }
                    let c = if field == "dport" {
                        Cond::Dport(set)
                    } else {
                        Cond::Sport(set)
                    };
                    out.push(Match::new(c, negated));
                    return out;
                }
                ("icmpv6", "type") => {
                    let nd = list.iter().any(|a| {
                        a.as_str() == Some("nd-neighbor-solicit") || a.as_u64() == Some(135)
                    });
                    return vec![
                        Match::new(Cond::Proto(vec![L4::Icmpv6]), false),
                        Match::new(Cond::NdSolicit(nd), negated),
                    ];
                }
                ("ip", "protocol") | ("ip6", "nexthdr") => {
                    return self.proto_cond(&list, negated, right);
                }
                _ => return unknown(format!("{proto} {field}")),
            }
        }
        if let Some(meta) = left.get("meta") {
            let k = str_of(meta.get("key"));
            return match k {
                "l4proto" => self.proto_cond(&list, negated, right),
                "nfproto" | "protocol" => {
                    let mut u = AddrSet::empty();
                    for a in &list {
                        match a.as_str() {
                            Some("ipv4" | "ip") => u = u.union(&AddrSet::any_v4()),
                            Some("ipv6" | "ip6") => u = u.union(&AddrSet::any_v6()),
                            _ => {}
                        }
                    }
                    vec![Match::new(Cond::Family(u), negated)]
                }
                "iifname" | "iif" | "oifname" | "oif" => {
                    let names: Vec<String> = list
                        .iter()
                        .filter_map(|a| a.as_str().map(str::to_owned))
                        .collect();
                    if names.len() != list.len() {
                        return unknown(format!("meta {k} {right}"));
                    }
                    let c = if k.starts_with('i') {
                        Cond::Iif(names)
                    } else {
                        Cond::Oif(names)
                    };
                    vec![Match::new(c, negated)]
                }
                "pkttype" => {
                    // New unicast connections are pkttype host.
                    let host = list.iter().any(|a| a.as_str() == Some("host"));
                    vec![Match::new(
                        if host {
                            Cond::True
                        } else {
                            Cond::Proto(vec![])
                        },
                        negated,
                    )]
                }
                _ => unknown(format!("meta {k}")),
            };
        }
        if let Some(ct) = left.get("ct") {
            let k = str_of(ct.get("key"));
            if k == "state" {
                let states: Vec<String> = list
                    .iter()
                    .filter_map(|a| a.as_str().map(str::to_owned))
                    .collect();
                return vec![Match::new(Cond::CtState(states), negated)];
            }
            if k == "status" {
                // dnat/snat status: a new connection has none unless a NAT rule hit it.
                return unknown(format!("ct status {right}"));
            }
            return unknown(format!("ct {k}"));
        }
        if let Some(f) = left.get("fib") {
            let result = str_of(f.get("result"));
            let flags = f.get("flags").map(ToString::to_string).unwrap_or_default();
            if result == "type" && flags.contains("daddr") {
                let local = list.iter().any(|a| a.as_str() == Some("local"));
                return vec![Match::new(
                    if local {
                        Cond::DstLocal
                    } else {
                        Cond::Proto(vec![])
                    },
                    negated,
                )];
            }
            return unknown(format!("fib {result}"));
        }
        unknown(left.to_string())
    }

    fn proto_cond(&self, list: &[&Value], negated: bool, right: &Value) -> Vec<Match> {
        let mut ps = Vec::new();
        for a in list {
            match proto_atom(a) {
                Some(p) => ps.extend(p),
                None => return vec![Match::new(Cond::Unknown(right.to_string()), negated)],
            }
        }
        let _ = self;
        vec![Match::new(Cond::Proto(ps), negated)]
    }

    fn verdict(v: &Value) -> Option<Verdict> {
        let o = v.as_object()?;
        let (k, body) = o.iter().next()?;
        Some(match k.as_str() {
            "accept" | "queue" => Verdict::Accept,
            "drop" => Verdict::Drop,
            "reject" => Verdict::Reject,
            "return" => Verdict::Return,
            "jump" => Verdict::Jump(str_of(body.get("target")).to_owned()),
            "goto" => Verdict::Goto(str_of(body.get("target")).to_owned()),
            "redirect" => Verdict::Redirect(
                body.get("port")
                    .and_then(Value::as_u64)
                    .and_then(|p| u16::try_from(p).ok()),
            ),
            "dnat" => Verdict::Dnat(
                body.get("addr")
                    .and_then(Value::as_str)
                    .and_then(|a| a.parse().ok()),
                body.get("port")
                    .and_then(Value::as_u64)
                    .and_then(|p| u16::try_from(p).ok()),
            ),
            _ => return None,
        })
    }

    /// One nft rule into one or more model rules (a verdict map becomes one per key).
    fn rule(&self, exprs: &[Value], origin: &str) -> Vec<Rule> {
        let mut matches = Vec::new();
        for e in exprs {
            if let Some(m) = e.get("match") {
                matches.extend(self.cond(m));
            } else if let Some(vm) = e.get("vmap") {
                let key = vm.get("key").cloned().unwrap_or(Value::Null);
                let mut pairs: Vec<Value> = Vec::new();
                let data = vm.get("data").unwrap_or(&Value::Null);
                if let Some(s) = data.as_str().and_then(|s| s.strip_prefix('@')) {
                    if let Some(el) = self.sets.get(&(
                        self.family.to_owned(),
                        self.table.to_owned(),
                        s.to_owned(),
                    )) {
                        pairs.extend(el.iter().cloned());
                    }
                } else if let Some(a) = data.get("set").and_then(Value::as_array) {
                    pairs.extend(a.iter().cloned());
                }
                let mut out = Vec::new();
                for pair in pairs {
                    let (Some(k), Some(v)) = (pair.get(0), pair.get(1)) else {
                        continue;
                    };
                    let Some(verdict) = Self::verdict(v) else {
                        continue;
                    };
                    let m = serde_json::json!({"op": "==", "left": key, "right": k});
                    let mut ms = matches.clone();
                    ms.extend(self.cond(&m));
                    out.push(Rule {
                        matches: ms,
                        verdict,
                        origin: origin.to_owned(),
                    });
                }
                return out;
            } else if let Some(v) = Self::verdict(e) {
                return vec![Rule {
                    matches,
                    verdict: v,
                    origin: origin.to_owned(),
                }];
            } else if let Some(xt) = e.get("xt") {
                let what = format!("xt {}", str_of(xt.get("name")));
                if str_of(xt.get("type")) == "target" {
                    return vec![Rule {
                        matches,
                        verdict: Verdict::Continue,
                        origin: origin.to_owned(),
                    }];
                }
                matches.push(Match::new(Cond::Unknown(what), false));
            }
            // counter, log, limit, meta set, ...: statements without a verdict.
        }
        vec![Rule {
            matches,
            verdict: Verdict::Continue,
            origin: origin.to_owned(),
        }]
    }
}
