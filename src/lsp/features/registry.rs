//! Code actions that teach the registry (`dramatis.toml`): add a name with
//! its kind, ignore a false name, make a short form an alias, change a kind.
//! Each is a workspace edit of the registry file, created when absent.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions,
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    Position, ResourceOp, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use crate::lsp::convert::View;
use crate::lsp::position::{offset_to_position, Encoding};
use crate::lsp::project::LoadedRegistry;
use crate::project::card::normalize_space;
use crate::project::registry::{apply_edit, RegistryEdit};
use crate::text::fold_key;
use crate::EntityKind;

/// At most this many "alias of" actions: the people a short form may mean.
const MAX_ALIAS_ACTIONS: usize = 4;

pub fn registry_actions(
    view: &View<'_>,
    range: lsp::Range,
    registry: &LoadedRegistry,
) -> Vec<CodeActionOrCommand> {
    let Some(uri) = registry.uri() else {
        return Vec::new();
    };
    let exists = registry.path.as_ref().is_some_and(|p| p.is_file());
    let mut edits: Vec<(String, RegistryEdit)> = Vec::new();
    let offset = view.offset(range.start);
    if let Some(mention) = view.analysis.mention_at(offset) {
        let written = normalize_space(view.text_of(mention.span));
        let (name, kind) = match view.project_entity(mention) {
            Some(cast) => (cast.name.clone(), cast.kind),
            None => match view.analysis.entity(mention.entity) {
                Some(entity) => (normalize_space(&entity.name), entity.kind),
                None => (written.clone(), mention.kind),
            },
        };
        for other in EntityKind::ALL.into_iter().filter(|k| *k != kind) {
            edits.push((
                format!("Change kind of '{name}' to {}", other.as_str()),
                RegistryEdit::SetKind {
                    name: name.clone(),
                    kind: other,
                },
            ));
        }
        edits.push((
            format!("Not a name: ignore '{written}'"),
            RegistryEdit::Ignore {
                name: written.clone(),
            },
        ));
        if !written.contains(' ') {
            for person in people_named(view, &written, &name) {
                edits.push((
                    format!("Make '{written}' an alias of '{person}'"),
                    RegistryEdit::AddAlias {
                        entity: person,
                        kind: EntityKind::Person,
                        alias: written.clone(),
                    },
                ));
            }
        }
    } else if let Some(word) = capitalized_words_at(view.text, offset.to_usize()) {
        for kind in EntityKind::ALL {
            edits.push((
                format!("Add '{word}' as a {}", kind.as_str()),
                RegistryEdit::AddEntity {
                    name: word.clone(),
                    kind,
                },
            ));
        }
        edits.push((
            format!("Not a name: ignore '{word}'"),
            RegistryEdit::Ignore { name: word },
        ));
    }
    edits
        .into_iter()
        .filter_map(|(title, edit)| {
            let text = apply_edit(&registry.text, &edit)?;
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::new("refactor.dramatis.registry")),
                edit: Some(whole_file_edit(
                    &uri,
                    &registry.text,
                    text,
                    exists,
                    view.encoding,
                )),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// People of the project (else of the document) whose full name has
/// `word` as a word, other than the one it already resolves to.
fn people_named(view: &View<'_>, word: &str, current: &str) -> Vec<String> {
    let key = fold_key(word);
    let names: Vec<(&str, EntityKind)> = match view.project {
        Some((snapshot, _)) => snapshot
            .project
            .entities
            .iter()
            .map(|e| (e.name.as_str(), e.kind))
            .collect(),
        None => view
            .analysis
            .entities
            .iter()
            .map(|e| (e.name.as_str(), e.kind))
            .collect(),
    };
    let mut out: Vec<String> = Vec::new();
    for (name, kind) in names {
        if kind != EntityKind::Person || name == current || !name.contains(' ') {
            continue;
        }
        if name.split_whitespace().any(|w| fold_key(w) == key) && !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
        if out.len() == MAX_ALIAS_ACTIONS {
            break;
        }
    }
    out
}

/// The run of capitalised words around `offset` on its line ("Gull Rock").
fn capitalized_words_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let is_word = |c: char| c.is_alphanumeric() || c == '\'' || c == '’' || c == '-';
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[offset..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let at = offset - line_start;
    // Words of the line with their byte ranges.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (is_word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, line.len()));
    }
    let capitalized =
        |&(s, e): &(usize, usize)| line[s..e].chars().next().is_some_and(char::is_uppercase);
    let here = words.iter().position(|&(s, e)| s <= at && at <= e)?;
    if !capitalized(&words[here]) {
        return None;
    }
    let mut first = here;
    while first > 0
        && capitalized(&words[first - 1])
        && line[words[first - 1].1..words[first].0].trim().is_empty()
    {
        first -= 1;
    }
    let mut last = here;
    while last + 1 < words.len()
        && capitalized(&words[last + 1])
        && line[words[last].1..words[last + 1].0].trim().is_empty()
    {
        last += 1;
    }
    Some(line[words[first].0..words[last].1].to_string())
}

fn whole_file_edit(
    uri: &Uri,
    old: &str,
    new: String,
    exists: bool,
    encoding: Encoding,
) -> WorkspaceEdit {
    let end = offset_to_position(&ropey::Rope::from_str(old), old.len(), encoding);
    let edit = TextEdit {
        range: lsp::Range::new(Position::new(0, 0), end),
        new_text: new,
    };
    if exists {
        let mut changes = HashMap::new();
        changes.insert(uri.clone(), vec![edit]);
        return WorkspaceEdit::new(changes);
    }
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(vec![
            DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            })),
            DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: None,
                },
                edits: vec![OneOf::Left(edit)],
            }),
        ])),
        ..WorkspaceEdit::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalized_runs_around_the_cursor() {
        let text = "They sailed past Gull Rock at dawn.";
        assert_eq!(capitalized_words_at(text, 19).as_deref(), Some("Gull Rock"));
        assert_eq!(capitalized_words_at(text, 2).as_deref(), Some("They"));
        assert_eq!(capitalized_words_at(text, 8), None);
    }
}
