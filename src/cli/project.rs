//! The paths of one `check`, `annotate` or `cast` run as one project: the
//! registry above them, the reading order, one analysis across the files.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::files::{collect, Input};
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
/// or above the first path, over the user's own. Problems are printed and
/// the rest applies.
fn load_registry(explicit: Option<&Path>, paths: &[PathBuf]) -> anyhow::Result<LoadedRegistry> {
    let (user, problems) = crate::walk::read_user_registry();
    for problem in problems {
        eprintln!("warning: {problem}");
    }
    let mut loaded = load_project_registry(explicit, paths)?;
    loaded.registry = std::mem::take(&mut loaded.registry).under(user);
    Ok(loaded)
}

fn load_project_registry(
    explicit: Option<&Path>,
    paths: &[PathBuf],
) -> anyhow::Result<LoadedRegistry> {
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
fn in_reading_order(inputs: Vec<Input>, registry: &LoadedRegistry) -> Vec<Input> {
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
    let order = reading_order(&names, &registry.registry.order);
    let mut slots: Vec<Option<Input>> = inputs.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The paths of one run, read and analysed as one project.
pub struct ProjectRun {
    /// The readable inputs in reading order: file `i` of `project`.
    pub files: Vec<Input>,
    pub project: Project,
    /// Some input could not be read (each was reported on stderr).
    pub io_errors: bool,
}

impl ProjectRun {
    /// Reads the registry (`--registry`, else the nearest one), the paths
    /// (reporting what cannot be read and going on), and analyses the rest
    /// as one project.
    pub fn load(
        paths: &[PathBuf],
        registry: Option<&Path>,
        max_bytes: u64,
        recognizer: &dyn Recognizer,
    ) -> anyhow::Result<ProjectRun> {
        let registry = load_registry(registry, paths)?;
        let mut io_errors = false;
        let mut readable = Vec::new();
        for input in collect(paths, max_bytes) {
            match &input.text {
                Ok(_) => readable.push(input),
                Err(err) => {
                    eprintln!("error: {}: {err}", input.path);
                    io_errors = true;
                }
            }
        }
        let files = in_reading_order(readable, &registry);
        let sources: Vec<ProjectSource<'_>> = files
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
        Ok(ProjectRun {
            files,
            project,
            io_errors,
        })
    }

    /// The text of each file, in project order.
    pub fn texts(&self) -> Vec<&str> {
        self.files
            .iter()
            .map(|i| i.text.as_deref().unwrap_or(""))
            .collect()
    }
}
