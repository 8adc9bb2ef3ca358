//! Finding and reading prose files, the one set of rules for both edges (the
//! CLI and the server's workspace index): `.gitignore` and friends are
//! honoured inside a git repository or not, hidden files are skipped,
//! symbolic links are not followed, pseudo file systems (`/proc`, `/sys`,
//! `/dev`) are never entered and `/` itself is never walked; paths come in
//! natural order (`ch2` before `ch10`). Only regular files are read, and
//! only up to a size limit. Not part of the pure core: this does I/O.

use std::cmp::Ordering;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Extensions of the files a directory walk picks up.
pub const PROSE_EXTENSIONS: [&str; 4] = ["txt", "text", "md", "markdown"];

/// Directories that are views of the kernel, not files anyone wrote.
const PSEUDO_FILE_SYSTEMS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Prose files, in natural order.
    pub files: Vec<PathBuf>,
    /// Problems, one line each, naming the path.
    pub errors: Vec<String>,
    /// Whether the walk stopped at the file limit.
    pub truncated: bool,
}

pub fn is_prose(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| PROSE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// The prose files under the directories `roots`, at most `max_files`.
/// Blocking.
pub fn prose_files(roots: &[PathBuf], max_files: Option<usize>) -> Walk {
    let mut walk = Walk::default();
    let roots: Vec<&PathBuf> = roots
        .iter()
        .filter(|root| {
            let refused = is_file_system_root(root) || is_pseudo_file_system(root);
            if refused {
                walk.errors.push(format!(
                    "{}: not walked (the root of a file system or a pseudo file system)",
                    root.display()
                ));
            }
            !refused
        })
        .collect();
    if max_files.is_some() {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        for root in roots
            .iter()
            .filter(|root| Some(root.as_path()) == home.as_deref())
        {
            walk.errors.push(format!(
                "{}: a home directory; hidden directories are skipped and the walk stops after {} files",
                root.display(),
                max_files.unwrap_or_default()
            ));
        }
    }
    let Some((first, rest)) = roots.split_first() else {
        return walk;
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .require_git(false)
        .follow_links(false)
        .sort_by_file_path(natural_cmp)
        .filter_entry(|entry| !is_pseudo_file_system(entry.path()));
    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                walk.errors.push(err.to_string());
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) || !is_prose(entry.path()) {
            continue;
        }
        if max_files.is_some_and(|max| walk.files.len() >= max) {
            walk.truncated = true;
            break;
        }
        walk.files.push(entry.into_path());
    }
    walk.files.sort_by(|a, b| natural_cmp(a, b));
    walk
}

fn is_file_system_root(path: &Path) -> bool {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute
        .components()
        .all(|c| matches!(c, Component::RootDir | Component::Prefix(_)))
}

fn is_pseudo_file_system(path: &Path) -> bool {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    PSEUDO_FILE_SYSTEMS
        .iter()
        .any(|pseudo| absolute.starts_with(pseudo))
}

/// The text of a regular file of at most `max_bytes` bytes, or why not (a
/// sentence to print after the path). A FIFO, a device or a directory is
/// refused before it is opened: opening a FIFO would block.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String, String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if metadata.is_dir() {
        return Err("is a directory, not a file".into());
    }
    if !metadata.is_file() {
        return Err("not a regular file (a FIFO, socket or device); skipped".into());
    }
    let too_large = || format!("larger than the limit of {max_bytes} bytes; skipped");
    if metadata.len() > max_bytes {
        return Err(too_large());
    }
    // The size can change between the check and the read; never read more.
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Natural order of paths (`ch2` before `ch10`): the project's reading
/// order, [`crate::project::natural_cmp`].
pub fn natural_cmp(a: &Path, b: &Path) -> Ordering {
    crate::project::natural_cmp(&a.to_string_lossy(), &b.to_string_lossy())
}

/// The user's own registry, for names they always mean:
/// `$XDG_CONFIG_HOME/dramatis/dramatis.toml`, else
/// `~/.config/dramatis/dramatis.toml`.
pub fn user_registry_path() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(
        config
            .join("dramatis")
            .join(crate::project::registry::REGISTRY_FILE),
    )
}

/// The user's registry, parsed, with its problems as `path:line: message`
/// (empty when there is no such file).
pub fn read_user_registry() -> (crate::project::registry::Registry, Vec<String>) {
    use crate::project::registry::Registry;
    let Some(path) = user_registry_path() else {
        return (Registry::default(), Vec::new());
    };
    let Ok(text) = read_text(&path, 1024 * 1024) else {
        return (Registry::default(), Vec::new());
    };
    let (registry, problems) = Registry::parse(&text);
    let problems = problems
        .into_iter()
        .map(|p| {
            let line = text[..p.span.start.to_usize().min(text.len())]
                .matches('\n')
                .count()
                + 1;
            format!("{}:{line}: {}", path.display(), p.message)
        })
        .collect();
    (registry, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_reads_numbers_as_numbers() {
        let mut paths: Vec<PathBuf> = [
            "book/ch10.md",
            "book/ch2.md",
            "book/ch1.md",
            "book/ch02b.md",
            "appendix.md",
            "book/ch2/notes.md",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        paths.sort_by(|a, b| natural_cmp(a, b));
        let sorted: Vec<&str> = paths.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(
            sorted,
            [
                "appendix.md",
                "book/ch1.md",
                "book/ch2/notes.md",
                "book/ch2.md",
                "book/ch02b.md",
                "book/ch10.md"
            ]
        );
        assert_eq!(
            natural_cmp(Path::new("a2"), Path::new("a02")),
            Path::new("a2").cmp(Path::new("a02"))
        );
    }

    #[test]
    fn the_root_and_pseudo_file_systems_are_not_walked() {
        let walk = prose_files(&[PathBuf::from("/"), PathBuf::from("/proc")], None);
        assert!(walk.files.is_empty());
        assert_eq!(walk.errors.len(), 2, "{:?}", walk.errors);
    }
}
