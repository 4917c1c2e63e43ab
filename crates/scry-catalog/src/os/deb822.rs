//! A small deb822 reader (dpkg `status`, `status.d/*`, opkg `status`).
//!
//! Paragraphs are separated by blank lines (lines of only spaces/tabs count as blank);
//! `Field: value` starts a field and lines starting with a space or tab continue it.
//! CRLF and a missing trailing newline are accepted. Field names are matched
//! case-insensitively, as Debian policy says. Traps and bounds:
//! - a continuation line before any field, or a line without `:`, is a malformed line:
//!   reported with its line number, the rest of the paragraph is still read;
//! - one field value is cut at [`MAX_FIELD_BYTES`] (a `Description` or `Conffiles` of a
//!   hostile file cannot grow memory without bound) and a paragraph keeps at most
//!   [`MAX_FIELDS`] fields.

/// Longest value kept for one field; longer ones are truncated.
pub const MAX_FIELD_BYTES: usize = 1 << 20;
/// Most fields kept per paragraph.
pub const MAX_FIELDS: usize = 256;
/// Most malformed line numbers remembered per paragraph.
pub const MAX_BAD_LINES: usize = 16;

/// One paragraph: its fields in order and where it started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paragraph {
    /// 1-based line of the first field.
    pub line: usize,
    pub fields: Vec<(String, String)>,
    /// Malformed lines met in it (1-based line numbers; the first [`MAX_BAD_LINES`]).
    pub bad_lines: Vec<usize>,
    /// How many malformed lines it has in all.
    pub bad_count: usize,
}

impl Paragraph {
    fn bad(&mut self, line: usize) {
        self.bad_count += 1;
        if self.bad_lines.len() < MAX_BAD_LINES {
            self.bad_lines.push(line);
        }
    }

    /// The first field named `name` (case-insensitive), trimmed.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// Splits `text` into paragraphs.
#[must_use]
pub fn parse(text: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut cur = Paragraph::default();
    let mut in_para = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let lineno = i + 1;
        if line.trim().is_empty() {
            if in_para {
                out.push(std::mem::take(&mut cur));
                in_para = false;
            }
            continue;
        }
        if !in_para {
            cur.line = lineno;
            in_para = true;
        }
        if line.starts_with([' ', '\t']) {
            match cur.fields.last_mut() {
                Some((_, v)) => push_bounded(v, "\n", line.trim()),
                None => cur.bad(lineno),
            }
            continue;
        }
        match line.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() && !k.contains(' ') => {
                if cur.fields.len() < MAX_FIELDS {
                    let mut value = String::new();
                    push_bounded(&mut value, "", v.trim());
                    cur.fields.push((k.to_owned(), value));
                }
            }
            _ => cur.bad(lineno),
        }
    }
    if in_para {
        out.push(cur);
    }
    out
}

fn push_bounded(v: &mut String, sep: &str, more: &str) {
    if v.len() >= MAX_FIELD_BYTES {
        return;
    }
    v.push_str(sep);
    let room = MAX_FIELD_BYTES.saturating_sub(v.len());
    if more.len() <= room {
        v.push_str(more);
    } else {
        let mut end = room;
        while !more.is_char_boundary(end) {
            end -= 1;
        }
        v.push_str(&more[..end]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_continuations_crlf() {
        let t = "Package: a\r\nDescription: x\r\n y\r\n .\r\n\r\n \r\nPackage: b\nVersion: 1";
        let p = parse(t);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].get("package"), Some("a"));
        assert_eq!(p[0].get("Description"), Some("x\ny\n."));
        assert_eq!(p[1].get("Version"), Some("1"));
        assert_eq!(p[1].line, 7);
    }

    #[test]
    fn malformed_lines_are_reported() {
        let p = parse(" lead\nno colon here\nPackage: a\n");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].bad_lines, vec![1, 2]);
        assert_eq!(p[0].get("Package"), Some("a"));
    }

    #[test]
    fn malformed_line_numbers_are_bounded() {
        let t = format!("Package: a\n{}", "junk\n".repeat(1000));
        let p = parse(&t);
        assert_eq!(p[0].bad_count, 1000);
        assert_eq!(p[0].bad_lines.len(), MAX_BAD_LINES);
    }

    #[test]
    fn huge_field_is_bounded() {
        let long = "x".repeat(MAX_FIELD_BYTES + 10);
        let t = format!("Package: a\nDescription: {long}\n {long}\n");
        let p = parse(&t);
        assert_eq!(p[0].get("Description").map(str::len), Some(MAX_FIELD_BYTES));
    }
}
