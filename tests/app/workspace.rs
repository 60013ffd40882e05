//! Rules about the repository itself: crate boundaries and the two migration sets.

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn templates_and_jobs_crates_never_depend_on_relais() {
    for member in ["templates", "jobs"] {
        let manifest = std::fs::read_to_string(root().join(member).join("Cargo.toml")).unwrap();
        let deps = manifest.split("[dependencies]").nth(1).unwrap_or("");
        for line in deps.lines() {
            let name = line.split('=').next().unwrap_or("").trim();
            assert_ne!(name, "relais", "{member} depends on relais");
            assert!(
                !line.contains("path = \"..\""),
                "{member} points back at the main crate: {line}"
            );
        }
    }
}

fn migration_names(dialect: &str) -> BTreeSet<String> {
    std::fs::read_dir(root().join("migrations").join(dialect))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    assert_eq!(migration_names("sqlite"), migration_names("postgres"));
}

#[test]
fn every_sqlite_table_is_strict() {
    for name in migration_names("sqlite") {
        let raw = std::fs::read_to_string(root().join("migrations/sqlite").join(&name))
            .unwrap()
            .to_lowercase();
        let sql: String = raw
            .lines()
            .map(|l| l.split("--").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        for statement in sql.split(';').filter(|s| s.contains("create table")) {
            assert!(
                statement.trim_end().ends_with("strict"),
                "{name}: table without STRICT: {statement}"
            );
        }
    }
}
