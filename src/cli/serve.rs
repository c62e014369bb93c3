//! `ita-report serve`: the one-person browser workspace ([`crate::web`]) over a folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codespan_reporting::term::termcolor::StandardStream;

use super::shown;
use crate::message;

/// The options of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Folder of package files (default: inputs/).
    #[arg(default_value = "inputs")]
    pub workspace: PathBuf,
    /// Address to listen on. Any address other than loopback requires a token.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Token every request must carry (made up and printed when listening beyond
    /// loopback without one). Other users of the machine see it in `ps`: prefer
    /// `--token-file` or the variable ITA_REPORT_TOKEN.
    #[arg(long, conflicts_with = "token_file")]
    pub token: Option<String>,
    /// File whose first line is the token (read instead of `--token`).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// As for `build`.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// As for `build`; may be repeated.
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
}

impl ServeArgs {
    /// Starts the workspace and serves until the process is stopped.
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
        let config = crate::web::Config {
            workspace: self.workspace,
            addr: self.addr,
            token: self.token,
            templates: self.templates,
            font_dirs: self.font_dirs,
        };
        serve(config, self.token_file.as_deref(), err)
    }
}

/// Starts the web workspace and serves until the process is stopped. The token comes from
/// `--token-file`, `--token` (with a warning: `ps` shows it) or the environment.
fn serve(
    mut config: crate::web::Config,
    token_file: Option<&Path>,
    err: &mut StandardStream,
) -> ExitCode {
    if config.token.is_some() {
        let _ = writeln!(
            err,
            "{}",
            message!(
                "คำเตือน: ผู้ใช้อื่นของเครื่องนี้เห็นรหัสที่ให้ทาง --token ได้ (คำสั่ง ps) โปรดใช้ --token-file หรือตัวแปร {var} แทน",
                "warning: other users of this machine can see a --token (ps): use --token-file or the variable {var} instead",
                var = crate::web::TOKEN_VARIABLE
            )
        );
    }
    let variable = std::env::var(crate::web::TOKEN_VARIABLE).ok();
    config.token = match crate::web::read_token(config.token.take(), token_file, variable) {
        Ok(token) => token,
        Err(d) => {
            let _ = d.emit(err);
            return ExitCode::from(2);
        }
    };
    let given_token = config.token.is_some();
    let workspace = shown(&config.workspace);
    match crate::web::start(config) {
        Ok(running) => {
            for file in &running.cleaned {
                let file = shown(file);
                let _ = writeln!(
                    err,
                    "{}",
                    message!(
                        "ลบแฟ้มชั่วคราวที่การบันทึกครั้งก่อนค้างไว้: {file}",
                        "removed a temporary file an interrupted save left: {file}"
                    )
                );
            }
            let addr = running.addr;
            let _ = writeln!(
                err,
                "{}",
                message!(
                    "เปิดโฟลเดอร์งาน {workspace} ที่ http://{addr}/ แล้ว (กด Ctrl+C เพื่อหยุด)",
                    "serving {workspace} at http://{addr}/ (stop with Ctrl+C)"
                )
            );
            if let Some(token) = &running.token {
                let line = if given_token {
                    message!("รหัสเข้าใช้: {token}", "token: {token}")
                } else {
                    message!(
                        "รหัสเข้าใช้ (สร้างขึ้นสำหรับครั้งนี้ แสดงครั้งเดียว): {token}",
                        "token (made up for this run, shown once): {token}"
                    )
                };
                let _ = writeln!(err, "{line}");
                let _ = writeln!(
                    err,
                    "{}",
                    message!(
                        "เปิดในเว็บเบราว์เซอร์: http://{addr}/?token={token}",
                        "open http://{addr}/?token={token}"
                    )
                );
            }
            running.wait();
            ExitCode::SUCCESS
        }
        Err(d) => {
            let _ = d.emit(err);
            ExitCode::from(2)
        }
    }
}
