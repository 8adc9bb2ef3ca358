//! The draft of one mention, carried through every pass.
//!
//! Normalization creates drafts from the recognizer's candidates; the span
//! repairs move, add and drop them; `take_keys` gives each its variant keys
//! once the spans are final; the kind vote sets `kind`; clustering sets
//! `form` and `cluster`; entity building turns them into mentions.

use std::ops::Range;

use crate::analysis::{EntityKind, MentionForm};
use crate::text::{fold_key, Document, Span};

use super::cluster::ClusterId;

#[derive(Clone, Debug, PartialEq)]
pub struct MentionDraft {
    /// The name's tokens (no determiner, possessive or title).
    pub tokens: Range<usize>,
    pub kind: EntityKind,
    /// Titles before the name and appositives after it, as written.
    pub roles: Vec<String>,
    /// `fold_key` of the whole name; empty until `take_keys`.
    pub key: String,
    /// `fold_key` of each word of the name; empty until `take_keys`.
    pub words: Vec<String>,
    pub form: MentionForm,
    /// Set by clustering; a draft left without one is no mention.
    pub cluster: Option<ClusterId>,
}

impl MentionDraft {
    pub fn new(tokens: Range<usize>, kind: EntityKind, roles: Vec<String>) -> MentionDraft {
        MentionDraft {
            tokens,
            kind,
            roles,
            key: String::new(),
            words: Vec::new(),
            form: MentionForm::Other,
            cluster: None,
        }
    }

    pub fn span(&self, doc: &Document<'_>) -> Span {
        // Invisible format characters (bidi controls, zero-width spaces)
        // at the edges are no part of a name.
        doc.tokens_span(self.tokens.start, self.tokens.end)
            .trim_invisible(doc.text)
    }
}

/// Each name's variant key and word keys, computed once, after the span
/// repairs and before anything compares names.
pub fn take_keys(doc: &Document<'_>, drafts: &mut [MentionDraft]) {
    for draft in drafts {
        draft.key = fold_key(draft.span(doc).text(doc.text));
        draft.words = if draft.tokens.len() == 1 {
            vec![draft.key.clone()]
        } else {
            draft
                .tokens
                .clone()
                .map(|i| doc.token_text(i))
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .map(fold_key)
                .collect()
        };
    }
}

#[cfg(test)]
mod tests {
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn names_differing_only_by_diacritics_case_or_hyphens_share_a_key() {
        check(
            "{{São Tomé|l}} grew. {{Sao Tome|l}} and {{SÃO TOMÉ|l}} and {{Port-Evan|l}} and {{Port Evan|l}}.",
            expect![[r#"
                [São Tomé]1 grew. [Sao Tome]1 and [SÃO TOMÉ]1 and [Port-Evan]2 and [Port Evan]2.
                ---
                1 place "São Tomé" def="São Tomé" aliases=["São Tomé", "Sao Tome", "SÃO TOMÉ"]
                2 place "Port Evan" def="Port Evan" aliases=["Port-Evan", "Port Evan"]
                warning[name-variant] "Sao Tome": `Sao Tome` is spelled `São Tomé` elsewhere in this document (1×) (fix: "São Tomé")
                warning[name-variant] "Port Evan": `Port Evan` is spelled `Port-Evan` elsewhere in this document (1×) (fix: "Port-Evan")
            "#]],
        );
    }
}
