//! Demo accounts, one per role, scoped to the demo data: the demo cases and the synthetic
//! city's claims are in 梁平区 (500228, 重庆市), so clerks and the supervisor get 重庆市
//! (500000), the hospital window 梁平区; the employer is the demo claims' employer, the
//! person account the insured woman of the paid demo claim (else the mother of a demo case),
//! the department officer the health commission. Every account is written to the audit log like `onething user add`.
//! Passwords are public (`demo-<role>-2026`): for the demo database only.

use chrono::{DateTime, Utc};
use onething_domain::access::{Applicant, Role, Scope, ScopeFlags, Username};
use onething_domain::case::ItemState;
use onething_domain::department::DepartmentKind;
use onething_domain::{CitizenId, RegionCode};
use onething_store::Store;
use onething_store::accounts::scoped_cases::{CaseSummary, Page};
use onething_store::accounts::{NewAccount, Passwords};

use super::claims::DemoClaims;
use crate::failure::Failure;

/// A demo account as the demo prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
    /// What the account can do, in Chinese, for the printed list.
    pub can_do: &'static str,
}

/// The department kind of the demo officer.
const DEMO_DEPT: DepartmentKind = DepartmentKind::Health;

/// Creates the demo accounts in `store` (after the demo cases, so the person account can be
/// one of their mothers) and returns them with their passwords.
pub async fn seed_demo_accounts(
    store: &Store,
    passwords: &Passwords,
    claims: &DemoClaims,
    newborn_mother: Option<&CitizenId>,
    at: DateTime<Utc>,
) -> Result<Vec<DemoAccount>, Failure> {
    let mut accounts = Vec::new();
    let mut planned = plan(store, claims).await?;
    planned.extend(newborn_accounts(newborn_mother)?);
    for (name, role, scope, can_do) in planned {
        let password = format!("demo-{name}-2026");
        let username = Username::parse(&format!("demo-{name}"))
            .map_err(|e| Failure::environment("演示用户名无效", e))?;
        let hash = passwords.hash(&password)?;
        let account = NewAccount {
            username: &username,
            role,
            scope: &scope,
            password_hash: &hash,
        };
        store.open_account(&account, ("demo", None), at).await?;
        accounts.push(DemoAccount {
            username: username.to_string(),
            password,
            role,
            can_do,
        });
    }
    Ok(accounts)
}

type Planned = (&'static str, Role, Scope, &'static str);

async fn plan(store: &Store, claims: &DemoClaims) -> Result<Vec<Planned>, Failure> {
    let city = region("500000")?;
    let county = region("500228")?;
    let dept_kind = store
        .department(DEMO_DEPT.as_str())
        .await?
        .map_or(DEMO_DEPT, |d| d.kind);
    let department = Scope::for_role(
        Role::DeptOfficer,
        ScopeFlags {
            dept: Some((DEMO_DEPT.as_str(), Some(dept_kind))),
            ..ScopeFlags::default()
        },
    )
    .map_err(|e| Failure::environment("演示部门范围无效", e))?;
    let employer = claims.employer.clone();
    let mother = match &claims.mother {
        Some(mother) => mother.clone(),
        None => demo_mother(store).await?,
    };
    Ok(vec![
        (
            "admin",
            Role::Admin,
            Scope::Platform,
            "全部办件、用户、部门与密钥、服务目录、参数文件、审计日志",
        ),
        (
            "clerk",
            Role::AgencyClerk,
            Scope::Region(city),
            "重庆市的生育津贴审核（证据、照片、规则预审、通过或不予支付）、参保人查询、窗口代办（授权确认表、打印申请表）、结算批次（立即结算、下载支付文件、导入银行回盘）、逾期未支付、办件查询",
        ),
        (
            "hospital",
            Role::HospitalClerk,
            Scope::Hospital {
                id: super::departments::DEMO_HOSPITAL.into(),
                region: county,
            },
            "梁平区的办件查询（医院窗口）",
        ),
        (
            "supervisor",
            Role::Supervisor,
            Scope::Region(city),
            "重庆市的超期与即将到期事项、重复申领拦截记录、逾期未支付、数据使用审计",
        ),
        (
            "health",
            Role::DeptOfficer,
            department,
            "推送到卫生健康部门的待办事项及时限",
        ),
        (
            "employer",
            Role::Employer,
            Scope::Employer(employer),
            "主动服务列表（职工生育后待申领）、三步申领生育津贴、本单位申领进度、银行账户",
        ),
        (
            "mother",
            Role::Person,
            Scope::Person(mother),
            "本人的生育津贴申领进度（提交、审核、结算、到账）、站内消息、本人的办件",
        ),
    ])
}

/// The newborn bundle's accounts: the police officer who registers births on the page, and
/// the mother whose newborn case is half done.
fn newborn_accounts(mother: Option<&CitizenId>) -> Result<Vec<Planned>, Failure> {
    let police = Scope::for_role(
        Role::DeptOfficer,
        ScopeFlags {
            dept: Some(("demo-police", Some(DepartmentKind::PublicSecurity))),
            ..ScopeFlags::default()
        },
    )
    .map_err(|e| Failure::environment("演示部门范围无效", e))?;
    let insurance = Scope::for_role(
        Role::DeptOfficer,
        ScopeFlags {
            dept: Some((
                "demo-medical-insurance",
                Some(DepartmentKind::MedicalInsurance),
            )),
            ..ScopeFlags::default()
        },
    )
    .map_err(|e| Failure::environment("演示部门范围无效", e))?;
    let mut out: Vec<Planned> = vec![
        (
            "police",
            Role::DeptOfficer,
            police,
            "公安部门：新生儿出生登记（本部门事项、办结并填写户号、不予办理）",
        ),
        (
            "insurance",
            Role::DeptOfficer,
            insurance,
            "医保部门：差评整改（调查核实、记录整改）",
        ),
    ];
    if let Some(mother) = mother {
        out.push((
            "newborn-mother",
            Role::Person,
            Scope::Person(mother.clone()),
            "新生儿出生一件事：办理登记表、七个事项的进度、消息、电子证照、好差评",
        ));
    }
    Ok(out)
}

fn region(code: &str) -> Result<RegionCode, Failure> {
    RegionCode::parse(code).map_err(|e| Failure::environment("演示地区代码无效", e))
}

/// The mother of a demo case, preferring one whose case has a finished item and an open one
/// with a deadline, so her progress page shows 已办结, 未办结 and dates.
async fn demo_mother(store: &Store) -> Result<CitizenId, Failure> {
    let page = Page {
        limit: 200,
        offset: 0,
    };
    let cases = store.cases_in_scope(&Scope::Platform, page).await?;
    let finished = |c: &CaseSummary| c.items.iter().any(|i| i.state == ItemState::Done);
    let waiting = |c: &CaseSummary| {
        c.items
            .iter()
            .any(|i| !i.state.is_terminal() && i.due_on.is_some())
    };
    let chosen = cases
        .iter()
        .find(|c| finished(c) && waiting(c))
        .or_else(|| cases.iter().find(|c| waiting(c)))
        .or(cases.first());
    chosen
        .and_then(|c| match Applicant::parse(&c.applicant) {
            Applicant::Person(id) => Some(id),
            _ => None,
        })
        .ok_or_else(|| {
            Failure::environment(
                "演示数据中没有参保人的办件，无法开设参保人演示账号",
                "no person case in the demo data",
            )
        })
}
