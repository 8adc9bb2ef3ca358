//! The entities the server knows by name, wherever they were found (this
//! document, another open one, the workspace index): what `workspace/symbol`
//! and completion search. One plain struct, so the source can change (a
//! project-wide cast) without touching either feature.

use tower_lsp_server::ls_types::{Location, Position};

use crate::analysis::Entity;
use crate::lsp::convert::View;
use crate::EntityKind;

#[derive(Clone, Debug, PartialEq)]
pub struct KnownEntity {
    /// The canonical name, as written.
    pub name: String,
    pub kind: EntityKind,
    /// Every form to offer, the canonical name first, no repeats.
    pub names: Vec<String>,
    pub description: Option<String>,
    /// The introducing mention.
    pub definition: Location,
}

impl KnownEntity {
    /// `names` is the entity's name followed by its aliases, repeats dropped.
    pub fn new(
        entity: &Entity,
        aliases: impl IntoIterator<Item = String>,
        definition: Location,
    ) -> KnownEntity {
        let mut names = vec![entity.name.clone()];
        for alias in aliases {
            if !names.contains(&alias) {
                names.push(alias);
            }
        }
        KnownEntity {
            name: entity.name.clone(),
            kind: entity.kind,
            names,
            description: entity.description.clone(),
            definition,
        }
    }
}

/// The entities of one analysed document. With `typing_at`, a form spelled
/// only by the mention under that position is left out: it is the word being
/// typed, not a name the text already uses, and an entity with nothing else
/// is left out altogether.
pub fn entities_of(view: &View<'_>, typing_at: Option<Position>) -> Vec<KnownEntity> {
    let typing = typing_at.map(|p| view.offset(p));
    view.analysis
        .entities
        .iter()
        .filter_map(|entity| {
            let definition = view.analysis.mention(entity.definition)?;
            let elsewhere: Vec<&str> = view
                .analysis
                .mentions_of(entity.id)
                .filter(|m| typing.is_none_or(|offset| !m.span.touches(offset)))
                .map(|m| view.text_of(m.span))
                .collect();
            if elsewhere.is_empty() {
                return None;
            }
            let written = |form: &String| typing.is_none() || elsewhere.contains(&form.as_str());
            let mut known = KnownEntity::new(
                entity,
                entity.aliases.iter().filter(|a| written(a)).cloned(),
                view.location(definition.span),
            );
            if !written(&entity.name) {
                known.names.retain(|n| *n != entity.name);
            }
            (!known.names.is_empty()).then_some(known)
        })
        .collect()
}

/// A known entity with a dummy location, for unit tests of the searches.
#[cfg(test)]
pub fn known(name: &str, kind: EntityKind, aliases: &[&str]) -> KnownEntity {
    let uri: tower_lsp_server::ls_types::Uri = "file:///unit.txt".parse().expect("uri");
    let mut names = vec![name.to_string()];
    names.extend(aliases.iter().map(|a| a.to_string()));
    KnownEntity {
        name: name.to_string(),
        kind,
        names,
        description: None,
        definition: Location::new(uri, Default::default()),
    }
}

/// The entities of a project snapshot, each at its introducing mention.
pub fn entities_of_project(
    snapshot: &crate::lsp::project::ProjectSnapshot,
    encoding: crate::lsp::position::Encoding,
) -> Vec<KnownEntity> {
    snapshot
        .project
        .entities
        .iter()
        .filter_map(|entity| {
            let mut names = vec![entity.name.clone()];
            for alias in &entity.aliases {
                if !names.contains(alias) {
                    names.push(alias.clone());
                }
            }
            Some(KnownEntity {
                name: entity.name.clone(),
                kind: entity.kind,
                names,
                description: entity.note.clone().or_else(|| entity.description.clone()),
                definition: snapshot.location(entity.definition, encoding)?,
            })
        })
        .collect()
}
