//! Demo accounts, one per role, scoped to the demo data: the demo cases are filed in
//! 青秀区 (450102, 南宁市), so clerks and the supervisor get 南宁市 (450100), the hospital
//! window 青秀区, the person account is the mother of one demo case, the department officer
//! the health commission. Every account is written to the audit log like `onething user add`.
//! Passwords are public (`demo-<role>-2026`): for the demo database only.

use chrono::{DateTime, Utc};
use onething_domain::access::{Applicant, Role, Scope, ScopeFlags, Username};
use onething_domain::case::ItemState;
use onething_domain::department::DepartmentKind;
use onething_domain::{CitizenId, RegionCode, Uscc};
use onething_store::Store;
use onething_store::accounts::scoped_cases::{CaseSummary, Page};
use onething_store::accounts::{NewAccount, Passwords};

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
    at: DateTime<Utc>,
) -> Result<Vec<DemoAccount>, Failure> {
    let mut accounts = Vec::new();
    for (name, role, scope, can_do) in plan(store).await? {
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

async fn plan(store: &Store) -> Result<Vec<Planned>, Failure> {
    let city = region("450100")?;
    let county = region("450102")?;
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
    let employer = Uscc::from_parts('9', '1', county, "MA5U7CHW")
        .map_err(|e| Failure::environment("演示单位代码无效", e))?;
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
            "南宁市的办件查询（按办件编号或证件号后几位）",
        ),
        (
            "hospital",
            Role::HospitalClerk,
            Scope::Region(county),
            "青秀区的办件查询（医院窗口）",
        ),
        (
            "supervisor",
            Role::Supervisor,
            Scope::Region(city),
            "南宁市的超期与即将到期事项、数据使用审计",
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
            "本单位的办件（演示数据中暂无）",
        ),
        (
            "mother",
            Role::Person,
            Scope::Person(demo_mother(store).await?),
            "本人的办件和各事项进度",
        ),
    ])
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
