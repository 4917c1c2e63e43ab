//! A read-only SQLite file reader, just enough to read one table's column
//! (`rpmdb.sqlite`: `Packages(hnum INTEGER PRIMARY KEY, blob BLOB)`).
//!
//! Why not sqlx/rusqlite: the workspace can have only one `libsqlite3-sys`, sqlx is async
//! and heavy, and a database found in an image is hostile input best read by code that
//! cannot be steered into following pointers outside the file. This reader handles the
//! file header (page size, reserved bytes), table b-tree pages (interior `0x05`, leaf
//! `0x0d`), payload overflow chains, varints and the record format (file format
//! <https://www.sqlite.org/fileformat2.html>). It ignores the WAL, freelists, indexes and
//! pointer maps.
//!
//! Hostile input: every page number is checked against the file, every page is visited
//! at most once per walk (a cycle is an error), the tree depth is bounded, every cell and
//! record offset is checked against its page or payload, and a payload may not claim more
//! bytes than the file holds.

use crate::Limits;

/// The SQLite file magic.
pub const MAGIC: &[u8] = b"SQLite format 3\0";
const MAX_DEPTH: usize = 64;

struct Db<'a> {
    bytes: &'a [u8],
    page_size: usize,
    usable: usize,
    pages: usize,
}

/// A value of a record's column, as far as this reader needs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value<'a> {
    Null,
    Int(i64),
    Bytes(&'a [u8]),
    Other,
}

fn varint(b: &[u8], at: usize) -> Result<(u64, usize), String> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let byte = *b.get(at + i).ok_or("varint beyond the data")?;
        if i == 8 {
            return Ok(((v << 8) | u64::from(byte), at + 9));
        }
        v = (v << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Ok((v, at + i + 1));
        }
    }
    Ok((v, at + 9))
}

fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(s))
}

fn be_u16(b: &[u8], at: usize) -> Option<usize> {
    let s: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(usize::from(u16::from_be_bytes(s)))
}

impl<'a> Db<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, String> {
        if !bytes.starts_with(MAGIC) || bytes.len() < 100 {
            return Err("not a SQLite 3 file".into());
        }
        let raw = be_u16(bytes, 16).ok_or("truncated header")?;
        let page_size = if raw == 1 { 65536 } else { raw };
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(format!("invalid page size {page_size}"));
        }
        let usable = page_size - usize::from(bytes[20]);
        if usable < 480 {
            return Err(format!("usable page size {usable} below 480"));
        }
        Ok(Self {
            bytes,
            page_size,
            usable,
            pages: bytes.len() / page_size,
        })
    }

    fn page(&self, n: usize) -> Result<&'a [u8], String> {
        if n == 0 || n > self.pages {
            return Err(format!("page {n} beyond the file ({} pages)", self.pages));
        }
        Ok(&self.bytes[(n - 1) * self.page_size..n * self.page_size])
    }

    /// Calls `f` with the payload of every leaf cell of the table b-tree at `root`.
    fn walk(
        &self,
        root: usize,
        limits: &Limits,
        f: &mut dyn FnMut(&[u8]) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut visited = vec![false; self.pages + 1];
        let mut stack = vec![(root, 0usize)];
        while let Some((n, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                return Err(format!("b-tree deeper than {MAX_DEPTH} at page {n}"));
            }
            let p = self.page(n)?;
            if std::mem::replace(&mut visited[n], true) {
                return Err(format!("page {n} reached twice: the b-tree has a cycle"));
            }
            let hdr = if n == 1 { 100 } else { 0 };
            let kind = *p.get(hdr).ok_or("truncated page")?;
            let cells = be_u16(p, hdr + 3).ok_or("truncated page header")?;
            let (ptrs, interior) = match kind {
                0x05 => (hdr + 12, true),
                0x0d => (hdr + 8, false),
                k => {
                    return Err(format!(
                        "page {n}: type {k:#04x} is not a table b-tree page"
                    ));
                }
            };
            if ptrs + cells * 2 > self.usable {
                return Err(format!("page {n}: {cells} cells do not fit"));
            }
            let mut children = Vec::new();
            for c in 0..cells {
                let off = be_u16(p, ptrs + c * 2).ok_or("truncated cell pointer")?;
                if off >= self.usable {
                    return Err(format!("page {n}: cell {c} at {off} beyond the page"));
                }
                if interior {
                    let child =
                        be_u32(p, off).ok_or_else(|| format!("page {n}: cell {c} truncated"))?;
                    children.push(child as usize);
                } else {
                    let payload = self.payload(n, p, off, &mut visited, limits)?;
                    f(&payload)?;
                }
            }
            if interior {
                let right = be_u32(p, hdr + 8).ok_or("truncated page header")?;
                children.push(right as usize);
                // Pushed in reverse so rows come out in rowid order.
                stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
            }
        }
        Ok(())
    }

    /// The whole payload of the leaf cell at `off` of page `n`, overflow included.
    fn payload(
        &self,
        n: usize,
        p: &[u8],
        off: usize,
        visited: &mut [bool],
        limits: &Limits,
    ) -> Result<Vec<u8>, String> {
        let page = &p[..self.usable];
        let (total, at) = varint(page, off).map_err(|e| format!("page {n}: {e}"))?;
        let (_rowid, at) = varint(page, at).map_err(|e| format!("page {n}: {e}"))?;
        let total = usize::try_from(total).map_err(|_| "payload size overflows")?;
        if total > self.bytes.len() || total as u64 > limits.max_file_bytes {
            return Err(format!(
                "page {n}: payload of {total} bytes exceeds the file"
            ));
        }
        let u = self.usable;
        let x = u - 35;
        let local = if total <= x {
            total
        } else {
            let m = ((u - 12) * 32 / 255) - 23;
            let k = m + ((total - m) % (u - 4));
            if k <= x { k } else { m }
        };
        let local_bytes = page
            .get(at..at + local)
            .ok_or_else(|| format!("page {n}: cell payload beyond the page"))?;
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(local_bytes);
        if local < total {
            let mut next = be_u32(page, at + local)
                .ok_or_else(|| format!("page {n}: overflow pointer beyond the page"))?
                as usize;
            while out.len() < total {
                let op = self
                    .page(next)
                    .map_err(|e| format!("overflow of page {n}: {e}"))?;
                if std::mem::replace(&mut visited[next], true) {
                    return Err(format!(
                        "overflow page {next} reached twice: the chain loops"
                    ));
                }
                let take = (total - out.len()).min(u - 4);
                out.extend_from_slice(&op[4..4 + take]);
                next = be_u32(op, 0).unwrap_or(0) as usize;
                if out.len() < total && next == 0 {
                    return Err(format!("overflow chain of page {n} ends early"));
                }
            }
        }
        Ok(out)
    }
}

/// The columns of one record.
fn record(payload: &[u8]) -> Result<Vec<Value<'_>>, String> {
    let (hlen, mut at) = varint(payload, 0)?;
    let hlen = usize::try_from(hlen).map_err(|_| "record header overflows")?;
    if hlen > payload.len() {
        return Err("record header beyond the payload".into());
    }
    let mut body = hlen;
    let mut out = Vec::new();
    while at < hlen {
        let (ty, next) = varint(payload, at)?;
        at = next;
        let len = match ty {
            0 | 8 | 9 => 0,
            1..=4 => ty as usize,
            5 => 6,
            6 | 7 => 8,
            10 | 11 => return Err(format!("reserved serial type {ty}")),
            t => usize::try_from((t - 12) / 2).map_err(|_| "column length overflows")?,
        };
        let end = body.checked_add(len).ok_or("column length overflows")?;
        let data = payload.get(body..end).ok_or("column beyond the payload")?;
        body = end;
        out.push(match ty {
            0 => Value::Null,
            8 => Value::Int(0),
            9 => Value::Int(1),
            1..=6 => {
                let mut v: i64 = if data[0] & 0x80 != 0 { -1 } else { 0 };
                for &b in data {
                    v = (v << 8) | i64::from(b);
                }
                Value::Int(v)
            }
            7 => Value::Other,
            _ => Value::Bytes(data),
        });
    }
    Ok(out)
}

/// Column `column` (0-based, as declared) of every row of table `table`, when it holds a
/// blob or text.
///
/// # Errors
/// When the file is not SQLite, has no such table, or its pages are inconsistent.
pub fn read_table_blobs(
    bytes: &[u8],
    table: &str,
    column: usize,
    limits: &Limits,
) -> Result<Vec<Vec<u8>>, String> {
    let db = Db::open(bytes)?;
    let mut root = None;
    db.walk(1, limits, &mut |payload| {
        let cols = record(payload)?;
        if let (Some(Value::Bytes(ty)), Some(Value::Bytes(name)), Some(Value::Int(r))) =
            (cols.first(), cols.get(1), cols.get(3))
            && *ty == b"table"
            && name.eq_ignore_ascii_case(table.as_bytes())
        {
            root = Some(*r);
        }
        Ok(())
    })
    .map_err(|e| format!("schema: {e}"))?;
    let root = root.ok_or_else(|| format!("no table `{table}`"))?;
    let root =
        usize::try_from(root).map_err(|_| format!("table `{table}` has root page {root}"))?;
    let mut out = Vec::new();
    db.walk(root, limits, &mut |payload| {
        if out.len() >= limits.max_packages_per_file {
            return Ok(());
        }
        if let Some(Value::Bytes(b)) = record(payload)?.get(column) {
            out.push(b.to_vec());
        }
        Ok(())
    })
    .map_err(|e| format!("table `{table}`: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        assert_eq!(varint(&[0x05], 0), Ok((5, 1)));
        assert_eq!(varint(&[0x81, 0x00], 0), Ok((128, 2)));
        assert_eq!(varint(&[0xff; 9], 0).map(|v| v.1), Ok(9));
        assert!(varint(&[0x81], 0).is_err());
    }
}
