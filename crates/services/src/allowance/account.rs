//! The employer's own settings: its bank account on file (MA-2: the employer checks it
//! before submitting) and its standing consent to 免申即享.
//! Every change is audited and kept in the account's history, whichever door it came
//! through; claims already approved keep the account they were approved with.

use onething_domain::Uscc;
use onething_domain::access::{Scope, UseCase};
use onething_domain::allowance::settlement::mask_account;
use onething_store::allowance::claims::{BankAccount, StandingConsent};
use onething_store::audit::NewAuditEntry;
use serde_json::json;

use crate::{Actor, ServiceError, Services};

/// The employer acting for itself, permitted `use_case` (the employer's own settings).
fn own_employer(actor: &Actor, use_case: UseCase) -> Result<&Uscc, ServiceError> {
    actor.authorize(use_case)?;
    match &actor.scope {
        Scope::Employer(uscc) => Ok(uscc),
        _ => Err(ServiceError::not_found()),
    }
}

/// The employer's own account on file, if any.
pub async fn employer_account(
    svc: &Services,
    actor: &Actor,
) -> Result<Option<BankAccount>, ServiceError> {
    let uscc = own_employer(actor, UseCase::ManageEmployerAccount)?;
    Ok(svc.store.employer_account(uscc.as_str()).await?)
}

/// Records or replaces the employer's account (checked by the settlement's rules when the
/// command was built), audited with the number masked, its history kept.
pub async fn change_employer_account(
    svc: &Services,
    actor: &Actor,
    account: &BankAccount,
) -> Result<(), ServiceError> {
    let uscc = own_employer(actor, UseCase::ManageEmployerAccount)?;
    let audit = NewAuditEntry {
        at: actor.at,
        actor: actor.username.clone(),
        role: Some(actor.role),
        action: "employer_account_changed".into(),
        subject_type: "employer".into(),
        subject_id: uscc.to_string(),
        case_id: None,
        detail: json!({"bank": account.bank, "number_masked": mask_account(&account.number)}),
    };
    svc.store
        .put_employer_account(uscc.as_str(), account, &audit)
        .await?;
    Ok(())
}

/// The employer's standing consent to 免申即享, if it stands.
pub async fn automatic_consent(
    svc: &Services,
    actor: &Actor,
) -> Result<Option<StandingConsent>, ServiceError> {
    let uscc = own_employer(actor, UseCase::ManageAutomaticConsent)?;
    Ok(svc.store.automatic_consent(uscc.as_str()).await?)
}

/// Gives or withdraws the employer's standing consent to 免申即享: with it the platform
/// opens, derives and decides its employees' claims itself wherever the facts are complete,
/// even where the region's parameters leave 免申即享 off. Claims already opened are not
/// touched by a withdrawal. Audited either way; returns the consent as it now stands.
pub async fn set_automatic_consent(
    svc: &Services,
    actor: &Actor,
    consent: bool,
) -> Result<Option<StandingConsent>, ServiceError> {
    let uscc = own_employer(actor, UseCase::ManageAutomaticConsent)?;
    let given = consent.then(|| StandingConsent {
        given_at: actor.at,
        given_by: actor.username.clone(),
    });
    let audit = NewAuditEntry {
        at: actor.at,
        actor: actor.username.clone(),
        role: Some(actor.role),
        action: if consent {
            "automatic_consent_given"
        } else {
            "automatic_consent_withdrawn"
        }
        .into(),
        subject_type: "employer".into(),
        subject_id: uscc.to_string(),
        case_id: None,
        detail: json!({}),
    };
    svc.store
        .set_automatic_consent(uscc.as_str(), given.as_ref(), &audit)
        .await?;
    Ok(svc.store.automatic_consent(uscc.as_str()).await?)
}
