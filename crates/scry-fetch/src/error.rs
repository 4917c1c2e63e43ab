//! Errors: one [`FetchError`] per failed fetch, naming the URL, the reason and how many
//! attempts were made.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// A fetch that failed: the URL, the number of attempts, and why the last attempt failed.
///
/// `Display` reads ``fetching `URL`: REASON`` (plus ` (after N attempts)` when it was
/// retried); `source()` is the underlying transport or I/O error, if any.
#[derive(Debug)]
pub struct FetchError {
    url: String,
    attempts: u32,
    kind: Box<FetchErrorKind>,
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchErrorKind {
    /// The string is neither an `http(s)://` or `file://` URL nor a path.
    #[error("not a supported URL: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// The expected SHA-256 given by the caller is not 64 hex digits.
    #[error("expected SHA-256 `{value}` is not 64 hex digits")]
    InvalidSha256 {
        /// What the caller passed.
        value: String,
    },
    /// The server answered with a status other than `200` or `304`.
    #[error("server answered HTTP {status}{}", retry_after_note(*.retry_after))]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The server's `Retry-After`, when it asked for a longer wait than the fetcher allows.
        retry_after: Option<Duration>,
    },
    /// No connection, no response or no body data within the timeout.
    #[error("timed out after {after:?} while {phase}")]
    Timeout {
        /// The configured timeout.
        after: Duration,
        /// What the fetcher was waiting for: `connecting`, `waiting for the response` or
        /// `reading the body`.
        phase: &'static str,
    },
    /// The connection could not be made (refused, DNS, TLS).
    #[error("could not connect")]
    Connect(#[source] reqwest::Error),
    /// Another transport error before the response arrived.
    #[error("request failed")]
    Request(#[source] reqwest::Error),
    /// The body ended before `Content-Length` bytes arrived, or the connection broke mid-body.
    #[error("truncated download: received {received} bytes{}", expected_note(*.expected))]
    Truncated {
        /// The `Content-Length`, when the server sent one.
        expected: Option<u64>,
        /// The bytes actually received.
        received: u64,
        /// The transport error that ended the body, if any.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The body is larger than the configured maximum.
    #[error("larger than the {limit}-byte limit{}", size_note(*.size))]
    TooLarge {
        /// The configured maximum (`FetcherBuilder::max_size`).
        limit: u64,
        /// The announced or local size, when known before reading.
        size: Option<u64>,
    },
    /// The SHA-256 of the download differs from the expected one.
    #[error("SHA-256 mismatch: expected {expected}, got {actual}")]
    ChecksumMismatch {
        /// The expected digest (lower-case hex).
        expected: String,
        /// The digest of what was received (lower-case hex).
        actual: String,
    },
    /// The integrity check of its kind failed (gzip does not decode, zip has no readable
    /// central directory, JSON does not parse, or a custom check said no).
    #[error("not a valid {kind}: {reason}")]
    Corrupt {
        /// The kind checked: `gzip`, `zip`, `JSON` or `custom`.
        kind: &'static str,
        /// The decoder's complaint.
        reason: String,
    },
    /// A file in the cache folder (or the local file) could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

fn retry_after_note(after: Option<Duration>) -> String {
    after.map_or_else(String::new, |d| {
        format!(" and asked to retry after {}s", d.as_secs())
    })
}

fn expected_note(expected: Option<u64>) -> String {
    expected.map_or_else(String::new, |n| format!(" of the {n} in `Content-Length`"))
}

fn size_note(size: Option<u64>) -> String {
    size.map_or_else(String::new, |n| format!(" ({n} bytes)"))
}

impl FetchError {
    pub(crate) fn new(url: &str, attempts: u32, kind: FetchErrorKind) -> Self {
        Self {
            url: url.to_owned(),
            attempts,
            kind: Box::new(kind),
        }
    }

    /// The URL (or path) that was being fetched.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many HTTP requests were made (0 for local files and invalid URLs).
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Why the last attempt failed.
    #[must_use]
    pub fn kind(&self) -> &FetchErrorKind {
        &self.kind
    }

    /// The HTTP status, when the failure was an unexpected status code.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match *self.kind {
            FetchErrorKind::Status { status, .. } => Some(status),
            _ => None,
        }
    }

    /// Whether the failure was a timeout.
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        matches!(*self.kind, FetchErrorKind::Timeout { .. })
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fetching `{}`: {}", self.url, self.kind)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for FetchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // The kind's message is already part of ours; skip to its cause.
        std::error::Error::source(&*self.kind)
    }
}

/// Building a [`Fetcher`](crate::Fetcher) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The HTTP client could not be configured (TLS backend, user agent).
    #[error("building the HTTP client")]
    Client(#[source] reqwest::Error),
    /// The private Tokio runtime could not be started.
    #[error("starting the download runtime")]
    Runtime(#[source] std::io::Error),
}
