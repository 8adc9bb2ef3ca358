//! Byte offsets and spans: the only position currency inside the core.
//!
//! Offsets are UTF-8 byte offsets into the analysed text, end exclusive. LSP
//! positions exist only in `src/lsp/`; keeping one unit inside the core means
//! a conversion bug can only live at the edge.

use std::fmt;
use std::ops::Range;

/// Unicode format characters (general category Cf) that render as nothing
/// but can reorder or join text: bidi controls, zero-width spaces and
/// joiners, the byte-order mark, the soft hyphen, invisible operators, tags.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

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
    /// The span without invisible format characters (bidi controls, zero
    /// widths, soft hyphens: [`is_invisible_format`]) at its edges; a span
    /// of nothing else, or one that does not fit `text`, is kept as it is.
    pub fn trim_invisible(self, text: &str) -> Span {
        let inner = self.text(text);
        let trimmed = inner.trim_matches(is_invisible_format);
        if trimmed.is_empty() {
            return self;
        }
        let start = self.start.to_usize()
            + (inner.len() - inner.trim_start_matches(is_invisible_format).len());
        Span::new(start, start + trimmed.len())
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
