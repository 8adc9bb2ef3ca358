//! Hover, definition, references, highlights and rename: everything that
//! starts from the mention under the cursor.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    DocumentHighlight, DocumentHighlightKind, Hover, HoverContents, Location, MarkupContent,
    MarkupKind, Position, PrepareRenameResponse, TextEdit, WorkspaceEdit,
};

use crate::analysis::{Entity, Mention, MentionForm};
use crate::lsp::convert::View;
use crate::project::card;
use crate::text::fold_key;
use crate::EntityKind;

pub fn hover(view: &View<'_>, position: Position) -> Option<Hover> {
    let (mention, entity) = view.mention_at(position)?;
    let value = match (view.project, view.project_entity(mention)) {
        (Some((snapshot, _)), Some(cast)) => {
            card::hover_card(&snapshot.project, &snapshot.texts(), cast)
        }
        _ => hover_card(view, entity),
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(view.range(mention.span)),
    })
}

/// The Markdown card: who or what this is, as far as the document and the
/// built-in knowledge say.
pub fn hover_card(view: &View<'_>, entity: &Entity) -> String {
    let mut card = format!("**{}** · {}", escape(&entity.name), entity.kind.as_str());
    if let Some(expansion) = &entity.expansion {
        if fold_key(expansion) != fold_key(&entity.name) {
            card.push_str(&format!("\n\nStands for *{}*", escape(expansion)));
        }
    }
    if let Some(description) = &entity.description {
        card.push_str(&format!("\n\n{}", escape(description)));
    }
    let aliases: Vec<String> = entity
        .aliases
        .iter()
        .filter(|a| **a != entity.name)
        .map(|a| escape(a))
        .collect();
    if !aliases.is_empty() {
        card.push_str(&format!("\n\nAlso: {}", aliases.join(", ")));
    }
    if !entity.roles.is_empty() {
        let roles: Vec<String> = entity.roles.iter().map(|r| escape(r)).collect();
        card.push_str(&format!("\n\nRoles: {}", roles.join("; ")));
    }
    let count = entity.mentions.len();
    let plural = if count == 1 { "mention" } else { "mentions" };
    card.push_str(&format!("\n\n{count} {plural}"));
    let first = entity
        .mentions
        .first()
        .and_then(|id| view.analysis.mention(*id));
    if let Some(first) = first {
        card.push_str(&format!(
            ", first on line {}",
            view.line_number(first.span.start)
        ));
    }
    card
}

/// Markdown-escapes a name so "A*B" or "_x_" show as typed.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn definition(view: &View<'_>, position: Position) -> Option<Location> {
    let (mention, entity) = view.mention_at(position)?;
    if let (Some((snapshot, _)), Some(cast)) = (view.project, view.project_entity(mention)) {
        return snapshot.location(cast.definition, view.encoding);
    }
    let definition = view.analysis.mention(entity.definition)?;
    Some(view.location(definition.span))
}

/// Every mention of the mention's entity across the project, optionally
/// without its definition; None outside a project.
pub fn project_references(
    view: &View<'_>,
    position: Position,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (mention, _) = view.mention_at(position)?;
    let (snapshot, _) = view.project?;
    let cast = view.project_entity(mention)?;
    Some(
        cast.mentions
            .iter()
            .filter(|m| include_declaration || **m != cast.definition)
            .filter_map(|m| snapshot.location(*m, view.encoding))
            .collect(),
    )
}

/// All mentions of `entity`, optionally without its definition.
pub fn mention_locations(
    view: &View<'_>,
    entity: &Entity,
    include_declaration: bool,
) -> Vec<Location> {
    view.analysis
        .mentions_of(entity.id)
        .filter(|m| include_declaration || m.id != entity.definition)
        .map(|m| view.location(m.span))
        .collect()
}

/// The entity of another document that is "the same" as `name`: same kind
/// and same canonical name up to case, diacritics and spacing.
pub fn same_entity<'a>(view: &View<'a>, name: &str, kind: EntityKind) -> Option<&'a Entity> {
    let key = fold_key(name);
    view.analysis
        .entities
        .iter()
        .find(|e| e.kind == kind && fold_key(&e.name) == key)
}

pub fn highlights(view: &View<'_>, position: Position) -> Option<Vec<DocumentHighlight>> {
    let (_, entity) = view.mention_at(position)?;
    Some(
        view.analysis
            .mentions_of(entity.id)
            .map(|m| DocumentHighlight {
                range: view.range(m.span),
                kind: Some(if m.id == entity.definition {
                    DocumentHighlightKind::WRITE
                } else {
                    DocumentHighlightKind::READ
                }),
            })
            .collect(),
    )
}

/// The range and whole name to rename, or why not (an ambiguous short form).
pub fn prepare_rename(
    view: &View<'_>,
    position: Position,
) -> Option<Result<PrepareRenameResponse, String>> {
    let (mention, _) = view.mention_at(position)?;
    if let (Some((snapshot, _)), Some(at)) = (view.project, view.mention_ref(mention)) {
        return Some(
            card::prepare_rename(&snapshot.project, &snapshot.texts(), at)
                .map(
                    |(span, placeholder)| PrepareRenameResponse::RangeWithPlaceholder {
                        range: view.range(span),
                        placeholder,
                    },
                )
                .map_err(|refused| refused.0),
        );
    }
    Some(Ok(PrepareRenameResponse::RangeWithPlaceholder {
        range: view.range(mention.span),
        placeholder: card::normalize_space(view.text_of(mention.span)),
    }))
}

/// A rename across every file of the project, each mention keeping its form.
pub fn project_rename(
    view: &View<'_>,
    position: Position,
    new_name: &str,
) -> Option<Result<WorkspaceEdit, String>> {
    let (mention, _) = view.mention_at(position)?;
    let (snapshot, _) = view.project?;
    let at = view.mention_ref(mention)?;
    let plan = match card::rename_plan(&snapshot.project, &snapshot.texts(), at, new_name) {
        Ok(plan) => plan,
        Err(refused) => return Some(Err(refused.0)),
    };
    let mut changes: HashMap<tower_lsp_server::ls_types::Uri, Vec<TextEdit>> = HashMap::new();
    for edit in plan {
        let (Some(file), Some(range)) = (
            snapshot.file(edit.file),
            snapshot.range(edit.file, edit.span, view.encoding),
        ) else {
            continue;
        };
        changes.entry(file.uri.clone()).or_default().push(TextEdit {
            range,
            new_text: edit.text,
        });
    }
    Some(Ok(WorkspaceEdit::new(changes)))
}

/// Renames an entity. Mentions spelled like the renamed one become the new
/// name; when old and new names have the same number of words, the other
/// mentions get the same word-for-word substitution ("Touré" → "Traoré" also
/// turns "Amadou Toumani Touré" into "Amadou Toumani Traoré"). An acronym's
/// expansion and other unrelated forms are left as written.
pub fn rename(view: &View<'_>, position: Position, new_name: &str) -> Option<WorkspaceEdit> {
    let (mention, entity) = view.mention_at(position)?;
    let old = view.text_of(mention.span);
    let old_words: Vec<&str> = old.split_whitespace().collect();
    let new_words: Vec<&str> = new_name.split_whitespace().collect();
    let word_map: Option<HashMap<String, &str>> =
        (old_words.len() == new_words.len() && !old_words.is_empty()).then(|| {
            old_words
                .iter()
                .map(|w| fold_key(w))
                .zip(new_words.iter().copied())
                .collect()
        });
    let old_key = fold_key(old);
    let mut edits = Vec::new();
    for other in view.analysis.mentions_of(entity.id) {
        if let Some(replacement) = renamed(view, other, &old_key, new_name, word_map.as_ref()) {
            edits.push(TextEdit {
                range: view.range(other.span),
                new_text: replacement,
            });
        }
    }
    let mut changes = HashMap::new();
    changes.insert(view.uri.clone(), edits);
    Some(WorkspaceEdit::new(changes))
}

fn renamed(
    view: &View<'_>,
    mention: &Mention,
    old_key: &str,
    new_name: &str,
    word_map: Option<&HashMap<String, &str>>,
) -> Option<String> {
    let text = view.text_of(mention.span);
    if fold_key(text) == old_key {
        return Some(new_name.to_string());
    }
    if mention.form == MentionForm::Acronym {
        return None;
    }
    let word_map = word_map?;
    let mut changed = false;
    let words: Vec<&str> = text
        .split(' ')
        .map(|word| match word_map.get(&fold_key(word)) {
            Some(new) => {
                changed = true;
                *new
            }
            None => word,
        })
        .collect();
    changed.then(|| words.join(" "))
}
