//! Opening claims: the employer's proactive offers, a new claim (online by the employer, at
//! the window by a clerk with the employer's authorisation), and the clerk's person look-up.

use chrono::NaiveDate;
use onething_domain::access::policy::{PersonFacts, can_see_person};
use onething_domain::access::{Applicant, Scope, UseCase};
use onething_domain::allowance::visibility::{ClaimFacts, can_see_claim};
use onething_domain::allowance::{Fact, Missing};
use onething_domain::rules::ApplicationLimit;
use onething_domain::{CitizenId, RegionCode, Uscc};
use onething_store::allowance::claims::{
    Authorisation, Channel, Claim, ClaimSubject, ClaimWrite, NewClaim, Offer, duplicate_key,
};
use onething_store::audit::NewAuditEntry;
use onething_store::cases::{CaseWrite, NewCase};
use onething_store::shared_data::DataUse;
use onething_store::shared_records::SharedRecord;
use serde_json::json;
use uuid::Uuid;

use super::commands::{OpenClaim, PersonKey};
use super::{BUNDLE, PURPOSE, texts};
use crate::{Actor, Invalid, ServiceError, Services};

/// Employees with a pushed birth or delivery and no claim yet, however long ago: the claim
/// the platform offers before anyone asks (MA-2). Reads audited. An offer past the
/// application limit of the employer's region (`application_limit_months`) is still listed,
/// marked `past_limit`: opening the claim decides, by the insured's own region.
pub async fn offers(svc: &Services, actor: &Actor) -> Result<Vec<Offer>, ServiceError> {
    actor.authorize(UseCase::ViewOffers)?;
    let Scope::Employer(uscc) = &actor.scope else {
        return Err(ServiceError::not_found());
    };
    let data_use = DataUse {
        actor: actor.username.clone(),
        case_id: None,
        purpose: "maternity_allowance_offers".into(),
    };
    let today = actor.today();
    let mut offers = svc.store.offers(&data_use, uscc.as_str(), today).await?;
    for offer in &mut offers {
        let limit = svc
            .params
            .application_limit(uscc.region(), offer.event_date);
        offer.limit_months = limit.map(|l| l.months);
        offer.past_limit = limit.is_some_and(|l| l.is_past(today));
    }
    Ok(offers)
}

/// Refuses a claim filed after the region's application limit, keeping the attempt in the
/// audit log (`claim_refused_too_late`, subject the person) so the window clerk's person
/// look-up shows it: a refusal nobody can see would leave the mother without an answer.
async fn refuse_too_late(
    svc: &Services,
    actor: &Actor,
    person: &CitizenId,
    employer: &Uscc,
    event_date: NaiveDate,
    limit: ApplicationLimit,
) -> Result<(), ServiceError> {
    svc.store
        .append_audit(&NewAuditEntry {
            at: actor.at,
            actor: actor.username.clone(),
            role: Some(actor.role),
            action: TOO_LATE_ACTION.into(),
            subject_type: "person".into(),
            subject_id: person.as_str().to_owned(),
            case_id: None,
            detail: json!({
                "employer_uscc": employer.as_str(), "event_date": event_date,
                "limit_months": limit.months, "deadline": limit.deadline,
            }),
        })
        .await?;
    Err(ServiceError::ApplicationTooLate {
        months: limit.months,
        deadline: limit.deadline,
        event_date,
    })
}

/// The audit action of a claim refused as too late.
pub const TOO_LATE_ACTION: &str = "claim_refused_too_late";

/// Opens a claim with its case. The facts are derived from shared data at once (every
/// read audited for the new case); the same claimant and event can be claimed once.
pub async fn open_claim(
    svc: &Services,
    actor: &Actor,
    cmd: OpenClaim,
) -> Result<Claim, ServiceError> {
    actor.authorize(UseCase::OpenClaim)?;
    let person = resolve_person(svc, actor, &cmd.person).await?;
    let (employer, channel, authorisation) = filer(actor, &cmd)?;
    let hospital = super::hospital::link(svc, actor, &cmd, &person).await?;
    if let Scope::Region(_) = actor.scope {
        let facts = ClaimFacts {
            employer_uscc: employer.as_str(),
            person_id: person.as_str(),
            region: None,
        };
        can_see_claim(&actor.scope, &facts)?;
    }
    let today = actor.today();
    let id = new_claim_id(today);
    let case_id = Uuid::new_v4().simple().to_string();
    let data_use = DataUse {
        actor: actor.username.clone(),
        case_id: Some(case_id.clone()),
        purpose: PURPOSE.into(),
    };
    let subject = ClaimSubject {
        claimant: &person,
        employer: &employer,
        certificate_no: cmd.certificate_no.as_deref(),
        basis: None,
        uploaded_certificate_no: None,
        event_date: None,
        today,
    };
    // One read of her records: the employment link, then the facts; the reads are written
    // with the claim.
    let mut found = svc
        .store
        .derive_claim_unwritten(&data_use, &subject)
        .await?;
    found
        .employment_link(&data_use)
        .ok_or(ServiceError::NotEmployee)?;
    let derived = found.derived;
    let Some(event_date) = derived.event_date else {
        svc.store.record_reads(&found.reads).await?;
        return Err(ServiceError::NoEvent);
    };
    // The enrollment's region; until it is pushed, the employer's registration region, so
    // the claim is in some clerk's queue (the rules never use this fallback).
    let region = derived.region.unwrap_or_else(|| employer.region());
    let family_planning_review = super::hospital::review_required(svc, region, event_date);
    if let Some(limit) = svc.params.application_limit(region, event_date)
        && limit.is_past(today)
    {
        svc.store.record_reads(&found.reads).await?;
        refuse_too_late(svc, actor, &person, &employer, event_date, limit).await?;
    }
    let opening = Opening {
        id,
        case_id,
        person,
        employer,
        channel,
        authorisation,
        hospital,
        family_planning_review,
        certificate_no: cmd.certificate_no.clone(),
        event_date,
        region,
        derived,
        derivation: Some(found.derivation),
        detail: json!({}),
    };
    let (new, mut write) = opening.claim(actor);
    write.reads = found.reads;
    Ok(svc.store.insert_claim(&new, &write, &svc.calendar).await?)
}

/// A claim about to be opened: what it is about and what was derived for it.
#[derive(Debug, Clone)]
pub(super) struct Opening {
    pub id: String,
    pub case_id: String,
    pub person: CitizenId,
    pub employer: Uscc,
    pub channel: Channel,
    pub authorisation: Option<Authorisation>,
    pub hospital: Option<onething_store::allowance::claims::HospitalLink>,
    /// The health department reviews the claim first (`hospital::review_required`).
    pub family_planning_review: bool,
    /// The certificate number the filer named, if any.
    pub certificate_no: Option<String>,
    pub event_date: NaiveDate,
    /// The enrollment's region, else the employer's registration region.
    pub region: RegionCode,
    pub derived: onething_domain::allowance::Derived,
    /// What the facts rested on (kept on the claim for submission), if recorded.
    pub derivation: Option<onething_store::allowance::claims::Derivation>,
    /// More of the `created` step's detail (免申即享 marks itself there).
    pub detail: serde_json::Value,
}

impl Opening {
    /// The claim row with its case, and its `created` step, notifications and audit entry.
    pub(super) fn claim(self, actor: &Actor) -> (NewClaim, ClaimWrite<'_>) {
        let Opening {
            id,
            case_id,
            person,
            employer,
            channel,
            authorisation,
            hospital,
            family_planning_review,
            certificate_no,
            event_date,
            region,
            derived,
            derivation,
            detail: extra,
        } = self;
        let region = region.to_string();
        let certificate_no = certificate_no.or_else(|| {
            derived
                .facts
                .iter()
                .find(|f| f.name == "certificate_no")
                .and_then(|f| f.value.as_str().map(str::to_owned))
        });
        let new = NewClaim {
            id: id.clone(),
            duplicate_key: duplicate_key(person.as_str(), event_date),
            case: NewCase {
                bundle: BUNDLE.into(),
                applicant: Applicant::person_ref(&person),
                region: Some(region.clone()),
                filer: Some(Applicant::employer_ref(&employer)),
                id: Some(case_id),
            },
            person_id: person.clone(),
            employer: employer.clone(),
            certificate_no,
            channel,
            authorisation: authorisation.clone(),
            event_date,
            region,
            facts: derived.facts,
            missing: derived.missing,
            hospital,
            family_planning_review,
            derivation,
        };
        let mut detail = json!({"channel": channel.as_str(), "authorisation": authorisation,
            "hospital_id": new.hospital.as_ref().map(|h| h.hospital_id.clone()),
            "birth_order": new.hospital.as_ref().map(|h| h.birth_order)});
        if let (Some(into), Some(more)) = (detail.as_object_mut(), extra.as_object()) {
            into.extend(more.clone());
        }
        let write = ClaimWrite {
            by: onething_store::allowance::claims::Acting {
                actor: &actor.username,
                role: actor.role,
                at: actor.at,
            },
            idempotency_key: actor.key_for(&format!(
                "open:{}",
                duplicate_key(person.as_str(), event_date)
            )),
            case: vec![CaseWrite::Step {
                step: "created".into(),
                detail: detail.clone(),
                role: actor
                    .role
                    .actor_role()
                    .unwrap_or(onething_domain::case::ActorRole::System),
            }],
            notifications: texts::to_both(
                employer.as_str(),
                person.as_str(),
                &id,
                &texts::created(&id),
            ),
            audit: Some(("claim_created".into(), detail)),
            attachment: None,
            payable: None,
            reads: Vec::new(),
        };
        (new, write)
    }
}

/// A new claim's id: `MA`, the day and 48 random bits (twelve hex digits). Eight hex
/// digits (32 bits) collided about once per 100,000 claims of one day (the 免申即享 bench
/// met it: a claim refused as if it were a duplicate); at 48 bits a province's busiest day
/// expects ~10⁻⁴ collisions, and a collision is still refused by the primary key, never
/// written over.
pub(super) fn new_claim_id(today: NaiveDate) -> String {
    format!(
        "MA{}{}",
        today.format("%Y%m%d"),
        &Uuid::new_v4().simple().to_string()[..12].to_uppercase()
    )
}

/// The person a claim is for: the id given, or the one an offer's handle stands for. A
/// handle resolves only for the employer it was given to (it is bound to its offers).
async fn resolve_person(
    svc: &Services,
    actor: &Actor,
    key: &PersonKey,
) -> Result<CitizenId, ServiceError> {
    match key {
        PersonKey::Id(id) => Ok(id.clone()),
        PersonKey::Ref(handle) => {
            let found = match &actor.scope {
                Scope::Employer(uscc) => {
                    svc.store.resolve_person_ref(uscc.as_str(), handle).await?
                }
                _ => None,
            };
            found
                .and_then(|id| CitizenId::parse(&id).ok())
                .ok_or_else(|| {
                    Invalid::new(
                        "INVALID_PERSON_REF",
                        "person_ref",
                        "职工：person_ref 无效或已失效，请从待申领名单中重新选择",
                    )
                    .into()
                })
        }
    }
}

/// The employer a claim is filed for, the channel, and (window) the authorisation.
fn filer(
    actor: &Actor,
    cmd: &OpenClaim,
) -> Result<(Uscc, Channel, Option<Authorisation>), ServiceError> {
    if let Scope::Employer(uscc) = &actor.scope {
        if cmd.employer.as_ref().is_some_and(|u| u != uscc) {
            return Err(Invalid::new(
                "INVALID_BODY",
                "employer_uscc",
                "employer_uscc 只能是本单位的统一社会信用代码，或不填",
            )
            .into());
        }
        return Ok((uscc.clone(), Channel::Online, None));
    }
    if let Scope::Hospital { .. } = &actor.scope {
        return super::hospital::filer(cmd);
    }
    actor.authorize(UseCase::FileAtWindow)?;
    let uscc = cmd.employer.clone().ok_or_else(|| {
        Invalid::missing(
            "employer_uscc",
            "窗口代办须填写 employer_uscc（申领单位统一社会信用代码）",
        )
    })?;
    let authorisation = cmd.authorisation.clone().ok_or_else(|| {
        Invalid::missing(
            "authorisation",
            "窗口代办须登记单位的《生育津贴办理授权确认表》（authorisation：编号、经办人、签署日期）",
        )
    })?;
    if authorisation.signed_on > actor.today() {
        return Err(Invalid::new(
            "INVALID_DATE",
            "authorisation.signed_on",
            "签署日期（authorisation.signed_on）不能晚于今天",
        )
        .into());
    }
    Ok((uscc, Channel::Window, Some(authorisation)))
}

/// What the window clerk's look-up found for a person (MA-3).
#[derive(Debug, Clone)]
pub struct PersonLookup {
    pub person: CitizenId,
    pub region: Option<RegionCode>,
    pub event_date: Option<NaiveDate>,
    /// The claim's facts as they would be derived now, and what is missing.
    pub facts: Vec<Fact>,
    pub missing: Vec<Missing>,
    /// The shared records behind them: enrollment and employment today, births and
    /// deliveries (all of them).
    pub records: Vec<SharedRecord>,
    /// The person's claims in the clerk's region.
    pub claims: Vec<Claim>,
    /// The region's application limit for the event found, if one applies.
    pub application_limit: Option<ApplicationLimit>,
    /// Claims for the person refused as too late (`claim_refused_too_late` audit entries),
    /// newest first: when, by whom, and the detail (employer, event date, limit).
    pub refused_too_late: Vec<onething_store::audit::AuditEntry>,
}

/// The window clerk's look-up: the shared data found for a person and the claim facts they
/// give, in the clerk's region only (404 otherwise), every record read audited, the look-up
/// itself audited.
pub async fn lookup_person(
    svc: &Services,
    actor: &Actor,
    person: &CitizenId,
) -> Result<PersonLookup, ServiceError> {
    actor.authorize(UseCase::LookupPerson)?;
    let data_use = DataUse {
        actor: actor.username.clone(),
        case_id: None,
        purpose: "maternity_allowance_window_lookup".into(),
    };
    let today = actor.today();
    let store = &svc.store;
    let enrollment = store
        .insurance_enrollment_on(&data_use, person.as_str(), today)
        .await?;
    let region = enrollment
        .as_ref()
        .and_then(|r| r.content["region_code"].as_str())
        .and_then(|r| RegionCode::parse(r).ok());
    let facts = PersonFacts {
        id: person,
        region: Some(region.unwrap_or_else(|| person.region())),
        employer: None,
    };
    can_see_person(&actor.scope, &facts)?;
    let records = person_records(svc, &data_use, person, enrollment.clone(), today).await?;
    // The wage is the employer's: looked up against the employer of the enrollment found.
    let employer = enrollment
        .as_ref()
        .and_then(|r| r.employer_uscc.as_deref())
        .and_then(|u| Uscc::parse(u).ok());
    let mut found = PersonLookup {
        person: person.clone(),
        region,
        event_date: None,
        facts: Vec::new(),
        missing: vec![Missing {
            name: "insurance_enrollment".into(),
            message: "医保部门尚未推送该人员的职工医保参保登记（参保单位）".into(),
        }],
        records,
        claims: super::read::claims_of_person(svc, actor, person).await?,
        application_limit: None,
        refused_too_late: refused_too_late(svc, person).await?,
    };
    if let Some(employer) = &employer {
        let subject = ClaimSubject {
            claimant: person,
            employer,
            certificate_no: None,
            basis: None,
            uploaded_certificate_no: None,
            event_date: None,
            today,
        };
        let (_, derived) = store.derive_claim(&data_use, &subject).await?;
        found.region = derived.region;
        found.event_date = derived.event_date;
        found.application_limit = derived
            .event_date
            .zip(derived.region.or(Some(employer.region())))
            .and_then(|(date, region)| svc.params.application_limit(region, date));
        found.facts = derived.facts;
        found.missing = derived.missing;
    }
    store
        .append_audit(&NewAuditEntry {
            at: actor.at,
            actor: actor.username.clone(),
            role: Some(actor.role),
            action: "window_lookup".into(),
            subject_type: "person".into(),
            subject_id: person.as_str().to_owned(),
            case_id: None,
            detail: json!({"employer_uscc": employer.as_ref().map(Uscc::as_str)}),
        })
        .await?;
    Ok(found)
}

async fn refused_too_late(
    svc: &Services,
    person: &CitizenId,
) -> Result<Vec<onething_store::audit::AuditEntry>, ServiceError> {
    let filter = onething_store::audit::AuditFilter {
        subject_type: Some("person".into()),
        subject_id: Some(person.as_str().to_owned()),
        action: Some(TOO_LATE_ACTION.into()),
        limit: 20,
        ..Default::default()
    };
    Ok(svc.store.list_audit(&filter).await?)
}

/// The person's shared records a window needs, each read audited.
async fn person_records(
    svc: &Services,
    data_use: &DataUse,
    person: &CitizenId,
    enrollment: Option<SharedRecord>,
    today: NaiveDate,
) -> Result<Vec<SharedRecord>, ServiceError> {
    let store = &svc.store;
    let id = person.as_str();
    let mut out: Vec<SharedRecord> = enrollment.into_iter().collect();
    out.extend(store.employment_status_on(data_use, id, today).await?);
    out.extend(
        store
            .birth_certificates_of_mother(data_use, id, NaiveDate::MIN, today)
            .await?,
    );
    out.extend(store.delivery_records_of(data_use, id).await?);
    Ok(out)
}
