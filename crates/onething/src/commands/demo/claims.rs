//! Demo maternity-allowance claims, written through the same store functions the pages and
//! the API use: the demo employer is the synthetic employer with the most employees whose
//! births were pushed; a few of its offers become claims in different states (one approved,
//! settled and paid; one approved waiting for settlement; one in review with a photo), and
//! the rest stay on its proactive list for the visitor to claim. One claim of another employer
//! shows that the demo employer cannot reach it.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use onething_domain::access::{Role, Scope};
use onething_domain::allowance::settlement::{PaymentOutcome, ResultRow};
use onething_domain::allowance::{ClaimStatus, WageBasis};
use onething_domain::ids::{ClaimId, PaymentId, RecordIdError};
use onething_domain::rules::MaternityParams;
use onething_domain::{Calendar, CitizenId, Uscc};
use onething_services::allowance::payment_texts;
use onething_services::allowance::{
    self as service, ConfirmWage, OpenClaim, PersonKey, Photo, PhotoInput, Submit,
};
use onething_services::{Actor, Services};
use onething_store::Store;
use onething_store::allowance::claims::{BankAccount, Claim, ClaimSubject, Offer};
use onething_store::allowance::settlements::{self, SettleRun};
use onething_store::audit::NewAuditEntry;
use onething_store::shared_data::DataUse;

use crate::failure::Failure;

/// The demo certificate photo (a drawing, not a real certificate).
const PHOTO: &[u8] = include_bytes!("certificate-photo.png");
/// How many offers stay on the demo employer's proactive list at least.
const LEFT_OPEN: usize = 2;

/// What the demo accounts are scoped to.
pub(super) struct DemoClaims {
    pub employer: Uscc,
    /// The insured woman of the paid claim (else of any claim).
    pub mother: Option<CitizenId>,
    pub summary: String,
}

struct Ctx<'a> {
    store: &'a Store,
    calendar: &'a Calendar,
    params: MaternityParams,
    at: DateTime<Utc>,
}

impl Ctx<'_> {
    fn services(&self) -> Services {
        Services::with_calendar(
            self.store.clone(),
            Arc::new(self.params.clone()),
            self.calendar.clone(),
        )
    }

    /// Opens, confirms and (with a photo when `photo`) submits a claim for `offer`, as the
    /// demo employer through the same use cases as its pages.
    async fn claim(&self, employer: &Uscc, offer: &Offer, photo: bool) -> Result<Claim, Failure> {
        let person = CitizenId::parse(&offer.person_id)
            .map_err(|e| Failure::environment("演示职工证件号无效", e))?;
        let svc = self.services();
        let by = Actor {
            username: "demo-employer".into(),
            role: Role::Employer,
            scope: Scope::Employer(employer.clone()),
            at: self.at,
            idempotency_key: None,
        };
        let open = OpenClaim {
            person: PersonKey::Id(person),
            certificate_no: None,
            employer: None,
            authorisation: None,
            birth_order: None,
        };
        let claim = service::open_claim(&svc, &by, open)
            .await
            .map_err(failure)?;
        let id = ClaimId::parse(&claim.id).map_err(failure)?;
        let wage = ConfirmWage {
            basis: WageBasis::AvgWage,
        };
        service::confirm_wage(&svc, &by, &id, wage)
            .await
            .map_err(failure)?;
        if photo {
            let file = Photo::try_from(PhotoInput {
                filename: Some("出生医学证明照片.png".into()),
                content_type: Some("image/png".into()),
                bytes: PHOTO.to_vec(),
            })
            .map_err(failure)?;
            service::attach_photo(&svc, &by, &id, file)
                .await
                .map_err(failure)?;
        }
        service::submit(&svc, &by, &id, Submit::default())
            .await
            .map_err(failure)
    }

    /// Whether the rules would approve a claim for `offer` on today's shared data: the
    /// photo claim must be one a clerk can approve in the demo.
    async fn eligible(&self, employer: &Uscc, offer: &Offer, today: NaiveDate) -> bool {
        let Ok(person) = CitizenId::parse(&offer.person_id) else {
            return false;
        };
        let data_use = DataUse {
            actor: "demo".into(),
            case_id: None,
            purpose: "演示数据：挑选可审核通过的申领".into(),
        };
        let subject = ClaimSubject {
            claimant: &person,
            employer,
            certificate_no: offer.certificate_no.as_deref(),
            basis: Some(WageBasis::AvgWage),
            uploaded_certificate_no: None,
            event_date: Some(offer.event_date),
            today,
        };
        match self.store.derive_claim(&data_use, &subject).await {
            Ok((_, derived)) => derived.maternity.is_some_and(|facts| {
                onething_domain::rules::evaluate(&facts, &self.params).eligible
            }),
            Err(_) => false,
        }
    }

    /// Settles the approved claims and imports the bank's "paid" for every payment.
    async fn settle_and_pay(&self, today: NaiveDate) -> Result<(), Failure> {
        let acting = settlements::Acting {
            name: "demo-clerk".into(),
            role: Some(Role::AgencyClerk),
            at: self.at,
        };
        let run = SettleRun {
            until: today,
            scope: None,
            acting: acting.clone(),
        };
        let outcome = self
            .store
            .settle(&run, payment_texts)
            .await
            .map_err(failure)?;
        let Some(settlement) = outcome.settlement else {
            return Ok(());
        };
        let rows: Vec<ResultRow> = settlement
            .payments
            .iter()
            .zip(2..)
            .map(|(p, line)| {
                Ok(ResultRow {
                    line,
                    payment_id: PaymentId::parse(&p.id)?,
                    outcome: PaymentOutcome::Paid,
                })
            })
            .collect::<Result<_, RecordIdError>>()
            .map_err(failure)?;
        self.store
            .import_results(&settlement.head.id, &rows, &acting, payment_texts)
            .await
            .map_err(failure)?;
        Ok(())
    }
}

/// The audit entry of a demo account, recorded like any other account change.
fn account_audit(employer: &Uscc, at: DateTime<Utc>) -> NewAuditEntry {
    NewAuditEntry {
        at,
        actor: "demo".into(),
        role: None,
        action: "employer_account_changed".into(),
        subject_type: "employer".into(),
        subject_id: employer.to_string(),
        case_id: None,
        detail: serde_json::json!({"demo": true}),
    }
}

fn failure(e: impl std::error::Error + Send + Sync + 'static) -> Failure {
    Failure::environment("演示生育津贴申领失败", e)
}

/// The demo's employer is one with births in the last year (a choice of the demo, not a
/// rule: claims are open for any pushed birth).
const DEMO_RECENT_DAYS: i64 = 366;

pub(super) async fn seed(
    store: &Store,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<DemoClaims, Failure> {
    let since = today - Duration::days(DEMO_RECENT_DAYS);
    let employers = store.employers_with_births(since).await?;
    let (uscc, _) = employers
        .first()
        .ok_or_else(|| Failure::environment("演示城市中没有职工生育记录", "no births pushed"))?;
    let employer = Uscc::parse(uscc).map_err(|e| Failure::environment("演示单位代码无效", e))?;
    let ctx = Ctx {
        store,
        calendar,
        params: MaternityParams::shipped(),
        at: Utc::now(),
    };
    let account = BankAccount {
        name: "梁平区演示单位（合成数据）".into(),
        bank: "演示银行梁平支行".into(),
        number: "310001234567890123".into(),
    };
    store
        .put_employer_account(
            employer.as_str(),
            &account,
            &account_audit(&employer, ctx.at),
        )
        .await?;
    let data_use = DataUse {
        actor: "demo".into(),
        case_id: None,
        purpose: "演示数据：为演示单位生成生育津贴申领".into(),
    };
    let offers = store.offers(&data_use, employer.as_str(), today).await?;
    let usable = offers.len().saturating_sub(LEFT_OPEN);
    let mut offers = offers.into_iter().take(usable);
    let mut claims: Vec<Claim> = Vec::new();
    // One paid: claims until one is approved, then settle and pay it.
    for offer in offers.by_ref() {
        let claim = ctx.claim(&employer, &offer, false).await?;
        let approved = claim.status == ClaimStatus::Approved;
        claims.push(claim);
        if approved {
            ctx.settle_and_pay(today).await?;
            break;
        }
    }
    // One approved and waiting for settlement, then one in review with a photo.
    for offer in offers.by_ref() {
        let claim = ctx.claim(&employer, &offer, false).await?;
        let approved = claim.status == ClaimStatus::Approved;
        claims.push(claim);
        if approved {
            break;
        }
    }
    for offer in offers.by_ref() {
        if ctx.eligible(&employer, &offer, today).await {
            claims.push(ctx.claim(&employer, &offer, true).await?);
            break;
        }
    }
    // Another employer's claim: what the demo employer must never reach (a 404 page).
    if let Some((other, _)) = employers.get(1) {
        let other = Uscc::parse(other).map_err(|e| Failure::environment("演示单位代码无效", e))?;
        let account = BankAccount {
            name: "梁平区另一演示单位（合成数据）".into(),
            number: "310009876543210987".into(),
            ..account.clone()
        };
        store
            .put_employer_account(other.as_str(), &account, &account_audit(&other, ctx.at))
            .await?;
        let theirs = store.offers(&data_use, other.as_str(), today).await?;
        if let Some(offer) = theirs.first() {
            ctx.claim(&other, offer, false).await?;
        }
    }
    let mut paid = None;
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for claim in &claims {
        let claim = store.claim(&claim.id).await?;
        *counts.entry(claim.status.label_zh()).or_default() += 1;
        if claim.status == ClaimStatus::Paid && paid.is_none() {
            paid = CitizenId::parse(&claim.person_id).ok();
        }
    }
    let mother = paid.or_else(|| {
        claims
            .iter()
            .find_map(|c| CitizenId::parse(&c.person_id).ok())
    });
    let summary = counts
        .iter()
        .map(|(label, n)| format!("{n} {label}"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(DemoClaims {
        employer,
        mother,
        summary: format!("{} claims ({summary}) for employer {uscc}", claims.len()),
    })
}
