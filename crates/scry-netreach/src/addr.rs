//! Sets of addresses and ports as sorted interval lists, so rule evaluation can work on
//! whole source regions at once instead of one address at a time.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// Sorted, disjoint, non-adjacent inclusive intervals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Ranges(Vec<(u128, u128)>);

impl Ranges {
    pub(crate) fn empty() -> Self {
        Self(Vec::new())
    }

    pub(crate) fn single(a: u128, b: u128) -> Self {
        if a <= b {
            Self(vec![(a, b)])
        } else {
            Self::empty()
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn intervals(&self) -> &[(u128, u128)] {
        &self.0
    }

    pub(crate) fn contains(&self, v: u128) -> bool {
        self.0.iter().any(|&(a, b)| a <= v && v <= b)
    }

    pub(crate) fn union(&self, o: &Self) -> Self {
        let mut all: Vec<(u128, u128)> = self.0.iter().chain(o.0.iter()).copied().collect();
        all.sort_unstable();
        let mut out: Vec<(u128, u128)> = Vec::with_capacity(all.len());
        for (a, b) in all {
            if let Some(last) = out.last_mut()
                && (a <= last.1 || a == last.1.saturating_add(1))
            {
                last.1 = last.1.max(b);
                continue;
            }
            out.push((a, b));
        }
        Self(out)
    }

    pub(crate) fn intersect(&self, o: &Self) -> Self {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < self.0.len() && j < o.0.len() {
            let (a1, b1) = self.0[i];
            let (a2, b2) = o.0[j];
            let a = a1.max(a2);
            let b = b1.min(b2);
            if a <= b {
                out.push((a, b));
            }
            if b1 < b2 {
                i += 1;
            } else {
                j += 1;
            }
        }
        Self(out)
    }

    pub(crate) fn subtract(&self, o: &Self) -> Self {
        let mut out = Vec::new();
        for &(a, b) in &self.0 {
            let mut cur = a;
            let mut done = false;
            for &(c, d) in &o.0 {
                if d < cur || c > b {
                    continue;
                }
                if c > cur {
                    out.push((cur, c - 1));
                }
                if d >= b {
                    done = true;
                    break;
                }
                cur = d + 1;
            }
            if !done {
                out.push((cur, b));
            }
        }
        Self(out)
    }
}

/// A set of IPv4 and IPv6 addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AddrSet {
    pub(crate) v4: Ranges,
    pub(crate) v6: Ranges,
}

const V4_MAX: u128 = u32::MAX as u128;

impl AddrSet {
    /// No address.
    #[must_use]
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every IPv4 and IPv6 address.
    #[must_use]
    pub fn any() -> Self {
        Self {
            v4: Ranges::single(0, V4_MAX),
            v6: Ranges::single(0, u128::MAX),
        }
    }

    /// Every IPv4 address.
    #[must_use]
    pub fn any_v4() -> Self {
        Self {
            v4: Ranges::single(0, V4_MAX),
            v6: Ranges::empty(),
        }
    }

    /// Every IPv6 address.
    #[must_use]
    pub fn any_v6() -> Self {
        Self {
            v4: Ranges::empty(),
            v6: Ranges::single(0, u128::MAX),
        }
    }

    /// The addresses of one network.
    #[must_use]
    pub fn net(net: IpNet) -> Self {
        match net {
            IpNet::V4(n) => Self {
                v4: Ranges::single(
                    u128::from(u32::from(n.network())),
                    u128::from(u32::from(n.broadcast())),
                ),
                v6: Ranges::empty(),
            },
            IpNet::V6(n) => Self {
                v4: Ranges::empty(),
                v6: Ranges::single(u128::from(n.network()), u128::from(n.broadcast())),
            },
        }
    }

    /// One address.
    #[must_use]
    pub fn ip(ip: IpAddr) -> Self {
        Self::net(IpNet::from(ip))
    }

    /// An inclusive address range (both ends of one family; otherwise empty).
    #[must_use]
    pub fn range(a: IpAddr, b: IpAddr) -> Self {
        match (a, b) {
            (IpAddr::V4(a), IpAddr::V4(b)) => Self {
                v4: Ranges::single(u128::from(u32::from(a)), u128::from(u32::from(b))),
                v6: Ranges::empty(),
            },
            (IpAddr::V6(a), IpAddr::V6(b)) => Self {
                v4: Ranges::empty(),
                v6: Ranges::single(u128::from(a), u128::from(b)),
            },
            _ => Self::empty(),
        }
    }

    /// Whether the set holds no address.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// Set union.
    #[must_use]
    pub fn union(&self, o: &Self) -> Self {
        Self {
            v4: self.v4.union(&o.v4),
            v6: self.v6.union(&o.v6),
        }
    }

    /// Set intersection.
    #[must_use]
    pub fn intersect(&self, o: &Self) -> Self {
        Self {
            v4: self.v4.intersect(&o.v4),
            v6: self.v6.intersect(&o.v6),
        }
    }

    /// Set difference.
    #[must_use]
    pub fn subtract(&self, o: &Self) -> Self {
        Self {
            v4: self.v4.subtract(&o.v4),
            v6: self.v6.subtract(&o.v6),
        }
    }

    /// Only the IPv4 part.
    #[must_use]
    pub fn v4_only(&self) -> Self {
        Self {
            v4: self.v4.clone(),
            v6: Ranges::empty(),
        }
    }

    /// Only the IPv6 part.
    #[must_use]
    pub fn v6_only(&self) -> Self {
        Self {
            v4: Ranges::empty(),
            v6: self.v6.clone(),
        }
    }

    /// Whether `ip` is in the set.
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => self.v4.contains(u128::from(u32::from(a))),
            IpAddr::V6(a) => self.v6.contains(u128::from(a)),
        }
    }

    /// Whether the set holds an address outside the private, loopback, link-local and
    /// other special-purpose ranges (that is, an internet address).
    #[must_use]
    pub fn has_public(&self) -> bool {
        !self.subtract(&non_public()).is_empty()
    }

    /// The smallest list of CIDRs covering exactly the set, IPv4 first.
    #[must_use]
    pub fn to_cidrs(&self) -> Vec<IpNet> {
        let mut out = Vec::new();
        for &(a, b) in self.v4.intervals() {
            for (base, len) in split_cidrs(a, b, 32) {
                let ip = Ipv4Addr::from(u32::try_from(base).unwrap_or(u32::MAX));
                if let Ok(n) = ipnet::Ipv4Net::new(ip, len) {
                    out.push(IpNet::V4(n));
                }
            }
        }
        for &(a, b) in self.v6.intervals() {
            for (base, len) in split_cidrs(a, b, 128) {
                if let Ok(n) = ipnet::Ipv6Net::new(Ipv6Addr::from(base), len) {
                    out.push(IpNet::V6(n));
                }
            }
        }
        out
    }

    /// [`Self::to_cidrs`] as strings.
    #[must_use]
    pub fn to_cidr_strings(&self) -> Vec<String> {
        self.to_cidrs().iter().map(ToString::to_string).collect()
    }
}

impl fmt::Display for AddrSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.to_cidr_strings();
        if c.is_empty() {
            f.write_str("(none)")
        } else {
            f.write_str(&c.join(","))
        }
    }
}

/// Splits the inclusive interval `a..=b` of a `width`-bit space into aligned blocks.
fn split_cidrs(mut a: u128, b: u128, width: u8) -> Vec<(u128, u8)> {
    let mut out = Vec::new();
    loop {
        if a > b {
            break;
        }
        // Largest k with a aligned to 2^k and a + 2^k - 1 <= b.
        let mut k: u32 = a.trailing_zeros().min(u32::from(width));
        loop {
            let last = if k >= 128 {
                u128::MAX
            } else {
                a.saturating_add((1u128 << k) - 1)
            };
            if last <= b {
                break;
            }
            k -= 1;
        }
        let len = width - u8::try_from(k).unwrap_or(width);
        out.push((a, len));
        let size_minus_one = if k >= 128 {
            u128::MAX
        } else {
            (1u128 << k) - 1
        };
        match a.checked_add(size_minus_one).and_then(|x| x.checked_add(1)) {
            Some(next) => a = next,
            None => break,
        }
        if out.len() > 512 {
            break;
        }
    }
    out
}

/// Private, loopback, link-local, CGNAT, multicast and other non-internet ranges.
pub(crate) fn non_public() -> AddrSet {
    const NETS: &[&str] = &[
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/3",
        "::/128",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    ];
    NETS.iter()
        .filter_map(|s| s.parse::<IpNet>().ok())
        .fold(AddrSet::empty(), |acc, n| acc.union(&AddrSet::net(n)))
}

/// A set of ports (0-65535).
pub(crate) type PortSet = Ranges;

pub(crate) fn ports(a: u16, b: u16) -> PortSet {
    Ranges::single(u128::from(a), u128::from(b))
}

/// Splits `lo..=hi` into the elementary segments on which every set in `sets` is either
/// wholly in or wholly out.
pub(crate) fn segments<'a>(
    sets: impl IntoIterator<Item = &'a PortSet>,
    lo: u16,
    hi: u16,
) -> Vec<(u16, u16)> {
    let mut cuts: Vec<u32> = vec![u32::from(lo), u32::from(hi) + 1];
    for s in sets {
        for &(a, b) in s.intervals() {
            let a = u32::try_from(a).unwrap_or(u32::MAX);
            let b1 = u32::try_from(b).unwrap_or(u32::MAX - 1).saturating_add(1);
            for c in [a, b1] {
                if c > u32::from(lo) && c <= u32::from(hi) {
                    cuts.push(c);
                }
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter_map(|w| {
            let a = u16::try_from(w[0]).ok()?;
            let b = u16::try_from(w[1] - 1).ok()?;
            Some((a, b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &[&str]) -> AddrSet {
        s.iter()
            .map(|x| AddrSet::net(x.parse().expect("test cidr")))
            .fold(AddrSet::empty(), |a, b| a.union(&b))
    }

    #[test]
    fn cidr_roundtrip() {
        assert_eq!(AddrSet::any().to_cidr_strings(), vec!["0.0.0.0/0", "::/0"]);
        let s = AddrSet::any_v4().subtract(&set(&["10.0.0.0/8"]));
        assert_eq!(s.to_cidrs().len(), 8);
        assert!(s.has_public());
        assert!(!set(&["10.1.0.0/16", "fd00::/8"]).has_public());
        let r = set(&["10.0.0.0/25", "10.0.0.128/25"]);
        assert_eq!(r.to_cidr_strings(), vec!["10.0.0.0/24"]);
    }

    #[test]
    fn segmenting() {
        let a = ports(20, 30);
        let b = ports(25, 40);
        assert_eq!(
            segments([&a, &b], 0, 65535),
            vec![(0, 19), (20, 24), (25, 30), (31, 40), (41, 65535)]
        );
    }
}
