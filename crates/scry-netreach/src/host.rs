//! Linux hosts: which listening services accept new inbound connections from where.
//!
//! [`analyze`] reads either the live host (`/`) or a captured folder with this layout
//! (every file optional unless noted; see `docs/network.md`):
//!
//! | file | content |
//! |---|---|
//! | `proc/net/tcp`, `tcp6`, `udp`, `udp6` | copies of the kernel files (at least one) |
//! | `proc/<pid>/comm`, `proc/<pid>/cmdline`, `proc/<pid>/fd/<n>` | process names; `fd` entries are symlinks to `socket:[INODE]` |
//! | `proc/sys/kernel/hostname` | host name for the findings |
//! | `proc/sys/net/ipv6/bindv6only` | `1` if `[::]` sockets are IPv6-only by default |
//! | `ip-addr.json` | `ip -j addr` (else `proc/net/if_inet6` + `proc/net/fib_trie`) |
//! | `nft.json` | `nft -j list ruleset` |
//! | `iptables-save.txt`, `ip6tables-save.txt` | `iptables-save`, `ip6tables-save` |
//!
//! On the live host the last three come from running the commands (a missing command is
//! skipped).
//!
//! The model: a new connection (ct state `new`) arrives on a non-loopback interface for
//! one of this host's addresses; it passes the `prerouting` filter chains, `prerouting`
//! NAT (REDIRECT, or DNAT to a local address), then the `input` filter chains, then meets
//! the most specific listening socket. Sources are evaluated as sets, so each answer is
//! "these CIDRs", not "this one address".

mod iptables;
mod nft;
mod procnet;
mod rules;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::addr::{AddrSet, segments};
use crate::report::{
    Exposure, Finding, FindingType, Listener, NetworkPath, NetworkReachabilityDetails, PathStep,
    PortRange, Protocol, Recommendation, Remediation, Report, Resource, exposure_of, severity_for,
};
use procnet::{IfAddr, Process, Socket};
use rules::{L4, Packet, Table, Verdict};

/// Why a host could not be analysed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file (or command output) is malformed; the message names it and the reason.
    #[error("{0}")]
    Invalid(String),
    /// No `proc/net/{tcp,tcp6,udp,udp6}` under the root.
    #[error("{0}: no `proc/net/tcp`, `tcp6`, `udp` or `udp6` (is this a capture folder?)")]
    NoSockets(PathBuf),
    /// Evaluating the rule set failed (a jump to a missing chain, a loop).
    #[error("{0}")]
    Eval(String),
}

/// Everything the analysis needs, read from a root.
struct Capture {
    hostname: String,
    sockets: Vec<Socket>,
    owners: BTreeMap<u64, Process>,
    ifaddrs: Vec<IfAddr>,
    tables: Vec<Table>,
    dual_stack: bool,
}

/// Largest file read from a capture (a `/proc/net/tcp` of 1M sockets is ~150 MiB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

fn read_opt(path: &Path) -> Result<Option<String>, Error> {
    use std::io::Read as _;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    let mut b = Vec::new();
    let read = file.take(MAX_FILE_BYTES + 1).read_to_end(&mut b);
    if u64::try_from(b.len()).unwrap_or(u64::MAX) > MAX_FILE_BYTES {
        return Err(Error::Invalid(format!(
            "{}: larger than the {MAX_FILE_BYTES}-byte limit",
            path.display()
        )));
    }
    match read {
        Ok(_) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

fn run(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn inv(e: impl std::fmt::Display) -> Error {
    Error::Invalid(e.to_string())
}

impl Capture {
    fn read(root: &Path) -> Result<Self, Error> {
        let live = root == Path::new("/");
        let mut sockets = Vec::new();
        let mut any = false;
        for (name, proto, v6) in [
            ("tcp", Protocol::Tcp, false),
            ("tcp6", Protocol::Tcp, true),
            ("udp", Protocol::Udp, false),
            ("udp6", Protocol::Udp, true),
        ] {
            let p = root.join("proc/net").join(name);
            if let Some(t) = read_opt(&p)? {
                any = true;
                sockets.extend(
                    procnet::parse_sockets(&p.display().to_string(), &t, proto, v6).map_err(inv)?,
                );
            }
        }
        if !any {
            return Err(Error::NoSockets(root.to_owned()));
        }
        let owners = procnet::socket_owners(root);
        let hostname = read_opt(&root.join("proc/sys/kernel/hostname"))?
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "localhost".to_owned());
        let dual_stack =
            read_opt(&root.join("proc/sys/net/ipv6/bindv6only"))?.is_none_or(|s| s.trim() == "0");

        let (ip_json, nft_json, ipt4, ipt6, leg4, leg6) = if live {
            (
                run("ip", &["-j", "addr"]),
                run("nft", &["-j", "list", "ruleset"]),
                run("iptables-save", &[]),
                run("ip6tables-save", &[]),
                run("iptables-legacy-save", &[]),
                run("ip6tables-legacy-save", &[]),
            )
        } else {
            (
                read_opt(&root.join("ip-addr.json"))?,
                read_opt(&root.join("nft.json"))?,
                read_opt(&root.join("iptables-save.txt"))?,
                read_opt(&root.join("ip6tables-save.txt"))?,
                read_opt(&root.join("iptables-legacy-save.txt"))?,
                read_opt(&root.join("ip6tables-legacy-save.txt"))?,
            )
        };
        let name = |f: &str| {
            if live {
                format!("output of `{f}`")
            } else {
                root.join(f).display().to_string()
            }
        };
        let ifaddrs = if let Some(t) = ip_json {
            procnet::parse_ip_json(&name("ip-addr.json"), &t).map_err(inv)?
        } else {
            let mut v = procnet::parse_if_inet6(
                &read_opt(&root.join("proc/net/if_inet6"))?.unwrap_or_default(),
            );
            v.extend(procnet::parse_fib_trie(
                &read_opt(&root.join("proc/net/fib_trie"))?.unwrap_or_default(),
            ));
            v
        };
        let mut tables = Vec::new();
        let mut skip = BTreeSet::new();
        // Tables printed twice (both commands on a legacy-only system) are harmless:
        // evaluating the same rules twice gives the same answer.
        for (text, v6, file, fam) in [
            (ipt4, false, "iptables-save.txt", "ip"),
            (ipt6, true, "ip6tables-save.txt", "ip6"),
            (leg4, false, "iptables-legacy-save.txt", "ip"),
            (leg6, true, "ip6tables-legacy-save.txt", "ip6"),
        ] {
            let Some(text) = text else { continue };
            let saved = iptables::parse(&name(file), &text, v6).map_err(inv)?;
            if saved.nft_backend {
                for n in &saved.names {
                    skip.insert((fam.to_owned(), n.clone()));
                }
            }
            tables.extend(saved.tables);
        }
        if let Some(t) = nft_json {
            tables.extend(nft::parse(&name("nft.json"), &t, &skip).map_err(inv)?);
        }
        Ok(Self {
            hostname,
            sockets,
            owners,
            ifaddrs,
            tables,
            dual_stack,
        })
    }

    /// The socket a connection to `daddr:port` meets, most specific first.
    fn socket_for(&self, proto: Protocol, daddr: IpAddr, port: u16) -> Option<usize> {
        let cands: Vec<(usize, &Socket)> = self
            .sockets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.proto == proto && s.port == port)
            .collect();
        let mapped = |a: IpAddr| match a {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4),
            IpAddr::V4(_) => None,
        };
        if let Some((i, _)) = cands
            .iter()
            .find(|(_, s)| s.addr == daddr || mapped(s.addr) == Some(daddr))
        {
            return Some(*i);
        }
        if let Some((i, _)) = cands
            .iter()
            .find(|(_, s)| s.addr.is_unspecified() && s.addr.is_ipv4() == daddr.is_ipv4())
        {
            return Some(*i);
        }
        // `[::]` also takes IPv4 when dual-stack, unless an IPv4 socket holds the port
        // (then this one must be IPv6-only, or the bind would have failed).
        if daddr.is_ipv4() && self.dual_stack {
            let has_v4 = cands.iter().any(|(_, s)| s.addr.is_ipv4());
            if !has_v4
                && let Some((i, _)) = cands
                    .iter()
                    .find(|(_, s)| s.addr.is_unspecified() && s.addr.is_ipv6())
            {
                return Some(*i);
            }
        }
        None
    }

    fn listener(&self, i: usize) -> Option<Listener> {
        let s = self.sockets.get(i)?;
        let address = match s.addr {
            IpAddr::V4(a) => format!("{a}:{}", s.port),
            IpAddr::V6(a) => format!("[{a}]:{}", s.port),
        };
        let p = self.owners.get(&s.inode);
        Some(Listener {
            process: p.map_or_else(|| "unknown".to_owned(), |p| p.comm.clone()),
            pid: p.map(|p| p.pid),
            address,
        })
    }
}

/// What reached one (original port range, local port, socket).
#[derive(Default)]
struct Accum {
    /// Per interface: sources that got through.
    per_iface: BTreeMap<String, AddrSet>,
    chains: Vec<String>,
    /// Rule (or policy) → (sources it accepted, whether it names the port).
    accepted_by: BTreeMap<String, (AddrSet, bool)>,
    nat: Option<(String, String)>,
}

type Key = (Protocol, (u16, u16), Option<u16>, Option<usize>);

/// Sources, local port, local address, NAT (rule, chain) that sent them there.
type Piece = (AddrSet, u16, IpAddr, Option<(String, String)>);

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_owned());
    }
}

/// Analyses the live host (`/`) or a captured folder.
///
/// # Errors
/// A file is unreadable or malformed (named in the message), the folder holds no
/// `proc/net` socket table, or the rule set jumps to an undefined chain or loops.
pub fn analyze(root: &Path) -> Result<Report, Error> {
    let cap = Capture::read(root)?;
    let ifaces: Vec<String> = {
        let mut v: Vec<String> = cap
            .ifaddrs
            .iter()
            .filter(|a| a.ifname != "lo" && !a.addr.is_loopback())
            .map(|a| a.ifname.clone())
            .collect();
        v.sort();
        v.dedup();
        if v.is_empty() {
            v.push("*".to_owned());
        }
        v
    };
    let daddrs: Vec<IpAddr> = {
        let mut v: Vec<IpAddr> = cap
            .ifaddrs
            .iter()
            .map(|a| a.addr)
            .filter(|a| !a.is_loopback() && !is_link_local(*a))
            .collect();
        // Sockets bound to a specific address are reachable at it.
        v.extend(
            cap.sockets
                .iter()
                .map(|s| s.addr)
                .filter(|a| !a.is_unspecified() && !a.is_loopback() && !is_link_local(*a)),
        );
        // Nothing known about addresses: one stand-in per family (rules on the
        // destination address are then judged against the wildcard address).
        for fallback in [IpAddr::from([0u8; 4]), IpAddr::from([0u16; 8])] {
            if !v.iter().any(|a| a.is_ipv4() == fallback.is_ipv4()) {
                v.push(fallback);
            }
        }
        v.sort();
        v.dedup();
        v
    };
    let mut port_sets = rules::port_sets(&cap.tables);
    for s in &cap.sockets {
        port_sets.push(crate::addr::ports(s.port, s.port));
    }

    // IPv6 needs neighbour discovery: an interface whose firewall drops neighbour
    // solicitations takes no IPv6 connections.
    let mut nd_ok: BTreeMap<&str, bool> = BTreeMap::new();
    for iface in &ifaces {
        nd_ok.insert(iface, neighbour_discovery_passes(&cap, iface, &daddrs)?);
    }
    let mut acc: BTreeMap<Key, Accum> = BTreeMap::new();
    for proto in [Protocol::Tcp, Protocol::Udp] {
        for (a, b) in segments(port_sets.iter(), 0, 65535) {
            for iface in &ifaces {
                for &daddr in &daddrs {
                    if daddr.is_ipv6() && nd_ok.get(iface.as_str()) == Some(&false) {
                        continue;
                    }
                    evaluate(&cap, proto, (a, b), iface, daddr, &mut acc)?;
                }
            }
        }
    }

    let resource = Resource {
        resource_type: "HOST".to_owned(),
        id: cap.hostname.clone(),
    };
    let mut findings = Vec::new();
    let mut reached: BTreeSet<usize> = BTreeSet::new();
    for ((proto, (a, b), local_port, sock), ac) in &acc {
        let total = ac
            .per_iface
            .values()
            .fold(AddrSet::empty(), |x, y| x.union(y));
        if total.is_empty() {
            continue;
        }
        if sock.is_none()
            && !ac
                .accepted_by
                .values()
                .any(|(s, explicit)| *explicit && !s.is_empty())
        {
            continue; // a port nothing opens explicitly and nothing listens on
        }
        if let Some(i) = sock {
            reached.insert(*i);
        }
        // Group interfaces with the same sources.
        let mut groups: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        let mut sets: BTreeMap<Vec<String>, AddrSet> = BTreeMap::new();
        for (ifn, set) in &ac.per_iface {
            if set.is_empty() {
                continue;
            }
            let key = set.to_cidr_strings();
            groups.entry(key.clone()).or_default().push(ifn.clone());
            sets.insert(key, set.clone());
        }
        for (key, ifs) in groups {
            let set = sets.get(&key).cloned().unwrap_or_default();
            let range = PortRange { begin: *a, end: *b };
            let listener = sock.and_then(|i| cap.listener(i));
            let mut steps = vec![PathStep::new(ifs.join(","), "HOST::NetworkInterface")];
            if let Some((_, chain)) = &ac.nat {
                steps.push(PathStep::new(chain.clone(), chain_type(chain)));
            }
            for c in &ac.chains {
                steps.push(PathStep::new(c.clone(), chain_type(c)));
            }
            if let Some(l) = &listener {
                steps.push(PathStep::new(l.address.clone(), "HOST::Socket"));
                steps.push(PathStep::new(
                    match l.pid {
                        Some(p) => format!("{}[{p}]", l.process),
                        None => l.process.clone(),
                    },
                    "HOST::Process",
                ));
            }
            let ports_word = port_words(range);
            let from = match exposure_of(&set) {
                Exposure::Internet => "the internet".to_owned(),
                _ => format!("private networks ({})", key.join(", ")),
            };
            let redirect = match local_port {
                Some(p) => format!(" (redirected to port {p})"),
                None => String::new(),
            };
            let title = if listener.is_some() {
                format!("{ports_word} is reachable from {from}{redirect} - {proto}")
            } else {
                format!(
                    "{ports_word} is open to {from} in the firewall but nothing listens{redirect} - {proto}"
                )
            };
            let mut text = Vec::new();
            for (origin, (s, _)) in &ac.accepted_by {
                let part = s.intersect(&set);
                if !part.is_empty() {
                    push_unique(&mut text, &format!("{origin} accepts {part}"));
                }
            }
            if let Some((origin, _)) = &ac.nat {
                push_unique(&mut text, &format!("{origin} redirects the port"));
            }
            let rtext = if text.is_empty() {
                "No firewall rule filters this port: add an input rule (nftables or iptables) that accepts only the intended sources, or bind the service to a specific address".to_owned()
            } else if listener.is_some() {
                format!(
                    "Restrict the sources or remove the rule if the service should not be reachable: {}",
                    text.join("; ")
                )
            } else {
                format!(
                    "Nothing listens here: close the port by removing {}",
                    text.join("; ")
                )
            };
            findings.push(Finding {
                finding_type: FindingType::NetworkReachability,
                title,
                severity: severity_for(&set, range, listener.is_none()),
                remediation: Remediation {
                    recommendation: Recommendation { text: rtext },
                },
                resources: vec![resource.clone()],
                network_reachability_details: NetworkReachabilityDetails {
                    open_port_range: range,
                    protocol: *proto,
                    network_path: NetworkPath { steps },
                    reachable_from: key,
                    listener,
                },
            });
        }
    }
    // Listeners no source reaches are still reported.
    let mut seen = BTreeSet::new();
    for (i, s) in cap.sockets.iter().enumerate() {
        if reached.contains(&i) || !seen.insert((s.proto, s.addr, s.port)) {
            continue;
        }
        let Some(listener) = cap.listener(i) else {
            continue;
        };
        let range = PortRange {
            begin: s.port,
            end: s.port,
        };
        let why = if s.addr.is_loopback() {
            "it is bound to a loopback address"
        } else {
            "the firewall accepts no source for it"
        };
        findings.push(Finding {
            finding_type: FindingType::NetworkReachability,
            title: format!(
                "{} has a listener no network source can reach - {}",
                port_words(range),
                s.proto
            ),
            severity: severity_for(&AddrSet::empty(), range, false),
            remediation: Remediation {
                recommendation: Recommendation {
                    text: format!(
                        "Not reachable from the network because {why}; stop the service if it is not needed"
                    ),
                },
            },
            resources: vec![resource.clone()],
            network_reachability_details: NetworkReachabilityDetails {
                open_port_range: range,
                protocol: s.proto,
                network_path: NetworkPath {
                    steps: vec![
                        PathStep::new(listener.address.clone(), "HOST::Socket"),
                        PathStep::new(
                            match listener.pid {
                                Some(p) => format!("{}[{p}]", listener.process),
                                None => listener.process.clone(),
                            },
                            "HOST::Process",
                        ),
                    ],
                },
                reachable_from: Vec::new(),
                listener: Some(listener),
            },
        });
    }
    let mut report = Report { findings };
    report.sort();
    Ok(report)
}

/// Whether a neighbour solicitation from any IPv6 source arriving on `iface` passes the
/// `prerouting` and `input` filter chains.
fn neighbour_discovery_passes(
    cap: &Capture,
    iface: &str,
    daddrs: &[IpAddr],
) -> Result<bool, Error> {
    let ev = |e: rules::EvalError| Error::Eval(e.to_string());
    let Some(&daddr) = daddrs.iter().find(|a| a.is_ipv6()) else {
        return Ok(true);
    };
    let pkt = Packet {
        proto: L4::Icmpv6,
        iif: iface,
        daddr,
        dport: 0,
    };
    let pre =
        rules::pass_filter(&cap.tables, "prerouting", &AddrSet::any_v6(), &pkt).map_err(ev)?;
    let inp = rules::pass_filter(&cap.tables, "input", &pre.passed, &pkt).map_err(ev)?;
    Ok(!inp.passed.is_empty())
}

fn is_link_local(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(v) => v.is_link_local(),
        IpAddr::V6(v) => (v.segments()[0] & 0xffc0) == 0xfe80,
    }
}

fn chain_type(id: &str) -> &'static str {
    if id.starts_with("nft ") {
        "HOST::NftChain"
    } else {
        "HOST::IptablesChain"
    }
}

fn port_words(r: PortRange) -> String {
    if r.begin == r.end {
        format!("Port {}", r.begin)
    } else {
        format!("Ports {}-{}", r.begin, r.end)
    }
}

/// One (protocol, port segment, interface, destination address).
fn evaluate(
    cap: &Capture,
    proto: Protocol,
    (a, b): (u16, u16),
    iface: &str,
    daddr: IpAddr,
    acc: &mut BTreeMap<Key, Accum>,
) -> Result<(), Error> {
    let ev = |e: rules::EvalError| Error::Eval(e.to_string());
    let universe = if daddr.is_ipv4() {
        AddrSet::any_v4()
    } else {
        AddrSet::any_v6()
    };
    let pkt = Packet {
        proto: proto.into(),
        iif: iface,
        daddr,
        dport: a,
    };
    let pre = rules::pass_filter(&cap.tables, "prerouting", &universe, &pkt).map_err(ev)?;
    let nat = rules::pass_nat(&cap.tables, "prerouting", &pre.passed, &pkt).map_err(ev)?;
    let mut pieces: Vec<Piece> = Vec::new();
    let mut rest = pre.passed.clone();
    for (set, verdict, origin, chain) in nat {
        rest = rest.subtract(&set);
        match verdict {
            Verdict::Redirect(port) => {
                pieces.push((set, port.unwrap_or(a), daddr, Some((origin, chain))));
            }
            Verdict::Dnat(addr, port) => {
                let to = addr.unwrap_or(daddr);
                let local = cap.ifaddrs.iter().any(|x| x.addr == to);
                if local {
                    pieces.push((set, port.unwrap_or(a), to, Some((origin, chain))));
                }
                // Otherwise forwarded to another host: not modelled (FORWARD path).
            }
            _ => {}
        }
    }
    pieces.push((rest, a, daddr, None));
    for (srcs, port, to, natinfo) in pieces {
        if srcs.is_empty() {
            continue;
        }
        let pkt2 = Packet {
            proto: proto.into(),
            iif: iface,
            daddr: to,
            dport: port,
        };
        let inp = rules::pass_filter(&cap.tables, "input", &srcs, &pkt2).map_err(ev)?;
        let sock = cap.socket_for(proto, to, port);
        let local_port = natinfo.as_ref().map(|_| port);
        let entry = acc.entry((proto, (a, b), local_port, sock)).or_default();
        let e = entry.per_iface.entry(iface.to_owned()).or_default();
        *e = e.union(&inp.passed);
        for c in pre.chains.iter().chain(inp.chains.iter()) {
            push_unique(&mut entry.chains, c);
        }
        for (origin, set, explicit) in inp.accepted_by {
            let e = entry
                .accepted_by
                .entry(origin)
                .or_insert_with(|| (AddrSet::empty(), false));
            e.0 = e.0.union(&set);
            e.1 |= explicit;
        }
        if natinfo.is_some() {
            entry.nat = natinfo;
        }
    }
    Ok(())
}
