//! Diagnostics a careful editor would raise about names. Each has a stable
//! code (see `DiagnosticCode`), a severity from the config, a message naming
//! the entity, and related locations.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::{
    Analysis, Diagnostic, DiagnosticCode, Entity, EntityKind, Fix, Mention, MentionForm,
};
use crate::config::Config;
use crate::knowledge::Knowledge;
use crate::resolve::Resolved;
use crate::text::is_acronym;
use crate::text::{fold_key, Document, Span};

/// Acronyms so common that asking to spell them out would be noise.
const WELL_KNOWN_ACRONYMS: &[&str] = &[
    "US", "USA", "UK", "UN", "EU", "U.S.", "U.K.", "U.N.", "U.S.A.",
];

pub fn diagnose(
    doc: &Document<'_>,
    resolved: &Resolved,
    knowledge: &Knowledge,
    config: &Config,
) -> Vec<Diagnostic> {
    let analysis = &resolved.analysis;
    let mut out = Vec::new();
    let mut emit = |code: DiagnosticCode,
                    span: Span,
                    message: String,
                    related: Vec<(Span, String)>,
                    fix: Option<Fix>| {
        if let Some(severity) = config.severity(code) {
            out.push(Diagnostic {
                span,
                severity,
                code,
                message,
                related,
                related_elsewhere: Vec::new(),
                fix,
            });
        }
    };
    for entity in &analysis.entities {
        let mentions: Vec<&Mention> = analysis.mentions_of(entity.id).collect();
        acronym_diagnostics(doc, entity, &mentions, knowledge, &mut emit);
        short_form_first(doc, analysis, entity, &mentions, &mut emit);
        name_variants(doc, &mentions, &mut emit);
    }
    // Once per form, at its first ambiguous mention: the rest repeat it.
    let mut reported_forms: FxHashSet<String> = FxHashSet::default();
    for ambiguous in &resolved.ambiguous {
        let fits = &ambiguous.fits;
        let Some(mention) = ambiguous
            .mentions
            .first()
            .and_then(|m| analysis.mention(*m))
        else {
            continue;
        };
        let names: Vec<&Entity> = fits.iter().filter_map(|e| analysis.entity(*e)).collect();
        if names.len() < 2 || !reported_forms.insert(fold_key(mention.span.text(doc.text))) {
            continue;
        }
        let shown = &names[..names.len().min(MAX_NAMED_CANDIDATES)];
        let mut list = shown.iter().map(|e| e.name.clone()).collect::<Vec<_>>();
        if names.len() > shown.len() {
            list.push(format!("{} others", names.len() - shown.len()));
        }
        let list: Vec<&str> = list.iter().map(String::as_str).collect();
        let message = format!(
            "`{}` could mean {}",
            mention.span.text(doc.text),
            join_or(&list)
        );
        let related = shown
            .iter()
            .filter_map(|e| {
                analysis
                    .mention(e.definition)
                    .map(|d| (d.span, format!("{} is introduced here", e.name)))
            })
            .collect();
        emit(
            DiagnosticCode::AmbiguousMention,
            mention.span,
            message,
            related,
            None,
        );
    }
    out.sort_by_key(|d| (d.span.start, d.span.end, d.code));
    out
}

/// An ambiguity names (and links to) at most this many of the entities a
/// short form fits, and counts the rest.
const MAX_NAMED_CANDIDATES: usize = 5;

type Emit<'e> = dyn FnMut(DiagnosticCode, Span, String, Vec<(Span, String)>, Option<Fix>) + 'e;

fn join_or(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn acronym_diagnostics(
    doc: &Document<'_>,
    entity: &Entity,
    mentions: &[&Mention],
    knowledge: &Knowledge,
    emit: &mut Emit<'_>,
) {
    // An all-capitals word is an acronym only if the document never writes
    // it in lower case and the gazetteer does not know it as a plain name
    // ("MALI" in a headline is Mali, shouted).
    let shaped: Vec<&&Mention> = mentions
        .iter()
        .filter(|m| {
            m.form == MentionForm::Acronym
                || (m.form != MentionForm::Expansion && is_acronym(m.span.text(doc.text)))
        })
        .collect();
    if shaped.is_empty() {
        return;
    }
    let plain_keys: FxHashSet<String> = mentions
        .iter()
        .map(|m| m.span.text(doc.text))
        .filter(|t| t.chars().any(char::is_lowercase))
        .map(fold_key)
        .collect();
    let written_plainly = |text: &str| {
        plain_keys.contains(&fold_key(text))
            || knowledge
                .lookup(text)
                .is_some_and(|k| k.expansion.is_none() && k.name.chars().any(char::is_lowercase))
    };
    let acronyms: Vec<&&Mention> = shaped
        .into_iter()
        .filter(|m| !written_plainly(m.span.text(doc.text)))
        .collect();
    let Some(first) = acronyms.first() else {
        return;
    };
    let short = first.span.text(doc.text);
    match mentions.iter().find(|m| m.form == MentionForm::Expansion) {
        None => {
            if WELL_KNOWN_ACRONYMS.contains(&short) || entity.kind == EntityKind::Person {
                return;
            }
            let hint = knowledge
                .lookup(short)
                .and_then(|k| k.expansion.as_deref())
                .map(|e| format!("; it usually stands for {e}"))
                .unwrap_or_default();
            let message = format!("`{short}` is never spelled out in this document{hint}");
            emit(
                DiagnosticCode::AcronymUndefined,
                first.span,
                message,
                Vec::new(),
                None,
            );
        }
        Some(definition) => {
            for early in acronyms
                .iter()
                .filter(|m| m.span.start < definition.span.start)
            {
                let message = format!(
                    "`{}` is used before it is spelled out as {}",
                    early.span.text(doc.text),
                    definition.span.text(doc.text)
                );
                let related = vec![(definition.span, "spelled out here".to_string())];
                emit(
                    DiagnosticCode::AcronymBeforeDefinition,
                    early.span,
                    message,
                    related,
                    None,
                );
            }
        }
    }
}

fn short_form_first(
    doc: &Document<'_>,
    analysis: &Analysis,
    entity: &Entity,
    mentions: &[&Mention],
    emit: &mut Emit<'_>,
) {
    if entity.kind != EntityKind::Person {
        return;
    }
    let (Some(first), Some(definition)) = (mentions.first(), analysis.mention(entity.definition))
    else {
        return;
    };
    if first.form == MentionForm::Short && first.span.start < definition.span.start {
        let message = format!(
            "`{}` is used before the full name {} is given",
            first.span.text(doc.text),
            entity.name
        );
        let related = vec![(definition.span, "full name given here".to_string())];
        emit(
            DiagnosticCode::ShortFormFirst,
            first.span,
            message,
            related,
            None,
        );
    }
}

/// Spellings that differ only by diacritics, case, hyphens or spacing. Words
/// are compared across all of an entity's mentions, so a bare "Toure" is
/// checked against the "Touré" inside "Amadou Toumani Touré".
fn name_variants(doc: &Document<'_>, mentions: &[&Mention], emit: &mut Emit<'_>) {
    // Whole-mention spellings catch hyphen and spacing variants; word
    // spellings catch diacritics and case inside longer names.
    let mut units: Vec<Vec<(Span, &str, String)>> = Vec::with_capacity(mentions.len());
    let mut spellings: FxHashMap<String, Vec<(Span, &str)>> = FxHashMap::default();
    for mention in mentions {
        let text = mention.span.text(doc.text);
        let mut mention_units = vec![(mention.span, text)];
        let first = doc.token_at_or_after(mention.span.start.to_usize());
        let words: Vec<(Span, &str)> = doc.tokens[first..]
            .iter()
            .take_while(|t| t.span.end <= mention.span.end)
            .map(|t| (t.span, t.span.text(doc.text)))
            .filter(|(_, w)| w.chars().any(char::is_alphabetic))
            .collect();
        if words.len() > 1 {
            mention_units.extend(words);
        }
        let keyed: Vec<(Span, &str, String)> = mention_units
            .into_iter()
            .map(|(span, spelling)| (span, spelling, fold_key(spelling)))
            .collect();
        for (span, spelling, key) in &keyed {
            spellings
                .entry(key.clone())
                .or_default()
                .push((*span, spelling));
        }
        units.push(keyed);
    }
    // The preferred spelling of each key, with how often and where first.
    let preferred: FxHashMap<&str, (&str, usize, Span)> = spellings
        .iter()
        .filter_map(|(key, seen)| {
            let best = crate::resolve::most_common(seen.iter().map(|(_, t)| *t))?;
            let count = seen.iter().filter(|(_, t)| *t == best).count();
            let first = seen.iter().find(|(_, t)| *t == best)?.0;
            Some((key.as_str(), (best, count, first)))
        })
        .collect();
    for mention_units in units {
        for (span, spelling, key) in mention_units {
            let Some(&(best, count, first)) = preferred.get(key.as_str()) else {
                continue;
            };
            if spelling == best || is_same_nfc(spelling, best) || is_shouting(spelling, best) {
                continue;
            }
            let message =
                format!("`{spelling}` is spelled `{best}` elsewhere in this document ({count}×)");
            let related = vec![(first, format!("spelled `{best}` here"))];
            let fix = Fix {
                title: format!("Change to `{best}`"),
                span,
                replacement: best.to_string(),
            };
            emit(
                DiagnosticCode::NameVariant,
                span,
                message,
                related,
                Some(fix),
            );
            break;
        }
    }
}

fn is_same_nfc(a: &str, b: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    a.nfc().eq(b.nfc())
}

/// An all-capitals spelling of a name written normally elsewhere: a
/// headline, not a misspelling.
fn is_shouting(spelling: &str, preferred: &str) -> bool {
    let letters = || spelling.chars().filter(|c| c.is_alphabetic());
    letters().count() > 1
        && letters().all(char::is_uppercase)
        && preferred.chars().any(char::is_lowercase)
}
