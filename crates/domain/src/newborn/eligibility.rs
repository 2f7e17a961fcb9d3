//! Acceptance by rule (附件2 三 受理条件, 五(二) 受理; NB-3, NB-5). Every failed condition
//! and every missing material is reported at once. A condition that shared data cannot
//! establish is a missing material, not a refusal; a refusal wins over a supplement.
//! A material a clerk has checked establishes the condition it stands for: a clerk who
//! finds that it fails the condition refuses the application instead.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ids::{CitizenId, RegionCode, Sex};

/// What the birth certificate (or, without one, the delivery record) says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthFacts {
    pub born_on: NaiveDate,
    /// `birth_region` of the certificate; `None` from a delivery record (its hospital's
    /// region is not in shared data), so the birthplace then needs the 产时记录页.
    pub region: Option<RegionCode>,
    /// The mother the record names.
    pub mother_id: String,
}

/// A parent's household registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdFacts {
    /// ISO 3166 alpha-3; `CHN` for a Chinese citizen.
    pub nationality: String,
    pub region: RegionCode,
    pub ethnicity: String,
}

/// The parents' marriage as civil affairs recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarriageFacts {
    /// No record of this couple.
    Unknown,
    Married {
        since: NaiveDate,
    },
    /// The couple's marriage (registered `since`) ended in divorce on a date the dataset
    /// does not carry: whether they were married at the birth is unknown.
    Divorced {
        since: NaiveDate,
    },
}

/// Everything the rules need, derived from shared data by the services layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewbornFacts {
    /// The mother named on the form (the applicant, or the one a clerk files for).
    pub applicant: CitizenId,
    pub birth: Option<BirthFacts>,
    pub mother: Option<HouseholdFacts>,
    pub father: Option<HouseholdFacts>,
    pub marriage: MarriageFacts,
    /// Materials uploaded and checked by a clerk.
    pub supplied: Vec<MissingMaterial>,
}

/// A failed condition (contract: `reasons`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefusalReason {
    NotTheMother,
    BornOutsideCity,
    ParentNotCitizen,
    NoLocalHousehold,
    NotInWedlock,
    AppliedTooLate,
}

impl RefusalReason {
    pub const ALL: [RefusalReason; 6] = [
        RefusalReason::NotTheMother,
        RefusalReason::BornOutsideCity,
        RefusalReason::ParentNotCitizen,
        RefusalReason::NoLocalHousehold,
        RefusalReason::NotInWedlock,
        RefusalReason::AppliedTooLate,
    ];

    pub fn parse(code: &str) -> Option<RefusalReason> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            RefusalReason::NotTheMother => "NOT_THE_MOTHER",
            RefusalReason::BornOutsideCity => "BORN_OUTSIDE_CITY",
            RefusalReason::ParentNotCitizen => "PARENT_NOT_CITIZEN",
            RefusalReason::NoLocalHousehold => "NO_LOCAL_HOUSEHOLD",
            RefusalReason::NotInWedlock => "NOT_IN_WEDLOCK",
            RefusalReason::AppliedTooLate => "APPLIED_TOO_LATE",
        }
    }

    /// The reason as the refusal notice states it, with its source in seed 003.
    pub fn message_zh(self) -> &'static str {
        match self {
            RefusalReason::NotTheMother => "须由新生儿母亲申请（附件2 三(一)）",
            RefusalReason::BornOutsideCity => {
                "新生儿须在本市具备接产资质的医疗机构内出生（附件2 三(二)）"
            }
            RefusalReason::ParentNotCitizen => {
                "父母双方须为中国公民，暂不包括港澳台同胞、侨胞及外籍人员（附件2 三(三)）"
            }
            RefusalReason::NoLocalHousehold => "父母至少一方须为本市户籍（附件2 三(三)）",
            RefusalReason::NotInWedlock => "须为婚内生育的新生儿（附件2 三(三)）",
            RefusalReason::AppliedTooLate => "须在新生儿出生1个月内提出申请（附件2 三(六)）",
        }
    }
}

/// A material shared data could not replace (contract: `missing`, 附件2 四).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MissingMaterial {
    BirthRecord,
    HouseholdRegisterMother,
    HouseholdRegisterFather,
    MarriageCertificate,
}

impl MissingMaterial {
    pub const ALL: [MissingMaterial; 4] = [
        MissingMaterial::BirthRecord,
        MissingMaterial::HouseholdRegisterMother,
        MissingMaterial::HouseholdRegisterFather,
        MissingMaterial::MarriageCertificate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MissingMaterial::BirthRecord => "BIRTH_RECORD",
            MissingMaterial::HouseholdRegisterMother => "HOUSEHOLD_REGISTER_MOTHER",
            MissingMaterial::HouseholdRegisterFather => "HOUSEHOLD_REGISTER_FATHER",
            MissingMaterial::MarriageCertificate => "MARRIAGE_CERTIFICATE",
        }
    }

    pub fn parse(code: &str) -> Option<MissingMaterial> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    /// What to upload, as the one-time notice (一次性告知书) lists it.
    pub fn message_zh(self) -> &'static str {
        match self {
            MissingMaterial::BirthRecord => {
                "《母子健康手册》产时记录页（原件扫描或拍照）：未能从共享数据核实新生儿的出生医学证明或出生地点"
            }
            MissingMaterial::HouseholdRegisterMother => {
                "母亲的居民户口簿首页、户主页、本人页（原件扫描或拍照）：未能从共享数据核实母亲户籍"
            }
            MissingMaterial::HouseholdRegisterFather => {
                "父亲的居民户口簿首页、户主页、本人页（原件扫描或拍照）：未能从共享数据核实父亲户籍"
            }
            MissingMaterial::MarriageCertificate => {
                "父母双方结婚证首页、主页（原件扫描或拍照）：未能从共享数据核实父母在新生儿出生时的婚姻登记"
            }
        }
    }
}

/// The verdict: every failed condition and every missing material.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Acceptance {
    pub reasons: Vec<RefusalReason>,
    pub missing: Vec<MissingMaterial>,
}

/// What the window does with the verdict (附件2 五(二)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Accept,
    Supplement,
    Refuse,
}

impl Acceptance {
    pub fn outcome(&self) -> Outcome {
        if !self.reasons.is_empty() {
            Outcome::Refuse
        } else if !self.missing.is_empty() {
            Outcome::Supplement
        } else {
            Outcome::Accept
        }
    }
}

/// The last day to apply: the same day number of the next month, or that month's last day
/// (contract, "within one month of the birth").
pub fn application_deadline(born_on: NaiveDate) -> NaiveDate {
    // `checked_add_months` clamps to the month's last day (31 Jan → 28/29 Feb).
    born_on
        .checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

/// Decides acceptance for `facts` in `city` (GB/T 2260; its counties included) on `today`.
pub fn decide(facts: &NewbornFacts, city: RegionCode, today: NaiveDate) -> Acceptance {
    let mut out = Acceptance::default();
    let supplied = |m: MissingMaterial| facts.supplied.contains(&m);
    birth_rules(facts, city, today, &supplied, &mut out);
    parent_rules(facts, city, &supplied, &mut out);
    wedlock_rule(facts, &supplied, &mut out);
    out.reasons.sort();
    out.reasons.dedup();
    out.missing.sort();
    out.missing.dedup();
    out
}

fn birth_rules(
    facts: &NewbornFacts,
    city: RegionCode,
    today: NaiveDate,
    supplied: &dyn Fn(MissingMaterial) -> bool,
    out: &mut Acceptance,
) {
    if facts.applicant.sex() != Sex::Female {
        out.reasons.push(RefusalReason::NotTheMother);
    }
    let Some(birth) = &facts.birth else {
        if !supplied(MissingMaterial::BirthRecord) {
            out.missing.push(MissingMaterial::BirthRecord);
        }
        return;
    };
    if birth.mother_id != facts.applicant.as_str() {
        out.reasons.push(RefusalReason::NotTheMother);
    }
    match birth.region {
        Some(region) if !region.is_within(city) => out.reasons.push(RefusalReason::BornOutsideCity),
        Some(_) => {}
        None if supplied(MissingMaterial::BirthRecord) => {}
        None => out.missing.push(MissingMaterial::BirthRecord),
    }
    if today > application_deadline(birth.born_on) {
        out.reasons.push(RefusalReason::AppliedTooLate);
    }
}

fn parent_rules(
    facts: &NewbornFacts,
    city: RegionCode,
    supplied: &dyn Fn(MissingMaterial) -> bool,
    out: &mut Acceptance,
) {
    let parents = [
        (&facts.mother, MissingMaterial::HouseholdRegisterMother),
        (&facts.father, MissingMaterial::HouseholdRegisterFather),
    ];
    // Whether some parent is (or, by a checked register, is taken to be) local.
    let mut local = false;
    let mut unknown = false;
    for (record, material) in parents {
        match record {
            Some(h) => {
                if h.nationality != "CHN" {
                    out.reasons.push(RefusalReason::ParentNotCitizen);
                }
                local |= h.region.is_within(city);
            }
            None if supplied(material) => local = true,
            None => {
                unknown = true;
                out.missing.push(material);
            }
        }
    }
    if !local && !unknown {
        out.reasons.push(RefusalReason::NoLocalHousehold);
    }
}

fn wedlock_rule(
    facts: &NewbornFacts,
    supplied: &dyn Fn(MissingMaterial) -> bool,
    out: &mut Acceptance,
) {
    let born_on = facts.birth.as_ref().map(|b| b.born_on);
    match facts.marriage {
        MarriageFacts::Married { since } => {
            if born_on.is_some_and(|born| since > born) {
                out.reasons.push(RefusalReason::NotInWedlock);
            }
        }
        // Divorced before the birth (or married only after it): not in wedlock.
        MarriageFacts::Divorced { since } if born_on.is_some_and(|born| since > born) => {
            out.reasons.push(RefusalReason::NotInWedlock);
        }
        MarriageFacts::Divorced { .. } | MarriageFacts::Unknown => {
            if !supplied(MissingMaterial::MarriageCertificate) {
                out.missing.push(MissingMaterial::MarriageCertificate);
            }
        }
    }
}
