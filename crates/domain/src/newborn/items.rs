//! The bundle's seven items (NB-1) and where a finished item's result goes (NB-7, EX-6).
//! Limits and dependencies are the catalogue's (`data/catalog/bundles.toml`); this module
//! only names the items the rules refer to and the departments the seed sends results to.

use crate::department::DepartmentKind;

/// An item of the newborn bundle the rules refer to by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NewbornItem {
    BirthCertificate,
    Vaccination,
    BirthRegistration,
    SocialSecurityCard,
    MaternityReimbursement,
    ResidentEnrollment,
    ParentingGuidance,
}

/// The seven items, in the order the family sees them.
pub const ITEMS: [NewbornItem; 7] = [
    NewbornItem::BirthCertificate,
    NewbornItem::Vaccination,
    NewbornItem::BirthRegistration,
    NewbornItem::ResidentEnrollment,
    NewbornItem::MaternityReimbursement,
    NewbornItem::SocialSecurityCard,
    NewbornItem::ParentingGuidance,
];

impl NewbornItem {
    pub fn code(self) -> &'static str {
        match self {
            NewbornItem::BirthCertificate => "HEALTH-BIRTH-CERT",
            NewbornItem::Vaccination => "CDC-VACCINATION-CERT",
            NewbornItem::BirthRegistration => "POLICE-BIRTH-REGISTRATION",
            NewbornItem::SocialSecurityCard => "HR-SSCARD",
            NewbornItem::MaternityReimbursement => "PS-07",
            NewbornItem::ResidentEnrollment => "PS-36",
            NewbornItem::ParentingGuidance => "HEALTH-PARENTING",
        }
    }

    pub fn parse(code: &str) -> Option<NewbornItem> {
        ITEMS.into_iter().find(|i| i.code() == code)
    }

    /// The family-facing name (附件1 办理事项).
    pub fn label_zh(self) -> &'static str {
        match self {
            NewbornItem::BirthCertificate => "出生医学证明办理（首签）",
            NewbornItem::Vaccination => "预防接种证办理",
            NewbornItem::BirthRegistration => "出生登记",
            NewbornItem::SocialSecurityCard => "社会保障卡申领",
            NewbornItem::MaternityReimbursement => "生育医疗费用报销",
            NewbornItem::ResidentEnrollment => "居民医保参保登记",
            NewbornItem::ParentingGuidance => "科学育儿指导服务登记",
        }
    }

    /// Whether the item ends in a physical certificate the family collects or receives by
    /// mail (附件2 七(一)): the rest are electronic results only.
    pub fn is_physical(self) -> bool {
        matches!(
            self,
            NewbornItem::BirthCertificate
                | NewbornItem::Vaccination
                | NewbornItem::BirthRegistration
                | NewbornItem::SocialSecurityCard
        )
    }

    /// Where and how the family collects the physical result on pickup (附件2 七(一)).
    pub fn pickup_place_zh(self) -> Option<&'static str> {
        match self {
            NewbornItem::BirthCertificate => Some("签发机构（出生医院）出生医学证明窗口"),
            NewbornItem::Vaccination => Some("新生儿出生的助产机构接种门诊"),
            NewbornItem::BirthRegistration => {
                Some("新生儿户籍所在派出所（父母持居民户口簿、居民身份证打印户口簿）")
            }
            NewbornItem::SocialSecurityCard => {
                Some("领卡短信所列网点（代领人持本人身份证和新生儿户口簿原件）")
            }
            _ => None,
        }
    }
}

/// The departments, beyond the items that depend on it, that receive an item's result
/// (附件2 五(三)): the certificate goes to public security (1(1)); the registration result
/// to medical insurance and HR (3(1)); the enrollment result to tax and HR (4(1)).
pub fn result_recipients(item: NewbornItem) -> &'static [DepartmentKind] {
    match item {
        NewbornItem::BirthCertificate => &[DepartmentKind::PublicSecurity],
        NewbornItem::BirthRegistration => &[DepartmentKind::MedicalInsurance, DepartmentKind::Hr],
        NewbornItem::ResidentEnrollment => &[DepartmentKind::Tax, DepartmentKind::Hr],
        _ => &[],
    }
}
