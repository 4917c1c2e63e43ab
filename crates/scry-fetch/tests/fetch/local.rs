use scry_fetch::{FetchErrorKind, Fetcher};

use crate::{builder, cache_files, sha256_of, vulndb};

#[test]
fn plain_path_is_returned_as_is() {
    let source = vulndb("rustsec-advisory-db.zip");
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    let got = fetcher
        .fetch(source.to_str().expect("UTF-8 path"), cache.path())
        .expect("local");

    assert_eq!(got.path, source);
    assert!(!got.not_modified);
    assert_eq!(got.attempts, 0);
    assert_eq!(got.sha256, None);
    assert!(cache_files(cache.path()).is_empty(), "nothing copied");
}

#[test]
fn file_url_is_returned_as_its_path_and_verified() {
    // `file://` URLs are normalised (no `..`), so compare with the canonical path.
    let source = vulndb("cisa-kev.json.gz")
        .canonicalize()
        .expect("fixture exists");
    let url = format!("file://{}", source.display());
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    let sha = sha256_of(&source);
    let got = fetcher
        .fetch_verified(&url, cache.path(), &sha.to_uppercase())
        .expect("local");

    assert_eq!(got.path, source);
    assert_eq!(got.sha256.as_deref(), Some(sha.as_str()));
    assert!(cache_files(cache.path()).is_empty());

    let err = fetcher
        .fetch_verified(&url, cache.path(), &"0".repeat(64))
        .expect_err("mismatch");
    assert!(
        matches!(err.kind(), FetchErrorKind::ChecksumMismatch { .. }),
        "{err}"
    );
}

#[test]
fn local_files_get_the_kind_check_and_size_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fake = dir.path().join("all.zip");
    std::fs::write(&fake, b"<html>not a zip</html>").expect("write");
    let fetcher = builder().build().expect("fetcher");

    let err = fetcher
        .fetch(fake.to_str().expect("UTF-8"), dir.path())
        .expect_err("bad zip");
    assert!(
        matches!(err.kind(), FetchErrorKind::Corrupt { kind: "zip", .. }),
        "{err}"
    );

    let small = builder().max_size(10).build().expect("fetcher");
    let err = small
        .fetch(fake.to_str().expect("UTF-8"), dir.path())
        .expect_err("too big");
    assert!(
        matches!(err.kind(), FetchErrorKind::TooLarge { limit: 10, .. }),
        "{err}"
    );
}

#[test]
fn missing_file_and_bad_urls_are_named() {
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    let err = fetcher
        .fetch("/nonexistent/feed.json", cache.path())
        .expect_err("missing");
    assert!(matches!(err.kind(), FetchErrorKind::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/feed.json"), "{err}");

    let err = fetcher
        .fetch("ftp://example.invalid/x.zip", cache.path())
        .expect_err("scheme");
    assert!(
        matches!(err.kind(), FetchErrorKind::InvalidUrl { .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("ftp://example.invalid/x.zip"),
        "{err}"
    );
    assert_eq!(
        Fetcher::cached_path("ftp://example.invalid/x.zip", cache.path()),
        None
    );

    let err = fetcher
        .fetch_verified("/x", cache.path(), "abc")
        .expect_err("bad digest");
    assert!(
        matches!(err.kind(), FetchErrorKind::InvalidSha256 { .. }),
        "{err}"
    );
}
