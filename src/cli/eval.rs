//! `dramatis eval`: runs the full pipeline (`analyze`) over gold data and
//! scores the final mentions by exact span and kind.
//!
//! Scoring follows conlleval: a mention is correct only when its span and
//! kind both match a gold name. Person, organization and place are scored
//! and micro-averaged; a CoNLL MISC name is of no scored kind, so a
//! person/organization/place mention on it is a false positive. `group` is
//! reported on its own row against the CoNLL MISC spans (where CoNLL puts
//! nationalities): its precision is meaningful, its recall is a lower bound
//! because MISC also holds events, works and adjectives.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::analysis::{EntityId, EntityKind, Mention, MentionForm, MentionId};
use crate::corpus::{self, GoldDoc, Recase};
use crate::recognize::model::ModelRecognizer;
use crate::text::{Span, TextFormat};
use crate::{analyze, configured_recognizer, Analysis, Config, Knowledge, Recognizer};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Args)]
pub struct EvalArgs {
    /// CoNLL column files, standoff folders (JSON or brat `.ann`) or spaCy
    /// `.jsonl` files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Evaluate on the upper-cased text.
    #[arg(long, conflicts_with = "lower")]
    upper: bool,
    /// Evaluate on the lower-cased text.
    #[arg(long)]
    lower: bool,
    /// Print every missed and spurious name to stderr (for error analysis).
    #[arg(long)]
    show_errors: bool,
    /// Score the recognizer's candidates before resolution, to see what the
    /// resolver adds or costs.
    #[arg(long)]
    recognizer_only: bool,
    /// Exit with status 1 when any path's micro F1 is below this floor
    /// (the quality gate).
    #[arg(long, value_name = "F1")]
    min_f1: Option<f64>,
    /// Use this model file instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
}

#[derive(Copy, Clone, Debug, Default)]
struct Counts {
    gold: usize,
    predicted: usize,
    correct: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, other: Counts) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.correct += other.correct;
    }
    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "gold": self.gold,
            "predicted": self.predicted,
            "correct": self.correct,
            "precision": round4(self.precision()),
            "recall": round4(self.recall()),
            "f1": round4(self.f1()),
        })
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn round4(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

const SCORED: [EntityKind; 3] = [
    EntityKind::Person,
    EntityKind::Organization,
    EntityKind::Place,
];

#[derive(Default)]
struct Report {
    documents: usize,
    words: usize,
    seconds: f64,
    per_kind: [Counts; 3],
    group: Counts,
}

impl Report {
    fn micro(&self) -> Counts {
        let mut total = Counts::default();
        for c in &self.per_kind {
            total.add(*c);
        }
        total
    }
}

fn count(gold: &[Span], predicted: &[Span]) -> Counts {
    let mut gold_sorted = gold.to_vec();
    gold_sorted.sort();
    gold_sorted.dedup();
    let mut predicted_sorted = predicted.to_vec();
    predicted_sorted.sort();
    predicted_sorted.dedup();
    let correct = predicted_sorted
        .iter()
        .filter(|s| gold_sorted.binary_search(s).is_ok())
        .count();
    Counts {
        gold: gold_sorted.len(),
        predicted: predicted_sorted.len(),
        correct,
    }
}

fn show_errors(doc: &GoldDoc, analysis: &Analysis) {
    let label = |k: Option<EntityKind>| k.map_or("MISC", EntityKind::as_str);
    let gold: Vec<(Span, &str)> = doc.spans.iter().map(|g| (g.span, label(g.kind))).collect();
    let predicted: Vec<(Span, &str)> = analysis
        .mentions
        .iter()
        .map(|m| (m.span, m.kind.as_str()))
        .collect();
    let context = |span: Span| {
        let mut start = span.start.to_usize().saturating_sub(30);
        while !doc.text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (span.end.to_usize() + 30).min(doc.text.len());
        while !doc.text.is_char_boundary(end) {
            end += 1;
        }
        doc.text[start..end].replace('\n', " ")
    };

    for g in &gold {
        if g.1 != "MISC" && !predicted.contains(g) {
            eprintln!(
                "MISS {:<13} {:<30} | {}",
                g.1,
                g.0.text(&doc.text),
                context(g.0)
            );
        }
    }
    for p in &predicted {
        let group_on_gold = p.1 == "group" && gold.iter().any(|g| g.0 == p.0);
        if !gold.contains(p) && !group_on_gold {
            let was = gold.iter().find(|g| g.0 == p.0).map_or("-", |g| g.1);
            eprintln!(
                "SPUR {:<13} {:<30} (gold {was}) | {}",
                p.1,
                p.0.text(&doc.text),
                context(p.0)
            );
        }
    }
}

/// Candidates as if they were the final mentions (for `--recognizer-only`).
fn recognize_only(doc: &GoldDoc, knowledge: &Knowledge, recognizer: &dyn Recognizer) -> Analysis {
    let tokens = crate::text::tokenize(&doc.text, TextFormat::Plain);
    let mentions = recognizer
        .recognize(&tokens, knowledge)
        .into_iter()
        .enumerate()
        .map(|(k, c)| Mention {
            id: MentionId(k as u32),
            span: c.span,
            kind: c.kind,
            entity: EntityId(k as u32),
            form: MentionForm::Full,
        })
        .collect();
    Analysis {
        mentions,
        ..Analysis::default()
    }
}

fn evaluate(
    docs: &[GoldDoc],
    recognizer: &dyn Recognizer,
    errors: bool,
    recognizer_only: bool,
) -> Report {
    let config = Config::default();
    let knowledge = Knowledge::builtin();
    let mut report = Report {
        documents: docs.len(),
        ..Report::default()
    };
    let started = Instant::now();
    for doc in docs {
        report.words += doc.text.split_whitespace().count();
        let analysis = if recognizer_only {
            recognize_only(doc, knowledge, recognizer)
        } else {
            analyze(&doc.text, TextFormat::Plain, &config, knowledge, recognizer)
        };
        if errors {
            show_errors(doc, &analysis);
        }
        for (k, kind) in SCORED.iter().enumerate() {
            let gold: Vec<Span> = doc
                .spans
                .iter()
                .filter(|g| g.kind == Some(*kind))
                .map(|g| g.span)
                .collect();
            let predicted: Vec<Span> = analysis
                .mentions
                .iter()
                .filter(|m| m.kind == *kind)
                .map(|m| m.span)
                .collect();
            report.per_kind[k].add(count(&gold, &predicted));
        }
        let misc: Vec<Span> = doc
            .spans
            .iter()
            .filter(|g| g.kind.is_none() || g.kind == Some(EntityKind::Group))
            .map(|g| g.span)
            .collect();
        let groups: Vec<Span> = analysis
            .mentions
            .iter()
            .filter(|m| m.kind == EntityKind::Group)
            .map(|m| m.span)
            .collect();
        report.group.add(count(&misc, &groups));
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
}

fn print_text(path: &str, casing: &str, report: &Report) {
    println!(
        "{path}{casing}: {} documents, {} words, {:.2}s ({:.0} words/s)",
        report.documents,
        report.words,
        report.seconds,
        report.words as f64 / report.seconds.max(1e-9)
    );
    println!(
        "  {:<14} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}",
        "kind", "gold", "pred", "ok", "P", "R", "F1"
    );
    let row = |name: &str, c: &Counts| {
        println!(
            "  {:<14} {:>6} {:>6} {:>6} {:>7.4} {:>7.4} {:>7.4}",
            name,
            c.gold,
            c.predicted,
            c.correct,
            c.precision(),
            c.recall(),
            c.f1()
        );
    };
    for (kind, c) in SCORED.iter().zip(&report.per_kind) {
        row(kind.as_str(), c);
    }
    row("micro", &report.micro());
    row("group (MISC)", &report.group);
}

fn json(path: &str, casing: &str, recognizer_only: bool, report: &Report) -> serde_json::Value {
    let mut kinds = serde_json::Map::new();
    for (kind, c) in SCORED.iter().zip(&report.per_kind) {
        kinds.insert(kind.as_str().to_string(), c.json());
    }
    serde_json::json!({
        "path": path,
        "casing": match casing {
            "" => "as-is",
            c if c.contains("upper") => "upper",
            _ => "lower",
        },
        "scored": if recognizer_only { "recognizer" } else { "pipeline" },
        "documents": report.documents,
        "words": report.words,
        "seconds": round4(report.seconds),
        "kinds": kinds,
        "micro": report.micro().json(),
        "group": report.group.json(),
    })
}

pub fn run(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let loaded = args
        .model
        .as_deref()
        .map(super::load_model_file)
        .transpose()?;
    let recognizer: &dyn Recognizer = match &loaded {
        Some(model) => model,
        None => {
            // Load the embedded model before the clock starts, and say how
            // long that took (it happens once per process).
            let started = Instant::now();
            let recognizer = configured_recognizer();
            if args.format == Format::Text {
                println!(
                    "model loaded in {:.1} ms",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            recognizer
        }
    };
    let model_in_use = match &loaded {
        Some(model) => Some(model),
        None => ModelRecognizer::builtin(),
    };
    match model_in_use {
        Some(model) if !model.matches_gazetteer() => eprintln!(
            "warning: the model was trained on a different gazetteer than data/gazetteer/; \
             retrain it with scripts/train-model.sh"
        ),
        None => eprintln!("warning: no usable model; scoring the rule recognizer"),
        _ => {}
    }
    let (recase, casing) = match (args.upper, args.lower) {
        (true, _) => (Some(Recase::Upper), " (upper-cased)"),
        (_, true) => (Some(Recase::Lower), " (lower-cased)"),
        _ => (None, ""),
    };
    let mut results = Vec::new();
    let mut below_floor = false;
    for path in &args.paths {
        let mut docs = corpus::read_any(path)?;
        if let Some(how) = recase {
            docs = docs.iter().map(|d| corpus::recase(d, how)).collect();
        }
        let report = evaluate(&docs, recognizer, args.show_errors, args.recognizer_only);
        let name = path.display().to_string();
        if let Some(floor) = args.min_f1 {
            let f1 = report.micro().f1();
            if f1 < floor {
                eprintln!("{name}{casing}: micro F1 {f1:.4} is below the floor {floor:.4}");
                below_floor = true;
            }
        }
        match args.format {
            Format::Text => print_text(&name, casing, &report),
            Format::Json => results.push(json(&name, casing, args.recognizer_only, &report)),
        }
    }
    if args.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    }
    Ok(if below_floor {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
