//! The output of the core: entities, their mentions and diagnostics.
//!
//! Plain data with byte-offset spans. Consumers (CLI, LSP) convert at their
//! own edge; nothing here knows about positions, JSON or protocols.

use crate::text::{ByteOffset, Span};

/// What an entity is. The four kinds of the `annotate` contract.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Person,
    Organization,
    /// Nationalities, ethnic, religious and political collectives.
    Group,
    /// Countries, cities, regions, natural features, named buildings.
    Place,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Person,
        EntityKind::Organization,
        EntityKind::Group,
        EntityKind::Place,
    ];
    /// The contract name used by `annotate` and `eval`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Group => "group",
            EntityKind::Place => "place",
        }
    }
    pub fn parse(s: &str) -> Option<EntityKind> {
        Some(match s {
            "person" | "PER" => EntityKind::Person,
            "organization" | "organisation" | "ORG" => EntityKind::Organization,
            "group" | "GRP" | "NORP" => EntityKind::Group,
            "place" | "LOC" | "GPE" => EntityKind::Place,
            _ => return None,
        })
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(pub u32);

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MentionId(pub u32);

/// How a mention names its entity.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum MentionForm {
    /// The fullest name form in the document ("Amadou Toumani Touré").
    Full,
    /// A shorter part of a person's name ("Touré", "Amadou").
    Short,
    /// An acronym ("MNLA").
    Acronym,
    /// The spelled-out form of an acronym.
    Expansion,
    /// Any other name that resolved to the entity.
    Other,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    pub id: MentionId,
    pub span: Span,
    pub kind: EntityKind,
    pub entity: EntityId,
    pub form: MentionForm,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    pub id: EntityId,
    /// Canonical name: the fullest form the document uses.
    pub name: String,
    pub kind: EntityKind,
    /// Distinct surface forms, in order of first appearance.
    pub aliases: Vec<String>,
    /// Mentions in document order.
    pub mentions: Vec<MentionId>,
    /// The introducing mention: first full name, or an acronym's spelled-out form.
    pub definition: MentionId,
    /// Titles and appositive descriptions the text gives ("President", "the
    /// fundamentalist Islamist group").
    pub roles: Vec<String>,
    /// For an acronym entity, its spelled-out form.
    pub expansion: Option<String>,
    /// What the built-in knowledge says, if anything ("country in Africa").
    pub description: Option<String>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Hint,
    Information,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Information => "information",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "hint" => Severity::Hint,
            "info" | "information" => Severity::Information,
            "warning" | "warn" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

/// Stable diagnostic codes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticCode {
    AcronymUndefined,
    AcronymBeforeDefinition,
    NameVariant,
    AmbiguousMention,
    ShortFormFirst,
}

impl DiagnosticCode {
    pub const ALL: [DiagnosticCode; 5] = [
        DiagnosticCode::AcronymUndefined,
        DiagnosticCode::AcronymBeforeDefinition,
        DiagnosticCode::NameVariant,
        DiagnosticCode::AmbiguousMention,
        DiagnosticCode::ShortFormFirst,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticCode::AcronymUndefined => "acronym-undefined",
            DiagnosticCode::AcronymBeforeDefinition => "acronym-before-definition",
            DiagnosticCode::NameVariant => "name-variant",
            DiagnosticCode::AmbiguousMention => "ambiguous-mention",
            DiagnosticCode::ShortFormFirst => "short-form-first",
        }
    }
    pub fn parse(s: &str) -> Option<DiagnosticCode> {
        DiagnosticCode::ALL.into_iter().find(|c| c.as_str() == s)
    }
    pub fn default_severity(self) -> Severity {
        match self {
            DiagnosticCode::AcronymUndefined | DiagnosticCode::ShortFormFirst => {
                Severity::Information
            }
            DiagnosticCode::AcronymBeforeDefinition
            | DiagnosticCode::NameVariant
            | DiagnosticCode::AmbiguousMention => Severity::Warning,
        }
    }
}

/// A replacement that fixes a diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub title: String,
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub span: Span,
    pub severity: Severity,
    pub code: DiagnosticCode,
    pub message: String,
    /// Other places that explain the diagnostic, with a short label each.
    pub related: Vec<(Span, String)>,
    /// Places in other files of the project that explain it.
    pub related_elsewhere: Vec<RelatedInFile>,
    pub fix: Option<Fix>,
}

/// Index of a file in a project, in reading order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A span of another file of the project, with a short label.
#[derive(Clone, Debug, PartialEq)]
pub struct RelatedInFile {
    pub file: FileId,
    pub span: Span,
    pub label: String,
}

/// Everything the core knows about one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    pub entities: Vec<Entity>,
    /// Sorted by span start.
    pub mentions: Vec<Mention>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.entities.get(id.0 as usize)
    }
    pub fn mention(&self, id: MentionId) -> Option<&Mention> {
        self.mentions.get(id.0 as usize)
    }
    /// The mention under (or right at the end of) `offset`; binary search, since
    /// hover runs on every cursor move.
    pub fn mention_at(&self, offset: ByteOffset) -> Option<&Mention> {
        let index = self.mentions.partition_point(|m| m.span.end < offset);
        self.mentions[index..]
            .iter()
            .take_while(|m| m.span.start <= offset)
            .find(|m| m.span.touches(offset))
    }
    pub fn mentions_of(&self, id: EntityId) -> impl Iterator<Item = &Mention> {
        self.entity(id)
            .into_iter()
            .flat_map(|e| e.mentions.iter())
            .filter_map(|m| self.mention(*m))
    }

    /// Keeps only the mentions `keep` accepts, renumbering mentions and
    /// entities; an entity left without mentions goes, and so do the
    /// diagnostics on removed mentions. Returns the old → new mention and
    /// entity ids.
    pub fn retain_mentions(
        &mut self,
        keep: impl Fn(&Mention) -> bool,
    ) -> (Vec<Option<MentionId>>, Vec<Option<EntityId>>) {
        let old_mentions = std::mem::take(&mut self.mentions);
        let mut new_mention: Vec<Option<MentionId>> = vec![None; old_mentions.len()];
        let mut removed_spans = Vec::new();
        for mention in old_mentions {
            if keep(&mention) {
                new_mention[mention.id.0 as usize] = Some(MentionId(self.mentions.len() as u32));
                self.mentions.push(mention);
            } else {
                removed_spans.push(mention.span);
            }
        }
        let old_entities = std::mem::take(&mut self.entities);
        let mut new_entity: Vec<Option<EntityId>> = vec![None; old_entities.len()];
        for mut entity in old_entities {
            let mentions: Vec<MentionId> = entity
                .mentions
                .iter()
                .filter_map(|m| new_mention.get(m.0 as usize).copied().flatten())
                .collect();
            let Some(&first) = mentions.first() else {
                continue;
            };
            let id = EntityId(self.entities.len() as u32);
            new_entity[entity.id.0 as usize] = Some(id);
            entity.definition = new_mention
                .get(entity.definition.0 as usize)
                .copied()
                .flatten()
                .unwrap_or(first);
            entity.id = id;
            entity.mentions = mentions;
            self.entities.push(entity);
        }
        for (index, mention) in self.mentions.iter_mut().enumerate() {
            mention.id = MentionId(index as u32);
            if let Some(entity) = new_entity.get(mention.entity.0 as usize).copied().flatten() {
                mention.entity = entity;
            }
        }
        self.diagnostics
            .retain(|d| !removed_spans.contains(&d.span));
        (new_mention, new_entity)
    }
}
