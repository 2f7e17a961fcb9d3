//! The generator is deterministic and everything it makes passes the domain checks.

use chrono::NaiveDate;
use onething_domain::ids::{BirthCertificateNo, CitizenId, RegionCode, Sex, Uscc};
use onething_synth::Synth;
use onething_synth::rand::Rng;
use proptest::prelude::*;

fn region(text: &str) -> RegionCode {
    RegionCode::parse(text).expect("valid region")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A sample of everything the generator makes, as text.
fn sample(synth: &mut Synth) -> Vec<String> {
    let liangping = region("500228");
    vec![
        synth
            .citizen_id(Sex::Male, (date(1960, 1, 1), date(2000, 12, 31)), liangping)
            .to_string(),
        synth.mother_id(liangping).to_string(),
        synth.uscc(liangping).to_string(),
        synth.birth_certificate_no().to_string(),
        synth.person_name(Sex::Female),
        synth.employer_name(),
        synth.rng_mut().random::<u64>().to_string(),
    ]
}

#[test]
fn same_seed_same_sequence() {
    let (mut a, mut b) = (Synth::new(42), Synth::new(42));
    for _ in 0..50 {
        assert_eq!(sample(&mut a), sample(&mut b));
    }
    assert_ne!(sample(&mut Synth::new(1)), sample(&mut Synth::new(2)));
}

#[test]
fn mothers_are_women_born_1985_to_2002() {
    let mut synth = Synth::new(7);
    for _ in 0..200 {
        let id = synth.mother_id(region("420281"));
        assert_eq!(id.sex(), Sex::Female);
        assert!((date(1985, 1, 1)..=date(2002, 12, 31)).contains(&id.birth_date()));
        assert_eq!(id.region(), region("420281"));
    }
}

#[test]
fn names_are_obviously_fake() {
    let mut synth = Synth::new(3);
    for _ in 0..100 {
        let name = synth.person_name(Sex::Male);
        assert!(name.contains("演示"), "{name}");
        assert!((3..=5).contains(&name.chars().count()), "{name}");
        let employer = synth.employer_name();
        assert!(
            employer.starts_with("演示") && employer.contains("有限公司"),
            "{employer}"
        );
        let suffix: String = employer.chars().rev().take(2).collect();
        assert!(suffix.chars().all(|c| c.is_ascii_digit()), "{employer}");
    }
}

#[test]
fn pick_region_handles_empty_and_stays_inside() {
    let mut synth = Synth::new(9);
    assert_eq!(synth.pick_region(&[]), None);
    let choices = [region("500105"), region("500114"), region("500228")];
    for _ in 0..50 {
        let picked = synth.pick_region(&choices).expect("non-empty");
        assert!(choices.contains(&picked));
    }
}

#[test]
fn birth_dates_are_clamped_to_what_an_id_can_carry() {
    let mut synth = Synth::new(11);
    let id = synth.citizen_id(
        Sex::Female,
        (date(1800, 1, 1), date(1850, 1, 1)),
        region("110105"),
    );
    assert_eq!(id.birth_date(), date(1900, 1, 1));
    let reversed = (date(1990, 12, 31), date(1990, 1, 1));
    let id = synth.citizen_id(Sex::Male, reversed, region("110105"));
    assert_eq!(id.birth_date().format("%Y").to_string(), "1990");
    assert_eq!(id.sex(), Sex::Male);
}

proptest! {
    #[test]
    fn every_generated_id_parses(seed: u64, male: bool, from in 0u64..60_000, span in 0u64..20_000) {
        let mut synth = Synth::new(seed);
        let regions: Vec<RegionCode> = RegionCode::provinces().collect();
        let home = synth.pick_region(&regions).expect("provinces exist");
        let sex = if male { Sex::Male } else { Sex::Female };
        let start = date(1900, 1, 1) + chrono::Days::new(from);
        let end = start + chrono::Days::new(span);
        let id = synth.citizen_id(sex, (start, end), home);
        prop_assert_eq!(CitizenId::parse(id.as_str()), Ok(id.clone()));
        prop_assert_eq!(id.sex(), sex);
        prop_assert!((start..=end).contains(&id.birth_date()));
        let code = synth.uscc(home);
        prop_assert_eq!(Uscc::parse(code.as_str()), Ok(code.clone()));
        prop_assert_eq!(code.region(), home);
        let no = synth.birth_certificate_no();
        prop_assert_eq!(BirthCertificateNo::parse(no.as_str()), Ok(no));
    }
}
