//! Completion of known names while a capitalised word is typed: never inside
//! ordinary lower-case words, where a popup would only get in the way.

use std::collections::HashSet;

use tower_lsp_server::ls_types::{
    self as lsp, CompletionItem, CompletionItemKind, CompletionList, CompletionResponse,
    CompletionTextEdit, Position, TextEdit,
};

use super::known::KnownEntity;
use crate::lsp::convert::View;
use crate::text::fold_marks;
use crate::{ByteOffset, EntityKind};

/// A list, not a report: past this many the typed prefix should narrow it.
pub const MAX_ITEMS: usize = 50;
/// How many typed words a multi-word name may already cover ("Hester V").
const WORDS_BACK: usize = 5;

/// One form to offer and how many bytes before the cursor it replaces.
#[derive(Debug, PartialEq)]
pub struct Candidate<'a> {
    pub label: &'a str,
    pub entity: &'a KnownEntity,
    pub replaces: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '\'' | '\u{2019}')
}

/// The typed prefixes a name may continue, longest first: the word before
/// the cursor, and that word with up to [`WORDS_BACK`] words before it on the
/// line, each starting with a capital ("Hester V", then "V"). Empty when the
/// word before the cursor does not start with a capital.
fn typed_prefixes(before_cursor: &str) -> Vec<&str> {
    let word_start = before_cursor
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word_char(*c))
        .last()
        .map_or(before_cursor.len(), |(i, _)| i);
    let starts_capitalised = |at: usize| {
        before_cursor[at..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    };
    if word_start == before_cursor.len() || !starts_capitalised(word_start) {
        return Vec::new();
    }
    let mut starts = vec![word_start];
    let mut at = word_start;
    for _ in 0..WORDS_BACK {
        // One space between words: a name is not split across a wider gap.
        let Some(before_space) = before_cursor[..at].strip_suffix(' ') else {
            break;
        };
        let previous = before_space
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_word_char(*c))
            .last()
            .map(|(i, _)| i);
        let Some(previous) = previous else { break };
        at = previous;
        // Lower-case words may sit inside a name ("Movement for the L").
        if starts_capitalised(at) {
            starts.push(at);
        }
    }
    starts
        .into_iter()
        .rev()
        .map(|start| &before_cursor[start..])
        .collect()
}

/// The forms that continue what is typed before the cursor, ignoring case
/// and diacritics; each form once, the entity listed first winning (so
/// callers put the current document first), longer typed prefixes first.
pub fn candidates<'a>(before_cursor: &str, entities: &'a [KnownEntity]) -> Vec<Candidate<'a>> {
    let prefixes: Vec<(&str, String)> = typed_prefixes(before_cursor)
        .into_iter()
        .map(|p| (p, fold_marks(p)))
        .collect();
    if prefixes.is_empty() {
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for entity in entities {
        for label in &entity.names {
            let folded = fold_marks(label);
            let longest = prefixes
                .iter()
                .find(|(typed, key)| folded.starts_with(key.as_str()) && *typed != label);
            if let Some((typed, _)) = longest {
                if seen.insert(label.as_str()) {
                    found.push(Candidate {
                        label,
                        entity,
                        replaces: typed.len(),
                    });
                }
            }
        }
    }
    found.sort_by_key(|c| std::cmp::Reverse(c.replaces));
    found
}

fn item_kind(kind: EntityKind) -> CompletionItemKind {
    // As the outline's symbol kinds, where the protocol has one.
    match kind {
        EntityKind::Person => CompletionItemKind::VARIABLE,
        EntityKind::Organization => CompletionItemKind::CLASS,
        EntityKind::Group => CompletionItemKind::ENUM,
        EntityKind::Place => CompletionItemKind::MODULE,
    }
}

/// "person · Tuareg separatist movement", and the canonical name when the
/// form offered is an alias.
fn detail(label: &str, entity: &KnownEntity) -> String {
    let mut parts = Vec::new();
    if label != entity.name {
        parts.push(entity.name.as_str());
    }
    parts.push(entity.kind.as_str());
    parts.extend(entity.description.as_deref());
    parts.join(" · ")
}

/// The completion list at `position` of the viewed document.
pub fn completion(
    view: &View<'_>,
    position: Position,
    entities: &[KnownEntity],
) -> Option<CompletionResponse> {
    let cursor = view.offset(position).to_usize();
    let before = view.text.get(..cursor)?;
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let found = candidates(&before[line_start..], entities);
    if found.is_empty() {
        return None;
    }
    let is_incomplete = found.len() > MAX_ITEMS;
    let items = found
        .into_iter()
        .take(MAX_ITEMS)
        .enumerate()
        .map(|(rank, candidate)| {
            let start = view.position(ByteOffset::new(cursor - candidate.replaces));
            CompletionItem {
                label: candidate.label.to_string(),
                kind: Some(item_kind(candidate.entity.kind)),
                detail: Some(detail(candidate.label, candidate.entity)),
                sort_text: Some(format!("{rank:04}")),
                filter_text: Some(candidate.label.to_string()),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: lsp::Range::new(start, position),
                    new_text: candidate.label.to_string(),
                })),
                ..CompletionItem::default()
            }
        })
        .collect();
    Some(CompletionResponse::List(CompletionList {
        is_incomplete,
        items,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::features::known::known;

    fn labels(before: &str, entities: &[KnownEntity]) -> Vec<(String, usize)> {
        candidates(before, entities)
            .into_iter()
            .map(|c| (c.label.to_string(), c.replaces))
            .collect()
    }

    fn cast() -> Vec<KnownEntity> {
        vec![
            known("Hester Vell", EntityKind::Person, &["Hester", "Vell"]),
            known("Velland Rope Company", EntityKind::Organization, &["VRC"]),
            known("Hester Vell", EntityKind::Person, &["Miss Vell"]),
            known("Île Verte", EntityKind::Place, &[]),
            known("Council of the Isles", EntityKind::Organization, &[]),
        ]
    }

    #[test]
    fn a_capitalised_word_is_completed_from_names_and_aliases() {
        let cast = cast();
        assert_eq!(
            labels("We met He", &cast),
            [("Hester Vell".to_string(), 2), ("Hester".to_string(), 2)]
        );
        // Each form once, whichever entity offers it.
        assert_eq!(
            labels("and Ve", &cast),
            [
                ("Vell".to_string(), 2),
                ("Velland Rope Company".to_string(), 2)
            ]
        );
        // Case and diacritics do not matter; the typed text is replaced.
        assert_eq!(labels("at ÎL", &cast), [("Île Verte".to_string(), 3)]);
        assert_eq!(labels("at Ile", &cast), [("Île Verte".to_string(), 3)]);
    }

    #[test]
    fn lower_case_words_and_finished_names_get_nothing() {
        let cast = cast();
        assert!(labels("the he", &cast).is_empty());
        assert!(labels("the hester", &cast).is_empty());
        assert!(labels("unHe", &cast).is_empty());
        assert!(labels("We met ", &cast).is_empty());
        assert!(labels("", &cast).is_empty());
        // Typed in full: nothing left to add for that form.
        assert_eq!(labels("VRC", &cast), []);
    }

    #[test]
    fn the_words_already_typed_of_a_long_name_are_replaced_too() {
        let cast = cast();
        assert_eq!(
            labels("met Hester V", &cast),
            [
                ("Hester Vell".to_string(), 8),
                ("Vell".to_string(), 1),
                ("Velland Rope Company".to_string(), 1),
                ("VRC".to_string(), 1)
            ]
        );
        assert_eq!(
            labels("The Council of the I", &cast),
            [
                ("Council of the Isles".to_string(), 16),
                ("Île Verte".to_string(), 1)
            ]
        );
        // Two spaces break a name.
        assert_eq!(
            labels("Hester  Vella", &cast),
            [("Velland Rope Company".to_string(), 5)]
        );
    }
}
