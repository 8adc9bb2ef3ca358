//! The registry: what the user teaches dramatis in `dramatis.toml`.
//!
//! ```toml
//! order = ["prologue.md", "ch1.md"]   # optional reading order
//! ignore = ["Sea Swallow"]            # never an entity
//!
//! [[entity]]
//! name = "Hester Vell"
//! kind = "person"
//! aliases = ["Vell", "the Widow"]
//! description = "Keeper of the lighthouse"
//!
//! [severity]
//! short-form-first = "off"
//! ```
//!
//! Parsing is text in, registry plus problems out: a bad line is reported
//! and skipped, and everything else still applies. Edits (the code actions
//! that teach the registry) are text in, text out through `toml_edit`, so a
//! person's comments and ordering survive.

use toml_edit::{Array, ArrayOfTables, DocumentMut, ImDocument, Item, Table, Value};

use crate::analysis::{DiagnosticCode, EntityKind, Severity};
use crate::config::Config;
use crate::text::{fold_key, Span};

/// The file name looked for at a project's root.
pub const REGISTRY_FILE: &str = "dramatis.toml";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Registry {
    /// Reading order: these paths (relative to the project root) first.
    pub order: Vec<String>,
    /// Names that are never an entity.
    pub ignore: Vec<String>,
    pub entities: Vec<RegistryEntity>,
    /// Per-code severities; `None` turns a code off.
    pub severities: Vec<(DiagnosticCode, Option<Severity>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegistryEntity {
    pub name: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
    pub description: Option<String>,
}

/// Something wrong in the registry file, at a byte span of it.
#[derive(Clone, Debug, PartialEq)]
pub struct RegistryProblem {
    pub span: Span,
    pub message: String,
}

/// At most this many broken lines are cut out before giving up on a file.
const MAX_SKIPPED_LINES: usize = 20;

impl Registry {
    /// Parses a registry. Never fails: a syntax error drops its line (and
    /// is reported), a bad value drops its entry.
    pub fn parse(text: &str) -> (Registry, Vec<RegistryProblem>) {
        let mut problems = Vec::new();
        let mut working = text.to_string();
        for _ in 0..=MAX_SKIPPED_LINES {
            match ImDocument::parse(working.as_str()) {
                Ok(doc) => {
                    let registry = read(&doc, &mut problems);
                    return (registry, problems);
                }
                Err(error) => {
                    let at = error.span().map_or(0, |s| s.start).min(working.len());
                    let line_start = working[..at].rfind('\n').map_or(0, |i| i + 1);
                    let line_end = working[at..].find('\n').map_or(working.len(), |i| at + i);
                    let message = error
                        .message()
                        .lines()
                        .next()
                        .unwrap_or("invalid TOML")
                        .to_string();
                    problems.push(RegistryProblem {
                        span: Span::new(line_start, line_end),
                        message: format!("{message} (this line is ignored)"),
                    });
                    // Blank the line out, keeping every offset in place.
                    let blank: String = working[line_start..line_end]
                        .chars()
                        .map(|c| if c == '\r' { c } else { ' ' })
                        .collect();
                    if working[line_start..line_end] == blank {
                        break;
                    }
                    working.replace_range(line_start..line_end, &blank);
                }
            }
        }
        (Registry::default(), problems)
    }

    /// The config with the registry's severities applied over `base`.
    pub fn apply_severities(&self, base: &Config) -> Config {
        let mut config = base.clone();
        for (code, severity) in &self.severities {
            config.set_severity(*code, *severity);
        }
        config
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
            && self.ignore.is_empty()
            && self.entities.is_empty()
            && self.severities.is_empty()
    }

    /// The user's own registry (names a user always means) under this
    /// project's: the project's order; both ignore lists; the project's
    /// entities, then the user's that the project does not name; the
    /// user's severities, then the project's, which win.
    pub fn under(self, user: Registry) -> Registry {
        let mut merged = self;
        for name in user.ignore {
            if !merged.ignore.iter().any(|n| name_key(n) == name_key(&name)) {
                merged.ignore.push(name);
            }
        }
        for entity in user.entities {
            if merged.entity_named(&entity.name).is_none() {
                merged.entities.push(entity);
            }
        }
        let mut severities = user.severities;
        severities.append(&mut merged.severities);
        merged.severities = severities;
        merged
    }

    /// The registry entity named or aliased `name` (variant-key equal).
    pub fn entity_named(&self, name: &str) -> Option<&RegistryEntity> {
        let key = name_key(name);
        self.entities
            .iter()
            .find(|e| e.names().any(|n| name_key(n) == key))
    }
}

impl RegistryEntity {
    /// The name and every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A name's comparison key: variant-folded, without a leading article (an
/// alias "the Widow" matches the mention "Widow").
pub fn name_key(name: &str) -> String {
    let trimmed = name.trim();
    let without_article = ["the ", "The ", "THE "]
        .iter()
        .find_map(|a| trimmed.strip_prefix(a))
        .unwrap_or(trimmed);
    fold_key(without_article)
}

fn span_of(range: Option<std::ops::Range<usize>>) -> Span {
    range.map_or(Span::default(), |r| Span::new(r.start, r.end))
}

fn read(doc: &ImDocument<&str>, problems: &mut Vec<RegistryProblem>) -> Registry {
    let mut registry = Registry::default();
    let root = doc.as_table();
    for (key, item) in root.iter() {
        let span = span_of(item.span().or_else(|| root.key(key).and_then(|k| k.span())));
        let mut problem = |message: String| {
            problems.push(RegistryProblem { span, message });
        };
        match key {
            "order" => match strings(item) {
                Some(list) => registry.order = list,
                None => problem("`order` must be a list of file paths".to_string()),
            },
            "ignore" => match strings(item) {
                Some(list) => registry.ignore = list,
                None => problem("`ignore` must be a list of names".to_string()),
            },
            "entity" => match item.as_array_of_tables() {
                Some(tables) => {
                    for table in tables.iter() {
                        match read_entity(table) {
                            Ok(entity) => registry.entities.push(entity),
                            Err(message) => problems.push(RegistryProblem {
                                span: span_of(table.span()),
                                message,
                            }),
                        }
                    }
                }
                None => problem("`entity` must be written as [[entity]] tables".to_string()),
            },
            "severity" => match item.as_table_like() {
                Some(table) => {
                    for (code, value) in table.iter() {
                        let span = span_of(value.span());
                        match read_severity(code, value) {
                            Ok(entry) => registry.severities.push(entry),
                            Err(message) => problems.push(RegistryProblem { span, message }),
                        }
                    }
                }
                None => problem("`severity` must be a table: [severity]".to_string()),
            },
            other => problem(format!(
                "unknown key `{other}` (known: order, ignore, entity, severity)"
            )),
        }
    }
    registry
}

fn strings(item: &Item) -> Option<Vec<String>> {
    let array = item.as_array()?;
    array
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn read_entity(table: &Table) -> Result<RegistryEntity, String> {
    let name = table
        .get("name")
        .and_then(Item::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or("an [[entity]] needs a `name`")?
        .to_string();
    let kind_text = table.get("kind").and_then(Item::as_str).unwrap_or("person");
    let kind = EntityKind::parse(kind_text).ok_or_else(|| {
        format!("`{name}`: unknown kind `{kind_text}` (person, organization, group or place)")
    })?;
    let aliases = match table.get("aliases") {
        None => Vec::new(),
        Some(item) => strings(item).ok_or_else(|| format!("`{name}`: `aliases` must be a list"))?,
    };
    let description = table
        .get("description")
        .and_then(Item::as_str)
        .map(str::to_string);
    for key in table.iter().map(|(k, _)| k) {
        if !matches!(key, "name" | "kind" | "aliases" | "description") {
            return Err(format!(
                "`{name}`: unknown key `{key}` (name, kind, aliases, description)"
            ));
        }
    }
    Ok(RegistryEntity {
        name,
        kind,
        aliases: aliases
            .into_iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
        description,
    })
}

fn read_severity(code: &str, value: &Item) -> Result<(DiagnosticCode, Option<Severity>), String> {
    let code_parsed = DiagnosticCode::parse(code).ok_or_else(|| {
        let known: Vec<&str> = DiagnosticCode::ALL.iter().map(|c| c.as_str()).collect();
        format!("unknown diagnostic `{code}` (known: {})", known.join(", "))
    })?;
    let text = value
        .as_str()
        .ok_or_else(|| format!("`{code}`: a severity is a string"))?;
    if text.eq_ignore_ascii_case("off") || text.eq_ignore_ascii_case("none") {
        return Ok((code_parsed, None));
    }
    let severity = Severity::parse(text).ok_or_else(|| {
        format!("`{code}`: unknown severity `{text}` (off, hint, information, warning, error)")
    })?;
    Ok((code_parsed, Some(severity)))
}

/// What a code action asks of the registry.
#[derive(Clone, Debug, PartialEq)]
pub enum RegistryEdit {
    /// Declare `name` an entity of `kind`.
    AddEntity { name: String, kind: EntityKind },
    /// Never an entity.
    Ignore { name: String },
    /// `alias` is another name of `entity` (of `kind`, if it must be added).
    AddAlias {
        entity: String,
        kind: EntityKind,
        alias: String,
    },
    /// `name` is of `kind`, whatever the text suggests.
    SetKind { name: String, kind: EntityKind },
}

/// Applies an edit to the registry's text (empty for a new file), keeping
/// comments and order. A file that does not parse is left alone (None).
pub fn apply_edit(text: &str, edit: &RegistryEdit) -> Option<String> {
    let mut doc: DocumentMut = text.parse().ok()?;
    match edit {
        RegistryEdit::AddEntity { name, kind } | RegistryEdit::SetKind { name, kind } => {
            match find_entity(&mut doc, name) {
                Some(table) => {
                    table["kind"] = toml_edit::value(kind.as_str());
                }
                None => push_entity(&mut doc, name, *kind, &[]),
            }
        }
        RegistryEdit::Ignore { name } => {
            let ignore = doc
                .entry("ignore")
                .or_insert_with(|| Item::Value(Value::Array(Array::new())));
            let array = ignore.as_array_mut()?;
            if !array
                .iter()
                .any(|v| v.as_str().is_some_and(|s| name_key(s) == name_key(name)))
            {
                array.push(name.as_str());
            }
        }
        RegistryEdit::AddAlias {
            entity,
            kind,
            alias,
        } => match find_entity(&mut doc, entity) {
            Some(table) => {
                let aliases = table
                    .entry("aliases")
                    .or_insert_with(|| Item::Value(Value::Array(Array::new())));
                let array = aliases.as_array_mut()?;
                if !array
                    .iter()
                    .any(|v| v.as_str().is_some_and(|s| name_key(s) == name_key(alias)))
                {
                    array.push(alias.as_str());
                }
            }
            None => push_entity(&mut doc, entity, *kind, std::slice::from_ref(alias)),
        },
    }
    Some(doc.to_string())
}

fn find_entity<'d>(doc: &'d mut DocumentMut, name: &str) -> Option<&'d mut Table> {
    let key = name_key(name);
    doc.get_mut("entity")?
        .as_array_of_tables_mut()?
        .iter_mut()
        .find(|t| t.get("name").and_then(Item::as_str).map(name_key) == Some(key.clone()))
}

fn push_entity(doc: &mut DocumentMut, name: &str, kind: EntityKind, aliases: &[String]) {
    let mut table = Table::new();
    table["name"] = toml_edit::value(name);
    table["kind"] = toml_edit::value(kind.as_str());
    if !aliases.is_empty() {
        let mut array = Array::new();
        for alias in aliases {
            array.push(alias.as_str());
        }
        table["aliases"] = toml_edit::value(array);
    }
    let entities = doc
        .entry("entity")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()));
    if let Some(array) = entities.as_array_of_tables_mut() {
        array.push(table);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# The Vell chronicles
order = ["prologue.md", "ch1.md"]
ignore = ["Sea Swallow"]

[[entity]]
name = "Hester Vell"   # the widow
kind = "person"
aliases = ["Vell", "the Widow"]
description = "Keeper of the lighthouse"

[severity]
short-form-first = "off"
name-variant = "hint"
"#;

    #[test]
    fn reads_the_documented_schema() {
        let (registry, problems) = Registry::parse(SAMPLE);
        assert_eq!(problems, vec![]);
        assert_eq!(registry.order, ["prologue.md", "ch1.md"]);
        assert_eq!(registry.ignore, ["Sea Swallow"]);
        assert_eq!(registry.entities.len(), 1);
        let hester = &registry.entities[0];
        assert_eq!(hester.kind, EntityKind::Person);
        assert_eq!(hester.aliases, ["Vell", "the Widow"]);
        assert_eq!(
            hester.description.as_deref(),
            Some("Keeper of the lighthouse")
        );
        let config = registry.apply_severities(&Config::default());
        assert_eq!(config.severity(DiagnosticCode::ShortFormFirst), None);
        assert_eq!(
            config.severity(DiagnosticCode::NameVariant),
            Some(Severity::Hint)
        );
        assert!(registry.entity_named("widow").is_some());
    }

    #[test]
    fn a_broken_line_is_reported_and_the_rest_applies() {
        let text = "ignore = [\"Sea Swallow\"]\nkind = = \"x\"\n\n[[entity]]\nname = \"Inchmore\"\nkind = \"place\"\n";
        let (registry, problems) = Registry::parse(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let line = &text[problems[0].span.range()];
        assert_eq!(line, "kind = = \"x\"");
        assert_eq!(registry.ignore, ["Sea Swallow"]);
        assert_eq!(registry.entities[0].kind, EntityKind::Place);
    }

    #[test]
    fn a_bad_entry_is_reported_at_its_table() {
        let text =
            "[[entity]]\nname = \"Gull Rock\"\nkind = \"rock\"\n\n[[entity]]\nname = \"Tom\"\n";
        let (registry, problems) = Registry::parse(text);
        assert_eq!(registry.entities.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("unknown kind `rock`"));
        assert!(text[problems[0].span.range()].contains("Gull Rock"));
    }

    #[test]
    fn edits_keep_comments_and_order() {
        let added = apply_edit(
            SAMPLE,
            &RegistryEdit::AddEntity {
                name: "Port Hallow".into(),
                kind: EntityKind::Place,
            },
        )
        .expect("edit");
        assert!(added.starts_with("# The Vell chronicles\norder"));
        assert!(added.contains("name = \"Hester Vell\"   # the widow"));
        assert!(added.contains("[[entity]]\nname = \"Port Hallow\"\nkind = \"place\""));
        let ignored = apply_edit(
            &added,
            &RegistryEdit::Ignore {
                name: "Gull".into(),
            },
        )
        .expect("edit");
        assert!(ignored.contains("ignore = [\"Sea Swallow\", \"Gull\"]"));
        let aliased = apply_edit(
            &ignored,
            &RegistryEdit::AddAlias {
                entity: "Hester Vell".into(),
                kind: EntityKind::Person,
                alias: "Hess".into(),
            },
        )
        .expect("edit");
        assert!(aliased.contains("aliases = [\"Vell\", \"the Widow\", \"Hess\"]"));
        let rekinded = apply_edit(
            &aliased,
            &RegistryEdit::SetKind {
                name: "Port Hallow".into(),
                kind: EntityKind::Organization,
            },
        )
        .expect("edit");
        assert!(rekinded.contains("name = \"Port Hallow\"\nkind = \"organization\""));
        let (registry, problems) = Registry::parse(&rekinded);
        assert!(problems.is_empty());
        assert_eq!(registry.entities.len(), 2);
    }

    #[test]
    fn the_project_registry_wins_over_the_users() {
        let (user, _) = Registry::parse(
            "ignore = [\"Gull\"]\n[[entity]]\nname = \"Port Hallow\"\nkind = \"place\"\n[[entity]]\nname = \"Hester Vell\"\nkind = \"place\"\n[severity]\nname-variant = \"off\"\nshort-form-first = \"off\"\n",
        );
        let (project, _) = Registry::parse(SAMPLE);
        let merged = project.under(user);
        assert_eq!(merged.ignore, ["Sea Swallow", "Gull"]);
        let names: Vec<&str> = merged.entities.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Hester Vell", "Port Hallow"]);
        assert_eq!(merged.entities[0].kind, EntityKind::Person);
        let config = merged.apply_severities(&Config::default());
        assert_eq!(
            config.severity(DiagnosticCode::NameVariant),
            Some(Severity::Hint)
        );
        assert_eq!(config.severity(DiagnosticCode::ShortFormFirst), None);
    }

    #[test]
    fn edits_create_a_registry_from_nothing() {
        let text = apply_edit(
            "",
            &RegistryEdit::AddAlias {
                entity: "Hester Vell".into(),
                kind: EntityKind::Person,
                alias: "Vell".into(),
            },
        )
        .expect("edit");
        let (registry, problems) = Registry::parse(&text);
        assert!(problems.is_empty());
        assert_eq!(registry.entities[0].aliases, ["Vell"]);
    }
}
