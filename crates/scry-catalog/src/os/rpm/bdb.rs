//! Berkeley DB hash databases (`var/lib/rpm/Packages` of RHEL/CentOS 5–8, Amazon Linux 2).
//!
//! Layout (db_page.h): page 0 is the hash metadata page (magic `0x061561` at byte 12, in
//! the writer's byte order, page size at 20, last page number at 32, page type 8 at 25).
//! Every page starts with a 26-byte header: page number (8), previous (12), next (16),
//! entry count u16 (20), high free offset u16 (22), level (24), type (25). Hash pages
//! (type 13, or 2 on RHEL 5) hold an array of u16 item offsets after the header: keys and
//! values alternate. rpm's values (header blobs) are `H_OFFPAGE` items (type byte 3, page
//! number at +4, total length at +8) pointing to a chain of overflow pages (type 7) whose
//! data starts after the header; the chain ends at next page 0.
//!
//! The whole file is scanned page by page (no bucket hashing), as go-rpmdb does. Hostile
//! input: every page number is checked against the file, an overflow page may be read
//! once per file (a loop or a shared chain is an error, and the work stays linear), and a
//! value never grows past its declared length.
//! Values stored on the page (`H_KEYDATA`, type byte 1) run up to their key, as rpm's own
//! read-only reader takes them; ones too short to be a header (rpm's record 0, the next
//! instance number) are skipped. An overflow page must carry its own page number.

use crate::Limits;

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER: usize = 26;
const META_PAGE: u8 = 8;
const HASH_PAGE: u8 = 13;
const HASH_UNSORTED_PAGE: u8 = 2;
const OVERFLOW_PAGE: u8 = 7;
const H_OFFPAGE: u8 = 3;
const H_KEYDATA: u8 = 1;
/// The smallest rpm header blob: `il`, `dl` and one index entry.
const MIN_HEADER: usize = 24;

#[derive(Clone, Copy)]
struct Order {
    swapped: bool,
}

impl Order {
    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.swapped {
            u32::from_be_bytes(s)
        } else {
            u32::from_le_bytes(s)
        })
    }
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let s: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.swapped {
            u16::from_be_bytes(s)
        } else {
            u16::from_le_bytes(s)
        })
    }
}

fn order(bytes: &[u8]) -> Option<Order> {
    for swapped in [false, true] {
        let o = Order { swapped };
        if o.u32(bytes, 12) == Some(HASH_MAGIC) {
            return Some(o);
        }
    }
    None
}

/// Whether `bytes` starts with a Berkeley DB hash metadata page.
#[must_use]
pub fn is_hash_db(bytes: &[u8]) -> bool {
    order(bytes).is_some()
}

/// Every off-page value of the hash database, in page order.
///
/// # Errors
/// When the metadata is invalid, or a value's overflow chain leaves the file, loops, or
/// meets a page that is not an overflow page.
pub fn read_values(bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<u8>>, String> {
    let o = order(bytes).ok_or("no hash magic")?;
    if bytes.get(25) != Some(&META_PAGE) {
        return Err("page 0 is not a hash metadata page".into());
    }
    let page_size = o.u32(bytes, 20).ok_or("truncated metadata")? as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(format!("invalid page size {page_size}"));
    }
    let last = o.u32(bytes, 32).ok_or("truncated metadata")? as usize;
    let pages = (bytes.len() / page_size).min(last.saturating_add(1));
    let page = |n: usize| bytes.get(n * page_size..(n + 1) * page_size);
    let mut out = Vec::new();
    // An overflow page belongs to one value: a page reached twice (a loop, or two
    // values sharing a chain) is an error, which also keeps the work linear.
    let mut visited = vec![false; pages];
    for n in 1..pages {
        let Some(p) = page(n) else { break };
        if p[25] != HASH_PAGE && p[25] != HASH_UNSORTED_PAGE {
            continue;
        }
        let entries = usize::from(o.u16(p, 20).unwrap_or(0));
        if PAGE_HEADER + entries * 2 > page_size {
            return Err(format!("page {n}: {entries} entries do not fit the page"));
        }
        // Values are the odd items.
        for i in (1..entries).step_by(2) {
            let off = usize::from(o.u16(p, PAGE_HEADER + i * 2).unwrap_or(0));
            match p.get(off) {
                Some(&H_OFFPAGE) => {}
                Some(&H_KEYDATA) => {
                    // Items are packed downwards from the page's end: an on-page value
                    // runs from just after its type byte up to its key.
                    let key = usize::from(o.u16(p, PAGE_HEADER + (i - 1) * 2).unwrap_or(0));
                    let Some(value) = p.get(off + 1..key) else {
                        return Err(format!("page {n}: item {i}: on-page value out of order"));
                    };
                    // rpm's record 0 (the next instance number, 4 bytes) is no header.
                    if value.len() >= MIN_HEADER {
                        out.push(value.to_vec());
                    }
                    continue;
                }
                _ => continue,
            }
            let (Some(first), Some(total)) = (o.u32(p, off + 4), o.u32(p, off + 8)) else {
                return Err(format!("page {n}: item {i} truncated"));
            };
            let total = total as usize;
            if total as u64 > limits.max_file_bytes || total > bytes.len() {
                return Err(format!("page {n}: item {i} claims {total} bytes"));
            }
            let mut value = Vec::with_capacity(total);
            let mut cur = first as usize;
            while cur != 0 && value.len() < total {
                let Some(op) = (cur < pages).then(|| page(cur)).flatten() else {
                    return Err(format!(
                        "page {n}: item {i}: overflow page {cur} beyond the file"
                    ));
                };
                if std::mem::replace(&mut visited[cur], true) {
                    return Err(format!(
                        "page {n}: item {i}: overflow chain loops at page {cur} (reached twice)"
                    ));
                }
                if o.u32(op, 8) != u32::try_from(cur).ok() {
                    return Err(format!(
                        "page {n}: item {i}: page {cur} names another page number"
                    ));
                }
                if op[25] != OVERFLOW_PAGE {
                    return Err(format!(
                        "page {n}: item {i}: page {cur} is not an overflow page"
                    ));
                }
                let used = usize::from(o.u16(op, 22).unwrap_or(0)).min(page_size - PAGE_HEADER);
                let take = used.min(total - value.len());
                value.extend_from_slice(&op[PAGE_HEADER..PAGE_HEADER + take]);
                cur = o.u32(op, 16).unwrap_or(0) as usize;
            }
            if value.len() != total {
                return Err(format!(
                    "page {n}: item {i}: chain ends after {} of {total} bytes",
                    value.len()
                ));
            }
            out.push(value);
        }
    }
    Ok(out)
}
