//! The item plan's dependency graph: checked once when a case opens, and walked in
//! dependency order when due dates are planned.

use std::collections::BTreeSet;

use thiserror::Error;

/// Why an item plan cannot be a case.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanDefect {
    #[error("the plan has no items")]
    NoItems,
    #[error("item {0} appears twice")]
    DuplicateItem(String),
    #[error("item {item} depends on {dependency}, which is not in the plan")]
    UnknownDependency { item: String, dependency: String },
    #[error("items {0:?} depend on each other in a cycle")]
    Cycle(Vec<String>),
}

/// The item codes ordered so every item comes after all its dependencies; ties keep
/// the given order, so the result is deterministic. Fails on any defect of the plan.
pub fn dependency_order(items: &[(&str, &[String])]) -> Result<Vec<String>, PlanDefect> {
    check_items(items)?;
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut order = Vec::with_capacity(items.len());
    while order.len() < items.len() {
        let ready: Vec<&str> = items
            .iter()
            .filter(|(code, deps)| {
                !placed.contains(code) && deps.iter().all(|d| placed.contains(d.as_str()))
            })
            .map(|(code, _)| *code)
            .collect();
        if ready.is_empty() {
            let stuck = items
                .iter()
                .filter(|(code, _)| !placed.contains(code))
                .map(|(code, _)| code.to_string())
                .collect();
            return Err(PlanDefect::Cycle(stuck));
        }
        for code in ready {
            placed.insert(code);
            order.push(code.to_string());
        }
    }
    Ok(order)
}

fn check_items(items: &[(&str, &[String])]) -> Result<(), PlanDefect> {
    if items.is_empty() {
        return Err(PlanDefect::NoItems);
    }
    let mut seen = BTreeSet::new();
    for (code, _) in items {
        if !seen.insert(*code) {
            return Err(PlanDefect::DuplicateItem(code.to_string()));
        }
    }
    for (code, deps) in items {
        if let Some(missing) = deps.iter().find(|d| !seen.contains(d.as_str())) {
            return Err(PlanDefect::UnknownDependency {
                item: code.to_string(),
                dependency: missing.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deps(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn orders_dependencies_first() {
        let (none, cert, reg) = (deps(&[]), deps(&["cert"]), deps(&["reg"]));
        let items = [("card", &reg[..]), ("reg", &cert[..]), ("cert", &none[..])];
        assert_eq!(
            dependency_order(&items).expect("valid plan"),
            ["cert", "reg", "card"]
        );
    }

    #[test]
    fn finds_every_defect() {
        let (none, a, b, x) = (deps(&[]), deps(&["a"]), deps(&["b"]), deps(&["x"]));
        assert_eq!(dependency_order(&[]), Err(PlanDefect::NoItems));
        assert_eq!(
            dependency_order(&[("a", &none[..]), ("a", &none[..])]),
            Err(PlanDefect::DuplicateItem("a".into()))
        );
        assert!(matches!(
            dependency_order(&[("a", &x[..])]),
            Err(PlanDefect::UnknownDependency { .. })
        ));
        assert_eq!(
            dependency_order(&[("a", &b[..]), ("b", &a[..]), ("c", &none[..])]),
            Err(PlanDefect::Cycle(vec!["a".into(), "b".into()]))
        );
        assert!(matches!(
            dependency_order(&[("a", &a[..])]),
            Err(PlanDefect::Cycle(_))
        ));
    }
}
