//! Test support: a moto server on a free loopback port, made to verify SigV4 after its first
//! calls (an IAM user, its access key and an allow-all policy), and killed on drop.
//!
//! moto is found at `$MOTO_SERVER`, else `.venv/bin/moto_server` at the workspace root
//! (`scripts/install-test-deps` installs it there), else on `PATH`. A test that cannot start
//! it fails: it never skips.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use terrane_dsl::value::Value;
use terrane_provider::harness::Harness;

use crate::client::{endpoint, Client, Credentials, Endpoints, Idempotency, Params, RetryPolicy};

/// The calls moto accepts unsigned before it checks every signature: the four of
/// [`Moto::start`]'s bootstrap.
pub const NO_AUTH_CALLS: u32 = 4;

/// The region the tests use.
pub const REGION: &str = "us-east-1";

/// A running moto server and credentials it accepts.
pub struct Moto {
    child: Child,
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto_binary() -> PathBuf {
    if let Ok(p) = std::env::var("MOTO_SERVER") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/moto_server");
    if venv.exists() {
        return venv;
    }
    PathBuf::from("moto_server")
}

/// moto's server as it ships spends a third of its CPU, in the one Python thread that serves
/// every request, on work a test never needs: a line of request log (which the tests
/// discard), a scan of moto's package directory to route each request, a reflection over the
/// handling class to find the action's method, and Flask's debug mode (which makes a new
/// class for each request's form data). With the Python interpreter beside `moto_server` (a
/// virtualenv's `bin/`), moto is started through this program, which turns the log and debug
/// mode off and does the scan and the reflection once. What moto answers is unchanged.
const MOTO_LAUNCHER: &str = "\
import functools, logging, sys
import moto.backends, moto.core.responses
import moto.moto_server.werkzeug_app as apps
modules = frozenset(moto.backends.list_of_moto_modules())
moto.backends.list_of_moto_modules = lambda: modules
moto.core.responses.method_names_from_class = functools.lru_cache(maxsize=None)(
    moto.core.responses.method_names_from_class)
make_app = apps.create_backend_app
def create_backend_app(service):
    app = make_app(service)
    app.debug = False
    return app
apps.create_backend_app = create_backend_app
logging.getLogger('werkzeug').setLevel(logging.ERROR)
from moto.server import main
main(sys.argv[1:])
";

/// The command that runs moto's server at `bin`: through [`MOTO_LAUNCHER`] when a Python
/// interpreter sits beside it, else `bin` itself.
fn moto_command(bin: &std::path::Path) -> Command {
    let python = bin.with_file_name("python");
    if python.exists() {
        let mut c = Command::new(python);
        c.args(["-c", MOTO_LAUNCHER]);
        c
    } else {
        Command::new(bin)
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

impl Moto {
    /// Starts moto, waits until it answers, creates the IAM user, key and policy the tests
    /// sign with. Panics (failing the test) when any of it goes wrong.
    pub async fn start() -> Moto {
        let bin = moto_binary();
        let mut last_err = String::new();
        for _ in 0..3 {
            let port = free_port();
            let child = moto_command(&bin)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("INITIAL_NO_AUTH_ACTION_COUNT", NO_AUTH_CALLS.to_string())
                .env("MOTO_ALLOW_NONEXISTENT_REGION", "false")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            let mut child = match child {
                Ok(c) => c,
                Err(e) => panic!(
                    "cannot start moto server ({}): {e}; run scripts/install-test-deps",
                    bin.display()
                ),
            };
            let start = Instant::now();
            let addr = format!("127.0.0.1:{port}");
            let mut up = false;
            while start.elapsed() < Duration::from_secs(60) {
                if let Ok(Some(status)) = child.try_wait() {
                    last_err = format!("moto server exited with {status}");
                    break;
                }
                if TcpStream::connect(&addr).is_ok() {
                    up = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            if !up {
                let _ = child.kill();
                let _ = child.wait();
                continue;
            }
            let mut moto = Moto {
                child,
                endpoint: format!("http://{addr}"),
                access_key: String::new(),
                secret_key: String::new(),
            };
            moto.bootstrap().await;
            return moto;
        }
        panic!("moto server ({}) did not start: {last_err}", bin.display());
    }

    /// A blocking [`Moto::start`], for tests without a runtime.
    pub fn start_blocking() -> Moto {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime")
            .block_on(Moto::start())
    }

    /// A client for this server signing with `access_key`/`secret_key`.
    pub fn client_with(&self, access_key: &str, secret_key: &str) -> Client {
        let creds = Credentials {
            access_key_id: access_key.to_string(),
            secret_access_key: secret_key.to_string(),
            session_token: None,
            source: "test".into(),
        };
        let endpoints = Endpoints {
            env_global: Some(self.endpoint.clone()),
            ..Endpoints::default()
        };
        let retry = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        Client::new(creds, REGION.to_string(), endpoints, retry).expect("HTTP client")
    }

    /// The moto server's process id (benchmarks read its CPU time from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A client with the credentials moto accepts.
    pub fn client(&self) -> Client {
        self.client_with(&self.access_key, &self.secret_key)
    }

    async fn bootstrap(&mut self) {
        let c = self.client_with("AKIDBOOTSTRAP", "bootstrap");
        let iam = |action: &'static str, p: Params| {
            let c = c.clone();
            async move {
                c.query(&endpoint::IAM, action, &p, Idempotency::Safe)
                    .await
                    .unwrap_or_else(|e| panic!("moto bootstrap {action}: {e}"))
            }
        };
        iam("CreateUser", Params::new().set("UserName", "terrane-test")).await;
        let key = iam(
            "CreateAccessKey",
            Params::new().set("UserName", "terrane-test"),
        )
        .await;
        self.access_key = key
            .text_at(&["AccessKey", "AccessKeyId"])
            .expect("access key id")
            .to_string();
        self.secret_key = key
            .text_at(&["AccessKey", "SecretAccessKey"])
            .expect("secret access key")
            .to_string();
        let policy = iam(
            "CreatePolicy",
            Params::new().set("PolicyName", "allow-all").set(
                "PolicyDocument",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            ),
        )
        .await;
        let arn = policy
            .text_at(&["Policy", "Arn"])
            .expect("policy arn")
            .to_string();
        iam(
            "AttachUserPolicy",
            Params::new()
                .set("UserName", "terrane-test")
                .set("PolicyArn", arn),
        )
        .await;
    }

    /// The environment that points the provider (and the `terrane` binary) at this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", self.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_key.clone()),
            ("AWS_REGION", REGION.to_string()),
        ]
    }
}

impl Moto {
    /// An `aws` provider configured for this server through its provider block (keys, region
    /// and an `endpoints {}` block), with these `default_tags`.
    pub async fn provider(
        &self,
        default_tags: &[(&str, &str)],
    ) -> std::sync::Arc<crate::provider::AwsProvider> {
        use terrane_provider::values::{object_for, string_map};
        use terrane_provider::Provider;
        let p = crate::provider::AwsProvider::new(std::sync::Arc::new(
            terrane_provider::BasicHost::new(std::env::temp_dir()),
        ));
        let schema = p.schema().provider.clone();
        let ep_block = &schema.blocks["endpoints"].block;
        // Every service the client knows goes to moto.
        let ep = object_for(
            ep_block,
            endpoint::ALL
                .iter()
                .filter(|s| ep_block.attributes.contains_key(s.key))
                .map(|s| (s.key, Value::string(&self.endpoint))),
        );
        let dt_block = &schema.blocks["default_tags"].block;
        let dt = object_for(
            dt_block,
            [(
                "tags",
                string_map(
                    default_tags
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
            )],
        );
        let list = |v: Value| Value::list(v.ty().clone(), vec![v]).expect("one block");
        let config = object_for(
            &schema,
            [
                ("access_key", Value::string(&self.access_key)),
                ("secret_key", Value::string(&self.secret_key)),
                ("region", Value::string(REGION)),
                ("endpoints", list(ep)),
                ("default_tags", list(dt)),
            ],
        );
        p.configure(config).await.expect("configure");
        std::sync::Arc::new(p)
    }
}

/// What a resource test starts with: moto, and the `aws` provider configured for it.
pub struct Kit {
    pub moto: Moto,
    pub p: std::sync::Arc<crate::provider::AwsProvider>,
}

impl Kit {
    /// Starts moto and configures a provider for it with these `default_tags`.
    pub async fn start(default_tags: &[(&str, &str)]) -> Kit {
        let moto = Moto::start().await;
        let p = moto.provider(default_tags).await;
        Kit { moto, p }
    }

    /// The provider as the engine holds it.
    pub fn provider(&self) -> std::sync::Arc<dyn terrane_provider::Provider> {
        self.p.clone()
    }

    /// A harness for the resource type `ty`.
    pub fn h(&self, ty: &str) -> Harness {
        Harness::new(self.provider(), ty)
    }
}

/// A one-entry string map (a `tags` value).
pub fn tags(k: &str, v: &str) -> Value {
    terrane_provider::values::string_map([(k.to_string(), v.to_string())].into())
}

/// A set of strings.
pub fn strings(items: &[&str]) -> Value {
    crate::common::string_set(items.iter().map(|s| s.to_string()))
}

/// An AMI moto knows.
pub async fn some_ami(moto: &Moto) -> String {
    let r = moto
        .client()
        .ec2("DescribeImages", &Params::new())
        .await
        .unwrap();
    r.items("imagesSet")
        .iter()
        .find_map(|i| i.text_of("imageId"))
        .unwrap()
        .to_string()
}

/// A query-protocol call that must succeed.
pub async fn query(
    c: &Client,
    service: &endpoint::Service,
    action: &str,
    p: Params,
) -> crate::client::Element {
    c.query(service, action, &p, Idempotency::Safe)
        .await
        .unwrap_or_else(|e| panic!("{action}: {e}"))
}

/// Plans and applies `config` from nothing.
pub async fn create(h: &Harness, config: &Value) -> Value {
    let plan = h.plan(None, config).await.unwrap();
    h.apply(None, &plan.planned_state, config).await.unwrap()
}

/// Refreshes `state`: no drift, and planning `config` again changes nothing. The refreshed
/// state.
pub async fn no_drift(h: &Harness, state: &Value, config: &Value) -> Value {
    let read = h.read(state).await.unwrap().expect("exists");
    assert!(read.raw_equals(state), "{read:?}\n{state:?}");
    let again = h.plan(Some(&read), config).await.unwrap();
    assert!(
        again.requires_replace.is_empty(),
        "{:?}",
        again.requires_replace
    );
    assert!(
        again.planned_state.raw_equals(&read),
        "{:?}\n{read:?}",
        again.planned_state
    );
    read
}

/// Plans `config` over `state`, checks it changes in place, applies it, and checks the result
/// refreshes with no drift.
pub async fn update(h: &Harness, state: &Value, config: &Value) -> Value {
    let plan = h.plan(Some(state), config).await.unwrap();
    assert!(
        plan.requires_replace.is_empty(),
        "{:?}",
        plan.requires_replace
    );
    let new = h
        .apply(Some(state), &plan.planned_state, config)
        .await
        .unwrap();
    no_drift(h, &new, config).await;
    new
}

/// The number of attributes that make planning `config` over `state` a replacement.
pub async fn replaces(h: &Harness, state: &Value, config: &Value) -> usize {
    h.plan(Some(state), config)
        .await
        .unwrap()
        .requires_replace
        .len()
}

/// `find_by_token` finds the object `id` by the harness's token, and nothing by another.
pub async fn adopts(p: &dyn terrane_provider::Provider, ty: &str, id: &str) {
    let found = p
        .find_by_token(ty, "harness-token")
        .await
        .unwrap()
        .expect("adopted by token");
    assert_eq!(
        terrane_provider::values::get_str(&found, "id"),
        Some(id),
        "{ty}"
    );
    assert!(
        p.find_by_token(ty, "other").await.unwrap().is_none(),
        "{ty}"
    );
}

/// Destroys `state` and checks it is gone.
pub async fn gone(h: &Harness, state: &Value) {
    h.destroy(state).await.unwrap();
    assert!(h.read(state).await.unwrap().is_none(), "still there");
}

/// Plans `config` over `prior` as the engine does: the provider's plan, without the harness's
/// strict AssertPlanValid check (which Terraform relaxes for its legacy-SDK AWS provider, e.g.
/// a policy planned as its equivalent prior text).
pub async fn plan_as_engine(
    p: &dyn terrane_provider::Provider,
    ty: &str,
    prior: &Value,
    config: &Value,
) -> terrane_provider::PlanResponse {
    let block = &p.schema().resources[ty].block;
    p.plan_resource(terrane_provider::PlanRequest {
        type_name: ty.to_string(),
        prior_state: Some(prior.clone()),
        proposed_new_state: terrane_provider::objchange::proposed_new(block, Some(prior), config),
        config: config.clone(),
        prior_private: None,
    })
    .await
    .unwrap()
}
