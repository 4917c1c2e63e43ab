//! Real hosts: each rule set gets three network namespaces — the target `T` and two
//! clients `A` and `B`, joined by veth pairs:
//!
//! ```text
//!   A: at 10.0.1.2/24 fd00:1::2/64  <->  T: ta 10.0.1.1/24 fd00:1::1/64
//!   B: bt 10.0.2.2/24 fd00:2::2/64  <->  T: tb 10.0.2.1/24 fd00:2::1/64
//! ```
//!
//! The rule set is loaded in `T`, listeners (this binary's `helper::listen`) start in
//! `T`, the analysis runs inside `T` (live, via `helper::analyze`) and on a folder
//! captured from `T`, and then every listener port and every port the rules name is
//! tried from `A` and `B` over IPv4 and IPv6 (TCP connect; UDP echo). The oracle:
//! a connection succeeds exactly when the report has a finding with a listener whose
//! first path step names the client's interface and whose `reachableFrom` holds the
//! client's address; a port reported "open in the firewall but nothing listens" must
//! answer TCP with a reset (the firewall let the SYN through).
//!
//! Skips (with a printed reason) only when not root or `ip netns` does not work.

use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use ipnet::IpNet;
use scry_netreach::{Exposure, Protocol, Report};

static CHECKS: AtomicUsize = AtomicUsize::new(0);
static RULE_SETS: AtomicUsize = AtomicUsize::new(0);

fn sh(args: &[&str]) -> Result<String, String> {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .map_err(|e| format!("{}: {e}", args.join(" ")))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`{}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Why these tests cannot run here, if they cannot (checked once per process).
fn skip_reason() -> Option<String> {
    static REASON: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    REASON.get_or_init(check_skip).clone()
}

fn check_skip() -> Option<String> {
    match sh(&["id", "-u"]) {
        Ok(u) if u.trim() == "0" => {}
        Ok(_) => return Some("not root".to_owned()),
        Err(e) => return Some(e),
    }
    let name = format!("snrprobe{}", std::process::id());
    let r = sh(&["ip", "netns", "add", &name]);
    let _ = sh(&["ip", "netns", "del", &name]);
    r.err().map(|e| format!("`ip netns` unavailable: {e}"))
}

/// Three namespaces, deleted (and the listener killed) on drop, even on panic.
struct Lab {
    t: String,
    a: String,
    b: String,
    listener: Option<Child>,
    dir: tempfile::TempDir,
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(c) = &mut self.listener {
            let _ = c.kill();
            let _ = c.wait();
        }
        for ns in [&self.t, &self.a, &self.b] {
            let _ = sh(&["ip", "netns", "del", ns]);
        }
    }
}

impl Lab {
    fn new(tag: &str) -> Self {
        let p = std::process::id();
        let lab = Self {
            t: format!("snr{p}{tag}t"),
            a: format!("snr{p}{tag}a"),
            b: format!("snr{p}{tag}b"),
            listener: None,
            dir: tempfile::tempdir().expect("tempdir"),
        };
        let (t, a, b) = (lab.t.as_str(), lab.a.as_str(), lab.b.as_str());
        let cmds: Vec<Vec<&str>> = vec![
            vec!["ip", "netns", "add", t],
            vec!["ip", "netns", "add", a],
            vec!["ip", "netns", "add", b],
            vec!["ip", "-n", t, "link", "set", "lo", "up"],
            vec!["ip", "-n", a, "link", "set", "lo", "up"],
            vec!["ip", "-n", b, "link", "set", "lo", "up"],
            vec![
                "ip", "-n", t, "link", "add", "ta", "type", "veth", "peer", "name", "at", "netns",
                a,
            ],
            vec![
                "ip", "-n", t, "link", "add", "tb", "type", "veth", "peer", "name", "bt", "netns",
                b,
            ],
            vec!["ip", "-n", t, "addr", "add", "10.0.1.1/24", "dev", "ta"],
            vec![
                "ip",
                "-n",
                t,
                "addr",
                "add",
                "fd00:1::1/64",
                "dev",
                "ta",
                "nodad",
            ],
            vec!["ip", "-n", t, "addr", "add", "10.0.2.1/24", "dev", "tb"],
            vec![
                "ip",
                "-n",
                t,
                "addr",
                "add",
                "fd00:2::1/64",
                "dev",
                "tb",
                "nodad",
            ],
            vec!["ip", "-n", a, "addr", "add", "10.0.1.2/24", "dev", "at"],
            vec![
                "ip",
                "-n",
                a,
                "addr",
                "add",
                "fd00:1::2/64",
                "dev",
                "at",
                "nodad",
            ],
            vec!["ip", "-n", b, "addr", "add", "10.0.2.2/24", "dev", "bt"],
            vec![
                "ip",
                "-n",
                b,
                "addr",
                "add",
                "fd00:2::2/64",
                "dev",
                "bt",
                "nodad",
            ],
            vec!["ip", "-n", t, "link", "set", "ta", "up"],
            vec!["ip", "-n", t, "link", "set", "tb", "up"],
            vec!["ip", "-n", a, "link", "set", "at", "up"],
            vec!["ip", "-n", b, "link", "set", "bt", "up"],
        ];
        for c in cmds {
            sh(&c).expect("namespace setup");
        }
        lab
    }

    fn exec_in(&self, ns: &str, helper: &str) -> Command {
        let exe = std::env::current_exe().expect("current exe");
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns]).arg(exe).args([
            "--exact",
            helper,
            "--nocapture",
            "--test-threads=1",
        ]);
        c
    }

    fn load(&self, tool: &str, rules: &str) {
        let f = self.dir.path().join(format!("{tool}.rules"));
        std::fs::write(&f, rules).expect("write rules");
        let fs = f.to_str().expect("utf8 path");
        let mut args = vec!["ip", "netns", "exec", &self.t, tool];
        if tool == "nft" {
            args.push("-f");
        }
        args.push(fs);
        sh(&args).unwrap_or_else(|e| panic!("loading {tool} rules: {e}\n{rules}"));
    }

    fn listen(&mut self, spec: &str) {
        let mut c = self
            .exec_in(&self.t, "helper::listen")
            .env("SCRY_NR_LISTEN", spec)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn listener");
        let out = c.stdout.take().expect("stdout");
        self.listener = Some(c);
        let mut ready = false;
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if line.contains("READY") {
                ready = true;
                break;
            }
        }
        assert!(ready, "listener {spec} did not start");
    }

    fn analyze_live(&self) -> Report {
        let out = self.dir.path().join("report.json");
        let st = self
            .exec_in(&self.t, "helper::analyze")
            .env("SCRY_NR_ANALYZE_OUT", &out)
            .stdout(Stdio::null())
            .status()
            .expect("run analyzer");
        assert!(st.success(), "analyzer failed in namespace");
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("report json")
    }

    /// Captures `T` into a folder with the documented layout.
    fn capture(&self) -> std::path::PathBuf {
        let d = self.dir.path().join("capture");
        let ds = d.display();
        let script = format!(
            "mkdir -p {ds}/proc/net {ds}/proc/sys/kernel {ds}/proc/sys/net/ipv6 && \
             for f in tcp tcp6 udp udp6 if_inet6 fib_trie; do cat /proc/net/$f > {ds}/proc/net/$f; done && \
             cat /proc/sys/net/ipv6/bindv6only > {ds}/proc/sys/net/ipv6/bindv6only && \
             echo captured-host > {ds}/proc/sys/kernel/hostname && \
             ip -j addr > {ds}/ip-addr.json && nft -j list ruleset > {ds}/nft.json && \
             iptables-save > {ds}/iptables-save.txt && ip6tables-save > {ds}/ip6tables-save.txt && \
             (iptables-legacy-save > {ds}/iptables-legacy-save.txt 2>/dev/null || true)"
        );
        sh(&["ip", "netns", "exec", &self.t, "sh", "-c", &script]).expect("capture");
        d
    }

    fn probe(&self, ns: &str, targets: &[String]) -> Vec<(String, String)> {
        let out = self
            .exec_in(ns, "helper::probe")
            .env("SCRY_NR_PROBE", targets.join(","))
            .output()
            .expect("run prober");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let mut it = l[l.find("PROBE ")? + 6..].split_whitespace();
                Some((it.next()?.to_owned(), it.next()?.to_owned()))
            })
            .collect()
    }
}

/// What the report says about `port`/`proto` for a client on `iface` at `src`:
/// (a listener accepts, the firewall is open but nothing listens).
fn expected(r: &Report, proto: Protocol, port: u16, iface: &str, src: IpAddr) -> (bool, bool) {
    let mut listener = false;
    let mut open = false;
    for f in &r.findings {
        let d = &f.network_reachability_details;
        if d.protocol != proto || port < d.open_port_range.begin || port > d.open_port_range.end {
            continue;
        }
        let Some(first) = d.network_path.steps.first() else {
            continue;
        };
        if !first.component_id.split(',').any(|i| i == iface) {
            continue;
        }
        let hit = d
            .reachable_from
            .iter()
            .filter_map(|c| c.parse::<IpNet>().ok())
            .any(|n| n.contains(&src));
        if hit {
            if d.listener.is_some() {
                listener = true;
            } else {
                open = true;
            }
        }
    }
    (listener, open)
}

/// Reachability facts without process details, to compare live and captured reports.
fn facts(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = r
        .findings
        .iter()
        .map(|f| {
            let d = &f.network_reachability_details;
            format!(
                "{} {} {:?} {:?} {}",
                d.protocol,
                d.open_port_range,
                d.reachable_from,
                d.network_path.steps.first().map(|s| s.component_id.clone()),
                d.listener.as_ref().map_or("-", |l| l.address.as_str())
            )
        })
        .collect();
    v.sort();
    v
}

struct RuleSet {
    name: &'static str,
    nft: Option<&'static str>,
    iptables: Option<&'static str>,
    ip6tables: Option<&'static str>,
    iptables_legacy: Option<&'static str>,
    /// `tcp:0.0.0.0:22,udp:[::]:53`
    listen: &'static str,
    /// Ports the rules name without a listener, to try too.
    extra: &'static [(Protocol, u16)],
}

/// Runs one rule set end to end; returns the number of connection checks.
fn run(tag: &str, rs: &RuleSet, check: impl Fn(&Report)) {
    if let Some(why) = skip_reason() {
        eprintln!("skipping netns rule set {}: {why}", rs.name);
        return;
    }
    let mut lab = Lab::new(tag);
    if let Some(r) = rs.nft {
        lab.load("nft", r);
    }
    if let Some(r) = rs.iptables {
        lab.load("iptables-restore", r);
    }
    if let Some(r) = rs.ip6tables {
        lab.load("ip6tables-restore", r);
    }
    if let Some(r) = rs.iptables_legacy {
        lab.load("iptables-legacy-restore", r);
    }
    lab.listen(rs.listen);
    let live = lab.analyze_live();
    let captured = scry_netreach::host::analyze(&lab.capture()).expect("analyze capture");
    assert_eq!(
        facts(&live),
        facts(&captured),
        "{}: live and captured analyses differ",
        rs.name
    );
    eprintln!("{}:\n{}", rs.name, scry_netreach::render_table(&live));
    check(&live);

    let mut ports: Vec<(Protocol, u16)> = rs.extra.to_vec();
    for item in rs.listen.split(',') {
        let (p, addr) = item.split_once(':').expect("spec");
        let port: u16 = addr
            .rsplit(':')
            .next()
            .and_then(|x| x.parse().ok())
            .expect("port");
        ports.push((
            if p == "tcp" {
                Protocol::Tcp
            } else {
                Protocol::Udp
            },
            port,
        ));
    }
    ports.sort();
    ports.dedup();
    let clients = [
        (
            &lab.a,
            "ta",
            ["10.0.1.1", "fd00:1::1"],
            ["10.0.1.2", "fd00:1::2"],
        ),
        (
            &lab.b,
            "tb",
            ["10.0.2.1", "fd00:2::1"],
            ["10.0.2.2", "fd00:2::2"],
        ),
    ];
    let (mut ok, mut fail) = (0, 0);
    for (ns, iface, dsts, srcs) in clients {
        let mut targets = Vec::new();
        let mut meta = Vec::new();
        for &(proto, port) in &ports {
            for fam in 0..2 {
                let dst: IpAddr = dsts[fam].parse().expect("ip");
                let src: IpAddr = srcs[fam].parse().expect("ip");
                let p = if proto == Protocol::Tcp { "tcp" } else { "udp" };
                let t = match dst {
                    IpAddr::V4(d) => format!("{p}:{d}:{port}"),
                    IpAddr::V6(d) => format!("{p}:[{d}]:{port}"),
                };
                targets.push(t.clone());
                meta.push((t, proto, port, src));
            }
        }
        let results = lab.probe(ns, &targets);
        assert_eq!(results.len(), targets.len(), "{}: prober output", rs.name);
        for (t, proto, port, src) in meta {
            let got = results
                .iter()
                .find(|(x, _)| *x == t)
                .map(|(_, r)| r.clone())
                .expect("probe result");
            let (listener, open) = expected(&live, proto, port, iface, src);
            CHECKS.fetch_add(1, Ordering::Relaxed);
            if got == "OK" {
                ok += 1;
            } else {
                fail += 1;
            }
            assert_eq!(
                got == "OK",
                listener,
                "{}: {t} from {src} via {iface}: connection {got}, report says {}\nreport:\n{}",
                rs.name,
                if listener {
                    "reachable"
                } else {
                    "not reachable"
                },
                scry_netreach::render_table(&live)
            );
            if open && !listener && proto == Protocol::Tcp {
                assert_eq!(
                    got, "REFUSED",
                    "{}: {t} from {src}: reported open with no listener, so the SYN must pass and be reset",
                    rs.name
                );
            }
        }
    }
    assert!(
        ok > 0,
        "{}: no connection succeeded; the rule set tests nothing",
        rs.name
    );
    assert!(
        fail > 0,
        "{}: every connection succeeded; the rule set tests nothing",
        rs.name
    );
    RULE_SETS.fetch_add(1, Ordering::Relaxed);
    eprintln!(
        "netns rule set {}: {} connection checks ({ok} accepted, {fail} refused/dropped); so far {} rule sets, {} checks",
        rs.name,
        ok + fail,
        RULE_SETS.load(Ordering::Relaxed),
        CHECKS.load(Ordering::Relaxed)
    );
}

fn find(r: &Report, proto: Protocol, port: u16) -> Vec<&scry_netreach::Finding> {
    r.findings
        .iter()
        .filter(|f| {
            let d = &f.network_reachability_details;
            d.protocol == proto && d.open_port_range.begin <= port && port <= d.open_port_range.end
        })
        .collect()
}

#[test]
fn nft_default_drop_with_exceptions() {
    run(
        "dd",
        &RuleSet {
            name: "nft default drop with exceptions",
            nft: Some(
                "table inet filter {
                  chain input { type filter hook input priority 0; policy drop;
                    meta l4proto ipv6-icmp accept
                    ct state established,related accept
                    iif lo accept
                    tcp dport 22 accept
                    udp dport 53 accept
                  }
                }",
            ),
            iptables: None,
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:[::]:22,tcp:[::]:8080,udp:0.0.0.0:53,udp:0.0.0.0:5353",
            extra: &[],
        },
        |r| {
            assert_eq!(r.exposure_for("*", 22, Protocol::Tcp), Exposure::Internet);
            assert_eq!(r.exposure_for("*", 8080, Protocol::Tcp), Exposure::None);
            let f = find(r, Protocol::Tcp, 22);
            assert_eq!(
                f[0].network_reachability_details.reachable_from,
                ["0.0.0.0/0", "::/0"]
            );
            assert_eq!(f[0].severity, scry_core::Severity::High);
        },
    );
}

#[test]
fn nft_source_ranges() {
    run(
        "sr",
        &RuleSet {
            name: "nft source ranges",
            nft: Some(
                "table inet filter {
                  chain input { type filter hook input priority 0; policy drop;
                    meta l4proto ipv6-icmp accept
                    ip saddr 10.0.1.0/24 tcp dport 22 accept
                    ip saddr 10.0.2.0/24 tcp dport 5432 accept
                    ip6 saddr fd00:2::/64 tcp dport 22 accept
                    ip saddr != 10.0.1.0/24 udp dport 161 accept
                  }
                }",
            ),
            iptables: None,
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:[::]:22,tcp:0.0.0.0:5432,udp:0.0.0.0:161",
            extra: &[],
        },
        |r| {
            let f = find(r, Protocol::Tcp, 22);
            assert_eq!(
                f[0].network_reachability_details.reachable_from,
                ["10.0.1.0/24", "fd00:2::/64"]
            );
            assert!(matches!(
                r.exposure_for("*", 5432, Protocol::Tcp),
                Exposure::Private { .. }
            ));
            assert!(
                f[0].remediation
                    .recommendation
                    .text
                    .contains("chain input rule handle")
            );
        },
    );
}

#[test]
fn nft_interface_bound() {
    run(
        "if",
        &RuleSet {
            name: "nft interface-bound rules",
            nft: Some(
                "table inet filter {
                  chain input { type filter hook input priority 0; policy drop;
                    meta l4proto ipv6-icmp accept
                    iifname \"ta\" tcp dport 80 accept
                    iifname \"tb\" udp dport 53 accept
                    iifname { \"ta\", \"tb\" } tcp dport 443 accept
                  }
                }",
            ),
            iptables: None,
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:[::]:80,udp:[::]:53,tcp:[::]:443",
            extra: &[],
        },
        |r| {
            let f = find(r, Protocol::Tcp, 80);
            assert_eq!(
                f[0].network_reachability_details.network_path.steps[0].component_id,
                "ta"
            );
        },
    );
}

#[test]
fn nft_nat_redirect() {
    run(
        "nr",
        &RuleSet {
            name: "nft NAT redirect 80 -> 8080",
            nft: Some(
                "table ip nat {
                  chain prerouting { type nat hook prerouting priority dstnat;
                    tcp dport 80 redirect to :8080
                  }
                }
                table inet filter {
                  chain input { type filter hook input priority 0; policy drop;
                    meta l4proto ipv6-icmp accept
                    ct state established,related accept
                    ip saddr 10.0.1.0/24 tcp dport 8080 accept
                  }
                }",
            ),
            iptables: None,
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:0.0.0.0:8080",
            extra: &[(Protocol::Tcp, 80)],
        },
        |r| {
            let f = find(r, Protocol::Tcp, 80);
            let l = f[0]
                .network_reachability_details
                .listener
                .as_ref()
                .expect("listener");
            assert_eq!(l.address, "0.0.0.0:8080");
            assert!(
                f[0].title.contains("redirected to port 8080"),
                "{}",
                f[0].title
            );
        },
    );
}

#[test]
fn nft_reject_vs_drop() {
    run(
        "rd",
        &RuleSet {
            name: "nft reject vs drop",
            nft: Some(
                "table inet filter {
                  chain input { type filter hook input priority 0; policy accept;
                    ip saddr 10.0.1.0/24 tcp dport 22 reject with tcp reset
                    ip saddr 10.0.2.0/24 tcp dport 22 drop
                    ip saddr 10.0.1.0/24 udp dport 514 reject
                  }
                }",
            ),
            iptables: None,
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:0.0.0.0:22,tcp:[::]:23,udp:0.0.0.0:514",
            extra: &[],
        },
        |r| {
            let f = find(r, Protocol::Tcp, 22);
            assert!(
                f.iter().all(|f| !f
                    .network_reachability_details
                    .reachable_from
                    .iter()
                    .any(|c| c.starts_with("10.0.1.") || c.starts_with("10.0.2."))),
                "port 22 must not be reachable from the lab networks"
            );
        },
    );
}

#[test]
fn nft_sets_and_multiport() {
    run(
        "ms",
        &RuleSet {
            name: "nft named set + anonymous port set",
            nft: Some(
                "table inet filter {
                  set allowed { type ipv4_addr; elements = { 10.0.2.2 } }
                  chain input { type filter hook input priority 0; policy drop;
                    meta l4proto ipv6-icmp accept
                    ip saddr @allowed tcp dport { 3306, 5432 } accept
                    meta l4proto udp th dport 7000-7010 accept
                  }
                }",
            ),
            iptables: None,
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:0.0.0.0:3306,tcp:0.0.0.0:5432,tcp:0.0.0.0:6379,udp:[::]:7005",
            extra: &[(Protocol::Udp, 7000)],
        },
        |r| {
            let f = find(r, Protocol::Tcp, 3306);
            assert_eq!(
                f[0].network_reachability_details.reachable_from,
                ["10.0.2.2/32"]
            );
        },
    );
}

#[test]
fn nft_user_chains_jump_goto_return() {
    run(
        "uc",
        &RuleSet {
            name: "nft user chains with jump/goto/return",
            nft: Some(
                "table inet filter {
                  chain svc {
                    ip saddr 10.0.1.0/24 return
                    tcp dport 8000-8100 accept
                  }
                  chain dns {
                    udp dport 53 accept
                  }
                  chain input { type filter hook input priority 0; policy drop;
                    meta l4proto ipv6-icmp accept
                    jump svc
                    ip6 saddr fd00:1::/64 goto dns
                    ip saddr 10.0.1.0/24 tcp dport 8050 accept
                  }
                }",
            ),
            iptables: None,
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:[::]:8000,tcp:[::]:8050,udp:[::]:53",
            extra: &[],
        },
        |_| {},
    );
}

#[test]
fn nft_port_without_listener() {
    run(
        "nl",
        &RuleSet {
            name: "nft open ports without listeners",
            nft: Some(
                "table inet filter {
                  chain input { type filter hook input priority 0; policy drop;
                    meta l4proto ipv6-icmp accept
                    tcp dport { 9999, 2222 } accept
                    udp dport 9998 accept
                  }
                }",
            ),
            iptables: None,
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:0.0.0.0:22,tcp:0.0.0.0:2222",
            extra: &[(Protocol::Tcp, 9999), (Protocol::Udp, 9998)],
        },
        |r| {
            let f = find(r, Protocol::Tcp, 9999);
            assert_eq!(f.len(), 1);
            assert!(f[0].network_reachability_details.listener.is_none());
            assert_eq!(f[0].severity, scry_core::Severity::Low);
            let f = find(r, Protocol::Tcp, 22);
            assert!(f[0].network_reachability_details.reachable_from.is_empty());
        },
    );
}

#[test]
fn nft_established_only() {
    run(
        "eo",
        &RuleSet {
            name: "nft established/related only, ICMPv6 dropped",
            nft: Some(
                "table inet filter {
                  chain input { type filter hook input priority 0; policy drop;
                    ct state established,related accept
                    ct state invalid drop
                    ct state new tcp dport 25 accept
                  }
                }",
            ),
            iptables: None,
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:[::]:22,udp:[::]:53,tcp:[::]:25",
            extra: &[],
        },
        |r| {
            // Neighbour solicitations are dropped, so IPv6 does not work at all.
            let f = find(r, Protocol::Tcp, 25);
            assert_eq!(
                f[0].network_reachability_details.reachable_from,
                ["0.0.0.0/0"]
            );
        },
    );
}

#[test]
fn iptables_nft_multiport_conntrack() {
    run(
        "im",
        &RuleSet {
            name: "iptables-nft multiport + conntrack + source",
            nft: None,
            iptables: Some(
                "*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m multiport --dports 22,80,443 -m comment --comment \"web and ssh\" -j ACCEPT
-A INPUT -s 10.0.2.0/24 -p udp -m udp --dport 53 -j ACCEPT
-A INPUT -p tcp -m state --state NEW -m tcp --dport 3000:3010 -j ACCEPT
COMMIT
",
            ),
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:0.0.0.0:22,tcp:0.0.0.0:80,udp:0.0.0.0:53,tcp:0.0.0.0:3005,tcp:0.0.0.0:5000",
            extra: &[(Protocol::Tcp, 443)],
        },
        |r| {
            let f = find(r, Protocol::Tcp, 22);
            assert!(
                f[0].remediation
                    .recommendation
                    .text
                    .contains("iptables -t filter chain INPUT rule 3"),
                "{}",
                f[0].remediation.recommendation.text
            );
        },
    );
}

#[test]
fn iptables_user_chain_jump_return() {
    run(
        "ij",
        &RuleSet {
            name: "iptables-nft user chain with jump/return",
            nft: None,
            iptables: Some(
                "*filter
:INPUT DROP [0:0]
:SSH - [0:0]
-A INPUT -p tcp --dport 22 -j SSH
-A INPUT -p tcp --dport 2222 -j ACCEPT
-A SSH -s 10.0.2.0/24 -j RETURN
-A SSH -j ACCEPT
COMMIT
",
            ),
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:0.0.0.0:22",
            extra: &[(Protocol::Tcp, 2222)],
        },
        |_| {},
    );
}

#[test]
fn iptables_nat_redirect() {
    run(
        "ir",
        &RuleSet {
            name: "iptables nat PREROUTING REDIRECT 80 -> 8080",
            nft: None,
            iptables: Some(
                "*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i tb -p tcp --dport 80 -j REDIRECT --to-ports 8080
COMMIT
*filter
:INPUT ACCEPT [0:0]
-A INPUT -p tcp --dport 8080 -s 10.0.1.0/24 -j DROP
COMMIT
",
            ),
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:0.0.0.0:8080,tcp:0.0.0.0:80",
            extra: &[],
        },
        |_| {},
    );
}

#[test]
fn ip6tables_rules() {
    run(
        "i6",
        &RuleSet {
            name: "ip6tables + iptables, dual-stack listeners",
            nft: None,
            iptables: Some(
                "*filter
:INPUT ACCEPT [0:0]
-A INPUT -p udp --dport 53 -j DROP
COMMIT
",
            ),
            ip6tables: Some(
                "*filter
:INPUT DROP [0:0]
-A INPUT -p ipv6-icmp -j ACCEPT
-A INPUT -s fd00:2::/64 -p udp --dport 53 -j ACCEPT
-A INPUT -p tcp ! -s fd00:2::/64 --dport 22 -j ACCEPT
COMMIT
",
            ),
            iptables_legacy: None,
            listen: "udp:[::]:53,tcp:[::]:22",
            extra: &[],
        },
        |_| {},
    );
}

#[test]
fn iptables_legacy_with_native_nft() {
    if sh(&["iptables-legacy-save"]).is_err() {
        eprintln!(
            "skipping legacy rule set: `iptables-legacy-save` unavailable (ip_tables module?)"
        );
        return;
    }
    run(
        "lg",
        &RuleSet {
            name: "iptables-legacy alongside native nft",
            nft: Some(
                "table inet filter {
                  chain input { type filter hook input priority 10; policy accept;
                    udp dport 123 drop
                  }
                }",
            ),
            iptables: None,
            ip6tables: None,
            iptables_legacy: Some(
                "*filter
:INPUT ACCEPT [0:0]
-A INPUT -s 10.0.2.0/24 -p tcp --dport 22 -j DROP
COMMIT
",
            ),
            listen: "tcp:0.0.0.0:22,udp:0.0.0.0:123,udp:0.0.0.0:124",
            extra: &[],
        },
        |_| {},
    );
}

#[test]
fn no_firewall_loopback_listener() {
    run(
        "nf",
        &RuleSet {
            name: "no firewall; loopback-only listeners",
            nft: None,
            iptables: None,
            ip6tables: None,
            iptables_legacy: None,
            listen: "tcp:127.0.0.1:5432,udp:[::1]:53,tcp:[::]:22",
            extra: &[],
        },
        |r| {
            let f = find(r, Protocol::Tcp, 5432);
            assert_eq!(f.len(), 1);
            assert!(f[0].network_reachability_details.reachable_from.is_empty());
            assert_eq!(f[0].severity, scry_core::Severity::Informational);
            assert_eq!(r.exposure_for("*", 5432, Protocol::Tcp), Exposure::None);
        },
    );
}

#[test]
fn capture_without_root_rejects_empty_folder() {
    let d = tempfile::tempdir().expect("tempdir");
    let e = scry_netreach::host::analyze(d.path()).expect_err("empty folder");
    assert!(e.to_string().contains("no `proc/net/tcp`"), "{e}");
    let _ = Path::new("/");
}
