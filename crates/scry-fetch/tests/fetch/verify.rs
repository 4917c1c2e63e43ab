use scry_fetch::{FetchErrorKind, FetchOptions, Verify};

use crate::server::{self, Reply, Server};
use crate::{builder, cache_files, sha256_of, vulndb};

#[test]
fn size_limit_from_content_length() {
    let source = vulndb("cisa-kev.json.gz");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, _| file(req));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().max_size(1000).build().expect("fetcher");
    let url = server.url("/kev.json.gz");

    let err = fetcher.fetch(&url, cache.path()).expect_err("too large");

    assert!(matches!(
        err.kind(),
        FetchErrorKind::TooLarge {
            limit: 1000,
            size: Some(_)
        }
    ));
    assert_eq!(server.hits(), 1, "not retried");
    let message = err.to_string();
    assert!(
        message.contains(&url) && message.contains("1000-byte limit"),
        "{message}"
    );
    assert!(cache_files(cache.path()).is_empty());
}

#[test]
fn size_limit_while_streaming_without_length() {
    let source = vulndb("cisa-kev.json.gz");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, _| file(req).without_length());
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().max_size(1000).build().expect("fetcher");

    let err = fetcher
        .fetch(&server.url("/kev.json.gz"), cache.path())
        .expect_err("too large");

    assert!(
        matches!(
            err.kind(),
            FetchErrorKind::TooLarge {
                limit: 1000,
                size: None
            }
        ),
        "{err}"
    );
    assert!(cache_files(cache.path()).is_empty());

    // The same body without a length is fine under the default limit.
    let fetcher = builder().build().expect("fetcher");
    let got = fetcher
        .fetch(&server.url("/kev.json.gz"), cache.path())
        .expect("download");
    assert_eq!(sha256_of(&got.path), sha256_of(&source));
}

#[test]
fn wrong_sha256_leaves_nothing_in_the_cache() {
    let source = vulndb("rustsec-advisory-db.zip");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, _| file(req));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");
    let url = server.url("/all.zip");
    let wrong = "ab".repeat(32);

    let err = fetcher
        .fetch_verified(&url, cache.path(), &wrong)
        .expect_err("mismatch");

    let FetchErrorKind::ChecksumMismatch { expected, actual } = err.kind() else {
        panic!("not a checksum error: {err:?}");
    };
    assert_eq!(expected, &wrong);
    assert_eq!(actual, &sha256_of(&source));
    assert_eq!(server.hits(), 1, "a wrong checksum is not retried");
    assert!(err.to_string().contains(&url), "{err}");
    assert!(
        cache_files(cache.path()).is_empty(),
        "{:?}",
        cache_files(cache.path())
    );

    let right = sha256_of(&source);
    let got = fetcher
        .fetch_verified(&url, cache.path(), &right)
        .expect("right checksum");
    assert_eq!(got.sha256.as_deref(), Some(right.as_str()));
}

#[test]
fn expected_sha256_differing_from_the_cache_forces_a_download() {
    let (old, new) = (vulndb("cisa-kev.json.gz"), vulndb("epss-scores.csv.gz"));
    let (old_body, new_body) = (
        std::fs::read(&old).expect("old"),
        std::fs::read(&new).expect("new"),
    );
    // A server whose ETag never changes although the content does.
    let server = Server::start(move |req, n| {
        if n > 0 && req.header("if-none-match").is_some() {
            return Reply::status(304).header("ETag", "\"same\"");
        }
        let body = if n == 0 {
            old_body.clone()
        } else {
            new_body.clone()
        };
        Reply::ok(body).header("ETag", "\"same\"")
    });
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");
    let url = server.url("/feed.gz");

    fetcher.fetch(&url, cache.path()).expect("first download");
    let got = fetcher
        .fetch_verified(&url, cache.path(), &sha256_of(&new))
        .expect("new content");

    assert!(!got.not_modified);
    assert_eq!(server.requests()[1].header("if-none-match"), None);
    assert_eq!(sha256_of(&got.path), sha256_of(&new));
}

#[test]
fn html_error_page_served_as_zip_is_rejected() {
    let server = Server::start(|_, _| Reply::ok(b"<html>maintenance</html>".to_vec()));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    let err = fetcher
        .fetch(&server.url("/PyPI/all.zip"), cache.path())
        .expect_err("not a zip");

    assert!(
        matches!(err.kind(), FetchErrorKind::Corrupt { kind: "zip", .. }),
        "{err}"
    );
    assert!(cache_files(cache.path()).is_empty());
}

#[test]
fn cut_gzip_with_matching_length_is_rejected() {
    let mut body = std::fs::read(vulndb("epss-scores.csv.gz")).expect("source");
    body.truncate(body.len() / 2);
    let server = Server::start(move |_, _| Reply::ok(body.clone()));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    let err = fetcher
        .fetch(&server.url("/epss_scores-current.csv.gz"), cache.path())
        .expect_err("cut gzip");

    assert!(
        matches!(err.kind(), FetchErrorKind::Corrupt { kind: "gzip", .. }),
        "{err}"
    );
    assert!(cache_files(cache.path()).is_empty());
}

#[test]
fn json_and_custom_checks() {
    let server = Server::start(|req, _| {
        if req.path.ends_with("good.json") {
            Reply::ok(br#"{"vulnerabilities": [1, 2, 3]}"#.to_vec())
        } else {
            Reply::ok(br#"{"vulnerabilities": [1, 2"#.to_vec())
        }
    });
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    fetcher
        .fetch(&server.url("/good.json"), cache.path())
        .expect("valid JSON");
    let err = fetcher
        .fetch(&server.url("/bad.json"), cache.path())
        .expect_err("cut JSON");
    assert!(
        matches!(err.kind(), FetchErrorKind::Corrupt { kind: "JSON", .. }),
        "{err}"
    );

    let picky = FetchOptions::new().verify(Verify::custom(|path| {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        if text.contains("vulnerabilities") {
            Err("no thanks".to_owned())
        } else {
            Ok(())
        }
    }));
    let err = fetcher
        .fetch_with(&server.url("/good.json"), cache.path(), &picky)
        .expect_err("custom check says no");
    assert!(err.to_string().contains("no thanks"), "{err}");
    // The earlier good download is still the cached one.
    assert_eq!(cache_files(cache.path()).len(), 2);
}
