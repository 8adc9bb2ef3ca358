//! The CLI's inputs: paths expanded and read by [`crate::walk`] (the rules
//! the server's workspace index follows too); an unreadable, oversized or
//! non-regular file is reported and skipped.

use std::path::PathBuf;

use crate::walk;

/// `--max-bytes` unless given: far beyond any manuscript, far below what
/// would exhaust memory.
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// One input: its path as given or found, and its text or why it has none.
pub struct Input {
    pub path: String,
    pub text: Result<String, String>,
}

/// Expands paths into files, in natural order within each directory; a
/// path that cannot be read becomes an input carrying the error, so it is
/// reported with the others.
pub fn collect(paths: &[PathBuf], max_bytes: u64) -> Vec<Input> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let found = walk::prose_files(std::slice::from_ref(path), None);
            out.extend(found.errors.into_iter().map(|err| Input {
                path: path.display().to_string(),
                text: Err(err),
            }));
            out.extend(found.files.into_iter().map(|file| read(file, max_bytes)));
        } else {
            out.push(read(path.clone(), max_bytes));
        }
    }
    out
}

fn read(path: PathBuf, max_bytes: u64) -> Input {
    let text = walk::read_text(&path, max_bytes).map_err(|err| {
        if err.starts_with("larger than") {
            format!("{err} (raise it with --max-bytes)")
        } else {
            err
        }
    });
    Input {
        path: path.display().to_string(),
        text,
    }
}
