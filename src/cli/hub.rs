//! `ita-report hub`: the province's server ([`crate::hub`]) and its commands (`init`,
//! `import`, `export`, `demo`).

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use codespan_reporting::term::termcolor::StandardStream;

use crate::diagnostic::Diagnostic;
use crate::hub::store::Store;
use crate::hub::{self, auth, intake};
use crate::message;

/// The environment variable `hub init` and `hub demo` take the administrator's password
/// from (instead of printing a one-time link).
pub const PASSWORD_VARIABLE: &str = "ITA_REPORT_HUB_PASSWORD";

/// The options of `hub`.
#[derive(Debug, clap::Args)]
pub struct HubArgs {
    /// The data folder: the database `hub.sqlite` (created by `hub init`).
    #[arg(long, value_name = "DIR", default_value = "hub-data", global = true)]
    pub data: PathBuf,
    /// Address to listen on. Off loopback, put the hub behind HTTPS: its cookies are then
    /// sent only over HTTPS.
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub addr: SocketAddr,
    /// As for `build`.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// As for `build`; may be repeated.
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
    #[command(subcommand)]
    pub action: Option<HubAction>,
}

/// What `hub` does besides serving.
#[derive(Debug, Subcommand)]
pub enum HubAction {
    /// Create the data folder and a province administrator. The password is read from
    /// ITA_REPORT_HUB_PASSWORD, else a one-time link to set it is printed.
    Init {
        /// The administrator's login name.
        #[arg(long, default_value = "admin")]
        admin: String,
        /// The administrator's full name.
        #[arg(long, default_value = "ผู้ดูแลระบบของจังหวัด")]
        name: String,
    },
    /// Bring the package files (*.json) of a folder in, all or none.
    Import {
        /// The folder of package files.
        dir: PathBuf,
    },
    /// Write the current version of every package into a folder, as package files.
    Export {
        /// The folder to write into.
        dir: PathBuf,
    },
    /// Seed a hub for trying it out: `init`, the sample packages of a folder, and one
    /// editor per agency (each with a one-time link).
    Demo {
        /// The folder of package files to bring in.
        #[arg(default_value = "inputs")]
        dir: PathBuf,
    },
}

impl HubArgs {
    /// Runs the action, or serves.
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
        let done = match &self.action {
            None => return self.serve(err),
            Some(HubAction::Init { admin, name }) => init(&self.data, admin, name, err),
            Some(HubAction::Import { dir }) => {
                import(&self.data, dir, self.templates.as_deref(), err)
            }
            Some(HubAction::Export { dir }) => export(&self.data, dir, err),
            Some(HubAction::Demo { dir }) => demo(&self.data, dir, self.templates.as_deref(), err),
        };
        match done {
            Ok(()) => ExitCode::SUCCESS,
            Err(d) => {
                let _ = d.emit(err);
                ExitCode::from(1)
            }
        }
    }

    fn serve(self, err: &mut StandardStream) -> ExitCode {
        let data = self.data.display().to_string();
        if !self.data.join(hub::store::FILE).is_file() {
            let _ = Diagnostic::error(message!(
                "ยังไม่มีฐานข้อมูลในโฟลเดอร์ `{data}`: เริ่มด้วย ita-report hub init --data {data}",
                "there is no database in `{data}` yet: start with ita-report hub init --data {data}"
            ))
            .emit(err);
            return ExitCode::from(2);
        }
        let config = hub::Config {
            data: self.data,
            addr: self.addr,
            templates: self.templates,
            font_dirs: self.font_dirs,
        };
        match hub::start(config) {
            Ok(running) => {
                let addr = running.addr;
                let _ = writeln!(
                    err,
                    "{}",
                    message!(
                        "เปิดระบบกลางของจังหวัดจาก {data} ที่ http://{addr}/ แล้ว (กด Ctrl+C เพื่อหยุด)",
                        "hub serving {data} at http://{addr}/ (stop with Ctrl+C)"
                    )
                );
                running.wait();
                ExitCode::SUCCESS
            }
            Err(d) => {
                let _ = d.emit(err);
                ExitCode::from(2)
            }
        }
    }
}

fn open(data: &Path) -> Result<Store, Diagnostic> {
    Store::open(data).map_err(|e| Diagnostic::error(e.message()))
}

/// The argon2id hash of the password [`PASSWORD_VARIABLE`] gives, when it gives one fit to
/// be set (hashed once: the demo's users share it).
fn password_hash() -> Result<Option<String>, Diagnostic> {
    let Ok(password) = std::env::var(PASSWORD_VARIABLE) else {
        return Ok(None);
    };
    auth::acceptable(&password, &password).map_err(Diagnostic::error)?;
    auth::hash_password(&password)
        .map(Some)
        .map_err(Diagnostic::error)
}

/// A user with a one-time link (printed), or with the password whose hash is given.
fn add_user(
    store: &Store,
    login: &str,
    name: &str,
    agency: Option<i64>,
    hash: Option<&str>,
    err: &mut StandardStream,
) -> Result<(), Diagnostic> {
    let token = auth::new_token();
    let expires = hub::store::now() + auth::SETUP_SECONDS;
    let failed = |e: hub::store::StoreError| Diagnostic::error(e.message());
    store
        .create_user(login, name, agency, &auth::token_hash(&token), expires)
        .map_err(failed)?;
    match hash {
        Some(hash) => {
            store
                .set_password(&auth::token_hash(&token), hash)
                .map_err(failed)?;
            let _ = writeln!(
                err,
                "{}",
                message!("สร้างผู้ใช้ {login} แล้ว", "created the user {login}")
            );
        }
        None => {
            let _ = writeln!(
                err,
                "{}",
                message!(
                    "สร้างผู้ใช้ {login} แล้ว: ตั้งรหัสผ่านที่ http://<ที่อยู่ของ hub>/setup/{token} (ใช้ได้ครั้งเดียว ภายใน 7 วัน)",
                    "created the user {login}: set the password at http://<hub address>/setup/{token} (once, within 7 days)"
                )
            );
        }
    }
    Ok(())
}

fn init(data: &Path, admin: &str, name: &str, err: &mut StandardStream) -> Result<(), Diagnostic> {
    let store = open(data)?;
    let hash = password_hash()?;
    add_user(&store, admin, name, None, hash.as_deref(), err)
}

fn import(
    data: &Path,
    dir: &Path,
    templates: Option<&Path>,
    err: &mut StandardStream,
) -> Result<(), Diagnostic> {
    let store = open(data)?;
    let frameworks = crate::framework::Frameworks::load(templates)?;
    let added = intake::import_dir(&store, &frameworks, dir).map_err(Diagnostic::error)?;
    let n = added.len();
    let _ = writeln!(
        err,
        "{}",
        message!("นำเข้า {n} แฟ้ม", "imported {n} packages")
    );
    Ok(())
}

fn export(data: &Path, dir: &Path, err: &mut StandardStream) -> Result<(), Diagnostic> {
    let store = open(data)?;
    let written = intake::export_dir(&store, dir).map_err(Diagnostic::error)?;
    for path in &written {
        let _ = writeln!(err, "{}", path.display());
    }
    Ok(())
}

/// `init` (password from the environment or a link), the packages of `dir` and one for each
/// agency a province package there lists, and an editor `agency<N>` for each agency.
fn demo(
    data: &Path,
    dir: &Path,
    templates: Option<&Path>,
    err: &mut StandardStream,
) -> Result<(), Diagnostic> {
    let store = open(data)?;
    let hash = password_hash()?;
    let frameworks = crate::framework::Frameworks::load(templates)?;
    intake::import_dir(&store, &frameworks, dir).map_err(Diagnostic::error)?;
    // The agencies the province's own package lists, each with a package of its scores.
    let catalogue = crate::catalogue::Catalogue::load(templates)?;
    intake::agencies_of_provinces(&store, &frameworks, &catalogue).map_err(Diagnostic::error)?;
    add_user(
        &store,
        "admin",
        "ผู้ดูแลระบบของจังหวัด",
        None,
        hash.as_deref(),
        err,
    )?;
    let agencies = store
        .agencies()
        .map_err(|e| Diagnostic::error(e.message()))?;
    for agency in agencies {
        let login = format!("agency{}", agency.id);
        add_user(
            &store,
            &login,
            &agency.name,
            Some(agency.id),
            hash.as_deref(),
            err,
        )?;
    }
    Ok(())
}
