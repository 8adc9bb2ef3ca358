//! Hover, definition, references, highlights and rename: everything that
//! starts from the mention under the cursor.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    DocumentHighlight, DocumentHighlightKind, Hover, HoverContents, Location, MarkupContent,
    MarkupKind, Position, PrepareRenameResponse, TextEdit, WorkspaceEdit,
};

use crate::analysis::Entity;
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

/// The Markdown card of a document's own entity (outside a project).
pub fn hover_card(view: &View<'_>, entity: &Entity) -> String {
    card::file_card(view.analysis, view.text, entity)
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

/// Renames an entity of this document (outside a project), by the core's
/// rename rules (`project::card`).
pub fn rename(view: &View<'_>, position: Position, new_name: &str) -> Option<WorkspaceEdit> {
    let (mention, _) = view.mention_at(position)?;
    let planned = card::rename_in_file(view.analysis, view.text, mention.id, new_name).ok()?;
    let edits = planned
        .into_iter()
        .map(|(span, new_text)| TextEdit {
            range: view.range(span),
            new_text,
        })
        .collect();
    let mut changes = HashMap::new();
    changes.insert(view.uri.clone(), edits);
    Some(WorkspaceEdit::new(changes))
}
