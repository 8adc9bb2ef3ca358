//! The architecture's invariants, checked: the core does no I/O and knows no
//! protocol. A core module that names tokio, serde_json, the file system,
//! processes or LSP types fails here, before review has to catch it.

use std::path::{Path, PathBuf};

const CORE: &[&str] = &[
    "src/text",
    "src/knowledge",
    "src/recognize",
    "src/resolve",
    "src/diagnostics",
    "src/project",
    "src/analysis.rs",
    "src/config.rs",
];

const FORBIDDEN: &[&str] = &[
    "tokio",
    "serde_json",
    "std::fs",
    "std::process",
    "std::net",
    "tower_lsp",
    "ls_types",
    "std::env::var",
];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("read dir") {
            rust_files(&entry.expect("entry").path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn the_core_is_pure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for part in CORE {
        rust_files(&root.join(part), &mut files);
    }
    assert!(files.len() > 20, "core files found: {}", files.len());
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in FORBIDDEN {
                if code.contains(word) {
                    offences.push(format!(
                        "{}:{}: {}",
                        file.strip_prefix(root).unwrap_or(file).display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the core must stay pure:\n{}",
        offences.join("\n")
    );
}
