//! [`Fetcher`]: the blocking download API, its builder and per-call [`FetchOptions`].
//!
//! Traps:
//! - The timeout is an *idle* timeout (connect, response headers, each gap between body
//!   chunks), not a deadline for the whole transfer: a 2 GiB OSV archive on a slow link is
//!   fine as long as bytes keep coming.
//! - A `304` is only trusted when we sent validators, i.e. when the cached file and its
//!   sidecar exist and agree. An unsolicited `304` is an error.
//! - An expected SHA-256 that the cached file does not have turns the request into an
//!   unconditional one: a `304` would otherwise hand back the wrong bytes.
//! - `Retry-After` longer than the backoff cap is not waited out: retrying sooner would be
//!   refused again, so the fetch fails at once and says what the server asked for.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use reqwest::StatusCode;
use reqwest::header::{
    ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use sha2::{Digest, Sha256};

use crate::cache::{Entry, Meta, io};
use crate::error::{BuildError, FetchError, FetchErrorKind};
use crate::retry;
use crate::verify::Verify;

/// Default maximum download size: 2 GiB.
pub const DEFAULT_MAX_SIZE: u64 = 2 << 30;

/// Configures a [`Fetcher`]; every setting has a default.
#[derive(Debug, Clone)]
#[must_use]
pub struct FetcherBuilder {
    timeout: Duration,
    retries: u32,
    user_agent: String,
    max_size: u64,
    progress: bool,
    backoff_base: Duration,
    backoff_max: Duration,
}

impl Default for FetcherBuilder {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            retries: 3,
            user_agent: concat!("scry/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_size: DEFAULT_MAX_SIZE,
            progress: true,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
        }
    }
}

impl FetcherBuilder {
    /// Idle timeout for connecting, for the response headers and between body chunks
    /// (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries after the first attempt (default 3, so at most 4 requests).
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// The `User-Agent` header (default `scry/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Largest accepted body, in bytes (default [`DEFAULT_MAX_SIZE`], 2 GiB).
    pub fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = bytes;
        self
    }

    /// Whether to draw a progress bar on stderr (default on). It is drawn only when stderr
    /// is a terminal, whatever this says.
    pub fn progress(mut self, on: bool) -> Self {
        self.progress = on;
        self
    }

    /// Backoff between attempts: the first wait is about `base`, doubling up to `max`
    /// (defaults 500 ms and 30 s). `max` also caps how long a `Retry-After` is honoured.
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_max = max;
        self
    }

    /// Builds the HTTP client (rustls) and the fetcher's private Tokio runtime.
    ///
    /// # Errors
    /// When the TLS backend cannot be set up, the user agent is not a valid header value,
    /// or the runtime cannot start.
    pub fn build(self) -> Result<Fetcher, BuildError> {
        let client = reqwest::Client::builder()
            .user_agent(self.user_agent.as_str())
            .connect_timeout(self.timeout)
            .build()
            .map_err(BuildError::Client)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(BuildError::Runtime)?;
        Ok(Fetcher {
            client,
            runtime: Some(runtime),
            config: self,
        })
    }
}

/// Per-call options: an expected checksum, the integrity check, and whether to revalidate.
#[derive(Debug, Clone)]
#[must_use]
pub struct FetchOptions {
    sha256: Option<String>,
    verify: Verify,
    conditional: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            sha256: None,
            verify: Verify::Auto,
            conditional: true,
        }
    }
}

impl FetchOptions {
    /// The defaults: no checksum, [`Verify::Auto`], conditional requests on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Require this SHA-256 (hex, either case) of the body.
    pub fn sha256(mut self, hex: impl Into<String>) -> Self {
        self.sha256 = Some(hex.into());
        self
    }

    /// The integrity check to run (default [`Verify::Auto`]).
    pub fn verify(mut self, verify: Verify) -> Self {
        self.verify = verify;
        self
    }

    /// Send `If-None-Match`/`If-Modified-Since` from the cache (default on). Off forces a
    /// full download.
    pub fn conditional(mut self, on: bool) -> Self {
        self.conditional = on;
        self
    }
}

/// A successful fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fetched {
    /// The verified file: in the cache folder for HTTP(S), the caller's own file for
    /// `file://` URLs and paths.
    pub path: PathBuf,
    /// The server answered `304 Not Modified`; `path` is the earlier download.
    pub not_modified: bool,
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256: always for HTTP(S); for local files only when one was
    /// expected (they are not read just to hash them).
    pub sha256: Option<String>,
    /// The server's `ETag`, if it sent one.
    pub etag: Option<String>,
    /// The server's `Last-Modified`, if it sent one.
    pub last_modified: Option<String>,
    /// HTTP requests made (0 for local files).
    pub attempts: u32,
}

/// Downloads URLs into a cache folder; see the crate docs.
///
/// Blocking: it drives its own single-threaded Tokio runtime. It may be called from
/// inside another Tokio runtime (it then blocks that worker thread while it runs the
/// download on a helper thread), but `spawn_blocking` is kinder to async callers.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    runtime: Option<tokio::runtime::Runtime>,
    config: FetcherBuilder,
}

impl Drop for Fetcher {
    fn drop(&mut self) {
        // Dropping a runtime inside an async context panics; this never does.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

enum Source {
    Http(reqwest::Url),
    Local(PathBuf),
}

/// Why one attempt failed, plus the server's `Retry-After` when it sent one.
struct AttemptError {
    kind: FetchErrorKind,
    retry_after: Option<Duration>,
}

impl From<FetchErrorKind> for AttemptError {
    fn from(kind: FetchErrorKind) -> Self {
        Self {
            kind,
            retry_after: None,
        }
    }
}

impl Fetcher {
    /// A builder with the defaults.
    pub fn builder() -> FetcherBuilder {
        FetcherBuilder::default()
    }

    /// Fetches `url` into the `cache` folder with the default [`FetchOptions`].
    ///
    /// `url` is `http://`, `https://`, `file://` or a plain path; local files are verified
    /// in place and their own path is returned.
    ///
    /// # Errors
    /// See [`FetchErrorKind`]; the error names the URL.
    pub fn fetch(&self, url: &str, cache: &Path) -> Result<Fetched, FetchError> {
        self.fetch_with(url, cache, &FetchOptions::default())
    }

    /// Like [`Fetcher::fetch`], and the body must have this SHA-256 (hex).
    ///
    /// # Errors
    /// As [`Fetcher::fetch`], plus [`FetchErrorKind::ChecksumMismatch`]; on a mismatch the
    /// download is discarded and the cache keeps what it had.
    pub fn fetch_verified(
        &self,
        url: &str,
        cache: &Path,
        sha256: &str,
    ) -> Result<Fetched, FetchError> {
        self.fetch_with(url, cache, &FetchOptions::default().sha256(sha256))
    }

    /// Fetches with explicit options.
    ///
    /// # Errors
    /// See [`FetchErrorKind`]; the error names the URL.
    pub fn fetch_with(
        &self,
        url: &str,
        cache: &Path,
        options: &FetchOptions,
    ) -> Result<Fetched, FetchError> {
        let expected = match &options.sha256 {
            Some(hex) => Some(normalize_sha256(hex).ok_or_else(|| {
                FetchError::new(url, 0, FetchErrorKind::InvalidSha256 { value: hex.clone() })
            })?),
            None => None,
        };
        match classify(url).map_err(|kind| FetchError::new(url, 0, kind))? {
            Source::Local(path) => self
                .local(&path, &options.verify, expected.as_deref())
                .map_err(|kind| FetchError::new(url, 0, kind)),
            Source::Http(parsed) => self.http(url, &parsed, cache, options, expected.as_deref()),
        }
    }

    /// Where the download of an `http(s)` `url` is kept inside `cache` (whether or not it
    /// has been fetched yet); `None` for local paths and invalid URLs.
    #[must_use]
    pub fn cached_path(url: &str, cache: &Path) -> Option<PathBuf> {
        match classify(url) {
            Ok(Source::Http(parsed)) => Some(Entry::new(cache, &parsed).data()),
            _ => None,
        }
    }

    fn local(
        &self,
        path: &Path,
        verify: &Verify,
        expected: Option<&str>,
    ) -> Result<Fetched, FetchErrorKind> {
        let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
        if !meta.is_file() {
            return Err(io(path, std::io::Error::other("not a regular file")));
        }
        let size = meta.len();
        if size > self.config.max_size {
            return Err(FetchErrorKind::TooLarge {
                limit: self.config.max_size,
                size: Some(size),
            });
        }
        let sha256 = match expected {
            Some(expected) => {
                let actual = hash_file(path)?;
                if actual != expected {
                    return Err(FetchErrorKind::ChecksumMismatch {
                        expected: expected.to_owned(),
                        actual,
                    });
                }
                Some(actual)
            }
            None => None,
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        verify.resolve(&name).check(path)?;
        Ok(Fetched {
            path: path.to_path_buf(),
            not_modified: false,
            size,
            sha256,
            etag: None,
            last_modified: None,
            attempts: 0,
        })
    }

    fn http(
        &self,
        url: &str,
        parsed: &reqwest::Url,
        cache: &Path,
        options: &FetchOptions,
        expected: Option<&str>,
    ) -> Result<Fetched, FetchError> {
        let entry = Entry::new(cache, parsed);
        let verify = options.verify.resolve(parsed.path());
        let prior = options
            .conditional
            .then(|| entry.load(url))
            .flatten()
            .filter(|meta| expected.is_none_or(|e| e == meta.sha256));

        let max_attempts = self.config.retries.saturating_add(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let job = self.attempt(url, parsed, &entry, prior.as_ref(), &verify, expected);
            let err = match self.block_on(job) {
                Ok(mut fetched) => {
                    fetched.attempts = attempt;
                    return Ok(fetched);
                }
                Err(err) => err,
            };
            let AttemptError {
                mut kind,
                retry_after,
            } = err;
            if attempt >= max_attempts || !retry::is_retryable(&kind) {
                return Err(FetchError::new(url, attempt, kind));
            }
            let mut wait =
                retry::backoff(self.config.backoff_base, self.config.backoff_max, attempt);
            if let Some(after) = retry_after {
                if after > self.config.backoff_max {
                    if let FetchErrorKind::Status { retry_after, .. } = &mut kind {
                        *retry_after = Some(after);
                    }
                    return Err(FetchError::new(url, attempt, kind));
                }
                wait = wait.max(after);
            }
            tracing::warn!(%url, attempt, ?wait, error = %kind, "download failed, retrying");
            std::thread::sleep(wait);
        }
    }

    /// Runs a future on the private runtime, from a helper thread when the caller is
    /// itself inside a Tokio runtime (where `block_on` would panic).
    fn block_on<T: Send>(&self, job: impl Future<Output = T> + Send) -> T {
        let Some(runtime) = self.runtime.as_ref() else {
            unreachable!("the runtime is only taken in Drop");
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return runtime.block_on(job);
        }
        std::thread::scope(|scope| match scope.spawn(|| runtime.block_on(job)).join() {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        })
    }

    /// One request: `304` → the cached file; `200` → stream, check, commit.
    async fn attempt(
        &self,
        url: &str,
        parsed: &reqwest::Url,
        entry: &Entry,
        prior: Option<&Meta>,
        verify: &Verify,
        expected: Option<&str>,
    ) -> Result<Fetched, AttemptError> {
        let timeout = self.config.timeout;
        let mut request = self.client.get(parsed.clone());
        if let Some(meta) = prior {
            if let Some(etag) = meta
                .etag
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(lm) = meta
                .last_modified
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                request = request.header(IF_MODIFIED_SINCE, lm);
            }
        }
        let mut response = match tokio::time::timeout(timeout, request.send()).await {
            Err(_) => {
                return Err(FetchErrorKind::Timeout {
                    after: timeout,
                    phase: "waiting for the response",
                }
                .into());
            }
            Ok(Err(e)) if e.is_timeout() => {
                return Err(FetchErrorKind::Timeout {
                    after: timeout,
                    phase: "connecting",
                }
                .into());
            }
            Ok(Err(e)) if e.is_connect() => return Err(FetchErrorKind::Connect(e).into()),
            Ok(Err(e)) => return Err(FetchErrorKind::Request(e).into()),
            Ok(Ok(response)) => response,
        };

        let status = response.status();
        let headers = response.headers().clone();
        let etag = header_string(&headers, &ETAG);
        let last_modified = header_string(&headers, &LAST_MODIFIED);

        if status == StatusCode::NOT_MODIFIED {
            let Some(prior) = prior else {
                return Err(FetchErrorKind::Status {
                    status: 304,
                    retry_after: None,
                }
                .into());
            };
            let meta = Meta {
                etag: etag.or_else(|| prior.etag.clone()),
                last_modified: last_modified.or_else(|| prior.last_modified.clone()),
                ..prior.clone()
            };
            if meta.etag != prior.etag || meta.last_modified != prior.last_modified {
                entry.touch(&meta)?;
            }
            return Ok(Fetched {
                path: entry.data(),
                not_modified: true,
                size: meta.size,
                sha256: Some(meta.sha256),
                etag: meta.etag,
                last_modified: meta.last_modified,
                attempts: 0,
            });
        }
        if status != StatusCode::OK {
            let retry_after = header_string(&headers, &RETRY_AFTER)
                .and_then(|v| retry::parse_retry_after(&v, SystemTime::now()));
            return Err(AttemptError {
                kind: FetchErrorKind::Status {
                    status: status.as_u16(),
                    retry_after: None,
                },
                retry_after,
            });
        }

        let limit = self.config.max_size;
        let length = response.content_length();
        if length.is_some_and(|n| n > limit) {
            return Err(FetchErrorKind::TooLarge {
                limit,
                size: length,
            }
            .into());
        }

        let mut temp = entry.create_temp()?;
        let bar = self.progress_bar(parsed, length);
        let mut hasher = Sha256::new();
        let mut received: u64 = 0;
        loop {
            let chunk = match tokio::time::timeout(timeout, response.chunk()).await {
                Err(_) => {
                    return Err(FetchErrorKind::Timeout {
                        after: timeout,
                        phase: "reading the body",
                    }
                    .into());
                }
                Ok(Err(e)) if e.is_timeout() => {
                    return Err(FetchErrorKind::Timeout {
                        after: timeout,
                        phase: "reading the body",
                    }
                    .into());
                }
                Ok(Err(e)) => {
                    return Err(FetchErrorKind::Truncated {
                        expected: length,
                        received,
                        source: Some(e),
                    }
                    .into());
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => chunk,
            };
            received += chunk.len() as u64;
            if received > limit {
                return Err(FetchErrorKind::TooLarge {
                    limit,
                    size: length,
                }
                .into());
            }
            hasher.update(&chunk);
            temp.write_all(&chunk)?;
            bar.set_position(received);
        }
        bar.finish_and_clear();
        if let Some(expected_len) = length
            && received != expected_len
        {
            return Err(FetchErrorKind::Truncated {
                expected: length,
                received,
                source: None,
            }
            .into());
        }
        temp.finish()?;

        let actual = hex::encode(hasher.finalize());
        if let Some(expected) = expected
            && actual != expected
        {
            return Err(FetchErrorKind::ChecksumMismatch {
                expected: expected.to_owned(),
                actual,
            }
            .into());
        }
        verify.check(temp.path())?;

        let fetched_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let meta = Meta {
            url: url.to_owned(),
            etag: etag.clone(),
            last_modified: last_modified.clone(),
            size: received,
            sha256: actual.clone(),
            fetched_at,
        };
        entry.commit(temp, &meta)?;
        Ok(Fetched {
            path: entry.data(),
            not_modified: false,
            size: received,
            sha256: Some(actual),
            etag,
            last_modified,
            attempts: 0,
        })
    }

    /// Bytes, rate and ETA on stderr, only when asked for and stderr is a terminal.
    fn progress_bar(&self, url: &reqwest::Url, length: Option<u64>) -> ProgressBar {
        if !self.config.progress || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let name = url
            .path_segments()
            .and_then(|mut segments| segments.next_back().map(str::to_owned))
            .unwrap_or_default();
        let bar = match length {
            Some(len) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        };
        let template = if length.is_some() {
            "{msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}"
        } else {
            "{msg} {spinner} {bytes} {binary_bytes_per_sec}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.with_message(format!("{} {name}", url.host_str().unwrap_or_default()))
            .with_finish(ProgressFinish::AndClear)
    }
}

fn classify(url: &str) -> Result<Source, FetchErrorKind> {
    let Some((scheme, _)) = url.split_once("://") else {
        if url.is_empty() {
            return Err(FetchErrorKind::InvalidUrl {
                reason: "empty".to_owned(),
            });
        }
        return Ok(Source::Local(PathBuf::from(url)));
    };
    let invalid = |reason: String| FetchErrorKind::InvalidUrl { reason };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" => Ok(Source::Http(parsed)),
        "file" => parsed
            .to_file_path()
            .map(Source::Local)
            .map_err(|()| invalid("not a local file path".to_owned())),
        other => Err(invalid(format!(
            "scheme `{other}` is not http, https or file"
        ))),
    }
}

fn header_string(headers: &HeaderMap, name: &reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn normalize_sha256(hex: &str) -> Option<String> {
    let hex = hex.trim().to_ascii_lowercase();
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

fn hash_file(path: &Path) -> Result<String, FetchErrorKind> {
    let mut file = std::fs::File::open(path).map_err(|e| io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(|e| io(path, e))?;
        if n == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}
