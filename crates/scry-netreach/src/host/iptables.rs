//! `iptables-save` / `ip6tables-save` text into [`Table`]s (legacy and nft backends print
//! the same format).

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use super::rules::{Chain, Cond, Hook, HookKind, L4, Match, Rule, Table, Verdict};
use crate::addr::{AddrSet, PortSet, Ranges, ports};

#[derive(Debug, thiserror::Error)]
pub(crate) enum IptError {
    #[error("{file}: line {line}: {reason}")]
    Syntax {
        file: String,
        line: usize,
        reason: String,
    },
}

/// What the save file says about itself.
pub(crate) struct Saved {
    pub(crate) tables: Vec<Table>,
    /// Printed by the `nf_tables` backend (its rules also show up in `nft` JSON).
    pub(crate) nft_backend: bool,
    /// Table names present (`filter`, `nat`, ...).
    pub(crate) names: Vec<String>,
}

/// Splits a line like a shell would (double quotes, backslash escapes).
fn tokens(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_tok = false;
    let mut quote = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    in_tok = true;
                }
            }
            '"' => {
                quote = !quote;
                in_tok = true;
            }
            c if c.is_whitespace() && !quote => {
                if in_tok {
                    out.push(std::mem::take(&mut cur));
                    in_tok = false;
                }
            }
            c => {
                cur.push(c);
                in_tok = true;
            }
        }
    }
    if quote {
        return Err("unterminated quote".to_owned());
    }
    if in_tok {
        out.push(cur);
    }
    Ok(out)
}

fn parse_port(s: &str) -> Option<u16> {
    match s {
        "ssh" => Some(22),
        "http" => Some(80),
        "https" => Some(443),
        "domain" => Some(53),
        _ => s.parse().ok(),
    }
}

/// `22`, `1000:2000`, `:1024`, `1024:`.
fn port_range(s: &str) -> Option<PortSet> {
    if let Some((a, b)) = s.split_once(':') {
        let a = if a.is_empty() { 0 } else { parse_port(a)? };
        let b = if b.is_empty() { 65535 } else { parse_port(b)? };
        Some(Ranges::single(u128::from(a), u128::from(b)))
    } else {
        let p = parse_port(s)?;
        Some(ports(p, p))
    }
}

fn port_list(s: &str) -> Option<PortSet> {
    s.split(',')
        .try_fold(Ranges::empty(), |acc, x| Some(acc.union(&port_range(x)?)))
}

fn addr_list(s: &str) -> Option<AddrSet> {
    s.split(',').try_fold(AddrSet::empty(), |acc, x| {
        let one = if let Ok(ip) = x.parse::<IpAddr>() {
            AddrSet::ip(ip)
        } else {
            AddrSet::net(x.parse::<IpNet>().ok()?.trunc())
        };
        Some(acc.union(&one))
    })
}

/// Parses one save file; `v6` for `ip6tables-save`.
pub(crate) fn parse(file: &str, text: &str, v6: bool) -> Result<Saved, IptError> {
    let universe = if v6 {
        AddrSet::any_v6()
    } else {
        AddrSet::any_v4()
    };
    let cmd = if v6 { "ip6tables" } else { "iptables" };
    let err = |line: usize, reason: String| IptError::Syntax {
        file: file.to_owned(),
        line,
        reason,
    };
    let mut saved = Saved {
        tables: Vec::new(),
        nft_backend: false,
        names: Vec::new(),
    };
    let mut cur: Option<(String, BTreeMap<String, Chain>)> = None;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut incompatible: Vec<String> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('#') {
            if line.contains("(nf_tables)") {
                saved.nft_backend = true;
            }
            // iptables-nft prints an empty stand-in for a table created by `nft` itself:
            // "# Table `nat' contains incompatible base-chains, use 'nft' tool to list them."
            if let Some(rest) = line.strip_prefix("# Table `")
                && let Some((name, _)) = rest.split_once('\'')
                && rest.contains("incompatible")
            {
                incompatible.push(name.to_owned());
            }
            continue;
        }
        if let Some(name) = line.strip_prefix('*') {
            cur = Some((name.trim().to_owned(), BTreeMap::new()));
            counts.clear();
            continue;
        }
        if line == "COMMIT" {
            let Some((name, chains)) = cur.take() else {
                return Err(err(n, "`COMMIT` outside a table".to_owned()));
            };
            if incompatible.contains(&name) {
                continue; // the real table is in the nft JSON
            }
            saved.names.push(name.clone());
            let mut chains = chains;
            let known: Vec<String> = chains.keys().cloned().collect();
            for c in chains.values_mut() {
                for r in &mut c.rules {
                    // Extension targets (TPROXY, SET, ...) are not chains: no verdict.
                    if let Verdict::Jump(x) | Verdict::Goto(x) = &r.verdict
                        && !known.contains(x)
                    {
                        r.verdict = Verdict::Continue;
                    }
                }
            }
            saved.tables.push(Table {
                id: format!("{cmd} -t {name}"),
                universe: universe.clone(),
                chains,
            });
            continue;
        }
        let Some((tname, chains)) = cur.as_mut() else {
            return Err(err(n, format!("`{line}` before any `*table` line")));
        };
        if let Some(rest) = line.strip_prefix(':') {
            let mut it = rest.split_whitespace();
            let name = it.next().unwrap_or_default().to_owned();
            let policy = it.next().unwrap_or("-");
            let hook = builtin_hook(tname, &name, policy);
            chains.insert(
                name,
                Chain {
                    hook,
                    rules: Vec::new(),
                },
            );
            continue;
        }
        let toks = tokens(line).map_err(|r| err(n, r))?;
        if toks.first().map(String::as_str) != Some("-A") {
            return Err(err(n, format!("expected `-A CHAIN ...`, found `{line}`")));
        }
        let chain = toks
            .get(1)
            .ok_or_else(|| err(n, "`-A` without a chain".to_owned()))?
            .clone();
        let k = counts.entry(chain.clone()).or_insert(0);
        *k += 1;
        let origin = format!("{cmd} -t {tname} chain {chain} rule {k} (`{line}`)");
        let rule = parse_rule(&toks[2..], origin, &universe).map_err(|r| err(n, r))?;
        match chains.get_mut(&chain) {
            Some(c) => c.rules.push(rule),
            None => {
                return Err(err(
                    n,
                    format!("rule for chain `{chain}`, which has no `:{chain}` line"),
                ));
            }
        }
    }
    if let Some((name, _)) = cur {
        return Err(err(
            text.lines().count(),
            format!("table `{name}` has no `COMMIT`"),
        ));
    }
    Ok(saved)
}

fn builtin_hook(table: &str, chain: &str, policy: &str) -> Option<Hook> {
    let (hook, kind, priority) = match (table, chain) {
        ("raw", "PREROUTING") => ("prerouting", HookKind::Filter, -300),
        ("mangle", "PREROUTING") => ("prerouting", HookKind::Filter, -150),
        ("nat", "PREROUTING") => ("prerouting", HookKind::Nat, -100),
        ("mangle", "INPUT") => ("input", HookKind::Filter, -150),
        ("filter", "INPUT") => ("input", HookKind::Filter, 0),
        ("security", "INPUT") => ("input", HookKind::Filter, 50),
        _ => return None,
    };
    Some(Hook {
        hook: hook.to_owned(),
        kind,
        priority,
        policy_accept: policy != "DROP",
    })
}

fn parse_rule(t: &[String], origin: String, universe: &AddrSet) -> Result<Rule, String> {
    let mut matches = Vec::new();
    let mut verdict = Verdict::Continue;
    let mut target: Option<String> = None;
    let mut to_ports: Option<u16> = None;
    let mut to_dest: Option<(Option<IpAddr>, Option<u16>)> = None;
    let mut negate = false;
    let mut i = 0;
    let arg = |i: usize| -> Result<&str, String> {
        t.get(i + 1)
            .map(String::as_str)
            .ok_or_else(|| format!("`{}` needs an argument", t[i]))
    };
    while i < t.len() {
        let opt = t[i].as_str();
        if opt == "!" {
            negate = true;
            i += 1;
            continue;
        }
        let neg = std::mem::take(&mut negate);
        let mut push = |c: Cond| matches.push(Match::new(c, neg));
        let bad = |what: &str, v: &str| format!("bad {what} `{v}`");
        match opt {
            "-p" | "--protocol" => {
                let v = arg(i)?;
                let ps = match v {
                    "tcp" | "6" => vec![L4::Tcp],
                    "udp" | "17" => vec![L4::Udp],
                    "ipv6-icmp" | "icmpv6" | "58" => vec![L4::Icmpv6],
                    "all" | "0" => vec![L4::Tcp, L4::Udp, L4::Icmpv6],
                    _ => vec![],
                };
                push(Cond::Proto(ps));
                i += 2;
            }
            "-s" | "--source" | "--src" | "-d" | "--destination" | "--dst" => {
                let v = arg(i)?;
                let set = addr_list(v).ok_or_else(|| bad("address", v))?;
                let universe = universe.clone();
                push(if opt.starts_with("-s") || opt.starts_with("--s") {
                    Cond::Saddr { set, universe }
                } else {
                    Cond::Daddr { set, universe }
                });
                i += 2;
            }
            "-i" | "--in-interface" => {
                push(Cond::Iif(vec![arg(i)?.to_owned()]));
                i += 2;
            }
            "-o" | "--out-interface" => {
                push(Cond::Oif(vec![arg(i)?.to_owned()]));
                i += 2;
            }
            "--dport" | "--destination-port" | "--dports" | "--destination-ports" | "--ports" => {
                let v = arg(i)?;
                push(Cond::Dport(port_list(v).ok_or_else(|| bad("port", v))?));
                i += 2;
            }
            "--sport" | "--source-port" | "--sports" | "--source-ports" => {
                let v = arg(i)?;
                push(Cond::Sport(port_list(v).ok_or_else(|| bad("port", v))?));
                i += 2;
            }
            "--state" | "--ctstate" => {
                let v = arg(i)?;
                push(Cond::CtState(v.split(',').map(str::to_owned).collect()));
                i += 2;
            }
            "--icmpv6-type" => {
                let v = arg(i)?;
                let nd = matches!(
                    v,
                    "neighbour-solicitation" | "neighbor-solicitation" | "135" | "135/0"
                );
                push(Cond::NdSolicit(nd));
                i += 2;
            }
            "--syn" => {
                push(Cond::True);
                i += 1;
            }
            "--src-range" | "--dst-range" => {
                let v = arg(i)?;
                let (a, b) = v.split_once('-').ok_or_else(|| bad("range", v))?;
                let a: IpAddr = a.parse().map_err(|_| bad("range", v))?;
                let b: IpAddr = b.parse().map_err(|_| bad("range", v))?;
                let set = AddrSet::range(a, b);
                let universe = universe.clone();
                push(if opt == "--src-range" {
                    Cond::Saddr { set, universe }
                } else {
                    Cond::Daddr { set, universe }
                });
                i += 2;
            }
            "--dst-type" => {
                let v = arg(i)?;
                push(if v == "LOCAL" {
                    Cond::DstLocal
                } else {
                    Cond::Unknown(format!("--dst-type {v}"))
                });
                i += 2;
            }
            "-m" | "--match" | "--comment" | "--reject-with" | "--limit" | "--limit-burst"
            | "--log-prefix" | "--log-level" | "--set-mark" | "--set-xmark" => {
                arg(i)?;
                i += 2;
            }
            "-j" | "--jump" | "-g" | "--goto" => {
                let v = arg(i)?.to_owned();
                if opt == "-g" || opt == "--goto" {
                    verdict = Verdict::Goto(v.clone());
                }
                target = Some(v);
                i += 2;
            }
            "--to-ports" | "--to-port" => {
                let v = arg(i)?;
                let first = v.split(['-', ':']).next().unwrap_or(v);
                to_ports = Some(first.parse().map_err(|_| bad("port", v))?);
                i += 2;
            }
            "--to-destination" => {
                let v = arg(i)?;
                to_dest = Some(parse_dest(v).ok_or_else(|| bad("destination", v))?);
                i += 2;
            }
            _ if opt.starts_with('-') => {
                // Unknown option with its arguments (up to the next option).
                let mut j = i + 1;
                let mut args = Vec::new();
                while j < t.len() && !t[j].starts_with('-') && t[j] != "!" {
                    args.push(t[j].clone());
                    j += 1;
                }
                push(Cond::Unknown(format!("{opt} {}", args.join(" "))));
                i = j;
            }
            _ => return Err(format!("unexpected `{opt}`")),
        }
    }
    if let (Some(tg), Verdict::Continue) = (target, &verdict) {
        verdict = match tg.as_str() {
            "ACCEPT" => Verdict::Accept,
            "DROP" => Verdict::Drop,
            "REJECT" => Verdict::Reject,
            "RETURN" => Verdict::Return,
            "REDIRECT" => Verdict::Redirect(to_ports),
            "DNAT" => {
                let (a, p) = to_dest.unwrap_or((None, None));
                Verdict::Dnat(a, p)
            }
            "LOG" | "MARK" | "CONNMARK" | "MASQUERADE" | "SNAT" | "CT" | "NOTRACK" | "TCPMSS"
            | "CHECKSUM" | "NFLOG" | "AUDIT" => Verdict::Continue,
            "NFQUEUE" | "QUEUE" => Verdict::Accept,
            c => Verdict::Jump(c.to_owned()),
        };
    }
    Ok(Rule {
        matches,
        verdict,
        origin,
    })
}

/// `10.0.0.1`, `10.0.0.1:8080`, `[fd00::1]:8080`, `:8080`.
fn parse_dest(v: &str) -> Option<(Option<IpAddr>, Option<u16>)> {
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Some((Some(ip), None));
    }
    if let Some(rest) = v.strip_prefix('[') {
        let (a, p) = rest.split_once("]:")?;
        let p = p.split('-').next()?;
        return Some((Some(a.parse().ok()?), Some(p.parse().ok()?)));
    }
    let (a, p) = v.rsplit_once(':')?;
    let p = p.split('-').next()?;
    let a = if a.is_empty() {
        None
    } else {
        Some(a.split('-').next()?.parse().ok()?)
    };
    Some((a, Some(p.parse().ok()?)))
}
