//! Transitive alias groups: CVE ↔ GHSA ↔ PYSEC ↔ RUSTSEC ↔ distro ids.
//!
//! Two ids are the same vulnerability when one record lists the other in `aliases`, or
//! when a record names exactly one `upstream` id (a distro's view of one CVE, like
//! `UBUNTU-CVE-2024-1234` or `ALPINE-CVE-2024-1234`). A record with several `upstream`
//! ids (a DSA fixing ten CVEs) is not the same as any one of them, so it joins no group.
//! `related` never groups.
//!
//! Two groups that each hold a CVE, and no CVE in common, are joined only by a record that
//! names CVEs of both itself (a GHSA listing two CVEs says they are one advisory). An id
//! that is merely an alias of two records does not bridge them: RubySec gives
//! CVE-2013-4287 and CVE-2013-4363 (two flaws in rubygems) the same OSVDB id, and joining
//! them would report one under the other's name.

use std::collections::{BTreeMap, HashMap};

use scry_osv::Record;

/// Groups ids; each group is sorted with its chosen id first: the CVE when the group
/// has one (the smallest, if several), else the smallest id.
pub(crate) fn group_aliases<'a>(records: impl Iterator<Item = &'a Record>) -> Vec<Vec<String>> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut names: Vec<String> = Vec::new();

    fn id_of(
        s: &str,
        index: &mut HashMap<String, usize>,
        parent: &mut Vec<usize>,
        names: &mut Vec<String>,
    ) -> usize {
        if let Some(&i) = index.get(s) {
            return i;
        }
        let i = parent.len();
        parent.push(i);
        names.push(s.to_owned());
        index.insert(s.to_owned(), i);
        i
    }
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }

    // The CVE ids of each group, kept at its root.
    let mut cves: Vec<Vec<usize>> = Vec::new();
    for r in records {
        let single_upstream = (r.upstream.len() == 1).then(|| &r.upstream[0]);
        let own: Vec<&str> = std::iter::once(r.id.as_str())
            .chain(r.aliases.iter().chain(single_upstream).map(|s| s.trim()))
            .filter(|s| !s.is_empty())
            .collect();
        let mut ids = Vec::with_capacity(own.len());
        for s in &own {
            let i = id_of(s, &mut index, &mut parent, &mut names);
            if i == cves.len() {
                // A new id: its own group, holding itself when it is a CVE.
                cves.push(if s.starts_with("CVE-") {
                    vec![i]
                } else {
                    Vec::new()
                });
            }
            ids.push(i);
        }
        // The CVEs this record itself names (as their current groups' roots see them).
        let named: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|&i| names[i].starts_with("CVE-"))
            .collect();
        let me = ids[0];
        for &o in &ids[1..] {
            let (a, b) = (find(&mut parent, me), find(&mut parent, o));
            if a == b {
                continue;
            }
            // Joined when either side has no CVE, they share one, or this record names
            // CVEs of both; otherwise the link is only a shared alias: not joined.
            let names_both = cves[a].iter().any(|c| named.contains(c))
                && cves[b].iter().any(|c| named.contains(c));
            let compatible = cves[a].is_empty()
                || cves[b].is_empty()
                || cves[a].iter().any(|c| cves[b].contains(c))
                || names_both;
            if !compatible {
                continue;
            }
            let (root, child) = (a.min(b), a.max(b));
            parent[child] = root;
            let moved = std::mem::take(&mut cves[child]);
            cves[root].extend(moved);
        }
    }

    let mut groups: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(name.clone());
    }
    let mut out: Vec<Vec<String>> = groups
        .into_values()
        .map(|mut members| {
            members.sort();
            members.dedup();
            if let Some(pos) = members.iter().position(|m| m.starts_with("CVE-")) {
                let cve = members.remove(pos);
                members.insert(0, cve);
            }
            members
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, aliases: &[&str], upstream: &[&str]) -> Record {
        let json = serde_json::json!({
            "id": id, "modified": "2024-01-01T00:00:00Z",
            "aliases": aliases, "upstream": upstream,
        });
        serde_json::from_value(json).expect("valid test record")
    }

    #[test]
    fn transitive_and_cve_first() {
        let recs = [
            rec("GHSA-aaaa", &["CVE-2024-1"], &[]),
            rec("PYSEC-2024-9", &["GHSA-aaaa"], &[]),
            rec("UBUNTU-CVE-2024-1", &[], &["CVE-2024-1"]),
            rec("DSA-1-1", &[], &["CVE-2024-1", "CVE-2024-2"]),
        ];
        let groups = group_aliases(recs.iter());
        assert!(groups.contains(&vec![
            "CVE-2024-1".to_owned(),
            "GHSA-aaaa".to_owned(),
            "PYSEC-2024-9".to_owned(),
            "UBUNTU-CVE-2024-1".to_owned()
        ]));
        assert!(groups.contains(&vec!["DSA-1-1".to_owned()]));
    }

    #[test]
    fn a_shared_alias_does_not_join_two_cves_but_a_record_naming_both_does() {
        let recs = [
            rec(
                "RUBYSEC-a:CVE-2013-4287",
                &["CVE-2013-4287", "OSVDB-97163"],
                &[],
            ),
            rec(
                "RUBYSEC-a:CVE-2013-4363",
                &["CVE-2013-4363", "OSVDB-97163"],
                &[],
            ),
            rec("GHSA-bbbb", &["CVE-2024-7", "CVE-2024-8"], &[]),
            rec("PYSEC-2024-1", &["CVE-2024-8"], &[]),
        ];
        let groups = group_aliases(recs.iter());
        let of = |id: &str| {
            groups
                .iter()
                .find(|g| g.iter().any(|m| m == id))
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(
            of("CVE-2013-4287"),
            ["CVE-2013-4287", "OSVDB-97163", "RUBYSEC-a:CVE-2013-4287"]
        );
        assert_eq!(
            of("CVE-2013-4363"),
            ["CVE-2013-4363", "RUBYSEC-a:CVE-2013-4363"]
        );
        assert_eq!(
            of("PYSEC-2024-1"),
            ["CVE-2024-7", "CVE-2024-8", "GHSA-bbbb", "PYSEC-2024-1"]
        );
    }
}
