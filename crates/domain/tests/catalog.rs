//! The shipped catalogue (data/catalog/*.toml) and the catalogue's validation rules.

use onething_domain::catalog::{
    Catalog, CatalogError, ItemList, SHIPPED_BUNDLES_TOML, SHIPPED_ITEMS_TOML,
};

fn shipped() -> Catalog {
    Catalog::shipped()
}

fn codes(catalog: &Catalog, list: ItemList) -> Vec<String> {
    catalog.items_in(list).map(|i| i.code.clone()).collect()
}

#[test]
fn shipped_catalogue_parses_and_validates() {
    let catalog = Catalog::from_toml(SHIPPED_ITEMS_TOML, SHIPPED_BUNDLES_TOML).expect("parses");
    catalog.validate().expect("valid");
    assert_eq!(catalog, shipped());
}

#[test]
fn lists_have_the_seed_counts_in_seed_order() {
    let catalog = shipped();
    let ps: Vec<String> = (1..=38).map(|n| format!("PS-{n:02}")).collect();
    let ap: Vec<String> = (1..=17).map(|n| format!("AP-{n:02}")).collect();
    assert_eq!(codes(&catalog, ItemList::PublicService), ps);
    assert_eq!(codes(&catalog, ItemList::AdministrativePower), ap);
    assert!(
        catalog
            .items_in(ItemList::PublicService)
            .all(|i| i.item_type == "公共服务")
    );
    assert!(catalog.items.iter().all(|i| !i.source.trim().is_empty()));
}

#[test]
fn names_and_types_are_verbatim() {
    let catalog = shipped();
    let cases = [
        ("PS-05", "生育保险生育津贴待遇核准支付"),
        ("PS-07", "生育保险生育医疗费待遇核准支付"),
        ("PS-36", "城乡居民基本医疗保险参保登记"),
        ("PS-38", "基本医疗保险参保单位参保信息查询"),
        (
            "AP-02",
            "对以欺诈、伪造证明材料或者其他手段骗取医疗保险、生育保险待遇的处罚",
        ),
        ("AP-17", "对举报骗取医保基金行为的奖励"),
        ("HEALTH-BIRTH-CERT", "出生医学证明办理（首签）"),
        ("HR-SSCARD", "社会保障卡申领"),
    ];
    for (code, name) in cases {
        assert_eq!(
            catalog.item(code).map(|i| i.name.as_str()),
            Some(name),
            "{code}"
        );
    }
    let types = [
        ("AP-02", "行政处罚"),
        ("AP-08", "行政强制"),
        ("AP-09", "行政检查"),
        ("AP-16", "行政确认"),
        ("AP-17", "行政奖励"),
    ];
    for (code, item_type) in types {
        assert_eq!(
            catalog.item(code).map(|i| i.item_type.as_str()),
            Some(item_type),
            "{code}"
        );
    }
}

#[test]
fn item_limits_come_from_the_seeds() {
    let catalog = shipped();
    let limit = |code: &str| catalog.item(code).and_then(|i| i.limit_working_days);
    assert_eq!(limit("PS-05"), Some(10));
    assert_eq!(limit("PS-07"), Some(15));
    assert_eq!(limit("PS-36"), Some(1));
    assert_eq!(limit("HR-SSCARD"), Some(30));
    assert_eq!(limit("PS-16"), None);
}

#[test]
fn the_bundles_exist() {
    let catalog = shipped();
    // The three one-thing bundles, and the cases of the hospital window's own work.
    let codes = [
        "maternity_allowance",
        "maternity_reimbursement",
        "spouse_filing",
        "maternity_costs_birth",
        "maternity_costs_stay",
        "maternity_costs_outpatient",
        "newborn",
    ];
    for code in codes {
        let bundle = catalog.bundle(code).expect(code);
        assert!(!bundle.source.is_empty());
    }
    assert_eq!(catalog.bundles.len(), codes.len());
    let items = |code: &str| -> Vec<String> {
        let bundle = catalog.bundle(code).expect(code);
        bundle.items.iter().map(|i| i.item.clone()).collect()
    };
    assert_eq!(items("maternity_costs_birth"), ["PS-07", "PS-08"]);
    assert_eq!(items("maternity_costs_stay"), ["PS-07"]);
    assert_eq!(items("maternity_costs_outpatient"), ["PS-06"]);
    assert_eq!(
        items("spouse_filing"),
        [
            "CIVIL-MARRIAGE-INFO",
            "HR-EMPLOYMENT-INFO",
            "HOSPITAL-SPOUSE-FILING"
        ]
    );
}

#[test]
fn newborn_critical_path_is_the_promised_33() {
    let catalog = shipped();
    let newborn = catalog.bundle("newborn").expect("newborn");
    assert_eq!(newborn.name, "新生儿出生一件事");
    assert_eq!(newborn.items.len(), 7);
    assert_eq!(newborn.critical_path_working_days(), 33);
    assert_eq!(newborn.promised_limit_working_days, Some(33));
    // The sum of the limits is 50: the promise is a chain, not a sum.
    let sum: u32 = newborn
        .items
        .iter()
        .filter_map(|i| i.limit_working_days)
        .sum();
    assert_eq!(sum, 50);
}

#[test]
fn newborn_order_certificate_then_registration_then_card() {
    let catalog = shipped();
    let newborn = catalog.bundle("newborn").expect("newborn");
    let order: Vec<&str> = newborn
        .topological_order()
        .iter()
        .map(|i| i.item.as_str())
        .collect();
    let at = |code: &str| order.iter().position(|c| *c == code).expect(code);
    assert!(at("HEALTH-BIRTH-CERT") < at("POLICE-BIRTH-REGISTRATION"));
    assert!(at("POLICE-BIRTH-REGISTRATION") < at("HR-SSCARD"));
    assert!(at("POLICE-BIRTH-REGISTRATION") < at("PS-36"));
    let after_registration: Vec<&str> = newborn
        .dependents_of("POLICE-BIRTH-REGISTRATION")
        .iter()
        .map(|i| i.item.as_str())
        .collect();
    assert_eq!(after_registration, ["HR-SSCARD", "PS-36"]);
}

#[test]
fn maternity_bundles_pay_the_allowance_within_10_days() {
    let catalog = shipped();
    let allowance = catalog.bundle("maternity_allowance").expect("bundle");
    let ps05 = allowance.item("PS-05").expect("PS-05");
    assert_eq!(ps05.limit_working_days, Some(10));
    // The three data items, and 卫健局's review where a case has it (an optional item).
    assert_eq!(ps05.depends_on.len(), 4);
    let review = allowance
        .item("HEALTH-FAMILY-PLANNING-REVIEW")
        .expect("review");
    assert!(review.optional && review.limit_working_days.is_none());
    let without = allowance.items_for(&[]);
    assert!(without.iter().all(|i| !i.optional));
    let pays = without.iter().find(|i| i.item == "PS-05").expect("PS-05");
    assert_eq!(pays.depends_on.len(), 3);
    assert_eq!(allowance.critical_path_working_days(), 10);
    let reimbursement = catalog.bundle("maternity_reimbursement").expect("bundle");
    assert_eq!(
        reimbursement
            .item("PS-05")
            .and_then(|i| i.limit_working_days),
        Some(10)
    );
    assert_eq!(reimbursement.critical_path_working_days(), 12);
}

#[test]
fn shares_count_each_list() {
    let catalog = shipped();
    let (online, total) = catalog.online_share(ItemList::PublicService);
    assert_eq!(total, 38);
    assert!(
        online * 100 >= total * 80,
        "seed 004 target: >= 80% online, got {online}/{total}"
    );
    let (instant, total) = catalog.instant_share(ItemList::PublicService);
    assert!(
        instant * 100 >= total * 40,
        "seed 004 target: >= 40% instant, got {instant}/{total}"
    );
    assert_eq!(catalog.online_share(ItemList::AdministrativePower).1, 17);
}

#[test]
fn the_spam_words_of_seed_003_are_absent() {
    // Built from char codes so this file does not contain them either.
    let spam = [
        "\u{5c0a}\u{9f99}\u{51ef}\u{65f6}",
        "\u{5e2d}\u{5927}\u{5927}",
    ];
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/catalog");
    for file in ["items.toml", "bundles.toml"] {
        let text = std::fs::read_to_string(format!("{dir}/{file}")).expect(file);
        for word in spam {
            assert!(!text.contains(word), "{file} contains a spam word");
        }
    }
}

// ---- validation errors ----

const ITEM_A: &str = r#"
[[items]]
code = "A"
name = "甲"
list = "public_service"
item_type = "公共服务"
department = "medical_insurance"
online = true
instant = false
source = "test"
"#;

fn item(code: &str) -> String {
    ITEM_A.replace(r#"code = "A""#, &format!("code = \"{code}\""))
}

fn two_items() -> String {
    item("A") + &item("B")
}

fn bundle(items: &str) -> String {
    format!(
        "[[bundles]]\ncode = \"x\"\nname = \"x\"\nlead = \"health\"\nsource = \"test\"\n{items}"
    )
}

fn entry(code: &str, deps: &[&str]) -> String {
    let deps: Vec<String> = deps.iter().map(|d| format!("\"{d}\"")).collect();
    format!(
        "[[bundles.items]]\nitem = \"{code}\"\ndepends_on = [{}]\n",
        deps.join(", ")
    )
}

#[test]
fn a_small_valid_catalogue_loads() {
    let bundles = bundle(&(entry("A", &[]) + &entry("B", &["A"])));
    let catalog = Catalog::from_toml(&two_items(), &bundles).expect("valid");
    assert_eq!(catalog.items.len(), 2);
}

#[test]
fn duplicate_item_code_is_refused() {
    let err = Catalog::from_toml(&(two_items() + &item("A")), "").expect_err("duplicate");
    assert_eq!(err, CatalogError::DuplicateItem { code: "A".into() });
    assert_eq!(err.code(), "CATALOG_INVALID");
    assert!(err.message_zh().contains("A"));
}

#[test]
fn duplicate_bundle_code_is_refused() {
    let one = bundle(&entry("A", &[]));
    let err = Catalog::from_toml(&two_items(), &format!("{one}\n{one}")).expect_err("duplicate");
    assert_eq!(err, CatalogError::DuplicateBundle { code: "x".into() });
}

#[test]
fn unknown_item_in_a_bundle_is_refused() {
    let err = Catalog::from_toml(&two_items(), &bundle(&entry("Z", &[]))).expect_err("unknown");
    assert_eq!(
        err,
        CatalogError::UnknownItem {
            bundle: "x".into(),
            item: "Z".into()
        }
    );
}

#[test]
fn unknown_dependency_is_refused() {
    // B exists in the catalogue but not in this bundle.
    let err = Catalog::from_toml(&two_items(), &bundle(&entry("A", &["B"]))).expect_err("unknown");
    let expected = CatalogError::UnknownDependency {
        bundle: "x".into(),
        item: "A".into(),
        depends_on: "B".into(),
    };
    assert_eq!(err, expected);
}

#[test]
fn self_dependency_is_refused() {
    let err = Catalog::from_toml(&two_items(), &bundle(&entry("A", &["A"]))).expect_err("self");
    assert_eq!(
        err,
        CatalogError::SelfDependency {
            bundle: "x".into(),
            item: "A".into()
        }
    );
}

#[test]
fn a_dependency_cycle_is_refused() {
    let bundles = bundle(&(entry("A", &["B"]) + &entry("B", &["A"])));
    let err = Catalog::from_toml(&two_items(), &bundles).expect_err("cycle");
    let expected = CatalogError::DependencyCycle {
        bundle: "x".into(),
        cycle: vec!["A".into(), "B".into(), "A".into()],
    };
    assert_eq!(err, expected);
    assert!(err.message_zh().contains("A → B → A"));
}

#[test]
fn bundle_limit_above_or_without_the_items_limit_is_refused() {
    let items = item("A").replace("online = true", "limit_working_days = 5\nonline = true");
    let above = bundle("[[bundles.items]]\nitem = \"A\"\nlimit_working_days = 6\n");
    let err = Catalog::from_toml(&items, &above).expect_err("above");
    assert!(matches!(
        err,
        CatalogError::LimitAboveItem {
            bundle_limit: 6,
            item_limit: 5,
            ..
        }
    ));
    let missing = bundle("[[bundles.items]]\nitem = \"A\"\n");
    let err = Catalog::from_toml(&items, &missing).expect_err("missing");
    assert!(matches!(
        err,
        CatalogError::LimitMissing { item_limit: 5, .. }
    ));
}

#[test]
fn a_promise_shorter_than_the_critical_path_is_refused() {
    let bundles = bundle("[[bundles.items]]\nitem = \"A\"\nlimit_working_days = 3\n").replace(
        "source = \"test\"",
        "source = \"test\"\npromised_limit_working_days = 2",
    );
    let err = Catalog::from_toml(&item("A"), &bundles).expect_err("promise");
    assert!(matches!(
        err,
        CatalogError::PromiseBelowCriticalPath {
            promised: 2,
            critical_path: 3,
            ..
        }
    ));
}

#[test]
fn unknown_toml_key_names_its_line() {
    // Line 1 is empty (ITEM_A starts with a newline); the stray key is on line 11.
    let items = ITEM_A.replace("source = \"test\"", "source = \"test\"\ncolour = \"red\"");
    let err = Catalog::from_toml(&items, "").expect_err("unknown key");
    let CatalogError::Parse {
        file,
        line,
        message,
    } = &err
    else {
        panic!("expected a parse error, got {err:?}");
    };
    assert_eq!(file, "items.toml");
    assert_eq!(*line, Some(11));
    assert!(message.contains("line 11"), "{message}");
    assert!(message.contains("colour"), "{message}");
    assert_eq!(err.code(), "CATALOG_PARSE");
    assert!(err.message_zh().contains("第11行"));
}

#[test]
fn a_bad_enum_value_in_bundles_names_its_line() {
    let bundles = bundle(&entry("A", &[])).replace("lead = \"health\"", "lead = \"police\"");
    let err = Catalog::from_toml(&two_items(), &bundles).expect_err("bad lead");
    assert!(
        matches!(err, CatalogError::Parse { ref file, line: Some(4), .. } if file == "bundles.toml"),
        "{err:?}"
    );
}
