//! Entity resolution: clusters candidate mentions into entities.

use crate::analysis::{Analysis, Entity, EntityId, Mention, MentionForm, MentionId};
use crate::knowledge::Knowledge;
use crate::recognize::Candidate;
use crate::text::Document;

/// Placeholder: one entity per distinct surface form (replaced by the full
/// resolver).
pub fn resolve(doc: &Document<'_>, candidates: Vec<Candidate>, _knowledge: &Knowledge) -> Analysis {
    let mut analysis = Analysis::default();
    for candidate in candidates {
        let text = candidate.span.text(doc.text);
        let id = MentionId(analysis.mentions.len() as u32);
        let entity = match analysis.entities.iter().position(|e| e.name == text) {
            Some(e) => EntityId(e as u32),
            None => {
                let eid = EntityId(analysis.entities.len() as u32);
                analysis.entities.push(Entity {
                    id: eid,
                    name: text.to_string(),
                    kind: candidate.kind,
                    aliases: vec![text.to_string()],
                    mentions: Vec::new(),
                    definition: id,
                    roles: Vec::new(),
                    expansion: None,
                    description: None,
                });
                eid
            }
        };
        analysis.entities[entity.0 as usize].mentions.push(id);
        analysis.mentions.push(Mention {
            id,
            span: candidate.span,
            kind: candidate.kind,
            entity,
            form: MentionForm::Full,
        });
    }
    analysis
}
