//! The `scry cvss` report shapes.

use serde_json::json;

#[test]
fn json_shape() {
    let r = scry_cvss::report(
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P\n\n  CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U \nnope\n(AV:N/AC:L/Au:N/C:P/I:P/A:P)",
    );
    let value = serde_json::to_value(&r).unwrap();
    assert_eq!(
        value,
        json!([
            {"vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P", "version": "3.1",
             "baseScore": 9.8, "temporalScore": 9.3, "environmentalScore": 9.3, "score": 9.3,
             "severity": "Critical"},
            {"vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U",
             "version": "4.0", "baseScore": 9.3, "score": 8.1, "severity": "High"},
            {"vector": "nope", "error": "CVSS vector `nope`: component `nope` is not `METRIC:VALUE`"},
            {"vector": "AV:N/AC:L/Au:N/C:P/I:P/A:P", "version": "2.0", "baseScore": 7.5,
             "temporalScore": 7.5, "environmentalScore": 7.5, "score": 7.5, "severity": "High"},
        ])
    );
    assert!(r.has_errors());
}

#[test]
fn text_shape() {
    let r = scry_cvss::report("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\nCVSS:9/x");
    assert_eq!(
        r.to_text(),
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H  CVSS 3.1  base 9.8  temporal 9.8  environmental 9.8  score 9.8  Critical\n\
         CVSS:9/x  error: CVSS vector `CVSS:9/x`: unsupported prefix `CVSS:9`; expected `CVSS:3.0/`, `CVSS:3.1/`, `CVSS:4.0/`, or a v2 vector without prefix\n"
    );
}
