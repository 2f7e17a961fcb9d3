use super::*;

const EXAMPLE: &str = "11010519491231002X";

fn region(text: &str) -> RegionCode {
    RegionCode::parse(text).expect("valid region")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

#[test]
fn parses_the_standard_example() {
    let id = CitizenId::parse(EXAMPLE).expect("example is valid");
    assert_eq!(id.as_str(), EXAMPLE);
    assert_eq!(id.to_string(), EXAMPLE);
    assert_eq!(id.birth_date(), date(1949, 12, 31));
    assert_eq!(id.sex(), Sex::Female);
    assert_eq!(id.region(), region("110105"));
}

#[test]
fn lowercase_x_is_normalised() {
    let id = CitizenId::parse("11010519491231002x").expect("lowercase x accepted");
    assert_eq!(id.as_str(), EXAMPLE);
    assert_eq!(id, CitizenId::parse(EXAMPLE).expect("valid"));
}

#[test]
fn wrong_length_counts_characters() {
    for (text, found) in [
        ("", 0),
        ("11010519491231002", 17),
        ("11010519491231002X0", 19),
    ] {
        assert_eq!(
            CitizenId::parse(text),
            Err(IdError::WrongLength {
                kind: KIND,
                expected: 18,
                found
            })
        );
    }
    let err = CitizenId::parse("身份证号码").expect_err("five characters");
    assert!(matches!(err, IdError::WrongLength { found: 5, .. }));
    let err = CitizenId::parse("身份证号码一二三四五六七八九十一二三").expect_err("18 CJK");
    assert!(matches!(
        err,
        IdError::BadCharacter {
            position: 1,
            found: '身',
            ..
        }
    ));
}

#[test]
fn bad_character_reports_position() {
    assert_eq!(
        CitizenId::parse("1101X519491231002X"),
        Err(IdError::BadCharacter {
            kind: KIND,
            position: 5,
            found: 'X'
        })
    );
    assert_eq!(
        CitizenId::parse("11010519491231002A"),
        Err(IdError::BadCharacter {
            kind: KIND,
            position: 18,
            found: 'A'
        })
    );
    let err = CitizenId::parse("11010519491231002中").expect_err("CJK check char");
    assert_eq!(err.code(), "INVALID_CITIZEN_ID");
}

#[test]
fn bad_check_character_names_expected_and_found() {
    let err = CitizenId::parse("110105194912310025").expect_err("wrong check");
    assert_eq!(
        err,
        IdError::BadCheckCharacter {
            kind: KIND,
            expected: 'X',
            found: '5'
        }
    );
    assert_eq!(err.code(), "INVALID_CITIZEN_ID");
    assert_eq!(err.message_zh(), "公民身份号码校验位错误：应为X，实为5");
}

#[test]
fn impossible_birth_date_is_rejected() {
    let err = CitizenId::parse("110105194902300021").expect_err("30 February");
    assert_eq!(
        err,
        IdError::ImpossibleBirthDate {
            text: "19490230".into()
        }
    );
    assert_eq!(err.message_zh(), "公民身份号码出生日期“19490230”不存在");
    assert!(matches!(
        CitizenId::parse("110105189912310021"),
        Err(IdError::BirthYearOutOfRange { year: 1899 })
    ));
}

#[test]
fn unknown_province_is_a_citizen_id_error() {
    let err = CitizenId::parse("10010519491231002X").expect_err("province 10");
    assert_eq!(
        err,
        IdError::UnknownProvince {
            kind: KIND,
            prefix: 10
        }
    );
    assert_eq!(err.code(), "INVALID_CITIZEN_ID");
}

#[test]
fn from_parts_computes_the_check_character() {
    let id = CitizenId::from_parts(region("110105"), date(1949, 12, 31), 2).expect("valid");
    assert_eq!(id.as_str(), EXAMPLE);
    let id = CitizenId::from_parts(region("500228"), date(1990, 1, 1), 123).expect("valid");
    assert_eq!(id.sex(), Sex::Male);
    assert_eq!(CitizenId::parse(id.as_str()), Ok(id));
}

#[test]
fn from_parts_rejects_out_of_range_parts() {
    let liangping = region("500228");
    assert_eq!(
        CitizenId::from_parts(liangping, date(1990, 1, 1), 1000),
        Err(IdError::SequenceOutOfRange { sequence: 1000 })
    );
    assert_eq!(
        CitizenId::from_parts(liangping, date(1899, 12, 31), 1),
        Err(IdError::BirthYearOutOfRange { year: 1899 })
    );
    assert!(CitizenId::from_parts(liangping, date(10_000, 1, 1), 1).is_err());
}

#[test]
fn masked_hides_the_birth_date_everywhere_but_display() {
    let id = CitizenId::parse(EXAMPLE).expect("valid");
    assert_eq!(id.masked(), "110105********002X");
    assert_eq!(format!("{id:?}"), "CitizenId(110105********002X)");
}

#[test]
fn serde_round_trip_and_rejection() {
    let id = CitizenId::parse(EXAMPLE).expect("valid");
    let json = serde_json::to_string(&id).expect("serialize");
    assert_eq!(json, format!("\"{EXAMPLE}\""));
    let back: CitizenId = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, id);
    let err = serde_json::from_str::<CitizenId>("\"110105194912310025\"").expect_err("bad check");
    assert!(err.to_string().contains("check character"), "{err}");
}
