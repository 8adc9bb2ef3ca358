//! LSP positions ↔ UTF-8 byte offsets, over ropey's line index.
//!
//! Every conversion is O(log n): ropey indexes lines, chars and UTF-16 code
//! units in its tree, so nothing here scans a document prefix. Out-of-range
//! positions are clamped as LSP asks: a `character` past the line end means
//! the line end, a `line` past the last line means the document end. Line
//! ends are LF, CRLF and lone CR (ropey's `cr_lines`), exactly LSP's set.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind};

/// The unit of `Position::character`, negotiated at initialize.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// The LSP default, and the only one VS Code speaks.
    #[default]
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion work for us), else the
    /// mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// Byte offset where `line`'s content ends, before its terminator.
fn line_content_end(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_byte(line);
    let next = rope.line_to_byte(line + 1);
    if line + 1 >= rope.len_lines() {
        return next;
    }
    let mut end = next;
    if end > start && rope.byte(end - 1) == b'\n' {
        end -= 1;
        if end > start && rope.byte(end - 1) == b'\r' {
            end -= 1;
        }
    } else if end > start && rope.byte(end - 1) == b'\r' {
        end -= 1;
    }
    end
}

/// The position of byte offset `byte` (clamped to the document, rounded down
/// to a char boundary).
pub fn offset_to_position(rope: &Rope, byte: usize, encoding: Encoding) -> Position {
    let char_index = rope.byte_to_char(byte.min(rope.len_bytes()));
    let line = rope.char_to_line(char_index);
    // Inside a CRLF pair the offset still belongs to the line's end.
    let byte = rope
        .char_to_byte(char_index)
        .min(line_content_end(rope, line));
    let line_start = rope.line_to_byte(line);
    let character = match encoding {
        Encoding::Utf8 => byte - line_start,
        Encoding::Utf16 => {
            rope.char_to_utf16_cu(rope.byte_to_char(byte))
                - rope.char_to_utf16_cu(rope.line_to_char(line))
        }
    };
    Position::new(to_u32(line), to_u32(character))
}

/// The byte offset of `position`, clamped to its line and to the document,
/// rounded down to a char boundary (a position inside a surrogate pair or a
/// multi-byte sequence means the char it falls in).
pub fn position_to_offset(rope: &Rope, position: Position, encoding: Encoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start = rope.line_to_byte(line);
    let end = line_content_end(rope, line);
    let column = position.character as usize;
    match encoding {
        Encoding::Utf8 => {
            let byte = start.saturating_add(column).min(end);
            rope.char_to_byte(rope.byte_to_char(byte))
        }
        Encoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(rope.byte_to_char(start));
            let end_cu = rope.char_to_utf16_cu(rope.byte_to_char(end));
            let cu = start_cu.saturating_add(column).min(end_cu);
            rope.char_to_byte(rope.utf16_cu_to_char(cu))
        }
    }
}

/// Like [`position_to_offset`], as a char index for ropey's edit calls.
pub fn position_to_char(rope: &Rope, position: Position, encoding: Encoding) -> usize {
    rope.byte_to_char(position_to_offset(rope, position, encoding))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn precomposed_decomposed_astral_and_zwj_columns() {
        // "Touré" precomposed: é is 2 bytes, 1 UTF-16 unit.
        let rope = Rope::from_str("Touré x");
        assert_eq!(offset_to_position(&rope, 7, Encoding::Utf8), pos(0, 7));
        assert_eq!(offset_to_position(&rope, 7, Encoding::Utf16), pos(0, 6));
        // Decomposed: e + U+0301 (2 bytes, 1 unit).
        let rope = Rope::from_str("Toure\u{301} x");
        assert_eq!(offset_to_position(&rope, 8, Encoding::Utf16), pos(0, 7));
        assert_eq!(position_to_offset(&rope, pos(0, 7), Encoding::Utf16), 8);
        // 𝔄: 4 bytes, 2 UTF-16 units (a surrogate pair).
        let rope = Rope::from_str("𝔄 Bund");
        assert_eq!(offset_to_position(&rope, 5, Encoding::Utf16), pos(0, 3));
        assert_eq!(position_to_offset(&rope, pos(0, 3), Encoding::Utf16), 5);
        // Inside the surrogate pair rounds down to the char's start.
        assert_eq!(position_to_offset(&rope, pos(0, 1), Encoding::Utf16), 0);
        // 👩🏽‍⚕️: 17 bytes, 7 UTF-16 units.
        let rope = Rope::from_str("👩🏽‍⚕️ Aya");
        assert_eq!(offset_to_position(&rope, 18, Encoding::Utf16), pos(0, 8));
        assert_eq!(offset_to_position(&rope, 18, Encoding::Utf8), pos(0, 18));
        assert_eq!(position_to_offset(&rope, pos(0, 8), Encoding::Utf16), 18);
        // Inside a 4-byte sequence rounds down too.
        assert_eq!(position_to_offset(&rope, pos(0, 2), Encoding::Utf8), 0);
    }

    #[test]
    fn line_ends_and_clamping() {
        let rope = Rope::from_str("ab\r\ncd\ref\ngh");
        assert_eq!(offset_to_position(&rope, 4, Encoding::Utf16), pos(1, 0));
        assert_eq!(offset_to_position(&rope, 7, Encoding::Utf16), pos(2, 0));
        assert_eq!(offset_to_position(&rope, 10, Encoding::Utf8), pos(3, 0));
        // Between CR and LF still reports the end of line 0.
        assert_eq!(offset_to_position(&rope, 3, Encoding::Utf16), pos(0, 2));
        // Past the line end → line end (before CRLF / CR).
        assert_eq!(position_to_offset(&rope, pos(0, 99), Encoding::Utf16), 2);
        assert_eq!(position_to_offset(&rope, pos(1, 99), Encoding::Utf8), 6);
        assert_eq!(position_to_offset(&rope, pos(3, 99), Encoding::Utf8), 12);
        // Past the last line → document end.
        assert_eq!(position_to_offset(&rope, pos(9, 0), Encoding::Utf16), 12);
        assert_eq!(offset_to_position(&rope, 99, Encoding::Utf16), pos(3, 2));
        // Trailing newline: the empty last line exists.
        let rope = Rope::from_str("a\n");
        assert_eq!(position_to_offset(&rope, pos(1, 5), Encoding::Utf16), 2);
        assert_eq!(offset_to_position(&rope, 2, Encoding::Utf16), pos(1, 0));
    }

    #[test]
    fn negotiation_prefers_utf8_and_defaults_to_utf16() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[])), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8
            ])),
            Encoding::Utf8
        );
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a",
            "Z",
            " ",
            "é",
            "e\u{301}",
            "𝔄",
            "👩🏽‍⚕️",
            "\n",
            "\r\n",
            "\r",
            "İ",
            "中",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    /// A UTF-16 column computed the slow, obvious way, to check ropey's.
    fn reference_position(text: &str, byte: usize, encoding: Encoding) -> Position {
        let mut line = 0;
        let mut line_start = 0;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < byte {
            if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                line += 1;
                line_start = i + 1;
            }
            i += 1;
        }
        let prefix = &text[line_start..byte];
        let character = match encoding {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.encode_utf16().count(),
        };
        Position::new(line, character as u32)
    }

    proptest! {
        #[test]
        fn offsets_round_trip(text in text_strategy(), pick in 0usize..1000) {
            let rope = Rope::from_str(&text);
            let boundaries: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                // Inside CRLF is not a position of its own.
                .filter(|&i| !(i > 0 && text.as_bytes()[i - 1] == b'\r' && text.as_bytes().get(i) == Some(&b'\n')))
                .collect();
            let byte = boundaries[pick % boundaries.len()];
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let position = offset_to_position(&rope, byte, encoding);
                prop_assert_eq!(position, reference_position(&text, byte, encoding));
                prop_assert_eq!(position_to_offset(&rope, position, encoding), byte);
            }
        }

        #[test]
        fn any_position_maps_to_a_char_boundary(text in text_strategy(), line in 0u32..50, character in 0u32..80) {
            let rope = Rope::from_str(&text);
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let byte = position_to_offset(&rope, Position::new(line, character), encoding);
                prop_assert!(text.is_char_boundary(byte));
                // Clamped positions come back no further than where they went.
                let back = offset_to_position(&rope, byte, encoding);
                prop_assert!(back.line < line || (back.line == line && back.character <= character) || line as usize >= rope.len_lines());
            }
        }
    }
}
