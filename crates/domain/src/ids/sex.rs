//! Sex as recorded in a citizen id (odd 17th digit = male). Maternity services need
//! it to tell the mother's id from the father's.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// The sex encoded by a citizen-id sequence digit: odd is male, even is female.
    pub fn from_sequence_digit(digit: u32) -> Sex {
        if digit % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// 男 / 女, as printed on forms.
    pub fn name_zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_lowercase() {
        assert_eq!(
            serde_json::to_string(&Sex::Female).expect("json"),
            "\"female\""
        );
        let male: Sex = serde_json::from_str("\"male\"").expect("json");
        assert_eq!(male, Sex::Male);
    }

    #[test]
    fn parity_decides() {
        assert_eq!(Sex::from_sequence_digit(3), Sex::Male);
        assert_eq!(Sex::from_sequence_digit(0), Sex::Female);
    }
}
