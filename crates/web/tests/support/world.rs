//! Two tenants side by side for authorization tests: Chongqing (梁平区 500228) and Hubei
//! (大冶市 420281), each with a person's newborn case and an employer's maternity-allowance
//! case (all items accepted, so they have due dates), and one account per role and tenant.
//! Included with `#[path = "support/world.rs"] mod world;` next to `auth_support`.
#![allow(dead_code)]

use std::collections::BTreeMap;

use onething_domain::access::{Applicant, Role, Scope};
use onething_domain::case::ActorRole;
use onething_domain::department::DepartmentKind;
use onething_domain::{Calendar, CitizenId};
use onething_store::cases::{Actor, NewCase};

use super::auth_support::{TestApp, employer_in, person_in, region};

pub const CASES: [&str; 4] = ["newborn_cq", "newborn_hb", "allowance_cq", "allowance_hb"];

pub struct World {
    pub app: TestApp,
    /// Case name (see [`CASES`]) → case id.
    pub cases: BTreeMap<&'static str, String>,
    pub person_cq: CitizenId,
    pub person_hb: CitizenId,
    /// Every account: username, role, the cases it may see (by name).
    pub users: Vec<(&'static str, Role, Vec<&'static str>)>,
}

impl World {
    pub fn case(&self, name: &str) -> &str {
        self.cases.get(name).map(String::as_str).expect("case")
    }

    /// A case the user may see, and one it may not (none for administrators).
    pub fn own_and_other(&self, visible: &[&'static str]) -> (&str, Option<&str>) {
        let own = self.case(visible[0]);
        let other = CASES
            .iter()
            .find(|c| !visible.contains(c))
            .map(|c| self.case(c));
        (own, other)
    }

    /// The ids of the cases a user may not see.
    pub fn hidden_ids(&self, visible: &[&'static str]) -> Vec<&str> {
        CASES
            .iter()
            .filter(|c| !visible.contains(c))
            .map(|c| self.case(c))
            .collect()
    }
}

pub async fn world() -> World {
    let app = TestApp::new().await;
    let person_cq = person_in(500228, 301);
    let person_hb = person_in(420281, 302);
    let (employer_cq, employer_hb) = (employer_in(500228), employer_in(420281));
    let mut cases = BTreeMap::new();
    let plan = [
        (
            "newborn_cq",
            "newborn",
            Applicant::person_ref(&person_cq),
            "500228",
        ),
        (
            "newborn_hb",
            "newborn",
            Applicant::person_ref(&person_hb),
            "420281",
        ),
        (
            "allowance_cq",
            "maternity_allowance",
            Applicant::employer_ref(&employer_cq),
            "500228",
        ),
        (
            "allowance_hb",
            "maternity_allowance",
            Applicant::employer_ref(&employer_hb),
            "420281",
        ),
    ];
    for (name, bundle, applicant, region) in plan {
        cases.insert(name, open_accepted(&app, bundle, applicant, region).await);
    }
    let cq = vec!["newborn_cq", "allowance_cq"];
    let hb = vec!["newborn_hb", "allowance_hb"];
    let department = |kind: DepartmentKind| Scope::Department {
        id: kind.as_str().into(),
        kind,
    };
    let accounts: Vec<(&'static str, Role, Scope, Vec<&'static str>)> = vec![
        ("admin", Role::Admin, Scope::Platform, CASES.to_vec()),
        (
            "clerk_cq",
            Role::AgencyClerk,
            Scope::Region(region(500000)),
            cq.clone(),
        ),
        (
            "clerk_hb",
            Role::AgencyClerk,
            Scope::Region(region(420000)),
            hb.clone(),
        ),
        (
            "hosp_cq",
            Role::HospitalClerk,
            Scope::Hospital {
                id: "H50022800001".into(),
                region: region(500228),
            },
            cq.clone(),
        ),
        (
            "hosp_hb",
            Role::HospitalClerk,
            Scope::Hospital {
                id: "H420281001".into(),
                region: region(420281),
            },
            hb.clone(),
        ),
        (
            "sup_cq",
            Role::Supervisor,
            Scope::Region(region(500200)),
            cq.clone(),
        ),
        (
            "sup_hb",
            Role::Supervisor,
            Scope::Region(region(420200)),
            hb.clone(),
        ),
        (
            "emp_cq",
            Role::Employer,
            Scope::Employer(employer_cq),
            vec!["allowance_cq"],
        ),
        (
            "emp_hb",
            Role::Employer,
            Scope::Employer(employer_hb),
            vec!["allowance_hb"],
        ),
        (
            "mum_cq",
            Role::Person,
            Scope::Person(person_cq.clone()),
            vec!["newborn_cq"],
        ),
        (
            "mum_hb",
            Role::Person,
            Scope::Person(person_hb.clone()),
            vec!["newborn_hb"],
        ),
        (
            "cdc",
            Role::DeptOfficer,
            department(DepartmentKind::Cdc),
            vec!["newborn_cq", "newborn_hb"],
        ),
        (
            "tax",
            Role::DeptOfficer,
            department(DepartmentKind::Tax),
            vec!["allowance_cq", "allowance_hb"],
        ),
    ];
    let mut users = Vec::new();
    for (username, role, scope, visible) in accounts {
        app.add_user(username, role, scope).await;
        users.push((username, role, visible));
    }
    World {
        app,
        cases,
        person_cq,
        person_hb,
        users,
    }
}

async fn open_accepted(app: &TestApp, bundle: &str, applicant: String, region: &str) -> String {
    let actor = |key: &str| Actor {
        name: "window".into(),
        role: ActorRole::Acceptor,
        idempotency_key: format!("{key}-{}", uuid::Uuid::new_v4().simple()),
        at: app.now(),
    };
    let new = NewCase {
        bundle: bundle.into(),
        applicant,
        region: Some(region.into()),
        filer: None,
        id: None,
    };
    let case = app
        .store
        .open_case(&new, &actor("open"))
        .await
        .expect("case opens");
    app.store
        .accept_all(&case.id, &actor("accept"), &Calendar::shipped())
        .await
        .expect("accepted");
    case.id
}
