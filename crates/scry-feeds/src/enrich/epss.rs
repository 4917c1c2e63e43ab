//! FIRST's Exploit Prediction Scoring System scores, one CSV line per CVE.
//!
//! The official daily file (`epss_scores-YYYY-MM-DD.csv`, gunzipped by the caller):
//!
//! ```text
//! #model_version:v2025.03.14,score_date:2025-08-16T12:55:00Z
//! cve,epss,percentile
//! CVE-1999-0001,0.01141,0.77973
//! ```
//!
//! Copies that concatenate per-year files may separate with `;` and repeat the header or the
//! comment: the separator is taken from each header (or, without one, guessed from the first
//! data line), and repeated headers and `#` comments are skipped. The first comment's
//! `model_version` and `score_date` are kept ([`Reader::model_version`],
//! [`Reader::score_date`]).
//!
//! Traps: scores are probabilities in `[0, 1]` (some tools print them as `1.2e-4`, which
//! parses); a line longer than [`MAX_LINE`] bytes, bad UTF-8, a missing field or a value out
//! of range is an [`EnrichError::EpssLine`] for that line, and reading goes on with the next.

use std::io::{BufRead, Read};

use super::EnrichError;

/// Longest line accepted, in bytes (a real line is about 40).
pub const MAX_LINE: u64 = 4096;

/// One CVE's score.
#[derive(Debug, Clone, PartialEq)]
pub struct EpssEntry {
    /// `CVE-2021-44228`.
    pub cve: String,
    /// Probability of exploitation activity in the next 30 days, `[0, 1]`.
    pub epss: f32,
    /// Rank of the score among all CVEs, `[0, 1]`.
    pub percentile: f32,
}

/// Streams the entries of an EPSS CSV.
pub fn parse<R: BufRead>(reader: R) -> Reader<R> {
    Reader {
        reader,
        line: 0,
        separator: None,
        buf: Vec::with_capacity(64),
        model_version: None,
        score_date: None,
        done: false,
    }
}

/// The iterator [`parse`] returns: `Result<EpssEntry, EnrichError>` per data line.
#[derive(Debug)]
pub struct Reader<R> {
    reader: R,
    line: u64,
    separator: Option<u8>,
    buf: Vec<u8>,
    model_version: Option<String>,
    score_date: Option<String>,
    done: bool,
}

impl<R> Reader<R> {
    /// The `model_version` of the first `#` comment, once read.
    #[must_use]
    pub fn model_version(&self) -> Option<&str> {
        self.model_version.as_deref()
    }

    /// The `score_date` of the first `#` comment, once read.
    #[must_use]
    pub fn score_date(&self) -> Option<&str> {
        self.score_date.as_deref()
    }
}

impl<R: BufRead> Reader<R> {
    /// Reads the next line into `buf` (without its end of line); `Ok(false)` at the end.
    fn next_line(&mut self) -> Result<bool, EnrichError> {
        self.buf.clear();
        self.line += 1;
        let line = self.line;
        let n = (&mut self.reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(|source| EnrichError::Io { line, source })?;
        if n == 0 {
            return Ok(false);
        }
        if self.buf.last() != Some(&b'\n') && self.buf.len() as u64 > MAX_LINE {
            // Skip the rest of the over-long line.
            loop {
                let mut rest = Vec::new();
                let m = (&mut self.reader)
                    .take(MAX_LINE)
                    .read_until(b'\n', &mut rest)
                    .map_err(|source| EnrichError::Io { line, source })?;
                if m == 0 || rest.last() == Some(&b'\n') {
                    break;
                }
            }
            self.buf.clear();
            return Err(EnrichError::EpssLine {
                line,
                reason: format!("longer than {MAX_LINE} bytes"),
            });
        }
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        Ok(true)
    }

    fn parse_line(&mut self) -> Result<Option<EpssEntry>, EnrichError> {
        let line = self.line;
        let bad = |reason: String| EnrichError::EpssLine { line, reason };
        let text = std::str::from_utf8(&self.buf).map_err(|e| bad(format!("not UTF-8: {e}")))?;
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            return Ok(None);
        }
        if let Some(comment) = text.strip_prefix('#') {
            if self.model_version.is_none() && self.score_date.is_none() {
                for part in comment.split(',') {
                    match part.split_once(':') {
                        Some(("model_version", v)) => {
                            self.model_version = Some(v.trim().to_owned())
                        }
                        Some(("score_date", v)) => self.score_date = Some(v.trim().to_owned()),
                        _ => {}
                    }
                }
            }
            return Ok(None);
        }
        let header = text.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("cve"))
            && !text.starts_with("CVE-");
        if header {
            let sep = if text.contains(';') { b';' } else { b',' };
            let fields: Vec<&str> = text.split(char::from(sep)).map(str::trim).collect();
            if fields != ["cve", "epss", "percentile"] {
                return Err(bad(format!(
                    "header {} is not `cve,epss,percentile`",
                    crate::distro::quote(text, 60)
                )));
            }
            self.separator = Some(sep);
            return Ok(None);
        }
        let sep = *self
            .separator
            .get_or_insert(if text.contains(';') { b';' } else { b',' });
        let mut fields = text.split(char::from(sep)).map(str::trim);
        let (Some(cve), Some(epss), Some(percentile), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(bad(format!(
                "expected 3 `{}`-separated fields in {}",
                char::from(sep),
                crate::distro::quote(text, 60)
            )));
        };
        if !crate::distro::is_cve(cve) {
            return Err(bad(format!(
                "{} is no CVE id",
                crate::distro::quote(cve, 40)
            )));
        }
        let score = |name: &str, s: &str| -> Result<f32, EnrichError> {
            match s.parse::<f32>() {
                Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
                _ => Err(bad(format!(
                    "{name} {} is not a number in [0, 1]",
                    crate::distro::quote(s, 30)
                ))),
            }
        };
        Ok(Some(EpssEntry {
            cve: cve.to_owned(),
            epss: score("epss", epss)?,
            percentile: score("percentile", percentile)?,
        }))
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<EpssEntry, EnrichError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.next_line() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e @ EnrichError::Io { .. }) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Err(e) => return Some(Err(e)),
            }
            match self.parse_line() {
                Ok(Some(entry)) => return Some(Ok(entry)),
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(s: &str) -> Vec<Result<EpssEntry, String>> {
        parse(s.as_bytes())
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn official_format() {
        let text = "#model_version:v2023.03.01,score_date:2023-04-06T00:00:00+0000\n\
                    cve,epss,percentile\nCVE-1999-0001,0.01141,0.77973\r\nCVE-1999-0002,1.2e-4,0.5\n";
        let mut r = parse(text.as_bytes());
        let first = r.next();
        assert_eq!(r.model_version(), Some("v2023.03.01"));
        assert_eq!(r.score_date(), Some("2023-04-06T00:00:00+0000"));
        assert_eq!(
            first.map(|e| e.map_err(|e| e.to_string())),
            Some(Ok(EpssEntry {
                cve: "CVE-1999-0001".into(),
                epss: 0.01141,
                percentile: 0.77973
            }))
        );
        assert_eq!(r.count(), 1);
    }

    #[test]
    fn semicolons_and_bad_lines() {
        let got = all(
            "cve;epss;percentile\nCVE-2020-0001;0.5;0.9\nCVE-2020-0002;2;0.1\ngarbage\n\
                       CVE-2020-0003;0.1\nCVE-2020-0004;nan;0.1\ncve;epss;percentile\nCVE-2020-0005;0;1\n",
        );
        assert!(got[0].is_ok());
        assert_eq!(
            got[1],
            Err("EPSS CSV line 3: epss `2` is not a number in [0, 1]".into())
        );
        assert!(
            got[2]
                .as_ref()
                .is_err_and(|e| e.starts_with("EPSS CSV line 4:"))
        );
        assert!(
            got[3]
                .as_ref()
                .is_err_and(|e| e.starts_with("EPSS CSV line 5:"))
        );
        assert!(
            got[4]
                .as_ref()
                .is_err_and(|e| e.starts_with("EPSS CSV line 6:"))
        );
        assert!(got[5].is_ok());
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn long_lines_and_bad_utf8() {
        let mut text = b"CVE-2020-0001,0.5,0.9\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 10_000));
        text.extend(b"\n\xff\xfe\nCVE-2020-0002,0.5,0.9");
        let got: Vec<_> = parse(&text[..])
            .map(|r| r.map_err(|e| e.to_string()))
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(
            got[1]
                .as_ref()
                .is_err_and(|e| e.contains("line 2: longer than"))
        );
        assert!(
            got[2]
                .as_ref()
                .is_err_and(|e| e.contains("line 3: not UTF-8"))
        );
        assert!(got[3].is_ok());
    }
}
