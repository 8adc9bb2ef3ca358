//! A rule-and-lexicon recognizer: the fallback before (and beside) the model.

use super::{Candidate, Recognizer};
use crate::analysis::EntityKind;
use crate::knowledge::{Knowledge, LexFlags};
use crate::text::{Document, TokenShape};

pub struct RuleRecognizer;

impl Recognizer for RuleRecognizer {
    fn recognize(&self, doc: &Document<'_>, knowledge: &Knowledge) -> Vec<Candidate> {
        let mut out = Vec::new();
        for sentence in &doc.sentences {
            let mut i = sentence.tokens.start;
            while i < sentence.tokens.end {
                let first = i;
                while i < sentence.tokens.end && doc.tokens[i].shape == TokenShape::Capitalized {
                    i += 1;
                }
                if i > first {
                    let word = doc.token_text(first);
                    let flags = knowledge.word_flags(word);
                    let sentence_initial = first == sentence.tokens.start;
                    if !(sentence_initial
                        && i - first == 1
                        && flags.contains(LexFlags::COMMON_WORD))
                    {
                        let text = doc.tokens_span(first, i).text(doc.text);
                        let kind = knowledge
                            .lookup(text)
                            .map_or(EntityKind::Person, |e| e.kind);
                        out.push(Candidate {
                            tokens: first..i,
                            span: doc.tokens_span(first, i),
                            kind,
                        });
                    }
                } else {
                    i += 1;
                }
            }
        }
        out
    }
}
