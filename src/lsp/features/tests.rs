//! Feature functions over hand-made analyses: exact expectations that do not
//! depend on any recognizer.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, Uri};

use super::{navigation, outline};
use crate::analysis::{Entity, Mention, MentionForm};
use crate::lsp::convert::View;
use crate::lsp::position::Encoding;
use crate::{Analysis, EntityId, EntityKind, MentionId, Span};

/// One person entity whose mentions are the given byte ranges with forms;
/// the first is the definition.
fn analysis(text: &str, mentions: &[(&str, usize, MentionForm)]) -> Analysis {
    let mut analysis = Analysis::default();
    for (i, (needle, nth, form)) in mentions.iter().enumerate() {
        let (start, _) = text
            .match_indices(needle)
            .nth(*nth)
            .expect("needle in text");
        analysis.mentions.push(Mention {
            id: MentionId(i as u32),
            span: Span::new(start, start + needle.len()),
            kind: EntityKind::Person,
            entity: EntityId(0),
            form: *form,
        });
    }
    analysis.mentions.sort_by_key(|m| m.span.start);
    for (i, m) in analysis.mentions.iter_mut().enumerate() {
        m.id = MentionId(i as u32);
    }
    let definition = analysis
        .mentions
        .iter()
        .find(|m| m.form == MentionForm::Full)
        .map_or(MentionId(0), |m| m.id);
    analysis.entities.push(Entity {
        id: EntityId(0),
        name: "Amadou Toumani Touré".to_string(),
        kind: EntityKind::Person,
        aliases: vec!["Amadou Toumani Touré".to_string(), "Touré".to_string()],
        mentions: analysis.mentions.iter().map(|m| m.id).collect(),
        definition,
        roles: vec!["President".to_string()],
        expansion: None,
        description: None,
    });
    analysis
}

fn with_view<R>(
    text: &str,
    analysis: &Analysis,
    encoding: Encoding,
    f: impl FnOnce(&View<'_>) -> R,
) -> R {
    let uri: Uri = "file:///unit.txt".parse().expect("uri");
    let rope = Rope::from_str(text);
    let view = View {
        uri: &uri,
        rope: &rope,
        text,
        analysis,
        encoding,
        project: None,
    };
    f(&view)
}

#[test]
fn a_name_across_a_line_break_becomes_one_token_per_line() {
    let text = "we saw Amadou\r\nToumani Touré 𝔄 and Touré.";
    let analysis = analysis(
        text,
        &[
            ("Amadou\r\nToumani Touré", 0, MentionForm::Full),
            ("Touré", 1, MentionForm::Short),
        ],
    );
    let tokens = with_view(text, &analysis, Encoding::Utf16, outline::semantic_tokens);
    let flat: Vec<[u32; 5]> = tokens
        .data
        .iter()
        .map(|t| {
            [
                t.delta_line,
                t.delta_start,
                t.length,
                t.token_type,
                t.token_modifiers_bitset,
            ]
        })
        .collect();
    // "Amadou" (line 0, col 7, declaration), "Toumani Touré" (line 1),
    // "Touré" after " 𝔄 and " (𝔄 is two UTF-16 units).
    assert_eq!(
        flat,
        vec![[0, 7, 6, 0, 1], [1, 0, 13, 0, 1], [0, 21, 5, 0, 0]]
    );
    let tokens = with_view(text, &analysis, Encoding::Utf8, outline::semantic_tokens);
    assert_eq!(tokens.data[1].length, "Toumani Touré".len() as u32);
    assert_eq!(tokens.data[2].delta_start, 24);
}

#[test]
fn inlay_hints_follow_short_forms_only() {
    let text = "Amadou Toumani Touré spoke; later Touré left.";
    let analysis = analysis(
        text,
        &[
            ("Amadou Toumani Touré", 0, MentionForm::Full),
            ("Touré", 1, MentionForm::Short),
        ],
    );
    let everywhere = Range::new(Position::new(0, 0), Position::new(1, 0));
    let hints = with_view(text, &analysis, Encoding::Utf16, |v| {
        outline::inlay_hints(v, everywhere)
    });
    assert_eq!(hints.len(), 1);
    assert_eq!(hints[0].position, Position::new(0, 39));
    let elsewhere = Range::new(Position::new(0, 0), Position::new(0, 5));
    let none = with_view(text, &analysis, Encoding::Utf16, |v| {
        outline::inlay_hints(v, elsewhere)
    });
    assert!(none.is_empty());
}

#[test]
fn rename_maps_words_when_counts_match() {
    let text = "Amadou Toumani Touré spoke; later Touré and Toure left.";
    let analysis = analysis(
        text,
        &[
            ("Amadou Toumani Touré", 0, MentionForm::Full),
            ("Touré", 1, MentionForm::Short),
            ("Toure", 0, MentionForm::Short),
        ],
    );
    let at_short = Position::new(0, 35);
    let edit = with_view(text, &analysis, Encoding::Utf16, |v| {
        navigation::rename(v, at_short, "Traoré")
    })
    .expect("edit");
    let mut new_texts: Vec<String> = edit
        .changes
        .expect("changes")
        .into_values()
        .flatten()
        .map(|e| e.new_text)
        .collect();
    new_texts.sort();
    assert_eq!(new_texts, vec!["Amadou Toumani Traoré", "Traoré", "Traoré"]);

    // Different word counts: only mentions spelled like the renamed one.
    let at_full = Position::new(0, 3);
    let edit = with_view(text, &analysis, Encoding::Utf16, |v| {
        navigation::rename(v, at_full, "ATT")
    })
    .expect("edit");
    let edits: Vec<_> = edit
        .changes
        .expect("changes")
        .into_values()
        .flatten()
        .collect();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].new_text, "ATT");
}

#[test]
fn hover_card_lists_aliases_roles_and_counts() {
    let text = "Amadou Toumani Touré spoke.\nTouré left.";
    let analysis = analysis(
        text,
        &[
            ("Amadou Toumani Touré", 0, MentionForm::Full),
            ("Touré", 1, MentionForm::Short),
        ],
    );
    let card = with_view(text, &analysis, Encoding::Utf16, |v| {
        navigation::hover(v, Position::new(1, 2))
    })
    .expect("hover");
    let tower_lsp_server::ls_types::HoverContents::Markup(markup) = card.contents else {
        panic!("markdown expected");
    };
    assert_eq!(
        markup.value,
        "**Amadou Toumani Touré** · person\n\nAlso: Touré\n\nRoles: President\n\n2 mentions, first on line 1"
    );
}
