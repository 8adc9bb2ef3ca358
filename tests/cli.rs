//! The CLI as a user runs it: the real binary, real files, exit codes.

mod support;

use support::{dramatis, scratch};

const ARTICLE: &str = "Rebels of the National Movement for the Liberation of Azawad (MNLA) took Kidal. \
The MNLA later split. Amadou Toumani Touré fled; Touré spoke from Dakar and Toure wrote a letter.\n";

#[test]
fn check_prints_compiler_style_diagnostics_and_denies_warnings() {
    let dir = scratch("cli", "check");
    let file = dir.join("article.txt");
    std::fs::write(&file, ARTICLE).unwrap();
    let (code, stdout, _) = dramatis(&["check", file.to_str().unwrap()]);
    assert_eq!(
        code, 1,
        "a name-variant warning fails the default --deny warning:\n{stdout}"
    );
    assert!(stdout.contains("article.txt:1:157: "), "{stdout}");
    assert!(
        stdout.contains("warning[name-variant]: `Toure` is spelled `Touré`"),
        "{stdout}"
    );
    assert!(stdout.contains("^^^^^"), "caret underline: {stdout}");
    assert!(stdout.contains("1 file checked"), "{stdout}");
    let (code, _, _) = dramatis(&["check", "--deny", "error", file.to_str().unwrap()]);
    assert_eq!(code, 0);
}

#[test]
fn annotate_follows_the_contract() {
    let dir = scratch("cli", "annotate");
    let file = dir.join("article.txt");
    std::fs::write(&file, ARTICLE).unwrap();
    let (code, stdout, stderr) =
        dramatis(&["annotate", file.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(code, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    let mentions = value["mentions"].as_array().unwrap();
    let entities = value["entities"].as_array().unwrap();
    for m in mentions {
        let (start, end) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            &ARTICLE[start..end],
            m["text"].as_str().unwrap(),
            "offsets are UTF-8 bytes"
        );
        assert!(["person", "organization", "group", "place"].contains(&m["kind"].as_str().unwrap()));
        assert!(entities.iter().any(|e| e["id"] == m["entity"]));
    }
    let mnla = entities
        .iter()
        .find(|e| e["aliases"].as_array().unwrap().iter().any(|a| a == "MNLA"))
        .expect("MNLA entity");
    assert_eq!(
        mnla["name"],
        "National Movement for the Liberation of Azawad"
    );
    let def = &mnla["definition"];
    let (start, end) = (
        def["start"].as_u64().unwrap() as usize,
        def["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &ARTICLE[start..end],
        "National Movement for the Liberation of Azawad"
    );
    assert!(value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "name-variant"));
}

#[test]
fn bad_files_are_reported_and_the_rest_still_processed() {
    let dir = scratch("cli", "bad");
    std::fs::write(
        dir.join("a-good.md"),
        "Amadou Toumani Touré visited Bamako.\n",
    )
    .unwrap();
    std::fs::write(dir.join("b-bad.txt"), b"Caf\xe9 in Paris\n").unwrap();
    std::fs::write(dir.join("c-ignored.rs"), "fn main() {}\n").unwrap();
    let (code, stdout, stderr) = dramatis(&["annotate", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 2, "an unreadable file makes the exit code 2");
    assert!(
        stderr.contains("b-bad.txt") && stderr.contains("UTF-8"),
        "{stderr}"
    );
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON array");
    let files = value.as_array().unwrap();
    assert_eq!(files.len(), 1, "only the good prose file: {stdout}");
    assert!(files[0]["path"].as_str().unwrap().ends_with("a-good.md"));
    let (code, _, stderr) = dramatis(&["check", "no/such/file.txt"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no/such/file.txt"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = dramatis(&["check"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, _) = dramatis(&["frobnicate"]);
    assert_eq!(code, 2);
}

#[test]
fn a_model_file_can_replace_the_embedded_one_and_a_bad_one_is_an_error() {
    let dir = scratch("cli", "model");
    let file = dir.join("article.txt");
    std::fs::write(&file, ARTICLE).unwrap();
    let path = file.to_str().unwrap();
    // The committed model file, loaded from disk, gives what the embedded one does.
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/ner.bin");
    let (code, from_file, stderr) = dramatis(&["annotate", "--model", model, path]);
    assert_eq!(code, 0, "{stderr}");
    let (_, embedded, _) = dramatis(&["annotate", path]);
    assert_eq!(from_file, embedded);
    // Not a model: a clear error naming the file, nothing on stdout.
    let bogus = dir.join("bogus.bin");
    std::fs::write(&bogus, b"not a model").unwrap();
    let (code, stdout, stderr) = dramatis(&["check", "--model", bogus.to_str().unwrap(), path]);
    assert_ne!(code, 0);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("bogus.bin"), "{stderr}");
}
