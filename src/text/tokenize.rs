//! Tokens, sentences and paragraphs with byte offsets.
//!
//! Tokens follow the Penn Treebank habits the training corpora use, so the
//! model sees at run time what it saw in training: "Mali's" → `Mali` `'s`,
//! "don't" → `do` `n't`, "U.S." and "Gen." keep their period, hyphenated
//! words ("Udvar-Hazy", "1996-08-30") stay whole.

use unicode_segmentation::UnicodeSegmentation;

use super::{prose_mask, Span, TextFormat};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub shape: TokenShape,
    /// Index of the sentence holding the token.
    pub sentence: u32,
}

/// Coarse class of a token, enough for rules; the model computes its own
/// finer shapes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TokenShape {
    /// Starts with an upper-case letter ("Mali", "ECOWAS", "McCain").
    Capitalized,
    /// Starts with a lower-case letter.
    Lower,
    /// Starts with a digit.
    Number,
    /// Anything else: punctuation, symbols, emoji.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    /// Token indices `[first, end)`.
    pub tokens: std::ops::Range<usize>,
}

/// A tokenized document. Borrowed text: analysis is a pure function of it.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    pub format: TextFormat,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    pub paragraphs: Vec<Span>,
    /// Byte ranges that are not prose (code, URLs, link targets).
    pub masked: Vec<Span>,
}

impl<'a> Document<'a> {
    pub fn token_text(&self, index: usize) -> &'a str {
        self.tokens
            .get(index)
            .map_or("", |t| t.span.text(self.text))
    }
    /// Index of the first token whose span ends after `offset`.
    pub fn token_at_or_after(&self, offset: usize) -> usize {
        self.tokens
            .partition_point(|t| t.span.end.to_usize() <= offset)
    }
    /// Span covering tokens `[first, end)`.
    pub fn tokens_span(&self, first: usize, end: usize) -> Span {
        match (
            self.tokens.get(first),
            end.checked_sub(1).and_then(|l| self.tokens.get(l)),
        ) {
            (Some(a), Some(b)) if first < end => a.span.cover(b.span),
            _ => Span::default(),
        }
    }
}

/// Abbreviations that keep their period and do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "maj", "cpl", "adm",
    "cmdr", "sen", "rep", "gov", "pres", "rev", "fr", "hon", "st", "mt", "ft", "jr", "sr", "inc",
    "corp", "ltd", "co", "bros", "no", "vs", "etc", "e.g", "i.e", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "dept", "univ", "assn", "approx",
    "est", "fig", "vol", "ave", "blvd", "rd", "gov't", "messrs", "mme", "mlle",
];

/// Abbreviations that, even with their period, usually end a sentence when a
/// capitalized word follows ("... in the U.S. He said").
const SENTENCE_FINAL_ABBREVIATIONS: &[&str] = &["etc", "inc", "corp", "ltd", "co", "jr", "sr"];

const CLITICS: &[&str] = &[
    "n't", "'s", "'re", "'ll", "'ve", "'m", "'d", "’s", "n’t", "’re", "’ll", "’ve", "’m", "’d",
];

pub fn tokenize(text: &str, format: TextFormat) -> Document<'_> {
    let masked = prose_mask(text, format);
    let raw = raw_tokens(text, &masked);
    let merged = merge_tokens(text, raw);
    let paragraphs = paragraphs(text);
    let mut doc = Document {
        text,
        format,
        tokens: merged,
        sentences: Vec::new(),
        paragraphs,
        masked,
    };
    split_sentences(&mut doc);
    doc
}

fn shape_of(s: &str) -> TokenShape {
    match s.chars().next() {
        Some(c) if c.is_uppercase() => TokenShape::Capitalized,
        Some(c) if c.is_lowercase() => TokenShape::Lower,
        Some(c) if c.is_numeric() => TokenShape::Number,
        // Letters without case (CJK, Arabic) behave like names in prose.
        Some(c) if c.is_alphabetic() => TokenShape::Capitalized,
        _ => TokenShape::Other,
    }
}

/// UAX #29 word segments minus whitespace and masked ranges, with clitics split.
fn raw_tokens(text: &str, masked: &[Span]) -> Vec<Span> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut mask = masked.iter().peekable();
    for (start, word) in word_segments(text) {
        let end = start + word.len();
        while mask.peek().is_some_and(|m| m.end.to_usize() <= start) {
            mask.next();
        }
        if mask.peek().is_some_and(|m| m.start.to_usize() < end) {
            continue;
        }
        if word.chars().all(char::is_whitespace) {
            continue;
        }
        if let Some(clitic) = CLITICS.iter().find(|c| {
            word.len() > c.len() && word.is_char_boundary(word.len() - c.len()) && {
                let tail = &word[word.len() - c.len()..];
                tail.eq_ignore_ascii_case(c)
            }
        }) {
            let cut = end - clitic.len();
            out.push(Span::new(start, cut));
            out.push(Span::new(cut, end));
        } else {
            out.push(Span::new(start, end));
        }
    }
    out
}

/// UAX #29 word segments without the whitespace ones. Whitespace always
/// separates segments, so each whitespace-free chunk is segmented alone:
/// ASCII chunks (most prose) by `ascii_segments`, the rest by
/// unicode-segmentation, which is several times slower.
fn word_segments(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut chunks = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                chunks.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        chunks.push((s, &text[s..]));
    }
    chunks
        .into_iter()
        .flat_map(|(base, chunk)| -> Box<dyn Iterator<Item = (usize, &str)>> {
            if chunk.is_ascii() {
                Box::new(ascii_segments(chunk).map(move |(s, w)| (base + s, w)))
            } else {
                Box::new(
                    chunk
                        .split_word_bound_indices()
                        .map(move |(s, w)| (base + s, w)),
                )
            }
        })
}

/// UAX #29 restricted to ASCII without whitespace: runs of letters, digits
/// and `_`; a `.` `'` `:` between letters (WB6/7) or a `.` `'` `,` `;`
/// between digits (WB11/12) stays inside the word; any other byte stands alone.
fn ascii_segments(chunk: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = chunk.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        if word(bytes[i]) {
            i += 1;
            loop {
                while i < bytes.len() && word(bytes[i]) {
                    i += 1;
                }
                if i + 1 < bytes.len() {
                    let (before, mid, after) = (bytes[i - 1], bytes[i], bytes[i + 1]);
                    let letters = before.is_ascii_alphabetic()
                        && after.is_ascii_alphabetic()
                        && matches!(mid, b'.' | b'\'' | b':');
                    let digits = before.is_ascii_digit()
                        && after.is_ascii_digit()
                        && matches!(mid, b'.' | b'\'' | b',' | b';');
                    if letters || digits {
                        i += 1;
                        continue;
                    }
                }
                break;
            }
        } else {
            i += 1;
        }
        Some((start, &chunk[start..i]))
    })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Re-joins what UAX #29 splits but prose treats as one token: hyphenated
/// compounds, abbreviations with their period, dotted acronyms.
fn merge_tokens(text: &str, raw: Vec<Span>) -> Vec<Token> {
    let mut out: Vec<Span> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let mut span = raw[i];
        i += 1;
        loop {
            let current = span.text(text);
            let last_char = current.chars().next_back().unwrap_or(' ');
            // word-word or word-123: hyphen with no spaces around it.
            if i + 1 < raw.len()
                && is_word_char(last_char)
                && matches!(raw[i].text(text), "-" | "\u{2010}" | "\u{2011}")
                && raw[i].start == span.end
                && raw[i + 1].start == raw[i].end
                && raw[i + 1]
                    .text(text)
                    .chars()
                    .next()
                    .is_some_and(is_word_char)
            {
                span = span.cover(raw[i + 1]);
                i += 2;
                continue;
            }
            // Period glued to an abbreviation, an initial or a dotted acronym.
            if i < raw.len() && raw[i].text(text) == "." && raw[i].start == span.end {
                let lower = current.to_lowercase();
                let is_initial = current.chars().count() == 1 && last_char.is_alphabetic();
                let dotted =
                    current.contains('.') && current.chars().all(|c| c.is_alphabetic() || c == '.');
                if is_initial || dotted || ABBREVIATIONS.contains(&lower.as_str()) {
                    span = span.cover(raw[i]);
                    i += 1;
                }
            }
            break;
        }
        out.push(span);
    }
    out.into_iter()
        .map(|span| Token {
            span,
            shape: shape_of(span.text(text)),
            sentence: 0,
        })
        .collect()
}

fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        match (blank, start) {
            (true, Some(s)) => {
                out.push(Span::new(s, offset));
                start = None;
            }
            (false, None) => start = Some(offset),
            _ => {}
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(Span::new(s, text.len()));
    }
    out
}

fn is_block_start(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#')
        || t.starts_with("- ")
        || t.starts_with("* ")
        || t.starts_with("+ ")
        || t.starts_with('>')
        || t.split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn split_sentences(doc: &mut Document<'_>) {
    let text = doc.text;
    let tokens = &doc.tokens;
    let mut breaks = vec![false; tokens.len()]; // break *before* token i
    for i in 1..tokens.len() {
        let prev = tokens[i - 1].span.text(text);
        let between = &text[tokens[i - 1].span.end.to_usize()..tokens[i].span.start.to_usize()];
        let newlines = between.matches('\n').count() + between.matches('\r').count()
            - between.matches("\r\n").count();
        if newlines >= 2 {
            breaks[i] = true;
            continue;
        }
        if newlines == 1 {
            let line_start = text[..tokens[i].span.start.to_usize()]
                .rfind(['\n', '\r'])
                .map_or(0, |p| p + 1);
            let prev_line_start = text[..tokens[i - 1].span.start.to_usize()]
                .rfind(['\n', '\r'])
                .map_or(0, |p| p + 1);
            if is_block_start(&text[line_start..])
                || text[prev_line_start..].trim_start().starts_with('#')
            {
                breaks[i] = true;
                continue;
            }
        }
        let next_shape = tokens[i].shape;
        let next_text = tokens[i].span.text(text);
        let opens = next_shape == TokenShape::Capitalized
            || next_shape == TokenShape::Number
            || matches!(next_text, "\"" | "“" | "‘" | "'" | "(" | "[");
        let prev_is_terminal = matches!(prev, "." | "!" | "?" | "…")
            || (prev == "\"" || prev == "”" || prev == ")")
                && i >= 2
                && matches!(tokens[i - 2].span.text(text), "." | "!" | "?");
        if prev_is_terminal && opens {
            breaks[i] = true;
        } else if prev.ends_with('.') && prev.len() > 1 && next_shape == TokenShape::Capitalized {
            let stem = prev.trim_end_matches('.').to_lowercase();
            if SENTENCE_FINAL_ABBREVIATIONS.contains(&stem.as_str()) {
                breaks[i] = true;
            }
        }
    }
    let mut sentences = Vec::new();
    let mut first = 0;
    for i in 1..=tokens.len() {
        if i == tokens.len() || breaks[i] {
            sentences.push(Sentence {
                span: tokens[first].span.cover(tokens[i - 1].span),
                tokens: first..i,
            });
            first = i;
        }
    }
    for (index, sentence) in sentences.iter().enumerate() {
        for token in &mut doc.tokens[sentence.tokens.clone()] {
            token.sentence = index as u32;
        }
    }
    doc.sentences = sentences;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The ASCII fast path agrees with unicode-segmentation.
        #[test]
        fn ascii_segments_match_uax29(text in "[aZ1_.',:;!-]{0,12}( [aZ1_.',:;!-]{0,12}){0,4}") {
            let ours: Vec<(usize, &str)> = word_segments(&text).collect();
            let reference: Vec<(usize, &str)> = text
                .split_word_bound_indices()
                .filter(|(_, w)| !w.chars().all(char::is_whitespace))
                .collect();
            prop_assert_eq!(ours, reference);
        }
    }

    fn words(text: &str) -> Vec<&str> {
        let doc = tokenize(text, TextFormat::Plain);
        doc.tokens.iter().map(|t| t.span.text(text)).collect()
    }

    fn sentences(text: &str) -> Vec<&str> {
        let doc = tokenize(text, TextFormat::Plain);
        doc.sentences.iter().map(|s| s.span.text(text)).collect()
    }

    #[test]
    fn penn_style_tokens() {
        assert_eq!(
            words("Mali's Gen. Sanogo didn't visit the U.S. in 2012-03-22, said al-Qaeda."),
            vec![
                "Mali",
                "'s",
                "Gen.",
                "Sanogo",
                "did",
                "n't",
                "visit",
                "the",
                "U.S.",
                "in",
                "2012-03-22",
                ",",
                "said",
                "al-Qaeda",
                "."
            ]
        );
        assert_eq!(words("J. R. R. Tolkien"), vec!["J.", "R.", "R.", "Tolkien"]);
        assert_eq!(
            words("Touré’s 𝔄 👩🏽‍⚕️ ok"),
            vec!["Touré", "’s", "𝔄", "👩🏽‍⚕️", "ok"]
        );
    }

    #[test]
    fn sentence_boundaries_respect_abbreviations() {
        assert_eq!(
            sentences("Mr. Touré met Gen. Sanogo in Bamako. They spoke.\n\nA new paragraph"),
            vec![
                "Mr. Touré met Gen. Sanogo in Bamako.",
                "They spoke.",
                "A new paragraph"
            ]
        );
        assert_eq!(
            sentences("# Title\nBody text here."),
            vec!["# Title", "Body text here."]
        );
    }
}
