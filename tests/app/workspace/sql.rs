//! The SQL boundary's machinery: a walk of the crate's module tree that tells production files
//! from test-only ones, a small Rust lexer (comments, string and char literals, raw strings),
//! and what counts as reaching the database outside `src/db/`.

use super::root;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[test]
fn the_sql_boundary_sees_through_what_a_query_can_hide_in() {
    let code = r##"
        // sqlx::query("select 1") in a comment is no query
        use crate::db::{Db, Where};
        fn f() -> Result<(), sqlx::Error> {
            let q = r#"insert into t (a) values ($1)"#;
            let c = '"'; let r#type = b"{"; let l: &'static str = "select id, name from resellers where tenant_id = $1";
            crate::with_db!(db, p => sqlx::query(q).execute(p));
            match db { Db::Sqlite(p) => {}, _ => {} }
        }
        #[cfg(test)]
        mod tests { fn t() { sqlx::query("delete from t"); } }
    "##;
    let lexed = lex(code);
    let found = check(&strip_test_modules(&lexed));
    let kinds: Vec<&str> = found.iter().map(|(_, what)| what.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "`Where` (db's condition builder)",
            "SQL in a string literal: \"insert into t (a) values ($1)\"",
            "SQL in a string literal: \"select id, name from resellers where tenant_id = $1\"",
            "`with_db!`",
            "sqlx::Error is the only sqlx item allowed",
            "`.execute(` (an executor's method)",
            "`Sqlite` (a raw pool)",
        ],
        "{found:#?}"
    );
    let modules = "#[cfg(test)]\nmod tests;\npub mod api;\n#[cfg(test)]\n#[allow(dead_code)]\npub(crate) mod support;";
    assert_eq!(
        child_modules(&strip_test_modules(&lex(modules)).0),
        [
            ("tests".to_string(), true),
            ("api".to_string(), false),
            ("support".to_string(), true)
        ]
    );
    for prose in [
        "Select the file to import from your computer",
        "relais import declarations FILE --tenant SLUG",
        "imported from {file}: {n} rows, updated {m}",
        "order_key",
    ] {
        assert!(!reads_as_sql(prose), "{prose}");
    }
}

pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The module tree: which files were reached, and the offences found in production files.
#[derive(Default)]
pub struct Files {
    pub seen: BTreeSet<PathBuf>,
    pub offences: Vec<String>,
}

impl Files {
    /// Visits `file`, whose child modules live in `dir`; `test_only` when a `#[cfg(test)]`
    /// declaration leads here.
    pub fn walk(&mut self, file: &Path, dir: &Path, test_only: bool) {
        if !self.seen.insert(file.to_path_buf()) {
            return;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let (code, literals) = strip_test_modules(&lex(&text));
        if code.contains("#[path") {
            self.offences.push(format!(
                "{}: a `#[path]` module, which this walk does not follow",
                file.display()
            ));
        }
        let in_db = file.starts_with(root().join("src/db"));
        if !test_only && !in_db {
            for (at, what) in check(&(code.clone(), literals)) {
                let line = text[..at.min(text.len())].matches('\n').count() + 1;
                self.offences
                    .push(format!("{}:{line}: {what}", file.display()));
            }
        }
        for (name, test) in child_modules(&code) {
            let (flat, nested) = (
                dir.join(format!("{name}.rs")),
                dir.join(&name).join("mod.rs"),
            );
            let child = if flat.exists() { flat } else { nested };
            if !child.exists() {
                self.offences
                    .push(format!("{}: module {name} not found", file.display()));
                continue;
            }
            // `foo.rs` and `foo/mod.rs` both keep their own children in `foo/`.
            self.walk(&child, &dir.join(&name), test_only || test);
        }
    }
}

/// Source text with comments removed and every string or char literal's content blanked
/// (newlines kept, so offsets still point at the right line), plus the string literals with
/// their offsets.
struct Lexed {
    code: String,
    literals: Vec<(usize, String)>,
}

fn lex(text: &str) -> Lexed {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|c| c.1);
    let mut code = String::with_capacity(text.len());
    let mut literals = Vec::new();
    // Keeps `code` aligned with `text` byte for byte.
    let blank = |code: &mut String, s: &str| {
        for c in s.chars() {
            if c == '\n' {
                code.push('\n');
            } else {
                code.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
    };
    let offset = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c == '/' && at(i + 1) == Some('/') {
            let end = (i..chars.len())
                .find(|&j| chars[j].1 == '\n')
                .unwrap_or(chars.len());
            blank(&mut code, &text[offset(i)..offset(end)]);
            i = end;
        } else if c == '/' && at(i + 1) == Some('*') {
            let (mut depth, mut j) = (1, i + 2);
            while j < chars.len() && depth > 0 {
                match (chars[j].1, at(j + 1)) {
                    ('/', Some('*')) => (depth, j) = (depth + 1, j + 2),
                    ('*', Some('/')) => (depth, j) = (depth - 1, j + 2),
                    _ => j += 1,
                }
            }
            blank(&mut code, &text[offset(i)..offset(j)]);
            i = j;
        } else if c.is_alphabetic() || c == '_' {
            let end = (i..chars.len())
                .find(|&j| !(chars[j].1.is_alphanumeric() || chars[j].1 == '_'))
                .unwrap_or(chars.len());
            let word = &text[offset(i)..offset(end)];
            // `r#"…"#` is a raw string, `r#type` a raw identifier.
            let hashes = (end..chars.len())
                .take_while(|&j| chars[j].1 == '#')
                .count();
            let raw = matches!(word, "r" | "br" | "cr") && at(end + hashes) == Some('"');
            let plain = matches!(word, "b" | "c") && at(end) == Some('"');
            if raw || plain {
                code.push_str(word);
                i = string_literal(text, &chars, end, raw, &mut code, &mut literals);
            } else if word == "b" && at(end) == Some('\'') {
                code.push('b');
                i = char_literal(text, &chars, end, &mut code);
            } else {
                code.push_str(word);
                i = end;
            }
        } else if c == '"' {
            i = string_literal(text, &chars, i, false, &mut code, &mut literals);
        } else if c == '\'' {
            i = char_literal(text, &chars, i, &mut code);
        } else {
            code.push(c);
            i += 1;
        }
    }
    Lexed { code, literals }
}

/// Reads the string literal starting at `chars[i]` (`"` or, when raw, `#`s then `"`); returns
/// the index after it.
fn string_literal(
    text: &str,
    chars: &[(usize, char)],
    i: usize,
    raw: bool,
    code: &mut String,
    literals: &mut Vec<(usize, String)>,
) -> usize {
    let offset = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let hashes = if raw {
        (i..chars.len()).take_while(|&j| chars[j].1 == '#').count()
    } else {
        0
    };
    let open = i + hashes;
    let mut j = open + 1;
    let mut value = String::new();
    while j < chars.len() {
        let c = chars[j].1;
        if c == '\\' && !raw {
            if let Some(&(_, next)) = chars.get(j + 1) {
                value.push(match next {
                    'n' => '\n',
                    't' => '\t',
                    '\n' => ' ',
                    other => other,
                });
            }
            j += 2;
        } else if c == '"' && (j + 1..=j + hashes).all(|k| chars.get(k).is_some_and(|c| c.1 == '#'))
        {
            break;
        } else {
            value.push(c);
            j += 1;
        }
    }
    let end = (j + 1 + hashes).min(chars.len());
    for c in text[offset(i)..offset(end)].chars() {
        code.push(if c == '\n' { '\n' } else { ' ' });
        code.extend(std::iter::repeat_n(' ', c.len_utf8() - 1));
    }
    literals.push((offset(i), value));
    end
}

/// A char literal (`'x'`, `'\n'`) is blanked; a lifetime or label's quote is kept as code.
fn char_literal(text: &str, chars: &[(usize, char)], i: usize, code: &mut String) -> usize {
    let offset = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let end = match (chars.get(i + 1).map(|c| c.1), chars.get(i + 2).map(|c| c.1)) {
        (Some('\\'), _) => (i + 2..chars.len())
            .find(|&j| chars[j].1 == '\'')
            .map_or(chars.len(), |j| j + 1),
        (Some(_), Some('\'')) => i + 3,
        _ => {
            code.push('\'');
            return i + 1;
        }
    };
    code.extend(std::iter::repeat_n(' ', offset(end) - offset(i)));
    end
}

/// Blanks the `#[cfg(test)] mod name { … }` blocks and marks `#[cfg(test)] mod name;` so that
/// `child_modules` sees it as test-only; drops the literals inside the blanked blocks.
fn strip_test_modules(lexed: &Lexed) -> (String, Vec<(usize, String)>) {
    let mut code = lexed.code.clone();
    let mut removed: Vec<(usize, usize)> = Vec::new();
    let marker = "#[cfg(test)]";
    let mut from = 0;
    while let Some(found) = code[from..].find(marker) {
        let start = from + found;
        let mut k = start + marker.len();
        let bytes = code.as_bytes();
        // Further attributes and a visibility may stand between the marker and `mod`.
        loop {
            while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                k += 1;
            }
            if code[k..].starts_with("#[") {
                k = matching(&code, k + 1, b'[', b']');
            } else if code[k..].starts_with("pub(") {
                k = matching(&code, k + 3, b'(', b')');
            } else if code[k..].starts_with("pub ") {
                k += 3;
            } else {
                break;
            }
        }
        if code[k..].starts_with("mod ") {
            let name_end = code[k + 4..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ' '))
                .map_or(code.len(), |e| k + 4 + e);
            if code.as_bytes().get(name_end) == Some(&b'{') {
                let end = matching(&code, name_end, b'{', b'}');
                removed.push((start, end));
                let mut blanked = String::with_capacity(end - start);
                for c in code[start..end].chars() {
                    match c {
                        '\n' => blanked.push('\n'),
                        c => blanked.extend(std::iter::repeat_n(' ', c.len_utf8())),
                    }
                }
                code.replace_range(start..end, &blanked);
            } else {
                // `mod name;` stays, its marker rewritten so `child_modules` can tell.
                code.replace_range(start..start + marker.len(), "#[TEST_ONLY]");
            }
        }
        from = start + marker.len();
    }
    let literals = lexed
        .literals
        .iter()
        .filter(|(at, _)| !removed.iter().any(|(s, e)| (*s..*e).contains(at)))
        .cloned()
        .collect();
    (code, literals)
}

/// The index after the bracket that closes the one at `open`.
fn matching(code: &str, open: usize, up: u8, down: u8) -> usize {
    let mut depth = 0;
    for (k, b) in code.bytes().enumerate().skip(open) {
        if b == up {
            depth += 1;
        } else if b == down {
            depth -= 1;
            if depth == 0 {
                return k + 1;
            }
        }
    }
    code.len()
}

/// The `mod name;` declarations of a file's code, each with whether it is test-only.
fn child_modules(code: &str) -> Vec<(String, bool)> {
    let words: Vec<&str> = code
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if *w != "mod" {
            continue;
        }
        let Some(next) = words.get(i + 1) else {
            continue;
        };
        let Some(name) = next.strip_suffix(';') else {
            continue;
        };
        let test = words[..i]
            .iter()
            .rev()
            .take_while(|w| w.starts_with("pub") || w.starts_with("#["))
            .any(|w| *w == "#[TEST_ONLY]");
        out.push((name.to_string(), test));
    }
    out
}

/// Where a production file reaches the database without `db`: `(offset, what)`.
fn check((code, literals): &(String, Vec<(usize, String)>)) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let word_at = |k: usize| {
        let before = code[..k].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    };
    let find = |needle: &str, what: &str, whole_word: bool, found: &mut Vec<(usize, String)>| {
        for (k, _) in code.match_indices(needle) {
            let after = code[k + needle.len()..].chars().next();
            let ends = !whole_word || !after.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if word_at(k) && ends {
                found.push((k, what.to_string()));
            }
        }
    };
    for (k, _) in code.match_indices("sqlx") {
        let rest = code[k + 4..].trim_start();
        let end = code[k + 4..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if word_at(k) && !end {
            let error_only = rest
                .strip_prefix("::")
                .map(str::trim_start)
                .and_then(|r| r.strip_prefix("Error"))
                .is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric() || c == '_'));
            if !error_only {
                found.push((k, "sqlx::Error is the only sqlx item allowed".into()));
            }
        }
    }
    for m in ["with_db", "with_tx", "with_exec", "bind_params"] {
        find(&format!("{m}!"), &format!("`{m}!`"), false, &mut found);
    }
    // The variants of `Db` and `Tx` (and sqlx's pool and connection types, already caught as
    // sqlx items): naming them is holding a raw connection.
    for backend in ["Sqlite", "Postgres"] {
        find(
            backend,
            &format!("`{backend}` (a raw pool)"),
            true,
            &mut found,
        );
    }
    for builder in ["Where", "Param"] {
        find(
            builder,
            &format!("`{builder}` (db's condition builder)"),
            true,
            &mut found,
        );
    }
    for method in [
        "execute",
        "execute_many",
        "fetch",
        "fetch_all",
        "fetch_one",
        "fetch_optional",
        "fetch_many",
        "copy_in_raw",
        "lock_handle",
    ] {
        let needle = format!(".{method}(");
        for (k, _) in code.match_indices(&needle) {
            found.push((k, format!("`{needle}` (an executor's method)")));
        }
    }
    for (at, literal) in literals {
        if reads_as_sql(literal) {
            let shown: String = literal.split_whitespace().collect::<Vec<_>>().join(" ");
            found.push((*at, format!("SQL in a string literal: {shown:?}")));
        }
    }
    found.sort();
    found
}

/// True when a string literal is (a piece of) an SQL statement: a statement's keywords in
/// their order, a clause only SQL has, or a numbered placeholder.
fn reads_as_sql(literal: &str) -> bool {
    let s = format!(
        " {} ",
        literal
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    );
    let clauses = [
        "insert into ",
        "delete from ",
        " group by ",
        " order by ",
        " on conflict",
        " returning ",
        "create table",
        "alter table",
        " left join ",
        "count(*)",
        "coalesce(",
        "cast(",
        "group_concat(",
        "nextval(",
        " pragma ",
        " not exists (",
    ];
    let placeholder = s
        .match_indices('$')
        .any(|(i, _)| s[i + 1..].starts_with(|c: char| c.is_ascii_digit()));
    // `select … from`, unless the words between read as prose ("select the file to import
    // from…"): a column list has commas, stars, calls or dotted names.
    let select = s.match_indices(" select ").any(|(i, _)| {
        let rest = &s[i + 8..];
        rest.find(" from ").is_some_and(|f| {
            let list = &rest[..f];
            list.contains([',', '*', '(', '.']) || !list.contains(' ')
        })
    });
    // `update t set`, `join t [alias] on`: a table name between the keywords.
    let words: Vec<&str> = s.split_whitespace().collect();
    let keyword_then = |first: &str, then: &str, within: usize| {
        words.iter().enumerate().any(|(i, w)| {
            *w == first
                && words[i + 1..]
                    .iter()
                    .take(within)
                    .skip(1)
                    .any(|x| *x == then)
        })
    };
    clauses.iter().any(|c| s.contains(c))
        || placeholder
        || select
        || keyword_then("update", "set", 2)
        || keyword_then("join", "on", 3)
        || s.trim() == "analyze"
}
