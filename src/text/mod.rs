//! Text layer: spans, tokens, sentences, paragraphs, Markdown masking and the
//! folded (NFC + case-folded) view used to compare names.

mod acronym;
mod fold;
mod markdown;
mod span;
mod tokenize;

pub use acronym::is_acronym;
pub use fold::{fold, fold_key, fold_marks};
pub use markdown::prose_mask;
pub use span::{is_invisible_format, ByteOffset, Span};
pub use tokenize::{tokenize, Document, Sentence, Token, TokenShape};

/// What kind of text a document holds; Markdown gets its code and link
/// targets masked out before recognition.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum TextFormat {
    #[default]
    Plain,
    Markdown,
}

impl TextFormat {
    /// Guess the format from a path or URI's extension.
    pub fn from_path(path: &str) -> TextFormat {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") || lower.ends_with(".mdx") {
            TextFormat::Markdown
        } else {
            TextFormat::Plain
        }
    }
}
