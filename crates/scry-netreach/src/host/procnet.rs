//! `/proc/net/{tcp,tcp6,udp,udp6}`, `/proc/PID/fd` socket inodes, interface addresses.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Deserialize;

use crate::report::Protocol;

#[derive(Debug, thiserror::Error)]
pub(crate) enum ProcError {
    #[error("{file}: line {line}: {reason}")]
    Line {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("{file}: not `ip -j addr` JSON: {source}")]
    IpJson {
        file: String,
        #[source]
        source: serde_json::Error,
    },
}

/// A listening TCP socket or an unconnected UDP socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Socket {
    pub(crate) proto: Protocol,
    pub(crate) addr: IpAddr,
    pub(crate) port: u16,
    pub(crate) inode: u64,
    /// From `tcp6`/`udp6`.
    pub(crate) v6_table: bool,
}

fn hex_addr(s: &str) -> Option<IpAddr> {
    match s.len() {
        8 => {
            let v = u32::from_str_radix(s, 16).ok()?;
            Some(IpAddr::V4(Ipv4Addr::from(v.to_le_bytes())))
        }
        32 => {
            let mut b = [0u8; 16];
            for i in 0..4 {
                let v = u32::from_str_radix(s.get(i * 8..i * 8 + 8)?, 16).ok()?;
                b[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            Some(IpAddr::V6(Ipv6Addr::from(b)))
        }
        _ => None,
    }
}

fn addr_port(s: &str) -> Option<(IpAddr, u16)> {
    let (a, p) = s.split_once(':')?;
    Some((hex_addr(a)?, u16::from_str_radix(p, 16).ok()?))
}

/// Parses one `/proc/net/{tcp,udp}{,6}` file.
pub(crate) fn parse_sockets(
    file: &str,
    text: &str,
    proto: Protocol,
    v6_table: bool,
) -> Result<Vec<Socket>, ProcError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        let err = |reason: &str| ProcError::Line {
            file: file.to_owned(),
            line: i + 1,
            reason: reason.to_owned(),
        };
        if f.len() < 10 {
            return Err(err("expected at least 10 columns"));
        }
        let (addr, port) = addr_port(f[1]).ok_or_else(|| err("bad local address"))?;
        let (raddr, rport) = addr_port(f[2]).ok_or_else(|| err("bad remote address"))?;
        let state = f[3];
        let inode: u64 = f[9].parse().map_err(|_| err("bad inode"))?;
        let listening = match proto {
            Protocol::Tcp => state == "0A",
            Protocol::Udp => state == "07" && raddr.is_unspecified() && rport == 0,
        };
        if listening {
            out.push(Socket {
                proto,
                addr,
                port,
                inode,
                v6_table,
            });
        }
    }
    Ok(out)
}

/// A process: pid, `comm`, `cmdline`.
#[derive(Debug, Clone)]
pub(crate) struct Process {
    pub(crate) pid: u32,
    pub(crate) comm: String,
}

/// Reads `<root>/proc/*/fd/*` links (`socket:[INODE]`) into inode → process.
pub(crate) fn socket_owners(root: &std::path::Path) -> BTreeMap<u64, Process> {
    let mut out = BTreeMap::new();
    let Ok(dir) = std::fs::read_dir(root.join("proc")) else {
        return out;
    };
    for e in dir.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(e.path().join("fd")) else {
            continue;
        };
        let mut comm: Option<String> = None;
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let t = target.to_string_lossy();
            let Some(inode) = t
                .strip_prefix("socket:[")
                .and_then(|x| x.strip_suffix(']'))
                .and_then(|x| x.parse::<u64>().ok())
            else {
                continue;
            };
            let c = comm.get_or_insert_with(|| {
                let c = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
                let c = c.trim().to_owned();
                if c.is_empty() {
                    let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
                    let first = cmd.split(|b| *b == 0).next().unwrap_or_default();
                    let s = String::from_utf8_lossy(first).into_owned();
                    s.rsplit('/').next().unwrap_or("unknown").to_owned()
                } else {
                    c
                }
            });
            out.entry(inode).or_insert_with(|| Process {
                pid,
                comm: c.clone(),
            });
        }
    }
    out
}

/// An address on an interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IfAddr {
    pub(crate) ifname: String,
    pub(crate) addr: IpAddr,
}

#[derive(Deserialize)]
struct IpLink {
    #[serde(default)]
    ifname: String,
    #[serde(default)]
    addr_info: Vec<IpAddrInfo>,
}

#[derive(Deserialize)]
struct IpAddrInfo {
    #[serde(default)]
    local: Option<IpAddr>,
}

/// `ip -j addr` output.
pub(crate) fn parse_ip_json(file: &str, text: &str) -> Result<Vec<IfAddr>, ProcError> {
    let links: Vec<IpLink> = serde_json::from_str(text).map_err(|source| ProcError::IpJson {
        file: file.to_owned(),
        source,
    })?;
    Ok(links
        .into_iter()
        .flat_map(|l| {
            let name = l.ifname;
            l.addr_info.into_iter().filter_map(move |a| {
                Some(IfAddr {
                    ifname: name.clone(),
                    addr: a.local?,
                })
            })
        })
        .collect())
}

/// `/proc/net/if_inet6`: `ADDR IFINDEX PLEN SCOPE FLAGS NAME`.
pub(crate) fn parse_if_inet6(text: &str) -> Vec<IfAddr> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let hex = f.first()?;
            let mut b = [0u8; 16];
            for (i, byte) in b.iter_mut().enumerate() {
                *byte = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
            }
            Some(IfAddr {
                ifname: (*f.get(5)?).to_owned(),
                addr: IpAddr::V6(Ipv6Addr::from(b)),
            })
        })
        .collect()
}

/// `/proc/net/fib_trie`: the `/32 host LOCAL` leaves are this host's IPv4 addresses
/// (the file does not name interfaces, so they get `*`).
pub(crate) fn parse_fib_trie(text: &str) -> Vec<IfAddr> {
    let mut out: Vec<IfAddr> = Vec::new();
    let mut last: Option<Ipv4Addr> = None;
    for l in text.lines() {
        let t = l.trim_start_matches([' ', '|', '-', '+']).trim();
        if let Ok(ip) = t.parse::<Ipv4Addr>() {
            last = Some(ip);
        } else if t.contains("host LOCAL")
            && let Some(ip) = last
            && !out.iter().any(|a| a.addr == IpAddr::V4(ip))
        {
            out.push(IfAddr {
                ifname: if ip.is_loopback() { "lo" } else { "*" }.to_owned(),
                addr: IpAddr::V4(ip),
            });
        }
    }
    out
}
