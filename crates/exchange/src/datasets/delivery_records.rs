//! `delivery-records` (分娩及生育医疗结算记录), pushed by designated hospitals; key
//! `record_id`.

use chrono::NaiveDate;
use onething_domain::{CitizenId, Fen};
use serde::{Deserialize, Serialize};

use super::reader::Fields;
use super::record::Index;
use super::{FieldCode, FieldType, Schema};

/// What happened (contract `event_type`; the maternity rules use the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryEventType {
    Vaginal,
    Cesarean,
    Dystocia,
    Miscarriage,
    Induced,
    FamilyPlanningSurgery,
    /// 妊娠合并症/并发症住院 (an addition to the contract's values, seed 002 三(一)2): a
    /// hospital stay for a complication of pregnancy or of a family-planning operation.
    /// Reimbursed at the window; no allowance is derived from it.
    Complication,
}

impl DeliveryEventType {
    /// A birth needs at least one baby; a miscarriage or surgery has none.
    pub fn is_birth(self) -> bool {
        matches!(self, Self::Vaginal | Self::Cesarean | Self::Dystocia)
    }
}

const EVENT_TYPES: &[(&str, DeliveryEventType)] = &[
    ("vaginal", DeliveryEventType::Vaginal),
    ("cesarean", DeliveryEventType::Cesarean),
    ("dystocia", DeliveryEventType::Dystocia),
    ("miscarriage", DeliveryEventType::Miscarriage),
    ("induced", DeliveryEventType::Induced),
    (
        "family_planning_surgery",
        DeliveryEventType::FamilyPlanningSurgery,
    ),
    ("complication", DeliveryEventType::Complication),
];

/// Which family-planning operation (an addition to the contract's fields: the rules
/// grant leave by procedure, so a hospital may say which).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FamilyPlanningProcedure {
    IudInsertion,
    IudRemoval,
    TubalLigation,
    Vasectomy,
}

const PROCEDURES: &[(&str, FamilyPlanningProcedure)] = &[
    ("iud_insertion", FamilyPlanningProcedure::IudInsertion),
    ("iud_removal", FamilyPlanningProcedure::IudRemoval),
    ("tubal_ligation", FamilyPlanningProcedure::TubalLigation),
    ("vasectomy", FamilyPlanningProcedure::Vasectomy),
];

/// One delivery or maternity medical event and its settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    pub record_id: String,
    pub institution_code: String,
    pub person_id: CitizenId,
    pub admitted_on: NaiveDate,
    pub discharged_on: NaiveDate,
    pub event_date: NaiveDate,
    pub event_type: DeliveryEventType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<FamilyPlanningProcedure>,
    pub babies: u8,
    /// Absent only for family-planning surgery, where there is no pregnancy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pregnancy_weeks: Option<u8>,
    pub settled_in_network: bool,
    pub total_cost_fen: Fen,
    pub fund_paid_fen: Fen,
}

impl Schema for DeliveryRecord {
    const FIELDS: &'static [(&'static str, FieldType)] = &[
        ("record_id", FieldType::Text),
        ("institution_code", FieldType::Text),
        ("person_id", FieldType::Text),
        ("admitted_on", FieldType::Date),
        ("discharged_on", FieldType::Date),
        ("event_date", FieldType::Date),
        ("event_type", FieldType::Text),
        ("procedure", FieldType::Text),
        ("babies", FieldType::Integer),
        ("pregnancy_weeks", FieldType::Integer),
        ("settled_in_network", FieldType::Bool),
        ("total_cost_fen", FieldType::Integer),
        ("fund_paid_fen", FieldType::Integer),
    ];
    const KEY: &'static [&'static str] = &["record_id"];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let record_id = f.text("record_id", 64);
        let institution_code = f.text("institution_code", 64);
        let person_id = f.citizen_id("person_id");
        let admitted_on = f.date("admitted_on");
        let discharged_on = f.date("discharged_on");
        let event_date = f.date("event_date");
        let event_type = f.choice("event_type", EVENT_TYPES);
        let procedure = f.optional_choice("procedure", PROCEDURES);
        let babies = f.count("babies", 0..=9);
        let pregnancy_weeks = read_pregnancy_weeks(f, event_type);
        let settled_in_network = f.boolean("settled_in_network");
        let total_cost_fen = f.fen("total_cost_fen");
        let fund_paid_fen = f.fen("fund_paid_fen");
        let record = Self {
            record_id: record_id?,
            institution_code: institution_code?,
            person_id: person_id?,
            admitted_on: admitted_on?,
            discharged_on: discharged_on?,
            event_date: event_date?,
            event_type: event_type?,
            procedure,
            babies: babies?,
            pregnancy_weeks: pregnancy_weeks?,
            settled_in_network: settled_in_network?,
            total_cost_fen: total_cost_fen?,
            fund_paid_fen: fund_paid_fen?,
        };
        record.check_consistency(f).then_some(record)
    }

    fn index(&self) -> Index {
        Index {
            key: self.record_id.clone(),
            subject_id: Some(self.person_id.to_string()),
            other_id: None,
            employer_uscc: None,
            event_date: Some(self.event_date),
        }
    }
}

/// Required unless the event is a family-planning surgery or a complication stay (which
/// may follow an operation rather than a pregnancy), or unknown (then the event type's
/// own error is enough).
fn read_pregnancy_weeks(
    f: &mut Fields<'_>,
    event_type: Option<DeliveryEventType>,
) -> Option<Option<u8>> {
    let optional = matches!(
        event_type,
        None | Some(DeliveryEventType::FamilyPlanningSurgery | DeliveryEventType::Complication)
    );
    if optional && !f.has("pregnancy_weeks") {
        return Some(None);
    }
    f.count("pregnancy_weeks", 1..=45).map(Some)
}

impl DeliveryRecord {
    /// Reports every inconsistency between fields; true if there is none.
    fn check_consistency(&self, f: &mut Fields<'_>) -> bool {
        let mut ok = true;
        let mut fail = |field: &str, message: String| {
            f.report(field, FieldCode::OutOfRange, message);
            ok = false;
        };
        if self.discharged_on < self.admitted_on {
            fail(
                "discharged_on",
                format!(
                    "字段 discharged_on：出院日期{}早于入院日期{}",
                    self.discharged_on, self.admitted_on
                ),
            );
        }
        if self.event_type.is_birth() && self.babies == 0 {
            fail(
                "babies",
                "字段 babies：分娩记录的胎儿数应至少为1".to_owned(),
            );
        }
        if self.fund_paid_fen > self.total_cost_fen {
            fail(
                "fund_paid_fen",
                format!(
                    "字段 fund_paid_fen：基金支付{}分超过总费用{}分",
                    self.fund_paid_fen.as_i64(),
                    self.total_cost_fen.as_i64()
                ),
            );
        }
        if self.procedure.is_some() && self.event_type != DeliveryEventType::FamilyPlanningSurgery {
            fail(
                "procedure",
                "字段 procedure：仅计划生育手术记录可填写手术类型".to_owned(),
            );
        }
        ok
    }
}
