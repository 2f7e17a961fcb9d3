//! Facts of a real claim, derived from what departments pushed (issue 4 item 2, EX-1, MA-2).
//!
//! The store finds the records (audited) and hands them here as [`Evidence`]; [`derive`]
//! turns them into the rules' [`MaternityFacts`] when nothing is missing, and always into a
//! list of [`Fact`]s (each with its dataset and record key) and a list of [`Missing`] items,
//! each naming the department that has not pushed, the employer or person and the year or
//! date. Nothing is guessed: a field the rules need and no record gives is missing.
//!
//! Choices (docs/maternity-allowance.md, "Facts and missing data"):
//! - the region whose parameters apply is the insurance enrollment's `region_code` on the
//!   event date (where the claimant is insured, which is the fund that pays);
//! - contribution months are handed to the rules month by month, so the region's
//!   `contribution_reading` decides whether they count as unbroken (the default) or
//!   cumulative within a window (参保缴费满6个月 is read both ways by bureaus);
//! - a father's claim (paternity leave) uses his wife's delivery, found through the
//!   marriage record, and his own enrollment, employment and contributions.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::rules::maternity::MaternityFacts;
use crate::{CitizenId, RegionCode, Sex, Uscc, YearMonth};

mod sources;

use sources::{
    Collector, certificate, contributions, delivery, employment, enrollment_region,
    enrollment_status, marriage, wage,
};

/// Dataset names as the exchange spells them (contract.md, "Datasets").
pub const BIRTH_CERTIFICATES: &str = "birth-certificates";
pub const DELIVERY_RECORDS: &str = "delivery-records";
pub const EMPLOYER_WAGES: &str = "employer-wages";
pub const INSURANCE_ENROLLMENTS: &str = "insurance-enrollments";
pub const EMPLOYMENT_STATUS: &str = "employment-status";
pub const CONTRIBUTIONS: &str = "contributions";
pub const MARRIAGES: &str = "marriages";
/// The pseudo-source of a fact a clerk established from an uploaded photo.
pub const UPLOAD: &str = "upload";

/// One shared record as found: its dataset, key and content.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRecord {
    pub dataset: &'static str,
    pub key: String,
    pub content: Value,
}

/// Which of the employer's previous-year figures the employer confirmed (MA-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WageBasis {
    /// 上年度月平均工资.
    AvgWage,
    /// 上年度月平均缴费基数.
    AvgBase,
}

impl WageBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            WageBasis::AvgWage => "avg_wage",
            WageBasis::AvgBase => "avg_base",
        }
    }

    /// The basis a derivation uses: the one confirmed, else the average wage (the figure
    /// shown before the employer confirms; the rules wait for the confirmation).
    pub fn effective(confirmed: Option<WageBasis>) -> WageBasis {
        confirmed.unwrap_or(WageBasis::AvgWage)
    }

    pub fn parse(text: &str) -> Option<WageBasis> {
        [WageBasis::AvgWage, WageBasis::AvgBase]
            .into_iter()
            .find(|b| b.as_str() == text)
    }

    fn field(self) -> &'static str {
        match self {
            WageBasis::AvgWage => "avg_monthly_wage_fen",
            WageBasis::AvgBase => "avg_monthly_base_fen",
        }
    }

    fn label_zh(self) -> &'static str {
        match self {
            WageBasis::AvgWage => "月平均工资",
            WageBasis::AvgBase => "月平均缴费基数",
        }
    }
}

/// Paid contribution months before the event month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionEvidence {
    /// The month of the event (the count runs over the months before it).
    pub before: YearMonth,
    pub continuous: u32,
    pub total: u32,
    /// Month by month, the month just before the event first: whether it was paid. The
    /// rules count these under the region's reading (continuous or cumulative).
    pub paid: Vec<bool>,
    /// The keys of the records counted.
    pub keys: Vec<String>,
}

/// Everything the store found for one claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub claimant: CitizenId,
    pub employer: Uscc,
    /// The mother whose delivery is claimed for (the claimant, or a father's wife).
    pub mother: Option<CitizenId>,
    /// The marriage record that names the mother (a father's claim only).
    pub marriage: Option<SourceRecord>,
    pub certificate: Option<SourceRecord>,
    /// The certificate number a clerk read from a reviewed photo, when none was pushed.
    pub uploaded_certificate_no: Option<String>,
    pub delivery: Option<SourceRecord>,
    pub wage: Option<SourceRecord>,
    pub enrollment: Option<SourceRecord>,
    pub employment: Option<SourceRecord>,
    pub contributions: Option<ContributionEvidence>,
    pub basis: Option<WageBasis>,
}

/// One derived fact, shown to the employer and the clerk beside its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fact {
    /// Machine name (`event_type`, `employer_avg_monthly_wage_fen`, …).
    pub name: String,
    /// What it is, in Chinese.
    pub label: String,
    /// A string, a number, a boolean or an object, as the fact needs.
    pub value: Value,
    /// The dataset it came from (or `upload`).
    pub source: String,
    pub record_key: String,
}

/// Shared data that is not there, with who has not pushed what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Missing {
    pub name: String,
    pub message: String,
}

/// What [`derive`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub facts: Vec<Fact>,
    pub missing: Vec<Missing>,
    pub event_date: Option<NaiveDate>,
    pub region: Option<RegionCode>,
    /// The rules' input, when nothing is missing.
    pub maternity: Option<MaternityFacts>,
}

/// The birth date printed on a certificate (`birth_time` is RFC 3339; its date part is the
/// local date of birth as the hospital wrote it).
pub fn certificate_birth_date(certificate: &SourceRecord) -> Option<NaiveDate> {
    let text = certificate.content["birth_time"].as_str()?;
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// The delivery a claim is about: the one on the certificate's birth date, else (no
/// certificate) the latest one; a complication stay is never one (no allowance event).
pub fn choose_delivery(
    deliveries: &[SourceRecord],
    birth_date: Option<NaiveDate>,
) -> Option<&SourceRecord> {
    let mut events = deliveries.iter().filter(|d| grants_allowance(&d.content));
    match birth_date {
        Some(date) => events.find(|d| record_date(d) == Some(date)),
        None => events.max_by_key(|d| record_date(d)),
    }
}

/// Whether a `delivery-records` record is an event the allowance is paid for: every event
/// type but a complication stay (妊娠合并症/并发症住院, reimbursed at the window only).
pub fn grants_allowance(delivery: &Value) -> bool {
    delivery["event_type"] != "complication"
}

/// The event date of a claim: the delivery's, else the certificate's birth date.
pub fn event_date(
    delivery: Option<&SourceRecord>,
    certificate: Option<&SourceRecord>,
) -> Option<NaiveDate> {
    delivery
        .and_then(record_date)
        .or_else(|| certificate.and_then(certificate_birth_date))
}

fn record_date(delivery: &SourceRecord) -> Option<NaiveDate> {
    date_field(&delivery.content, "event_date")
}

fn date_field(content: &Value, field: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(content[field].as_str()?, "%Y-%m-%d").ok()
}

/// The previous year whose wage applies to an event (MA-7: 上年度).
pub fn wage_year(event_date: NaiveDate) -> i32 {
    event_date.year() - 1
}

/// Derives the facts and what is missing. Total: never fails, never guesses.
pub fn derive(e: &Evidence, case_id: &str) -> Derived {
    let mut out = Collector::default();
    let sex = e.claimant.sex();
    if sex == Sex::Male {
        marriage(e, &mut out);
    }
    let date = event_date(e.delivery.as_ref(), e.certificate.as_ref());
    certificate(e, sex, &mut out);
    let event = delivery(e, &mut out);
    let (wage, region, enrollment, employment, months) = match date {
        Some(date) => (
            wage(e, date, &mut out),
            enrollment_region(e, date, &mut out),
            enrollment_status(e, &mut out),
            employment(e, date, &mut out),
            contributions(e, date, &mut out),
        ),
        None => (None, None, None, None, None),
    };
    let maternity = match (date, event, wage, region, enrollment, employment, months) {
        (
            Some(date),
            Some((event, network)),
            Some(w),
            Some(r),
            Some((sch, ins)),
            Some(emp),
            Some(m),
        ) if out.missing.is_empty() => Some(MaternityFacts {
            case_id: case_id.to_owned(),
            claimant_sex: sex,
            event,
            event_date: date,
            region: r,
            employer_avg_monthly_wage_fen: w,
            contribution_months: m.continuous(),
            contribution_history: Some(m),
            insurance_status: ins,
            employment_status: emp,
            scheme: sch,
            settled_in_network: network,
        }),
        _ => None,
    };
    Derived {
        facts: out.facts,
        missing: out.missing,
        event_date: date,
        region,
        maternity,
    }
}

#[cfg(test)]
#[path = "derive_tests.rs"]
mod tests;
