//! rpm's NDB `Packages.db` (SUSE), little-endian.
//!
//! A 32-byte header (`RpmP` magic, version 0, generation, slot page count) is followed by
//! slot pages of 4096 bytes; each slot is 16 bytes (`Slot` magic, package index, block
//! offset, block count), and the header itself takes the first two slots. A used slot
//! (package index ≠ 0) points at block `offset * 16`: a blob header (`BlbS` magic,
//! package index, checksum, length) then the header blob. Hostile input: slot pages are
//! bounded by the file, every blob must lie inside the file, and a blob whose magic or
//! package index disagrees with its slot is an error. The checksum is not verified.

use crate::Limits;

/// The NDB file magic.
pub const MAGIC: &[u8] = b"RpmP";
const SLOT_MAGIC: &[u8] = b"Slot";
const BLOB_MAGIC: &[u8] = b"BlbS";
const PAGE: usize = 4096;
const BLOCK: usize = 16;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(s))
}

/// Every package blob, in slot order.
///
/// # Errors
/// When the header, a slot or a blob is invalid.
pub fn read_blobs(bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<u8>>, String> {
    if le32(bytes, 4) != Some(0) {
        return Err("unsupported NDB version".into());
    }
    let slot_pages = le32(bytes, 12).ok_or("truncated header")? as usize;
    if slot_pages == 0 || slot_pages.saturating_mul(PAGE) > bytes.len() {
        return Err(format!("{slot_pages} slot pages do not fit the file"));
    }
    let mut out = Vec::new();
    // Blobs do not overlap in a real database: all of them together fit the file.
    let mut total = 0usize;
    for s in 2..slot_pages * PAGE / 16 {
        let at = s * 16;
        let slot = &bytes[at..at + 16];
        if &slot[..4] != SLOT_MAGIC {
            return Err(format!("slot {s}: bad magic"));
        }
        let pkg = le32(slot, 4).unwrap_or(0);
        if pkg == 0 {
            continue;
        }
        let blk = le32(slot, 8).unwrap_or(0) as usize * BLOCK;
        let head = bytes
            .get(blk..blk.saturating_add(16))
            .ok_or_else(|| format!("slot {s}: blob at {blk} beyond the file"))?;
        if &head[..4] != BLOB_MAGIC {
            return Err(format!("slot {s}: blob at {blk} has a bad magic"));
        }
        if le32(head, 4) != Some(pkg) {
            return Err(format!(
                "slot {s}: blob at {blk} belongs to another package"
            ));
        }
        let len = le32(head, 12).unwrap_or(0) as usize;
        if len as u64 > limits.max_file_bytes {
            return Err(format!("slot {s}: blob of {len} bytes"));
        }
        let blob = bytes
            .get(blk + 16..(blk + 16).saturating_add(len))
            .ok_or_else(|| format!("slot {s}: blob of {len} bytes at {blk} beyond the file"))?;
        total = total.saturating_add(len);
        if total > bytes.len() {
            return Err(format!(
                "slot {s}: blobs add up to more than the file (overlapping blobs)"
            ));
        }
        out.push(blob.to_vec());
    }
    Ok(out)
}
