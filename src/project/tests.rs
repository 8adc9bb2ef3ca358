//! Project fixtures: files in reading order, the cast and diagnostics out.

use super::registry::Registry;
use super::*;
use crate::recognize::rules::RuleRecognizer;

fn project_of(files: &[(&str, &str)], registry: &str) -> Project {
    let knowledge = Knowledge::builtin();
    let recognizer = crate::default_recognizer();
    let candidates: Vec<Vec<Candidate>> = files
        .iter()
        .map(|(_, text)| recognize(text, TextFormat::Plain, knowledge, recognizer))
        .collect();
    let sources: Vec<ProjectSource<'_>> = files
        .iter()
        .zip(&candidates)
        .map(|((name, text), candidates)| ProjectSource {
            name,
            text,
            format: TextFormat::Plain,
            candidates: Some(candidates),
        })
        .collect();
    let (registry, problems) = Registry::parse(registry);
    assert!(problems.is_empty(), "{problems:?}");
    analyze_project(
        &sources,
        &registry,
        &Config::default(),
        knowledge,
        recognizer,
    )
}

/// The cast as text: one line per entity, `name (kind): file:mention-text …`.
fn render(project: &Project, files: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for entity in &project.entities {
        let mentions: Vec<String> = entity
            .mentions
            .iter()
            .map(|m| {
                let span = project.files[m.file.0 as usize].mentions[m.mention.0 as usize].span;
                format!("{}:{}", m.file.0 + 1, span.text(files[m.file.0 as usize].1))
            })
            .collect();
        out.push_str(&format!(
            "{} ({}){}: {}\n",
            entity.name,
            entity.kind.as_str(),
            if entity.registered { " [registry]" } else { "" },
            mentions.join(", ")
        ));
    }
    for (file, analysis) in project.files.iter().enumerate() {
        for d in &analysis.diagnostics {
            out.push_str(&format!(
                "{}: {}: {}\n",
                file + 1,
                d.code.as_str(),
                d.message
            ));
        }
    }
    out
}

const CH1: &str =
    "Hester Vell kept the light at Gull Point for thirty years. Her nephew Tom Archer \
rowed out from Port Hallow every Sunday. The Northern Maritime Agency (NMA) paid her wages.\n";
const CH2: &str =
    "Vell climbed the stairs again. The NMA had sent a letter. Then Tom read it aloud \
while the rain came in over Gull Point.\n";
const CH3: &str = "By spring Vell was tired. She told Archer that the NMA would close the light.\n";

#[test]
fn a_cast_spans_the_chapters() {
    let files = [("ch1.txt", CH1), ("ch2.txt", CH2), ("ch3.txt", CH3)];
    let project = project_of(&files, "");
    let rendered = render(&project, &files);
    assert!(
        rendered.contains("Hester Vell (person): 1:Hester Vell, 2:Vell, 3:Vell"),
        "{rendered}"
    );
    assert!(rendered.contains("3:NMA"), "{rendered}");
    assert!(!rendered.contains("acronym-undefined"), "{rendered}");
    assert!(
        rendered.contains("Tom Archer (person): 1:Tom Archer, 2:Tom, 3:Archer"),
        "{rendered}"
    );
}

#[test]
fn a_single_file_is_analysed_as_alone() {
    let knowledge = Knowledge::builtin();
    let analysis = crate::analyze(
        CH1,
        TextFormat::Plain,
        &Config::default(),
        knowledge,
        crate::default_recognizer(),
    );
    let project = project_of(&[("ch1.txt", CH1)], "");
    assert_eq!(project.files[0], analysis);
    let _ = RuleRecognizer;
}

#[test]
fn the_registry_names_kinds_and_ignores() {
    let files = [("ch1.txt", CH1), ("ch2.txt", CH2)];
    let registry = r#"
ignore = ["Gull Point"]
[[entity]]
name = "Port Hallow"
kind = "place"
description = "A fishing village"
[[entity]]
name = "Hester Vell"
aliases = ["the Keeper"]
description = "Keeper of the light"
"#;
    let project = project_of(&files, registry);
    let rendered = render(&project, &files);
    assert!(!rendered.contains("Gull Point"), "{rendered}");
    assert!(
        rendered.contains("Port Hallow (place) [registry]: 1:Port Hallow"),
        "{rendered}"
    );
    let hester = project
        .entities
        .iter()
        .find(|e| e.name == "Hester Vell")
        .expect("Hester");
    assert_eq!(hester.note.as_deref(), Some("Keeper of the light"));
    assert!(hester.registered);
}

#[test]
fn an_acronym_spelled_out_later_is_used_before_its_definition() {
    let files = [("a.txt", "The NMA was silent.\n"), ("b.txt", CH1)];
    let project = project_of(&files, "");
    let rendered = render(&project, &files);
    assert!(
        rendered.contains("1: acronym-before-definition: `NMA` is used before it is spelled out as Northern Maritime Agency (in b.txt)"),
        "{rendered}"
    );
}

#[test]
fn a_surname_shared_by_two_earlier_people_is_ambiguous() {
    let files = [
        (
            "a.txt",
            "Hester Vell and her brother Owen Vell ran the station.\n",
        ),
        ("b.txt", "Later that winter, Vell came home alone.\n"),
    ];
    let project = project_of(&files, "");
    let rendered = render(&project, &files);
    assert!(
        rendered.contains("2: ambiguous-mention: `Vell` could mean"),
        "{rendered}"
    );
    // Renaming it would rename whoever it happens to be attached to.
    let at = MentionRef {
        file: FileId(1),
        mention: project.ambiguous[1][0],
    };
    let texts: Vec<&str> = files.iter().map(|(_, t)| *t).collect();
    let refused = card::prepare_rename(&project, &texts, at).expect_err("refused");
    assert!(
        refused.0.contains("could mean more than one"),
        "{refused:?}"
    );
}

#[test]
fn chapters_are_read_in_natural_order_unless_told() {
    let names = ["ch10.md", "ch2.md", "ch1.md", "Ch3.md", "appendix.md"];
    let order: Vec<&str> = reading_order(&names, &[])
        .into_iter()
        .map(|i| names[i])
        .collect();
    assert_eq!(
        order,
        ["appendix.md", "ch1.md", "ch2.md", "Ch3.md", "ch10.md"]
    );
    let told = vec!["./ch2.md".to_string()];
    let order: Vec<&str> = reading_order(&names, &told)
        .into_iter()
        .map(|i| names[i])
        .collect();
    assert_eq!(
        order,
        ["ch2.md", "appendix.md", "ch1.md", "Ch3.md", "ch10.md"]
    );
    assert_eq!(natural_cmp("a02", "a2"), std::cmp::Ordering::Less);
    assert_eq!(natural_cmp("a/b10", "a/b9"), std::cmp::Ordering::Greater);
}
