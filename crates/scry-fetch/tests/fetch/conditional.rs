use scry_fetch::Fetcher;

use crate::server::{self, Reply, Server};
use crate::{builder, cache_files, sha256_of, vulndb};

#[test]
fn full_download_matches_source() {
    let source = vulndb("rustsec-advisory-db.zip");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, _| file(req));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    let url = server.url("/rustsec/all.zip");
    let got = fetcher.fetch(&url, cache.path()).expect("download");

    assert!(!got.not_modified);
    assert_eq!(got.attempts, 1);
    assert_eq!(got.size, std::fs::metadata(&source).expect("source").len());
    assert_eq!(got.sha256.as_deref(), Some(sha256_of(&source).as_str()));
    assert_eq!(sha256_of(&got.path), sha256_of(&source));
    assert_eq!(
        Some(got.path.clone()),
        Fetcher::cached_path(&url, cache.path())
    );
    assert!(got.etag.is_some());
    assert_eq!(got.last_modified.as_deref(), Some(server::LAST_MODIFIED));
    // The file, its sidecar, and no leftover temp file.
    let name = got
        .path
        .file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned();
    assert_eq!(
        cache_files(cache.path()),
        [name.clone(), format!("{name}.meta.json")]
    );
    let request = &server.requests()[0];
    assert!(
        request
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("scry/"))
    );
    assert_eq!(request.header("if-none-match"), None);
}

#[test]
fn second_fetch_is_not_modified_by_etag() {
    let source = vulndb("cisa-kev.json.gz");
    let file = server::static_file(&source, true, false);
    let server = Server::start(move |req, _| file(req));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");
    let url = server.url("/kev/known_exploited_vulnerabilities.json.gz");

    let first = fetcher.fetch(&url, cache.path()).expect("first download");
    let second = fetcher.fetch(&url, cache.path()).expect("revalidation");

    assert!(!first.not_modified);
    assert!(second.not_modified);
    assert_eq!(second.path, first.path);
    assert_eq!(second.sha256, first.sha256);
    assert_eq!(second.etag, first.etag);
    assert_eq!(sha256_of(&second.path), sha256_of(&source));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("if-none-match"), first.etag.as_deref());
    assert_eq!(requests[1].header("if-modified-since"), None);
}

#[test]
fn second_fetch_is_not_modified_by_last_modified() {
    let source = vulndb("epss-scores.csv.gz");
    let file = server::static_file(&source, false, true);
    let server = Server::start(move |req, _| file(req));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");
    let url = server.url("/epss_scores-current.csv.gz");

    let first = fetcher.fetch(&url, cache.path()).expect("first download");
    let second = fetcher.fetch(&url, cache.path()).expect("revalidation");

    assert!(!first.not_modified);
    assert_eq!(first.etag, None);
    assert!(second.not_modified);
    assert_eq!(sha256_of(&second.path), sha256_of(&source));
    let requests = server.requests();
    assert_eq!(
        requests[1].header("if-modified-since"),
        Some(server::LAST_MODIFIED)
    );
    assert_eq!(requests[1].header("if-none-match"), None);
}

#[test]
fn changed_content_replaces_the_cached_file() {
    let (old, new) = (vulndb("cisa-kev.json.gz"), vulndb("epss-scores.csv.gz"));
    let (serve_old, serve_new) = (
        server::static_file(&old, true, true),
        server::static_file(&new, true, true),
    );
    let server = Server::start(move |req, n| {
        if n == 0 {
            serve_old(req)
        } else {
            serve_new(req)
        }
    });
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");
    let url = server.url("/feed.gz");

    let first = fetcher.fetch(&url, cache.path()).expect("first download");
    let second = fetcher.fetch(&url, cache.path()).expect("second download");

    assert!(!second.not_modified);
    assert_eq!(second.path, first.path);
    assert_eq!(sha256_of(&second.path), sha256_of(&new));
    assert!(server.requests()[1].header("if-none-match").is_some());
    assert_eq!(cache_files(cache.path()).len(), 2);
}

#[test]
fn unconditional_option_skips_validators() {
    let source = vulndb("cisa-kev.json.gz");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, _| file(req));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");
    let url = server.url("/kev.json.gz");

    fetcher.fetch(&url, cache.path()).expect("first download");
    let options = scry_fetch::FetchOptions::new().conditional(false);
    let again = fetcher
        .fetch_with(&url, cache.path(), &options)
        .expect("forced download");

    assert!(!again.not_modified);
    assert_eq!(server.requests()[1].header("if-none-match"), None);
}

#[test]
fn unsolicited_304_is_an_error() {
    let server = Server::start(|_, _| Reply::status(304));
    let cache = tempfile::tempdir().expect("temp dir");
    let fetcher = builder().build().expect("fetcher");

    let err = fetcher
        .fetch(&server.url("/x.json"), cache.path())
        .expect_err("no cache to reuse");

    assert_eq!(err.status(), Some(304));
    assert_eq!(server.hits(), 1);
}

#[test]
fn works_from_inside_a_tokio_runtime() {
    // The server (axum) may call the blocking API from async code; neither the fetch nor
    // dropping the fetcher there may panic.
    let source = vulndb("cisa-kev.json.gz");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, _| file(req));
    let cache = tempfile::tempdir().expect("temp dir");
    let url = server.url("/kev.json.gz");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let got = runtime.block_on(async {
        let fetcher = builder().build().expect("fetcher");
        let got = fetcher.fetch(&url, cache.path()).expect("download");
        drop(fetcher);
        got
    });

    assert_eq!(sha256_of(&got.path), sha256_of(&source));
}

#[test]
fn stale_temp_files_of_a_crash_are_removed() {
    let source = vulndb("cisa-kev.json.gz");
    let file = server::static_file(&source, true, true);
    let server = Server::start(move |req, _| file(req));
    let cache = tempfile::tempdir().expect("temp dir");
    let url = server.url("/kev.json.gz");
    let name = Fetcher::cached_path(&url, cache.path())
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .expect("an http URL has a cache path");
    let stale = cache.path().join(format!(".{name}.999-0.part"));
    let young = cache.path().join(format!(".{name}.999-1.part"));
    for path in [&stale, &young] {
        std::fs::write(path, b"half a download").expect("write temp");
    }
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .and_then(|f| f.set_modified(two_days_ago))
        .expect("age the stale file");

    builder()
        .build()
        .expect("fetcher")
        .fetch(&url, cache.path())
        .expect("download");

    assert!(!stale.exists(), "a day-old temp file is a crash leftover");
    assert!(
        young.exists(),
        "a young one may be another process's download"
    );
}
