//! Property tests: hostile input never panics; Display → parse round-trips.

use proptest::prelude::*;
use scry_cvss::Vector;

const SEEDS: &[&str] = &[
    "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:POC/RL:OF/RC:C/CDP:H/TD:H/CR:H/IR:H/AR:H",
    "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:L/I:L/A:L/E:U/MPR:L/MI:H",
    "CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N/E:P/RL:O/RC:C/CR:H/MAV:A/MS:C/MC:L",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N/E:U/CR:H/MAV:A/MSI:S/U:Red",
];

/// Random valid vectors: every metric of a seed's version, random values.
fn valid_vector() -> impl Strategy<Value = String> {
    let v3: Vec<(&str, &[&str])> = vec![
        ("AV", &["N", "A", "L", "P"]),
        ("AC", &["L", "H"]),
        ("PR", &["N", "L", "H"]),
        ("UI", &["N", "R"]),
        ("S", &["U", "C"]),
        ("C", &["H", "L", "N"]),
        ("I", &["H", "L", "N"]),
        ("A", &["H", "L", "N"]),
        ("E", &["X", "U", "P", "F", "H"]),
        ("MAV", &["X", "N", "A", "L", "P"]),
        ("MS", &["X", "U", "C"]),
        ("CR", &["X", "L", "M", "H"]),
    ];
    let picks: Vec<_> = v3
        .into_iter()
        .map(|(k, vals)| prop::sample::select(vals).prop_map(move |v| format!("{k}:{v}")))
        .collect();
    (picks, prop::bool::ANY).prop_map(|(parts, v30)| {
        format!(
            "CVSS:{}/{}",
            if v30 { "3.0" } else { "3.1" },
            parts.join("/")
        )
    })
}

/// Random valid v4.0 vectors: a base vector plus random threat, environmental and
/// supplemental metrics.
fn valid_v4() -> impl Strategy<Value = String> {
    let metrics: Vec<(&str, &[&str])> = vec![
        ("AV", &["N", "A", "L", "P"]),
        ("AC", &["L", "H"]),
        ("AT", &["N", "P"]),
        ("PR", &["N", "L", "H"]),
        ("UI", &["N", "P", "A"]),
        ("VC", &["H", "L", "N"]),
        ("VI", &["H", "L", "N"]),
        ("VA", &["H", "L", "N"]),
        ("SC", &["H", "L", "N"]),
        ("SI", &["H", "L", "N"]),
        ("SA", &["H", "L", "N"]),
        ("E", &["X", "A", "P", "U"]),
        ("CR", &["X", "H", "M", "L"]),
        ("MAV", &["X", "N", "A", "L", "P"]),
        ("MVC", &["X", "H", "L", "N"]),
        ("MSI", &["X", "S", "H", "L", "N"]),
        ("MSA", &["X", "S", "H", "L", "N"]),
        ("S", &["X", "N", "P"]),
        ("U", &["X", "Clear", "Green", "Amber", "Red"]),
    ];
    let picks: Vec<_> = metrics
        .into_iter()
        .map(|(k, vals)| prop::sample::select(vals).prop_map(move |v| format!("{k}:{v}")))
        .collect();
    picks.prop_map(|parts| format!("CVSS:4.0/{}", parts.join("/")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,200}") {
        if let Ok(v) = Vector::parse(&s) {
            let _ = v.scores();
        }
    }

    #[test]
    fn vector_alphabet_never_panics(s in "(CVSS:[34]\\.[01]/)?([A-Z]{1,3}:[A-Za-z]{1,5}/?){0,35}") {
        if let Ok(v) = Vector::parse(&s) {
            let sc = v.scores();
            prop_assert!((0.0..=10.0).contains(&sc.overall));
        }
    }

    #[test]
    fn mutated_vectors_never_panic(seed in prop::sample::select(SEEDS), pos in 0usize..200, byte in any::<u8>(), cut in 0usize..200) {
        let mut bytes = seed.as_bytes().to_vec();
        if !bytes.is_empty() {
            let i = pos % bytes.len();
            bytes[i] = byte;
            bytes.truncate(cut.max(i + 1));
        }
        let s = String::from_utf8_lossy(&bytes);
        if let Ok(v) = Vector::parse(&s) {
            let sc = v.scores();
            prop_assert!((0.0..=10.0).contains(&sc.overall), "{s}: {sc:?}");
        }
    }

    #[test]
    fn display_parse_round_trip(s in valid_vector()) {
        let v = Vector::parse(&s).unwrap();
        let again = Vector::parse(&v.to_string()).unwrap();
        prop_assert_eq!(v, again);
        prop_assert_eq!(v.scores(), again.scores());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn v4_display_parse_round_trip(s in valid_v4()) {
        let v = Vector::parse(&s).unwrap();
        let again = Vector::parse(&v.to_string()).unwrap();
        prop_assert_eq!(v, again);
        let sc = v.scores();
        prop_assert!((0.0..=10.0).contains(&sc.overall));
        prop_assert_eq!(sc, again.scores());
    }
}

#[test]
fn seeds_round_trip() {
    for s in SEEDS {
        let v = Vector::parse(s).unwrap();
        assert_eq!(Vector::parse(&v.to_string()).unwrap(), v);
    }
}
