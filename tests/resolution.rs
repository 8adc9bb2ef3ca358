//! Data-driven tests of resolution and diagnostics, rust-analyzer style.
//!
//! A fixture marks the names a recognizer would find, `{{Touré|p}}` (kinds
//! p, o, g, l), so these tests pin down resolution and diagnostics without
//! depending on the model. The expectation renders every mention with its
//! entity number, then the entities and the diagnostics. Each resolver pass
//! has its own fixtures in `src/resolve/`; these are whole stories. Update with
//! `UPDATE_EXPECT=1 cargo test --test resolution`.

use dramatis::resolve::fixture::analyze_fixture;
use expect_test::{expect, Expect};

/// The fixture syntax and the rendering are `dramatis::resolve::fixture`'s,
/// shared with the passes' unit tests.
fn check(fixture: &str, expect: Expect) {
    expect.assert_eq(&analyze_fixture(fixture));
}

#[test]
fn surname_and_title_resolve_to_full_name() {
    check(
        "{{Malian|g}} President {{Amadou Toumani Touré|p}} was ousted by {{Capt. Amadou Sanogo|p}}. {{President Touré|p}} fled to {{Dakar|l}}; {{Sanogo|p}} stayed.",
        expect![[r#"
            [Malian]1 President [Amadou Toumani Touré]2 was ousted by Capt. [Amadou Sanogo]3. President [Touré]2 fled to [Dakar]4; [Sanogo]3 stayed.
            ---
            1 group "Malian" def="Malian" aliases=["Malian"]
            2 person "Amadou Toumani Touré" def="Amadou Toumani Touré" aliases=["Amadou Toumani Touré", "Touré"] roles=["Malian President", "President"]
            3 person "Amadou Sanogo" def="Amadou Sanogo" aliases=["Amadou Sanogo", "Sanogo"] roles=["Capt."]
            4 place "Dakar" def="Dakar" aliases=["Dakar"]
        "#]],
    );
}

#[test]
fn acronyms_pair_with_their_long_forms() {
    check(
        "The {{MNLA|o}} rose first. Rebels of the {{National Movement for the Liberation of Azawad|o}} ({{MNLA|o}}) took {{Kidal|l}}, then {{al Qaeda in the Islamic Maghreb|o}} (AQIM) came. {{ECOWAS|o}} met. AQIM left.",
        expect![[r#"
            The [MNLA]1 rose first. Rebels of the [National Movement for the Liberation of Azawad]1 ([MNLA]1) took [Kidal]2, then [al Qaeda in the Islamic Maghreb]3 ([AQIM]3) came. [ECOWAS]4 met. [AQIM]3 left.
            ---
            1 organization "National Movement for the Liberation of Azawad" def="National Movement for the Liberation of Azawad" aliases=["MNLA", "National Movement for the Liberation of Azawad"] expansion="National Movement for the Liberation of Azawad"
            2 place "Kidal" def="Kidal" aliases=["Kidal"]
            3 organization "al Qaeda in the Islamic Maghreb" def="al Qaeda in the Islamic Maghreb" aliases=["al Qaeda in the Islamic Maghreb", "AQIM"] expansion="al Qaeda in the Islamic Maghreb"
            4 organization "ECOWAS" def="ECOWAS" aliases=["ECOWAS"] expansion="Economic Community of West African States"
            warning[acronym-before-definition] "MNLA": `MNLA` is used before it is spelled out as National Movement for the Liberation of Azawad
            information[acronym-undefined] "ECOWAS": `ECOWAS` is never spelled out in this document; it usually stands for Economic Community of West African States
        "#]],
    );
}

#[test]
fn variants_ambiguity_and_short_forms_first() {
    check(
        "{{Touré|p}} spoke first. {{Amadou Toumani Touré|p}} and {{Amadou Sanogo|p}} met. {{Toure|p}} left; {{Amadou|p}} stayed. {{Touré|p}} returned.",
        expect![[r#"
            [Touré]1 spoke first. [Amadou Toumani Touré]1 and [Amadou Sanogo]2 met. [Toure]1 left; [Amadou]1 stayed. [Touré]1 returned.
            ---
            1 person "Amadou Toumani Touré" def="Amadou Toumani Touré" aliases=["Touré", "Amadou Toumani Touré", "Toure", "Amadou"]
            2 person "Amadou Sanogo" def="Amadou Sanogo" aliases=["Amadou Sanogo"]
            information[short-form-first] "Touré": `Touré` is used before the full name Amadou Toumani Touré is given
            warning[name-variant] "Toure": `Toure` is spelled `Touré` elsewhere in this document (3×) (fix: "Touré")
            warning[ambiguous-mention] "Amadou": `Amadou` could mean Amadou Toumani Touré or Amadou Sanogo
        "#]],
    );
}

#[test]
fn names_are_trimmed_to_the_name_alone() {
    check(
        "{{the National Assembly|o}} met in {{Mali's|l}} capital. {{Dioncounda Traoré|p}}, who had been president of the National Assembly, spoke. {{Ansar Dine|o}}, the fundamentalist Islamist group, replied. {{MALI|l}} and {{Mali|l}} and {{Mali|l}}.",
        expect![[r#"
            the [National Assembly]1 met in [Mali]2's capital. [Dioncounda Traoré]3, who had been president of the National Assembly, spoke. [Ansar Dine]4, the fundamentalist Islamist group, replied. [MALI]2 and [Mali]2 and [Mali]2.
            ---
            1 organization "National Assembly" def="National Assembly" aliases=["National Assembly"]
            2 place "Mali" def="Mali" aliases=["Mali", "MALI"]
            3 person "Dioncounda Traoré" def="Dioncounda Traoré" aliases=["Dioncounda Traoré"] roles=["had been president of the National Assembly"]
            4 organization "Ansar Dine" def="Ansar Dine" aliases=["Ansar Dine"] roles=["the fundamentalist Islamist group"]
        "#]],
    );
}

#[test]
fn decomposed_and_precomposed_accents_are_one_spelling() {
    check(
        "{{Amadou Touré|p}} met {{Toure\u{301}|p}} and {{Touré|p}}.",
        expect![[r#"
            [Amadou Touré]1 met [Touré]1 and [Touré]1.
            ---
            1 person "Amadou Touré" def="Amadou Touré" aliases=["Amadou Touré", "Touré"]
        "#]],
    );
}

#[test]
fn a_spelled_out_term_and_its_short_form_are_not_names() {
    // Nothing in "Geographic Information Systems" was a name to the
    // recognizer, so GIS is a term even where it was proposed.
    check(
        "We used Geographic Information Systems (GIS) at the {{World Bank|o}}. {{GIS|o}} maps helped.",
        expect![[r#"
            We used Geographic Information Systems (GIS) at the [World Bank]1. GIS maps helped.
            ---
            1 organization "World Bank" def="World Bank" aliases=["World Bank"]
        "#]],
    );
}

#[test]
fn kinds_follow_what_the_knowledge_and_the_text_say() {
    // A well-known place is no person; a name headed by a place word is a
    // place; a given name that "she" keeps following is a person; a title in
    // the plural is nobody; a saint keeps "St.".
    check(
        "{{Athens|p}} hosted the summer games that year. Later that summer {{Athens|p}} was calm again. The ferry from {{Kelsey Harbour|p}} was late. The {{Serra de Monchique|o}} is green. {{Gloria|o}} cried; she was ill. Later {{Gloria|o}} slept and her fever fell. {{Senators|p}} must vote. St. {{Jerome|p}} wrote.",
        expect![[r#"
            [Athens]1 hosted the summer games that year. Later that summer [Athens]1 was calm again. The ferry from [Kelsey Harbour]2 was late. The [Serra de Monchique]3 is green. [Gloria]4 cried; she was ill. Later [Gloria]4 slept and her fever fell. Senators must vote. [St. Jerome]5 wrote.
            ---
            1 place "Athens" def="Athens" aliases=["Athens"]
            2 place "Kelsey Harbour" def="Kelsey Harbour" aliases=["Kelsey Harbour"]
            3 place "Serra de Monchique" def="Serra de Monchique" aliases=["Serra de Monchique"]
            4 person "Gloria" def="Gloria" aliases=["Gloria"]
            5 person "St. Jerome" def="St. Jerome" aliases=["St. Jerome"]
        "#]],
    );
}

#[test]
fn spans_are_completed_from_what_the_text_says_elsewhere() {
    // A name cut short is completed from its full form; a name split at
    // "and" is joined when the words across it make a known place; a
    // monarch keeps his number; an event is nobody.
    check(
        "{{Amadou Toumani Touré|p}} spoke first. Then, Amadou {{Toumani Touré|p}} left for the {{Newfoundland|l}} and {{Labrador Court of Appeal|o}}. {{Norton|p}} I, Emperor of the United States, watched {{Cyclone Phailin|o}} pass. {{Phailin|p}} was strong.",
        expect![[r#"
            [Amadou Toumani Touré]1 spoke first. Then, [Amadou Toumani Touré]1 left for the [Newfoundland and Labrador Court of Appeal]2. [Norton I]3, Emperor of the United States, watched Cyclone Phailin pass. Phailin was strong.
            ---
            1 person "Amadou Toumani Touré" def="Amadou Toumani Touré" aliases=["Amadou Toumani Touré"]
            2 organization "Newfoundland and Labrador Court of Appeal" def="Newfoundland and Labrador Court of Appeal" aliases=["Newfoundland and Labrador Court of Appeal"]
            3 person "Norton I" def="Norton I" aliases=["Norton I"]
        "#]],
    );
}

#[test]
fn list_members_share_a_kind_and_known_places_are_not_glued() {
    // "Gao and Timbuktu" is two places ("Bosnia and Herzegovina" would be
    // one); a list's clear majority outweighs one stray reading.
    check(
        "Within ten days the towns of {{Kidal|l}}, {{Gao|o}} and {{Timbuktu|l}} had fallen. Later {{Gao and Timbuktu|o}} were retaken by the army of {{Bosnia and Herzegovina|l}}.",
        expect![[r#"
            Within ten days the towns of [Kidal]1, [Gao]2 and [Timbuktu]3 had fallen. Later [Gao]2 and [Timbuktu]3 were retaken by the army of [Bosnia and Herzegovina]4.
            ---
            1 place "Kidal" def="Kidal" aliases=["Kidal"]
            2 place "Gao" def="Gao" aliases=["Gao"]
            3 place "Timbuktu" def="Timbuktu" aliases=["Timbuktu"]
            4 place "Bosnia and Herzegovina" def="Bosnia and Herzegovina" aliases=["Bosnia and Herzegovina"]
        "#]],
    );
}

#[test]
fn an_appositive_says_what_a_name_is() {
    check(
        "Shares in {{Solaris Grid|p}}, the British developer of solar systems, rose on Monday. {{Solaris Grid|p}} said little.",
        expect![[r#"
            Shares in [Solaris Grid]1, the British developer of solar systems, rose on Monday. [Solaris Grid]1 said little.
            ---
            1 organization "Solaris Grid" def="Solaris Grid" aliases=["Solaris Grid"] roles=["the British developer of solar systems"]
        "#]],
    );
}

#[test]
fn an_institution_named_by_its_capitalized_head_is_an_organization() {
    check(
        "The students wrote to the dean. Then the University answered, and the Court of Appeal ruled while the government waited.",
        expect![[r#"
            The students wrote to the dean. Then the [University]1 answered, and the Court of Appeal ruled while the government waited.
            ---
            1 organization "University" def="University" aliases=["University"]
        "#]],
    );
}
