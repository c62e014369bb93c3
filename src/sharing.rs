//! Folders that several runs write at once, on one machine or on several (`--shard` over a
//! network folder): who a run is (host and process), an exclusive lock for the few files all
//! runs share (`manifest.json`, the state), and the names of temporary files, so that a run
//! removes another's temporary only when it is surely abandoned.
//!
//! Why a lock file made with `O_EXCL` rather than `flock`/`fcntl` locks or one file per
//! package merged on read: exclusive creation is atomic on local file systems, on NFS (v3 and
//! later) and on SMB, where advisory locks depend on a lock daemon and mount options (`nolock`
//! makes them silently local). The section it guards is milliseconds long (read a small JSON
//! file, merge, write it through a rename), so waiting is short; and `manifest.json` stays one
//! file that archivists and scripts read as it is. One file per package would still need a
//! lock (or every reader to merge) to give them that file. A holder that died leaves its lock
//! behind: on its own host it is known dead by its process id; elsewhere a lock is broken only
//! after it has been seen unchanged for a bound measured on this machine's own clock, so
//! clocks that differ between hosts cannot make a live lock look old.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// The start of every temporary file name, so that a later run can recognise its own.
pub const TEMP_PREFIX: &str = ".ita-report-";

/// A temporary file of another host (or of an unknown process) is removed only when it has
/// not changed for this long: one is written and renamed within seconds.
pub const TEMP_ABANDONED: Duration = Duration::from_secs(3600);

/// A lock seen unchanged for this long is taken to be abandoned by a run that died.
pub const LOCK_STALE: Duration = Duration::from_secs(60);

/// This machine's name, reduced to letters, digits and `-` (it goes into file names).
pub fn host() -> &'static str {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        let raw = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .or_else(|| std::env::var("COMPUTERNAME").ok())
            .unwrap_or_default();
        let clean: String = raw
            .trim()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(64)
            .collect();
        if clean.is_empty() {
            "host".to_owned()
        } else {
            clean
        }
    })
}

/// A temporary file name for `name` in this process: `.ita-report-<name>.<n>~<host>~<pid>.tmp`.
/// A long name is cut (with a hash of it, so two long names stay apart) to keep the whole
/// within the 255 bytes file systems allow.
pub fn temp_name(name: &str) -> String {
    let short = if name.len() > 120 {
        let cut = crate::filename::cut_at_char(name, 110);
        let hash = crate::fingerprint::fingerprint(&[name.as_bytes()]);
        format!("{cut}-{}", &hash[..8])
    } else {
        name.to_owned()
    };
    // Threads of one process writing the same file at once each get their own.
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    format!(
        "{TEMP_PREFIX}{short}.{n}~{}~{}.tmp",
        host(),
        std::process::id()
    )
}

/// Whether the temporary file `name` (modified at `modified`) may be removed by this run: one
/// of this host whose process is gone, or any other only when it is older than
/// [`TEMP_ABANDONED`]. `None` when `name` is not a temporary file of this program.
pub fn abandoned(name: &str, modified: Option<SystemTime>) -> Option<bool> {
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(".tmp")?;
    let mut parts = rest.rsplitn(3, '~');
    let (pid, owner) = (parts.next(), parts.next());
    let pid: Option<u32> = pid.and_then(|p| p.parse().ok());
    if let (Some(pid), Some(owner)) = (pid, owner)
        && owner == host()
        && let Some(alive) = process_alive(pid)
    {
        return Some(!alive);
    }
    let age = modified.and_then(|m| SystemTime::now().duration_since(m).ok());
    Some(age.is_some_and(|a| a > TEMP_ABANDONED))
}

/// Whether process `pid` of this host runs, where that can be told (Linux's `/proc`).
fn process_alive(pid: u32) -> Option<bool> {
    if pid == std::process::id() {
        return Some(true);
    }
    Path::new("/proc/self")
        .exists()
        .then(|| Path::new(&format!("/proc/{pid}")).exists())
}

/// Removes the temporary files in `dir` that [`abandoned`] allows; returns what it removed.
pub fn remove_abandoned(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let modified = entry.metadata().ok().and_then(|m| m.modified().ok());
        if abandoned(&name, modified) == Some(true) && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// An exclusive lock on a file shared between runs, held until dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    token: String,
}

impl Lock {
    /// The lock of `target` (`.<name>.lock` beside it), waiting for another holder; a lock
    /// seen unchanged for `stale` is broken. Fails after waiting for three times `stale`.
    pub fn acquire(target: &Path, stale: Duration) -> std::io::Result<Lock> {
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map_or("file".into(), |n| n.to_string_lossy());
        let path = dir.join(format!(".{name}.lock"));
        // Host and process first (see `dead_here`); the rest tells this holder from another
        // thread's or an earlier one's.
        static HOLDS: AtomicU64 = AtomicU64::new(0);
        let token = format!(
            "{} {} {} {:?}",
            host(),
            std::process::id(),
            HOLDS.fetch_add(1, Ordering::Relaxed),
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
        );
        let started = Instant::now();
        // The holder last seen, and since when (this machine's clock).
        let mut seen: Option<(String, Instant)> = None;
        // Waits differ between processes so that waiters do not retry in step.
        let pause = Duration::from_millis(5 + u64::from(std::process::id() % 17));
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    file.write_all(token.as_bytes())?;
                    return Ok(Lock { path, token });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            let since = match &seen {
                Some((h, since)) if *h == holder => *since,
                _ => Instant::now(),
            };
            if dead_here(&holder) || since.elapsed() > stale {
                break_lock(&path, &holder);
                seen = None;
                continue;
            }
            seen = Some((holder, since));
            if started.elapsed() > stale * 3 {
                return Err(std::io::Error::other(format!(
                    "`{}` is held by another run",
                    path.display()
                )));
            }
            std::thread::sleep(pause);
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Only our own: after a break another run may hold it.
        if std::fs::read_to_string(&self.path).is_ok_and(|t| t == self.token) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether the lock `holder` wrote belongs to a process of this host that is gone.
fn dead_here(holder: &str) -> bool {
    let mut words = holder.split(' ');
    let (owner, pid) = (words.next(), words.next().and_then(|p| p.parse().ok()));
    owner == Some(host()) && pid.and_then(process_alive) == Some(false)
}

/// Removes the abandoned lock at `path` whose content was `holder`. Moved aside first (one
/// rename: of two runs breaking it at once, one succeeds); if what was moved is not the
/// abandoned lock (taken anew meanwhile), it is put back unless a third run holds it now.
fn break_lock(path: &Path, holder: &str) {
    let aside = path.with_file_name(temp_name("lock-broken"));
    if std::fs::rename(path, &aside).is_err() {
        return;
    }
    let moved = std::fs::read_to_string(&aside).unwrap_or_default();
    if moved != holder {
        let _ = std::fs::hard_link(&aside, path);
    }
    let _ = std::fs::remove_file(&aside);
}

/// Runs `f` holding the lock of `target`.
pub fn locked<T>(target: &Path, f: impl FnOnce() -> std::io::Result<T>) -> std::io::Result<T> {
    let _lock = Lock::acquire(target, LOCK_STALE)?;
    f()
}
