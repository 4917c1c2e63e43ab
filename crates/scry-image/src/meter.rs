//! Readers that hash and count what flows through them and stop at the bounds: the raw
//! blob (blob digest, compressed bytes), the decompressor, and the uncompressed tar
//! stream (diff ID, total and ratio bounds, tar extension-header budget).

use std::cell::{Cell, RefCell};
use std::io::{self, BufRead, Read};

use sha2::{Digest, Sha256};

use crate::{ImageError, WalkLimits};

/// Shared between the readers of one layer and the code walking its tar.
pub(crate) struct Meter {
    pub(crate) input: String,
    limits: WalkLimits,
    /// Uncompressed bytes read before this layer (over the whole target).
    before: u64,
    compressed: Cell<u64>,
    uncompressed: Cell<u64>,
    header_mode: Cell<bool>,
    header_bytes: Cell<u64>,
    header_allow: Cell<u64>,
    failure: RefCell<Option<ImageError>>,
}

impl Meter {
    pub(crate) fn new(input: String, limits: WalkLimits, before: u64) -> Self {
        Self {
            input,
            limits,
            before,
            compressed: Cell::new(0),
            uncompressed: Cell::new(0),
            header_mode: Cell::new(false),
            header_bytes: Cell::new(0),
            header_allow: Cell::new(0),
            failure: RefCell::new(None),
        }
    }

    /// Reads from now on are tar headers: at most the header budget plus `extra`
    /// (data of an entry left unread) until [`Meter::data_mode`].
    pub(crate) fn header_mode(&self, extra: u64) {
        self.header_mode.set(true);
        self.header_bytes.set(0);
        self.header_allow.set(
            self.limits
                .max_header_bytes
                .saturating_add(1024)
                .saturating_add(extra),
        );
    }

    pub(crate) fn data_mode(&self) {
        self.header_mode.set(false);
    }

    pub(crate) fn uncompressed(&self) -> u64 {
        self.uncompressed.get()
    }

    pub(crate) fn compressed(&self) -> u64 {
        self.compressed.get()
    }

    /// The error behind an I/O error of these readers, or the I/O error as damage.
    pub(crate) fn error(&self, e: &io::Error) -> ImageError {
        self.failure
            .borrow_mut()
            .take()
            .unwrap_or_else(|| ImageError::Corrupt {
                input: self.input.clone(),
                reason: e.to_string(),
            })
    }

    fn fail(&self, what: &str, limit: u64) -> io::Error {
        let mut f = self.failure.borrow_mut();
        if f.is_none() {
            *f = Some(ImageError::Limit {
                input: self.input.clone(),
                what: what.to_owned(),
                limit,
            });
        }
        io::Error::other(format!("{what} exceeds the limit of {limit}"))
    }

    fn count_uncompressed(&self, n: usize) -> io::Result<()> {
        let l = &self.limits;
        let u = self.uncompressed.get() + n as u64;
        self.uncompressed.set(u);
        if self.before.saturating_add(u) > l.max_total_bytes {
            return Err(self.fail(
                "uncompressed bytes over the whole target",
                l.max_total_bytes,
            ));
        }
        let c = self.compressed.get();
        if u > l.ratio_floor_bytes && c > 0 && u / c > l.max_ratio {
            return Err(self.fail("decompression ratio", l.max_ratio));
        }
        if self.header_mode.get() {
            let h = self.header_bytes.get() + n as u64;
            self.header_bytes.set(h);
            if h > self.header_allow.get() {
                return Err(self.fail("tar extension header bytes", l.max_header_bytes));
            }
        }
        Ok(())
    }
}

/// The raw blob: hashes and counts the bytes as stored.
pub(crate) struct Raw<'m, R> {
    pub(crate) inner: R,
    pub(crate) hasher: Sha256,
    meter: &'m Meter,
}

impl<'m, R: Read> Raw<'m, R> {
    pub(crate) fn new(inner: R, meter: &'m Meter) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            meter,
        }
    }
}

impl<R: Read> Read for Raw<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.meter
            .compressed
            .set(self.meter.compressed.get() + n as u64);
        Ok(n)
    }
}

/// What a layer is compressed with, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    Gzip,
    Zstd,
    None,
}

/// Looks at the first bytes of `r` without consuming them.
pub(crate) fn sniff(r: &mut impl BufRead, input: &str) -> Result<Compression, ImageError> {
    let head = r.fill_buf().map_err(|e| ImageError::Corrupt {
        input: input.to_owned(),
        reason: e.to_string(),
    })?;
    let unsupported = |what: &str| ImageError::Unsupported {
        input: input.to_owned(),
        reason: format!("{what} compression"),
    };
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Compression::Gzip)
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Ok(Compression::Zstd)
    } else if head.starts_with(b"BZh") {
        Err(unsupported("bzip2"))
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Err(unsupported("xz"))
    } else {
        Ok(Compression::None)
    }
}

/// The decompressor chosen by [`sniff`].
pub(crate) enum Decoder<R: BufRead> {
    Gzip(Box<flate2::bufread::MultiGzDecoder<R>>),
    Zstd(zstd::stream::read::Decoder<'static, R>),
    None(R),
}

impl<R: BufRead> Decoder<R> {
    pub(crate) fn new(kind: Compression, r: R, input: &str) -> Result<Self, ImageError> {
        Ok(match kind {
            Compression::Gzip => Self::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(r))),
            Compression::Zstd => {
                Self::Zstd(zstd::stream::read::Decoder::with_buffer(r).map_err(|e| {
                    ImageError::Corrupt {
                        input: input.to_owned(),
                        reason: e.to_string(),
                    }
                })?)
            }
            Compression::None => Self::None(r),
        })
    }

    pub(crate) fn into_inner(self) -> R {
        match self {
            Self::Gzip(d) => d.into_inner(),
            Self::Zstd(d) => d.finish(),
            Self::None(r) => r,
        }
    }
}

impl<R: BufRead> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Gzip(d) => d.read(buf),
            Self::Zstd(d) => d.read(buf),
            Self::None(r) => r.read(buf),
        }
    }
}

/// The uncompressed stream: hashes (diff ID), counts and bounds.
pub(crate) struct Plain<'m, R> {
    pub(crate) inner: R,
    pub(crate) hasher: Option<Sha256>,
    meter: &'m Meter,
}

impl<'m, R: Read> Plain<'m, R> {
    pub(crate) fn new(inner: R, hash: bool, meter: &'m Meter) -> Self {
        Self {
            inner,
            hasher: hash.then(Sha256::new),
            meter,
        }
    }
}

impl<R: Read> Read for Plain<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        self.meter.count_uncompressed(n)?;
        Ok(n)
    }
}

/// `sha256:<hex>` of a finished hash.
pub(crate) fn digest_string(h: Sha256) -> String {
    format!("sha256:{}", hex::encode(h.finalize()))
}

/// Reads `r` to its end, discarding, through one reused buffer.
pub(crate) fn drain(r: &mut impl Read, buf: &mut [u8]) -> io::Result<u64> {
    let mut n = 0u64;
    loop {
        match r.read(buf) {
            Ok(0) => return Ok(n),
            Ok(k) => n += k as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}
