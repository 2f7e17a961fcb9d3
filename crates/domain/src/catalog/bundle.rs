//! The dependency graph of a bundle: order, schedule and critical path (NB-7).
//!
//! Every function here is total: on a bundle that failed validation (unknown
//! dependencies, cycles) it still returns, ignoring unknown codes and placing the items
//! of a cycle last, so a caller can never hang or panic on bad data. Only a validated
//! bundle gives meaningful answers.

use super::model::{Bundle, BundleItem};

/// When an item of a bundle is due, counted in working days from the bundle's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledItem<'a> {
    pub item: &'a BundleItem,
    /// The latest due point of the items it depends on (0 when it depends on none):
    /// its own clock starts then at the latest.
    pub starts_after: u32,
    /// `starts_after` plus its limit; `None` for an item without a deadline.
    pub due_after: Option<u32>,
}

impl Bundle {
    /// The bundle's entry for an item code.
    pub fn item(&self, code: &str) -> Option<&BundleItem> {
        self.items.iter().find(|i| i.item == code)
    }

    /// The items a case of the bundle opens with: every required item and the optional
    /// ones `with` names. A dependency on an optional item left out is dropped: there is
    /// nothing to wait for. (A dependency on an unknown code is kept, for the plan's own
    /// check to refuse.)
    pub fn items_for(&self, with: &[String]) -> Vec<BundleItem> {
        let left_out = |code: &str| {
            self.item(code)
                .is_some_and(|i| i.optional && !with.iter().any(|w| w == code))
        };
        self.items
            .iter()
            .filter(|i| !left_out(&i.item))
            .map(|i| BundleItem {
                depends_on: i
                    .depends_on
                    .iter()
                    .filter(|d| !left_out(d))
                    .cloned()
                    .collect(),
                ..i.clone()
            })
            .collect()
    }

    /// The items that directly wait for `code`'s result, in file order.
    pub fn dependents_of(&self, code: &str) -> Vec<&BundleItem> {
        self.items
            .iter()
            .filter(|i| i.depends_on.iter().any(|d| d == code))
            .collect()
    }

    /// Items with their dependencies first. Among items that are ready at the same
    /// time the file order is kept, so the order is stable and readable.
    pub fn topological_order(&self) -> Vec<&BundleItem> {
        let mut placed = vec![false; self.items.len()];
        let mut order = Vec::with_capacity(self.items.len());
        while let Some(next) = (0..self.items.len()).find(|&i| !placed[i] && self.ready(i, &placed))
        {
            placed[next] = true;
            order.push(&self.items[next]);
        }
        // Only items of a cycle are left (an invalid bundle): keep them, in file order.
        order.extend(
            self.items
                .iter()
                .zip(&placed)
                .filter(|(_, p)| !**p)
                .map(|(i, _)| i),
        );
        order
    }

    /// Each item with the working days after the bundle's start by which it is due.
    /// A deadline follows the dependency chain: an item's clock starts when the last
    /// item it needs is due. An item without a limit adds nothing to the chain.
    pub fn schedule(&self) -> Vec<ScheduledItem<'_>> {
        let mut done: Vec<(&str, u32)> = Vec::with_capacity(self.items.len());
        let mut out = Vec::with_capacity(self.items.len());
        for item in self.topological_order() {
            let starts_after = item
                .depends_on
                .iter()
                .filter_map(|d| done.iter().find(|(code, _)| code == d).map(|(_, at)| *at))
                .max()
                .unwrap_or(0);
            let due_after = item
                .limit_working_days
                .map(|l| starts_after.saturating_add(l));
            done.push((&item.item, due_after.unwrap_or(starts_after)));
            out.push(ScheduledItem {
                item,
                starts_after,
                due_after,
            });
        }
        out
    }

    /// The longest chain of limits along the dependencies: the shortest time in which
    /// the whole bundle can be promised (the newborn bundle: 1 + 2 + 30 = 33, not the
    /// sum of its seven limits).
    pub fn critical_path_working_days(&self) -> u32 {
        self.schedule()
            .iter()
            .map(|s| s.due_after.unwrap_or(s.starts_after))
            .max()
            .unwrap_or(0)
    }

    /// A dependency loop, as the codes around it with the first repeated at the end
    /// (`a -> b -> a` when a needs b and b needs a), or `None`.
    pub(super) fn find_cycle(&self) -> Option<Vec<String>> {
        let mut state = vec![Visit::New; self.items.len()];
        let mut path = Vec::new();
        (0..self.items.len()).find_map(|i| self.visit(i, &mut state, &mut path))
    }

    fn visit(&self, i: usize, state: &mut [Visit], path: &mut Vec<usize>) -> Option<Vec<String>> {
        match state[i] {
            Visit::Done => return None,
            Visit::Open => return Some(self.cycle_from(i, path)),
            Visit::New => {}
        }
        state[i] = Visit::Open;
        path.push(i);
        for dep in self.dependency_indices(i) {
            if let Some(cycle) = self.visit(dep, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state[i] = Visit::Done;
        None
    }

    /// The codes on `path` from `i`'s first visit, closed by `i` again.
    fn cycle_from(&self, i: usize, path: &[usize]) -> Vec<String> {
        let start = path.iter().position(|&j| j == i).unwrap_or(0);
        path[start..]
            .iter()
            .chain(std::iter::once(&i))
            .map(|&j| self.items[j].item.clone())
            .collect()
    }

    /// Indices of the items `i` depends on; unknown codes are skipped.
    fn dependency_indices(&self, i: usize) -> Vec<usize> {
        self.items[i]
            .depends_on
            .iter()
            .filter_map(|d| self.index_of(d))
            .collect()
    }

    fn index_of(&self, code: &str) -> Option<usize> {
        self.items.iter().position(|i| i.item == code)
    }

    /// True when every known dependency of item `i` is already placed.
    fn ready(&self, i: usize, placed: &[bool]) -> bool {
        self.dependency_indices(i).into_iter().all(|j| placed[j])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    Open,
    Done,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::department::DepartmentKind;

    fn bundle(items: &[(&str, Option<u32>, &[&str])]) -> Bundle {
        Bundle {
            code: "b".into(),
            name: "b".into(),
            lead: DepartmentKind::Health,
            promised_limit_working_days: None,
            source: "test".into(),
            guide: None,
            items: items
                .iter()
                .map(|(code, limit, deps)| BundleItem {
                    item: (*code).into(),
                    limit_working_days: *limit,
                    depends_on: deps.iter().map(|d| (*d).into()).collect(),
                    optional: false,
                })
                .collect(),
        }
    }

    fn codes(items: &[&BundleItem]) -> Vec<String> {
        items.iter().map(|i| i.item.clone()).collect()
    }

    #[test]
    fn order_puts_dependencies_first_and_keeps_file_order() {
        let b = bundle(&[
            ("c", Some(1), &["b"]),
            ("a", None, &[]),
            ("b", Some(2), &["a"]),
        ]);
        assert_eq!(codes(&b.topological_order()), ["a", "b", "c"]);
        let flat = bundle(&[("x", None, &[]), ("y", None, &[])]);
        assert_eq!(codes(&flat.topological_order()), ["x", "y"]);
    }

    #[test]
    fn critical_path_is_the_longest_chain_not_the_sum() {
        let b = bundle(&[
            ("a", Some(1), &[]),
            ("b", Some(2), &["a"]),
            ("c", Some(30), &["b"]),
            ("d", Some(15), &["a"]),
            ("e", None, &["c"]),
        ]);
        assert_eq!(b.critical_path_working_days(), 33);
        let due: Vec<_> = b
            .schedule()
            .iter()
            .map(|s| (s.starts_after, s.due_after))
            .collect();
        assert_eq!(
            due,
            [
                (0, Some(1)),
                (1, Some(3)),
                (3, Some(33)),
                (1, Some(16)),
                (33, None)
            ]
        );
    }

    #[test]
    fn an_item_without_limit_passes_its_start_on() {
        let b = bundle(&[
            ("a", Some(4), &[]),
            ("b", None, &["a"]),
            ("c", Some(1), &["b"]),
        ]);
        assert_eq!(b.critical_path_working_days(), 5);
    }

    #[test]
    fn cycles_are_found_and_never_hang() {
        let b = bundle(&[
            ("x", None, &[]),
            ("a", Some(1), &["b"]),
            ("b", Some(1), &["a"]),
        ]);
        assert_eq!(
            b.find_cycle(),
            Some(vec!["a".into(), "b".into(), "a".into()])
        );
        assert_eq!(codes(&b.topological_order()), ["x", "a", "b"]);
        assert_eq!(b.schedule().len(), 3);
        let self_loop = bundle(&[("a", Some(1), &["a"])]);
        assert_eq!(self_loop.find_cycle(), Some(vec!["a".into(), "a".into()]));
        assert_eq!(bundle(&[("a", None, &["zz"])]).find_cycle(), None);
    }

    #[test]
    fn dependents_are_direct_only() {
        let b = bundle(&[("a", None, &[]), ("b", None, &["a"]), ("c", None, &["b"])]);
        assert_eq!(codes(&b.dependents_of("a")), ["b"]);
        assert!(b.dependents_of("c").is_empty());
        assert_eq!(b.item("b").map(|i| i.item.as_str()), Some("b"));
        assert!(b.item("zz").is_none());
    }

    #[test]
    fn an_optional_item_is_in_a_case_only_when_asked_for_and_its_dependents_wait_only_then() {
        let mut b = bundle(&[
            ("data", None, &[]),
            ("review", None, &[]),
            ("pay", Some(10), &["data", "review"]),
        ]);
        b.items[1].optional = true;
        let without = b.items_for(&[]);
        assert_eq!(
            without.iter().map(|i| i.item.as_str()).collect::<Vec<_>>(),
            ["data", "pay"]
        );
        assert_eq!(without[1].depends_on, ["data"], "nothing to wait for");
        let with = b.items_for(&["review".to_owned()]);
        assert_eq!(with.len(), 3);
        assert_eq!(with[2].depends_on, ["data", "review"]);
        assert!(with[1].optional);
        // Asking for a required item or an unknown code changes nothing.
        assert_eq!(
            b.items_for(&["data".to_owned(), "nope".to_owned()]),
            without
        );
    }
}
