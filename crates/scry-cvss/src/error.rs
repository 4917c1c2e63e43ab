//! Parse and edit errors: one variant per failure kind, each quoting the input.

/// Why a CVSS vector was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    /// The input is empty (or only whitespace).
    #[error("empty CVSS vector")]
    Empty,
    /// The input is longer than [`crate::MAX_VECTOR_LEN`] bytes.
    #[error("CVSS vector is {len} bytes long; at most {max} are accepted")]
    TooLong {
        /// Length of the input in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The `CVSS:x.y/` prefix names a version we do not know, or is malformed.
    #[error(
        "CVSS vector `{vector}`: unsupported prefix `{prefix}`; expected `CVSS:3.0/`, `CVSS:3.1/`, `CVSS:4.0/`, or a v2 vector without prefix"
    )]
    BadPrefix {
        /// The whole input.
        vector: String,
        /// The prefix as found.
        prefix: String,
    },
    /// A v3/v4 vector without its mandatory `CVSS:x.y/` prefix.
    #[error(
        "CVSS vector `{vector}`: metric `{metric}` only exists in CVSS v3/v4, which require a `CVSS:3.1/` (or `CVSS:3.0/`, `CVSS:4.0/`) prefix"
    )]
    MissingPrefix {
        /// The whole input.
        vector: String,
        /// The first metric that gave the version away.
        metric: String,
    },
    /// A v2 vector opened with `(` but did not close it (or the reverse).
    #[error("CVSS vector `{vector}`: unbalanced parentheses")]
    Unbalanced {
        /// The whole input.
        vector: String,
    },
    /// Two `/` in a row, or a leading/trailing `/`.
    #[error("CVSS vector `{vector}`: empty component at position {position}")]
    EmptyComponent {
        /// The whole input.
        vector: String,
        /// 1-based index of the empty component after the prefix.
        position: usize,
    },
    /// A component that is not `METRIC:VALUE`.
    #[error("CVSS vector `{vector}`: component `{component}` is not `METRIC:VALUE`")]
    MalformedComponent {
        /// The whole input.
        vector: String,
        /// The offending component.
        component: String,
    },
    /// A metric name the version does not define.
    #[error("CVSS vector `{vector}`: unknown metric `{metric}` for CVSS {version}")]
    UnknownMetric {
        /// The whole input.
        vector: String,
        /// The metric name as found.
        metric: String,
        /// The version being parsed.
        version: &'static str,
    },
    /// The same metric twice.
    #[error("CVSS vector `{vector}`: duplicate metric `{metric}`")]
    DuplicateMetric {
        /// The whole input.
        vector: String,
        /// The repeated metric.
        metric: String,
    },
    /// One or more mandatory base metrics are absent.
    #[error("CVSS vector `{vector}`: missing mandatory base metric(s) `{metrics}`")]
    MissingMetric {
        /// The whole input.
        vector: String,
        /// The missing metrics, comma-separated, in specification order.
        metrics: String,
    },
    /// A value the metric does not allow.
    #[error(
        "CVSS vector `{vector}`: bad value `{value}` for metric `{metric}`; expected one of {expected}"
    )]
    BadValue {
        /// The whole input.
        vector: String,
        /// The metric.
        metric: String,
        /// The value as found.
        value: String,
        /// The allowed values, e.g. `N, A, L, P`.
        expected: String,
    },
}
