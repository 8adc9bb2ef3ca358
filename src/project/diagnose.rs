//! Each file's diagnostics read against the whole project, in reading order:
//! an acronym spelled out in an earlier file is defined; one spelled out
//! only in a later file is used before its definition; a full name given in
//! an earlier file was given; a one-word name may fit people of other
//! files; a name spelled one way here and another way elsewhere is a
//! variant.

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

use super::link::CrossAmbiguity;
use super::{MentionRef, Project, ProjectEntity};
use crate::analysis::{
    Diagnostic, DiagnosticCode, EntityKind, FileId, Fix, MentionForm, RelatedInFile,
};
use crate::config::Config;
use crate::text::{fold_key, Document, Span};

/// At most this many other places are listed with one diagnostic.
const MAX_RELATED: usize = 5;

pub fn adjust(
    project: &mut Project,
    docs: &[Document<'_>],
    cross: &[CrossAmbiguity],
    config: &Config,
) {
    let many_files = project.files.len() > 1;
    for file in 0..project.files.len() {
        let old = std::mem::take(&mut project.files[file].diagnostics);
        let mut kept = Vec::with_capacity(old.len());
        for mut d in old {
            let entity = entity_at_span(project, file, d.span);
            match (d.code, entity) {
                (DiagnosticCode::AcronymUndefined, Some(entity)) => {
                    if entity.registered {
                        continue;
                    }
                    match spelled_out(project, entity) {
                        Some(at) if at.file.0 as usize != file => {
                            if (at.file.0 as usize) < file {
                                continue;
                            }
                            let Some(severity) =
                                config.severity(DiagnosticCode::AcronymBeforeDefinition)
                            else {
                                continue;
                            };
                            let short = d.span.text(docs[file].text).to_string();
                            let long = mention_text(project, docs, at);
                            d.code = DiagnosticCode::AcronymBeforeDefinition;
                            d.severity = severity;
                            d.message = format!(
                                "`{short}` is used before it is spelled out as {long} (in {})",
                                project.name_of(at.file)
                            );
                            d.related_elsewhere = vec![related(project, at, "spelled out here")];
                        }
                        _ => {
                            if many_files {
                                d.message =
                                    d.message.replace("in this document", "in this project");
                            }
                        }
                    }
                }
                (DiagnosticCode::AcronymBeforeDefinition, Some(entity))
                    if spelled_out(project, entity)
                        .is_some_and(|at| (at.file.0 as usize) < file) =>
                {
                    continue;
                }
                (DiagnosticCode::ShortFormFirst, Some(entity))
                    if (entity.definition.file.0 as usize) < file =>
                {
                    continue;
                }
                _ => {}
            }
            kept.push(d);
        }
        project.files[file].diagnostics = kept;
    }
    if !many_files {
        return;
    }
    let mut added: Vec<(usize, Diagnostic)> = Vec::new();
    cross_ambiguities(project, docs, cross, config, &mut added);
    cross_short_forms(project, docs, config, &mut added);
    cross_variants(project, docs, config, &mut added);
    for (file, d) in added {
        let diagnostics = &mut project.files[file].diagnostics;
        if !diagnostics
            .iter()
            .any(|o| o.span == d.span && o.code == d.code)
        {
            diagnostics.push(d);
        }
    }
    for analysis in &mut project.files {
        analysis
            .diagnostics
            .sort_by_key(|d| (d.span.start, d.span.end, d.code));
    }
}

fn entity_at_span(project: &Project, file: usize, span: Span) -> Option<&ProjectEntity> {
    let analysis = project.files.get(file)?;
    let mention = analysis.mention_at(span.start)?;
    project.entity_of(FileId(file as u32), mention.entity)
}

/// The first mention that spells out the entity's acronym.
fn spelled_out(project: &Project, entity: &ProjectEntity) -> Option<MentionRef> {
    entity.mentions.iter().copied().find(|at| {
        project
            .analysis(at.file)
            .and_then(|a| a.mention(at.mention))
            .is_some_and(|m| m.form == MentionForm::Expansion)
    })
}

fn mention_span(project: &Project, at: MentionRef) -> Span {
    project
        .analysis(at.file)
        .and_then(|a| a.mention(at.mention))
        .map_or(Span::default(), |m| m.span)
}

fn mention_text<'d>(project: &Project, docs: &'d [Document<'_>], at: MentionRef) -> &'d str {
    let span = mention_span(project, at);
    docs.get(at.file.0 as usize)
        .map_or("", |d| span.text(d.text))
}

fn related(project: &Project, at: MentionRef, label: &str) -> RelatedInFile {
    RelatedInFile {
        file: at.file,
        span: mention_span(project, at),
        label: label.to_string(),
    }
}

fn join_or(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn cross_ambiguities(
    project: &Project,
    docs: &[Document<'_>],
    cross: &[CrossAmbiguity],
    config: &Config,
    out: &mut Vec<(usize, Diagnostic)>,
) {
    let Some(severity) = config.severity(DiagnosticCode::AmbiguousMention) else {
        return;
    };
    for ambiguity in cross {
        let Some(analysis) = project.files.get(ambiguity.file) else {
            continue;
        };
        let Some(first) = analysis
            .entity(ambiguity.local)
            .and_then(|e| e.mentions.first())
            .and_then(|m| analysis.mention(*m))
        else {
            continue;
        };
        let fits: Vec<&ProjectEntity> = ambiguity
            .fits
            .iter()
            .filter_map(|id| project.entity(*id))
            .collect();
        let mut names: Vec<&str> = fits.iter().map(|e| e.name.as_str()).collect();
        let more = names.len().saturating_sub(MAX_RELATED);
        names.truncate(MAX_RELATED);
        let mut list = join_or(&names);
        if more > 0 {
            list = format!("{} and {more} others", names.join(", "));
        }
        let text = first.span.text(docs[ambiguity.file].text);
        let related_elsewhere = fits
            .iter()
            .take(MAX_RELATED)
            .map(|e| {
                related(
                    project,
                    e.definition,
                    &format!("{} is introduced here", e.name),
                )
            })
            .collect();
        out.push((
            ambiguity.file,
            Diagnostic {
                span: first.span,
                severity,
                code: DiagnosticCode::AmbiguousMention,
                message: format!("`{text}` could mean {list}"),
                related: Vec::new(),
                related_elsewhere,
                fix: None,
            },
        ));
    }
}

/// A person called by a one-word name in a file before the one that gives
/// the full name.
fn cross_short_forms(
    project: &Project,
    docs: &[Document<'_>],
    config: &Config,
    out: &mut Vec<(usize, Diagnostic)>,
) {
    let Some(severity) = config.severity(DiagnosticCode::ShortFormFirst) else {
        return;
    };
    for entity in &project.entities {
        if entity.kind != EntityKind::Person || !entity.name.contains(' ') {
            continue;
        }
        let Some(&first) = entity.mentions.first() else {
            continue;
        };
        if first.file >= entity.definition.file {
            continue;
        }
        let text = mention_text(project, docs, first);
        if text.split_whitespace().count() != 1 {
            continue;
        }
        out.push((
            first.file.0 as usize,
            Diagnostic {
                span: mention_span(project, first),
                severity,
                code: DiagnosticCode::ShortFormFirst,
                message: format!(
                    "`{text}` is used before the full name {} is given (in {})",
                    entity.name,
                    project.name_of(entity.definition.file)
                ),
                related: Vec::new(),
                related_elsewhere: vec![related(
                    project,
                    entity.definition,
                    "full name given here",
                )],
                fix: None,
            },
        ));
    }
}

/// One entity spelled one way in this file and, more often, another way in
/// other files (diacritics, hyphens, spacing; not capitals alone, which a
/// heading or a sentence start explains).
fn cross_variants(
    project: &Project,
    docs: &[Document<'_>],
    config: &Config,
    out: &mut Vec<(usize, Diagnostic)>,
) {
    let Some(severity) = config.severity(DiagnosticCode::NameVariant) else {
        return;
    };
    for entity in &project.entities {
        if entity.mentions.len() < 2 {
            continue;
        }
        // Spellings of each key: (spelling, count, first mention).
        let mut spellings: FxHashMap<String, Vec<(String, usize, MentionRef)>> =
            FxHashMap::default();
        for &at in &entity.mentions {
            let text: String = super::card::normalize_space(mention_text(project, docs, at))
                .nfc()
                .collect();
            let seen = spellings.entry(fold_key(&text)).or_default();
            match seen.iter_mut().find(|(s, _, _)| *s == text) {
                Some(entry) => entry.1 += 1,
                None => seen.push((text, 1, at)),
            }
        }
        for seen in spellings.values() {
            if seen.len() < 2 {
                continue;
            }
            let Some(best) = seen
                .iter()
                .max_by_key(|(_, count, at)| (*count, std::cmp::Reverse(*at)))
            else {
                continue;
            };
            for (spelling, _, at) in seen {
                if spelling == &best.0
                    || at.file == best.2.file
                    || spelling.to_lowercase() == best.0.to_lowercase()
                {
                    continue;
                }
                let file = at.file.0 as usize;
                let span = mention_span(project, *at);
                if project.files[file]
                    .diagnostics
                    .iter()
                    .any(|d| d.code == DiagnosticCode::NameVariant && d.span == span)
                {
                    continue;
                }
                out.push((
                    file,
                    Diagnostic {
                        span,
                        severity,
                        code: DiagnosticCode::NameVariant,
                        message: format!(
                            "`{spelling}` is spelled `{}` elsewhere in this project ({}×)",
                            best.0, best.1
                        ),
                        related: Vec::new(),
                        related_elsewhere: vec![related(
                            project,
                            best.2,
                            &format!("spelled `{}` here", best.0),
                        )],
                        fix: Some(Fix {
                            title: format!("Change to `{}`", best.0),
                            span,
                            replacement: best.0.clone(),
                        }),
                    },
                ));
            }
        }
    }
}
