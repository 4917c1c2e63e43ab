//! Enrichment feeds: the CISA KEV catalogue (`cisa-kev.json.gz`) and the EPSS scores
//! (`epss-scores.csv.gz`), read whole and checked against the counts the snapshot's README
//! states, plus hostile inputs.

use std::io::{BufReader, Read};

use scry_feeds::enrich::{EnrichError, epss, kev};

fn gunzip(name: &str) -> Vec<u8> {
    let path = scry_test::vulndb_dir().join(name);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut out)
        .expect("gunzips");
    out
}

#[test]
fn kev_catalogue() {
    let catalog = kev::parse_catalog(&gunzip("cisa-kev.json.gz")).expect("parses");
    assert_eq!(catalog.catalog_version, "2025.08.25");
    assert_eq!(catalog.date_released, "2025-08-25T17:04:19.9796Z");
    let entries = catalog.vulnerabilities;
    assert_eq!(entries.len(), 1404);
    assert_eq!(entries.iter().filter(|e| e.ransomware()).count(), 293);
    let git = &entries[0];
    assert_eq!(git.cve_id, "CVE-2025-48384");
    assert_eq!(git.vendor_project, "Git");
    assert_eq!(git.product, "Git");
    assert_eq!(git.vulnerability_name, "Git Link Following Vulnerability");
    assert_eq!(git.date_added, "2025-08-25");
    assert_eq!(git.due_date, "2025-09-15");
    assert_eq!(git.known_ransomware_campaign_use, "Unknown");
    assert_eq!(git.cwes, ["CWE-59", "CWE-436"]);
    assert!(git.notes.contains("GHSA-vwqx-4fm8-6qc9"));
    assert_eq!(
        kev::parse(&gunzip("cisa-kev.json.gz"))
            .expect("parses")
            .len(),
        1404
    );
}

#[test]
fn kev_hostile() {
    for (text, want) in [
        ("", "not the catalogue JSON"),
        ("[]", "not the catalogue JSON"),
        (
            r#"{"catalogVersion": "1", "dateReleased": "x"}"#,
            "missing field `vulnerabilities`",
        ),
        (
            r#"{"catalogVersion": "1", "dateReleased": "x", "vulnerabilities": [{"cveID": "CVE-2020-0001"}]}"#,
            "vulnerabilities[0] (CVE-2020-0001): missing field",
        ),
        (
            r#"{"catalogVersion": "1", "dateReleased": "x", "vulnerabilities": [{"cveID": "nope", "vendorProject": "", "product": "", "vulnerabilityName": "", "dateAdded": "", "shortDescription": "", "requiredAction": "", "dueDate": ""}]}"#,
            "vulnerabilities[0]: `cveID` `nope` is no CVE id",
        ),
        (
            r#"{"catalogVersion": "1", "dateReleased": "x", "vulnerabilities": [1"#,
            "not the catalogue JSON",
        ),
    ] {
        let err = kev::parse(text.as_bytes()).expect_err(text).to_string();
        assert!(err.starts_with("CISA KEV catalogue: "), "{err}");
        assert!(err.contains(want), "{text}: {err}");
    }
    // Optional fields of older catalogues default to empty.
    let old = r#"{"catalogVersion": "1", "dateReleased": "x", "vulnerabilities": [{"cveID": "CVE-2020-0001", "vendorProject": "v", "product": "p", "vulnerabilityName": "n", "dateAdded": "2021-11-03", "shortDescription": "d", "requiredAction": "a", "dueDate": "2021-11-17"}]}"#;
    let entries = kev::parse(old.as_bytes()).expect("parses");
    assert!(entries[0].cwes.is_empty() && !entries[0].ransomware());
}

#[test]
fn epss_snapshot_streams() {
    let path = scry_test::vulndb_dir().join("epss-scores.csv.gz");
    let file = std::fs::File::open(&path).expect("opens");
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut count = 0usize;
    let mut first = None;
    let mut max = 0f32;
    for entry in epss::parse(reader) {
        let entry = entry.expect("every line of the snapshot reads");
        max = max.max(entry.epss);
        if first.is_none() {
            first = Some(entry);
        }
        count += 1;
    }
    assert_eq!(count, 360_142);
    assert_eq!(
        first,
        Some(epss::EpssEntry {
            cve: "CVE-1999-1593".into(),
            epss: 0.181_26,
            percentile: 0.969_46
        })
    );
    assert!(max <= 1.0 && max > 0.9);
}

#[test]
fn epss_hostile() {
    let text = b"#model_version:v2025.03.14,score_date:2025-08-16T00:00:00Z\ncve,epss,percentile\n\
                 CVE-2020-0001,0.5,0.9\nCVE-2020-0002,-0.1,0.9\nCVE-2020-0003,0.1\n\
                 CVE-2020-0004,0.1,0.2,0.3\nCVE-2020-0005;0.1;0.2\nfoo,0.1,0.2\n\
                 cve,score,rank\nCVE-2020-0006,0.1,inf\n\xff\nCVE-2020-0007,0.01,0.02";
    let mut reader = epss::parse(&text[..]);
    let got: Vec<Result<String, String>> = reader
        .by_ref()
        .map(|r| r.map(|e| e.cve).map_err(|e| e.to_string()))
        .collect();
    assert_eq!(reader.model_version(), Some("v2025.03.14"));
    assert_eq!(reader.score_date(), Some("2025-08-16T00:00:00Z"));
    let want: [Result<&str, &str>; 10] = [
        Ok("CVE-2020-0001"),
        Err("EPSS CSV line 4: epss `-0.1` is not a number in [0, 1]"),
        Err("EPSS CSV line 5: expected 3 `,`-separated fields"),
        Err("EPSS CSV line 6: expected 3 `,`-separated fields"),
        Err("EPSS CSV line 7: expected 3 `,`-separated fields"),
        Err("EPSS CSV line 8: `foo` is no CVE id"),
        Err("EPSS CSV line 9: header `cve,score,rank` is not `cve,epss,percentile`"),
        Err("EPSS CSV line 10: percentile `inf` is not a number in [0, 1]"),
        Err("EPSS CSV line 11: not UTF-8"),
        Ok("CVE-2020-0007"),
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(want) {
        match (g, w) {
            (Ok(g), Ok(w)) => assert_eq!(g, w),
            (Err(g), Err(w)) => assert!(g.starts_with(w), "{g:?} vs {w:?}"),
            _ => panic!("{g:?} vs {w:?}"),
        }
    }

    // A read error ends the stream after naming its line.
    struct Failing(u8);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("disk on fire"));
            }
            self.0 -= 1;
            let line = b"CVE-2020-0001,0.1,0.2\n";
            buf[..line.len()].copy_from_slice(line);
            Ok(line.len())
        }
    }
    let got: Vec<_> = epss::parse(BufReader::new(Failing(2))).collect();
    assert_eq!(got.len(), 3);
    assert!(matches!(&got[2], Err(EnrichError::Io { line: 3, .. })));
}

proptest::proptest! {
    /// Any bytes: no panic, one item per non-empty, non-comment, non-header line at most.
    #[test]
    fn epss_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..500)) {
        let lines = bytes.split(|b| *b == b'\n').count();
        let n = epss::parse(&bytes[..]).count();
        proptest::prop_assert!(n <= lines);
    }

    #[test]
    fn kev_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
        let _ = kev::parse(&bytes);
    }
}
