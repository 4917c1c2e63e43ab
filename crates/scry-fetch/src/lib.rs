//! Downloading advisory feeds (OSV `all.zip` exports, the CISA KEV JSON, EPSS CSV) into a
//! cache folder, for `scry db update` and `scry db import URL`.
//!
//! A [`Fetcher`] (configured with [`Fetcher::builder`]) has one blocking entry point,
//! [`Fetcher::fetch`] (plus [`Fetcher::fetch_verified`] and [`Fetcher::fetch_with`]), which
//! returns a [`Fetched`]: the path of a complete, verified file.
//!
//! ```ignore
//! let fetcher = scry_fetch::Fetcher::builder().retries(3).build()?;
//! let got = fetcher.fetch("https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip", cache)?;
//! if !got.not_modified {
//!     import(&got.path)?;
//! }
//! ```
//!
//! What a fetch does, and the traps it handles:
//! - **Conditional requests.** The previous download stays in the cache folder with a
//!   sidecar `<name>.meta.json` (URL, `ETag`, `Last-Modified`, size, SHA-256). The next
//!   fetch sends `If-None-Match`/`If-Modified-Since`; a `304` returns the cached file with
//!   `not_modified = true`.
//! - **Retries** with exponential backoff and jitter on connect errors, timeouts,
//!   truncated bodies, `429` and `5xx`, honouring `Retry-After`; never on other `4xx`.
//! - **Verification** before anything is kept: `Content-Length` equals the bytes
//!   received, an optional expected SHA-256, and a cheap check by kind ([`Verify`]: gzip
//!   decodes to its end, zip central directory readable, JSON parses).
//! - **Atomic cache.** Bodies go to a temp file in the cache folder and are renamed into
//!   place only after verification, so a crash never leaves a half file under the final
//!   name.
//! - **Limits.** A maximum size (default 2 GiB) and an idle timeout; errors name the URL
//!   and the limit.
//! - **Local input.** `file://` URLs and plain paths are verified in place and returned
//!   as they are, without a copy.
//! - A progress bar (bytes, rate, ETA) on stderr, only when stderr is a terminal.

mod cache;
mod error;
mod fetcher;
mod retry;
mod verify;

pub use crate::error::{BuildError, FetchError, FetchErrorKind};
pub use crate::fetcher::{DEFAULT_MAX_SIZE, FetchOptions, Fetched, Fetcher, FetcherBuilder};
pub use crate::verify::{Verify, VerifyFn};
