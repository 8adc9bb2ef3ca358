//! The CLI on a folder as one project: the story in `tests/projects/story`
//! and the dossier in `tests/projects/dossier` (both written for these tests).

mod support;

use support::{dramatis, scratch};

use std::path::{Path, PathBuf};

use serde_json::Value;

fn project(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/projects")
        .join(name)
        .display()
        .to_string()
}

/// A copy of a test project in a scratch directory, to add a registry to.
fn scratch_copy(name: &str, tag: &str) -> PathBuf {
    let dir = scratch("cli-project", tag);
    for entry in std::fs::read_dir(project(name)).expect("project") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
    }
    dir
}

#[test]
fn check_reads_a_folder_as_one_project() {
    let (code, stdout, stderr) = dramatis(&["check", &project("story"), "--format", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let files: Value = serde_json::from_str(&stdout).expect("json");
    let paths: Vec<&str> = files
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    // Natural order: ch2 before ch10.
    assert!(
        paths[0].ends_with("ch1.md")
            && paths[1].ends_with("ch2.md")
            && paths[2].ends_with("ch10.md"),
        "{paths:?}"
    );
    // The CLA is spelled out in chapter 1 only: defined for the project.
    assert!(!stdout.contains("acronym-undefined"), "{stdout}");
}

#[test]
fn annotate_gives_one_id_per_entity_across_files() {
    let (code, stdout, stderr) = dramatis(&["annotate", &project("story")]);
    assert_eq!(code, 0, "{stderr}");
    let files: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl"))
        .collect();
    let ids: Vec<String> = files
        .iter()
        .filter_map(|f| {
            f["mentions"]
                .as_array()?
                .iter()
                .find(|m| m["text"] == "Vell" || m["text"] == "Hester Vell")
                .and_then(|m| m["entity"].as_str().map(str::to_string))
        })
        .collect();
    assert_eq!(ids.len(), 3, "{stdout}");
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let named = files[1]["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .find(|e| e["id"] == ids[0].as_str())
        .expect("entity listed");
    assert_eq!(named["name"], "Hester Vell");
    assert_eq!(named["kind"], "person");
}

#[test]
fn cast_lists_who_appears_where() {
    let (code, stdout, stderr) = dramatis(&["cast", &project("dossier"), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let cast: Value = serde_json::from_str(&stdout).expect("json");
    let kanoute = cast
        .as_array()
        .expect("rows")
        .iter()
        .find(|e| e["name"] == "Ibrahim Kanouté")
        .expect("Kanouté in the cast");
    assert_eq!(kanoute["kind"], "person");
    assert_eq!(
        kanoute["files"].as_array().map(Vec::len),
        Some(2),
        "{kanoute}"
    );
    assert!(kanoute["first"]["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("report-a.txt")));
    let (code, table, _) = dramatis(&["cast", &project("dossier")]);
    assert_eq!(code, 0);
    assert!(
        table.lines().next().is_some_and(|l| l.starts_with("name")),
        "{table}"
    );
    assert!(table.contains("Sahel Water Initiative"), "{table}");
}

#[test]
fn the_nearest_registry_applies_and_its_bad_lines_are_reported() {
    let dir = scratch_copy("story", "registry");
    std::fs::write(
        dir.join("dramatis.toml"),
        "order = [\"ch10.md\"]\nignore = [\"Sea Swallow\"]\nbad line here\n\n[[entity]]\nname = \"Ansel Brisk\"\nkind = \"person\"\ndescription = \"The deputy keeper\"\n",
    )
    .expect("registry");
    let (code, stdout, stderr) =
        dramatis(&["cast", dir.to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("dramatis.toml:3:"), "{stderr}");
    let cast: Value = serde_json::from_str(&stdout).expect("json");
    let rows = cast.as_array().expect("rows");
    assert!(!stdout.contains("Sea Swallow"), "{stdout}");
    let brisk = rows
        .iter()
        .find(|e| e["name"] == "Ansel Brisk")
        .expect("Brisk");
    assert_eq!(brisk["kind"], "person");
    assert_eq!(brisk["description"], "The deputy keeper");
    // `order` puts chapter 10 first.
    assert!(
        rows[0]["files"][0]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("ch10.md")),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_users_own_registry_applies_under_the_projects() {
    let config = scratch("cli-project", "xdg");
    std::fs::create_dir_all(config.join("dramatis")).expect("config dir");
    std::fs::write(
        config.join("dramatis/dramatis.toml"),
        "[[entity]]\nname = \"Ansel Brisk\"\nkind = \"person\"\ndescription = \"Always the deputy\"\n",
    )
    .expect("user registry");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dramatis"))
        .args(["cast", &project("story"), "--format", "json"])
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .expect("binary runs");
    assert!(out.status.success());
    let cast: Value = serde_json::from_slice(&out.stdout).expect("json");
    let brisk = cast
        .as_array()
        .expect("rows")
        .iter()
        .find(|e| e["name"] == "Ansel Brisk")
        .expect("Brisk");
    assert_eq!(brisk["kind"], "person");
    assert_eq!(brisk["description"], "Always the deputy");
    let _ = std::fs::remove_dir_all(&config);
}
