//! Snapshot tests of the three plan renderings (human, Markdown, JSON) over plans built
//! directly: every kind of change and every value shape, plus the Markdown size limit, colour,
//! the structural comparison of JSON/YAML strings, and a render benchmark (ignored by default).

#[path = "plan_render_fixtures.rs"]
mod fixtures;

use fixtures::*;
use terrane_dsl::value::Type;
use terrane_engine::plan::model::{Action, Plan};
use terrane_engine::render::{human, json_events, json_plan, markdown};

fn text(plan: &Plan) -> String {
    human::render_plan(plan, human::Options { color: false })
}

fn pretty_json(plan: Plan) -> String {
    let doc: serde_json::Value =
        serde_json::from_str(&json_plan::document(&saved(plan))).expect("valid JSON");
    serde_json::to_string_pretty(&doc).expect("printable")
}

fn one(c: terrane_engine::plan::model::ResourceChange) -> Plan {
    plan(vec![c], Vec::new())
}

#[test]
fn human_every_kind() {
    insta::assert_snapshot!(text(&every_kind()));
}

#[test]
fn markdown_every_kind() {
    insta::assert_snapshot!(markdown::render(&every_kind()));
}

#[test]
fn json_every_kind() {
    insta::assert_snapshot!(pretty_json(every_kind()));
}

#[test]
fn json_events_every_kind() {
    let p = every_kind();
    let c = human::counts(&p);
    insta::assert_snapshot!(json_events::plan_stream(
        &p,
        &human::summary(c),
        c,
        "2026-01-01T00:00:00Z"
    ));
}

#[test]
fn create_with_every_shape() {
    let p = one(change(
        "terraform_data.all",
        Action::Create,
        None,
        Some(shapes()),
    ));
    insta::assert_snapshot!("create_human", text(&p));
    insta::assert_snapshot!("create_markdown", markdown::render(&p));
    insta::assert_snapshot!("create_json", pretty_json(p));
}

#[test]
fn update_of_every_shape() {
    let p = one(change(
        "terraform_data.all",
        Action::Update,
        Some(shapes()),
        Some(shapes_changed()),
    ));
    let t = text(&p);
    // The re-ordered, re-indented JSON policy is no change: hidden with the unchanged ones.
    assert!(!t.contains("policy"), "{t}");
    insta::assert_snapshot!("update_human", t);
    insta::assert_snapshot!("update_markdown", markdown::render(&p));
    insta::assert_snapshot!("update_json", pretty_json(p));
}

#[test]
fn destroy_of_every_shape() {
    let p = one(change(
        "terraform_data.all",
        Action::Delete,
        Some(shapes()),
        None,
    ));
    insta::assert_snapshot!("destroy_human", text(&p));
    insta::assert_snapshot!("destroy_json", pretty_json(p));
}

#[test]
fn json_strings_diffed_by_structure() {
    let before = obj(&[(
        "policy",
        s(
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}"#,
        ),
    )]);
    let after = obj(&[(
        "policy",
        s(
            r#"{"Statement":[{"Resource":"*","Effect":"Deny","Action":["s3:GetObject","s3:ListBucket"]}],"Version":"1"}"#,
        ),
    )]);
    let t = text(&one(change(
        "terraform_data.p",
        Action::Update,
        Some(before),
        Some(after),
    )));
    assert!(t.contains("jsonencode("), "{t}");
    assert!(t.contains(r#"~ Effect   = "Allow" -> "Deny""#), "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn yaml_strings_diffed_by_structure() {
    let before = obj(&[(
        "cloud_config",
        s("packages:\n  - nginx\n  - curl\nusers:\n  - name: app\n    shell: /bin/sh\n"),
    )]);
    let reindented = obj(&[(
        "cloud_config",
        s("users:\n- shell: /bin/sh\n  name: app\npackages:\n- nginx\n- curl\n"),
    )]);
    let t = text(&one(change(
        "terraform_data.y",
        Action::Update,
        Some(before.clone()),
        Some(reindented),
    )));
    assert!(
        !t.contains("cloud_config"),
        "re-indented YAML is no change: {t}"
    );
    let changed = obj(&[(
        "cloud_config",
        s("packages:\n  - nginx\n  - git\nusers:\n  - name: app\n    shell: /bin/sh\n"),
    )]);
    let t = text(&one(change(
        "terraform_data.y",
        Action::Update,
        Some(before),
        Some(changed),
    )));
    assert!(t.contains("yamlencode("), "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn long_multiline_strings_show_only_the_changed_lines() {
    let lines: Vec<String> = (1..=40).map(|i| format!("line {i}")).collect();
    let before = lines.join("\n") + "\n";
    let after = before.replace("line 20\n", "line twenty\n");
    let t = text(&one(change(
        "terraform_data.script",
        Action::Update,
        Some(obj(&[("input", s(&before))])),
        Some(obj(&[("input", s(&after))])),
    )));
    assert!(
        t.contains("- line 20") && t.contains("+ line twenty"),
        "{t}"
    );
    assert!(t.contains("unchanged lines hidden"), "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn sensitive_values_never_shown() {
    let p = every_kind();
    for rendering in [text(&p), markdown::render(&p)] {
        for secret in ["hunter2", "correct horse", "p1", "p2"] {
            assert!(!rendering.contains(secret), "{secret} shown");
        }
    }
}

#[test]
fn unknown_values() {
    let p = one(change(
        "terraform_data.u",
        Action::Update,
        Some(obj(&[
            ("a", s("x")),
            ("l", list(&[s("1")])),
            ("o", obj(&[("k", s("v"))])),
        ])),
        Some(obj(&[
            ("a", unknown_string()),
            (
                "l",
                terrane_dsl::value::Value::unknown(Type::list(Type::String)),
            ),
            ("o", obj(&[("k", unknown_string())])),
        ])),
    ));
    insta::assert_snapshot!(text(&p));
}

#[test]
fn no_changes() {
    let p = one(change(
        "terraform_data.same",
        Action::NoOp,
        Some(obj(&[("a", s("x"))])),
        Some(obj(&[("a", s("x"))])),
    ));
    insta::assert_snapshot!("no_changes_human", text(&p));
    insta::assert_snapshot!("no_changes_markdown", markdown::render(&p));
}

#[test]
fn colour_only_when_asked() {
    let p = every_kind();
    assert!(!text(&p).contains('\x1b'));
    let coloured = human::render_plan(&p, human::Options { color: true });
    assert!(coloured.contains("\x1b[32m+\x1b[0m"));
    assert!(coloured.contains("\x1b[31m-\x1b[0m"));
    assert!(coloured.contains("\x1b[33m~\x1b[0m"));
    // Same content once the colours are taken out.
    let plain: String = strip_ansi(&coloured);
    assert_eq!(plain, text(&p));
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn big_plan(n: usize) -> Plan {
    let script: String = (0..30).map(|i| format!("echo step {i}\n")).collect();
    let changes = (0..n)
        .map(|i| {
            let before = obj(&[
                ("id", s(&format!("id-{i}"))),
                ("input", s(&script)),
                ("n", terrane_dsl::value::Value::int(i as i64)),
            ]);
            let after = obj(&[
                ("id", s(&format!("id-{i}"))),
                ("input", s(&script.replace("step 7", "step seven"))),
                ("n", terrane_dsl::value::Value::int(i as i64 + 1)),
            ]);
            let action = if i % 10 == 0 {
                Action::Delete
            } else {
                Action::Update
            };
            let after = (action != Action::Delete).then_some(after);
            change(
                &format!("terraform_data.r[{i}]"),
                action,
                Some(before),
                after,
            )
        })
        .collect();
    plan(changes, Vec::new())
}

#[test]
fn markdown_stays_under_githubs_limit() {
    let p = big_plan(2_000);
    let md = markdown::render(&p);
    assert!(
        md.chars().count() <= markdown::LIMIT,
        "{} characters",
        md.chars().count()
    );
    assert!(md.contains("left out to stay under GitHub's 65,536-character limit"));
    // Destroys come first, flagged at the top.
    assert!(md.contains("[!CAUTION]"));
    let first_details = md.find("<details>").expect("some details");
    assert!(
        md[first_details..].starts_with("<details><summary>⚠️"),
        "destroys first"
    );
}

/// `cargo test -p terrane-engine --release --test plan_render -- --ignored render_benchmark`
#[test]
#[ignore]
fn render_benchmark() {
    let p = big_plan(1_000);
    let _ = text(&p);
    let runs = 5;
    let start = std::time::Instant::now();
    let mut total = 0;
    for _ in 0..runs {
        total += text(&p).len();
    }
    let each = start.elapsed() / runs;
    println!(
        "rendered 1,000 changes ({} bytes) in {each:?}",
        total / runs as usize
    );
    if !cfg!(debug_assertions) {
        assert!(each < std::time::Duration::from_millis(100), "{each:?}");
    }
}

/// Drift: `local_file.conf` changed outside (its content relevant to the update of
/// `terraform_data.app`, its permission not), `local_file.gone` deleted (its id relevant to
/// the create), `local_file.other` changed but referred to by nothing that changes.
fn drifted(refresh_only: bool) -> Plan {
    use terrane_dsl::value::Path;
    use terrane_engine::plan::model::ResourceAttr;
    let file = |content: &str, perm: &str, id: &str| {
        obj(&[
            ("content", s(content)),
            ("file_permission", s(perm)),
            ("filename", s("conf.txt")),
            ("id", s(id)),
        ])
    };
    let drift = vec![
        change(
            "local_file.conf",
            Action::Update,
            Some(file("a=1", "0644", "f1")),
            Some(file("a=2", "0600", "f1")),
        ),
        change(
            "local_file.gone",
            Action::Delete,
            Some(file("x", "0644", "f2")),
            None,
        ),
        change(
            "local_file.other",
            Action::Update,
            Some(file("o", "0644", "f3")),
            Some(file("p", "0644", "f3")),
        ),
    ];
    let td = |v: &str| obj(&[("id", s("d1")), ("input", s(v)), ("output", s(v))]);
    let mut p = if refresh_only {
        plan(
            Vec::new(),
            vec![output(
                "conf",
                Action::Update,
                Some(s("a=1")),
                Some(s("a=2")),
                false,
            )],
        )
    } else {
        let mut app = change(
            "terraform_data.app",
            Action::Update,
            Some(td("a=1")),
            Some(obj(&[
                ("id", s("d1")),
                ("input", s("a=2")),
                ("output", unknown_string()),
            ])),
        );
        app.reason = None;
        let mut gone = change(
            "local_file.gone",
            Action::Create,
            None,
            Some(file("x", "0644", "f2")),
        );
        gone.reason = None;
        plan(vec![gone, app], Vec::new())
    };
    p.drift = drift;
    p.refresh_only = refresh_only;
    let attr = |r: &str, a: &str| ResourceAttr {
        resource: r.to_string(),
        attr: Path::root().attr(a),
    };
    if !refresh_only {
        p.relevant_attributes = vec![
            attr("local_file.conf", "content"),
            attr("local_file.gone", "id"),
        ];
    }
    p
}

#[test]
fn drift_found_by_refresh() {
    let p = drifted(false);
    let t = text(&p);
    // Only relevant drift: the permission change and local_file.other are left out.
    assert!(
        !t.contains("0600") && !t.contains("local_file.other"),
        "{t}"
    );
    insta::assert_snapshot!("drift_human", t);
    insta::assert_snapshot!("drift_markdown", markdown::render(&p));
    insta::assert_snapshot!("drift_json", pretty_json(p));
}

#[test]
fn refresh_only_plans() {
    let p = drifted(true);
    let t = text(&p);
    // All the drift, and no resource change.
    assert!(t.contains("0600") && t.contains("local_file.other"), "{t}");
    assert!(!t.contains("Plan:"), "{t}");
    insta::assert_snapshot!("refresh_only_human", t);
    insta::assert_snapshot!("refresh_only_markdown", markdown::render(&p));
    insta::assert_snapshot!("refresh_only_json", pretty_json(p));
    let mut nothing = plan(Vec::new(), Vec::new());
    nothing.refresh_only = true;
    insta::assert_snapshot!("refresh_only_no_changes_human", text(&nothing));
}

/// A resource type with nested blocks (a provider test double): `ingress` (set), `rule`
/// (list, with a nested `match` single block), `logging` (single), `setting` (map).
fn with_blocks(
    action: Action,
    before: Option<terrane_dsl::value::Value>,
    after: Option<terrane_dsl::value::Value>,
) -> Plan {
    use terrane_engine::plan::shape::{shape_key, BlockShape, NestedShape, Nesting};
    let leaf = |nesting| NestedShape {
        nesting,
        block: BlockShape::default(),
    };
    let rule = NestedShape {
        nesting: Nesting::List,
        block: BlockShape {
            blocks: [("match".to_string(), leaf(Nesting::Single))]
                .into_iter()
                .collect(),
        },
    };
    let shape = BlockShape {
        blocks: [
            ("ingress".to_string(), leaf(Nesting::Set)),
            ("rule".to_string(), rule),
            ("logging".to_string(), leaf(Nesting::Single)),
            ("setting".to_string(), leaf(Nesting::Map)),
        ]
        .into_iter()
        .collect(),
    };
    let c = change("test_firewall.edge", action, before, after);
    let mut p = one(c.clone());
    p.shapes.insert(
        shape_key(
            &c.provider,
            c.addr.resource.mode,
            &c.addr.resource.type_name,
        ),
        shape,
    );
    p
}

fn firewall(changed: bool) -> terrane_dsl::value::Value {
    use terrane_dsl::value::Value;
    let port = |n: i64| Value::number(terrane_dsl::value::Number::from_i64(n));
    let ingress = |p: i64, cidr: &str| obj(&[("port", port(p)), ("cidr", s(cidr))]);
    let rule = |name: &str, action: &str, path: &str| {
        obj(&[
            ("name", s(name)),
            ("action", s(action)),
            ("match", obj(&[("path", s(path))])),
        ])
    };
    let (ingresses, rules, level) = if changed {
        (
            vec![ingress(443, "0.0.0.0/0"), ingress(22, "10.1.0.0/16")],
            vec![
                rule("api", "allow", "/api"),
                rule("admin", "deny", "/admin/*"),
                rule("health", "allow", "/healthz"),
            ],
            "debug",
        )
    } else {
        (
            vec![ingress(443, "0.0.0.0/0"), ingress(22, "10.0.0.0/16")],
            vec![
                rule("api", "allow", "/api"),
                rule("admin", "allow", "/admin"),
            ],
            "info",
        )
    };
    obj(&[
        ("id", s("fw-1")),
        ("name", s("edge")),
        ("ingress", set(&ingresses)),
        ("rule", list(&rules)),
        (
            "logging",
            obj(&[("level", s(level)), ("bucket", s("logs"))]),
        ),
        ("setting", {
            let a = obj(&[("value", s("1"))]);
            let ty = a.ty().clone();
            terrane_dsl::value::Value::map(
                ty,
                [
                    ("a".to_string(), a),
                    (
                        "b".to_string(),
                        obj(&[("value", s(if changed { "3" } else { "2" }))]),
                    ),
                ]
                .into_iter()
                .collect(),
            )
            .expect("a map")
        }),
    ])
}

#[test]
fn nested_blocks() {
    let created = with_blocks(Action::Create, None, Some(firewall(false)));
    let t = text(&created);
    assert!(t.contains("      + ingress {\n"), "{t}");
    insta::assert_snapshot!("blocks_create_human", t);
    let updated = with_blocks(Action::Update, Some(firewall(false)), Some(firewall(true)));
    let t = text(&updated);
    // The unchanged ingress, rule and setting blocks are hidden with a count.
    assert!(t.contains("# (3 unchanged blocks hidden)"), "{t}");
    insta::assert_snapshot!("blocks_update_human", t);
    insta::assert_snapshot!("blocks_update_markdown", markdown::render(&updated));
    let mut replaced = with_blocks(
        Action::DeleteThenCreate,
        Some(firewall(false)),
        Some(firewall(true)),
    );
    replaced.changes[0].replace_paths = vec![terrane_dsl::value::Path::root().attr("ingress")];
    let t = text(&replaced);
    assert!(
        t.contains("      - ingress { # forces replacement\n")
            && t.contains("      + ingress { # forces replacement\n"),
        "{t}"
    );
    let deleted = with_blocks(Action::Delete, Some(firewall(true)), None);
    insta::assert_snapshot!("blocks_delete_human", text(&deleted));
    // A saved plan keeps the shapes.
    let saved = saved(updated.clone());
    let back = terrane_engine::plan::file::SavedPlan::from_json(&saved.to_json().expect("json"))
        .expect("read back");
    assert_eq!(back.plan.shapes, updated.shapes);
    assert_eq!(text(&back.plan), text(&updated));
}

#[test]
fn markdown_drift_stays_within_its_share() {
    let big = s(&"x".repeat(2_000));
    let mut p = plan(Vec::new(), Vec::new());
    p.refresh_only = true;
    p.drift = (0..200)
        .map(|i| {
            change(
                &format!("terraform_data.d{i}"),
                Action::Update,
                Some(obj(&[("input", s("a"))])),
                Some(obj(&[("input", big.clone())])),
            )
        })
        .collect();
    let md = markdown::render(&p);
    assert!(md.len() < markdown::LIMIT, "{}", md.len());
    assert!(md.contains("more changed outside terrane"), "{md}");
}
