//! Renderers: JSON against the schema's required fields, SARIF, CycloneDX, table.

use serde_json::Value;

use scry_match::{
    Report, TableOptions, render_cyclonedx, render_json, render_sarif, render_table_with,
};

use crate::units::synthetic_report;

fn schema() -> Value {
    let path = scry_test::workspace_root().join("docs/schema/findings-v1.schema.json");
    let text = std::fs::read_to_string(&path).expect("schema file");
    serde_json::from_str(&text).expect("schema is JSON")
}

/// A small validator for the schema's subset we use: `type`, `required`, `properties`,
/// `items`, `enum`, `$ref` to `#/$defs/*`, `additionalProperties: false`.
fn validate(schema: &Value, defs: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(&defs[name], defs, v, at, errors);
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "number" => v.is_number(),
            "integer" => v.is_u64() || v.is_i64(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        });
        if !ok {
            errors.push(format!("{at}: expected {types:?}, got {v}"));
            return;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errors.push(format!("{at}: {v} not in {e:?}"));
    }
    if let Some(obj) = v.as_object() {
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let k = r.as_str().unwrap_or("");
            if !obj.contains_key(k) {
                errors.push(format!("{at}: missing `{k}`"));
            }
        }
        let props = schema.get("properties").and_then(Value::as_object);
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(s, defs, val, &format!("{at}.{k}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{at}: unexpected `{k}`"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            validate(items, defs, x, &format!("{at}[{i}]"), errors);
        }
    }
}

pub(crate) fn check_schema(json: &str) {
    let s = schema();
    let v: Value = serde_json::from_str(json).expect("report JSON parses");
    let mut errors = Vec::new();
    validate(&s, &s["$defs"], &v, "$", &mut errors);
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn json_matches_schema_and_reads_back() {
    let (_d, r) = synthetic_report();
    let json = render_json(&r);
    check_schema(&json);
    let back: Report = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back.findings.len(), r.findings.len());
    let v: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["schemaVersion"], "scry.findings/v1");
    assert_eq!(v["generatedAt"], "2026-11-29T12:00:00Z");
    let f = &v["findings"][0];
    for k in [
        "id",
        "type",
        "title",
        "severity",
        "status",
        "score",
        "scoreDetails",
        "fixAvailable",
        "exploitAvailable",
        "packageVulnerabilityDetails",
        "resources",
        "sources",
    ] {
        assert!(f.get(k).is_some(), "finding lacks {k}");
    }
}

#[test]
fn sarif_has_rules_with_security_severity() {
    let (_d, r) = synthetic_report();
    let v: Value = serde_json::from_str(&render_sarif(&r)).expect("sarif json");
    assert_eq!(v["version"], "2.1.0");
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.len(), r.findings.len());
    for rule in rules {
        let s = rule["properties"]["security-severity"]
            .as_str()
            .expect("set");
        let x: f64 = s.parse().expect("a number");
        assert!((0.0..=10.0).contains(&x));
    }
    let results = v["runs"][0]["results"].as_array().expect("results");
    let mal = results
        .iter()
        .find(|x| x["ruleId"] == "MAL-2024-7")
        .expect("MAL result");
    assert_eq!(mal["level"], "error");
    assert_eq!(
        mal["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "Cargo.lock"
    );
}

#[test]
fn cyclonedx_vdr() {
    let (_d, r) = synthetic_report();
    let v: Value = serde_json::from_str(&render_cyclonedx(&r)).expect("cdx json");
    assert_eq!(v["bomFormat"], "CycloneDX");
    assert_eq!(v["specVersion"], "1.6");
    let vulns = v["vulnerabilities"].as_array().expect("vulnerabilities");
    assert_eq!(vulns.len(), r.findings.len());
    let refs: Vec<&str> = v["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["bom-ref"].as_str())
        .collect();
    for x in vulns {
        for a in x["affects"].as_array().expect("affects") {
            assert!(refs.contains(&a["ref"].as_str().expect("ref")));
        }
    }
    let cve = vulns
        .iter()
        .find(|x| x["id"] == "CVE-2024-1000")
        .expect("present");
    assert_eq!(cve["ratings"][0]["method"], "CVSSv31");
}

#[test]
fn table_groups_by_severity_and_colours_on_request() {
    let (_d, r) = synthetic_report();
    let plain = render_table_with(&r, &TableOptions::default());
    assert!(!plain.contains('\x1b'));
    let crit = plain.find("CRITICAL (").expect("critical section");
    let med = plain.find("UNTRIAGED (").expect("untriaged section");
    assert!(crit < med);
    assert!(plain.contains("MAL-2024-7"));
    assert!(plain.contains("4 active findings"), "{plain}");
    let coloured = render_table_with(&r, &TableOptions::for_stdout(true, None));
    assert!(coloured.contains("\x1b[1;31mCRITICAL"));
    assert!(!TableOptions::for_stdout(true, Some(std::ffi::OsStr::new("1"))).color);
    assert!(!TableOptions::for_stdout(false, None).color);
}
