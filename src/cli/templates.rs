//! `ita-report templates diff|export`: customised templates against the built-in ones.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use codespan_reporting::term::termcolor::StandardStream;

use crate::diagnostic::Diagnostic;
use crate::message;
use crate::templates::custom::{self, Status};

/// What `templates` does.
#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// Show what each template of a folder (as given with --templates) changes from the
    /// built-in one of this version.
    Diff {
        /// The folder of customised templates.
        dir: PathBuf,
    },
    /// Write the built-in templates into a folder, to change only what an office needs
    /// (changing `style.typ` alone keeps every other template current).
    Export {
        /// The folder to write into (created if missing).
        dir: PathBuf,
        /// Replace template files that already exist there.
        #[arg(long)]
        force: bool,
    },
}

impl TemplatesAction {
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
        match self {
            TemplatesAction::Diff { dir } => diff(&dir, err),
            TemplatesAction::Export { dir, force } => export(&dir, force, err),
        }
    }
}

/// Prints what each template of `dir` changes from this version's built-in one.
pub fn diff(dir: &Path, err: &mut StandardStream) -> ExitCode {
    let files = match custom::compare(dir) {
        Ok(files) => files,
        Err(e) => {
            let d = Diagnostic::error(message!(
                "อ่านโฟลเดอร์แม่แบบ {dir} ไม่ได้: {e}",
                "cannot read the template folder {dir}: {e}",
                dir = dir.display()
            ));
            let _ = d.emit(err);
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    for (name, status) in &files {
        let line = match status {
            Status::Same => message!(
                "{name}: เหมือนแม่แบบในตัวโปรแกรม (ลบออกได้)",
                "{name}: the same as the built-in template (can be removed)"
            ),
            Status::Changed(_) => message!(
                "{name}: ต่างจากแม่แบบในตัวโปรแกรม",
                "{name}: differs from the built-in template"
            ),
            Status::Ignored => message!(
                "{name}: ไม่ใช้ (โปรแกรมใช้ {name} ของตัวเองเสมอ)",
                "{name}: ignored (the program always uses its own {name})"
            ),
            Status::Unknown => message!(
                "{name}: ไม่มีแม่แบบชื่อนี้ในตัวโปรแกรม จะใช้ได้เมื่อแม่แบบอื่นเรียกใช้",
                "{name}: no built-in template has this name; it is used only if another template includes it"
            ),
        };
        let _ = writeln!(out, "{line}");
        if let Status::Changed(diff) = status {
            let _ = write!(out, "{diff}");
        }
    }
    if files.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            message!(
                "ไม่มีแม่แบบ (.typ) ในโฟลเดอร์นี้",
                "the folder holds no templates (.typ)"
            )
        );
    }
    ExitCode::SUCCESS
}

/// Writes the built-in templates into `dir`, refusing to replace files there unless `force`.
pub fn export(dir: &Path, force: bool, err: &mut StandardStream) -> ExitCode {
    let files = custom::builtins();
    let existing: Vec<&str> = files
        .iter()
        .filter(|(name, _)| dir.join(name).exists())
        .map(|(name, _)| name.as_str())
        .collect();
    if !existing.is_empty() && !force {
        let list = existing.join(", ");
        let d = Diagnostic::error(message!(
            "มีแฟ้มอยู่แล้วใน {dir}: {list} (ใช้ --force เพื่อเขียนทับ)",
            "{dir} already holds {list} (use --force to replace them)",
            dir = dir.display()
        ));
        let _ = d.emit(err);
        return ExitCode::from(1);
    }
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        files
            .iter()
            .try_for_each(|(name, text)| crate::pdf::write_atomic(&dir.join(name), text.as_bytes()))
    });
    if let Err(e) = written {
        let d = Diagnostic::error(message!(
            "เขียนแม่แบบลงใน {dir} ไม่ได้: {e}",
            "cannot write the templates into {dir}: {e}",
            dir = dir.display()
        ));
        let _ = d.emit(err);
        return ExitCode::from(1);
    }
    let (count, dir) = (files.len(), dir.display());
    println!(
        "{}",
        message!(
            "เขียนแม่แบบ {count} แฟ้มลงใน {dir} แล้ว: แก้เฉพาะแฟ้มที่ต้องการ แล้วลบแฟ้มที่ไม่ได้แก้ออก เพื่อให้ได้รับการแก้ไขจากโปรแกรมรุ่นต่อไป",
            "wrote {count} templates into {dir}: change the ones you need and remove the others, so they keep receiving the program's fixes"
        )
    );
    ExitCode::SUCCESS
}
