//! Shared by the end-to-end tests that run the real `terrane` binary in a scratch directory
//! (`engine.rs`, `show.rs`, `backend_config.rs`, `drift.rs`): the directory, removed on drop,
//! and the binary run in it without colour and without `TF_WORKSPACE` from the caller's
//! environment.

// Each test crate that includes this module uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Work(PathBuf);

impl Work {
    /// An empty directory `terrane-{suite}-{name}-{pid}` in the system's temporary directory.
    pub fn empty(suite: &str, name: &str) -> Work {
        let dir =
            std::env::temp_dir().join(format!("terrane-{suite}-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating a temporary directory");
        Work(dir)
    }

    /// [`Work::empty`] holding `main.tn`.
    pub fn with_main(suite: &str, name: &str, main: &str) -> Work {
        let w = Work::empty(suite, name);
        w.write("main.tn", main);
        w
    }

    pub fn write(&self, file: &str, text: &str) {
        std::fs::write(self.0.join(file), text).expect("writing a file");
    }

    /// The binary, to run in the directory with `args`, without colour.
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_terrane"));
        c.args(args)
            .arg("-no-color")
            .current_dir(&self.0)
            .env_remove("TF_WORKSPACE");
        c
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = self.command(args);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("running terrane")
    }

    /// A run given `stdin` (answers to prompts).
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("running terrane");
        let _ = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes());
        child.wait_with_output().expect("terrane finished")
    }

    /// A file's text, `None` when it is not there.
    pub fn read(&self, file: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(file)).ok()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    /// The standard output of a run that must succeed.
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "terrane {args:?} failed:\n{}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A run's standard output followed by its standard error.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
