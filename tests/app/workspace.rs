//! Rules about the repository itself: crate boundaries, where SQL lives, and the two
//! migration sets.

mod sql;

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

/// SQL lives in `src/db/`: no production module elsewhere in the crate may build or run a
/// query. "SQL" here is anything that reaches the database without going through `db`:
/// naming sqlx beyond its error type (queries, executors, `FromRow` rows, connections), the
/// dispatch macros (`with_db!`, `with_tx!`, `with_exec!`, `bind_params!`), the raw pools
/// (`Db::Sqlite`…), the `Where`/`Param` condition builder, an executor's methods, and a string
/// literal that reads as SQL. Test-only code (modules declared `#[cfg(test)]`, inline or in
/// their own file) may look at the database directly; every other file of the module tree is
/// checked, and a file the walk cannot place fails the test rather than being skipped.
#[test]
fn sql_lives_only_in_db() {
    let src = root().join("src");
    let mut files = sql::Files::default();
    for main in ["lib.rs", "main.rs"] {
        files.walk(&src.join(main), &src, false);
    }
    let mut offences = files.offences;
    for path in sql::rust_files(&src) {
        if !files.seen.contains(&path) {
            offences.push(format!(
                "{}: not reached from lib.rs or main.rs through `mod` declarations",
                path.display()
            ));
        }
    }
    assert!(
        offences.is_empty(),
        "SQL outside src/db/ ({} offences):\n{}",
        offences.len(),
        offences.join("\n")
    );
}

#[test]
fn templates_and_jobs_crates_cannot_reach_the_database() {
    for member in ["templates", "jobs"] {
        let manifest = std::fs::read_to_string(root().join(member).join("Cargo.toml")).unwrap();
        assert!(!manifest.contains("sqlx"), "{member} depends on sqlx");
    }
}
