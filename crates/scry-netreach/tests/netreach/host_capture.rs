//! Host analysis on hand-written capture folders (the layout in docs/network.md):
//! parsers, NAT, errors and hostile input, without root.

use std::path::Path;

use scry_netreach::{Exposure, Protocol, host};

const TCP_HEADER: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
const UDP_HEADER: &str = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";

fn sock_line(n: usize, local: &str, st: &str, inode: u32) -> String {
    format!(
        "   {n}: {local} 00000000:0000 {st} 00000000:00000000 00:00000000 00000000     0        0 {inode} 1 0000000000000000 100 0 0 10 0\n"
    )
}

const IP_ADDR: &str = r#"[
 {"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
 {"ifindex":2,"ifname":"eth0","addr_info":[{"family":"inet","local":"203.0.113.5","prefixlen":24},
                                            {"family":"inet6","local":"2001:db8::5","prefixlen":64}]}
]"#;

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    for (name, body) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, body).expect("write");
    }
    d
}

/// 0.0.0.0:22 (0x16), 0.0.0.0:8080 (0x1F90), 127.0.0.1:5432 (0x1538), udp 0.0.0.0:53.
fn sockets() -> Vec<(&'static str, String)> {
    let tcp = format!(
        "{TCP_HEADER}{}{}{}",
        sock_line(0, "00000000:0016", "0A", 100),
        sock_line(1, "00000000:1F90", "0A", 101),
        sock_line(2, "0100007F:1538", "0A", 102)
    );
    // A connected (state 01) socket is not a listener.
    let udp = format!(
        "{UDP_HEADER}{}{}",
        sock_line(0, "00000000:0035", "07", 200),
        sock_line(1, "00000000:0036", "01", 201)
    );
    vec![("proc/net/tcp", tcp), ("proc/net/udp", udp)]
}

fn analyze_with(extra: &[(&str, &str)]) -> scry_netreach::Report {
    let socks = sockets();
    let mut files: Vec<(&str, &str)> = socks.iter().map(|(a, b)| (*a, b.as_str())).collect();
    files.push(("ip-addr.json", IP_ADDR));
    files.push(("proc/sys/kernel/hostname", "web1\n"));
    files.extend_from_slice(extra);
    let d = folder(&files);
    host::analyze(d.path()).expect("analyze")
}

#[test]
fn no_firewall_everything_listening_is_public() {
    let r = analyze_with(&[]);
    assert_eq!(
        r.exposure_for("web1", 22, Protocol::Tcp),
        Exposure::Internet
    );
    assert_eq!(
        r.exposure_for("web1", 53, Protocol::Udp),
        Exposure::Internet
    );
    assert_eq!(r.exposure_for("web1", 5432, Protocol::Tcp), Exposure::None);
    assert_eq!(r.exposure_for("web1", 54, Protocol::Udp), Exposure::None);
    let json = serde_json::to_value(&r).expect("json");
    let f = &json["findings"][0];
    assert_eq!(f["type"], "NETWORK_REACHABILITY");
    assert!(f["networkReachabilityDetails"]["openPortRange"]["begin"].is_u64());
    assert!(f["networkReachabilityDetails"]["networkPath"]["steps"][0]["componentId"].is_string());
}

#[test]
fn nft_nat_redirect_from_capture() {
    let nft = r#"{"nftables":[
      {"table":{"family":"ip","name":"nat","handle":1}},
      {"chain":{"family":"ip","table":"nat","name":"pre","handle":1,"type":"nat","hook":"prerouting","prio":-100,"policy":"accept"}},
      {"rule":{"family":"ip","table":"nat","chain":"pre","handle":2,"expr":[
        {"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":80}},
        {"redirect":{"port":8080}}]}},
      {"table":{"family":"inet","name":"f","handle":2}},
      {"chain":{"family":"inet","table":"f","name":"input","handle":1,"type":"filter","hook":"input","prio":0,"policy":"drop"}},
      {"rule":{"family":"inet","table":"f","chain":"input","handle":3,"expr":[
        {"match":{"op":"==","left":{"payload":{"protocol":"ip","field":"saddr"}},"right":{"prefix":{"addr":"10.0.0.0","len":8}}}},
        {"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":8080}},
        {"accept":null}]}}
    ]}"#;
    let r = analyze_with(&[("nft.json", nft)]);
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.network_reachability_details.open_port_range.begin == 80)
        .collect();
    assert_eq!(f.len(), 1, "{}", scry_netreach::render_table(&r));
    let d = &f[0].network_reachability_details;
    assert_eq!(d.reachable_from, ["10.0.0.0/8"]);
    assert_eq!(
        d.listener.as_ref().map(|l| l.address.as_str()),
        Some("0.0.0.0:8080")
    );
    assert!(
        d.network_path
            .steps
            .iter()
            .any(|s| s.component_id == "nft ip nat pre")
    );
    assert!(matches!(
        r.exposure_for("web1", 8080, Protocol::Tcp),
        Exposure::Private { .. }
    ));
    assert_eq!(r.exposure_for("web1", 22, Protocol::Tcp), Exposure::None);
}

#[test]
fn iptables_nft_backend_wins_over_its_nft_shadow() {
    // With the nf_tables backend the same table shows up in nft JSON as opaque `xt`
    // matches; the iptables-save text must be used instead (otherwise the unknown
    // multiport match would be read as "attacker can satisfy it").
    let save = "# Generated by iptables-save v1.8.9 (nf_tables) on x\n*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -m multiport --dports 22,80 -s 10.0.0.0/8 -j ACCEPT\nCOMMIT\n";
    let nft = r#"{"nftables":[{"table":{"family":"ip","name":"filter","handle":2}},
      {"chain":{"family":"ip","table":"filter","name":"INPUT","handle":1,"type":"filter","hook":"input","prio":0,"policy":"drop"}},
      {"rule":{"family":"ip","table":"filter","chain":"INPUT","handle":2,"expr":[{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"xt":{"type":"match","name":"multiport"}},{"accept":null}]}}]}"#;
    let r = analyze_with(&[("iptables-save.txt", save), ("nft.json", nft)]);
    assert!(matches!(
        r.exposure_for("web1", 22, Protocol::Tcp),
        Exposure::Private { .. }
    ));
    assert_eq!(r.exposure_for("web1", 8080, Protocol::Tcp), Exposure::None);
}

#[test]
fn malformed_inputs_name_file_and_reason() {
    let cases: &[(&str, &str, &str)] = &[
        ("nft.json", "{not json", "nft.json"),
        ("nft.json", "[1,2]", "nftables"),
        (
            "iptables-save.txt",
            "*filter\n:INPUT DROP\n-A INPUT -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n",
            "line 3",
        ),
        (
            "iptables-save.txt",
            "*filter\n-A NOPE -j ACCEPT\nCOMMIT\n",
            "NOPE",
        ),
        ("iptables-save.txt", "*filter\n:INPUT ACCEPT\n", "COMMIT"),
        (
            "iptables-save.txt",
            "*filter\n:INPUT ACCEPT\n-A INPUT -m comment --comment \"open\n",
            "quote",
        ),
        ("ip-addr.json", "{", "ip-addr.json"),
    ];
    for (file, body, want) in cases {
        let socks = sockets();
        let mut files: Vec<(&str, &str)> = socks.iter().map(|(a, b)| (*a, b.as_str())).collect();
        files.push((file, body));
        let d = folder(&files);
        let e = host::analyze(d.path()).expect_err(body);
        assert!(e.to_string().contains(want), "{file}: {e}");
    }
    let d = folder(&[("proc/net/tcp", "header\n  0: zz\n")]);
    let e = host::analyze(d.path()).expect_err("bad tcp");
    assert!(e.to_string().contains("proc/net/tcp: line 2"), "{e}");
}

#[test]
fn jump_loop_and_missing_chain_are_errors() {
    let save = "*filter\n:INPUT DROP [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -p tcp -j A\n-A A -j B\n-A B -j A\nCOMMIT\n";
    let socks = sockets();
    let mut files: Vec<(&str, &str)> = socks.iter().map(|(a, b)| (*a, b.as_str())).collect();
    files.push(("iptables-save.txt", save));
    let d = folder(&files);
    let e = host::analyze(d.path()).expect_err("loop");
    assert!(e.to_string().contains("deeper than"), "{e}");

    let nft = r#"{"nftables":[{"table":{"family":"inet","name":"f","handle":1}},
      {"chain":{"family":"inet","table":"f","name":"input","handle":1,"type":"filter","hook":"input","prio":0,"policy":"accept"}},
      {"rule":{"family":"inet","table":"f","chain":"input","handle":2,"expr":[{"jump":{"target":"ghost"}}]}}]}"#;
    let r = host::analyze(folder(&[(sockets()[0].0, &sockets()[0].1), ("nft.json", nft)]).path());
    let e = r.expect_err("missing chain");
    assert!(e.to_string().contains("ghost"), "{e}");
}

#[test]
fn hostile_garbage_never_panics() {
    let garbage = [
        "",
        "\0\0\0",
        "{}",
        "[]",
        "{\"nftables\":[{\"rule\":{}}]}",
        "*x\nCOMMIT\n",
        "-A",
        "🦀",
        "{\"nftables\":[{\"table\":{\"family\":\"inet\",\"name\":1}},{\"rule\":{\"family\":\"inet\",\"expr\":[{\"match\":{\"left\":{\"payload\":{}},\"right\":{\"set\":[{\"range\":[\"a\"]}]}}}]}}]}",
    ];
    for g in garbage {
        for f in [
            "nft.json",
            "iptables-save.txt",
            "ip6tables-save.txt",
            "ip-addr.json",
            "proc/net/tcp6",
            "proc/net/fib_trie",
            "proc/net/if_inet6",
        ] {
            let socks = sockets();
            let mut files: Vec<(&str, &str)> =
                socks.iter().map(|(a, b)| (*a, b.as_str())).collect();
            files.push((f, g));
            let d = folder(&files);
            let _ = host::analyze(d.path());
        }
    }
    let _ = host::analyze(Path::new("/nonexistent/scry"));
}

#[test]
fn firewalld_like_vmap_sets_and_dnat() {
    let nft = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/host/firewalld-like/nft.json"),
    )
    .expect("fixture");
    let r = analyze_with(&[("nft.json", &nft)]);
    let get = |proto: Protocol, port: u16| {
        r.findings
            .iter()
            .filter(|f| {
                let d = &f.network_reachability_details;
                d.protocol == proto
                    && d.open_port_range.begin <= port
                    && port <= d.open_port_range.end
            })
            .map(|f| {
                let d = &f.network_reachability_details;
                (
                    d.reachable_from.clone(),
                    d.listener.as_ref().map(|l| l.address.clone()),
                )
            })
            .collect::<Vec<_>>()
    };
    let trusted = vec!["10.1.0.0/16".to_owned(), "192.168.5.0/24".to_owned()];
    assert_eq!(
        get(Protocol::Tcp, 22),
        [(trusted.clone(), Some("0.0.0.0:22".to_owned()))]
    );
    assert_eq!(
        get(Protocol::Tcp, 2222),
        [(trusted, Some("0.0.0.0:22".to_owned()))]
    );
    // No ICMPv6 accept: neighbour discovery fails, so nothing is reachable over IPv6.
    assert_eq!(
        get(Protocol::Tcp, 8443),
        [(vec!["0.0.0.0/0".to_owned()], None)]
    );
    assert_eq!(
        get(Protocol::Udp, 60500),
        [(vec!["0.0.0.0/0".to_owned()], None)]
    );
    assert_eq!(
        get(Protocol::Tcp, 8080),
        [(vec![], Some("0.0.0.0:8080".to_owned()))]
    );
    assert_eq!(
        get(Protocol::Udp, 53),
        [(vec![], Some("0.0.0.0:53".to_owned()))]
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.network_reachability_details.open_port_range.begin == 2222)
        .expect("2222");
    assert!(
        f.remediation
            .recommendation
            .text
            .contains("chain ssh_in rule handle"),
        "{}",
        f.remediation.recommendation.text
    );
    assert!(f.title.contains("redirected to port 22"), "{}", f.title);
}
