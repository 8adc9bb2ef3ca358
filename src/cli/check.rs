//! `dramatis check` (compiler-style diagnostics) and `dramatis annotate`
//! (the fixed JSON contract other tools rely on).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};

use super::export::{analysis_doc, Exchange, Exporter};
use super::files::DEFAULT_MAX_BYTES;
use super::project::ProjectRun;
use crate::analysis::{Analysis, Severity};
use crate::{configured_recognizer, Recognizer};

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum CheckFormat {
    Human,
    Json,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum AnnotateFormat {
    Jsonl,
    Json,
    /// brat standoff: `--out DIR` gets NAME.txt + NAME.ann per file.
    Brat,
    /// CoNLL columns, IOB2.
    Conll,
    /// spaCy / Prodigy JSONL with character offsets.
    Spacy,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum DenyLevel {
    Hint,
    Information,
    Warning,
    Error,
    Never,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files or directories (walked for .txt, .text, .md, .markdown).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: CheckFormat,
    /// Skip files larger than this many bytes (reported; exit code 2).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// Exit with 1 when a diagnostic at or above this severity exists.
    #[arg(long, value_enum, default_value = "warning")]
    deny: DenyLevel,
    /// Use this model file (from `dramatis train`) instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// The registry to use instead of the nearest `dramatis.toml`.
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct AnnotateArgs {
    /// Files or directories (walked for .txt, .text, .md, .markdown).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// `jsonl`: one object per line; `json`: one array; `brat`, `conll`,
    /// `spacy`: the exchange formats (docs/annotation-loop.md).
    #[arg(long, value_enum, default_value = "jsonl")]
    format: AnnotateFormat,
    /// The folder for `brat`; the file for `conll` and `spacy` (default stdout).
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Skip files larger than this many bytes (reported; exit code 2).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// Use this model file (from `dramatis train`) instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// The registry to use instead of the nearest `dramatis.toml`.
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
}

/// The model named on the command line, else the configured one. A model
/// file that cannot be read or parsed is an error, not a silent fallback.
/// Loaded once per process, so it is leaked to live as long as the
/// embedded one.
pub(crate) fn recognizer_for(model: Option<&Path>) -> anyhow::Result<&'static dyn Recognizer> {
    match model {
        Some(path) => {
            let model = super::load_model_file(path)?;
            Ok(Box::leak(Box::new(model)))
        }
        None => Ok(configured_recognizer()),
    }
}

pub fn run_check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let recognizer = recognizer_for(args.model.as_deref())?;
    let run = ProjectRun::load(
        &args.paths,
        args.registry.as_deref(),
        args.max_bytes,
        recognizer,
    )?;
    let threshold = match args.deny {
        DenyLevel::Hint => Some(Severity::Hint),
        DenyLevel::Information => Some(Severity::Information),
        DenyLevel::Warning => Some(Severity::Warning),
        DenyLevel::Error => Some(Severity::Error),
        DenyLevel::Never => None,
    };
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut stdout = std::io::stdout().lock();
    let (io_errors, mut denied, mut files) = (run.io_errors, false, 0usize);
    let mut counts = [0usize; 4];
    let mut json_files = Vec::new();
    let project = &run.project;
    let texts = run.texts();
    let elsewhere = |file: crate::analysis::FileId, span: crate::Span| {
        let text = texts.get(file.0 as usize).copied().unwrap_or("");
        let (line, column) = LineIndex::new(text).line_col(text, span.start.to_usize());
        format!("{}:{line}:{column}", project.name_of(file))
    };
    for (index, input) in run.files.iter().enumerate() {
        let Ok(text) = &input.text else { continue };
        files += 1;
        let analysis = &project.files[index];
        let lines = LineIndex::new(text);
        for d in &analysis.diagnostics {
            counts[d.severity as usize] += 1;
            denied |= threshold.is_some_and(|t| d.severity >= t);
        }
        match args.format {
            CheckFormat::Human => {
                for d in &analysis.diagnostics {
                    write_human(&mut stdout, &input.path, text, &lines, d, color)?;
                    for related in &d.related_elsewhere {
                        let at = elsewhere(related.file, related.span);
                        writeln!(stdout, "   = note: {at}: {}", related.label)?;
                    }
                    if !d.related_elsewhere.is_empty() {
                        writeln!(stdout)?;
                    }
                }
            }
            CheckFormat::Json => {
                let diagnostics: Vec<Value> = analysis
                    .diagnostics
                    .iter()
                    .map(|d| {
                        let (line, column) = lines.line_col(text, d.span.start.to_usize());
                        json!({
                            "start": d.span.start.0, "end": d.span.end.0,
                            "line": line, "column": column,
                            "severity": d.severity.as_str(), "code": d.code.as_str(),
                            "message": d.message,
                        })
                    })
                    .collect();
                json_files.push(json!({"path": input.path, "diagnostics": diagnostics}));
            }
        }
    }
    match args.format {
        CheckFormat::Human => {
            let [hint, info, warning, error] = counts;
            writeln!(
                stdout,
                "{files} file{} checked: {error} error{}, {warning} warning{}, {info} information, {hint} hint{}",
                plural(files),
                plural(error),
                plural(warning),
                plural(hint)
            )?;
        }
        CheckFormat::Json => writeln!(stdout, "{}", Value::Array(json_files))?,
    }
    Ok(ExitCode::from(if io_errors {
        2
    } else if denied {
        1
    } else {
        0
    }))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Line starts, to turn byte offsets into 1-based line and column
/// (columns count characters, as compilers print them).
struct LineIndex {
    starts: Vec<usize>,
    /// Characters before each multiple of [`CHAR_CHECKPOINT`] bytes, so that
    /// a column on a megabyte-long line costs a few kilobytes of counting.
    chars_before: Vec<usize>,
}

const CHAR_CHECKPOINT: usize = 4096;

/// Characters in `bytes`, which may start or end inside a character: every
/// byte but a UTF-8 continuation byte starts one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
        }
        let mut chars_before = vec![0];
        for chunk in bytes.chunks(CHAR_CHECKPOINT) {
            let last = chars_before.last().copied().unwrap_or(0);
            chars_before.push(last + count_chars(chunk));
        }
        LineIndex {
            starts,
            chars_before,
        }
    }
    /// Characters in `text[..offset]`.
    fn chars_to(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let checkpoint = offset / CHAR_CHECKPOINT;
        self.chars_before[checkpoint]
            + count_chars(&text.as_bytes()[checkpoint * CHAR_CHECKPOINT..offset])
    }
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }
    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let column = self.chars_to(text, offset) - self.chars_to(text, self.starts[line]);
        (line + 1, column + 1)
    }
    fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        text.get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

fn write_human(
    out: &mut impl Write,
    path: &str,
    text: &str,
    lines: &LineIndex,
    d: &crate::analysis::Diagnostic,
    color: bool,
) -> std::io::Result<()> {
    let (line, column) = lines.line_col(text, d.span.start.to_usize());
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let severity_color = match d.severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Information => "1;36",
        Severity::Hint => "1;32",
    };
    writeln!(
        out,
        "{}: {}: {}",
        paint("1", &format!("{path}:{line}:{column}")),
        paint(
            severity_color,
            &format!("{}[{}]", d.severity.as_str(), d.code.as_str())
        ),
        d.message
    )?;
    let source = lines.line_text(text, line - 1);
    let gutter = line.to_string();
    let pad = " ".repeat(gutter.len());
    let line_start = lines.starts[line - 1];
    let start_in_line = (d.span.start.to_usize() - line_start).min(source.len());
    // Underline stays on the first line of a multi-line span.
    let end_in_line = d
        .span
        .end
        .to_usize()
        .saturating_sub(line_start)
        .clamp(start_in_line, source.len());
    let width = source
        .get(start_in_line..end_in_line)
        .map_or(1, |s| s.chars().take(SOURCE_WINDOW).count().max(1));
    let (shown, caret, width) = source_window(source, start_in_line, width);
    writeln!(out, "{pad} |")?;
    writeln!(out, "{gutter} | {shown}")?;
    writeln!(
        out,
        "{pad} | {}{}",
        " ".repeat(caret),
        paint(severity_color, &"^".repeat(width))
    )?;
    for (span, label) in &d.related {
        let (l, c) = lines.line_col(text, span.start.to_usize());
        writeln!(out, "{pad} = note: {path}:{l}:{c}: {label}")?;
    }
    writeln!(out)
}

/// An entity's id in `annotate`'s output (`e3`), in every format: the
/// project entity's, so one entity has one id across the files of a run.
pub fn entity_id(project_id: u32) -> String {
    format!("e{}", project_id + 1)
}

/// Characters of a source line shown under a diagnostic; a longer line is
/// cut to a window around the span, with "…" at each cut.
const SOURCE_WINDOW: usize = 80;

/// The part of `source` to print for a span starting at byte `start` and
/// `width` characters wide, with the caret's column and width in what is
/// printed. Costs the window, not the line.
fn source_window(source: &str, start: usize, width: usize) -> (String, usize, usize) {
    const CUT: &str = "… ";
    let start = (0..=start.min(source.len()))
        .rev()
        .find(|&i| source.is_char_boundary(i))
        .unwrap_or(0);
    let short = source.len() <= SOURCE_WINDOW || source.chars().nth(SOURCE_WINDOW).is_none();
    if short {
        return (source.to_string(), source[..start].chars().count(), width);
    }
    // Room for a cut mark at both ends.
    let room = SOURCE_WINDOW - 2 * CUT.chars().count();
    let width = width.clamp(1, room);
    // Walk back for the left context, forward for the rest, and back again
    // if the line ends first.
    let back = |from: usize, chars: usize| {
        source[..from]
            .char_indices()
            .rev()
            .take(chars)
            .last()
            .map_or(from, |(i, _)| i)
    };
    let mut from = back(start, (room - width) / 2);
    let forward: Vec<usize> = source[from..]
        .char_indices()
        .map(|(i, _)| from + i)
        .take(room + 1)
        .collect();
    let to = forward.get(room).copied().unwrap_or(source.len());
    let taken = forward.len().min(room);
    if taken < room {
        from = back(from, room - taken);
    }
    let mut shown = String::new();
    if from > 0 {
        shown.push_str(CUT);
    }
    shown.push_str(&source[from..to]);
    if to < source.len() {
        shown.push_str(" …");
    }
    let caret =
        source[from..start].chars().count() + if from > 0 { CUT.chars().count() } else { 0 };
    let width = width.min(source[start..to].chars().count()).max(1);
    (shown, caret, width)
}

/// The `annotate` JSON for one analysed file (the fixed contract).
pub fn annotation_json(
    path: &str,
    text: &str,
    analysis: &Analysis,
    project_id: &dyn Fn(crate::analysis::EntityId) -> u32,
) -> Value {
    let entity_id = |id: crate::analysis::EntityId| entity_id(project_id(id));
    let mentions: Vec<Value> = analysis
        .mentions
        .iter()
        .map(|m| {
            json!({
                "start": m.span.start.0, "end": m.span.end.0, "text": m.span.text(text),
                "kind": m.kind.as_str(), "entity": entity_id(m.entity),
            })
        })
        .collect();
    let entities: Vec<Value> = analysis
        .entities
        .iter()
        .map(|e| {
            let definition = analysis
                .mention(e.definition)
                .map(|m| m.span)
                .unwrap_or_default();
            json!({
                "id": entity_id(e.id), "name": e.name, "kind": e.kind.as_str(),
                "aliases": e.aliases,
                "definition": {"start": definition.start.0, "end": definition.end.0},
            })
        })
        .collect();
    let diagnostics: Vec<Value> = analysis
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "start": d.span.start.0, "end": d.span.end.0, "severity": d.severity.as_str(),
                "code": d.code.as_str(), "message": d.message,
            })
        })
        .collect();
    json!({"path": path, "mentions": mentions, "entities": entities, "diagnostics": diagnostics})
}

pub fn run_annotate(args: &AnnotateArgs) -> anyhow::Result<ExitCode> {
    let recognizer = recognizer_for(args.model.as_deref())?;
    let exchange = match args.format {
        AnnotateFormat::Brat => Some(Exchange::Brat),
        AnnotateFormat::Conll => Some(Exchange::Conll),
        AnnotateFormat::Spacy => Some(Exchange::Spacy),
        AnnotateFormat::Json | AnnotateFormat::Jsonl => None,
    };
    if exchange.is_none() && args.out.is_some() {
        anyhow::bail!("--out is for --format brat, conll or spacy; JSON goes to stdout");
    }
    let mut exporter = exchange
        .map(|format| Exporter::new(format, args.out.as_deref()))
        .transpose()?;
    let run = ProjectRun::load(
        &args.paths,
        args.registry.as_deref(),
        args.max_bytes,
        recognizer,
    )?;
    let (io_errors, project) = (run.io_errors, &run.project);
    let mut all = Vec::new();
    for (index, input) in run.files.iter().enumerate() {
        let Ok(text) = &input.text else { continue };
        let file = crate::analysis::FileId(index as u32);
        let project_id = |id: crate::analysis::EntityId| {
            project.entity_of(file, id).map_or(u32::MAX - 1, |e| e.id.0)
        };
        let analysis = &project.files[index];
        if let Some(exporter) = exporter.as_mut() {
            exporter.add(&analysis_doc(&input.path, text, analysis, &project_id))?;
            continue;
        }
        let value = annotation_json(&input.path, text, analysis, &project_id);
        match args.format {
            AnnotateFormat::Jsonl => writeln!(std::io::stdout().lock(), "{value}")?,
            _ => all.push(value),
        }
    }
    if let Some(exporter) = exporter {
        exporter.finish()?;
        return Ok(ExitCode::from(if io_errors { 2 } else { 0 }));
    }
    if args.format == AnnotateFormat::Json {
        writeln!(
            std::io::stdout().lock(),
            "{}",
            serde_json::to_string_pretty(&Value::Array(all))?
        )?;
    }
    Ok(ExitCode::from(if io_errors { 2 } else { 0 }))
}
