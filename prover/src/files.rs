//! Files: inputs read under a size limit, outputs checked before the work starts and written
//! atomically (a temporary file in the same folder, then a rename, so no partial file is ever
//! left at the path), private outputs readable by their owner only.

use crate::error::Error;
use solvent_model::InputError;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Reads a UTF-8 text file of at most `limit` bytes; a larger one is refused before it is read.
pub fn read_text(path: &Path, limit: usize) -> Result<String, Error> {
    let io = |error| Error::Io { file: path.display().to_string(), error };
    let file = std::fs::File::open(path).map_err(io)?;
    let too_large = |len: u64| Error::input(path, InputError::new("", format!("the file is {len} bytes; at most {limit} are accepted")));
    let len = file.metadata().map_err(io)?.len();
    if len > limit as u64 {
        return Err(too_large(len));
    }
    // `take` also bounds what a file that grows, or a device, can make us read.
    let mut text = String::new();
    file.take(limit as u64 + 1).read_to_string(&mut text).map_err(io)?;
    if text.len() > limit {
        return Err(too_large(text.len() as u64));
    }
    Ok(text)
}

/// The path a file has, or would have once written (its folder resolved), to compare paths
/// that name the same file differently.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(found) = std::fs::canonicalize(path) {
        return Some(found);
    }
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(std::fs::canonicalize(folder).ok()?.join(path.file_name()?))
}

/// Checks, before any work, that every output (`(argument, path)`) can be written: it names a
/// file in an existing, writable folder, and neither an input nor another output.
pub fn check_outputs(inputs: &[&Path], outputs: &[(&str, &Path)]) -> Result<(), Error> {
    let refuse = |argument: &str, message: String| Error::Input { file: "arguments".into(), error: InputError::new(argument, message) };
    let inputs: Vec<(PathBuf, &Path)> = inputs.iter().filter_map(|p| Some((resolved(p)?, *p))).collect();
    let mut seen: Vec<(PathBuf, &str)> = Vec::new();
    for (argument, path) in outputs {
        if path.file_name().is_none() || path.is_dir() {
            return Err(refuse(argument, format!("{} is a folder; name a file", path.display())));
        }
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !folder.is_dir() {
            return Err(refuse(argument, format!("the folder {} does not exist", folder.display())));
        }
        tempfile::Builder::new()
            .prefix(".solvent-probe.")
            .tempfile_in(folder)
            .map_err(|e| refuse(argument, format!("cannot write in {}: {e}", folder.display())))?;
        let Some(target) = resolved(path) else { continue };
        if let Some((_, input)) = inputs.iter().find(|(p, _)| *p == target) {
            return Err(refuse(argument, format!("{} is an input file ({}); write elsewhere", path.display(), input.display())));
        }
        if let Some((_, other)) = seen.iter().find(|(p, _)| *p == target) {
            return Err(refuse(argument, format!("{} is also the file of {other}", path.display())));
        }
        seen.push((target, argument));
    }
    Ok(())
}

/// Writes a file atomically, readable by everyone (mode 0644 on Unix).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_atomically(path, bytes, PUBLIC).map_err(|error| Error::Io { file: path.display().to_string(), error })
}

/// Writes a private file atomically, readable by its owner only (mode 0600 on Unix) from the
/// moment it exists.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_atomically(path, bytes, 0o600).map_err(|error| Error::Io { file: path.display().to_string(), error })
}

/// The mode of a file anyone may read.
pub const PUBLIC: u32 = 0o644;

/// Writes a file atomically: `fill` writes the temporary file, `check` reads it back from its
/// path, and only if both succeed does it take `path`'s place (with `mode`); otherwise nothing
/// is left.
pub fn write_checked(
    path: &Path,
    mode: u32,
    fill: impl FnOnce(&mut std::fs::File) -> Result<(), Error>,
    check: impl FnOnce(&Path) -> Result<(), Error>,
) -> Result<(), Error> {
    let io = |error| Error::Io { file: path.display().to_string(), error };
    let mut file = temporary_beside(path).map_err(io)?;
    fill(file.as_file_mut())?;
    file.as_file().sync_all().map_err(io)?;
    check(file.path())?;
    set_mode(file.path(), mode).map_err(io)?;
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// A temporary file in `path`'s folder, named `.NAME.PID.….tmp` so that [`sweep_orphans`]
/// recognises those of processes that were killed while writing.
fn temporary_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    sweep_orphans(folder);
    // Created with mode 0600; widened only for public files, after the content is in place.
    tempfile::Builder::new().prefix(&format!(".{name}.{}.", std::process::id())).suffix(".tmp").tempfile_in(folder)
}

/// Writes `bytes` to `path` through a temporary file of [`temporary_beside`].
fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut file = temporary_beside(path)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    set_mode(file.path(), mode)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// Removes the temporary files and folders that killed runs of solvent left in `folder`: names
/// `.NAME.PID.….tmp` whose process no longer runs (where that cannot be told, none).
pub fn sweep_orphans(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(inner) = file.to_str().and_then(|f| f.strip_prefix('.')).and_then(|r| r.strip_suffix(".tmp")) else {
            continue;
        };
        // The first all-digit part after the name is the writer's process id.
        let Some(pid) = inner.split('.').skip(1).find_map(|part| part.parse::<u32>().ok()) else { continue };
        if !process_alive(pid) {
            let path = entry.path();
            let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        }
    }
}

/// Whether a process runs (Linux's `/proc`; elsewhere assumed to run).
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    pid == std::process::id() || !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_leave_no_temporary_file_and_private_files_are_the_owners() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("a.json");
        let private = dir.path().join("o.json");
        write_file(&public, b"abc").unwrap();
        write_private(&private, b"secret").unwrap();
        assert_eq!(std::fs::read(&public).unwrap(), b"abc");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&private), 0o600);
            assert_eq!(mode(&public), 0o644);
        }
    }

    #[test]
    fn orphans_of_dead_processes_are_swept_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // No process has id 4,000,000,000 (above Linux's largest pid).
        let dead = dir.path().join(".a.json.4000000000.x1y2z3.tmp");
        let live = dir.path().join(format!(".a.json.{}.x1y2z3.tmp", std::process::id()));
        std::fs::write(&dead, b"partial").unwrap();
        std::fs::write(&live, b"partial").unwrap();
        write_file(&dir.path().join("a.json"), b"{}").unwrap();
        assert_eq!(dead.exists(), !Path::new("/proc/self").exists());
        assert!(live.exists());
    }

    #[test]
    fn outputs_are_checked_before_the_work() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("policy.json");
        std::fs::write(&input, b"{}").unwrap();
        let out = dir.path().join("a.json");
        assert!(check_outputs(&[&input], &[("--out", &out)]).is_ok());
        let same = dir.path().join(".").join("policy.json");
        let message = |e: Error| e.to_string();
        assert!(message(check_outputs(&[&input], &[("--out", &same)]).unwrap_err()).contains("is an input file"));
        assert!(message(check_outputs(&[], &[("--out", &out), ("--opening", &out)]).unwrap_err()).contains("also the file of --out"));
        let missing = dir.path().join("nowhere/a.json");
        assert!(message(check_outputs(&[], &[("--out", &missing)]).unwrap_err()).contains("does not exist"));
        assert!(message(check_outputs(&[], &[("--out", dir.path())]).unwrap_err()).contains("is a folder"));
    }

    #[test]
    fn oversized_inputs_are_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b' '; 1001]).unwrap();
        assert!(read_text(&path, 1000).unwrap_err().to_string().contains("at most 1000"));
        assert_eq!(read_text(&path, 1001).unwrap().len(), 1001);
    }
}
