//! Finding and reading input files: directories are walked for prose files,
//! honouring `.gitignore`; an unreadable file is reported and skipped.

use std::path::{Path, PathBuf};

/// Extensions `check` and `annotate` pick up when walking a directory.
const PROSE_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown"];

/// One input: its path as given or found, and its text or why it has none.
pub struct Input {
    pub path: String,
    pub text: Result<String, String>,
}

/// Expands paths into files, in a stable order; a path that does not exist
/// becomes an input carrying the error, so it is reported with the others.
pub fn collect(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(path)
                .sort_by_file_path(|a, b| a.cmp(b))
                .build()
                .filter_map(|entry| match entry {
                    Ok(entry) => Some(entry.into_path()),
                    Err(err) => {
                        out.push(Input {
                            path: path.display().to_string(),
                            text: Err(err.to_string()),
                        });
                        None
                    }
                })
                .filter(|p| p.is_file() && is_prose(p))
                .collect();
            found.sort();
            out.extend(found.into_iter().map(read));
        } else {
            out.push(read(path.clone()));
        }
    }
    out
}

fn is_prose(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| PROSE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn read(path: PathBuf) -> Input {
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            format!(
                "not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        }),
        Err(err) => Err(err.to_string()),
    };
    Input {
        path: path.display().to_string(),
        text,
    }
}
