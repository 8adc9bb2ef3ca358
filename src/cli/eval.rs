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

use anyhow::Context;

use crate::analysis::EntityKind;
use crate::corpus::{self, GoldDoc, Recase};
use crate::recognize::model::ModelRecognizer;
use crate::text::{Span, TextFormat};
use crate::{analyze, default_recognizer, Config, Knowledge, Recognizer};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Args)]
pub struct EvalArgs {
    /// CoNLL column files or standoff folders (a directory is read as standoff).
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

fn evaluate(docs: &[GoldDoc], recognizer: &dyn Recognizer) -> Report {
    let config = Config::default();
    let knowledge = Knowledge::builtin();
    let mut report = Report {
        documents: docs.len(),
        ..Report::default()
    };
    let started = Instant::now();
    for doc in docs {
        report.words += doc.text.split_whitespace().count();
        let analysis = analyze(&doc.text, TextFormat::Plain, &config, knowledge, recognizer);
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

fn json(path: &str, casing: &str, report: &Report) -> serde_json::Value {
    let mut kinds = serde_json::Map::new();
    for (kind, c) in SCORED.iter().zip(&report.per_kind) {
        kinds.insert(kind.as_str().to_string(), c.json());
    }
    serde_json::json!({
        "path": path,
        "casing": casing.trim_start_matches(' ').trim_matches(|c| c == '(' || c == ')'),
        "documents": report.documents,
        "words": report.words,
        "seconds": round4(report.seconds),
        "kinds": kinds,
        "micro": report.micro().json(),
        "group": report.group.json(),
    })
}

pub fn run(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let loaded;
    let recognizer: &dyn Recognizer = match &args.model {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            loaded = ModelRecognizer::from_bytes(&bytes)
                .with_context(|| format!("loading {}", path.display()))?;
            &loaded
        }
        None => default_recognizer(),
    };
    let (recase, casing) = match (args.upper, args.lower) {
        (true, _) => (Some(Recase::Upper), " (upper-cased)"),
        (_, true) => (Some(Recase::Lower), " (lower-cased)"),
        _ => (None, ""),
    };
    let mut results = Vec::new();
    for path in &args.paths {
        let mut docs = corpus::read_any(path)?;
        if let Some(how) = recase {
            docs = docs.iter().map(|d| corpus::recase(d, how)).collect();
        }
        let report = evaluate(&docs, recognizer);
        let name = path.display().to_string();
        match args.format {
            Format::Text => print_text(&name, casing, &report),
            Format::Json => results.push(json(&name, casing, &report)),
        }
    }
    if args.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    }
    Ok(ExitCode::SUCCESS)
}
