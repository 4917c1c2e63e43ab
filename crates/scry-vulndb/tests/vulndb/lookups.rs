//! Every package named by a record is found by (ecosystem, name), in every spelling.

use scry_core::Ecosystem;

#[test]
fn every_record_is_found_by_each_of_its_packages() {
    let db = crate::open_full();
    let n = db.record_count().expect("count");
    let mut checked = 0;
    // Every 7th record keeps the test quick while touching every source.
    for o in (0..n).step_by(7) {
        let r = db.record_at(o).expect("record");
        if r.is_withdrawn() {
            assert!(db.lookup_ordinals(&Ecosystem::parse("PyPI"), "x").is_ok());
            continue;
        }
        for a in &r.affected {
            let Some(p) = &a.package else { continue };
            let ords = db.lookup_ordinals(&p.ecosystem(), &p.name).expect("lookup");
            assert!(
                ords.contains(&o),
                "{} not found under {} {}",
                r.id,
                p.ecosystem,
                p.name
            );
            checked += 1;
        }
    }
    assert!(checked > 10_000, "only {checked} packages checked");
}

#[test]
fn names_are_normalised_and_releases_filtered() {
    let db = crate::open_full();
    let a = db
        .lookup(&Ecosystem::parse("PyPI"), "Django")
        .expect("lookup");
    let b = db
        .lookup(&Ecosystem::parse("PyPI"), "django")
        .expect("lookup");
    assert!(!a.is_empty());
    assert_eq!(a.len(), b.len());
    // A release narrows; the family alone gives every release.
    let d11 = db
        .lookup(&Ecosystem::parse("Debian:11"), "openssl")
        .expect("lookup");
    let all = db
        .lookup(&Ecosystem::parse("Debian"), "openssl")
        .expect("lookup");
    assert!(!d11.is_empty() && all.len() > d11.len());
    assert!(d11.iter().all(|r| r.affected.iter().any(|x| {
        x.package
            .as_ref()
            .is_some_and(|p| p.ecosystem == "Debian:11")
    })));
    assert!(
        db.lookup(&Ecosystem::parse("npm"), "no-such-package-xyz")
            .expect("lookup")
            .is_empty()
    );
    assert!(db.get("GHSA-nope").expect("get").is_none());
    assert_eq!(
        db.get("RUSTSEC-2019-0009")
            .expect("get")
            .expect("present")
            .id,
        "RUSTSEC-2019-0009"
    );
}

#[test]
fn withdrawn_records_are_kept_but_never_returned() {
    let db = crate::open_full();
    let s = db.status().expect("status");
    assert!(s.withdrawn > 0);
    let n = db.record_count().expect("count");
    for o in 0..n {
        let r = db.record_at(o).expect("record");
        if let (true, Some(p)) = (
            r.is_withdrawn(),
            r.affected.first().and_then(|a| a.package.as_ref()),
        ) {
            let ords = db.lookup_ordinals(&p.ecosystem(), &p.name).expect("lookup");
            assert!(!ords.contains(&o), "withdrawn {} returned", r.id);
        }
    }
}
