//! AWS: which ports of each EC2 instance are reachable from the internet, from peered
//! VPCs, through VPN gateways and through internet-facing load balancers.
//!
//! Input is the JSON the AWS CLI prints (`--output json`), one file per command in a
//! folder (`describe-instances.json`, `describe-security-groups.json`, ...; any `*.json`
//! file is read and merged by its top-level keys) or one combined file. See
//! `docs/network.md` for the list and the two additions the CLI output lacks
//! (`TargetGroupArn` next to `describe-target-health` output, prefix list entries).
//!
//! Per elastic network interface and protocol the port space is cut where any security
//! group or inbound NACL rule starts or ends; on each segment the allowed sources are
//! `union(SG rules) ∩ NACL inbound (first match by rule number) ∩ NACL outbound for the
//! return traffic (some ephemeral port 1024-65535 allowed back)`. A path then keeps the
//! sources the subnet's route table (longest prefix) sends back through that gateway.
//!
//! Traps:
//! - NAT gateway routes give outbound access only; they never make a port reachable.
//! - Egress-only internet gateways (`eigw-`) are outbound only too.
//! - An instance without a public IPv4 address is not reachable over IPv4 from the
//!   internet even with a `0.0.0.0/0` route and rule; IPv6 addresses are global.
//! - Subnets without an explicit route table association use the VPC's main table;
//!   subnets without an explicit NACL association use the VPC's default NACL.

mod model;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use model::{Eni, Inventory, NetworkAcl, RouteTable, SecurityGroup, TargetGroupHealth};

use crate::addr::{AddrSet, PortSet, ports, segments};
use crate::report::{
    Finding, FindingType, NetworkPath, NetworkReachabilityDetails, PathStep, PortRange, Protocol,
    Recommendation, Remediation, Report, Resource, severity_for,
};

/// Most hops followed through ingress (gateway) route tables before declaring a loop.
const MAX_HOPS: usize = 16;

/// Why an AWS configuration could not be analysed.
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
    /// A file is not valid JSON of the expected shape.
    #[error("{path}: invalid AWS CLI JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// A file is larger than [`MAX_FILE_BYTES`].
    #[error("{0}: larger than the {MAX_FILE_BYTES}-byte limit")]
    TooLarge(PathBuf),
    /// The folder holds no `*.json` file.
    #[error("{0}: no AWS CLI JSON files (`describe-*.json`) found")]
    NoInput(PathBuf),
    /// An object refers to another that no input file defines.
    #[error("{kind} `{id}` (referenced by {by}) is not defined in any input file")]
    Missing {
        /// `security group`, `subnet`, `VPC`, ...
        kind: &'static str,
        /// The id referred to.
        id: String,
        /// Who refers to it.
        by: String,
    },
    /// A CIDR or address that does not parse.
    #[error("{by}: `{value}` is not a valid CIDR or IP address")]
    BadAddress {
        /// The text.
        value: String,
        /// Where it was found.
        by: String,
    },
    /// Ingress routing sends packets around in a circle.
    #[error("routing loop while delivering to {dest}: {path}")]
    RoutingLoop {
        /// The destination address.
        dest: String,
        /// The route tables visited.
        path: String,
    },
}

type Result<T> = std::result::Result<T, Error>;

/// Reads every `*.json` file of a folder (or one combined file) and analyses it.
///
/// # Errors
/// Unreadable or malformed files, references to undefined objects, routing loops.
pub fn analyze_dir(path: &Path) -> Result<Report> {
    let mut inv = Inventory::default();
    if path.is_file() {
        inv.extend(read_file(path)?);
    } else {
        let rd = std::fs::read_dir(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut files: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(Error::NoInput(path.to_owned()));
        }
        for f in files {
            inv.extend(read_file(&f)?);
        }
    }
    analyze_inventory(&inv)
}

/// Analyses the text of one combined file (`name` is used in error messages).
///
/// # Errors
/// As [`analyze_dir`].
pub fn analyze_json(name: &str, text: &str) -> Result<Report> {
    let inv = parse_inventory(Path::new(name), text)?;
    analyze_inventory(&inv)
}

/// Largest JSON file read (the CLI output for tens of thousands of instances).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

fn read_file(path: &Path) -> Result<Inventory> {
    use std::io::Read as _;
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut text = String::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if u64::try_from(text.len()).unwrap_or(u64::MAX) > MAX_FILE_BYTES {
        return Err(Error::TooLarge(path.to_owned()));
    }
    parse_inventory(path, &text)
}

fn parse_inventory(path: &Path, text: &str) -> Result<Inventory> {
    let json = |source| Error::Json {
        path: path.to_owned(),
        source,
    };
    let trimmed = text.trim_start();
    let mut inv = if trimmed.starts_with('[') {
        let th: Vec<TargetGroupHealth> = serde_json::from_str(text).map_err(json)?;
        Inventory {
            target_health: th,
            ..Inventory::default()
        }
    } else {
        serde_json::from_str::<Inventory>(text).map_err(json)?
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if let Some(id) = stem.strip_prefix("get-managed-prefix-list-entries-") {
        let entries = std::mem::take(&mut inv.entries);
        inv.prefix_list_entries.insert(id.to_owned(), entries);
    }
    Ok(inv)
}

fn parse_set(s: &str, by: &str) -> Result<AddrSet> {
    if let Ok(n) = s.parse::<IpNet>() {
        return Ok(AddrSet::net(n.trunc()));
    }
    s.parse::<IpAddr>()
        .map(AddrSet::ip)
        .map_err(|_| Error::BadAddress {
            value: s.to_owned(),
            by: by.to_owned(),
        })
}

fn protocols(p: &str) -> Vec<Protocol> {
    match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => vec![Protocol::Tcp, Protocol::Udp],
        "6" | "tcp" => vec![Protocol::Tcp],
        "17" | "udp" => vec![Protocol::Udp],
        _ => vec![],
    }
}

fn port_span(from: Option<i64>, to: Option<i64>) -> PortSet {
    match (from, to) {
        (Some(a), Some(b)) if a >= 0 && b >= 0 => {
            let a = u16::try_from(a).unwrap_or(u16::MAX);
            let b = u16::try_from(b).unwrap_or(u16::MAX);
            ports(a, b)
        }
        _ => ports(0, 65535),
    }
}

/// One security group rule, resolved.
struct SgRule {
    sg: String,
    protos: Vec<Protocol>,
    ports: PortSet,
    sources: AddrSet,
    desc: String,
}

/// One NACL entry.
struct AclRule {
    number: i64,
    protos: Vec<Protocol>,
    ports: PortSet,
    cidr: AddrSet,
    allow: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Hop {
    Local,
    Igw(String),
    Pcx(String),
    Vgw(String),
    Eni(String),
    Instance(String),
    Other,
}

struct SubnetCtx<'a> {
    vpc_id: String,
    acl: &'a NetworkAcl,
    acl_in: Vec<AclRule>,
    acl_out: Vec<AclRule>,
    routes: Vec<(Hop, AddrSet)>,
}

struct EniCtx<'a> {
    eni_id: String,
    subnet: SubnetCtx<'a>,
    sg_rules: Vec<SgRule>,
    public_v4: bool,
    has_v6: bool,
    private_ips: Vec<IpAddr>,
}

/// What one (ENI, protocol, port) allows.
#[derive(Clone, PartialEq, Eq)]
struct Allowed {
    sources: AddrSet,
    /// Rules to change (SG rules, NACL rule numbers).
    rules: Vec<String>,
    sgs: Vec<String>,
}

struct World<'a> {
    inv: &'a Inventory,
    sgs: BTreeMap<&'a str, &'a SecurityGroup>,
    enis: Vec<Eni>,
}

fn eni_private(e: &Eni) -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = e
        .private_ip_addresses
        .iter()
        .filter_map(|p| p.private_ip_address.as_deref()?.parse().ok())
        .collect();
    if let Some(ip) = e.private_ip_address.as_deref().and_then(|s| s.parse().ok()) {
        v.push(ip);
    }
    v.extend(
        e.ipv6_addresses
            .iter()
            .filter_map(|a| a.ipv6_address.parse::<IpAddr>().ok()),
    );
    v.sort();
    v.dedup();
    v
}

fn eni_has_public(e: &Eni) -> bool {
    e.association
        .as_ref()
        .is_some_and(|a| a.public_ip.is_some())
        || e.private_ip_addresses.iter().any(|p| {
            p.association
                .as_ref()
                .is_some_and(|a| a.public_ip.is_some())
        })
}

impl<'a> World<'a> {
    fn new(inv: &'a Inventory) -> Self {
        let sgs = inv
            .security_groups
            .iter()
            .map(|g| (g.group_id.as_str(), g))
            .collect();
        let mut enis: Vec<Eni> = inv.network_interfaces.clone();
        for r in &inv.reservations {
            for i in &r.instances {
                let mut nested = i.network_interfaces.clone();
                if nested.is_empty() && enis.iter().all(|e| attached_to(e) != Some(&i.instance_id))
                {
                    // No ENI anywhere: the instance's own fields describe its primary one.
                    nested.push(Eni {
                        network_interface_id: format!("{}/primary-eni", i.instance_id),
                        subnet_id: i.subnet_id.clone(),
                        groups: i.security_groups.clone(),
                        private_ip_address: i.private_ip_address.clone(),
                        association: i
                            .public_ip_address
                            .clone()
                            .map(|p| model::Association { public_ip: Some(p) }),
                        ..Eni::default()
                    });
                }
                for mut e in nested {
                    if enis
                        .iter()
                        .any(|x| x.network_interface_id == e.network_interface_id)
                    {
                        continue;
                    }
                    e.attachment = Some(model::Attachment {
                        instance_id: Some(i.instance_id.clone()),
                    });
                    if e.subnet_id.is_none() {
                        e.subnet_id.clone_from(&i.subnet_id);
                    }
                    enis.push(e);
                }
            }
        }
        Self { inv, sgs, enis }
    }

    fn members(&self, sg: &str) -> AddrSet {
        self.enis
            .iter()
            .filter(|e| e.groups.iter().any(|g| g.group_id == sg))
            .flat_map(eni_private)
            .fold(AddrSet::empty(), |a, ip| a.union(&AddrSet::ip(ip)))
    }

    fn prefix_list(&self, id: &str, by: &str) -> Result<AddrSet> {
        let entries = self
            .inv
            .prefix_list_entries
            .get(id)
            .ok_or_else(|| Error::Missing {
                kind: "prefix list",
                id: id.to_owned(),
                by: by.to_owned(),
            })?;
        entries.iter().try_fold(AddrSet::empty(), |a, e| {
            Ok(a.union(&parse_set(&e.cidr, &format!("prefix list {id}"))?))
        })
    }

    fn sg_rules(&self, sg_id: &str, by: &str) -> Result<Vec<SgRule>> {
        let sg = self.sgs.get(sg_id).ok_or_else(|| Error::Missing {
            kind: "security group",
            id: sg_id.to_owned(),
            by: by.to_owned(),
        })?;
        let mut out = Vec::new();
        for (n, p) in sg.ip_permissions.iter().enumerate() {
            let protos = protocols(&p.ip_protocol);
            if protos.is_empty() {
                continue;
            }
            let here = format!("security group {sg_id} inbound rule {}", n + 1);
            let mut sources = AddrSet::empty();
            let mut names = Vec::new();
            for r in &p.ip_ranges {
                sources = sources.union(&parse_set(&r.cidr_ip, &here)?);
                names.push(r.cidr_ip.clone());
            }
            for r in &p.ipv6_ranges {
                sources = sources.union(&parse_set(&r.cidr_ipv6, &here)?);
                names.push(r.cidr_ipv6.clone());
            }
            for r in &p.prefix_list_ids {
                sources = sources.union(&self.prefix_list(&r.prefix_list_id, &here)?);
                names.push(r.prefix_list_id.clone());
            }
            for r in &p.user_id_group_pairs {
                if !self.sgs.contains_key(r.group_id.as_str()) {
                    return Err(Error::Missing {
                        kind: "security group",
                        id: r.group_id.clone(),
                        by: here,
                    });
                }
                sources = sources.union(&self.members(&r.group_id));
                names.push(r.group_id.clone());
            }
            let ports = if p.ip_protocol == "-1" {
                ports(0, 65535)
            } else {
                port_span(p.from_port, p.to_port)
            };
            let span = match (p.from_port, p.to_port) {
                (Some(a), Some(b)) if p.ip_protocol != "-1" && a >= 0 => format!("{a}-{b}"),
                _ => "all".to_owned(),
            };
            out.push(SgRule {
                sg: sg_id.to_owned(),
                protos,
                ports,
                sources,
                desc: format!(
                    "{sg_id} inbound rule #{} ({} ports {span} from {})",
                    n + 1,
                    p.ip_protocol,
                    names.join(", ")
                ),
            });
        }
        Ok(out)
    }

    fn subnet_ctx(&self, subnet_id: &str, by: &str) -> Result<SubnetCtx<'a>> {
        let inv = self.inv;
        let subnet = inv
            .subnets
            .iter()
            .find(|s| s.subnet_id == subnet_id)
            .ok_or_else(|| Error::Missing {
                kind: "subnet",
                id: subnet_id.to_owned(),
                by: by.to_owned(),
            })?;
        let sby = format!("subnet {subnet_id}");
        let vpc_id = subnet.vpc_id.clone().ok_or_else(|| Error::Missing {
            kind: "VPC",
            id: "(none: the subnet has no `VpcId`)".to_owned(),
            by: sby.clone(),
        })?;
        if !inv.vpcs.iter().any(|v| v.vpc_id == vpc_id) {
            return Err(Error::Missing {
                kind: "VPC",
                id: vpc_id,
                by: sby,
            });
        }
        let acl = inv
            .network_acls
            .iter()
            .find(|a| {
                a.associations
                    .iter()
                    .any(|x| x.subnet_id.as_deref() == Some(subnet_id))
            })
            .or_else(|| {
                inv.network_acls
                    .iter()
                    .find(|a| a.vpc_id == vpc_id && a.is_default)
            })
            .ok_or_else(|| Error::Missing {
                kind: "network ACL",
                id: format!("(associated with or default for {vpc_id})"),
                by: sby.clone(),
            })?;
        let rtb = inv
            .route_tables
            .iter()
            .find(|r| {
                r.associations
                    .iter()
                    .any(|x| x.subnet_id.as_deref() == Some(subnet_id))
            })
            .or_else(|| {
                inv.route_tables
                    .iter()
                    .find(|r| r.vpc_id == vpc_id && r.associations.iter().any(|a| a.main))
            })
            .ok_or_else(|| Error::Missing {
                kind: "route table",
                id: format!("(associated with {subnet_id} or main for {vpc_id})"),
                by: sby.clone(),
            })?;
        let mut acl_in = Vec::new();
        let mut acl_out = Vec::new();
        let aby = format!("network ACL {}", acl.network_acl_id);
        for e in &acl.entries {
            let cidr = match (&e.cidr_block, &e.ipv6_cidr_block) {
                (Some(c), _) | (None, Some(c)) => parse_set(c, &aby)?,
                (None, None) => continue,
            };
            let ports = match &e.port_range {
                Some(r) if e.protocol != "-1" => port_span(Some(r.from), Some(r.to)),
                _ => ports(0, 65535),
            };
            let r = AclRule {
                number: e.rule_number,
                protos: protocols(&e.protocol),
                ports,
                cidr,
                allow: e.rule_action.eq_ignore_ascii_case("allow"),
            };
            if e.egress {
                acl_out.push(r);
            } else {
                acl_in.push(r);
            }
        }
        acl_in.sort_by_key(|r| r.number);
        acl_out.sort_by_key(|r| r.number);
        Ok(SubnetCtx {
            vpc_id,
            acl,
            acl_in,
            acl_out,
            routes: self.routes(rtb)?,
        })
    }

    /// The route table as a partition of the address space by next hop (longest prefix).
    fn routes(&self, rtb: &RouteTable) -> Result<Vec<(Hop, AddrSet)>> {
        let by = format!("route table {}", rtb.route_table_id);
        let mut list: Vec<(u8, AddrSet, Hop)> = Vec::new();
        for r in &rtb.routes {
            if r.state.as_deref() == Some("blackhole") {
                continue;
            }
            let hop = if let Some(g) = &r.gateway_id {
                if g == "local" {
                    Hop::Local
                } else if g.starts_with("igw-") {
                    Hop::Igw(g.clone())
                } else if g.starts_with("vgw-") {
                    Hop::Vgw(g.clone())
                } else {
                    Hop::Other
                }
            } else if let Some(p) = &r.vpc_peering_connection_id {
                Hop::Pcx(p.clone())
            } else if let Some(e) = &r.network_interface_id {
                Hop::Eni(e.clone())
            } else if let Some(i) = &r.instance_id {
                Hop::Instance(i.clone())
            } else {
                // NAT gateway, transit gateway, egress-only IGW, ...: never inbound.
                let _ = (
                    &r.nat_gateway_id,
                    &r.transit_gateway_id,
                    &r.egress_only_internet_gateway_id,
                );
                Hop::Other
            };
            let mut dests: Vec<IpNet> = Vec::new();
            for c in [&r.destination_cidr_block, &r.destination_ipv6_cidr_block]
                .into_iter()
                .flatten()
            {
                dests.push(c.parse::<IpNet>().map_err(|_| Error::BadAddress {
                    value: c.clone(),
                    by: by.clone(),
                })?);
            }
            if let Some(pl) = &r.destination_prefix_list_id {
                for c in self.prefix_list(pl, &by)?.to_cidrs() {
                    dests.push(c);
                }
            }
            for d in dests {
                list.push((d.prefix_len(), AddrSet::net(d.trunc()), hop.clone()));
            }
        }
        list.sort_by_key(|x| std::cmp::Reverse(x.0));
        let mut left = AddrSet::any();
        let mut out: Vec<(Hop, AddrSet)> = Vec::new();
        for (_, set, hop) in list {
            let part = set.intersect(&left);
            if part.is_empty() {
                continue;
            }
            left = left.subtract(&part);
            match out.iter_mut().find(|(h, _)| *h == hop) {
                Some((_, s)) => *s = s.union(&part),
                None => out.push((hop, part)),
            }
        }
        Ok(out)
    }

    fn eni_ctx(&self, e: &Eni, by: &str) -> Result<EniCtx<'a>> {
        let eby = format!("network interface {} ({by})", e.network_interface_id);
        let subnet_id = e.subnet_id.clone().ok_or_else(|| Error::Missing {
            kind: "subnet",
            id: "(none: no `SubnetId`)".to_owned(),
            by: eby.clone(),
        })?;
        let subnet = self.subnet_ctx(&subnet_id, &eby)?;
        let mut sg_rules = Vec::new();
        for g in &e.groups {
            sg_rules.extend(self.sg_rules(&g.group_id, &eby)?);
        }
        let ips = eni_private(e);
        Ok(EniCtx {
            eni_id: e.network_interface_id.clone(),
            subnet,
            sg_rules,
            public_v4: eni_has_public(e),
            has_v6: !e.ipv6_addresses.is_empty(),
            private_ips: ips,
        })
    }

    fn igws_of(&self, vpc: &str) -> Vec<String> {
        self.inv
            .internet_gateways
            .iter()
            .filter(|g| {
                g.attachments.iter().any(|a| {
                    a.vpc_id == vpc
                        && a.state
                            .as_deref()
                            .is_none_or(|s| s == "available" || s == "attached")
                })
            })
            .map(|g| g.internet_gateway_id.clone())
            .collect()
    }

    fn vgws_of(&self, vpc: &str) -> Vec<String> {
        self.inv
            .vpn_gateways
            .iter()
            .filter(|g| {
                g.vpc_attachments
                    .iter()
                    .any(|a| a.vpc_id == vpc && a.state.as_deref().is_none_or(|s| s == "attached"))
            })
            .map(|g| g.vpn_gateway_id.clone())
            .collect()
    }

    /// Follows the gateway's ingress route table (if any) to `dest`: `Ok(true)` if the
    /// packet is delivered into the VPC, `Ok(false)` if it is dropped or sent elsewhere.
    fn ingress_delivers(&self, gateway: &str, dest: IpAddr) -> Result<bool> {
        let Some(mut rtb) = self.inv.route_tables.iter().find(|r| {
            r.associations
                .iter()
                .any(|a| a.gateway_id.as_deref() == Some(gateway))
        }) else {
            return Ok(true);
        };
        let mut visited: Vec<String> = vec![gateway.to_owned()];
        for _ in 0..MAX_HOPS {
            if visited.contains(&rtb.route_table_id) {
                visited.push(rtb.route_table_id.clone());
                return Err(Error::RoutingLoop {
                    dest: dest.to_string(),
                    path: visited.join(" -> "),
                });
            }
            visited.push(rtb.route_table_id.clone());
            let routes = self.routes(rtb)?;
            let hop = routes
                .iter()
                .find(|(_, s)| s.contains(dest))
                .map(|(h, _)| h.clone());
            let eni = match hop {
                Some(Hop::Local) => return Ok(true),
                Some(Hop::Eni(e)) => self
                    .enis
                    .iter()
                    .find(|x| x.network_interface_id == e)
                    .ok_or_else(|| Error::Missing {
                        kind: "network interface",
                        id: e.clone(),
                        by: format!("route table {}", rtb.route_table_id),
                    })?,
                Some(Hop::Instance(i)) => self
                    .enis
                    .iter()
                    .find(|x| attached_to(x) == Some(&i))
                    .ok_or_else(|| Error::Missing {
                        kind: "instance",
                        id: i.clone(),
                        by: format!("route table {}", rtb.route_table_id),
                    })?,
                _ => return Ok(false),
            };
            // The appliance forwards it; its subnet's route table decides next.
            let sid = eni.subnet_id.clone().unwrap_or_default();
            let next = self.subnet_ctx(
                &sid,
                &format!("network interface {}", eni.network_interface_id),
            )?;
            let Some(r) =
                self.inv
                    .route_tables
                    .iter()
                    .find(|r| {
                        r.associations
                            .iter()
                            .any(|a| a.subnet_id.as_deref() == Some(sid.as_str()))
                    })
                    .or_else(|| {
                        self.inv.route_tables.iter().find(|r| {
                            r.vpc_id == next.vpc_id && r.associations.iter().any(|a| a.main)
                        })
                    })
            else {
                return Ok(false);
            };
            rtb = r;
        }
        Err(Error::RoutingLoop {
            dest: dest.to_string(),
            path: format!("{} (more than {MAX_HOPS} hops)", visited.join(" -> ")),
        })
    }
}

fn attached_to(e: &Eni) -> Option<&String> {
    e.attachment.as_ref()?.instance_id.as_ref()
}

/// First-match NACL evaluation for `proto`/`port` on `input`; returns the allowed part
/// and the allowing rule numbers.
fn acl_eval(rules: &[AclRule], proto: Protocol, port: u16, input: &AddrSet) -> (AddrSet, Vec<i64>) {
    let mut left = input.clone();
    let mut allowed = AddrSet::empty();
    let mut by = Vec::new();
    for r in rules {
        if !r.protos.contains(&proto) || !r.ports.contains(u128::from(port)) {
            continue;
        }
        let m = left.intersect(&r.cidr);
        if m.is_empty() {
            continue;
        }
        left = left.subtract(&m);
        if r.allow {
            allowed = allowed.union(&m);
            by.push(r.number);
        }
    }
    (allowed, by)
}

/// Sources whose return traffic (to some ephemeral port 1024-65535) the outbound NACL
/// lets out.
fn acl_return(rules: &[AclRule], proto: Protocol, input: &AddrSet) -> AddrSet {
    let sets: Vec<&PortSet> = rules.iter().map(|r| &r.ports).collect();
    segments(sets, 1024, 65535)
        .into_iter()
        .fold(AddrSet::empty(), |acc, (a, _)| {
            acc.union(&acl_eval(rules, proto, a, input).0)
        })
}

impl EniCtx<'_> {
    fn cut_points(&self) -> Vec<PortSet> {
        let mut v: Vec<PortSet> = self.sg_rules.iter().map(|r| r.ports.clone()).collect();
        v.extend(self.subnet.acl_in.iter().map(|r| r.ports.clone()));
        v
    }

    fn allowed(&self, proto: Protocol, port: u16, from: &AddrSet) -> Allowed {
        let mut sg = AddrSet::empty();
        let mut rules = Vec::new();
        let mut sgs = Vec::new();
        for r in &self.sg_rules {
            if r.protos.contains(&proto) && r.ports.contains(u128::from(port)) {
                sg = sg.union(&r.sources);
            }
        }
        sg = sg.intersect(from);
        let (acl_ok, numbers) = acl_eval(&self.subnet.acl_in, proto, port, &sg);
        let ok = acl_return(&self.subnet.acl_out, proto, &acl_ok);
        for r in &self.sg_rules {
            if r.protos.contains(&proto)
                && r.ports.contains(u128::from(port))
                && !r.sources.intersect(&ok).is_empty()
            {
                rules.push(format!("security group {}", r.desc));
                if !sgs.contains(&r.sg) {
                    sgs.push(r.sg.clone());
                }
            }
        }
        if !ok.is_empty() {
            let nums: Vec<String> = numbers.iter().map(ToString::to_string).collect();
            rules.push(format!(
                "network ACL {} inbound rule {}",
                self.subnet.acl.network_acl_id,
                nums.join(", ")
            ));
        }
        Allowed {
            sources: ok,
            rules,
            sgs,
        }
    }
}

/// A path kind for titles and steps.
struct PathKind {
    /// `an Internet Gateway`, `a peered VPC (pcx-1)`.
    from: String,
    gateway: PathStep,
    sources: AddrSet,
    /// Also shown in `reachableFrom` (not a path of its own).
    display_extra: AddrSet,
}

fn analyze_inventory(inv: &Inventory) -> Result<Report> {
    let world = World::new(inv);
    let mut findings = Vec::new();
    let mut instances: Vec<&str> = inv
        .reservations
        .iter()
        .flat_map(|r| r.instances.iter().map(|i| i.instance_id.as_str()))
        .collect();
    instances.sort_unstable();
    instances.dedup();
    for iid in &instances {
        let by = format!("instance {iid}");
        for e in world
            .enis
            .iter()
            .filter(|e| attached_to(e).map(String::as_str) == Some(iid))
        {
            let ctx = world.eni_ctx(e, &by)?;
            let kinds = path_kinds(&world, &ctx)?;
            for kind in kinds {
                for proto in [Protocol::Tcp, Protocol::Udp] {
                    let cuts = ctx.cut_points();
                    let mut rows: Vec<((u16, u16), Allowed)> = Vec::new();
                    for (a, b) in segments(cuts.iter(), 0, 65535) {
                        let al = ctx.allowed(proto, a, &kind.sources);
                        if al.sources.is_empty() {
                            continue;
                        }
                        match rows.last_mut() {
                            Some((r, prev)) if *prev == al && r.1.checked_add(1) == Some(a) => {
                                r.1 = b;
                            }
                            _ => rows.push(((a, b), al)),
                        }
                    }
                    for ((a, b), mut al) in rows {
                        let range = PortRange { begin: a, end: b };
                        if !kind.display_extra.is_empty() {
                            let extra = ctx.allowed(proto, a, &kind.display_extra).sources;
                            al.sources = al.sources.union(&extra);
                        }
                        let mut steps = vec![
                            kind.gateway.clone(),
                            PathStep::new(
                                ctx.subnet.acl.network_acl_id.clone(),
                                "AWS::EC2::NetworkAcl",
                            ),
                        ];
                        for g in &al.sgs {
                            steps.push(PathStep::new(g.clone(), "AWS::EC2::SecurityGroup"));
                        }
                        steps.push(PathStep::new(
                            ctx.eni_id.clone(),
                            "AWS::EC2::NetworkInterface",
                        ));
                        steps.push(PathStep::new((*iid).to_owned(), "AWS::EC2::Instance"));
                        findings.push(finding(
                            iid,
                            range,
                            proto,
                            &format!("from {}", kind.from),
                            steps,
                            &al.sources,
                            &al.rules,
                        ));
                    }
                }
            }
        }
    }
    findings.extend(load_balancers(&world)?);
    let mut report = Report { findings };
    report.sort();
    Ok(report)
}

fn finding(
    iid: &str,
    range: PortRange,
    proto: Protocol,
    from: &str,
    steps: Vec<PathStep>,
    sources: &AddrSet,
    rules: &[String],
) -> Finding {
    let words = if range.begin == range.end {
        format!("Port {} is", range.begin)
    } else {
        format!("Ports {}-{} are", range.begin, range.end)
    };
    Finding {
        finding_type: FindingType::NetworkReachability,
        title: format!("{words} reachable {from} - {proto}"),
        severity: severity_for(sources, range, false),
        remediation: Remediation {
            recommendation: Recommendation {
                text: format!(
                    "Restrict or remove the rules that allow it: {}",
                    rules.join("; ")
                ),
            },
        },
        resources: vec![Resource {
            resource_type: "AWS_EC2_INSTANCE".to_owned(),
            id: iid.to_owned(),
        }],
        network_reachability_details: NetworkReachabilityDetails {
            open_port_range: range,
            protocol: proto,
            network_path: NetworkPath { steps },
            reachable_from: sources.to_cidr_strings(),
            listener: None,
        },
    }
}

fn route_set(routes: &[(Hop, AddrSet)], hop: &Hop) -> AddrSet {
    routes
        .iter()
        .filter(|(h, _)| h == hop)
        .fold(AddrSet::empty(), |a, (_, s)| a.union(s))
}

/// The outside sources that can reach the ENI, per gateway.
fn path_kinds(world: &World<'_>, ctx: &EniCtx<'_>) -> Result<Vec<PathKind>> {
    let vpc = &ctx.subnet.vpc_id;
    let mut out = Vec::new();
    for igw in world.igws_of(vpc) {
        let mut fam = AddrSet::empty();
        if ctx.public_v4
            && ctx
                .private_ips
                .iter()
                .filter(|i| i.is_ipv4())
                .try_fold(false, |acc, ip| {
                    Ok::<_, Error>(acc | world.ingress_delivers(&igw, *ip)?)
                })?
        {
            fam = fam.union(&AddrSet::any_v4());
        }
        if ctx.has_v6
            && ctx
                .private_ips
                .iter()
                .filter(|i| i.is_ipv6())
                .try_fold(false, |acc, ip| {
                    Ok::<_, Error>(acc | world.ingress_delivers(&igw, *ip)?)
                })?
        {
            fam = fam.union(&AddrSet::any_v6());
        }
        // Sources routed back through the gateway; the VPC's own (`local`) ranges are
        // shown too when the port is internet-reachable at all, so `0.0.0.0/0` stays
        // `0.0.0.0/0` instead of "everything but 10.0.0.0/16".
        let sources = route_set(&ctx.subnet.routes, &Hop::Igw(igw.clone())).intersect(&fam);
        if !sources.is_empty() {
            let local = route_set(&ctx.subnet.routes, &Hop::Local).intersect(&fam);
            out.push(PathKind {
                from: "an Internet Gateway".to_owned(),
                gateway: PathStep::new(igw, "AWS::EC2::InternetGateway"),
                sources,
                display_extra: local,
            });
        }
    }
    for pcx in &world.inv.vpc_peering_connections {
        if pcx.status.as_ref().is_some_and(|s| s.code != "active") {
            continue;
        }
        let peer = if pcx.accepter_vpc_info.vpc_id == *vpc {
            &pcx.requester_vpc_info
        } else if pcx.requester_vpc_info.vpc_id == *vpc {
            &pcx.accepter_vpc_info
        } else {
            continue;
        };
        let by = format!("VPC peering connection {}", pcx.vpc_peering_connection_id);
        let mut cidrs = AddrSet::empty();
        for c in peer
            .cidr_block
            .iter()
            .chain(peer.cidr_block_set.iter().map(|c| &c.cidr_block))
            .chain(peer.ipv6_cidr_block_set.iter().map(|c| &c.ipv6_cidr_block))
        {
            cidrs = cidrs.union(&parse_set(c, &by)?);
        }
        let sources = route_set(
            &ctx.subnet.routes,
            &Hop::Pcx(pcx.vpc_peering_connection_id.clone()),
        )
        .intersect(&cidrs);
        if !sources.is_empty() {
            out.push(PathKind {
                from: format!("a peered VPC ({})", peer.vpc_id),
                gateway: PathStep::new(
                    pcx.vpc_peering_connection_id.clone(),
                    "AWS::EC2::VPCPeeringConnection",
                ),
                sources,
                display_extra: AddrSet::empty(),
            });
        }
    }
    for vgw in world.vgws_of(vpc) {
        let delivers = ctx.private_ips.iter().try_fold(false, |acc, ip| {
            Ok::<_, Error>(acc | world.ingress_delivers(&vgw, *ip)?)
        })?;
        let sources = route_set(&ctx.subnet.routes, &Hop::Vgw(vgw.clone()));
        if delivers && !sources.is_empty() {
            out.push(PathKind {
                from: "a Virtual Private Gateway".to_owned(),
                gateway: PathStep::new(vgw, "AWS::EC2::VPNGateway"),
                sources,
                display_extra: AddrSet::empty(),
            });
        }
    }
    Ok(out)
}

/// Internet-facing load balancers forwarding to healthy registered targets.
fn load_balancers(world: &World<'_>) -> Result<Vec<Finding>> {
    let inv = world.inv;
    let mut out = Vec::new();
    for lb in &inv.load_balancers {
        if lb.scheme != "internet-facing" {
            continue;
        }
        let lby = format!("load balancer {}", lb.load_balancer_name);
        let igws = world.igws_of(&lb.vpc_id);
        if igws.is_empty() {
            continue;
        }
        let mut lb_sg_rules = Vec::new();
        for g in &lb.security_groups {
            lb_sg_rules.extend(world.sg_rules(g, &lby)?);
        }
        let mut subnets = Vec::new();
        for z in &lb.availability_zones {
            subnets.push(world.subnet_ctx(&z.subnet_id, &lby)?);
        }
        let family = if lb
            .ip_address_type
            .as_deref()
            .is_some_and(|t| t.starts_with("dualstack"))
        {
            AddrSet::any()
        } else {
            AddrSet::any_v4()
        };
        // LB nodes: its ENIs ("ELB app/name/id"), else its subnets.
        let suffix = lb
            .load_balancer_arn
            .split_once("loadbalancer/")
            .map(|(_, s)| s.to_owned())
            .unwrap_or_default();
        let mut nodes = world
            .enis
            .iter()
            .filter(|e| {
                !suffix.is_empty() && e.description.as_deref() == Some(&format!("ELB {suffix}"))
            })
            .flat_map(eni_private)
            .fold(AddrSet::empty(), |a, ip| a.union(&AddrSet::ip(ip)));
        if nodes.is_empty() {
            for z in &lb.availability_zones {
                if let Some(c) = inv
                    .subnets
                    .iter()
                    .find(|s| s.subnet_id == z.subnet_id)
                    .and_then(|s| s.cidr_block.as_deref())
                {
                    nodes = nodes.union(&parse_set(c, &format!("subnet {}", z.subnet_id))?);
                }
            }
        }
        for l in inv
            .listeners
            .iter()
            .filter(|l| l.load_balancer_arn == lb.load_balancer_arn)
        {
            let protos = match l.protocol.as_str() {
                "UDP" => vec![Protocol::Udp],
                "TCP_UDP" => vec![Protocol::Tcp, Protocol::Udp],
                _ => vec![Protocol::Tcp],
            };
            let mut tgs: Vec<&str> = Vec::new();
            for a in l
                .default_actions
                .iter()
                .filter(|a| a.action_type == "forward")
            {
                tgs.extend(a.target_group_arn.as_deref());
                if let Some(fc) = &a.forward_config {
                    tgs.extend(fc.target_groups.iter().map(|t| t.target_group_arn.as_str()));
                }
            }
            tgs.sort_unstable();
            tgs.dedup();
            for proto in protos {
                // Front: LB security groups (none = open), LB subnets' NACLs and routes.
                let mut sg = if lb.security_groups.is_empty() {
                    AddrSet::any()
                } else {
                    AddrSet::empty()
                };
                let mut rules = Vec::new();
                for r in &lb_sg_rules {
                    if r.protos.contains(&proto) && r.ports.contains(u128::from(l.port)) {
                        sg = sg.union(&r.sources);
                        rules.push(format!("security group {}", r.desc));
                    }
                }
                let sg = sg.intersect(&family);
                let mut front = AddrSet::empty();
                let mut front_local = AddrSet::empty();
                let mut first_acl = None;
                for s in &subnets {
                    let inet = igws.iter().fold(AddrSet::empty(), |a, g| {
                        a.union(&route_set(&s.routes, &Hop::Igw(g.clone())))
                    });
                    let (ok, nums) = acl_eval(&s.acl_in, proto, l.port, &sg.intersect(&inet));
                    let ok = acl_return(&s.acl_out, proto, &ok);
                    if !ok.is_empty() {
                        first_acl.get_or_insert(s.acl.network_acl_id.clone());
                        rules.push(format!(
                            "network ACL {} inbound rule {}",
                            s.acl.network_acl_id,
                            nums.iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    front = front.union(&ok);
                    // The VPC's own ranges, shown alongside (see `path_kinds`).
                    let local = route_set(&s.routes, &Hop::Local);
                    let (okl, _) = acl_eval(&s.acl_in, proto, l.port, &sg.intersect(&local));
                    front_local = front_local.union(&acl_return(&s.acl_out, proto, &okl));
                }
                if front.is_empty() {
                    continue;
                }
                let front = front.union(&front_local);
                for tg_arn in &tgs {
                    let tg = inv
                        .target_groups
                        .iter()
                        .find(|t| t.target_group_arn == *tg_arn)
                        .ok_or_else(|| Error::Missing {
                            kind: "target group",
                            id: (*tg_arn).to_owned(),
                            by: format!("{lby} listener {}", l.port),
                        })?;
                    let healthy = inv
                        .target_health
                        .iter()
                        .filter(|h| h.target_group_arn == *tg_arn)
                        .flat_map(|h| h.target_health_descriptions.iter())
                        .filter(|d| d.target_health.state == "healthy");
                    for d in healthy {
                        let Some(port) = d.target.port.or(tg.port) else {
                            continue;
                        };
                        let eni = if tg.target_type.as_deref() == Some("ip") {
                            let ip: Option<IpAddr> = d.target.id.parse().ok();
                            world
                                .enis
                                .iter()
                                .find(|e| ip.is_some_and(|ip| eni_private(e).contains(&ip)))
                        } else {
                            world
                                .enis
                                .iter()
                                .find(|e| attached_to(e) == Some(&d.target.id))
                        };
                        let Some(eni) = eni else {
                            return Err(Error::Missing {
                                kind: "target",
                                id: d.target.id.clone(),
                                by: format!("target group {tg_arn}"),
                            });
                        };
                        let Some(iid) = attached_to(eni).cloned() else {
                            continue;
                        };
                        let ctx = world.eni_ctx(eni, &format!("target of {lby}"))?;
                        let back_from = if lb.lb_type == "network" {
                            front.clone()
                        } else {
                            nodes.clone()
                        };
                        let al = ctx.allowed(proto, port, &back_from);
                        if al.sources.is_empty() {
                            continue;
                        }
                        let reach = if lb.lb_type == "network" {
                            al.sources.clone()
                        } else {
                            front.clone()
                        };
                        let mut steps = vec![PathStep::new(
                            igws.first().cloned().unwrap_or_default(),
                            "AWS::EC2::InternetGateway",
                        )];
                        if let Some(a) = &first_acl {
                            steps.push(PathStep::new(a.clone(), "AWS::EC2::NetworkAcl"));
                        }
                        for g in &lb.security_groups {
                            steps.push(PathStep::new(g.clone(), "AWS::EC2::SecurityGroup"));
                        }
                        steps.push(PathStep::new(
                            lb.load_balancer_arn.clone(),
                            "AWS::ElasticLoadBalancingV2::LoadBalancer",
                        ));
                        steps.push(PathStep::new(
                            ctx.subnet.acl.network_acl_id.clone(),
                            "AWS::EC2::NetworkAcl",
                        ));
                        for g in &al.sgs {
                            steps.push(PathStep::new(g.clone(), "AWS::EC2::SecurityGroup"));
                        }
                        steps.push(PathStep::new(
                            ctx.eni_id.clone(),
                            "AWS::EC2::NetworkInterface",
                        ));
                        steps.push(PathStep::new(iid.clone(), "AWS::EC2::Instance"));
                        let mut all_rules = rules.clone();
                        all_rules.extend(al.rules.iter().cloned());
                        out.push(finding(
                            &iid,
                            PortRange { begin: port, end: port },
                            proto,
                            &format!(
                                "from an Internet Gateway through load balancer {} (listener port {})",
                                lb.load_balancer_name, l.port
                            ),
                            steps,
                            &reach,
                            &all_rules,
                        ));
                    }
                }
            }
        }
    }
    Ok(out)
}
