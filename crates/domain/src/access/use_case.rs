//! The one policy table: which roles may do which use case. The services layer asks it
//! before anything else, so a page and its API answer the same to the same user (403
//! `FORBIDDEN` outside the table). Which records a permitted user reaches is the scope's
//! business (`policy::can_see_*`, 404 outside it).
//!
//! Administrators configure the platform (users, departments, keys, catalogue,
//! parameters) and read everything; they do no clerk's, employer's or department's work:
//! an action taken on a case or a claim is recorded under the role that is accountable
//! for it, and an administrator is accountable for none (`Role::actor_role` is `None`).

use serde::Serialize;

use super::role::Role;

/// Something a user asks the platform to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UseCase {
    // Maternity allowance (生育津贴, MA-2..MA-6).
    /// The employer's proactive offers (employees with a pushed birth and no claim).
    ViewOffers,
    /// Open a claim online (employer) or at the window (agency clerk).
    OpenClaim,
    /// Open a claim on an employer's behalf at a window (the 授权确认表 recorded).
    FileAtWindow,
    ConfirmWage,
    AttachPhoto,
    SubmitClaim,
    /// Approve or reject a claim in review (agency clerk; four eyes).
    ReviewClaim,
    ViewClaims,
    PrintApplicationForm,
    /// The clerk's person look-up (参保人查询) at the window.
    LookupPerson,
    /// The employer's bank account on file.
    ManageEmployerAccount,
    /// A failed payment's account corrected (employer, or the clerk at the window).
    CorrectPaymentAccount,
    ViewDuplicateAttempts,
    ViewNotifications,
    /// 免申即享: the platform opens and decides the claims of pushed births itself (the
    /// agency's platform account: the command line and the server's schedule).
    RunAutomaticClaims,
    /// The employer's standing consent to 免申即享 where the region has not turned it on
    /// for every employer (given or withdrawn by the employer itself).
    ManageAutomaticConsent,
    // Settlement and payment (MA-5).
    Settle,
    ViewSettlements,
    DownloadPaymentFile,
    ImportBankResults,
    ViewLatePayments,
    // Cases (办件) on the case engine.
    ViewCases,
    /// The overdue and near-due list (SV-3).
    ViewDue,
    // Newborn bundle (新生儿出生一件事, NB-1..NB-12).
    /// File the one form: the mother online, the hospital clerk at the window for her.
    ApplyNewborn,
    ViewNewbornApplications,
    /// Upload a material a one-time notice asked for.
    SupplyMaterial,
    /// Accept an application after checking the supplied materials.
    AcceptApplication,
    /// Refuse an application after checking the supplied materials.
    RefuseApplication,
    /// A department completes one of its items with its result (officer or system).
    CompleteItem,
    /// A department denies one of its items with a reason.
    DenyItem,
    /// The applicant withdraws what no department has started yet.
    WithdrawCase,
    /// 好差评: the applicant rates a finished case (NB-12).
    RateCase,
    /// A department's queue of its items.
    ViewDepartmentQueue,
    /// The certificate counterfoils' quarterly handover (NB-11).
    ViewCounterfoils,
    /// The hospital records handing counterfoils over; the police station receiving them.
    ConfirmCounterfoil,
    // Supervision and evaluation (SV-1, SV-2; seed 004).
    /// Every bad rating's rectification task (supervisors; officers their department's).
    ViewRectifications,
    /// The owner department's officers record the investigation and the rectification.
    HandleRectification,
    /// The supervisor records the revisit (回访) that closes a rectification.
    RevisitRectification,
    /// A clerk records a window visit on a case (跑动次数).
    RecordVisit,
    ViewVisits,
    /// The window's 取号/叫号 queue: issue a ticket, see the office's queue, serve a
    /// ticket (SV-4: the elderly and disabled first). The agency's service hall only: a
    /// hospital window serves the patients of its ward, not a hall of callers.
    WindowQueue,
    /// Publish home-visit slots (预约上门服务) for an office (SV-4).
    PublishHomeVisitSlots,
    /// Book or cancel a home visit for a case: its applicant, or a clerk on her behalf.
    BookHomeVisit,
    ViewHomeVisits,
    /// The measures of a period (supervisor, admin).
    ViewMeasures,
    /// The periodic reports (周通报、月考评、季分析、年考核): list and download (supervisor, admin).
    ViewPeriodReports,
    /// A citizen or employer files a complaint (投诉).
    FileComplaint,
    ViewComplaints,
    /// The office answers a complaint.
    AnswerComplaint,
    /// A supervisor urges (催办) an open item, recorded on its case (SV-3).
    UrgeItem,
    /// Record or remove a 信用记录 entry (SV-5).
    ManageCreditRecords,
    ViewCreditRecords,
    /// Change a catalogue item's flags or limit: a new catalogue version (SC-1).
    EditCatalog,
    // Hospital window (生育保险报销一事联办, RB-1..RB-7).
    /// File the unemployed spouse of an insured man (备案登记, RB-2).
    FileSpouse,
    /// Read spouse filings (the hospital its own, clerks and supervisors their region's).
    ViewSpouseFilings,
    /// Settle the maternity medical costs at the window (RB-3).
    ReimburseAtWindow,
    /// Read window reimbursements (the hospital its own, clerks and supervisors theirs).
    ViewReimbursements,
    /// 卫健局 审核计划生育情况: the health department confirms or denies a hospital claim.
    ReviewFamilyPlanning,
    // Platform configuration.
    /// Load a year's holiday notice at run time (provisional due dates recomputed).
    LoadCalendarNotice,
}

use Role::{Admin, AgencyClerk, DeptOfficer, Employer, HospitalClerk, Person, Supervisor};

/// The table. A use case missing here is refused to everyone (the table test checks that
/// every use case has at least one role).
const TABLE: &[(UseCase, &[Role])] = &[
    (UseCase::ViewOffers, &[Employer]),
    (UseCase::OpenClaim, &[Employer, AgencyClerk, HospitalClerk]),
    (UseCase::FileAtWindow, &[AgencyClerk]),
    (
        UseCase::ConfirmWage,
        &[Employer, AgencyClerk, HospitalClerk],
    ),
    (
        UseCase::AttachPhoto,
        &[Employer, AgencyClerk, HospitalClerk],
    ),
    (
        UseCase::SubmitClaim,
        &[Employer, AgencyClerk, HospitalClerk],
    ),
    (UseCase::ReviewClaim, &[AgencyClerk]),
    (
        UseCase::ViewClaims,
        &[
            Employer,
            AgencyClerk,
            HospitalClerk,
            Person,
            Supervisor,
            Admin,
        ],
    ),
    (UseCase::PrintApplicationForm, &[Employer, AgencyClerk]),
    (UseCase::LookupPerson, &[AgencyClerk]),
    (UseCase::ManageEmployerAccount, &[Employer]),
    (UseCase::CorrectPaymentAccount, &[Employer, AgencyClerk]),
    (UseCase::ViewDuplicateAttempts, &[Supervisor, Admin]),
    (
        UseCase::ViewNotifications,
        &[
            Employer,
            Person,
            AgencyClerk,
            HospitalClerk,
            DeptOfficer,
            Supervisor,
            Admin,
        ],
    ),
    (UseCase::RunAutomaticClaims, &[AgencyClerk]),
    (UseCase::ManageAutomaticConsent, &[Employer]),
    (UseCase::Settle, &[AgencyClerk]),
    (UseCase::ViewSettlements, &[AgencyClerk, Admin]),
    (UseCase::DownloadPaymentFile, &[AgencyClerk]),
    (UseCase::ImportBankResults, &[AgencyClerk]),
    (UseCase::ViewLatePayments, &[AgencyClerk, Supervisor, Admin]),
    (UseCase::ViewCases, &Role::ALL),
    (UseCase::ViewDue, &[Supervisor, Admin]),
    (UseCase::ApplyNewborn, &[Person, HospitalClerk]),
    (
        UseCase::ViewNewbornApplications,
        &[Person, HospitalClerk, AgencyClerk, Supervisor, Admin],
    ),
    (UseCase::SupplyMaterial, &[Person, HospitalClerk]),
    (UseCase::AcceptApplication, &[HospitalClerk, AgencyClerk]),
    (UseCase::RefuseApplication, &[HospitalClerk, AgencyClerk]),
    (UseCase::CompleteItem, &[DeptOfficer]),
    (UseCase::DenyItem, &[DeptOfficer]),
    (UseCase::WithdrawCase, &[Person]),
    (UseCase::RateCase, &[Person]),
    (UseCase::ViewDepartmentQueue, &[DeptOfficer]),
    (
        UseCase::ViewCounterfoils,
        &[HospitalClerk, DeptOfficer, Supervisor, Admin],
    ),
    (UseCase::ConfirmCounterfoil, &[HospitalClerk, DeptOfficer]),
    (UseCase::FileSpouse, &[HospitalClerk]),
    (
        UseCase::ViewSpouseFilings,
        &[HospitalClerk, AgencyClerk, Supervisor, Admin],
    ),
    (UseCase::ReimburseAtWindow, &[HospitalClerk]),
    (
        UseCase::ViewReimbursements,
        &[HospitalClerk, AgencyClerk, Supervisor, Admin],
    ),
    (UseCase::ReviewFamilyPlanning, &[DeptOfficer]),
    (UseCase::LoadCalendarNotice, &[Admin]),
    (
        UseCase::ViewRectifications,
        &[Supervisor, DeptOfficer, Admin],
    ),
    (UseCase::HandleRectification, &[DeptOfficer]),
    (UseCase::RevisitRectification, &[Supervisor]),
    (UseCase::RecordVisit, &[AgencyClerk, HospitalClerk]),
    (
        UseCase::ViewVisits,
        &[AgencyClerk, HospitalClerk, Supervisor, Admin],
    ),
    (UseCase::WindowQueue, &[AgencyClerk]),
    (UseCase::PublishHomeVisitSlots, &[AgencyClerk, Supervisor]),
    (UseCase::BookHomeVisit, &[Person, AgencyClerk]),
    (UseCase::ViewHomeVisits, &[Person, AgencyClerk, Supervisor]),
    (UseCase::ViewMeasures, &[Supervisor, Admin]),
    (UseCase::ViewPeriodReports, &[Supervisor, Admin]),
    (UseCase::FileComplaint, &[Person, Employer]),
    (
        UseCase::ViewComplaints,
        &[Person, Employer, AgencyClerk, Supervisor, Admin],
    ),
    (UseCase::AnswerComplaint, &[AgencyClerk, Supervisor]),
    (UseCase::UrgeItem, &[Supervisor]),
    (UseCase::ManageCreditRecords, &[Supervisor]),
    (UseCase::ViewCreditRecords, &[Supervisor, Admin]),
    (UseCase::EditCatalog, &[Admin]),
];

impl UseCase {
    pub const ALL: [UseCase; 59] = [
        UseCase::ViewOffers,
        UseCase::OpenClaim,
        UseCase::FileAtWindow,
        UseCase::ConfirmWage,
        UseCase::AttachPhoto,
        UseCase::SubmitClaim,
        UseCase::ReviewClaim,
        UseCase::ViewClaims,
        UseCase::PrintApplicationForm,
        UseCase::LookupPerson,
        UseCase::ManageEmployerAccount,
        UseCase::CorrectPaymentAccount,
        UseCase::ViewDuplicateAttempts,
        UseCase::ViewNotifications,
        UseCase::RunAutomaticClaims,
        UseCase::ManageAutomaticConsent,
        UseCase::Settle,
        UseCase::ViewSettlements,
        UseCase::DownloadPaymentFile,
        UseCase::ImportBankResults,
        UseCase::ViewLatePayments,
        UseCase::ViewCases,
        UseCase::ViewDue,
        UseCase::ApplyNewborn,
        UseCase::ViewNewbornApplications,
        UseCase::SupplyMaterial,
        UseCase::AcceptApplication,
        UseCase::RefuseApplication,
        UseCase::CompleteItem,
        UseCase::DenyItem,
        UseCase::WithdrawCase,
        UseCase::RateCase,
        UseCase::ViewDepartmentQueue,
        UseCase::ViewCounterfoils,
        UseCase::ConfirmCounterfoil,
        UseCase::FileSpouse,
        UseCase::ViewSpouseFilings,
        UseCase::ReimburseAtWindow,
        UseCase::ViewReimbursements,
        UseCase::ReviewFamilyPlanning,
        UseCase::LoadCalendarNotice,
        UseCase::ViewRectifications,
        UseCase::HandleRectification,
        UseCase::RevisitRectification,
        UseCase::RecordVisit,
        UseCase::ViewVisits,
        UseCase::WindowQueue,
        UseCase::PublishHomeVisitSlots,
        UseCase::BookHomeVisit,
        UseCase::ViewHomeVisits,
        UseCase::ViewMeasures,
        UseCase::ViewPeriodReports,
        UseCase::FileComplaint,
        UseCase::ViewComplaints,
        UseCase::AnswerComplaint,
        UseCase::UrgeItem,
        UseCase::ManageCreditRecords,
        UseCase::ViewCreditRecords,
        UseCase::EditCatalog,
    ];

    /// The roles the table permits.
    pub fn roles(self) -> &'static [Role] {
        TABLE
            .iter()
            .find(|(case, _)| *case == self)
            .map_or(&[], |(_, roles)| roles)
    }

    pub fn permits(self, role: Role) -> bool {
        self.roles().contains(&role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_use_case_is_in_the_table_once_and_allows_someone() {
        for case in UseCase::ALL {
            let rows = TABLE.iter().filter(|(c, _)| *c == case).count();
            assert_eq!(rows, 1, "{case:?} must have exactly one row");
            assert!(!case.roles().is_empty(), "{case:?} allows nobody");
        }
        assert_eq!(TABLE.len(), UseCase::ALL.len());
    }

    #[test]
    fn administrators_read_but_do_no_clerks_or_employers_work() {
        let work = [
            UseCase::OpenClaim,
            UseCase::FileAtWindow,
            UseCase::ConfirmWage,
            UseCase::AttachPhoto,
            UseCase::SubmitClaim,
            UseCase::ReviewClaim,
            UseCase::Settle,
            UseCase::RunAutomaticClaims,
            UseCase::ImportBankResults,
            UseCase::DownloadPaymentFile,
            UseCase::LookupPerson,
            UseCase::CorrectPaymentAccount,
        ];
        for case in work {
            assert!(!case.permits(Role::Admin), "{case:?}");
        }
        for case in [
            UseCase::ViewClaims,
            UseCase::ViewSettlements,
            UseCase::ViewDue,
        ] {
            assert!(case.permits(Role::Admin), "{case:?}");
        }
    }

    #[test]
    fn only_the_mother_rates_and_withdraws_and_only_departments_decide_items() {
        for role in Role::ALL {
            let person = role == Role::Person;
            assert_eq!(UseCase::RateCase.permits(role), person, "{role}");
            assert_eq!(UseCase::WithdrawCase.permits(role), person, "{role}");
            let officer = role == Role::DeptOfficer;
            assert_eq!(UseCase::CompleteItem.permits(role), officer, "{role}");
            assert_eq!(UseCase::DenyItem.permits(role), officer, "{role}");
            let window = matches!(role, Role::HospitalClerk | Role::AgencyClerk);
            assert_eq!(UseCase::AcceptApplication.permits(role), window, "{role}");
        }
        assert!(UseCase::ApplyNewborn.permits(Role::HospitalClerk));
        assert!(!UseCase::ApplyNewborn.permits(Role::Admin));
    }

    #[test]
    fn only_agency_clerks_review_and_settle() {
        for role in Role::ALL {
            let clerk = role == Role::AgencyClerk;
            assert_eq!(UseCase::ReviewClaim.permits(role), clerk, "{role}");
            assert_eq!(UseCase::Settle.permits(role), clerk, "{role}");
            let automatic = UseCase::RunAutomaticClaims.permits(role);
            assert_eq!(automatic, clerk, "{role}");
            // Only the employer consents for itself: no clerk or administrator does it for it.
            let consents = UseCase::ManageAutomaticConsent.permits(role);
            assert_eq!(consents, role == Role::Employer, "{role}");
        }
    }

    #[test]
    fn only_the_hospital_window_files_spouses_and_reimburses() {
        for role in Role::ALL {
            let window = role == Role::HospitalClerk;
            assert_eq!(UseCase::FileSpouse.permits(role), window, "{role}");
            assert_eq!(UseCase::ReimburseAtWindow.permits(role), window, "{role}");
        }
        assert!(!UseCase::ViewReimbursements.permits(Role::Employer));
        assert!(!UseCase::ViewSpouseFilings.permits(Role::Person));
    }

    #[test]
    fn only_administrators_load_a_holiday_notice() {
        for role in Role::ALL {
            assert_eq!(
                UseCase::LoadCalendarNotice.permits(role),
                role == Role::Admin,
                "{role}"
            );
        }
    }
}
