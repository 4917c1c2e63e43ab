use std::time::{Duration, Instant};

use scry_fetch::FetchErrorKind;

use crate::server::{self, Reply, Server};
use crate::{builder, cache_files, sha256_of, vulndb};

#[test]
fn two_503s_then_success() {
    let source = vulndb("cisa-kev.json.gz");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, n| if n < 2 { Reply::status(503) } else { file(req) });
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    let got = fetcher
        .fetch(&server.url("/kev.json.gz"), cache.path())
        .expect("third try works");

    assert_eq!(got.attempts, 3);
    assert_eq!(server.hits(), 3);
    assert_eq!(sha256_of(&got.path), sha256_of(&source));
}

#[test]
fn not_found_is_not_retried() {
    let server = Server::start(|_, _| Reply::status(404));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");
    let url = server.url("/PyPI/all.zip");

    let err = fetcher.fetch(&url, cache.path()).expect_err("404");

    assert_eq!(err.status(), Some(404));
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.hits(), 1);
    let message = err.to_string();
    assert!(
        message.contains(&url) && message.contains("404"),
        "{message}"
    );
    assert!(cache_files(cache.path()).is_empty());
}

#[test]
fn persistent_5xx_gives_up_after_the_retries() {
    let server = Server::start(|_, _| Reply::status(502));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().retries(2).build().expect("fetcher");

    let err = fetcher
        .fetch(&server.url("/x.zip"), cache.path())
        .expect_err("502");

    assert_eq!(err.status(), Some(502));
    assert_eq!(err.attempts(), 3);
    assert_eq!(server.hits(), 3);
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[test]
fn retry_after_is_honoured() {
    let source = vulndb("cisa-kev.json.gz");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, n| {
        if n == 0 {
            Reply::status(429).header("Retry-After", "1")
        } else {
            file(req)
        }
    });
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder()
        .backoff(Duration::from_millis(1), Duration::from_secs(5))
        .build()
        .expect("fetcher");

    let start = Instant::now();
    let got = fetcher
        .fetch(&server.url("/kev.json.gz"), cache.path())
        .expect("second try works");

    assert_eq!(got.attempts, 2);
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        start.elapsed()
    );
}

#[test]
fn retry_after_beyond_the_cap_fails_at_once() {
    let server = Server::start(|_, _| Reply::status(503).header("Retry-After", "3600"));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    let err = fetcher
        .fetch(&server.url("/x.zip"), cache.path())
        .expect_err("503");

    assert_eq!(server.hits(), 1);
    assert!(matches!(
        err.kind(),
        FetchErrorKind::Status { status: 503, retry_after: Some(d) } if d.as_secs() == 3600
    ));
    assert!(err.to_string().contains("3600s"), "{err}");
}

#[test]
fn truncated_body_is_retried() {
    let source = vulndb("rustsec-advisory-db.zip");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, n| {
        let reply = file(req);
        if n == 0 { reply.truncate(1000) } else { reply }
    });
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    let got = fetcher
        .fetch(&server.url("/all.zip"), cache.path())
        .expect("second try works");

    assert_eq!(got.attempts, 2);
    assert_eq!(sha256_of(&got.path), sha256_of(&source));
    assert_eq!(
        cache_files(cache.path()).len(),
        2,
        "no temp file left behind"
    );
}

#[test]
fn always_truncated_body_fails_and_leaves_nothing() {
    let source = vulndb("rustsec-advisory-db.zip");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, _| file(req).truncate(500_000));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().retries(2).build().expect("fetcher");

    let err = fetcher
        .fetch(&server.url("/all.zip"), cache.path())
        .expect_err("truncated");

    let len = std::fs::metadata(&source).expect("source").len();
    assert!(
        matches!(err.kind(), FetchErrorKind::Truncated { expected: Some(n), received, .. }
            if *n == len && *received <= 500_000),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 3);
    assert_eq!(server.hits(), 3);
    assert!(err.to_string().contains("truncated"), "{err}");
    assert!(
        cache_files(cache.path()).is_empty(),
        "{:?}",
        cache_files(cache.path())
    );
}

#[test]
fn slow_server_times_out() {
    let server = Server::start(|_, _| Reply::ok(b"{}".to_vec()).delay(Duration::from_secs(3)));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder()
        .timeout(Duration::from_millis(300))
        .retries(1)
        .build()
        .expect("fetcher");

    let start = Instant::now();
    let err = fetcher
        .fetch(&server.url("/kev.json"), cache.path())
        .expect_err("too slow");

    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), 2);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[test]
fn refused_connection_is_retried_then_reported() {
    // Bind and drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().retries(1).build().expect("fetcher");

    let err = fetcher
        .fetch(&format!("http://127.0.0.1:{port}/x.zip"), cache.path())
        .expect_err("refused");

    assert!(matches!(err.kind(), FetchErrorKind::Connect(_)), "{err:?}");
    assert_eq!(err.attempts(), 2);
}
