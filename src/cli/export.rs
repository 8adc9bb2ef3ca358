//! `annotate --format brat|conll|spacy`: the analysis as annotators' and
//! data scientists' formats. The writers live in `corpus` (beside their
//! strict readers); this module turns analyses into gold-shaped documents
//! and decides where the output goes.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::analysis::Analysis;
use crate::corpus::{brat, conll, spacy, GoldDoc, GoldSpan};

#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Exchange {
    Brat,
    Conll,
    Spacy,
}

/// An analysed file as a document of names, each with its entity id (`e3`).
pub fn analysis_doc(
    path: &str,
    text: &str,
    analysis: &Analysis,
    project_id: &dyn Fn(crate::analysis::EntityId) -> u32,
) -> GoldDoc {
    GoldDoc {
        name: path.to_string(),
        text: text.to_string(),
        spans: analysis
            .mentions
            .iter()
            .map(|m| GoldSpan {
                span: m.span,
                kind: Some(m.kind),
                entity: Some(super::check::entity_id(project_id(m.entity))),
            })
            .collect(),
    }
}

/// Where exported documents go: brat writes a folder, the line formats a
/// stream (stdout or `--out FILE`).
pub struct Exporter {
    format: Exchange,
    target: Target,
}

enum Target {
    Folder { dir: PathBuf, used: HashSet<String> },
    Stream(Box<dyn Write>),
}

impl Exporter {
    pub fn new(format: Exchange, out: Option<&Path>) -> anyhow::Result<Exporter> {
        let target = match (format, out) {
            (Exchange::Brat, None) => {
                bail!("--format brat writes NAME.txt and NAME.ann files: give --out DIR")
            }
            (Exchange::Brat, Some(dir)) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                let conf = dir.join("annotation.conf");
                std::fs::write(&conf, brat::ANNOTATION_CONF)
                    .with_context(|| format!("writing {}", conf.display()))?;
                Target::Folder {
                    dir: dir.to_path_buf(),
                    used: HashSet::new(),
                }
            }
            (_, Some(file)) => Target::Stream(Box::new(std::io::BufWriter::new(
                std::fs::File::create(file)
                    .with_context(|| format!("creating {}", file.display()))?,
            ))),
            (_, None) => Target::Stream(Box::new(std::io::stdout().lock())),
        };
        Ok(Exporter { format, target })
    }

    pub fn add(&mut self, doc: &GoldDoc) -> anyhow::Result<()> {
        match (&mut self.target, self.format) {
            (Target::Folder { dir, used }, _) => {
                let name = unique_stem(&doc.name, used);
                let txt = dir.join(format!("{name}.txt"));
                let ann = dir.join(format!("{name}.ann"));
                std::fs::write(&txt, &doc.text)
                    .with_context(|| format!("writing {}", txt.display()))?;
                std::fs::write(&ann, brat::write_ann(doc))
                    .with_context(|| format!("writing {}", ann.display()))?;
            }
            (Target::Stream(out), Exchange::Conll) => {
                out.write_all(conll::write_doc(doc).as_bytes())?
            }
            (Target::Stream(out), _) => writeln!(out, "{}", spacy::write_line(doc))?,
        }
        Ok(())
    }

    pub fn finish(self) -> anyhow::Result<()> {
        if let Target::Stream(mut out) = self.target {
            out.flush()?;
        }
        Ok(())
    }
}

/// The file's stem, made unique in the folder (`ch1`, `ch1-2`, …) when two
/// inputs share a name.
fn unique_stem(path: &str, used: &mut HashSet<String>) -> String {
    let stem = Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("document")
        .to_string();
    let mut name = stem.clone();
    let mut n = 1;
    while !used.insert(name.clone()) {
        n += 1;
        name = format!("{stem}-{n}");
    }
    name
}
