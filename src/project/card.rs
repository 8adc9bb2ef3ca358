//! Product logic the editor shows: the hover card's text and the rename
//! plan. The language server only converts spans to positions.

use super::{MentionRef, Project, ProjectEntity};
use crate::analysis::{Analysis, Entity, FileId, MentionForm, MentionId};
use crate::text::{fold_key, Span};

/// 1-based line of a byte offset; `\n`, `\r\n` and a lone `\r` each end a
/// line, as the server's line index counts them.
pub fn line_number(text: &str, offset: usize) -> u32 {
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut lines = 1u32;
    for (i, &b) in bytes[..end].iter().enumerate() {
        let breaks = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        lines += u32::from(breaks);
    }
    lines
}

/// What a hover card says, whichever analysis it comes from.
struct CardFacts<'a> {
    name: &'a str,
    kind: crate::analysis::EntityKind,
    note: Option<&'a str>,
    expansion: Option<&'a str>,
    description: Option<&'a str>,
    aliases: &'a [String],
    roles: &'a [String],
    mentions: usize,
    files: usize,
    /// "first on line 7", "introduced in ch1.md line 3".
    place: Option<String>,
}

fn render(facts: CardFacts<'_>) -> String {
    let mut card = format!("**{}** · {}", escape(facts.name), facts.kind.as_str());
    if let Some(note) = facts.note {
        card.push_str(&format!("\n\n{}", escape(note)));
    }
    if let Some(expansion) = facts.expansion {
        if fold_key(expansion) != fold_key(facts.name) {
            card.push_str(&format!("\n\nStands for *{}*", escape(expansion)));
        }
    }
    if let Some(description) = facts.description {
        card.push_str(&format!("\n\n{}", escape(description)));
    }
    let aliases: Vec<String> = facts
        .aliases
        .iter()
        .filter(|a| a.as_str() != facts.name)
        .map(|a| escape(a))
        .collect();
    if !aliases.is_empty() {
        card.push_str(&format!("\n\nAlso: {}", aliases.join(", ")));
    }
    if !facts.roles.is_empty() {
        let roles: Vec<String> = facts.roles.iter().map(|r| escape(r)).collect();
        card.push_str(&format!("\n\nRoles: {}", roles.join("; ")));
    }
    let plural = if facts.mentions == 1 {
        "mention"
    } else {
        "mentions"
    };
    card.push_str(&format!("\n\n{} {plural}", facts.mentions));
    if facts.files > 1 {
        card.push_str(&format!(" in {} files", facts.files));
    }
    if let Some(place) = facts.place {
        card.push_str(&format!(", {place}"));
    }
    card
}

/// The Markdown card for an entity of one analysed document: who or what
/// this is, as far as the document and the built-in knowledge say.
pub fn file_card(analysis: &Analysis, text: &str, entity: &Entity) -> String {
    let first = entity
        .mentions
        .first()
        .and_then(|id| analysis.mention(*id))
        .map(|m| {
            format!(
                "first on line {}",
                line_number(text, m.span.start.to_usize())
            )
        });
    render(CardFacts {
        name: &entity.name,
        kind: entity.kind,
        note: None,
        expansion: entity.expansion.as_deref(),
        description: entity.description.as_deref(),
        aliases: &entity.aliases,
        roles: &entity.roles,
        mentions: entity.mentions.len(),
        files: 1,
        place: first,
    })
}

/// The card for an entity of a project: the user's note first, then what
/// the text says, what the knowledge says, how often, and where it is
/// introduced (where go to definition lands).
pub fn hover_card(project: &Project, texts: &[&str], entity: &ProjectEntity) -> String {
    let mut files: Vec<FileId> = entity.mentions.iter().map(|m| m.file).collect();
    files.dedup();
    let place = span_of(project, entity.definition).map(|span| {
        let text = texts
            .get(entity.definition.file.0 as usize)
            .copied()
            .unwrap_or("");
        let line = line_number(text, span.start.to_usize());
        if project.files.len() > 1 {
            format!(
                "introduced in {} line {line}",
                escape(project.name_of(entity.definition.file))
            )
        } else {
            format!("first on line {line}")
        }
    });
    render(CardFacts {
        name: &entity.name,
        kind: entity.kind,
        note: entity.note.as_deref(),
        expansion: entity.expansion.as_deref(),
        description: entity.description.as_deref(),
        aliases: &entity.aliases,
        roles: &entity.roles,
        mentions: entity.mentions.len(),
        files: files.len(),
        place,
    })
}

fn span_of(project: &Project, at: MentionRef) -> Option<Span> {
    Some(project.analysis(at.file)?.mention(at.mention)?.span)
}

/// Markdown-escapes a name so "A*B" or "_x_" show as typed.
pub fn escape(text: &str) -> String {
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

/// Why a rename cannot go ahead.
#[derive(Clone, Debug, PartialEq)]
pub struct RenameRefused(pub String);

/// Whether the mention can be renamed: the span and the whole name to
/// offer. An ambiguous short form is refused: renaming it would rename
/// whichever person it happens to be attached to.
pub fn prepare_rename(
    project: &Project,
    texts: &[&str],
    at: MentionRef,
) -> Result<(Span, String), RenameRefused> {
    let span = span_of(project, at).ok_or_else(|| RenameRefused("no name here".into()))?;
    let text = texts.get(at.file.0 as usize).copied().unwrap_or("");
    let written = span.text(text);
    if project.is_ambiguous(at) {
        return Err(RenameRefused(format!(
            "`{written}` could mean more than one entity; rename one of the full names instead"
        )));
    }
    Ok((span, normalize_space(written)))
}

/// A new name is one line of visible text.
pub fn check_new_name(name: &str) -> Result<&str, RenameRefused> {
    let refuse = |why: &str| Err(RenameRefused(why.to_string()));
    if name.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return refuse("the new name contains a line break");
    }
    if name.chars().any(char::is_control) {
        return refuse("the new name contains a control character (such as NUL or a tab)");
    }
    let visible = name
        .chars()
        .any(|c| !c.is_whitespace() && !crate::text::is_invisible_format(c));
    if !visible {
        return refuse("the new name is empty or only spaces and invisible characters");
    }
    Ok(name.trim())
}

/// One replacement of a rename.
#[derive(Clone, Debug, PartialEq)]
pub struct RenameEdit {
    pub file: FileId,
    pub span: Span,
    pub text: String,
}

/// Renames the entity of the mention at `at` in every file. Each mention
/// keeps its form: a mention written like the renamed one becomes the new
/// name; with as many words in the old and new names, other mentions get
/// the same word-for-word change ("Vell" → "Marsh" in "Hester Vell");
/// otherwise a surname-only or given-name-only mention gets the new name's
/// last or first word. Acronyms stay as written.
pub fn rename_plan(
    project: &Project,
    texts: &[&str],
    at: MentionRef,
    new_name: &str,
) -> Result<Vec<RenameEdit>, RenameRefused> {
    let new_name = check_new_name(new_name)?;
    prepare_rename(project, texts, at)?;
    let entity = project
        .entity_at(at)
        .ok_or_else(|| RenameRefused("no name here".into()))?;
    let text_of = |m: MentionRef| -> &str {
        let text = texts.get(m.file.0 as usize).copied().unwrap_or("");
        span_of(project, m).map_or("", |s| s.text(text))
    };
    let old = normalize_space(text_of(at));
    let mentions = entity.mentions.iter().filter_map(|&mention| {
        let span = span_of(project, mention)?;
        let form = project
            .analysis(mention.file)
            .and_then(|a| a.mention(mention.mention))
            .map(|m| m.form);
        Some(((mention.file, span), text_of(mention), form))
    });
    Ok(renamed_forms(mentions, &old, new_name)
        .into_iter()
        .map(|((file, span), text)| RenameEdit { file, span, text })
        .collect())
}

/// The rename of one document's entity, outside a project: the same rules.
pub fn rename_in_file(
    analysis: &Analysis,
    text: &str,
    at: MentionId,
    new_name: &str,
) -> Result<Vec<(Span, String)>, RenameRefused> {
    let new_name = check_new_name(new_name)?;
    let mention = analysis
        .mention(at)
        .ok_or_else(|| RenameRefused("no name here".into()))?;
    let old = normalize_space(mention.span.text(text));
    let mentions = analysis
        .mentions_of(mention.entity)
        .map(|m| (m.span, m.span.text(text), Some(m.form)));
    Ok(renamed_forms(mentions, &old, new_name))
}

/// The new text of each mention: written like the renamed one, the new
/// name; an acronym, unchanged; otherwise word for word.
fn renamed_forms<'t, T>(
    mentions: impl Iterator<Item = (T, &'t str, Option<MentionForm>)>,
    old: &str,
    new_name: &str,
) -> Vec<(T, String)> {
    let old_words: Vec<String> = old.split_whitespace().map(fold_key).collect();
    let new_words: Vec<&str> = new_name.split_whitespace().collect();
    let old_key = fold_key(old);
    mentions
        .filter_map(|(at, written, form)| {
            let replacement = if fold_key(written) == old_key {
                Some(new_name.to_string())
            } else if form == Some(MentionForm::Acronym) {
                None
            } else {
                rewrite_words(written, &old_words, &new_words)
            };
            replacement.map(|text| (at, text))
        })
        .collect()
}

fn rewrite_words(written: &str, old: &[String], new: &[&str]) -> Option<String> {
    let (Some(old_first), Some(old_last), Some(new_first), Some(new_last)) =
        (old.first(), old.last(), new.first(), new.last())
    else {
        return None;
    };
    let same_count = old.len() == new.len();
    // A one-word new name ("ATT" for "Amadou Toumani Touré") has no surname
    // to give the short forms: they stay as written.
    if !same_count && (new.len() < 2 || old.len() < 2) {
        return None;
    }
    let mut changed = false;
    let words: Vec<String> = written
        .split_whitespace()
        .map(|word| {
            let key = fold_key(word);
            let replacement = if same_count {
                old.iter().position(|o| *o == key).map(|i| new[i])
            } else if key == *old_last {
                Some(*new_last)
            } else if key == *old_first {
                Some(*new_first)
            } else {
                None
            };
            match replacement {
                Some(r) => {
                    changed |= r != word;
                    r.to_string()
                }
                None => word.to_string(),
            }
        })
        .collect();
    changed.then(|| words.join(" "))
}

/// A name as one line: runs of whitespace (a soft wrap) become one space.
pub fn normalize_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_count_every_line_ending() {
        let text = "a\nb\r\nc\rd";
        assert_eq!(line_number(text, 0), 1);
        assert_eq!(line_number(text, 2), 2);
        assert_eq!(line_number(text, 5), 3);
        assert_eq!(line_number(text, 7), 4);
    }

    #[test]
    fn new_names_are_one_visible_line() {
        assert!(check_new_name("Hester Marsh").is_ok());
        assert!(check_new_name("Hester\nMarsh").is_err());
        assert!(check_new_name("a\0b").is_err());
        assert!(check_new_name("\u{200b}").is_err());
        assert!(check_new_name("   ").is_err());
    }

    #[test]
    fn short_forms_keep_their_form() {
        let old: Vec<String> = vec!["hester".into(), "vell".into()];
        assert_eq!(
            rewrite_words("Vell", &old, &["Hester", "Marsh"]).as_deref(),
            Some("Marsh")
        );
        assert_eq!(
            rewrite_words("Vell", &old, &["Hester", "Anne", "Marsh"]).as_deref(),
            Some("Marsh")
        );
        assert_eq!(
            rewrite_words("Hester", &old, &["Esther", "Anne", "Marsh"]).as_deref(),
            Some("Esther")
        );
        assert_eq!(rewrite_words("Tom", &old, &["Hester", "Marsh"]), None);
    }
}
