//! `onething user add`: creates an account with its role and scope; the password comes from
//! standard input (one trailing newline is dropped), so it never appears in the process list
//! or the shell history.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use chrono::Utc;
use onething_domain::access::{Role, Scope, ScopeFlags, Username, check_new_password};
use onething_domain::department::DepartmentKind;
use onething_store::Store;
use onething_store::accounts::{NewAccount, Passwords};

use crate::cli::UserCommand;
use crate::failure::Failure;

pub async fn run(cmd: UserCommand) -> Result<ExitCode, Failure> {
    match cmd {
        UserCommand::Add {
            db,
            username,
            role,
            employer,
            dept,
            person,
            region,
        } => {
            let username = Username::parse(&username)
                .map_err(|e| Failure::usage(e.message_zh(), format!("--username: {e}")))?;
            let role = parse_role(&role)?;
            let flags = ScopeFlags {
                employer: employer.as_deref(),
                dept: dept.as_deref().map(|id| (id, None)),
                person: person.as_deref(),
                region: region.as_deref(),
            };
            precheck(role, flags)?;
            let password = read_password()?;
            let store = Store::open(&db).await?;
            let dept_kind = match (&dept, role) {
                (Some(id), Role::DeptOfficer | Role::HospitalClerk) => {
                    registered_kind(&store, id).await?
                }
                _ => None,
            };
            let flags = ScopeFlags {
                dept: dept.as_deref().map(|id| (id, dept_kind)),
                ..flags
            };
            let scope = Scope::for_role(role, flags).map_err(scope_failure)?;
            add(&store, &username, role, &scope, &password).await?;
            store.close().await;
            println!(
                "已添加用户 {username}（{}）/ user {username} added with role {role}",
                role.label_zh()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Checks the scope flags before the database is opened, so a usage error never waits on
/// it. The department registry needs the database, so this check stands in a registered
/// kind for `--dept`; the real kind is looked up afterwards.
fn precheck(role: Role, flags: ScopeFlags<'_>) -> Result<(), Failure> {
    let probe = ScopeFlags {
        dept: flags.dept.map(|(id, _)| {
            let stand_in = match role {
                Role::HospitalClerk => DepartmentKind::Hospital,
                _ => DepartmentKind::Health,
            };
            (id, Some(stand_in))
        }),
        ..flags
    };
    Scope::for_role(role, probe)
        .map(|_| ())
        .map_err(scope_failure)
}

fn scope_failure(e: onething_domain::access::ScopeError) -> Failure {
    Failure::usage(e.message_zh(), e.to_string())
}

fn parse_role(text: &str) -> Result<Role, Failure> {
    Role::parse(text.trim()).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        Failure::usage(
            format!("--role：未知角色“{text}”，可选：{}", all.join("、")),
            format!("--role: unknown role {text:?}; one of {}", all.join(", ")),
        )
    })
}

/// The kind of a registered department; `None` if the id is not registered (the scope then
/// accepts only a department kind name as the id).
async fn registered_kind(store: &Store, id: &str) -> Result<Option<DepartmentKind>, Failure> {
    Ok(store.department(id.trim()).await?.map(|d| d.kind))
}

/// The password from standard input: a terminal gives one line, a pipe everything up to
/// its end. Exactly one trailing newline (`\n` or `\r\n`) is dropped; anything else,
/// spaces included, is part of the password.
fn read_password() -> Result<String, Failure> {
    let mut stdin = std::io::stdin();
    let mut text = String::new();
    let read = if stdin.is_terminal() {
        eprint!("请输入密码 / password: ");
        stdin.read_line(&mut text)
    } else {
        stdin.read_to_string(&mut text)
    };
    read.map_err(|e| Failure::usage(format!("无法从标准输入读取密码：{e}"), e.to_string()))?;
    let password = strip_one_newline(&text);
    check_new_password(password).map_err(|e| Failure::usage(e.message_zh(), e.to_string()))?;
    Ok(password.to_owned())
}

fn strip_one_newline(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text)
}

async fn add(
    store: &Store,
    username: &Username,
    role: Role,
    scope: &Scope,
    password: &str,
) -> Result<(), Failure> {
    let hash = Passwords::new().hash(password)?;
    let account = NewAccount {
        username,
        role,
        scope,
        password_hash: &hash,
    };
    match store
        .open_account(&account, ("cli", None), Utc::now())
        .await
    {
        Err(e) if e.is_unique_violation() => Err(Failure::usage(
            format!("--username：用户名“{username}”已存在"),
            format!("--username: {username} already exists"),
        )),
        other => other.map(|_| ()).map_err(Failure::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_trailing_newline_is_dropped() {
        assert_eq!(strip_one_newline("secret12\n"), "secret12");
        assert_eq!(strip_one_newline("secret12\r\n"), "secret12");
        assert_eq!(strip_one_newline("secret12\n\n"), "secret12\n");
        assert_eq!(strip_one_newline(" secret12 "), " secret12 ");
    }

    #[test]
    fn roles_are_parsed_with_a_clear_message() {
        assert!(parse_role("supervisor").is_ok());
        let failure = parse_role("boss").expect_err("unknown role");
        assert_eq!(failure.exit, 2);
        assert!(failure.zh.contains("agency_clerk"), "{}", failure.zh);
    }
}
