//! `scry cvss`.

use crate::{scry, stdout};

#[test]
fn json_for_each_version_and_errors_in_place() {
    let out = scry(
        &["cvss", "--json"],
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\nAV:N/AC:L/Au:N/C:P/I:P/A:P\nCVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\nCVSS:3.1/AV:X\n",
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON array");
    let a = v.as_array().expect("array");
    assert_eq!(a.len(), 4);
    assert_eq!(a[0]["version"], "3.1");
    assert_eq!(a[0]["baseScore"], 9.8);
    assert_eq!(a[0]["score"], 9.8);
    assert_eq!(a[0]["severity"], "Critical");
    assert_eq!(a[1]["version"], "2.0");
    assert_eq!(a[1]["baseScore"], 7.5);
    assert_eq!(a[2]["version"], "4.0");
    assert_eq!(a[2]["score"], 9.3);
    assert!(a[2].get("temporalScore").is_none());
    assert!(a[3]["error"].as_str().is_some_and(|e| !e.is_empty()));
    assert_eq!(
        out.status.code(),
        Some(1),
        "an invalid vector makes the exit code 1"
    );
}
