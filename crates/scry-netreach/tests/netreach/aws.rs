//! AWS scenarios from tests/data/aws/<scenario>/; the expected answers and their reasons
//! are in tests/data/aws/README.md.

use std::path::PathBuf;

use scry_netreach::{Exposure, Protocol, Report, aws};

fn dir(s: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/aws")
        .join(s)
}

fn load(s: &str) -> Report {
    aws::analyze_dir(&dir(s)).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// `(instance, protocol, begin, end, reachableFrom, title prefix)` for every finding.
fn summary(r: &Report) -> Vec<(String, Protocol, u16, u16, Vec<String>)> {
    r.findings
        .iter()
        .map(|f| {
            let d = &f.network_reachability_details;
            (
                f.resources[0].id.clone(),
                d.protocol,
                d.open_port_range.begin,
                d.open_port_range.end,
                d.reachable_from.clone(),
            )
        })
        .collect()
}

fn row(
    i: &str,
    p: Protocol,
    a: u16,
    b: u16,
    from: &[&str],
) -> (String, Protocol, u16, u16, Vec<String>) {
    (
        i.to_owned(),
        p,
        a,
        b,
        from.iter().map(|s| (*s).to_owned()).collect(),
    )
}

const ANY4: &[&str] = &["0.0.0.0/0"];

#[test]
fn public_open_sg() {
    let r = load("public-open-sg");
    assert_eq!(
        summary(&r),
        vec![
            row("i-web", Protocol::Tcp, 22, 22, ANY4),
            row("i-web", Protocol::Tcp, 80, 80, ANY4),
            row("i-web", Protocol::Tcp, 1000, 2000, ANY4),
        ]
    );
    let f = &r.findings[0];
    assert_eq!(
        f.title,
        "Port 22 is reachable from an Internet Gateway - TCP"
    );
    assert_eq!(f.severity, scry_core::Severity::High);
    let steps: Vec<&str> = f
        .network_reachability_details
        .network_path
        .steps
        .iter()
        .map(|s| s.component_id.as_str())
        .collect();
    assert_eq!(steps, ["igw-1", "acl-1", "sg-web", "eni-web", "i-web"]);
    assert!(
        f.remediation
            .recommendation
            .text
            .contains("sg-web inbound rule #1")
    );
    assert!(
        f.remediation
            .recommendation
            .text
            .contains("network ACL acl-1 inbound rule 100")
    );
    assert_eq!(
        r.exposure_for("i-web", 22, Protocol::Tcp),
        Exposure::Internet
    );
    assert_eq!(r.exposure_for("i-web", 23, Protocol::Tcp), Exposure::None);
    assert_eq!(r.findings[1].severity, scry_core::Severity::Medium);
    let table = scry_netreach::render_table(&r);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("SEVERITY"), "{table}");
    assert!(
        lines[1].contains("HIGH") && lines[1].contains("i-web") && lines[1].contains("0.0.0.0/0"),
        "{table}"
    );
    assert!(scry_netreach::render_table(&Report::default()).contains("(no findings)"));

    // The same report from one combined file.
    let mut merged = serde_json::Map::new();
    for e in std::fs::read_dir(dir("public-open-sg")).expect("dir") {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(e.expect("entry").path()).expect("read"))
                .expect("json");
        if let serde_json::Value::Object(o) = v {
            merged.extend(o);
        }
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("combined.json");
    std::fs::write(&file, serde_json::to_string(&merged).expect("json")).expect("write");
    assert_eq!(aws::analyze_dir(&file).expect("combined"), r);
}

#[test]
fn nacl_deny() {
    let r = load("nacl-deny");
    assert_eq!(
        summary(&r),
        vec![
            row("i-web", Protocol::Tcp, 22, 22, &["198.51.100.0/24"]),
            row("i-web", Protocol::Tcp, 80, 80, ANY4),
            row("i-web", Protocol::Tcp, 1000, 1499, ANY4),
            row("i-web", Protocol::Tcp, 1501, 2000, ANY4),
        ]
    );
    assert!(
        r.findings[0]
            .remediation
            .recommendation
            .text
            .contains("network ACL acl-pub inbound rule 80")
    );
    assert!(matches!(
        r.exposure_for("i-web", 22, Protocol::Tcp),
        Exposure::Internet
    ));
}

#[test]
fn nacl_without_return_path() {
    assert_eq!(summary(&load("nacl-no-return")), vec![]);
}

#[test]
fn private_subnet_without_internet_route() {
    assert_eq!(summary(&load("private-no-route")), vec![]);
}

#[test]
fn nat_only_subnet_is_not_reachable_inbound() {
    assert_eq!(summary(&load("nat-only")), vec![]);
}

#[test]
fn alb_forwards_443_to_8443() {
    let r = load("alb-443-to-8443");
    assert_eq!(
        summary(&r),
        vec![row("i-app1", Protocol::Tcp, 8443, 8443, ANY4)]
    );
    let f = &r.findings[0];
    assert!(
        f.title
            .contains("through load balancer web-alb (listener port 443)"),
        "{}",
        f.title
    );
    let types: Vec<&str> = f
        .network_reachability_details
        .network_path
        .steps
        .iter()
        .map(|s| s.component_type.as_str())
        .collect();
    assert!(types.contains(&"AWS::ElasticLoadBalancingV2::LoadBalancer"));
    assert_eq!(
        r.exposure_for("i-app1", 8443, Protocol::Tcp),
        Exposure::Internet
    );
    assert_eq!(
        r.exposure_for("i-app2", 8443, Protocol::Tcp),
        Exposure::None
    );
}

#[test]
fn peered_vpc_and_vpn() {
    let r = load("peered-vpc-and-vpn");
    assert_eq!(
        summary(&r),
        vec![
            row("i-db", Protocol::Tcp, 22, 22, &["192.168.0.0/16"]),
            row("i-db", Protocol::Tcp, 5432, 5432, &["172.16.0.0/16"]),
            row("i-db", Protocol::Udp, 500, 500, &["192.168.0.0/16"]),
            row("i-db", Protocol::Udp, 500, 500, &["172.16.0.0/16"]),
        ]
    );
    assert!(r.findings[0].title.contains("Virtual Private Gateway"));
    assert!(r.findings[1].title.contains("peered VPC (vpc-2)"));
    assert_eq!(
        r.exposure_for("i-db", 5432, Protocol::Tcp),
        Exposure::Private {
            cidrs: vec!["172.16.0.0/16".parse().expect("cidr")]
        }
    );
}

#[test]
fn security_groups_referencing_each_other() {
    let r = load("sg-references");
    assert_eq!(
        summary(&r),
        vec![
            row("i-app", Protocol::Tcp, 443, 443, ANY4),
            row("i-db", Protocol::Tcp, 22, 22, &["203.0.113.0/24"]),
        ]
    );
}

#[test]
fn ipv6_only_rules() {
    let r = load("ipv6-only");
    assert_eq!(
        summary(&r),
        vec![
            row("i-v6", Protocol::Tcp, 443, 443, &["::/0"]),
            row("i-v6", Protocol::Udp, 53, 53, &["2001:db8:1::/48"]),
        ]
    );
}

#[test]
fn prefix_lists() {
    let r = load("prefix-list");
    assert_eq!(
        summary(&r),
        vec![row(
            "i-pl",
            Protocol::Tcp,
            443,
            443,
            &["192.0.2.0/25", "198.51.100.0/24"]
        )]
    );
    // Without the entries file the prefix list is a missing object.
    let tmp = tempfile::tempdir().expect("tempdir");
    for e in std::fs::read_dir(dir("prefix-list")).expect("dir") {
        let p = e.expect("entry").path();
        let name = p.file_name().expect("name").to_string_lossy().into_owned();
        if !name.starts_with("get-managed") {
            std::fs::copy(&p, tmp.path().join(name)).expect("copy");
        }
    }
    let e = aws::analyze_dir(tmp.path())
        .expect_err("missing prefix list")
        .to_string();
    assert!(e.contains("prefix list `pl-office`"), "{e}");
}

#[test]
fn errors_name_the_file_or_object() {
    let cases = [
        (
            "malformed-json",
            vec!["describe-security-groups.json", "line 1 column"],
        ),
        ("missing-security-group", vec!["sg-ghost", "eni-web"]),
        ("subnet-without-vpc", vec!["vpc-ghost", "subnet-pub"]),
        (
            "routing-loop",
            vec!["routing loop", "rtb-edge", "rtb-fw1", "rtb-fw2"],
        ),
    ];
    for (s, wants) in cases {
        let e = aws::analyze_dir(&dir(s)).expect_err(s).to_string();
        for w in wants {
            assert!(e.contains(w), "{s}: `{e}` lacks `{w}`");
        }
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let e = aws::analyze_dir(tmp.path()).expect_err("empty").to_string();
    assert!(e.contains("no AWS CLI JSON"), "{e}");
}

#[test]
fn hostile_json_never_panics() {
    for text in [
        "",
        "null",
        "[]",
        "[1]",
        "{\"Reservations\": 5}",
        "{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":-5,\"ToPort\":99999999,\"IpRanges\":[{\"CidrIp\":\"300.1.1.1/99\"}]}]}]}",
        "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-1\"}]}]}",
        "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-1\",\"SubnetId\":\"s\"}]}],\"Subnets\":[{\"SubnetId\":\"s\"}]}",
    ] {
        let _ = aws::analyze_json("hostile.json", text);
    }
}
