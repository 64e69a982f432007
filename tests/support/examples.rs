//! Shared by the end-to-end tests of the AWS examples (`examples_aws.rs`) and the latency
//! benchmark (`bench_aws_latency.rs`): a sandbox holding a copy of `examples/` and `modules/`, a
//! HOME with the SSH key the examples import, a stand-in `ansible-playbook`, and the
//! environment that points the real `terrane` binary at moto.

// Each test crate that includes this module uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use terrane_provider_aws::testing::Moto;

/// The SSH key every example's key pair imports (a public key: nothing secret).
const PUBLIC_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID9eiUcMVyMP58WAOxv8/GPf7vTWrJz4Q3XFI1tEVSMe terrane-examples-test\n";

/// A stand-in for `ansible-playbook` on PATH: records its working directory and arguments.
const FAKE_ANSIBLE: &str = "#!/bin/sh\necho \"$PWD $*\" >> \"$HOME/ansible.log\"\n";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creating a directory");
    for e in std::fs::read_dir(from).expect("reading an example directory") {
        let e = e.expect("reading an example directory");
        let name = e.file_name();
        if name == ".terrane" || name == "inventory" {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).expect("copying an example file");
        }
    }
}

/// A copy of `examples/` and `modules/` in a temporary directory, a HOME with the SSH key,
/// and the environment that points terrane at moto.
pub struct Sandbox {
    pub root: PathBuf,
    pub home: PathBuf,
    pub env: Vec<(String, String)>,
}

impl Sandbox {
    /// A sandbox whose terrane talks to `endpoint` (moto, or a proxy in front of it).
    pub fn new(moto: &Moto, endpoint: &str, name: &str) -> Sandbox {
        let root =
            std::env::temp_dir().join(format!("terrane-examples-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy_dir(&repo().join("examples"), &root.join("examples"));
        copy_dir(&repo().join("modules"), &root.join("modules"));
        let home = root.join("home");
        std::fs::create_dir_all(home.join(".ssh")).expect("creating HOME");
        std::fs::write(home.join(".ssh/id_ed25519.pub"), PUBLIC_KEY).expect("writing the key");
        let bin = root.join("bin");
        std::fs::create_dir_all(&bin).expect("creating bin");
        let ansible = bin.join("ansible-playbook");
        std::fs::write(&ansible, FAKE_ANSIBLE).expect("writing the fake ansible");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&ansible, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut env: Vec<(String, String)> = moto
            .env()
            .into_iter()
            .map(|(k, v)| match k {
                "AWS_ENDPOINT_URL" => (k.to_string(), endpoint.to_string()),
                _ => (k.to_string(), v),
            })
            .collect();
        env.push(("PATH".into(), path));
        env.push(("HOME".into(), home.display().to_string()));
        Sandbox { root, home, env }
    }

    pub fn example(&self, name: &str) -> PathBuf {
        self.root.join("examples").join(name)
    }

    pub fn run(&self, dir: &Path, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_terrane"));
        c.args(args)
            .arg("-no-color")
            .current_dir(dir)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_DEFAULT_REGION")
            .env_remove("AWS_SESSION_TOKEN");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        for (k, v) in extra {
            c.env(k, v);
        }
        c.output().expect("running terrane")
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The stacks of an example in the order to apply them: the example itself when it holds
/// configuration files, else its subdirectories in alphabetical order.
pub fn stacks(example: &Path) -> Vec<PathBuf> {
    let has_config = |d: &Path| {
        std::fs::read_dir(d).expect("reading an example").any(|e| {
            let p = e.expect("entry").path();
            matches!(p.extension().and_then(|x| x.to_str()), Some("tn" | "tf"))
        })
    };
    if has_config(example) {
        return vec![example.to_path_buf()];
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(example)
        .expect("reading an example")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir() && has_config(p))
        .collect();
    dirs.sort();
    dirs
}
