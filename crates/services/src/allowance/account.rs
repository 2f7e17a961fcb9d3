//! The employer's bank account on file (MA-2: the employer checks it before submitting).
//! Every change is audited and kept in the account's history, whichever door it came
//! through; claims already approved keep the account they were approved with.

use onething_domain::Uscc;
use onething_domain::access::{Scope, UseCase};
use onething_domain::allowance::settlement::mask_account;
use onething_store::allowance::claims::BankAccount;
use onething_store::audit::NewAuditEntry;
use serde_json::json;

use crate::{Actor, ServiceError, Services};

fn own_employer(actor: &Actor) -> Result<&Uscc, ServiceError> {
    actor.authorize(UseCase::ManageEmployerAccount)?;
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
    let uscc = own_employer(actor)?;
    Ok(svc.store.employer_account(uscc.as_str()).await?)
}

/// Records or replaces the employer's account (checked by the settlement's rules when the
/// command was built), audited with the number masked, its history kept.
pub async fn change_employer_account(
    svc: &Services,
    actor: &Actor,
    account: &BankAccount,
) -> Result<(), ServiceError> {
    let uscc = own_employer(actor)?;
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
