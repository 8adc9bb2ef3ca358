//! The paths of one `check`, `annotate` or `cast` run as one project: the
//! registry above them, the reading order, one analysis across the files.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::files::Input;
use crate::project::registry::{Registry, REGISTRY_FILE};
use crate::project::{analyze_project, reading_order, Project, ProjectSource};
use crate::text::TextFormat;
use crate::{Config, Knowledge, Recognizer};

/// A registry and where it was found.
pub struct LoadedRegistry {
    pub registry: Registry,
    /// The directory `order` paths are relative to.
    pub root: Option<PathBuf>,
}

/// The registry named by `--registry`, else the nearest `dramatis.toml` in
/// or above the first path. Its problems are printed and the rest applies.
pub fn load_registry(explicit: Option<&Path>, paths: &[PathBuf]) -> anyhow::Result<LoadedRegistry> {
    let found = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => paths.first().and_then(|first| nearest_registry(first)),
    };
    let Some(path) = found else {
        return Ok(LoadedRegistry {
            registry: Registry::default(),
            root: None,
        });
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the registry {}", path.display()))?;
    let (registry, problems) = Registry::parse(&text);
    for problem in problems {
        let line = text[..problem.span.start.to_usize().min(text.len())]
            .matches('\n')
            .count()
            + 1;
        eprintln!("warning: {}:{line}: {}", path.display(), problem.message);
    }
    Ok(LoadedRegistry {
        registry,
        root: path.parent().map(Path::to_path_buf),
    })
}

fn nearest_registry(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(REGISTRY_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Sorts readable inputs into reading order: the registry's `order` first,
/// the rest in natural path order.
fn in_reading_order<'i>(inputs: Vec<&'i Input>, registry: &LoadedRegistry) -> Vec<&'i Input> {
    let relative: Vec<String> = inputs
        .iter()
        .map(|input| {
            let path = Path::new(&input.path);
            registry
                .root
                .as_ref()
                .and_then(|root| {
                    let absolute = std::fs::canonicalize(path).ok()?;
                    let root = std::fs::canonicalize(root).ok()?;
                    Some(absolute.strip_prefix(root).ok()?.display().to_string())
                })
                .unwrap_or_else(|| input.path.clone())
        })
        .collect();
    let names: Vec<&str> = relative.iter().map(String::as_str).collect();
    reading_order(&names, &registry.registry.order)
        .into_iter()
        .map(|i| inputs[i])
        .collect()
}

/// Analyses the readable inputs as one project, in reading order; returns
/// the inputs in that order with the project.
pub fn analyze_inputs<'i>(
    inputs: &'i [Input],
    registry: &LoadedRegistry,
    recognizer: &dyn Recognizer,
) -> (Vec<&'i Input>, Project) {
    let readable: Vec<&Input> = inputs.iter().filter(|i| i.text.is_ok()).collect();
    let readable = in_reading_order(readable, registry);
    let sources: Vec<ProjectSource<'_>> = readable
        .iter()
        .map(|input| ProjectSource {
            name: &input.path,
            text: input.text.as_deref().unwrap_or(""),
            format: TextFormat::from_path(&input.path),
            candidates: None,
        })
        .collect();
    let project = analyze_project(
        &sources,
        &registry.registry,
        &Config::default(),
        Knowledge::builtin(),
        recognizer,
    );
    (readable, project)
}
