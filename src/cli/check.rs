//! `dramatis check` and `dramatis annotate`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckArgs {}

#[derive(clap::Args)]
pub struct AnnotateArgs {}

pub fn run_check(_args: &CheckArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("check is not implemented yet")
}

pub fn run_annotate(_args: &AnnotateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("annotate is not implemented yet")
}
