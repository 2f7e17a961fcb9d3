//! Properties of the identifier types: every id built from valid parts parses back
//! to itself, and every single-character substitution of a valid id is rejected
//! (the claim the check characters exist to make).

use chrono::{Days, NaiveDate};
use onething_domain::ids::{CitizenId, IdError, RegionCode, Sex, Uscc};
use proptest::prelude::*;

const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Characters no id accepts anywhere, plus lowercase letters and full-width digits.
const NEVER_VALID: &str = "IOSVZiosvz-_ 。中０１";

fn region() -> impl Strategy<Value = RegionCode> {
    let provinces: Vec<u32> = RegionCode::provinces().map(RegionCode::as_u32).collect();
    (prop::sample::select(provinces), 0u32..100, 0u32..100).prop_map(|(province, city, county)| {
        RegionCode::new(province + city * 100 + county).expect("province prefix is valid")
    })
}

fn birth_date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).expect("date");
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).expect("date");
    let span = u64::try_from((last - first).num_days()).expect("positive span");
    (0..=span).prop_map(move |days| first + Days::new(days))
}

fn citizen_id() -> impl Strategy<Value = CitizenId> {
    (region(), birth_date(), 0u16..=999).prop_map(|(region, birth, sequence)| {
        CitizenId::from_parts(region, birth, sequence).expect("valid parts")
    })
}

fn uscc_char() -> impl Strategy<Value = char> {
    prop::sample::select(USCC_ALPHABET.chars().collect::<Vec<_>>())
}

fn uscc() -> impl Strategy<Value = Uscc> {
    (
        uscc_char(),
        uscc_char(),
        region(),
        prop::collection::vec(uscc_char(), 8),
    )
        .prop_map(|(authority, kind, region, body)| {
            let body: String = body.into_iter().collect();
            Uscc::from_parts(authority, kind, region, &body).expect("valid parts")
        })
}

/// `text` with the character at `position` replaced by `with`.
fn substitute(text: &str, position: usize, with: char) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| if i == position { with } else { c })
        .collect()
}

proptest! {
    #[test]
    fn citizen_id_round_trips(region in region(), birth in birth_date(), sequence in 0u16..=999) {
        let id = CitizenId::from_parts(region, birth, sequence).expect("valid parts");
        prop_assert_eq!(CitizenId::parse(id.as_str()), Ok(id.clone()));
        prop_assert_eq!(id.birth_date(), birth);
        prop_assert_eq!(id.region(), region);
        let expected_sex = if sequence % 2 == 1 { Sex::Male } else { Sex::Female };
        prop_assert_eq!(id.sex(), expected_sex);
        let masked = id.masked();
        prop_assert_eq!(masked.len(), 18);
        prop_assert!(masked.starts_with(&region.to_string()));
        prop_assert!(!masked.contains(&birth.format("%Y%m%d").to_string()));
    }

    #[test]
    fn citizen_id_rejects_every_substitution(id in citizen_id()) {
        let text = id.as_str();
        for (position, original) in text.chars().enumerate() {
            for with in "0123456789Xx".chars().chain(NEVER_VALID.chars()) {
                if with.to_ascii_uppercase() == original {
                    continue;
                }
                let changed = substitute(text, position, with);
                prop_assert!(CitizenId::parse(&changed).is_err(), "{} accepted", changed);
            }
        }
    }

    #[test]
    fn uscc_round_trips(code in uscc()) {
        prop_assert_eq!(Uscc::parse(code.as_str()), Ok(code.clone()));
        prop_assert_eq!(Uscc::parse(&code.as_str().to_lowercase()), Ok(code.clone()));
        prop_assert_eq!(&code.masked()[..8], &code.as_str()[..8]);
    }

    #[test]
    fn uscc_rejects_every_substitution(code in uscc()) {
        let text = code.as_str();
        for (position, original) in text.chars().enumerate() {
            for with in USCC_ALPHABET.chars().chain(NEVER_VALID.chars()) {
                if with.to_ascii_uppercase() == original {
                    continue;
                }
                let changed = substitute(text, position, with);
                prop_assert!(Uscc::parse(&changed).is_err(), "{} accepted", changed);
            }
        }
    }

    #[test]
    fn ids_survive_json(id in citizen_id(), code in uscc(), region in region()) {
        let json = serde_json::to_string(&(&id, &code, region)).expect("serialize");
        let back: (CitizenId, Uscc, RegionCode) = serde_json::from_str(&json).expect("deserialize");
        prop_assert_eq!(back, (id, code, region));
    }

    #[test]
    fn region_ancestors_run_from_specific_to_province(region in region()) {
        let chain = region.ancestors_or_self();
        prop_assert_eq!(chain.first(), Some(&region));
        prop_assert_eq!(chain.last(), Some(&region.province()));
        prop_assert!(chain.windows(2).all(|pair| pair[0] != pair[1]));
        prop_assert!(chain.iter().all(|up| region.is_within(*up)));
        prop_assert_eq!(RegionCode::parse(&region.to_string()), Ok(region));
    }

    #[test]
    fn citizen_id_with_any_check_character_has_exactly_one_valid(id in citizen_id()) {
        let body = &id.as_str()[..17];
        let accepted: Vec<char> = "0123456789X"
            .chars()
            .filter(|check| CitizenId::parse(&format!("{body}{check}")).is_ok())
            .collect();
        prop_assert_eq!(accepted.len(), 1);
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,20}", digits in "[0-9Xx]{18}") {
        let _ = CitizenId::parse(&text);
        let _ = Uscc::parse(&text);
        let _ = RegionCode::parse(&text);
        if let Ok(id) = CitizenId::parse(&digits) {
            prop_assert_eq!(id.as_str(), digits.to_uppercase());
        }
    }
}

#[test]
fn invalid_ids_are_rejected_by_serde_with_the_reason() {
    let err = serde_json::from_str::<CitizenId>("\"11010519490230002X\"").expect_err("30 Feb");
    assert!(err.to_string().contains("19490230"), "{err}");
    let err = serde_json::from_str::<Uscc>("\"91110000600037341M\"").expect_err("bad check");
    assert!(err.to_string().contains("check character"), "{err}");
    assert_eq!(
        CitizenId::parse("11010519490230002X").map_err(|e| e.code()),
        Err("INVALID_CITIZEN_ID")
    );
    assert!(matches!(
        CitizenId::parse("11010519490230002X"),
        Err(IdError::ImpossibleBirthDate { .. })
    ));
}
