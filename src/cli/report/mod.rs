//! `dramatis report PATH… -o report.html`: one self-contained page (inline
//! CSS, JS and SVG; no external assets) with the cast, a timeline, a
//! co-occurrence network and the text with its mentions highlighted.
//!
//! The numbers are computed here, in Rust: per-file analyses, entities
//! linked across files, timeline counts, paragraph co-occurrence and the
//! network layout. The page (`page.html`) only draws them, so it stays
//! responsive on large projects. Offsets in the page are UTF-16 code units,
//! as JavaScript strings count them.

mod layout;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::{json, Value};

use super::check::recognizer_for;
use super::project::ProjectRun;
use crate::analysis::{Analysis, EntityKind};
use crate::text::{fold, tokenize, TextFormat};

const PAGE: &str = include_str!("page.html");
/// Where the data goes in the page.
const DATA_MARKER: &str = "/*DRAMATIS_DATA*/";
/// Columns of the timeline of a single file: paragraphs are grouped into
/// at most this many bands.
const SINGLE_FILE_BANDS: usize = 40;
/// The network shows the most mentioned entities only; more nodes than this
/// make an unreadable hairball.
const NETWORK_NODES: usize = 40;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Files or directories (a directory's files form one project cast).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The HTML file to write.
    #[arg(short = 'o', long, value_name = "FILE", default_value = "report.html")]
    out: PathBuf,
    /// Use this model file (from `dramatis train`) instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// The registry to use instead of the nearest `dramatis.toml`.
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
}

/// The key that makes two files' entities one. The files come from one
/// project analysis, whose entities carry the project's name and kind in
/// every file, so this is the project cast's own grouping.
fn project_entity_key(kind: EntityKind, name: &str) -> (EntityKind, String) {
    (kind, fold(name))
}

pub fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let recognizer = recognizer_for(args.model.as_deref())?;
    let run = ProjectRun::load(
        &args.paths,
        args.registry.as_deref(),
        crate::cli::files::DEFAULT_MAX_BYTES,
        recognizer,
    )?;
    let io_errors = run.io_errors;
    let analysed: Vec<(String, String, Analysis)> = run
        .files
        .into_iter()
        .zip(run.project.files)
        .map(|(input, analysis)| (input.path, input.text.unwrap_or_default(), analysis))
        .collect();
    let title = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let data = report_data(&title, &analysed);
    std::fs::write(&args.out, render_page(&data))
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "wrote {} ({} files, {} entities)",
        args.out.display(),
        analysed.len(),
        data["entities"].as_array().map_or(0, Vec::len)
    );
    Ok(ExitCode::from(if io_errors { 2 } else { 0 }))
}

/// The page with its data: JSON in a `<script type="application/json">`,
/// every `<` escaped so no text can close the element early.
pub fn render_page(data: &Value) -> String {
    let json = data.to_string().replace('<', "\\u003c");
    PAGE.replacen(DATA_MARKER, &json, 1)
}

/// UTF-8 byte offset → UTF-16 offset for one text.
struct Utf16Offsets(Vec<u32>);

impl Utf16Offsets {
    fn new(text: &str) -> Self {
        let mut map = vec![0u32; text.len() + 1];
        let mut units = 0u32;
        for (at, c) in text.char_indices() {
            map[at] = units;
            units += c.len_utf16() as u32;
        }
        map[text.len()] = units;
        Utf16Offsets(map)
    }
    fn at(&self, byte: usize) -> u32 {
        self.0.get(byte).copied().unwrap_or(0)
    }
}

struct CastEntry {
    name: String,
    kind: EntityKind,
    aliases: Vec<String>,
    description: Option<String>,
    roles: Vec<String>,
    per_file: Vec<usize>,
}

/// Everything the page shows, as JSON.
pub fn report_data(title: &str, files: &[(String, String, Analysis)]) -> Value {
    let mut cast: Vec<CastEntry> = Vec::new();
    let mut index_of: HashMap<(EntityKind, String), usize> = HashMap::new();
    // Per file: the cast index of each local entity.
    let mut local_to_cast: Vec<Vec<usize>> = Vec::new();
    for (file_index, (_, _, analysis)) in files.iter().enumerate() {
        let mut map = Vec::with_capacity(analysis.entities.len());
        for entity in &analysis.entities {
            let key = project_entity_key(entity.kind, &entity.name);
            let at = *index_of.entry(key).or_insert_with(|| {
                cast.push(CastEntry {
                    name: entity.name.clone(),
                    kind: entity.kind,
                    aliases: Vec::new(),
                    description: None,
                    roles: Vec::new(),
                    per_file: vec![0; files.len()],
                });
                cast.len() - 1
            });
            let entry = &mut cast[at];
            for alias in &entity.aliases {
                if !entry.aliases.contains(alias) {
                    entry.aliases.push(alias.clone());
                }
            }
            for role in &entity.roles {
                if !entry.roles.contains(role) {
                    entry.roles.push(role.clone());
                }
            }
            if entry.description.is_none() {
                entry.description = entity
                    .description
                    .clone()
                    .or_else(|| entity.expansion.as_ref().map(|e| format!("stands for {e}")));
            }
            entry.per_file[file_index] += entity.mentions.len();
            map.push(at);
        }
        local_to_cast.push(map);
    }

    let single = files.len() == 1;
    let mut columns: Vec<String> = Vec::new();
    let mut timeline: Vec<Vec<usize>> = Vec::new();
    // (cast a, cast b) → paragraphs shared.
    let mut together: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut file_values = Vec::new();
    if !single {
        columns = files.iter().map(|(path, _, _)| short_name(path)).collect();
        timeline = cast.iter().map(|c| c.per_file.clone()).collect();
    }
    for (file_index, (path, text, analysis)) in files.iter().enumerate() {
        let utf16 = Utf16Offsets::new(text);
        let paragraphs = tokenize(text, TextFormat::from_path(path)).paragraphs;
        let paragraph_of = |byte: usize| {
            paragraphs
                .partition_point(|p| p.end.to_usize() <= byte)
                .min(paragraphs.len().saturating_sub(1))
        };
        let bands = paragraphs.len().clamp(1, SINGLE_FILE_BANDS);
        if single {
            columns = (0..bands)
                .map(|b| {
                    let first = b * paragraphs.len() / bands + 1;
                    format!("¶{first}")
                })
                .collect();
            timeline = vec![vec![0; bands]; cast.len()];
        }
        let mut in_paragraph: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mentions: Vec<Value> = analysis
            .mentions
            .iter()
            .map(|m| {
                let entity = local_to_cast[file_index]
                    .get(m.entity.0 as usize)
                    .copied()
                    .unwrap_or(0);
                let paragraph = paragraph_of(m.span.start.to_usize());
                in_paragraph.entry(paragraph).or_default().push(entity);
                if single {
                    let band = paragraph * bands / paragraphs.len().max(1);
                    if let Some(cell) = timeline
                        .get_mut(entity)
                        .and_then(|row| row.get_mut(band.min(bands - 1)))
                    {
                        *cell += 1;
                    }
                }
                json!([
                    utf16.at(m.span.start.to_usize()),
                    utf16.at(m.span.end.to_usize()),
                    entity
                ])
            })
            .collect();
        for entities in in_paragraph.values_mut() {
            entities.sort_unstable();
            entities.dedup();
            for (i, &a) in entities.iter().enumerate() {
                for &b in &entities[i + 1..] {
                    *together.entry((a, b)).or_insert(0) += 1;
                }
            }
        }
        let mut sorted_diagnostics: Vec<_> = analysis.diagnostics.iter().collect();
        // The page walks mentions and diagnostics in text order.
        sorted_diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        let diagnostics: Vec<Value> = sorted_diagnostics
            .into_iter()
            .map(|d| {
                json!([
                    utf16.at(d.span.start.to_usize()),
                    utf16.at(d.span.end.to_usize()),
                    d.severity.as_str(),
                    d.code.as_str(),
                    d.message
                ])
            })
            .collect();
        file_values.push(json!({
            "path": path, "text": text, "mentions": mentions, "diagnostics": diagnostics,
        }));
    }

    // The network: the most mentioned entities, linked by shared paragraphs.
    let totals: Vec<usize> = cast.iter().map(|c| c.per_file.iter().sum()).collect();
    let mut by_weight: Vec<usize> = (0..cast.len()).collect();
    by_weight.sort_by_key(|&i| (std::cmp::Reverse(totals[i]), i));
    by_weight.truncate(NETWORK_NODES);
    let node_of: HashMap<usize, usize> =
        by_weight.iter().enumerate().map(|(n, &c)| (c, n)).collect();
    let edges: Vec<(usize, usize, usize)> = together
        .iter()
        .filter_map(|(&(a, b), &w)| Some((*node_of.get(&a)?, *node_of.get(&b)?, w)))
        .collect();
    let positions = layout::force_layout(by_weight.len(), &edges);
    let nodes: Vec<Value> = by_weight
        .iter()
        .zip(&positions)
        .map(|(&c, &(x, y))| json!([c, round3(x), round3(y)]))
        .collect();
    let edges: Vec<Value> = edges.iter().map(|&(a, b, w)| json!([a, b, w])).collect();

    let entities: Vec<Value> = cast
        .iter()
        .zip(&totals)
        .map(|(c, total)| {
            json!({
                "name": c.name, "kind": c.kind.as_str(), "aliases": c.aliases,
                "description": c.description, "roles": c.roles,
                "perFile": c.per_file, "total": total,
            })
        })
        .collect();
    json!({
        "title": title,
        "files": file_values,
        "entities": entities,
        "timeline": {"columns": columns, "rows": timeline, "byFile": !single},
        "network": {"nodes": nodes, "edges": edges},
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn short_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_stem()
        .map_or_else(|| path.to_string(), |s| s.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, Config, Knowledge};

    fn analysed(path: &str, text: &str) -> (String, String, Analysis) {
        let analysis = analyze(
            text,
            TextFormat::from_path(path),
            &Config::default(),
            Knowledge::builtin(),
            &crate::recognize::rules::RuleRecognizer,
        );
        (path.to_string(), text.to_string(), analysis)
    }

    #[test]
    fn files_share_one_cast_and_the_page_cannot_be_closed_early() {
        let files = [
            analysed(
                "ch1.md",
                "Kofi Annan flew to Accra.\n\nAnnan met Ama Mensah in Accra.",
            ),
            analysed("ch2.md", "Ama Mensah stayed in Accra. </script><b>x</b>"),
        ];
        let data = report_data("t", &files);
        let entities = data["entities"].as_array().expect("entities");
        let accra: Vec<_> = entities.iter().filter(|e| e["name"] == "Accra").collect();
        assert_eq!(accra.len(), 1, "one Accra across files: {entities:?}");
        assert_eq!(accra[0]["perFile"], json!([2, 1]));
        assert_eq!(data["timeline"]["columns"], json!(["ch1", "ch2"]));
        let page = render_page(&data);
        assert!(
            !page.contains("</script><b>"),
            "the text cannot end the data element"
        );
        assert_eq!(
            page.matches("</script>").count(),
            PAGE.matches("</script>").count()
        );
    }
}
