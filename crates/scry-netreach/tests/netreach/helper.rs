//! This test binary doubles as the helper programs the namespace tests run with
//! `ip netns exec NS <this binary> --exact helper::<name> --nocapture`. Each helper is a
//! `#[test]` that does nothing unless its environment variable is set.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

/// `SCRY_NR_LISTEN=tcp:0.0.0.0:22,udp:[::]:53`: binds all, prints `READY`, serves
/// forever (TCP: accept and close; UDP: echo).
#[test]
fn listen() {
    let Ok(spec) = std::env::var("SCRY_NR_LISTEN") else {
        return;
    };
    let mut threads = Vec::new();
    for item in spec.split(',').filter(|s| !s.is_empty()) {
        let (proto, addr) = item.split_once(':').expect("proto:addr");
        let addr: SocketAddr = addr.parse().expect("socket address");
        if proto == "tcp" {
            let l = TcpListener::bind(addr).expect("bind tcp");
            threads.push(std::thread::spawn(move || {
                for s in l.incoming() {
                    drop(s);
                }
            }));
        } else {
            let u = UdpSocket::bind(addr).expect("bind udp");
            threads.push(std::thread::spawn(move || {
                let mut buf = [0u8; 512];
                while let Ok((n, from)) = u.recv_from(&mut buf) {
                    let _ = u.send_to(&buf[..n], from);
                }
            }));
        }
    }
    println!("READY");
    std::io::stdout().flush().expect("flush");
    for t in threads {
        let _ = t.join();
    }
}

/// `SCRY_NR_PROBE=tcp:10.0.1.1:22,udp:[fd00:1::1]:53`: tries each concurrently and prints
/// `PROBE <item> OK|REFUSED|TIMEOUT|ERROR`.
#[test]
fn probe() {
    let Ok(spec) = std::env::var("SCRY_NR_PROBE") else {
        return;
    };
    let handles: Vec<_> = spec
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|item| {
            let item = item.to_owned();
            std::thread::spawn(move || {
                let (proto, addr) = item.split_once(':').expect("proto:addr");
                let addr: SocketAddr = addr.parse().expect("socket address");
                let t = Duration::from_millis(1500);
                let r = if proto == "tcp" {
                    match TcpStream::connect_timeout(&addr, t) {
                        Ok(_) => "OK",
                        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => "REFUSED",
                        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => "TIMEOUT",
                        Err(_) => "ERROR",
                    }
                } else {
                    let bind: SocketAddr = if addr.is_ipv4() {
                        "0.0.0.0:0".parse().expect("addr")
                    } else {
                        "[::]:0".parse().expect("addr")
                    };
                    let u = UdpSocket::bind(bind).expect("bind");
                    u.set_read_timeout(Some(t)).expect("timeout");
                    let mut got = "TIMEOUT";
                    // Two tries: the first datagram may wait for neighbour discovery.
                    for _ in 0..2 {
                        if u.send_to(b"scry-ping", addr).is_err() {
                            got = "ERROR";
                            break;
                        }
                        let mut buf = [0u8; 64];
                        match u.recv_from(&mut buf) {
                            Ok((n, _)) if &buf[..n] == b"scry-ping" => {
                                got = "OK";
                                break;
                            }
                            Ok(_) => {}
                            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                                got = "REFUSED";
                                break;
                            }
                            Err(_) => {}
                        }
                    }
                    got
                };
                format!("PROBE {item} {r}")
            })
        })
        .collect();
    for h in handles {
        println!("{}", h.join().expect("probe thread"));
    }
}

/// `SCRY_NR_ANALYZE_OUT=/path/report.json`: analyses the live host (this namespace), or
/// the capture folder in `SCRY_NR_ANALYZE_ROOT`.
#[test]
fn analyze() {
    let Ok(out) = std::env::var("SCRY_NR_ANALYZE_OUT") else {
        return;
    };
    let root = std::env::var("SCRY_NR_ANALYZE_ROOT").unwrap_or_else(|_| "/".to_owned());
    let r = scry_netreach::host::analyze(std::path::Path::new(&root)).expect("analyze");
    std::fs::write(out, serde_json::to_string_pretty(&r).expect("json")).expect("write");
}
