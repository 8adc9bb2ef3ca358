//! Links the entities of a project's files into one cast, in reading order.
//!
//! Each file was resolved alone, so within a file the resolver's decisions
//! stand: two entities of one file are never linked here. Across files, an
//! entity joins an earlier one that
//! - the registry names (its name or an alias);
//! - has the same name (up to case, diacritics, spacing), or the same
//!   acronym or expansion;
//! - is one person whose surname (else given name) this one-word name is,
//!   among the people introduced so far: a short form never resolves to
//!   someone introduced later, and one that fits several people is linked
//!   to the most recent and reported as ambiguous.
//!
//! A one-word name the gazetteer knows as another kind ("Washington" the
//! city) keeps its kind and is not taken for a surname.

use rustc_hash::FxHashMap;

use super::known::KnownNames;
use super::known::NameCollector;
use super::registry::{name_key, Registry};
use super::{MentionRef, Project, ProjectEntity, ProjectEntityId};
use crate::analysis::{Analysis, EntityId, EntityKind, FileId, MentionForm, MentionId};
use crate::knowledge::{Knowledge, LexFlags};
use crate::resolve::Resolved;
use crate::text::fold_key;

/// One entity of one file (or of the registry), as the linker sees it.
struct Node {
    /// None for a registry entity.
    file: Option<usize>,
    local: EntityId,
    name: String,
    /// `fold_key` of each word of the name.
    words: Vec<String>,
    kind: EntityKind,
    /// Keys this node can be found by.
    keys: Vec<String>,
    mentions: usize,
    /// The file writes out an acronym's expansion.
    expanded: bool,
    /// Linked as a surname or given name of a person: its kind is no
    /// evidence (the recognizer may have read the bare surname as a place).
    short_form: bool,
}

/// A file's one-word name that fits several people of earlier files.
pub struct CrossAmbiguity {
    pub file: usize,
    pub local: EntityId,
    pub fits: Vec<ProjectEntityId>,
}

/// A cross-file ambiguity: a file's entity fits several earlier people.
struct Ambiguity {
    pub file: usize,
    pub local: EntityId,
    pub fits: Vec<usize>,
}

pub struct Links {
    nodes: Vec<Node>,
    parent: Vec<usize>,
    registry: Vec<(usize, Option<String>)>,
    ambiguities: Vec<Ambiguity>,
}

impl Links {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
}

struct Index {
    by_key: FxHashMap<String, Vec<usize>>,
    /// People with names of two words or more, by surname and given name.
    by_surname: FxHashMap<String, Vec<usize>>,
    by_given: FxHashMap<String, Vec<usize>>,
    /// People known so far by one word only.
    single_people: FxHashMap<String, usize>,
    /// Files each root has nodes in.
    files: FxHashMap<usize, Vec<usize>>,
    /// The latest node index joined to each root: recency for ambiguity.
    latest: FxHashMap<usize, usize>,
}

fn node_of(file: usize, analysis: &Analysis, local: EntityId) -> Option<Node> {
    let entity = analysis.entity(local)?;
    let words: Vec<String> = entity.name.split_whitespace().map(fold_key).collect();
    let mut keys = vec![fold_key(&entity.name)];
    for alias in &entity.aliases {
        let key = name_key(alias);
        // A person's one-word aliases are short forms: they go through the
        // surname rules, which see ambiguity, not through exact keys.
        if entity.kind == EntityKind::Person && !key.is_empty() && !alias.contains(' ') {
            continue;
        }
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let expanded = analysis
        .mentions_of(local)
        .any(|m| m.form == MentionForm::Expansion);
    if let Some(expansion) = entity.expansion.as_deref().filter(|_| expanded) {
        let key = fold_key(expansion);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Some(Node {
        file: Some(file),
        local,
        name: entity.name.clone(),
        words,
        kind: entity.kind,
        keys,
        mentions: entity.mentions.len(),
        expanded,
        short_form: false,
    })
}

pub fn link(resolved: &[Resolved], registry: &Registry, knowledge: &Knowledge) -> Links {
    let mut nodes: Vec<Node> = Vec::new();
    let mut registry_nodes = Vec::new();
    for entity in &registry.entities {
        let mut keys: Vec<String> = Vec::new();
        for name in entity.names() {
            let key = name_key(name);
            if !key.is_empty() && !keys.contains(&key) {
                keys.push(key);
            }
        }
        registry_nodes.push((nodes.len(), entity.description.clone()));
        nodes.push(Node {
            file: None,
            local: EntityId(u32::MAX),
            name: entity.name.clone(),
            words: entity.name.split_whitespace().map(fold_key).collect(),
            kind: entity.kind,
            keys,
            mentions: 0,
            expanded: false,
            short_form: false,
        });
    }
    let registry_count = nodes.len();
    for (file, r) in resolved.iter().enumerate() {
        for entity in &r.analysis.entities {
            if let Some(node) = node_of(file, &r.analysis, entity.id) {
                nodes.push(node);
            }
        }
    }
    let mut links = Links {
        parent: (0..nodes.len()).collect(),
        nodes,
        registry: registry_nodes,
        ambiguities: Vec::new(),
    };
    let mut index = Index {
        by_key: FxHashMap::default(),
        by_surname: FxHashMap::default(),
        by_given: FxHashMap::default(),
        single_people: FxHashMap::default(),
        files: FxHashMap::default(),
        latest: FxHashMap::default(),
    };
    let mut registry_keys: FxHashMap<String, usize> = FxHashMap::default();
    for n in 0..registry_count {
        for key in links.nodes[n].keys.clone() {
            registry_keys.entry(key).or_insert(n);
        }
        register(&mut links, &mut index, n);
    }
    for n in registry_count..links.nodes.len() {
        let target = choose(&mut links, &mut index, &registry_keys, n, knowledge);
        if let Some(target) = target {
            union(&mut links, &mut index, target, n);
        }
        register(&mut links, &mut index, n);
    }
    links
}

/// The root `n` should join, if any.
fn choose(
    links: &mut Links,
    index: &mut Index,
    registry_keys: &FxHashMap<String, usize>,
    n: usize,
    knowledge: &Knowledge,
) -> Option<usize> {
    let file = links.nodes[n].file?;
    if let Some(&r) = links.nodes[n]
        .keys
        .iter()
        .find_map(|k| registry_keys.get(k))
    {
        return Some(links.find(r));
    }
    let node = &links.nodes[n];
    let one_word = node.words.len() == 1;
    // "Washington" the city is not George Washington's surname.
    let known_as_other =
        one_word && node.kind != EntityKind::Person && knowledge.lookup(&node.name).is_some();
    let keys = node.keys.clone();
    let kind = node.kind;
    let words = node.words.clone();
    let free = |links: &mut Links, index: &Index, root: usize| {
        let root = links.find(root);
        !index.files.get(&root).is_some_and(|f| f.contains(&file))
    };
    // Same name, acronym or expansion.
    for key in &keys {
        let Some(roots) = index.by_key.get(key).cloned() else {
            continue;
        };
        for root in roots {
            let root = links.find(root);
            let other_kind = links.nodes[root].kind;
            if known_as_other && other_kind == EntityKind::Person {
                continue;
            }
            if free(links, index, root) {
                return Some(root);
            }
        }
    }
    if kind == EntityKind::Person && words.len() >= 2 {
        // "Amadou Touré" ⊂ "Amadou Toumani Touré": one person.
        let last = words.last()?;
        let roots = index.by_surname.get(last).cloned().unwrap_or_default();
        let roots: Vec<usize> = roots.into_iter().map(|r| links.find(r)).collect();
        let fitting: Vec<usize> = roots
            .into_iter()
            .filter(|&r| {
                let other = &links.nodes[r].words;
                is_subsequence(&words, other) || is_subsequence(other, &words)
            })
            .collect();
        if let [one] = fitting[..] {
            if free(links, index, one) {
                return Some(one);
            }
        }
        return None;
    }
    if one_word && !known_as_other && kind != EntityKind::Group {
        let word = &words[0];
        let mut fits: Vec<usize> = index.by_surname.get(word).cloned().unwrap_or_default();
        if fits.is_empty() {
            fits = index.by_given.get(word).cloned().unwrap_or_default();
        }
        let mut roots: Vec<usize> = fits.into_iter().map(|r| links.find(r)).collect();
        roots.sort_unstable();
        roots.dedup();
        roots.retain(|&r| free(links, index, r));
        match roots[..] {
            [] => {}
            [one] => {
                links.nodes[n].short_form = true;
                return Some(one);
            }
            _ => {
                let recent = roots
                    .iter()
                    .copied()
                    .max_by_key(|r| index.latest.get(r).copied().unwrap_or(0))?;
                links.ambiguities.push(Ambiguity {
                    file,
                    local: links.nodes[n].local,
                    fits: roots,
                });
                links.nodes[n].short_form = true;
                return Some(recent);
            }
        }
        if kind == EntityKind::Person {
            if let Some(&single) = index.single_people.get(word) {
                let single = links.find(single);
                if free(links, index, single) {
                    return Some(single);
                }
            }
        }
    }
    None
}

fn is_subsequence(short: &[String], long: &[String]) -> bool {
    let mut rest = long.iter();
    short.iter().all(|w| rest.any(|l| l == w))
}

fn union(links: &mut Links, index: &mut Index, root: usize, n: usize) {
    let root = links.find(root);
    let other = links.find(n);
    if root == other {
        return;
    }
    links.parent[other] = root;
    let moved = index.files.remove(&other).unwrap_or_default();
    let files = index.files.entry(root).or_default();
    for f in moved {
        if !files.contains(&f) {
            files.push(f);
        }
    }
}

/// Makes node `n` findable through its root.
fn register(links: &mut Links, index: &mut Index, n: usize) {
    let root = links.find(n);
    if let Some(file) = links.nodes[n].file {
        let files = index.files.entry(root).or_default();
        if !files.contains(&file) {
            files.push(file);
        }
    }
    index.latest.insert(root, n);
    let node = &links.nodes[n];
    let person = node.kind == EntityKind::Person;
    for key in node.keys.clone() {
        let roots = index.by_key.entry(key).or_default();
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    let words = links.nodes[n].words.clone();
    if person && words.len() >= 2 {
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            return;
        };
        for (map, word) in [(&mut index.by_surname, last), (&mut index.by_given, first)] {
            let roots = map.entry(word.clone()).or_default();
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        // Someone known so far by one word takes the full name now
        // introduced, if it is the only one that fits.
        for word in [last, first] {
            let fits = index.by_surname.get(word).map_or(0, Vec::len);
            if fits != 1 {
                continue;
            }
            if let Some(single) = index.single_people.remove(word) {
                let single = links.find(single);
                let files_of_single = index.files.get(&single).cloned().unwrap_or_default();
                let overlap = index
                    .files
                    .get(&root)
                    .is_some_and(|f| f.iter().any(|x| files_of_single.contains(x)));
                if single != root && !overlap && links.nodes[single].file.is_some() {
                    links.nodes[single].short_form = true;
                    union(links, index, root, single);
                }
            }
        }
    } else if person && words.len() == 1 {
        index.single_people.entry(words[0].clone()).or_insert(root);
    }
}

impl Links {
    /// The names the project knows, to recognise in files that missed them.
    pub fn known_names(&mut self, resolved: &[Resolved], knowledge: &Knowledge) -> KnownNames {
        let mut collector = NameCollector::new();
        let groups = self.groups();
        let mut surname_count: FxHashMap<String, usize> = FxHashMap::default();
        let mut given_count: FxHashMap<String, usize> = FxHashMap::default();
        for members in groups.values() {
            let best = self.fullest(members);
            let node = &self.nodes[best];
            if self.kind_of(members) == EntityKind::Person && node.words.len() >= 2 {
                *surname_count
                    .entry(node.words[node.words.len() - 1].clone())
                    .or_default() += 1;
                *given_count.entry(node.words[0].clone()).or_default() += 1;
            }
        }
        for members in groups.values() {
            if members.iter().all(|&m| self.nodes[m].file.is_none()) {
                continue;
            }
            let kind = self.kind_of(members);
            let best = self.fullest(members);
            let node = &self.nodes[best];
            let mentions: usize = members.iter().map(|&m| self.nodes[m].mentions).sum();
            let name = node.name.clone();
            if node.words.len() >= 2 {
                collector.add(&name, kind);
                if kind == EntityKind::Person {
                    let pieces: Vec<&str> = name.split_whitespace().collect();
                    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
                        continue;
                    };
                    if surname_count.get(&node.words[node.words.len() - 1]) == Some(&1) {
                        collector.add_surname(last);
                    }
                    if given_count.get(&node.words[0]) == Some(&1)
                        && !surname_count.contains_key(&node.words[0])
                        && !is_ordinary(first, knowledge)
                    {
                        collector.add(first, kind);
                    }
                }
            } else if mentions >= 2 && !is_ordinary(&name, knowledge) {
                collector.add(&name, kind);
            }
            // Acronyms spelled out anywhere are known everywhere.
            for &m in members {
                let node = &self.nodes[m];
                let Some(file) = node.file else { continue };
                let Some(entity) = resolved[file].analysis.entity(node.local) else {
                    continue;
                };
                if node.expanded {
                    for alias in &entity.aliases {
                        if crate::text::is_acronym(alias) {
                            collector.add(alias, kind);
                        }
                    }
                }
            }
        }
        collector.names
    }

    fn groups(&mut self) -> FxHashMap<usize, Vec<usize>> {
        let mut groups: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
        for n in 0..self.nodes.len() {
            let root = self.find(n);
            groups.entry(root).or_default().push(n);
        }
        groups
    }

    /// The member with the fullest name: most words, then most mentions,
    /// then earliest.
    fn fullest(&self, members: &[usize]) -> usize {
        if let Some(&registered) = members.iter().find(|&&m| self.nodes[m].file.is_none()) {
            return registered;
        }
        members
            .iter()
            .copied()
            .max_by_key(|&m| {
                (
                    self.nodes[m].words.len(),
                    self.nodes[m].mentions,
                    std::cmp::Reverse(m),
                )
            })
            .unwrap_or(members[0])
    }

    /// The registry's kind, else the kind most mentions have.
    fn kind_of(&self, members: &[usize]) -> EntityKind {
        if let Some(&registered) = members.iter().find(|&&m| self.nodes[m].file.is_none()) {
            return self.nodes[registered].kind;
        }
        // Each file's decision is one vote (a file that keeps misreading a
        // name should not outvote the others); mentions break ties. A short
        // form linked to a person does not vote.
        let full: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&m| !self.nodes[m].short_form)
            .collect();
        let voters = if full.is_empty() { members } else { &full };
        let mut votes: Vec<(EntityKind, usize, usize, usize)> = Vec::new();
        for &m in voters {
            let node = &self.nodes[m];
            match votes.iter_mut().find(|(k, ..)| *k == node.kind) {
                Some(vote) => {
                    vote.1 += 1;
                    vote.2 += node.mentions;
                }
                None => votes.push((node.kind, 1, node.mentions, m)),
            }
        }
        votes
            .iter()
            .max_by_key(|(_, files, mentions, first)| {
                (*files, *mentions, std::cmp::Reverse(*first))
            })
            .map_or(EntityKind::Person, |(k, ..)| *k)
    }

    /// The project: entities in order of first mention, each file's
    /// entities renamed and re-kinded as the project decided.
    pub fn into_project(
        mut self,
        names: Vec<String>,
        mut files: Vec<Analysis>,
        resolved: &[Resolved],
    ) -> (Project, Vec<CrossAmbiguity>) {
        let groups = self.groups();
        // Order groups by their first node in reading order.
        let mut ordered: Vec<(usize, Vec<usize>)> = groups
            .into_iter()
            .map(|(root, mut members)| {
                members.sort_unstable();
                (root, members)
            })
            .filter(|(_, members)| members.iter().any(|&m| self.nodes[m].file.is_some()))
            .collect();
        ordered.sort_by_key(|(_, members)| {
            members
                .iter()
                .filter(|&&m| self.nodes[m].file.is_some())
                .copied()
                .min()
                .unwrap_or(usize::MAX)
        });
        let mut entity_of: Vec<Vec<ProjectEntityId>> = files
            .iter()
            .map(|a| vec![ProjectEntityId(u32::MAX); a.entities.len()])
            .collect();
        let notes: FxHashMap<usize, Option<String>> = self.registry.iter().cloned().collect();
        let mut entities = Vec::with_capacity(ordered.len());
        let mut project_of_root: FxHashMap<usize, ProjectEntityId> = FxHashMap::default();
        for (root, members) in &ordered {
            let id = ProjectEntityId(entities.len() as u32);
            project_of_root.insert(*root, id);
            let kind = self.kind_of(members);
            let best = self.fullest(members);
            let registered = self.nodes[best].file.is_none();
            let name = self.nodes[best].name.clone();
            let note = if registered {
                notes.get(&best).cloned().flatten()
            } else {
                None
            };
            let mut mentions: Vec<MentionRef> = Vec::new();
            let mut aliases: Vec<String> = Vec::new();
            let mut roles: Vec<String> = Vec::new();
            let mut expansion = None;
            let mut description = None;
            let mut definition: Option<MentionRef> = None;
            let name_key = fold_key(&name);
            for &m in members {
                let node = &self.nodes[m];
                let Some(file) = node.file else { continue };
                let Some(entity) = files[file].entity(node.local) else {
                    continue;
                };
                entity_of[file][node.local.0 as usize] = id;
                let file_id = FileId(file as u32);
                for &mention in &entity.mentions {
                    mentions.push(MentionRef {
                        file: file_id,
                        mention,
                    });
                }
                for alias in &entity.aliases {
                    let alias = super::card::normalize_space(alias);
                    if !aliases.contains(&alias) {
                        aliases.push(alias);
                    }
                }
                for role in &entity.roles {
                    if !roles.iter().any(|r: &String| r.eq_ignore_ascii_case(role)) {
                        roles.push(role.clone());
                    }
                }
                if expansion.is_none() {
                    expansion = entity.expansion.clone();
                }
                if description.is_none() && entity.kind == kind {
                    description = entity.description.clone();
                }
                let introduces = node.expanded || fold_key(&entity.name) == name_key;
                if definition.is_none() && introduces {
                    definition = Some(MentionRef {
                        file: file_id,
                        mention: entity.definition,
                    });
                }
            }
            mentions.sort();
            let definition =
                definition
                    .or_else(|| mentions.first().copied())
                    .unwrap_or(MentionRef {
                        file: FileId(0),
                        mention: MentionId(0),
                    });
            entities.push(ProjectEntity {
                id,
                name,
                kind,
                aliases,
                roles,
                expansion,
                note,
                description,
                mentions,
                definition,
                registered,
            });
        }
        // The project's kinds and names, in every file.
        for (file, analysis) in files.iter_mut().enumerate() {
            for entity in &mut analysis.entities {
                let Some(project) = entity_of[file]
                    .get(entity.id.0 as usize)
                    .and_then(|id| entities.get(id.0 as usize))
                else {
                    continue;
                };
                entity.kind = project.kind;
                entity.name = project.name.clone();
                if project.note.is_some() {
                    entity.description = project.note.clone();
                }
            }
            let kinds: Vec<EntityKind> = analysis.entities.iter().map(|e| e.kind).collect();
            for mention in &mut analysis.mentions {
                if let Some(kind) = kinds.get(mention.entity.0 as usize) {
                    mention.kind = *kind;
                }
            }
        }
        let mut ambiguous: Vec<Vec<MentionId>> = resolved
            .iter()
            .map(|r| {
                r.ambiguous
                    .iter()
                    .flat_map(|a| a.mentions.iter().copied())
                    .collect()
            })
            .collect();
        for ambiguity in &self.ambiguities {
            if let Some(entity) = files[ambiguity.file].entity(ambiguity.local) {
                ambiguous[ambiguity.file].extend(entity.mentions.iter().copied());
            }
        }
        let mut cross = Vec::new();
        for ambiguity in std::mem::take(&mut self.ambiguities) {
            let mut fits: Vec<ProjectEntityId> = Vec::new();
            for root in ambiguity.fits {
                let root = self.find(root);
                if let Some(&id) = project_of_root.get(&root) {
                    if !fits.contains(&id) {
                        fits.push(id);
                    }
                }
            }
            if fits.len() >= 2 {
                cross.push(CrossAmbiguity {
                    file: ambiguity.file,
                    local: ambiguity.local,
                    fits,
                });
            }
        }
        let project = Project {
            names,
            files,
            entity_of,
            entities,
            ambiguous,
        };
        (project, cross)
    }
}

fn is_ordinary(word: &str, knowledge: &Knowledge) -> bool {
    knowledge.word_flags(word).contains(LexFlags::COMMON_WORD)
}
