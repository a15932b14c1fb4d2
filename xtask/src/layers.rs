//! `cargo xtask layers`: every dependency between workspace crates must follow the
//! architecture's layer table (`ARCHITECTURE.md`): no upward or sideways edge.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Which workspace crates each crate may depend on (normal and build dependencies).
/// Dev-dependencies may also name the test-only crates in [`DEV_ONLY`], and the crate itself
/// (to turn on a test-only feature, such as tournament's `testing`, for its own tests).
const ALLOWED: &[(&str, &[&str])] = &[
    ("sahasrahbot-core", &[]),
    ("sahasrahbot-racetime", &[]),
    ("sahasrahbot-migrations", &[]),
    ("sahasrahbot-seedgen", &["sahasrahbot-core"]),
    (
        "sahasrahbot-tournament",
        &[
            "sahasrahbot-core",
            "sahasrahbot-seedgen",
            "sahasrahbot-racetime",
        ],
    ),
    (
        "sahasrahbot-racetime-handlers",
        &[
            "sahasrahbot-core",
            "sahasrahbot-seedgen",
            "sahasrahbot-racetime",
            "sahasrahbot-tournament",
        ],
    ),
    (
        "sahasrahbot-discord",
        &[
            "sahasrahbot-core",
            "sahasrahbot-seedgen",
            "sahasrahbot-tournament",
            "sahasrahbot-racetime",
        ],
    ),
    ("sahasrahbot-audit", &["sahasrahbot-core"]),
    (
        "sahasrahbot-api",
        &[
            "sahasrahbot-core",
            "sahasrahbot-seedgen",
            "sahasrahbot-tournament",
            "sahasrahbot-racetime",
            "sahasrahbot-racetime-handlers",
            "sahasrahbot-discord",
        ],
    ),
    (
        "sahasrahbot",
        &[
            "sahasrahbot-core",
            "sahasrahbot-migrations",
            "sahasrahbot-racetime",
            "sahasrahbot-seedgen",
            "sahasrahbot-tournament",
            "sahasrahbot-racetime-handlers",
            "sahasrahbot-discord",
            "sahasrahbot-audit",
            "sahasrahbot-api",
        ],
    ),
    // Test and tool crates: the fakes may use the layer-0 crates; scenarios and tools
    // may use everything.
    (
        "sahasrahbot-testkit",
        &[
            "sahasrahbot-core",
            "sahasrahbot-racetime",
            "sahasrahbot-migrations",
        ],
    ),
    ("sahasrahbot-e2e", &["*"]),
    ("xtask", &["*"]),
];

/// Crates any crate may name as a dev-dependency.
const DEV_ONLY: &[&str] = &["sahasrahbot-testkit", "sahasrahbot-migrations"];

#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Package {
    id: String,
    name: String,
    dependencies: Vec<Dependency>,
}

#[derive(Debug, Deserialize)]
struct Dependency {
    name: String,
    kind: Option<String>,
}

/// Checks `cargo metadata --no-deps` output; returns one message per forbidden edge or
/// unknown crate, empty when the layering holds.
pub(crate) fn check(metadata_json: &str) -> Result<Vec<String>, serde_json::Error> {
    let meta: Metadata = serde_json::from_str(metadata_json)?;
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let members: Vec<&Package> = meta
        .packages
        .iter()
        .filter(|p| meta.workspace_members.contains(&p.id))
        .collect();
    let names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();

    let mut problems = Vec::new();
    for pkg in &members {
        let Some(ok) = allowed.get(pkg.name.as_str()) else {
            problems.push(format!(
                "{} is not in the layer table (xtask/src/layers.rs, ARCHITECTURE.md)",
                pkg.name
            ));
            continue;
        };
        for dep in pkg
            .dependencies
            .iter()
            .filter(|d| names.contains(&d.name.as_str()))
        {
            let dev = dep.kind.as_deref() == Some("dev");
            let permitted = ok.contains(&"*")
                || ok.contains(&dep.name.as_str())
                || (dev && DEV_ONLY.contains(&dep.name.as_str()))
                || (dev && dep.name == pkg.name);
            if !permitted {
                let kind = dep.kind.as_deref().unwrap_or("normal");
                problems.push(format!(
                    "{} must not depend on {} ({kind} dependency): upward or sideways in the layer table",
                    pkg.name, dep.name
                ));
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crate and its dependencies as (name, kind) pairs.
    type Edges<'a> = (&'a str, &'a [(&'a str, Option<&'a str>)]);

    fn metadata(edges: &[Edges<'_>]) -> String {
        let packages: Vec<serde_json::Value> = edges
            .iter()
            .map(|(name, deps)| {
                serde_json::json!({
                    "id": format!("path+file:///w#{name}@0.1.0"),
                    "name": name,
                    "dependencies": deps.iter().map(|(d, kind)| serde_json::json!({"name": d, "kind": kind})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let members: Vec<String> = edges
            .iter()
            .map(|(name, _)| format!("path+file:///w#{name}@0.1.0"))
            .collect();
        serde_json::json!({"packages": packages, "workspace_members": members}).to_string()
    }

    #[test]
    fn downward_edges_pass() {
        let json = metadata(&[
            (
                "sahasrahbot-core",
                &[("serde", None), ("sahasrahbot-migrations", Some("dev"))],
            ),
            ("sahasrahbot-migrations", &[]),
            (
                "sahasrahbot-seedgen",
                &[
                    ("sahasrahbot-core", None),
                    ("sahasrahbot-testkit", Some("dev")),
                ],
            ),
            ("sahasrahbot-testkit", &[("sahasrahbot-migrations", None)]),
        ]);
        assert_eq!(check(&json).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn upward_and_sideways_edges_fail() {
        let json = metadata(&[
            ("sahasrahbot-core", &[("sahasrahbot-seedgen", None)]),
            ("sahasrahbot-seedgen", &[]),
            (
                "sahasrahbot-audit",
                &[("sahasrahbot-discord", Some("build"))],
            ),
            ("sahasrahbot-discord", &[("sahasrahbot-testkit", None)]),
            ("sahasrahbot-testkit", &[]),
        ]);
        assert_eq!(
            check(&json).unwrap(),
            vec![
                "sahasrahbot-core must not depend on sahasrahbot-seedgen (normal dependency): upward or sideways in the layer table",
                "sahasrahbot-audit must not depend on sahasrahbot-discord (build dependency): upward or sideways in the layer table",
                "sahasrahbot-discord must not depend on sahasrahbot-testkit (normal dependency): upward or sideways in the layer table",
            ]
        );
    }

    #[test]
    fn a_crate_may_dev_depend_on_itself_only() {
        let json = metadata(&[
            (
                "sahasrahbot-tournament",
                &[
                    ("sahasrahbot-tournament", Some("dev")),
                    ("sahasrahbot-discord", Some("dev")),
                ],
            ),
            ("sahasrahbot-discord", &[]),
        ]);
        assert_eq!(
            check(&json).unwrap(),
            vec![
                "sahasrahbot-tournament must not depend on sahasrahbot-discord (dev dependency): upward or sideways in the layer table",
            ]
        );
        let json = metadata(&[("sahasrahbot-seedgen", &[("sahasrahbot-seedgen", None)])]);
        assert_eq!(
            check(&json).unwrap().len(),
            1,
            "a normal self-dependency is refused"
        );
    }

    #[test]
    fn unknown_crates_are_reported() {
        let json = metadata(&[("sahasrahbot-new", &[])]);
        assert_eq!(
            check(&json).unwrap(),
            vec![
                "sahasrahbot-new is not in the layer table (xtask/src/layers.rs, ARCHITECTURE.md)"
            ]
        );
    }

    #[test]
    fn non_members_are_ignored() {
        let mut value: serde_json::Value =
            serde_json::from_str(&metadata(&[("sahasrahbot-core", &[])])).unwrap();
        value["packages"].as_array_mut().unwrap().push(serde_json::json!({
            "id": "registry+serde", "name": "serde", "dependencies": [{"name": "sahasrahbot-api", "kind": null}]
        }));
        assert!(check(&value.to_string()).unwrap().is_empty());
    }
}
