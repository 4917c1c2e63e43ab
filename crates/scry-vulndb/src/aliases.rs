//! Transitive alias groups: CVE ↔ GHSA ↔ PYSEC ↔ RUSTSEC ↔ distro ids.
//!
//! Two ids are the same vulnerability when one record lists the other in `aliases`, or
//! when a record names exactly one `upstream` id (a distro's view of one CVE, like
//! `UBUNTU-CVE-2024-1234` or `ALPINE-CVE-2024-1234`). A record with several `upstream`
//! ids (a DSA fixing ten CVEs) is not the same as any one of them, so it joins no group.
//! `related` never groups.

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

    for r in records {
        let me = id_of(&r.id, &mut index, &mut parent, &mut names);
        let single_upstream = (r.upstream.len() == 1).then(|| &r.upstream[0]);
        for other in r.aliases.iter().chain(single_upstream) {
            let other = other.trim();
            if other.is_empty() || other == r.id {
                continue;
            }
            let o = id_of(other, &mut index, &mut parent, &mut names);
            let (a, b) = (find(&mut parent, me), find(&mut parent, o));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
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
}
