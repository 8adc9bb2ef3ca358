//! Client settings: `initializationOptions` and
//! `workspace/didChangeConfiguration`, both shaped like
//! `{"dramatis": {"hover": true, "inlayHints": false, "codeLens": true,
//! "codeLensSingleMentions": false, "workspaceIndex": true, "severity": {"name-variant": "warning", "acronym-undefined": "off"}}}`
//! (the `dramatis` wrapper is optional). Every message describes the whole
//! configuration: a key left out means its default.

use serde_json::Value;

use crate::{Config, DiagnosticCode, Severity};

pub const UNKNOWN_SETTING: &str = "unknown setting";

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Hover cards (some writers find popups noisy).
    pub hover: bool,
    /// Full names after short forms; off by default.
    pub inlay_hints: bool,
    /// "Name: N mentions" above each entity's introduction.
    pub code_lens: bool,
    /// Lenses also for entities named only once.
    pub code_lens_single_mentions: bool,
    /// Index the workspace's closed prose files for references.
    pub workspace_index: bool,
    /// Severities handed to the core.
    pub config: Config,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            hover: true,
            inlay_hints: false,
            code_lens: true,
            code_lens_single_mentions: false,
            workspace_index: true,
            config: Config::default(),
        }
    }
}

impl Settings {
    /// Reads settings, returning them with a note for each value it had to
    /// ignore (so the user learns about a typo instead of silence). Notes
    /// about unknown keys start with "unknown setting": clients may share the
    /// section with client-only keys, so those are worth a log line only.
    pub fn from_json(value: &Value) -> (Settings, Vec<String>) {
        let mut settings = Settings::default();
        let mut problems = Vec::new();
        let root = value.get("dramatis").unwrap_or(value);
        let Some(root) = root.as_object() else {
            if !root.is_null() {
                problems.push(format!("settings must be an object, got {root}"));
            }
            return (settings, problems);
        };
        for (key, value) in root {
            match key.as_str() {
                "hover" => read_bool(value, key, &mut settings.hover, &mut problems),
                "inlayHints" => read_bool(value, key, &mut settings.inlay_hints, &mut problems),
                "codeLens" => read_bool(value, key, &mut settings.code_lens, &mut problems),
                "codeLensSingleMentions" => read_bool(
                    value,
                    key,
                    &mut settings.code_lens_single_mentions,
                    &mut problems,
                ),
                "workspaceIndex" => {
                    read_bool(value, key, &mut settings.workspace_index, &mut problems)
                }
                "severity" => read_severities(value, &mut settings.config, &mut problems),
                other => problems.push(format!("{UNKNOWN_SETTING} `{other}`")),
            }
        }
        (settings, problems)
    }
}

fn read_bool(value: &Value, key: &str, target: &mut bool, problems: &mut Vec<String>) {
    match value.as_bool() {
        Some(b) => *target = b,
        None => problems.push(format!(
            "setting `{key}` must be true or false, got {value}"
        )),
    }
}

fn read_severities(value: &Value, config: &mut Config, problems: &mut Vec<String>) {
    let Some(map) = value.as_object() else {
        problems.push(format!("setting `severity` must be an object, got {value}"));
        return;
    };
    for (code, level) in map {
        let Some(code_value) = DiagnosticCode::parse(code) else {
            problems.push(format!("unknown diagnostic code `{code}` in `severity`"));
            continue;
        };
        match level.as_str().map(parse_level) {
            Some(Some(severity)) => config.set_severity(code_value, severity),
            _ => problems.push(format!(
                "severity of `{code}` must be error, warning, information, hint or off, got {level}"
            )),
        }
    }
}

/// `Some(None)` means "off".
fn parse_level(level: &str) -> Option<Option<Severity>> {
    match level.to_ascii_lowercase().as_str() {
        "off" | "none" | "ignore" => Some(None),
        other => Severity::parse(other).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_wrapped_and_bare_settings() {
        let (s, problems) = Settings::from_json(&json!({"dramatis": {
            "inlayHints": true, "hover": false,
            "severity": {"name-variant": "error", "acronym-undefined": "off"}
        }}));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(s.inlay_hints && !s.hover && s.code_lens);
        assert_eq!(
            s.config.severity(DiagnosticCode::NameVariant),
            Some(Severity::Error)
        );
        assert_eq!(s.config.severity(DiagnosticCode::AcronymUndefined), None);
        let (bare, _) = Settings::from_json(&json!({"inlayHints": true}));
        assert!(bare.inlay_hints && bare.workspace_index);
        let (off, _) = Settings::from_json(&json!({"dramatis": {"workspaceIndex": false}}));
        assert!(!off.workspace_index);
        assert!(!off.code_lens_single_mentions);
        let (singles, problems) =
            Settings::from_json(&json!({"dramatis": {"codeLensSingleMentions": true}}));
        assert!(problems.is_empty() && singles.code_lens_single_mentions);
    }

    #[test]
    fn reports_bad_values_and_keeps_defaults() {
        let (s, problems) = Settings::from_json(&json!({"hover": "yes",
            "severity": {"no-such-code": "hint", "name-variant": "loud"}, "colour": 1}));
        assert_eq!(s, Settings::default());
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert_eq!(
            Settings::from_json(&Value::Null),
            (Settings::default(), vec![])
        );
    }
}
