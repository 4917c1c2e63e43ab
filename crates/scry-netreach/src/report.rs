//! Findings, the report, the severity rule and the table renderer.

use std::fmt;
use std::fmt::Write as _;

use ipnet::IpNet;
use scry_core::Severity;
use serde::{Deserialize, Serialize};

use crate::addr::AddrSet;

/// A transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    /// `TCP` or `UDP`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Udp => "UDP",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The finding type; only one exists here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingType {
    /// A port range reachable from somewhere, or a listener reachable from nowhere.
    NetworkReachability,
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PortRange {
    /// First port.
    pub begin: u16,
    /// Last port.
    pub end: u16,
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.begin == self.end {
            write!(f, "{}", self.begin)
        } else {
            write!(f, "{}-{}", self.begin, self.end)
        }
    }
}

/// One hop of the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PathStep {
    /// The component's id (`igw-…`, `sg-…`, `eth0`, `inet filter input`, `sshd[812]`).
    pub component_id: String,
    /// The component's type (`AWS::EC2::SecurityGroup`, `HOST::NetworkInterface`, ...).
    pub component_type: String,
}

impl PathStep {
    pub(crate) fn new(id: impl Into<String>, ty: &str) -> Self {
        Self {
            component_id: id.into(),
            component_type: ty.to_owned(),
        }
    }
}

/// The hops from the source to the listener.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkPath {
    /// In order, from the outside in.
    pub steps: Vec<PathStep>,
}

/// The process behind a listening socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listener {
    /// `comm` of the owning process (`unknown` when no process owns the socket inode).
    pub process: String,
    /// Its pid, when known.
    pub pid: Option<u32>,
    /// The bound address, `0.0.0.0:22` or `[::]:22`.
    pub address: String,
}

/// Inspector's `networkReachabilityDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkReachabilityDetails {
    /// The ports a client connects to.
    pub open_port_range: PortRange,
    /// TCP or UDP.
    pub protocol: Protocol,
    /// How packets get there.
    pub network_path: NetworkPath,
    /// CIDRs from which the ports accept new connections; empty when none.
    pub reachable_from: Vec<String>,
    /// The listening process; absent when nothing listens (or unknown, for AWS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener: Option<Listener>,
}

/// What to change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    /// Inspector nests the text one level down.
    pub recommendation: Recommendation,
}

/// The remediation text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// Names the rules to change.
    pub text: String,
}

/// The resource a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// `AWS_EC2_INSTANCE` or `HOST`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Instance id or host name.
    pub id: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Always `NETWORK_REACHABILITY`.
    #[serde(rename = "type")]
    pub finding_type: FindingType,
    /// `Port 22 is reachable from an Internet Gateway - TCP`.
    pub title: String,
    /// See [`severity_for`].
    pub severity: Severity,
    /// Names the rules to change.
    pub remediation: Remediation,
    /// The instance or host.
    pub resources: Vec<Resource>,
    /// Ports, protocol, path, sources, listener.
    pub network_reachability_details: NetworkReachabilityDetails,
}

/// A list of findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// All findings, sorted by resource, protocol, port.
    pub findings: Vec<Finding>,
}

/// How far a port is exposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposure {
    /// Reachable from some internet address.
    Internet,
    /// Reachable only from these private/special-purpose CIDRs.
    Private {
        /// The sources.
        cidrs: Vec<IpNet>,
    },
    /// Not reachable.
    None,
}

impl Report {
    /// How far `port`/`protocol` of `resource` (instance id or host name; `*` for any) is
    /// exposed, over every finding whose open port range or listener port holds `port`.
    #[must_use]
    pub fn exposure_for(&self, resource: &str, port: u16, protocol: Protocol) -> Exposure {
        let mut set = AddrSet::empty();
        for f in &self.findings {
            let d = &f.network_reachability_details;
            if d.protocol != protocol
                || !(resource == "*" || f.resources.iter().any(|r| r.id == resource))
            {
                continue;
            }
            let in_range = d.open_port_range.begin <= port && port <= d.open_port_range.end;
            let listener_port = d
                .listener
                .as_ref()
                .and_then(|l| l.address.rsplit(':').next()?.parse::<u16>().ok());
            if !in_range && listener_port != Some(port) {
                continue;
            }
            for c in &d.reachable_from {
                if let Ok(n) = c.parse::<IpNet>() {
                    set = set.union(&AddrSet::net(n));
                }
            }
        }
        exposure_of(&set)
    }

    pub(crate) fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            let ka = (
                a.resources.first().map(|r| r.id.clone()),
                a.network_reachability_details.protocol,
                a.network_reachability_details.open_port_range,
                a.title.clone(),
            );
            let kb = (
                b.resources.first().map(|r| r.id.clone()),
                b.network_reachability_details.protocol,
                b.network_reachability_details.open_port_range,
                b.title.clone(),
            );
            ka.cmp(&kb)
        });
    }
}

pub(crate) fn exposure_of(set: &AddrSet) -> Exposure {
    if set.is_empty() {
        Exposure::None
    } else if set.has_public() {
        Exposure::Internet
    } else {
        Exposure::Private {
            cidrs: set.to_cidrs(),
        }
    }
}

/// Ports of services that should never face the internet.
const RISKY_PORTS: &[(u16, &str)] = &[
    (20, "FTP data"),
    (21, "FTP"),
    (22, "SSH"),
    (23, "Telnet"),
    (69, "TFTP"),
    (111, "RPC portmapper"),
    (135, "MS RPC"),
    (137, "NetBIOS"),
    (139, "NetBIOS"),
    (161, "SNMP"),
    (445, "SMB"),
    (1433, "MS SQL Server"),
    (1521, "Oracle DB"),
    (2049, "NFS"),
    (2375, "Docker API"),
    (2376, "Docker API"),
    (2379, "etcd"),
    (3306, "MySQL"),
    (3389, "RDP"),
    (5432, "PostgreSQL"),
    (5601, "Kibana"),
    (5900, "VNC"),
    (5984, "CouchDB"),
    (6379, "Redis"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch"),
    (10250, "Kubelet"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
];

/// The risky service names in a port range.
pub(crate) fn risky_services(r: PortRange) -> Vec<&'static str> {
    let mut v: Vec<&str> = RISKY_PORTS
        .iter()
        .filter(|(p, _)| r.begin <= *p && *p <= r.end)
        .map(|(_, n)| *n)
        .collect();
    v.dedup();
    v
}

/// The documented severity rule (see `docs/network.md`):
///
/// | exposure | risky service port in range | other ports |
/// |---|---|---|
/// | internet, listener present or unknown (AWS) | HIGH | MEDIUM |
/// | private ranges only, listener present or unknown | MEDIUM | LOW |
/// | internet, no listener | LOW | LOW |
/// | private only, no listener | INFORMATIONAL | INFORMATIONAL |
/// | nowhere (listener reachable from no source) | INFORMATIONAL | INFORMATIONAL |
///
/// A range wider than 1024 ports open to the internet is HIGH even without a risky port.
#[must_use]
pub fn severity_for(
    reachable: &AddrSet,
    range: PortRange,
    listener_known_absent: bool,
) -> Severity {
    let risky = !risky_services(range).is_empty();
    let wide = u32::from(range.end) - u32::from(range.begin) >= 1024;
    match (exposure_of(reachable), listener_known_absent) {
        (Exposure::None, _) | (Exposure::Private { .. }, true) => Severity::Informational,
        (Exposure::Internet, true) => Severity::Low,
        (Exposure::Internet, false) if risky || wide => Severity::High,
        (Exposure::Internet, false) => Severity::Medium,
        (Exposure::Private { .. }, false) if risky => Severity::Medium,
        (Exposure::Private { .. }, false) => Severity::Low,
    }
}

/// A plain-text table, one finding a line.
#[must_use]
pub fn render_table(report: &Report) -> String {
    let header = [
        "SEVERITY", "RESOURCE", "PROTO", "PORTS", "FROM", "LISTENER", "PATH",
    ];
    let mut rows: Vec<[String; 7]> = Vec::new();
    for f in &report.findings {
        let d = &f.network_reachability_details;
        let from = if d.reachable_from.is_empty() {
            "(nowhere)".to_owned()
        } else {
            d.reachable_from.join(",")
        };
        let listener = d.listener.as_ref().map_or_else(
            || "-".to_owned(),
            |l| match l.pid {
                Some(p) => format!("{}[{}] {}", l.process, p, l.address),
                None => format!("{} {}", l.process, l.address),
            },
        );
        let path = d
            .network_path
            .steps
            .iter()
            .map(|s| s.component_id.as_str())
            .collect::<Vec<_>>()
            .join(" > ");
        rows.push([
            f.severity.to_string(),
            f.resources
                .first()
                .map(|r| r.id.clone())
                .unwrap_or_default(),
            d.protocol.to_string(),
            d.open_port_range.to_string(),
            from,
            listener,
            path,
        ]);
    }
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths.iter()).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let _ = write!(s, "{c:<w$}  ");
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for r in &rows {
        line(r.iter().map(String::as_str).collect());
    }
    if report.findings.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}
