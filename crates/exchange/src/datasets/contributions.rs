//! `contributions` (医保缴费记录), pushed by medical insurance or tax; key
//! `person_id|month`.

use onething_domain::{CitizenId, Fen, Uscc, YearMonth};
use serde::{Deserialize, Serialize};

use super::reader::Fields;
use super::record::Index;
use super::{FieldType, KEY_SEPARATOR, Schema};

/// One month's contribution for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    pub person_id: CitizenId,
    pub employer_uscc: Uscc,
    pub month: YearMonth,
    pub base_fen: Fen,
    pub paid: bool,
}

impl Schema for Contribution {
    const FIELDS: &'static [(&'static str, FieldType)] = &[
        ("person_id", FieldType::Text),
        ("employer_uscc", FieldType::Text),
        ("month", FieldType::Month),
        ("base_fen", FieldType::Integer),
        ("paid", FieldType::Bool),
    ];
    const KEY: &'static [&'static str] = &["person_id", "month"];

    fn read(f: &mut Fields<'_>) -> Option<Self> {
        let person_id = f.citizen_id("person_id");
        let employer_uscc = f.uscc("employer_uscc");
        // Medical insurance for employees began in the 1990s; earlier months are typos.
        let month = f.month("month", 1990..=2100);
        let base_fen = f.fen("base_fen");
        let paid = f.boolean("paid");
        Some(Self {
            person_id: person_id?,
            employer_uscc: employer_uscc?,
            month: month?,
            base_fen: base_fen?,
            paid: paid?,
        })
    }

    fn index(&self) -> Index {
        Index {
            key: format!("{}{KEY_SEPARATOR}{}", self.person_id, self.month),
            subject_id: Some(self.person_id.to_string()),
            other_id: None,
            employer_uscc: Some(self.employer_uscc.to_string()),
            event_date: Some(self.month.first_day()),
        }
    }
}
