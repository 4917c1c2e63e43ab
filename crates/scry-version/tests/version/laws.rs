//! The laws every scheme's order obeys, checked by the schemes' proptests: a total order
//! (antisymmetric, transitive, `Eq` agreeing with `cmp`), `Display` giving back the input,
//! and parsing then comparing arbitrary strings without panicking.

use std::cmp::Ordering;

use scry_version::{Version, VersionScheme};

/// Checks the total-order laws and the round trip on three valid versions of `scheme`.
pub(crate) fn check_laws(scheme: VersionScheme, a: &str, b: &str, c: &str) {
    let parse = |s: &str| {
        Version::parse(scheme, s).unwrap_or_else(|e| panic!("generated {s:?} must parse: {e}"))
    };
    let (va, vb, vc) = (parse(a), parse(b), parse(c));
    for (x, s) in [(&va, a), (&vb, b), (&vc, c)] {
        assert_eq!(x.to_string(), s, "Display must print the input");
        let again = parse(&x.to_string());
        assert_eq!(
            again.cmp(x),
            Ordering::Equal,
            "parse(Display(v)) == v for {s:?}"
        );
        assert_eq!(x.cmp(x), Ordering::Equal, "reflexive for {s:?}");
    }
    for (x, y) in [(&va, &vb), (&vb, &vc), (&va, &vc)] {
        assert_eq!(x.cmp(y), y.cmp(x).reverse(), "antisymmetric: {x} vs {y}");
        assert_eq!(
            x == y,
            x.cmp(y) == Ordering::Equal,
            "Eq agrees with cmp: {x} vs {y}"
        );
    }
    let mut sorted = [&va, &vb, &vc];
    sorted.sort();
    let [lo, mid, hi] = sorted;
    assert!(
        lo <= mid && mid <= hi && lo <= hi,
        "transitive: {lo} <= {mid} <= {hi}"
    );
    // Transitivity in every direction, not only along the sort.
    for (x, y, z) in [(&va, &vb, &vc), (&vb, &vc, &va), (&vc, &va, &vb)] {
        if x.cmp(y) != Ordering::Greater && y.cmp(z) != Ordering::Greater {
            assert_ne!(x.cmp(z), Ordering::Greater, "transitive: {x} <= {y} <= {z}");
        }
        if x == y && y == z {
            assert_eq!(x, z, "equality is transitive: {x} {y} {z}");
        }
    }
}

/// Feeds arbitrary strings to `parse` and, when both parse, to `cmp`: must not panic.
pub(crate) fn check_hostile(scheme: VersionScheme, a: &str, b: &str) {
    let pa = Version::parse(scheme, a);
    let pb = Version::parse(scheme, b);
    if let (Ok(va), Ok(vb)) = (pa, pb) {
        assert_eq!(va.cmp(&vb), vb.cmp(&va).reverse(), "{a:?} vs {b:?}");
        assert_eq!(va.to_string(), a);
    }
}
