//! `dramatis cast`: the project's cast list — who and where, across files.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{json, Value};

use super::check::recognizer_for;
use super::project::ProjectRun;
use crate::project::card::line_number;

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum CastFormat {
    Table,
    Json,
}

#[derive(clap::Args)]
pub struct CastArgs {
    /// Files or directories, read as one project.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: CastFormat,
    /// Use this model file (from `dramatis train`) instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// The registry to use instead of the nearest `dramatis.toml`.
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
}

pub fn run(args: &CastArgs) -> anyhow::Result<ExitCode> {
    let recognizer = recognizer_for(args.model.as_deref())?;
    let run = ProjectRun::load(
        &args.paths,
        args.registry.as_deref(),
        super::files::DEFAULT_MAX_BYTES,
        recognizer,
    )?;
    let (io_errors, project, texts) = (run.io_errors, &run.project, run.texts());
    let mut rows = Vec::new();
    for entity in &project.entities {
        let mut per_file: Vec<(String, usize)> = Vec::new();
        for m in &entity.mentions {
            let name = project.name_of(m.file).to_string();
            match per_file.iter_mut().find(|(n, _)| *n == name) {
                Some(entry) => entry.1 += 1,
                None => per_file.push((name, 1)),
            }
        }
        let first = entity.definition;
        let span = project
            .analysis(first.file)
            .and_then(|a| a.mention(first.mention))
            .map(|m| m.span)
            .unwrap_or_default();
        let text = texts.get(first.file.0 as usize).copied().unwrap_or("");
        let line = line_number(text, span.start.to_usize());
        rows.push(json!({
            "id": format!("e{}", entity.id.0 + 1),
            "name": entity.name,
            "kind": entity.kind.as_str(),
            "aliases": entity.aliases.iter().filter(|a| **a != entity.name).collect::<Vec<_>>(),
            "description": entity.note.as_deref().or(entity.description.as_deref()),
            "mentions": entity.mentions.len(),
            "files": per_file.iter().map(|(n, c)| json!({"path": n, "mentions": c})).collect::<Vec<_>>(),
            "first": {"path": project.name_of(first.file), "line": line, "start": span.start.0, "end": span.end.0},
        }));
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        CastFormat::Json => writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&Value::Array(rows))?
        )?,
        CastFormat::Table => {
            let name_width = rows
                .iter()
                .map(|r| r["name"].as_str().unwrap_or("").chars().count())
                .max()
                .unwrap_or(4)
                .clamp(4, 40);
            writeln!(
                stdout,
                "{:<name_width$}  {:<12}  {:>8}  {:<30}  aliases",
                "name", "kind", "mentions", "first"
            )?;
            for row in &rows {
                let per_file: Vec<String> = row["files"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| format!("{} {}", f["path"].as_str().unwrap_or(""), f["mentions"]))
                    .collect();
                let first = format!(
                    "{}:{}",
                    row["first"]["path"].as_str().unwrap_or(""),
                    row["first"]["line"]
                );
                let aliases: Vec<&str> = row["aliases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                writeln!(
                    stdout,
                    "{:<name_width$}  {:<12}  {:>8}  {:<30}  {}",
                    row["name"].as_str().unwrap_or(""),
                    row["kind"].as_str().unwrap_or(""),
                    row["mentions"],
                    first,
                    aliases.join(", ")
                )?;
                if per_file.len() > 1 {
                    writeln!(stdout, "{:<name_width$}  in: {}", "", per_file.join(", "))?;
                }
            }
        }
    }
    Ok(ExitCode::from(if io_errors { 2 } else { 0 }))
}
