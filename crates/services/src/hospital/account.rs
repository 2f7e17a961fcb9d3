//! The hospital's settlement account (对公账户): the fund pays the window's reimbursements
//! into it. Kept by the hospital's own window, as an employer keeps its own; checked by the
//! settlement's rules for a unit's account, every change audited.

use onething_domain::access::UseCase;
use onething_store::payables::Account;

use super::own_hospital;
use crate::allowance::{AccountInput, parse_account};
use crate::{Actor, ServiceError, Services};

/// The hospital's account on file, if any.
pub async fn hospital_account(
    svc: &Services,
    actor: &Actor,
) -> Result<Option<Account>, ServiceError> {
    actor.authorize(UseCase::ReimburseAtWindow)?;
    let (hospital, _) = own_hospital(&actor.scope)?;
    Ok(svc.store.hospital_account(hospital).await?)
}

/// Records or replaces the account (a unit's corporate account rules).
pub async fn set_hospital_account(
    svc: &Services,
    actor: &Actor,
    input: &AccountInput,
) -> Result<Account, ServiceError> {
    actor.authorize(UseCase::ReimburseAtWindow)?;
    let (hospital, _) = own_hospital(&actor.scope)?;
    let checked = parse_account(input, "")?;
    let account = Account {
        name: checked.name,
        bank: checked.bank,
        number: checked.number,
    };
    svc.store
        .set_hospital_account(hospital, &account, (&actor.username, actor.role), actor.at)
        .await?;
    Ok(account)
}
