//! Prints what a cataloger finds in one file (`SCRY_DUMP=cataloger:as_path:fixture`);
//! does nothing otherwise.

#[test]
fn dump() {
    let Ok(spec) = std::env::var("SCRY_DUMP") else {
        return;
    };
    for one in spec.split(',') {
        let mut it = one.splitn(3, ':');
        let (Some(c), Some(p), Some(f)) = (it.next(), it.next(), it.next()) else {
            continue;
        };
        match crate::lang::parse_as(c, p, &crate::lang::fx(f)) {
            Ok(found) => {
                eprintln!("== {f}");
                for p in &found.packages {
                    eprintln!("  {} {} {:?} {:?}", p.name, p.version, p.dependency, p.purl);
                }
                for w in &found.warnings {
                    eprintln!("  warning: {}", w.reason);
                }
            }
            Err(e) => eprintln!("== {f}: error {e}"),
        }
    }
}
