//! A real Debian bookworm minbase image (scripts/make-debian-image.sh), when it was built.

use scry_image::TargetSpec;

use crate::support::{os_catalogers, run};

#[test]
fn debian_bookworm_image_matches_dpkg_query() {
    let layout = std::env::var_os("SCRY_DEBIAN_IMAGE").map_or_else(
        || scry_test::workspace_root().join("target/scry-image/debian-bookworm-oci"),
        std::path::PathBuf::from,
    );
    let listing = layout.with_extension("packages.txt");
    let (true, Ok(expected)) = (
        layout.join("index.json").is_file(),
        std::fs::read_to_string(&listing),
    ) else {
        println!(
            "skipped: no Debian image at {} (run crates/scry-image/scripts/make-debian-image.sh)",
            layout.display()
        );
        return;
    };
    let inv = run(&TargetSpec::Image(layout), &os_catalogers()).expect("inventory");
    let os = inv
        .os
        .as_ref()
        .expect("os-release through etc/os-release -> ../usr/lib/os-release");
    assert_eq!(
        (os.id.as_str(), os.version_id.as_deref()),
        ("debian", Some("12"))
    );
    let mut got: Vec<String> = inv
        .packages
        .iter()
        .map(|p| format!("{} {}", p.name, p.version))
        .collect();
    got.sort();
    let want: Vec<String> = expected.lines().map(str::to_owned).collect();
    assert_eq!(got, want);
    assert!(
        inv.packages
            .iter()
            .all(|p| p.ecosystem.to_string() == "Debian:12" && p.layer.is_some())
    );
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}
