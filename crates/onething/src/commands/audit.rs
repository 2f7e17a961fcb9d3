//! `onething audit verify --db URL`: walks the audit log's hash chain and names every entry
//! that was edited, deleted or moved (exit 1), or prints the chain's head (exit 0). Record
//! the head somewhere else: a later run whose log no longer contains it means the end of the
//! log was rewritten.

use std::process::ExitCode;

use onething_store::Store;
use onething_store::audit_chain::ChainProblem;

use crate::cli::AuditCommand;
use crate::failure::Failure;

pub async fn run(cmd: AuditCommand) -> Result<ExitCode, Failure> {
    let AuditCommand::Verify { db } = cmd;
    let store = Store::open(&db).await?;
    let report = store.verify_audit_chain().await;
    store.close().await;
    let report = report?;
    for problem in &report.problems {
        let (id, zh, en) = match problem {
            ChainProblem::Edited { id } => (
                id,
                "内容被修改",
                "edited: its fields no longer give its hash",
            ),
            ChainProblem::Broken { id } => (
                id,
                "与前一条记录的链接断开（前一条被删除或记录被移动）",
                "broken link: the entry before it was deleted, or entries were moved",
            ),
            ChainProblem::Unchained { id } => (
                id,
                "缺少哈希（绕过平台写入）",
                "no hash: written around the platform",
            ),
        };
        eprintln!("审计记录 {id}：{zh} / audit entry {id}: {en}");
    }
    println!(
        "entries {} (before the chain: {}), problems {}",
        report.entries,
        report.before_chain,
        report.problems.len()
    );
    if let Some((id, hash)) = &report.head {
        println!("head {id} {hash}");
    }
    if report.problems.is_empty() {
        println!("审计日志完整 / audit log intact");
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(1))
    }
}
