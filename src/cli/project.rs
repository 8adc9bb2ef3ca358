//! The paths of one `check`, `annotate` or `cast` run as one project: the
//! registry above them, the reading order, one analysis across the files.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::files::Input;
use crate::project::registry::{Registry, REGISTRY_FILE};
use crate::project::{analyze_project, recognize, Project, ProjectSource};
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

/// Compares paths as people number chapters: `ch2` before `ch10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (&a[..da], &b[..db]);
                let trim = |n: &[u8]| -> usize { n.iter().take_while(|&&c| c == b'0').count() };
                let (ta, tb) = (&na[trim(na)..], &nb[trim(nb)..]);
                let order = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if order != Ordering::Equal {
                    return order;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                let order = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
                if order != Ordering::Equal {
                    return order;
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

/// Sorts readable inputs into reading order: the registry's `order` first,
/// the rest in natural path order.
pub fn reading_order(inputs: &mut [&Input], registry: &LoadedRegistry) {
    let rank = |input: &Input| -> usize {
        let Some(root) = &registry.root else {
            return usize::MAX;
        };
        let path = std::fs::canonicalize(&input.path).unwrap_or_else(|_| input.path.clone().into());
        registry
            .registry
            .order
            .iter()
            .position(|o| {
                root.join(o) == path
                    || std::fs::canonicalize(root.join(o)).ok() == Some(path.clone())
            })
            .unwrap_or(usize::MAX)
    };
    inputs.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| natural_cmp(&a.path, &b.path))
    });
}

/// Analyses the readable inputs as one project, in reading order; returns
/// the inputs in that order with the project.
pub fn analyze_inputs<'i>(
    inputs: &'i [Input],
    registry: &LoadedRegistry,
    recognizer: &dyn Recognizer,
) -> (Vec<&'i Input>, Project) {
    let mut readable: Vec<&Input> = inputs.iter().filter(|i| i.text.is_ok()).collect();
    reading_order(&mut readable, registry);
    let knowledge = Knowledge::builtin();
    let texts: Vec<&str> = readable
        .iter()
        .map(|i| i.text.as_deref().unwrap_or(""))
        .collect();
    let formats: Vec<TextFormat> = readable
        .iter()
        .map(|i| TextFormat::from_path(&i.path))
        .collect();
    let candidates: Vec<_> = texts
        .iter()
        .zip(&formats)
        .map(|(text, format)| recognize(text, *format, knowledge, recognizer))
        .collect();
    let sources: Vec<ProjectSource<'_>> = readable
        .iter()
        .zip(&texts)
        .zip(&formats)
        .zip(&candidates)
        .map(|(((input, text), format), candidates)| ProjectSource {
            name: &input.path,
            text,
            format: *format,
            candidates,
        })
        .collect();
    let project = analyze_project(&sources, &registry.registry, &Config::default(), knowledge);
    (readable, project)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_sort_as_numbered() {
        let mut names = vec!["ch10.md", "ch2.md", "ch1.md", "Ch3.md", "appendix.md"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            ["appendix.md", "ch1.md", "ch2.md", "Ch3.md", "ch10.md"]
        );
        assert_eq!(natural_cmp("a02", "a2"), Ordering::Equal);
    }
}
