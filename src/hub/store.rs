//! The hub's database: one SQLite file (`hub.sqlite` in the data folder) holding agencies,
//! users, packages, every saved version, the workflow history, comments, sessions and the
//! audit log.
//!
//! WAL mode with `synchronous=FULL`: a change is on disk when its transaction commits, and
//! every change a request acknowledges is one transaction, so a kill at any moment loses no
//! acknowledged version and leaves no half of one. One connection behind a mutex: the
//! writes of a province (a few hundred clerks) are small, and one writer keeps every check
//! of a state and its change in the same transaction.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::workflow::State;

/// The database file's name inside the data folder.
pub const FILE: &str = "hub.sqlite";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    district TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    UNIQUE (name, district)
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor')),
    agency_id INTEGER REFERENCES agencies(id),
    hash TEXT,
    setup_hash TEXT,
    setup_expires INTEGER,
    created INTEGER NOT NULL,
    CHECK ((role = 'admin') = (agency_id IS NULL))
);
CREATE TABLE IF NOT EXISTS packages (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    state TEXT NOT NULL,
    current INTEGER NOT NULL,
    problems INTEGER NOT NULL DEFAULT 0,
    signed_pdf BLOB,
    updated INTEGER NOT NULL,
    updated_by INTEGER REFERENCES users(id)
);
CREATE TABLE IF NOT EXISTS versions (
    package_id INTEGER NOT NULL REFERENCES packages(id),
    number INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id),
    at INTEGER NOT NULL,
    json TEXT NOT NULL,
    changed TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (package_id, number)
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY,
    package_id INTEGER NOT NULL REFERENCES packages(id),
    user_id INTEGER REFERENCES users(id),
    at INTEGER NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY,
    package_id INTEGER NOT NULL REFERENCES packages(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    field TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    expires INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER,
    address TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    package_id INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

/// Seconds since 1970, the hub's clock.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The date and time of `seconds` in Thailand (UTC+7): day, month (1–12), year (Buddhist
/// era), hour, minute.
pub fn local_time(seconds: i64) -> (i64, usize, i64, i64, i64) {
    let local = seconds + 7 * 3600;
    let (days, rest) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        day,
        month as usize,
        year + 543,
        rest / 3600,
        rest % 3600 / 60,
    )
}

/// A refusal of the store, with the Thai message a person sees.
#[derive(Debug)]
pub enum StoreError {
    /// The thing asked for is not there.
    Missing(String),
    /// Someone else changed it first (the version or state now).
    Conflict(String),
    /// The request does not fit (a name taken, a state that does not allow it).
    Refused(String),
    /// The database itself failed.
    Db(String),
}

impl StoreError {
    /// The Thai message.
    pub fn message(&self) -> &str {
        match self {
            StoreError::Missing(m)
            | StoreError::Conflict(m)
            | StoreError::Refused(m)
            | StoreError::Db(m) => m,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(format!("ฐานข้อมูลทำงานไม่สำเร็จ (ไม่มีสิ่งใดเปลี่ยน): {e}"))
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// A person who can log in.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub admin: bool,
    /// The agency an editor works for (`None` for the administrator).
    pub agency: Option<i64>,
}

/// An agency of the province.
#[derive(Debug, Clone)]
pub struct Agency {
    pub id: i64,
    pub name: String,
    pub district: String,
    pub kind: String,
}

/// A package with its agency and where it stands.
#[derive(Debug, Clone)]
pub struct PackageRow {
    pub id: i64,
    pub name: String,
    pub year: i64,
    pub agency: Agency,
    pub state: State,
    pub current: i64,
    pub problems: i64,
    pub updated: i64,
    pub updated_by: Option<String>,
    pub signed: bool,
}

/// One saved version of a package.
#[derive(Debug, Clone)]
pub struct Version {
    pub number: i64,
    pub by: Option<String>,
    pub at: i64,
    pub json: String,
    /// The JSON paths that differ from the version before.
    pub changed: Vec<String>,
    pub note: String,
}

/// One step of the workflow.
#[derive(Debug, Clone)]
pub struct Step {
    pub by: Option<String>,
    pub at: i64,
    pub from: Option<State>,
    pub to: State,
    pub comment: String,
}

/// A reviewer's comment against a field.
#[derive(Debug, Clone)]
pub struct Comment {
    pub by: String,
    pub at: i64,
    pub version: i64,
    pub field: String,
    pub text: String,
}

/// What a new package is made of.
pub struct NewPackage<'a> {
    pub agency: &'a str,
    pub district: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub year: i64,
    pub json: &'a str,
    pub problems: i64,
}

/// The database, opened once per process.
pub struct Store {
    conn: Mutex<Connection>,
}

const PACKAGE_SELECT: &str = "SELECT p.id, p.name, p.year, a.id, a.name, a.district, a.kind, \
     p.state, p.current, p.problems, p.updated, u.name, p.signed_pdf IS NOT NULL \
     FROM packages p JOIN agencies a ON a.id = p.agency_id LEFT JOIN users u ON u.id = p.updated_by";

fn package_row(row: &rusqlite::Row) -> rusqlite::Result<PackageRow> {
    let state: String = row.get(7)?;
    Ok(PackageRow {
        id: row.get(0)?,
        name: row.get(1)?,
        year: row.get(2)?,
        agency: Agency {
            id: row.get(3)?,
            name: row.get(4)?,
            district: row.get(5)?,
            kind: row.get(6)?,
        },
        state: State::parse(&state).unwrap_or(State::Draft),
        current: row.get(8)?,
        problems: row.get(9)?,
        updated: row.get(10)?,
        updated_by: row.get(11)?,
        signed: row.get(12)?,
    })
}

fn user_row(row: &rusqlite::Row) -> rusqlite::Result<User> {
    let role: String = row.get(3)?;
    Ok(User {
        id: row.get(0)?,
        login: row.get(1)?,
        name: row.get(2)?,
        admin: role == "admin",
        agency: row.get(4)?,
    })
}

impl Store {
    /// Opens (creating when new) the database of `dir`.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Db(format!("สร้างโฟลเดอร์ข้อมูล `{}` ไม่ได้: {e}", dir.display()))
        })?;
        let conn = Connection::open(dir.join(FILE))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(&self, work: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        work(&mut conn)
    }

    /// Runs `work` in one transaction, committed only when it succeeds.
    fn write<T>(&self, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        self.with(|conn| {
            let tx = conn.transaction()?;
            let out = work(&tx)?;
            tx.commit()?;
            Ok(out)
        })
    }

    /// Whether any administrator exists.
    pub fn has_admin(&self) -> Result<bool> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT EXISTS(SELECT 1 FROM users WHERE role = 'admin')",
                [],
                |r| r.get(0),
            )?)
        })
    }

    /// A new user with no password yet: `setup_hash` is the hash of the one-time link's
    /// token, valid until `expires`. Returns the user's id.
    pub fn create_user(
        &self,
        login: &str,
        name: &str,
        agency: Option<i64>,
        setup_hash: &str,
        expires: i64,
    ) -> Result<i64> {
        self.write(|tx| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM users WHERE login = ?1)",
                [login],
                |r| r.get(0),
            )?;
            if taken {
                return Err(StoreError::Refused(format!(
                    "มีผู้ใช้ชื่อ `{login}` อยู่แล้ว โปรดใช้ชื่ออื่น"
                )));
            }
            if let Some(agency) = agency
                && self::agency(tx, agency)?.is_none()
            {
                return Err(StoreError::Refused(format!(
                    "ไม่มีหน่วยงานรหัส {agency} ในจังหวัดนี้ จึงไม่ได้สร้างผู้ใช้"
                )));
            }
            let role = if agency.is_some() { "editor" } else { "admin" };
            tx.execute(
                "INSERT INTO users (login, name, role, agency_id, setup_hash, setup_expires, created) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![login, name, role, agency, setup_hash, expires, now()],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// A new one-time link for a user (the administrator's reset): the password and every
    /// session of the user end.
    pub fn reset_user(&self, user: i64, setup_hash: &str, expires: i64) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE users SET hash = NULL, setup_hash = ?2, setup_expires = ?3 WHERE id = ?1",
                params![user, setup_hash, expires],
            )?;
            if changed == 0 {
                return Err(StoreError::Missing("ไม่มีผู้ใช้นี้".into()));
            }
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user])?;
            Ok(())
        })
    }

    /// Sets the password of the user whose one-time link has `setup_hash` (still valid) and
    /// spends the link. Returns the user.
    pub fn set_password(&self, setup_hash: &str, hash: &str) -> Result<User> {
        self.write(|tx| {
            let user = tx
                .query_row(
                    "SELECT id, login, name, role, agency_id FROM users \
                     WHERE setup_hash = ?1 AND setup_expires > ?2",
                    params![setup_hash, now()],
                    user_row,
                )
                .optional()?
                .ok_or_else(|| {
                    StoreError::Missing(
                        "ลิงก์ตั้งรหัสผ่านนี้ใช้ไปแล้วหรือหมดอายุ โปรดขอลิงก์ใหม่จากผู้ดูแลระบบของจังหวัด".into(),
                    )
                })?;
            tx.execute(
                "UPDATE users SET hash = ?2, setup_hash = NULL, setup_expires = NULL WHERE id = ?1",
                params![user.id, hash],
            )?;
            Ok(user)
        })
    }

    /// The user of a login name and their password hash (none before the link is used).
    pub fn user_by_login(&self, login: &str) -> Result<Option<(User, Option<String>)>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT id, login, name, role, agency_id, hash FROM users WHERE login = ?1",
                [login],
                |r| Ok((user_row(r)?, r.get(5)?)),
            )
            .optional()?)
        })
    }

    /// Every user, administrators first.
    pub fn users(&self) -> Result<Vec<(User, bool)>> {
        self.with(|c| {
            let mut statement = c.prepare(
                "SELECT id, login, name, role, agency_id, hash IS NOT NULL FROM users \
                 ORDER BY role, login",
            )?;
            let rows = statement.query_map([], |r| Ok((user_row(r)?, r.get(5)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// A session; its CSRF token is `csrf`.
    pub fn create_session(
        &self,
        token_hash: &str,
        user: i64,
        csrf: &str,
        expires: i64,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM sessions WHERE expires <= ?1", [now()])?;
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, csrf, expires) VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, user, csrf, expires],
            )?;
            Ok(())
        })
    }

    /// The user and CSRF token of a session that has not expired.
    pub fn session(&self, token_hash: &str) -> Result<Option<(User, String)>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT u.id, u.login, u.name, u.role, u.agency_id, s.csrf FROM sessions s \
                 JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires > ?2 \
                 AND u.hash IS NOT NULL",
                params![token_hash, now()],
                |r| Ok((user_row(r)?, r.get(5)?)),
            )
            .optional()?)
        })
    }

    /// Ends a session.
    pub fn end_session(&self, token_hash: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
            Ok(())
        })
    }

    /// Adds a package (and its agency when new) as version 1 in the state `draft`; refused
    /// when a package of that name exists.
    pub fn add_package(&self, new: &NewPackage, by: Option<i64>) -> Result<i64> {
        self.write(|tx| add_package(tx, new, by))
    }

    /// Adds packages all or none.
    pub fn add_packages(&self, news: &[NewPackage], by: Option<i64>) -> Result<Vec<i64>> {
        self.write(|tx| news.iter().map(|new| add_package(tx, new, by)).collect())
    }

    /// Every agency.
    pub fn agencies(&self) -> Result<Vec<Agency>> {
        self.with(|c| {
            let mut statement =
                c.prepare("SELECT id, name, district, kind FROM agencies ORDER BY district, name")?;
            let rows = statement.query_map([], |r| {
                Ok(Agency {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    district: r.get(2)?,
                    kind: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The packages of one agency, or all of them.
    pub fn packages(&self, agency: Option<i64>) -> Result<Vec<PackageRow>> {
        self.with(|c| {
            let sql = format!(
                "{PACKAGE_SELECT} WHERE ?1 IS NULL OR p.agency_id = ?1 ORDER BY a.district, a.name, p.year"
            );
            let mut statement = c.prepare(&sql)?;
            let rows = statement.query_map([agency], package_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// One package by id.
    pub fn package(&self, id: i64) -> Result<Option<PackageRow>> {
        self.with(|c| {
            let sql = format!("{PACKAGE_SELECT} WHERE p.id = ?1");
            Ok(c.query_row(&sql, [id], package_row).optional()?)
        })
    }

    /// One package by file name.
    pub fn package_named(&self, name: &str) -> Result<Option<PackageRow>> {
        self.with(|c| {
            let sql = format!("{PACKAGE_SELECT} WHERE p.name = ?1");
            Ok(c.query_row(&sql, [name], package_row).optional()?)
        })
    }

    /// One version of a package (its current one when `number` is `None`).
    pub fn version(&self, package: i64, number: Option<i64>) -> Result<Option<Version>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT v.number, u.name, v.at, v.json, v.changed, v.note FROM versions v \
                 JOIN packages p ON p.id = v.package_id LEFT JOIN users u ON u.id = v.user_id \
                 WHERE v.package_id = ?1 AND v.number = COALESCE(?2, p.current)",
                params![package, number],
                version_row,
            )
            .optional()?)
        })
    }

    /// Every version of a package, newest first.
    pub fn versions(&self, package: i64) -> Result<Vec<Version>> {
        self.with(|c| {
            let mut statement = c.prepare(
                "SELECT v.number, u.name, v.at, v.json, v.changed, v.note FROM versions v \
                 LEFT JOIN users u ON u.id = v.user_id WHERE v.package_id = ?1 ORDER BY v.number DESC",
            )?;
            let rows = statement.query_map([package], version_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Saves a new version when the current one is still `expected` and the state allows
    /// editing. Returns the new version's number.
    pub fn save(
        &self,
        package: i64,
        expected: i64,
        json: &str,
        save: &Save,
        by: i64,
    ) -> Result<i64> {
        self.write(|tx| {
            let (current, state) = current(tx, package)?;
            if !state.editable() {
                return Err(StoreError::Refused(state.not_editable()));
            }
            if current != expected {
                return Err(StoreError::Conflict(current.to_string()));
            }
            let number = current + 1;
            tx.execute(
                "INSERT INTO versions (package_id, number, user_id, at, json, changed, note) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![package, number, by, now(), json, save.changed.join("\n"), save.note],
            )?;
            tx.execute(
                "UPDATE packages SET current = ?2, problems = ?3, updated = ?4, updated_by = ?5 WHERE id = ?1",
                params![package, number, save.problems, now(), by],
            )?;
            audit(tx, Some(by), &save.address, "save", Some(package), &format!("version {number}"))?;
            Ok(number)
        })
    }

    /// Moves a package from `from` to `to` (refused when it is no longer in `from`),
    /// storing the signed PDF with the move to `signed`.
    pub fn transition(&self, package: i64, move_: &Move, by: i64) -> Result<()> {
        self.write(|tx| {
            let (_, state) = current(tx, package)?;
            if state != move_.from {
                return Err(StoreError::Conflict(format!(
                    "แฟ้มนี้อยู่ในสถานะ “{}” แล้ว (มีผู้เปลี่ยนก่อน) จึงไม่ได้ดำเนินการ และไม่มีสิ่งใดเปลี่ยน",
                    state.thai()
                )));
            }
            tx.execute(
                "UPDATE packages SET state = ?2, updated = ?3, updated_by = ?4, \
                 signed_pdf = COALESCE(?5, signed_pdf) WHERE id = ?1",
                params![package, move_.to.as_str(), now(), by, move_.signed_pdf],
            )?;
            tx.execute(
                "INSERT INTO history (package_id, user_id, at, from_state, to_state, comment) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    package,
                    by,
                    now(),
                    move_.from.as_str(),
                    move_.to.as_str(),
                    move_.comment
                ],
            )?;
            let detail = format!("{} -> {}", move_.from.as_str(), move_.to.as_str());
            audit(
                tx,
                Some(by),
                &move_.address,
                "transition",
                Some(package),
                &detail,
            )?;
            Ok(())
        })
    }

    /// The workflow history of a package, oldest first.
    pub fn history(&self, package: i64) -> Result<Vec<Step>> {
        self.with(|c| {
            let mut statement = c.prepare(
                "SELECT u.name, h.at, h.from_state, h.to_state, h.comment FROM history h \
                 LEFT JOIN users u ON u.id = h.user_id WHERE h.package_id = ?1 ORDER BY h.id",
            )?;
            let rows = statement.query_map([package], |r| {
                let from: Option<String> = r.get(2)?;
                let to: String = r.get(3)?;
                Ok(Step {
                    by: r.get(0)?,
                    at: r.get(1)?,
                    from: from.as_deref().and_then(State::parse),
                    to: State::parse(&to).unwrap_or(State::Draft),
                    comment: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The workflow history of every package (its id with each step), oldest first.
    pub fn all_history(&self) -> Result<Vec<(i64, Step)>> {
        self.with(|c| {
            let mut statement = c.prepare(
                "SELECT h.package_id, u.name, h.at, h.from_state, h.to_state, h.comment FROM history h \
                 LEFT JOIN users u ON u.id = h.user_id ORDER BY h.id",
            )?;
            let rows = statement.query_map([], |r| {
                let from: Option<String> = r.get(3)?;
                let to: String = r.get(4)?;
                Ok((
                    r.get(0)?,
                    Step {
                        by: r.get(1)?,
                        at: r.get(2)?,
                        from: from.as_deref().and_then(State::parse),
                        to: State::parse(&to).unwrap_or(State::Draft),
                        comment: r.get(5)?,
                    },
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// A reviewer's comment against a field of the current version.
    pub fn comment(
        &self,
        package: i64,
        field: &str,
        text: &str,
        by: i64,
        address: &str,
    ) -> Result<()> {
        self.write(|tx| {
            let (version, _) = current(tx, package)?;
            tx.execute(
                "INSERT INTO comments (package_id, user_id, at, version, field, text) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![package, by, now(), version, field, text],
            )?;
            audit(tx, Some(by), address, "comment", Some(package), field)?;
            Ok(())
        })
    }

    /// The comments on a package, oldest first.
    pub fn comments(&self, package: i64) -> Result<Vec<Comment>> {
        self.with(|c| {
            let mut statement = c.prepare(
                "SELECT u.name, c.at, c.version, c.field, c.text FROM comments c \
                 JOIN users u ON u.id = c.user_id WHERE c.package_id = ?1 ORDER BY c.id",
            )?;
            let rows = statement.query_map([package], |r| {
                Ok(Comment {
                    by: r.get(0)?,
                    at: r.get(1)?,
                    version: r.get(2)?,
                    field: r.get(3)?,
                    text: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The signed PDF of a package, when one was accepted.
    pub fn signed_pdf(&self, package: i64) -> Result<Option<Vec<u8>>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT signed_pdf FROM packages WHERE id = ?1",
                [package],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
        })
    }

    /// Appends to the audit log.
    pub fn audit(
        &self,
        user: Option<i64>,
        address: &str,
        action: &str,
        package: Option<i64>,
        detail: &str,
    ) -> Result<()> {
        self.write(|tx| audit(tx, user, address, action, package, detail))
    }

    /// The audit log's entries of one action, oldest first.
    pub fn audit_log(&self, action: &str) -> Result<Vec<AuditEntry>> {
        self.with(|c| {
            let mut statement = c.prepare(
                "SELECT user_id, at, package_id, detail FROM audit WHERE action = ?1 ORDER BY id",
            )?;
            let rows = statement.query_map([action], |r| {
                Ok(AuditEntry {
                    user: r.get(0)?,
                    at: r.get(1)?,
                    package: r.get(2)?,
                    detail: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// A digest of everything a request may change (users, agencies, packages, versions,
    /// history, comments; not sessions or the audit log), to show that a refused request
    /// changed nothing.
    pub fn fingerprint(&self) -> Result<String> {
        use sha2::Digest;
        self.with(|c| {
            let mut hash = sha2::Sha256::new();
            for sql in [
                "SELECT id, login, name, role, agency_id, hash, setup_hash FROM users ORDER BY id",
                "SELECT id, name, district, kind, '', '', '' FROM agencies ORDER BY id",
                "SELECT id, state, current, problems, hex(signed_pdf), name, '' FROM packages ORDER BY id",
                "SELECT package_id, number, user_id, json, changed, note, '' FROM versions ORDER BY 1, 2",
                "SELECT package_id, from_state, to_state, comment, user_id, '', '' FROM history ORDER BY id",
                "SELECT package_id, field, text, version, user_id, '', '' FROM comments ORDER BY id",
            ] {
                let mut statement = c.prepare(sql)?;
                let mut rows = statement.query([])?;
                while let Some(row) = rows.next()? {
                    for i in 0..7 {
                        let value: rusqlite::types::Value = row.get(i)?;
                        hash.update(format!("{value:?}\u{1f}").as_bytes());
                    }
                    hash.update(b"\x1e");
                }
                hash.update(b"\x1d");
            }
            Ok(format!("{:x}", hash.finalize()))
        })
    }

    /// SQLite's own check of the file (`ok` when sound) and of the foreign keys.
    pub fn integrity(&self) -> Result<String> {
        self.with(|c| {
            let sound: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            let broken: i64 =
                c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            let dangling: i64 = c.query_row(
                "SELECT count(*) FROM packages p WHERE NOT EXISTS \
                 (SELECT 1 FROM versions v WHERE v.package_id = p.id AND v.number = p.current)",
                [],
                |r| r.get(0),
            )?;
            Ok(if sound == "ok" && broken == 0 && dangling == 0 {
                "ok".to_owned()
            } else {
                format!("{sound}; {broken} broken references; {dangling} packages without their current version")
            })
        })
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub user: Option<i64>,
    pub at: i64,
    pub package: Option<i64>,
    pub detail: String,
}

/// What goes with a saved version.
pub struct Save {
    pub changed: Vec<String>,
    pub note: String,
    pub problems: i64,
    pub address: String,
}

/// A workflow step asked for.
pub struct Move {
    pub from: State,
    pub to: State,
    pub comment: String,
    pub signed_pdf: Option<Vec<u8>>,
    pub address: String,
}

fn version_row(r: &rusqlite::Row) -> rusqlite::Result<Version> {
    let changed: String = r.get(4)?;
    Ok(Version {
        number: r.get(0)?,
        by: r.get(1)?,
        at: r.get(2)?,
        json: r.get(3)?,
        changed: changed.lines().map(str::to_owned).collect(),
        note: r.get(5)?,
    })
}

fn agency(tx: &Transaction, id: i64) -> rusqlite::Result<Option<i64>> {
    tx.query_row("SELECT id FROM agencies WHERE id = ?1", [id], |r| r.get(0))
        .optional()
}

fn current(tx: &Transaction, package: i64) -> Result<(i64, State)> {
    let (current, state): (i64, String) = tx
        .query_row(
            "SELECT current, state FROM packages WHERE id = ?1",
            [package],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::Missing("ไม่มีแฟ้มนี้".into()))?;
    Ok((current, State::parse(&state).unwrap_or(State::Draft)))
}

fn add_package(tx: &Transaction, new: &NewPackage, by: Option<i64>) -> Result<i64> {
    let exists: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM packages WHERE name = ?1)",
        [new.name],
        |r| r.get(0),
    )?;
    if exists {
        return Err(StoreError::Refused(format!(
            "มีแฟ้ม `{}` ในระบบอยู่แล้ว จึงไม่ได้นำเข้า และไม่มีสิ่งใดเปลี่ยน",
            new.name
        )));
    }
    tx.execute(
        "INSERT OR IGNORE INTO agencies (name, district, kind) VALUES (?1, ?2, ?3)",
        params![new.agency, new.district, new.kind],
    )?;
    let agency: i64 = tx.query_row(
        "SELECT id FROM agencies WHERE name = ?1 AND district = ?2",
        params![new.agency, new.district],
        |r| r.get(0),
    )?;
    let at = now();
    tx.execute(
        "INSERT INTO packages (agency_id, name, year, state, current, problems, updated, updated_by) \
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7)",
        params![agency, new.name, new.year, State::Draft.as_str(), new.problems, at, by],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO versions (package_id, number, user_id, at, json, changed, note) \
         VALUES (?1, 1, ?2, ?3, ?4, '', 'นำเข้า')",
        params![id, by, at, new.json],
    )?;
    tx.execute(
        "INSERT INTO history (package_id, user_id, at, from_state, to_state, comment) \
         VALUES (?1, ?2, ?3, NULL, ?4, 'นำเข้า')",
        params![id, by, at, State::Draft.as_str()],
    )?;
    Ok(id)
}

fn audit(
    tx: &Transaction,
    user: Option<i64>,
    address: &str,
    action: &str,
    package: Option<i64>,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit (at, user_id, address, action, package_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![now(), user, address, action, package, detail],
    )?;
    Ok(())
}
