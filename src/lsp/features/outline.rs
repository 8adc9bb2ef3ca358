//! Whole-document views: symbols, semantic tokens, code lenses, inlay hints.

use serde_json::json;
use tower_lsp_server::ls_types::{
    self as lsp, CodeLens, Command, DocumentSymbol, InlayHint, InlayHintLabel, InlayHintTooltip,
    Location, Position, SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens,
    SemanticTokensLegend, SymbolKind,
};

use super::navigation::mention_locations;
use crate::analysis::{Mention, MentionForm};
use crate::lsp::convert::{ranges_touch, View};
use crate::lsp::position::{offset_to_position, position_to_offset};
use crate::text::fold_key;
use crate::{EntityKind, Span};

/// The command behind the "N mentions" lens, implemented by the server.
pub const SHOW_REFERENCES: &str = "dramatis.showReferences";

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: EntityKind::ALL
            .iter()
            .map(|k| SemanticTokenType::new(k.as_str()))
            .collect(),
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
    }
}

fn token_type(kind: EntityKind) -> u32 {
    EntityKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default() as u32
}

pub fn symbol_kind(kind: EntityKind) -> SymbolKind {
    match kind {
        EntityKind::Person => SymbolKind::VARIABLE,
        EntityKind::Organization => SymbolKind::CLASS,
        EntityKind::Group => SymbolKind::ENUM,
        EntityKind::Place => SymbolKind::NAMESPACE,
    }
}

fn kind_heading(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "People",
        EntityKind::Organization => "Organizations",
        EntityKind::Group => "Groups",
        EntityKind::Place => "Places",
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Entities grouped under one heading per kind ("People (3)"), each entity
/// placed at its introduction.
pub fn document_symbols(view: &View<'_>) -> Vec<DocumentSymbol> {
    let mut groups = Vec::new();
    for kind in EntityKind::ALL {
        let children: Vec<DocumentSymbol> = view
            .analysis
            .entities
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|entity| {
                let definition = view.analysis.mention(entity.definition)?;
                let range = view.range(definition.span);
                Some(symbol(
                    entity.name.clone(),
                    plural(entity.mentions.len(), "mention", "mentions"),
                    symbol_kind(kind),
                    range,
                    None,
                ))
            })
            .collect();
        let (Some(first), Some(last)) = (children.first(), children.last()) else {
            continue;
        };
        // Children are in entity order, which is first-appearance order.
        let start = children
            .iter()
            .map(|c| c.range.start)
            .min_by_key(|p| (p.line, p.character))
            .unwrap_or(first.range.start);
        let end = children
            .iter()
            .map(|c| c.range.end)
            .max_by_key(|p| (p.line, p.character))
            .unwrap_or(last.range.end);
        let range = lsp::Range::new(start, end);
        groups.push(symbol(
            format!("{} ({})", kind_heading(kind), children.len()),
            String::new(),
            SymbolKind::PACKAGE,
            range,
            Some(children),
        ));
    }
    groups
}

#[allow(deprecated)] // `deprecated` is a required field of the struct
fn symbol(
    name: String,
    detail: String,
    kind: SymbolKind,
    range: lsp::Range,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail: (!detail.is_empty()).then_some(detail),
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: range,
        children,
    }
}

/// One token per mention per line (LSP tokens cannot span lines); the
/// introducing mention carries the `declaration` modifier.
pub fn semantic_tokens(view: &View<'_>) -> SemanticTokens {
    let mut data = Vec::new();
    let mut previous = Position::new(0, 0);
    for mention in &view.analysis.mentions {
        let is_definition = view
            .analysis
            .entity(mention.entity)
            .is_some_and(|e| e.definition == mention.id);
        let modifiers = u32::from(is_definition);
        for (start, length) in line_pieces(view, mention.span) {
            if length == 0 {
                continue;
            }
            let delta_line = start.line.saturating_sub(previous.line);
            let delta_start = if delta_line == 0 {
                start.character.saturating_sub(previous.character)
            } else {
                start.character
            };
            data.push(SemanticToken {
                delta_line,
                delta_start,
                length,
                token_type: token_type(mention.kind),
                token_modifiers_bitset: modifiers,
            });
            previous = start;
        }
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}

/// Splits a span at line ends: (start, length in encoding units) per line.
fn line_pieces(view: &View<'_>, span: Span) -> Vec<(Position, u32)> {
    let start = view.position(span.start);
    let end = view.position(span.end);
    let mut pieces = Vec::new();
    let mut line_start = start;
    while line_start.line < end.line {
        let line_end_offset = position_to_offset(
            view.rope,
            Position::new(line_start.line, u32::MAX),
            view.encoding,
        );
        let line_end = offset_to_position(view.rope, line_end_offset, view.encoding);
        pieces.push((
            line_start,
            line_end.character.saturating_sub(line_start.character),
        ));
        line_start = Position::new(line_start.line + 1, 0);
    }
    pieces.push((
        line_start,
        end.character.saturating_sub(line_start.character),
    ));
    pieces
}

/// "Hester Vell: 7 mentions" above each entity's introduction; entities
/// named once only with `single_mentions` (a lens per passing name is noise).
/// The arguments are those VS Code's `editor.action.showReferences` takes
/// (uri, position, locations), so a client extension can forward them as
/// they are.
pub fn code_lenses(view: &View<'_>, single_mentions: bool) -> Vec<CodeLens> {
    view.analysis
        .entities
        .iter()
        .filter_map(|entity| {
            let definition = view.analysis.mention(entity.definition)?;
            let locations = project_mentions(view, definition)
                .unwrap_or_else(|| mention_locations(view, entity, true));
            if !single_mentions && locations.len() < 2 {
                return None;
            }
            let range = view.range(definition.span);
            Some(CodeLens {
                range,
                command: Some(Command {
                    title: format!(
                        "{}: {}",
                        entity.name,
                        plural(locations.len(), "mention", "mentions")
                    ),
                    command: SHOW_REFERENCES.to_string(),
                    arguments: Some(vec![
                        json!(view.uri.as_str()),
                        json!(range.start),
                        json!(locations),
                    ]),
                }),
                data: None,
            })
        })
        .collect()
}

/// Every mention across the project of the entity `mention` names; None
/// outside a project.
fn project_mentions(view: &View<'_>, mention: &crate::analysis::Mention) -> Option<Vec<Location>> {
    let (snapshot, _) = view.project?;
    let cast = view.project_entity(mention)?;
    Some(
        cast.mentions
            .iter()
            .filter_map(|m| snapshot.location(*m, view.encoding))
            .collect(),
    )
}

/// What `dramatis.showReferences` does: every mention of the entity under
/// `position`, and a one-line summary for clients without a references view.
pub fn show_references(view: &View<'_>, position: Position) -> Option<(Vec<Location>, String)> {
    let (mention, entity) = view.mention_at(position)?;
    let locations =
        project_mentions(view, mention).unwrap_or_else(|| mention_locations(view, entity, true));
    let mut lines: Vec<u32> = locations.iter().map(|l| l.range.start.line + 1).collect();
    lines.dedup();
    // A message is one line in most clients; a long list helps nobody.
    const SHOWN: usize = 12;
    let mut shown: Vec<String> = lines.iter().take(SHOWN).map(u32::to_string).collect();
    if lines.len() > SHOWN {
        shown.push("…".to_string());
    }
    let summary = format!(
        "{}: {} ({} {})",
        entity.name,
        plural(locations.len(), "mention", "mentions"),
        if lines.len() == 1 { "line" } else { "lines" },
        shown.join(", ")
    );
    Some((locations, summary))
}

/// After each short form or acronym, the full name it stands for.
pub fn inlay_hints(view: &View<'_>, range: lsp::Range) -> Vec<InlayHint> {
    let mentions = &view.analysis.mentions;
    mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m.form, MentionForm::Short | MentionForm::Acronym))
        .filter(|(index, mention)| !defined_right_before(view, *index, mention))
        .filter_map(|(_, mention)| {
            let entity = view.analysis.entity(mention.entity)?;
            let full = entity.expansion.as_deref().unwrap_or(&entity.name);
            let text = view.text_of(mention.span);
            if fold_key(full) == fold_key(text) {
                return None;
            }
            let position = view.position(mention.span.end);
            let at = lsp::Range::new(position, position);
            if !ranges_touch(at, range) {
                return None;
            }
            Some(InlayHint {
                position,
                label: InlayHintLabel::String(format!("({full})")),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(format!(
                    "{} · {}",
                    entity.name,
                    entity.kind.as_str()
                ))),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
        })
        .collect()
}

/// True for the "(MNLA)" right after its spelled-out form: the full name is
/// already on screen there.
fn defined_right_before(view: &View<'_>, index: usize, mention: &Mention) -> bool {
    let Some(previous) = index
        .checked_sub(1)
        .and_then(|i| view.analysis.mentions.get(i))
    else {
        return false;
    };
    let gap = Span::new(previous.span.end.to_usize(), mention.span.start.to_usize());
    previous.entity == mention.entity
        && view
            .text_of(gap)
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '(' | '[' | ',' | '—' | '–' | '-'))
}
