//! Credentials and region from the standard chain, in the Terraform AWS provider's order:
//! the provider block's `access_key`/`secret_key`, its `profile`, the environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), then the shared files
//! (`~/.aws/credentials`, `~/.aws/config`) for `AWS_PROFILE` or `default`. The region comes
//! from the provider block, `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// An access key (and the session token of temporary credentials).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// Where they came from, for messages ("environment", "profile dev").
    pub source: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// What the provider block says about credentials and region (each optional).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub shared_credentials_files: Vec<PathBuf>,
    pub shared_config_files: Vec<PathBuf>,
}

/// Where the chain reads from: environment variables and the home directory (a seam for tests).
pub trait Environment {
    fn var(&self, name: &str) -> Option<String>;
    fn home(&self) -> Option<PathBuf>;
    fn read_file(&self, path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }
}

/// The process's environment.
pub struct ProcessEnv;

impl Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
    fn home(&self) -> Option<PathBuf> {
        self.var("HOME").map(PathBuf::from)
    }
}

/// Why no credentials or region could be found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("No valid credential sources found: set access_key and secret_key in the provider block, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in the shared credentials file ({0})")]
    NoCredentials(String),
    #[error("The profile {0:?} was not found in the shared credentials or config files")]
    NoProfile(String),
    #[error("Both access_key and secret_key must be set ({0} is missing)")]
    HalfKey(&'static str),
    #[error("The region must be set: the provider block's region, AWS_REGION or AWS_DEFAULT_REGION, or region in the profile's config")]
    NoRegion,
}

/// The sections of an INI-style AWS file: `[name]` or `[profile name]` to `key = value`.
pub fn parse_ini(text: &str, config_file: bool) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest.trim_end_matches(']').trim();
            let name = if config_file {
                match name.strip_prefix("profile ") {
                    Some(n) => n.trim(),
                    None if name == "default" => name,
                    // Other sections of the config file (sso-session, services) are not profiles.
                    None => {
                        current = None;
                        continue;
                    }
                }
            } else {
                name
            };
            current = Some(name.to_string());
            out.entry(name.to_string()).or_default();
            continue;
        }
        let (Some(section), Some((k, v))) = (&current, line.split_once('=')) else {
            continue;
        };
        if let Some(s) = out.get_mut(section) {
            s.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    out
}

/// The profiles of the shared credentials and config files, the credentials file's keys
/// winning.
fn profile(
    env: &dyn Environment,
    settings: &Settings,
    name: &str,
) -> Option<BTreeMap<String, String>> {
    let home = env.home().unwrap_or_default();
    let creds_files = if settings.shared_credentials_files.is_empty() {
        vec![env
            .var("AWS_SHARED_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".aws/credentials"))]
    } else {
        settings.shared_credentials_files.clone()
    };
    let config_files = if settings.shared_config_files.is_empty() {
        vec![env
            .var("AWS_CONFIG_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".aws/config"))]
    } else {
        settings.shared_config_files.clone()
    };
    let mut found: Option<BTreeMap<String, String>> = None;
    for (files, is_config) in [(&config_files, true), (&creds_files, false)] {
        for f in files {
            let Some(text) = env.read_file(&expand_home(f, &home)) else {
                continue;
            };
            if let Some(section) = parse_ini(&text, is_config).remove(name) {
                found.get_or_insert_with(BTreeMap::new).extend(section);
            }
        }
    }
    found
}

fn expand_home(p: &Path, home: &Path) -> PathBuf {
    match p.to_str().and_then(|s| s.strip_prefix("~/")) {
        Some(rest) => home.join(rest),
        None => p.to_path_buf(),
    }
}

fn from_profile(
    section: &BTreeMap<String, String>,
    name: &str,
) -> Result<Option<Credentials>, ChainError> {
    match (
        section.get("aws_access_key_id"),
        section.get("aws_secret_access_key"),
    ) {
        (Some(a), Some(s)) => Ok(Some(Credentials {
            access_key_id: a.clone(),
            secret_access_key: s.clone(),
            session_token: section.get("aws_session_token").cloned(),
            source: format!("profile {name}"),
        })),
        (Some(_), None) => Err(ChainError::HalfKey("aws_secret_access_key")),
        _ => Ok(None),
    }
}

/// Resolves credentials and region.
pub fn resolve(
    settings: &Settings,
    env: &dyn Environment,
) -> Result<(Credentials, String), ChainError> {
    let profile_name = settings
        .profile
        .clone()
        .or_else(|| env.var("AWS_PROFILE"))
        .unwrap_or_else(|| "default".to_string());
    let section = profile(env, settings, &profile_name);
    if settings.profile.is_some() && section.is_none() {
        return Err(ChainError::NoProfile(profile_name));
    }
    let creds = match (&settings.access_key, &settings.secret_key) {
        (Some(a), Some(s)) => Credentials {
            access_key_id: a.clone(),
            secret_access_key: s.clone(),
            session_token: settings.token.clone(),
            source: "provider configuration".into(),
        },
        (Some(_), None) => return Err(ChainError::HalfKey("secret_key")),
        (None, Some(_)) => return Err(ChainError::HalfKey("access_key")),
        (None, None) => {
            let from_block_profile = match (&settings.profile, &section) {
                (Some(_), Some(s)) => from_profile(s, &profile_name)?,
                _ => None,
            };
            let from_env = || match (
                env.var("AWS_ACCESS_KEY_ID"),
                env.var("AWS_SECRET_ACCESS_KEY"),
            ) {
                (Some(a), Some(s)) => Ok(Some(Credentials {
                    access_key_id: a,
                    secret_access_key: s,
                    session_token: env.var("AWS_SESSION_TOKEN"),
                    source: "environment".into(),
                })),
                (Some(_), None) => Err(ChainError::HalfKey("AWS_SECRET_ACCESS_KEY")),
                _ => Ok(None),
            };
            match from_block_profile {
                Some(c) => c,
                None => match from_env()? {
                    Some(c) => c,
                    None => match &section {
                        Some(s) => from_profile(s, &profile_name)?.ok_or_else(|| {
                            ChainError::NoCredentials(format!(
                                "profile {profile_name:?} has no aws_access_key_id"
                            ))
                        })?,
                        None => {
                            if env.var("AWS_PROFILE").is_some() {
                                return Err(ChainError::NoProfile(profile_name));
                            }
                            return Err(ChainError::NoCredentials("none of them is set".into()));
                        }
                    },
                },
            }
        }
    };
    let region = settings
        .region
        .clone()
        .or_else(|| env.var("AWS_REGION"))
        .or_else(|| env.var("AWS_DEFAULT_REGION"))
        .or_else(|| section.as_ref().and_then(|s| s.get("region").cloned()))
        .ok_or(ChainError::NoRegion)?;
    Ok((creds, region))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FakeEnv {
        vars: BTreeMap<&'static str, &'static str>,
        files: BTreeMap<PathBuf, &'static str>,
    }

    impl Environment for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.vars.get(name).map(|s| s.to_string())
        }
        fn home(&self) -> Option<PathBuf> {
            Some(PathBuf::from("/home/u"))
        }
        fn read_file(&self, path: &Path) -> Option<String> {
            self.files.get(path).map(|s| s.to_string())
        }
    }

    const CREDS: &str = "[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = sdefault\n\n# comment\n[dev]\naws_access_key_id=AKDEV\naws_secret_access_key=sdev\naws_session_token = tdev\n";
    const CONFIG: &str = "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-west-2\n[sso-session x]\nregion = nowhere\n";

    fn env(vars: &[(&'static str, &'static str)]) -> FakeEnv {
        FakeEnv {
            vars: vars.iter().cloned().collect(),
            files: [
                (PathBuf::from("/home/u/.aws/credentials"), CREDS),
                (PathBuf::from("/home/u/.aws/config"), CONFIG),
            ]
            .into(),
        }
    }

    #[test]
    fn provider_block_keys_come_first() {
        let s = Settings {
            access_key: Some("AKBLOCK".into()),
            secret_key: Some("sblock".into()),
            region: Some("ap-south-1".into()),
            ..Settings::default()
        };
        let e = env(&[
            ("AWS_ACCESS_KEY_ID", "AKENV"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ]);
        let (c, r) = resolve(&s, &e).unwrap();
        assert_eq!(c.access_key_id, "AKBLOCK");
        assert_eq!(r, "ap-south-1");
    }

    #[test]
    fn environment_before_default_profile() {
        let e = env(&[
            ("AWS_ACCESS_KEY_ID", "AKENV"),
            ("AWS_SECRET_ACCESS_KEY", "senv"),
            ("AWS_SESSION_TOKEN", "tenv"),
            ("AWS_DEFAULT_REGION", "us-east-2"),
        ]);
        let (c, r) = resolve(&Settings::default(), &e).unwrap();
        assert_eq!(c.access_key_id, "AKENV");
        assert_eq!(c.session_token.as_deref(), Some("tenv"));
        assert_eq!(r, "us-east-2");
        let e = env(&[
            ("AWS_ACCESS_KEY_ID", "AKENV"),
            ("AWS_SECRET_ACCESS_KEY", "senv"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_DEFAULT_REGION", "us-east-2"),
        ]);
        assert_eq!(resolve(&Settings::default(), &e).unwrap().1, "us-east-1");
    }

    #[test]
    fn profiles_from_shared_files() {
        let (c, r) = resolve(&Settings::default(), &env(&[])).unwrap();
        assert_eq!(
            (c.access_key_id.as_str(), r.as_str()),
            ("AKDEFAULT", "eu-west-1")
        );
        let (c, r) = resolve(&Settings::default(), &env(&[("AWS_PROFILE", "dev")])).unwrap();
        assert_eq!(c.access_key_id, "AKDEV");
        assert_eq!(c.session_token.as_deref(), Some("tdev"));
        assert_eq!(r, "us-west-2");
        // The provider block's profile wins over environment keys.
        let s = Settings {
            profile: Some("dev".into()),
            ..Settings::default()
        };
        let e = env(&[
            ("AWS_ACCESS_KEY_ID", "AKENV"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ]);
        assert_eq!(resolve(&s, &e).unwrap().0.access_key_id, "AKDEV");
    }

    #[test]
    fn clear_errors() {
        let s = Settings {
            profile: Some("nope".into()),
            ..Settings::default()
        };
        assert_eq!(
            resolve(&s, &env(&[])),
            Err(ChainError::NoProfile("nope".into()))
        );
        let empty = FakeEnv {
            vars: BTreeMap::new(),
            files: BTreeMap::new(),
        };
        assert!(matches!(
            resolve(&Settings::default(), &empty),
            Err(ChainError::NoCredentials(_))
        ));
        let e = FakeEnv {
            vars: [("AWS_ACCESS_KEY_ID", "a"), ("AWS_SECRET_ACCESS_KEY", "b")].into(),
            files: BTreeMap::new(),
        };
        assert_eq!(resolve(&Settings::default(), &e), Err(ChainError::NoRegion));
        let s = Settings {
            access_key: Some("a".into()),
            ..Settings::default()
        };
        assert_eq!(resolve(&s, &e), Err(ChainError::HalfKey("secret_key")));
    }

    #[test]
    fn config_sections_that_are_not_profiles_are_skipped() {
        let p = parse_ini(CONFIG, true);
        assert_eq!(p.keys().collect::<Vec<_>>(), ["default", "dev"]);
    }
}
