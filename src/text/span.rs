//! Byte offsets and spans: the only position currency inside the core.
//!
//! Offsets are UTF-8 byte offsets into the analysed text, end exclusive. LSP
//! positions exist only in `src/lsp/`; keeping one unit inside the core means
//! a conversion bug can only live at the edge.

use std::fmt;
use std::ops::Range;

/// A UTF-8 byte offset into a document's text.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByteOffset(pub u32);

impl ByteOffset {
    pub fn new(offset: usize) -> Self {
        // Documents over 4 GiB are not prose; saturate rather than wrap.
        ByteOffset(u32::try_from(offset).unwrap_or(u32::MAX))
    }
    pub fn to_usize(self) -> usize {
        self.0 as usize
    }
}

/// A half-open byte range `[start, end)`.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: ByteOffset,
    pub end: ByteOffset,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} after end {end}");
        Span {
            start: ByteOffset::new(start),
            end: ByteOffset::new(end.max(start)),
        }
    }
    pub fn range(self) -> Range<usize> {
        self.start.to_usize()..self.end.to_usize()
    }
    pub fn len(self) -> usize {
        (self.end.0 - self.start.0) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    /// The text under the span, or "" when the span does not fit `text`
    /// (a stale span must never panic).
    pub fn text(self, text: &str) -> &str {
        text.get(self.range()).unwrap_or("")
    }
    pub fn contains(self, offset: ByteOffset) -> bool {
        self.start <= offset && offset < self.end
    }
    /// Like `contains`, but also true at the end: a cursor right after a
    /// name still "touches" it, as editors expect for hover.
    pub fn touches(self, offset: ByteOffset) -> bool {
        self.start <= offset && offset <= self.end
    }
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start.0, self.end.0)
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}
