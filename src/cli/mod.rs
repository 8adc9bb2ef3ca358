//! The command line: a thin layer over the core. Each subcommand lives in its
//! own module and returns the process exit code.

mod cast;
mod check;
pub mod eval;
mod export;
mod files;
mod project;
mod report;
pub mod train;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::recognize::model::ModelRecognizer;

#[derive(Parser)]
#[command(
    name = "dramatis",
    version,
    about = "Who and where your prose talks about"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server on stdio.
    Lsp {
        /// Accepted and ignored: stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Print diagnostics for files and directories, like a compiler.
    Check(check::CheckArgs),
    /// Print the entities and mentions of each file as JSON.
    Annotate(check::AnnotateArgs),
    /// List the cast of a project: each entity with kind, aliases, mentions per file.
    Cast(cast::CastArgs),
    /// Train the recognizer from CoNLL column files and standoff folders.
    Train(train::TrainArgs),
    /// Score the recognizer against gold data (exact-span P/R/F1).
    Eval(eval::EvalArgs),
    /// Write a self-contained HTML report: cast, timeline, network, text.
    Report(report::ReportArgs),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Lsp { stdio: _ } => crate::lsp::run_stdio(),
        Command::Check(args) => check::run_check(&args),
        Command::Annotate(args) => check::run_annotate(&args),
        Command::Cast(args) => cast::run(&args),
        Command::Train(args) => train::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Report(args) => report::run(&args),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`dramatis annotate … | head`) is the reader's
        // choice, not an error to report.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A model file from `dramatis train`, for `--model`: unreadable or invalid
/// is an error naming the file.
fn load_model_file(path: &Path) -> anyhow::Result<ModelRecognizer> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    ModelRecognizer::from_bytes(&bytes).with_context(|| format!("loading {}", path.display()))
}
