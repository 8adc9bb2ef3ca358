//! Span repairs: the text corrects the recognizer's spans before any name is
//! compared. Each repair keeps the drafts sorted by position and disjoint,
//! and they run in this order (see `resolve`):
//!
//! 1. `acronyms`: definitions make their long and short forms mentions;
//! 2. `truncated`: a name cut short takes in the rest of its full form;
//! 3. `coordinated`: names glued or split at "and" follow the gazetteer;
//! 4. `institutions`: "the University" mid-sentence is an organization;
//! 5. `regnal`: monarchs keep their number;
//! 6. `events`: event names are dropped.

mod acronyms;
mod coordinated;
mod events;
mod institutions;
mod regnal;
mod truncated;

pub use acronyms::apply_acronym_definitions;
pub use coordinated::{join_coordinated_place_names, split_coordinated_places};
pub use events::drop_event_names;
pub use institutions::add_institutions_by_title;
pub use regnal::take_in_regnal_numbers;
pub use truncated::complete_truncated_names;
