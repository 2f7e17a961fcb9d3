//! `onething bench claims` and `onething bench seed-claims` (docs/benchmarks.md, "Claims"):
//!
//! - `claims`: on a fresh database, the shared data N claims need is generated in-process
//!   (ids from `onething_synth`) and ingested with the store's ingest (timed separately);
//!   then, timed, for every mother the employer's create → confirm wage → submit (smart
//!   review approves) through the store functions the HTTP handlers call, one claim after
//!   the other as one server drives them; then one settlement of every approved claim and
//!   the rendering of its payment file;
//! - `seed-claims`: one claim made through the claims code, then copied by SQL to
//!   `bench-ma-1 … bench-ma-N` for the API look-ups (a bench-only path).

use std::collections::HashSet;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use std::sync::Arc;

use onething_domain::access::{Role, Scope};
use onething_domain::allowance::settlement::{PaymentLine, render_payment_csv};
use onething_domain::allowance::{ClaimStatus, WageBasis};
use onething_domain::china_time::date_in_china;
use onething_domain::department::DepartmentKind;
use onething_domain::ids::ClaimId;
use onething_domain::rules::MaternityParams;
use onething_domain::{Calendar, CitizenId, Fen, RegionCode, Sex, Uscc, YearMonth};
use onething_exchange::Dataset;
use onething_exchange::signature::generate_signing_key;
use onething_services::allowance::payment_texts;
use onething_services::allowance::{self as service, ConfirmWage, OpenClaim, PersonKey, Submit};
use onething_services::{Actor, Services};
use onething_store::Store;
use onething_store::allowance::claims::{BankAccount, Claim};
use onething_store::allowance::settlements::{self, SettleRun};
use onething_store::audit::NewAuditEntry;
use onething_store::departments::NewDepartment;
use onething_store::shared_records::Push;
use onething_synth::Synth;
use rand::Rng;
use serde_json::{Value, json};

use crate::commands::calc::load_params;
use crate::failure::Failure;

/// The province's counties (as `onething gen --scale province`): 梁平区 and four districts
/// of 重庆市 — all covered by the shipped parameters.
const COUNTIES: [u32; 5] = [500228, 500101, 500103, 500105, 500114];
/// Mothers per employer.
const MOTHERS_PER_EMPLOYER: usize = 20;
/// Paid months before the delivery month (the rules need 12 continuous).
const PAID_MONTHS: u32 = 14;
/// Mothers whose records go into one round of ingest calls.
const INGEST_MOTHERS: usize = 2_000;
const HUB: &str = "bench-hub";
const HR: &str = "bench-hr";

/// One insured mother with a delivery in the last year.
pub(super) struct Mother {
    pub(super) id: CitizenId,
    name: String,
    pub(super) employer: usize,
    county: RegionCode,
    certificate_no: String,
    event_date: NaiveDate,
    cesarean: bool,
    twins: bool,
}

/// The generated shared data: employers and mothers, deterministic in `seed` and `today`.
pub(super) struct Population {
    pub(super) employers: Vec<(Uscc, RegionCode)>,
    pub(super) mothers: Vec<Mother>,
}

fn region(code: u32) -> Result<RegionCode, Failure> {
    RegionCode::new(code).map_err(|e| Failure::environment("地区代码无效", e))
}

fn population(seed: u64, n: usize, today: NaiveDate) -> Result<Population, Failure> {
    let mut synth = Synth::new(seed);
    let counties: Vec<RegionCode> = COUNTIES
        .iter()
        .map(|c| region(*c))
        .collect::<Result<_, _>>()?;
    let mut usccs = HashSet::new();
    let mut employers = Vec::new();
    while employers.len() < n.div_ceil(MOTHERS_PER_EMPLOYER).max(1) {
        let county = counties[employers.len() % counties.len()];
        let uscc = synth.uscc(county);
        if usccs.insert(uscc.as_str().to_owned()) {
            employers.push((uscc, county));
        }
    }
    let (mut ids, mut certificates) = (HashSet::new(), HashSet::new());
    let mut mothers = Vec::with_capacity(n);
    while mothers.len() < n {
        let employer = mothers.len() % employers.len();
        let county = employers[employer].1;
        let id = synth.mother_id(county);
        let certificate_no = synth.birth_certificate_no().to_string();
        // Drawn ids can repeat; a repeat would be the same woman twice (a duplicate claim).
        if !ids.insert(id.as_str().to_owned()) || !certificates.insert(certificate_no.clone()) {
            continue;
        }
        let days_ago = synth.rng_mut().random_range(20..300);
        let cesarean = synth.rng_mut().random_bool(0.4);
        let twins = synth.rng_mut().random_bool(0.015);
        mothers.push(Mother {
            name: synth.person_name(Sex::Female),
            id,
            employer,
            county,
            certificate_no,
            event_date: today - chrono::Duration::days(days_ago),
            cesarean,
            twins,
        });
    }
    Ok(Population { employers, mothers })
}

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The five datasets one mother's claim reads, as the departments push them.
fn mother_records(m: &Mother, employer: &Uscc) -> Vec<(Dataset, Value)> {
    let (id, uscc) = (m.id.as_str(), employer.as_str());
    let county = m.county.to_string();
    let babies = if m.twins { 2 } else { 1 };
    let event_type = if m.cesarean { "cesarean" } else { "vaginal" };
    let mut records = vec![
        (
            Dataset::BirthCertificates,
            json!({"certificate_no": m.certificate_no, "child_name": "测试婴", "child_sex": "female",
                "birth_time": format!("{}T08:30:00+08:00", day_text(m.event_date)),
                "gestational_weeks": 39, "weight_g": 3200, "length_cm": 50, "birth_region": county,
                "institution_code": "H50022800001", "institution_name": "演示医院",
                "mother_name": m.name, "mother_id": id,
                "issued_on": day_text(m.event_date + chrono::Duration::days(1))}),
        ),
        (
            Dataset::DeliveryRecords,
            json!({"record_id": format!("D{}", m.certificate_no), "institution_code": "H50022800001",
                "person_id": id, "admitted_on": day_text(m.event_date - chrono::Duration::days(1)),
                "discharged_on": day_text(m.event_date + chrono::Duration::days(3)),
                "event_date": day_text(m.event_date), "event_type": event_type, "babies": babies,
                "pregnancy_weeks": 39, "settled_in_network": true, "total_cost_fen": 1_200_000,
                "fund_paid_fen": 900_000}),
        ),
        (
            Dataset::InsuranceEnrollments,
            json!({"person_id": id, "scheme": "employee", "employer_uscc": uscc,
                "status": "normal", "region_code": county, "effective_from": "2020-01-01"}),
        ),
        (
            Dataset::EmploymentStatus,
            json!({"person_id": id, "status": "employed", "employer_uscc": uscc,
                "effective_from": "2020-01-01"}),
        ),
    ];
    let mut month = YearMonth::of(m.event_date);
    for _ in 0..PAID_MONTHS {
        // Deliveries are within the last year: never at the start of chrono's calendar.
        let Ok(previous) = month.pred() else { break };
        month = previous;
        records.push((
            Dataset::Contributions,
            json!({"person_id": id, "employer_uscc": uscc,
                "month": format!("{}-{:02}", month.year(), month.month()),
                "base_fen": 650_000, "paid": true}),
        ));
    }
    records
}

/// Pushes `records` with the store's ingest, one call per dataset.
async fn ingest(
    store: &Store,
    records: Vec<(Dataset, Value)>,
    at: DateTime<Utc>,
) -> Result<u64, Failure> {
    let mut by_dataset: Vec<(Dataset, Vec<_>)> = Vec::new();
    for (dataset, record) in records {
        let valid = dataset.validate(&record).map_err(|errors| {
            Failure::environment("生成的记录无效", format!("{dataset:?}: {errors:?}"))
        })?;
        match by_dataset.iter_mut().find(|(d, _)| *d == dataset) {
            Some((_, list)) => list.push(valid),
            None => by_dataset.push((dataset, vec![valid])),
        }
    }
    let mut count = 0;
    for (dataset, valid) in by_dataset {
        store
            .ingest(&Push::unsigned(HUB, dataset, at, valid.len()), &valid)
            .await?;
        count += valid.len() as u64;
    }
    Ok(count)
}

fn bank_account(n: usize) -> BankAccount {
    BankAccount {
        name: format!("演示单位{n}"),
        bank: "演示银行梁平支行".into(),
        number: format!("5000100{n:013}"),
    }
}

/// Stores the department, every employer's wages and account, and every mother's records.
async fn store_shared_data(
    store: &Store,
    people: &Population,
    at: DateTime<Utc>,
) -> Result<u64, Failure> {
    let key = generate_signing_key()
        .map_err(|e| Failure::environment("无法生成密钥", e))?
        .verifying_key();
    let dept = NewDepartment {
        id: HUB.into(),
        name: "基准测试数据汇聚（演示）".into(),
        kind: DepartmentKind::Health,
        webhook_url: None,
    };
    store.ensure_shipped_catalog(at).await?;
    store.add_department(&dept, &key, at).await?;
    let year = date_in_china(at).year();
    let mut wages = Vec::new();
    for (n, (uscc, _)) in people.employers.iter().enumerate() {
        // The year before any delivery of the last twelve months.
        for y in [year - 2, year - 1] {
            wages.push((
                Dataset::EmployerWages,
                json!({"employer_uscc": uscc.as_str(), "year": y,
                    "avg_monthly_wage_fen": 900_000, "avg_monthly_base_fen": 650_000}),
            ));
        }
        let audit = NewAuditEntry {
            at,
            actor: HR.into(),
            role: None,
            action: "employer_account_changed".into(),
            subject_type: "employer".into(),
            subject_id: uscc.to_string(),
            case_id: None,
            detail: json!({"bench": true}),
        };
        store
            .put_employer_account(uscc.as_str(), &bank_account(n), &audit)
            .await?;
    }
    let mut count = ingest(store, wages, at).await?;
    for chunk in people.mothers.chunks(INGEST_MOTHERS) {
        let records = chunk
            .iter()
            .flat_map(|m| mother_records(m, &people.employers[m.employer].0))
            .collect();
        count += ingest(store, records, at).await?;
    }
    Ok(count)
}

fn claim_failed(step: &str, e: impl std::fmt::Debug) -> Failure {
    Failure::environment("基准测试申领失败", format!("{step}: {e:?}"))
}

/// The employer's three steps for one mother, through the use cases the claims API and
/// pages call: open, confirm the wage, submit (account on file; smart review decides).
async fn file_claim(svc: &Services, mother: &Mother, employer: &Uscc) -> Result<Claim, Failure> {
    let by = Actor {
        username: HR.into(),
        role: Role::Employer,
        scope: Scope::Employer(employer.clone()),
        at: Utc::now(),
        idempotency_key: None,
    };
    let open = OpenClaim {
        person: PersonKey::Id(mother.id.clone()),
        certificate_no: None,
        employer: None,
        authorisation: None,
        birth_order: None,
    };
    let claim = service::open_claim(svc, &by, open)
        .await
        .map_err(|e| claim_failed("create", e))?;
    let id = ClaimId::parse(&claim.id).map_err(|e| claim_failed("create", e))?;
    let wage = ConfirmWage {
        basis: WageBasis::AvgWage,
    };
    service::confirm_wage(svc, &by, &id, wage)
        .await
        .map_err(|e| claim_failed("confirm wage", e))?;
    service::submit(svc, &by, &id, Submit::default())
        .await
        .map_err(|e| claim_failed("submit", e))
}

/// The services over `store` with the rules and calendar of the run.
fn services(store: &Store, params: &MaternityParams, calendar: &Calendar) -> Services {
    Services::with_calendar(store.clone(), Arc::new(params.clone()), calendar.clone())
}

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub(super) fn percentile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    ms(sorted[index.min(sorted.len() - 1)])
}

/// The run's phases and statements (`ONETHING_LOG=info`, `…,sqlx::query=debug`) on stderr:
/// the profile behind the figures.
fn log_to_stderr() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("ONETHING_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
    }
}

/// `onething bench claims`.
pub async fn claims(db: String, n: usize, seed: u64) -> Result<ExitCode, Failure> {
    log_to_stderr();
    let params = load_params(None)?.1;
    let calendar = Calendar::shipped();
    let (store, people, records, ingest_s) = prepare(&db, n, seed, "claims").await?;

    let svc = services(&store, &params, &calendar);
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(n);
    let (mut approved, mut approved_fen) = (0u64, 0i64);
    for mother in &people.mothers {
        let t = Instant::now();
        let employer = &people.employers[mother.employer].0;
        let claim = file_claim(&svc, mother, employer).await?;
        latencies.push(t.elapsed());
        if claim.status == ClaimStatus::Approved {
            approved += 1;
            approved_fen += claim.amount_fen.unwrap_or(0);
        }
    }
    let review_s = started.elapsed().as_secs_f64();
    latencies.sort_unstable();

    // Today again: a run that crosses midnight (China time) settles the last approvals too.
    let settled = settle_and_render(&store, date_in_china(Utc::now())).await?;
    store.close().await;
    let per_claim = |s: f64| if n > 0 { s * 1e3 / n as f64 } else { 0.0 };
    let rate = |s: f64| if s > 0.0 { n as f64 / s } else { 0.0 };
    println!(
        "{{\"claims\":{n},\"seed\":{seed},\"employers\":{},\"shared_records\":{records},\"ingest_s\":{ingest_s:.2},\
\"approved\":{approved},\"approved_fen\":{approved_fen},\
\"review_s\":{review_s:.2},\"review_claims_per_s\":{:.1},\"review_ms_per_claim\":{:.3},\"review_p50_ms\":{:.3},\"review_p99_ms\":{:.3},\
\"settle_s\":{:.2},\"settle_claims_per_s\":{:.1},\"settle_ms_per_claim\":{:.4},\"file_s\":{:.3},\"file_bytes\":{},\
\"settled_claims\":{},\"payments\":{},\"total_fen\":{},\"total_matches\":{}}}",
        people.employers.len(),
        rate(review_s),
        per_claim(review_s),
        percentile_ms(&latencies, 0.5),
        percentile_ms(&latencies, 0.99),
        settled.settle_s,
        rate(settled.settle_s + settled.file_s),
        per_claim(settled.settle_s + settled.file_s),
        settled.file_s,
        settled.file_bytes,
        settled.claims,
        settled.payments,
        settled.total_fen,
        settled.total_fen == approved_fen && settled.claims == approved,
    );
    if settled.total_fen != approved_fen || settled.claims != approved || approved != n as u64 {
        return Err(Failure::environment(
            "结算结果与申领不符",
            format!(
                "{approved} of {n} approved ({approved_fen} fen); settled {} claims, {} fen",
                settled.claims, settled.total_fen
            ),
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// A fresh database with the shared data of `n` mothers (timed apart): the store, the
/// population, the records stored and the seconds it took.
pub(super) async fn prepare(
    db: &str,
    n: usize,
    seed: u64,
    what: &str,
) -> Result<(Store, Population, u64, f64), Failure> {
    let store = Store::open(db).await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ma_claims")
        .fetch_one(store.pool())
        .await
        .map_err(|e| Failure::environment("数据库操作失败", e))?;
    if existing > 0 {
        return Err(Failure::usage(
            format!("bench {what} 需要一个新的数据库"),
            format!("bench {what} needs a fresh database"),
        ));
    }
    let at = Utc::now();
    let people = population(seed, n, date_in_china(at))?;
    let started = Instant::now();
    let records = store_shared_data(&store, &people, at).await?;
    Ok((store, people, records, started.elapsed().as_secs_f64()))
}

/// `onething bench auto-claims`: 免申即享 of `n` births on a fresh database (the shared data
/// stored first, not timed), then one settlement of every approved claim and its payment
/// file; fails unless every birth was approved and the settlement's total is theirs.
pub async fn auto_claims(db: String, n: usize, seed: u64) -> Result<ExitCode, Failure> {
    log_to_stderr();
    let text = onething_domain::rules::params::SHIPPED_MATERNITY_TOML.replace(
        "\n[[regions.periods]]\n",
        "\n[[regions.periods]]\nautomatic_claims = true\n",
    );
    let params =
        MaternityParams::from_toml(&text).map_err(|e| Failure::environment("参数无效", e))?;
    let (store, people, records, ingest_s) = prepare(&db, n, seed, "auto-claims").await?;
    let svc = services(&store, &params, &Calendar::shipped());
    let started = Instant::now();
    let now = Utc::now();
    let until = date_in_china(now);
    let run = service::automatic_claims(
        &svc,
        &service::platform_actor(now),
        service::AutomaticClaims { until },
    )
    .await
    .map_err(|e| claim_failed("automatic claims", e))?;
    let decide_s = started.elapsed().as_secs_f64();
    let approved_fen: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ma_claims WHERE status = 'approved'",
    )
    .fetch_one(store.pool())
    .await
    .map_err(|e| Failure::environment("数据库操作失败", e))?;
    let settled = settle_and_render(&store, date_in_china(Utc::now())).await?;
    store.close().await;
    let total_s = decide_s + settled.settle_s + settled.file_s;
    let matches = settled.total_fen == approved_fen && settled.claims == run.approved;
    println!(
        "{{\"births\":{n},\"seed\":{seed},\"employers\":{},\"shared_records\":{records},\"ingest_s\":{ingest_s:.2},\
\"approved\":{},\"offers\":{},\"not_enabled\":{},\"duplicates\":{},\"approved_fen\":{approved_fen},\"decide_s\":{decide_s:.2},\"decide_claims_per_s\":{:.1},\
\"settle_s\":{:.2},\"file_s\":{:.3},\"file_bytes\":{},\"payments\":{},\"total_s\":{total_s:.2},\"total_matches\":{matches}}}",
        people.employers.len(),
        run.approved,
        run.offers,
        run.not_enabled,
        run.duplicates,
        if decide_s > 0.0 {
            run.approved as f64 / decide_s
        } else {
            0.0
        },
        settled.settle_s,
        settled.file_s,
        settled.file_bytes,
        settled.payments,
    );
    if !matches || run.approved != n as u64 {
        return Err(Failure::environment(
            "免申即享结果与预期不符",
            format!(
                "{} of {n} approved ({approved_fen} fen); settled {} claims, {} fen",
                run.approved, settled.claims, settled.total_fen
            ),
        ));
    }
    Ok(ExitCode::SUCCESS)
}

struct Settled {
    settle_s: f64,
    file_s: f64,
    file_bytes: usize,
    claims: u64,
    payments: usize,
    total_fen: i64,
}

/// One settlement of every approved claim, then the payment file as the payment-file
/// endpoint renders it (the settlement read back, control totals checked, CSV).
async fn settle_and_render(store: &Store, today: NaiveDate) -> Result<Settled, Failure> {
    let settle_failed = |e: settlements::SettlementError| Failure::environment("结算失败", e);
    let started = Instant::now();
    let run = SettleRun {
        until: today,
        scope: None,
        acting: settlements::Acting {
            name: "bench".into(),
            role: Some(Role::Admin),
            at: Utc::now(),
        },
    };
    let outcome = store
        .settle(&run, payment_texts)
        .await
        .map_err(settle_failed)?;
    let settle_s = started.elapsed().as_secs_f64();
    let Some(settlement) = outcome.settlement else {
        return Err(Failure::environment("结算失败", "nothing was settled"));
    };
    let started = Instant::now();
    let settlement = store
        .settlement(&settlement.head.id, None)
        .await?
        .ok_or_else(|| Failure::environment("结算失败", "settlement not found"))?;
    let total = Fen::checked_sum(settlement.payments.iter().map(|p| p.amount))
        .map_err(|e| Failure::environment("金额溢出", e))?;
    let claims: usize = settlement
        .payments
        .iter()
        .map(|p| p.subject_ids.len())
        .sum();
    if total != settlement.head.total || claims as i64 != settlement.head.claims {
        return Err(Failure::environment(
            "结算控制总数不符",
            &settlement.head.id,
        ));
    }
    let lines: Vec<PaymentLine> = settlement
        .payments
        .iter()
        .map(|p| PaymentLine {
            payment_id: p.id.clone(),
            payee_name: p.payee_name.clone(),
            bank: p.bank.clone(),
            account: p.account.clone(),
            amount: p.amount,
            claims: p.subject_ids.clone(),
        })
        .collect();
    let file = render_payment_csv(&lines);
    Ok(Settled {
        settle_s,
        file_s: started.elapsed().as_secs_f64(),
        file_bytes: file.len(),
        claims: claims as u64,
        payments: lines.len(),
        total_fen: total.as_i64(),
    })
}

/// The id of the `n`th seeded claim (1-based); the load generator's `ma-claims` target asks
/// for these.
pub fn bench_claim_id(n: u64) -> String {
    format!("bench-ma-{n}")
}

/// Claims copied per statement when seeding.
const SEED_CHUNK: u64 = 50_000;

/// `onething bench seed-claims`: one claim filed and approved through the claims code, then
/// copied `count` times by SQL as `bench-ma-1 …` with its steps (fresh ids and duplicate
/// keys; the copies share the template's mother and employer).
pub async fn seed_claims(db: String, count: u64) -> Result<ExitCode, Failure> {
    let params = load_params(None)?.1;
    let calendar = Calendar::shipped();
    let store = Store::open(&db).await?;
    let at = Utc::now();
    let people = population(1, 1, date_in_china(at))?;
    store_shared_data(&store, &people, at).await?;
    let svc = services(&store, &params, &calendar);
    let template = file_claim(&svc, &people.mothers[0], &people.employers[0].0).await?;
    let started = Instant::now();
    let mut from = 1;
    while from <= count {
        let to = (from + SEED_CHUNK - 1).min(count);
        copy_claim(&store, &template.id, from, to).await?;
        from = to + 1;
    }
    store.close().await;
    println!(
        "{{\"claims\":{count},\"seconds\":{:.1},\"template\":\"{}\",\"status\":\"{}\"}}",
        started.elapsed().as_secs_f64(),
        template.id,
        template.status.as_str()
    );
    Ok(ExitCode::SUCCESS)
}

/// Copies the template claim (row and findings) and its case (events and items) to `bench-ma-FROM` …
/// `bench-ma-TO` (cases `bench-case-…`) in one transaction.
async fn copy_claim(store: &Store, template: &str, from: u64, to: u64) -> Result<(), Failure> {
    const NUMBERS: &str = "WITH RECURSIVE n(i) AS (SELECT CAST($2 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < CAST($3 AS BIGINT))";
    const CASE: &str = "(SELECT case_id FROM ma_claims WHERE id = $1)";
    const COLUMNS: &str = "employer_uscc, person_id, channel, status, certificate_no, event_date, region, wage_basis, params_used, params_digest, amount_fen, payee, needs_review, authorization_ref, account_name, bank, account_number, reject_code, reject_note, created_by, created_at, submitted_at, reviewed_at, reviewed_by, approved_on, payment_due, settlement_id, payment_id, account_corrected_at, paid_on, updated_at, version";
    let statements = [
        format!(
            "{NUMBERS} INSERT INTO cases (id, bundle, catalog_version, applicant, region, status, version, opened_at, updated_at, due_on, filer)
             SELECT 'bench-case-' || n.i, c.bundle, c.catalog_version, c.applicant, c.region, c.status, c.version, c.opened_at, c.updated_at, c.due_on, c.filer
             FROM cases c, n WHERE c.id = {CASE}"
        ),
        format!(
            "{NUMBERS} INSERT INTO case_events (case_id, seq, at, actor, role, kind, item, idempotency_key, body)
             SELECT 'bench-case-' || n.i, e.seq, e.at, e.actor, e.role, e.kind, e.item, e.idempotency_key || '-' || n.i, e.body
             FROM case_events e, n WHERE e.case_id = {CASE}"
        ),
        format!(
            "{NUMBERS} INSERT INTO case_items (case_id, item, department, state, due_on, accepted_on, finished_on)
             SELECT 'bench-case-' || n.i, i.item, i.department, i.state, i.due_on, i.accepted_on, i.finished_on
             FROM case_items i, n WHERE i.case_id = {CASE}"
        ),
        format!(
            "{NUMBERS} INSERT INTO ma_claims (id, case_id, duplicate_key, {COLUMNS})
             SELECT 'bench-ma-' || n.i, 'bench-case-' || n.i, c.duplicate_key || '-' || n.i, {}
             FROM ma_claims c, n WHERE c.id = $1",
            COLUMNS
                .split(", ")
                .map(|col| format!("c.{col}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "{NUMBERS} INSERT INTO ma_claim_findings (claim_id, facts, missing, decision, derivation)
             SELECT 'bench-ma-' || n.i, f.facts, f.missing, f.decision, f.derivation
             FROM ma_claim_findings f, n WHERE f.claim_id = $1"
        ),
        // The template's payable, when it was approved (the settlement benchmark pays it).
        format!(
            "{NUMBERS} INSERT INTO payables (id, service, subject_type, subject_id, case_id, case_item,
                 payee_kind, payee_name, bank, account_number, amount_fen, owed_on, due_on,
                 due_on_provisional, region, status, settlement_id, payment_id,
                 account_corrected_at, paid_on, created_at, updated_at)
             SELECT p.subject_type || '-bench-ma-' || n.i, p.service, p.subject_type, 'bench-ma-' || n.i,
                 'bench-case-' || n.i, p.case_item, p.payee_kind, p.payee_name, p.bank,
                 p.account_number, p.amount_fen, p.owed_on, p.due_on, p.due_on_provisional,
                 p.region, p.status, p.settlement_id, p.payment_id, p.account_corrected_at,
                 p.paid_on, p.created_at, p.updated_at
             FROM payables p, n WHERE p.service = 'maternity_allowance' AND p.subject_id = $1"
        ),
    ];
    let seed_error = |e: sqlx::Error| Failure::environment("无法写入基准测试申领", e);
    let mut tx = store.pool().begin().await.map_err(seed_error)?;
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(template)
            .bind(i64::try_from(from).unwrap_or(i64::MAX))
            .bind(i64::try_from(to).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await
            .map_err(seed_error)?;
    }
    tx.commit().await.map_err(seed_error)
}
