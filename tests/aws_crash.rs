//! Crash safety against AWS (moto): the real `terrane apply` (and sometimes `terrane destroy`)
//! of a few dozen taggable AWS resources in a dependency graph is killed with SIGKILL at random
//! moments, again and again (at least 30 kills), before the first create, among the creates and
//! while destroys run. After each kill the state database passes SQLite's integrity check,
//! every object moto holds is known to the state (by its id, or by the idempotency token of a
//! pending intent, which the next plan adopts), and no token is ever found on two objects (none
//! made twice). At the end an apply converges, a plan shows no changes and destroy leaves
//! nothing. The seed is printed; `TERRANE_CRASH_SEED` replays a run (as far as timing allows),
//! `TERRANE_CRASH_KILLS` asks for more kills.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use terrane_provider_aws::client::{endpoint, Client, Element, Idempotency, Params};
use terrane_provider_aws::testing::Moto;
use terrane_state::{Backend, SqliteBackend};

const KILLS: usize = 30;
const TOKEN_TAG: &str = "terrane:token";

const CONFIG: &str = r#"
variable "ami" {
  type = string
}

provider "aws" {
  default_tags {
    tags = {
      stack = "crash"
    }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, 2)
}

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
  tags = {
    Name = "crash"
  }
}

resource "aws_subnet" "s" {
  count             = 4
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = local.azs[count.index % 2]
  tags = {
    Name = "s${count.index}"
  }
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "s" {
  count          = 4
  subnet_id      = aws_subnet.s[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "sg" {
  count  = 4
  name   = "crash-${count.index}"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 80 + count.index
    to_port     = 80 + count.index
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_ebs_volume" "v" {
  count             = 8
  availability_zone = local.azs[count.index % 2]
  size              = 1 + count.index
  tags = {
    Name = "v${count.index}"
  }
}

resource "aws_instance" "i" {
  count                  = 3
  ami                    = var.ami
  instance_type          = "t2.micro"
  subnet_id              = aws_subnet.s[count.index].id
  vpc_security_group_ids = [aws_security_group.sg[count.index].id]
  tags = {
    Name = "i${count.index}"
  }
}

resource "aws_efs_file_system" "fs" {
  tags = {
    Name = "crash"
  }
}

resource "aws_efs_mount_target" "mt" {
  count          = 2
  file_system_id = aws_efs_file_system.fs.id
  subnet_id      = aws_subnet.s[count.index].id
}

resource "aws_eip" "e" {
  count      = 3
  domain     = "vpc"
  depends_on = [aws_internet_gateway.gw]
  tags = {
    Name = "e${count.index}"
  }
}
"#;

/// A small deterministic generator (xorshift), seeded from the clock and printed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct Work {
    dir: PathBuf,
    env: Vec<(&'static str, String)>,
    _tmp: tempfile::TempDir,
}

impl Work {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_terrane"));
        c.args(args)
            .arg("-no-color")
            .current_dir(&self.dir)
            .env("HOME", self.dir.join("home"))
            .env_remove("TF_WORKSPACE")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_DEFAULT_REGION")
            .env_remove("AWS_SESSION_TOKEN");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("running terrane")
    }

    /// Runs `args`, killing the process with SIGKILL `delay` after it started unless it ends
    /// first. Returns whether it was killed, how long it ran and its output (when not killed).
    fn killed(&self, args: &[&str], delay: Duration) -> (bool, Duration, String) {
        let out = self.dir.join("home/out.txt");
        let file = std::fs::File::create(&out).expect("output file");
        let err = file.try_clone().expect("output file");
        let started = Instant::now();
        let mut child = self
            .command(args)
            .stdout(Stdio::from(file))
            .stderr(Stdio::from(err))
            .spawn()
            .expect("spawn terrane");
        let mut killed = false;
        let status = loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                break status;
            }
            if started.elapsed() >= delay {
                // std's kill is SIGKILL on unix.
                let _ = child.kill();
                killed = true;
                break child.wait().expect("wait");
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let ran = started.elapsed();
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        if !killed {
            // The end of the output: the errors, not the plan.
            let tail: String = {
                let lines: Vec<&str> = text.lines().collect();
                lines[lines.len().saturating_sub(60)..].join("\n")
            };
            assert!(
                status.success(),
                "terrane {args:?} failed ({status:?}):\n{tail}"
            );
        }
        (killed, ran, text)
    }

    /// Releases the lock a killed run left, through the CLI, as a user would.
    fn force_unlock(&self) {
        let b = SqliteBackend::open(&self.dir).expect("open");
        let Some(held) = b.lock_info("default").expect("lock info") else {
            return;
        };
        drop(b);
        let o = self.run(&["force-unlock", "-force", &held.id]);
        assert!(o.status.success(), "force-unlock failed: {}", text(&o));
    }

    /// What the state knows after a kill: the ids of its objects (from `terrane state pull`)
    /// and the tokens of its pending intents. The database must pass its integrity check.
    fn known(&self) -> (BTreeSet<String>, BTreeSet<String>) {
        let b = SqliteBackend::open(&self.dir).expect("the state opens after a kill");
        let problems = b.integrity_check().expect("integrity check runs");
        assert!(problems.is_empty(), "integrity check failed: {problems:?}");
        let tokens = b
            .read("default")
            .expect("the state reads after a kill")
            .intents
            .into_iter()
            .map(|i| i.token)
            .collect();
        drop(b);
        let o = self.run(&["state", "pull"]);
        assert!(o.status.success(), "state pull failed: {}", text(&o));
        let doc: serde_json::Value = if o.stdout.iter().all(u8::is_ascii_whitespace) {
            serde_json::json!({})
        } else {
            serde_json::from_slice(&o.stdout).expect("state pull prints JSON")
        };
        let mut ids = BTreeSet::new();
        for r in doc["resources"].as_array().into_iter().flatten() {
            for i in r["instances"].as_array().into_iter().flatten() {
                if let Some(id) = i["attributes"]["id"].as_str() {
                    ids.insert(id.to_string());
                }
            }
        }
        (ids, tokens)
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// One object in moto: what it is, its id and its token tag.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Object {
    kind: &'static str,
    id: String,
    token: Option<String>,
}

fn token_of(e: &Element) -> Option<String> {
    e.items("tagSet")
        .iter()
        .find(|t| t.text_of("key") == Some(TOKEN_TAG))
        .and_then(|t| t.text_of("value"))
        .map(str::to_string)
}

/// Every object moto holds besides its default VPC's and those AWS makes by itself (a VPC's
/// main route table and default security group, an instance's root volume).
async fn objects(client: &Client) -> Vec<Object> {
    let mut out = Vec::new();
    let vpcs = client
        .ec2_pages("DescribeVpcs", &Params::new(), "vpcSet")
        .await
        .expect("DescribeVpcs");
    let default_vpcs: BTreeSet<String> = vpcs
        .iter()
        .filter(|v| v.bool_of("isDefault") == Some(true))
        .filter_map(|v| v.text_of("vpcId").map(str::to_string))
        .collect();
    let in_default = |e: &Element| e.text_of("vpcId").is_some_and(|v| default_vpcs.contains(v));
    let mut push = |kind: &'static str, e: &Element, id: &str| {
        out.push(Object {
            kind,
            id: e.text_of(id).unwrap_or("?").to_string(),
            token: token_of(e),
        })
    };
    for v in vpcs.iter().filter(|v| !in_default(v)) {
        push("vpc", v, "vpcId");
    }
    for s in client
        .ec2_pages("DescribeSubnets", &Params::new(), "subnetSet")
        .await
        .expect("DescribeSubnets")
        .iter()
        .filter(|s| !in_default(s))
    {
        push("subnet", s, "subnetId");
    }
    for g in client
        .ec2_pages(
            "DescribeSecurityGroups",
            &Params::new(),
            "securityGroupInfo",
        )
        .await
        .expect("DescribeSecurityGroups")
        .iter()
        .filter(|g| !in_default(g) && g.text_of("groupName") != Some("default"))
    {
        push("security group", g, "groupId");
    }
    for g in client
        .ec2_pages(
            "DescribeInternetGateways",
            &Params::new(),
            "internetGatewaySet",
        )
        .await
        .expect("DescribeInternetGateways")
        .iter()
        .filter(|g| !g.items("attachmentSet").iter().any(|a| in_default(a)))
    {
        push("internet gateway", g, "internetGatewayId");
    }
    for t in client
        .ec2_pages("DescribeRouteTables", &Params::new(), "routeTableSet")
        .await
        .expect("DescribeRouteTables")
        .iter()
        .filter(|t| {
            !in_default(t)
                && !t
                    .items("associationSet")
                    .iter()
                    .any(|a| a.bool_of("main") == Some(true))
        })
    {
        push("route table", t, "routeTableId");
    }
    for v in client
        .ec2_pages("DescribeVolumes", &Params::new(), "volumeSet")
        .await
        .expect("DescribeVolumes")
        .iter()
        // An instance's root volume carries no token: AWS made it with the instance.
        .filter(|v| token_of(v).is_some() || v.items("attachmentSet").is_empty())
    {
        push("volume", v, "volumeId");
    }
    let reservations = client
        .ec2_pages("DescribeInstances", &Params::new(), "reservationSet")
        .await
        .expect("DescribeInstances");
    for r in &reservations {
        for i in r.items("instancesSet") {
            let state = i.text_at(&["instanceState", "name"]).unwrap_or("");
            if state != "terminated" && state != "shutting-down" {
                push("instance", i, "instanceId");
            }
        }
    }
    for a in client
        .ec2_pages("DescribeAddresses", &Params::new(), "addressesSet")
        .await
        .expect("DescribeAddresses")
    {
        push("address", &a, "allocationId");
    }
    let fs = client
        .rest_json(
            &endpoint::EFS,
            "DescribeFileSystems",
            "GET",
            "/2015-02-01/file-systems",
            None,
            Idempotency::Safe,
        )
        .await
        .expect("DescribeFileSystems");
    for f in fs["FileSystems"].as_array().into_iter().flatten() {
        let token = f["Tags"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["Key"] == TOKEN_TAG)
            .and_then(|t| t["Value"].as_str())
            .map(str::to_string);
        let id = f["FileSystemId"].as_str().unwrap_or("?").to_string();
        let mts = client
            .rest_json(
                &endpoint::EFS,
                "DescribeMountTargets",
                "GET",
                &format!("/2015-02-01/mount-targets?FileSystemId={id}"),
                None,
                Idempotency::Safe,
            )
            .await
            .expect("DescribeMountTargets");
        for m in mts["MountTargets"].as_array().into_iter().flatten() {
            out.push(Object {
                kind: "mount target",
                id: m["MountTargetId"].as_str().unwrap_or("?").to_string(),
                token: None,
            });
        }
        out.push(Object {
            kind: "file system",
            id,
            token,
        });
    }
    out.sort();
    out
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(f)
}

/// Checks one moment: every object is known to the state (by id, or by a pending intent's
/// token: the next plan adopts it); an object without a token tag (one that cannot be tagged)
/// must be known by id unless its kind is in `adoptable` (a repeated create adopts it);
/// `seen` (token -> id, over the whole test) finds a token on two objects.
fn check(
    what: &str,
    objects: &[Object],
    ids: &BTreeSet<String>,
    tokens: &BTreeSet<String>,
    seen: &mut BTreeMap<String, String>,
) {
    for o in objects {
        if let Some(t) = &o.token {
            let first = seen.entry(t.clone()).or_insert_with(|| o.id.clone());
            assert_eq!(
                first, &o.id,
                "{what}: the token {t} is on two objects ({first} and {}): a create was repeated\n{objects:#?}",
                o.id
            );
        }
        let known = ids.contains(&o.id) || o.token.as_ref().is_some_and(|t| tokens.contains(t));
        let adoptable = o.kind == "mount target" && o.token.is_none();
        assert!(
            known || adoptable,
            "{what}: {} {} (token {:?}) is in AWS but the state does not know it\nstate ids: {ids:?}\nintents: {tokens:?}",
            o.kind,
            o.id,
            o.token
        );
    }
}

#[test]
fn sigkill_during_aws_applies_leaves_no_orphan_and_no_duplicate() {
    let seed = std::env::var("TERRANE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    eprintln!("aws crash test seed: {seed} (set TERRANE_CRASH_SEED to replay)");
    let mut rng = Rng(seed);
    let test_started = Instant::now();
    let moto = Moto::start_blocking();
    let client = moto.client();
    let ami = block_on(client.ec2("DescribeImages", &Params::new()))
        .expect("DescribeImages")
        .items("imagesSet")
        .iter()
        .find_map(|i| i.text_of("imageId"))
        .expect("an AMI")
        .to_string();
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().to_path_buf();
    std::fs::create_dir_all(dir.join("home")).expect("home");
    std::fs::write(dir.join("main.tf"), CONFIG).expect("main.tf");
    std::fs::write(dir.join("terraform.tfvars"), format!("ami = \"{ami}\"\n")).expect("tfvars");
    let w = Work {
        dir,
        env: moto.env(),
        _tmp: tmp,
    };
    let mut seen = BTreeMap::new();

    // How long a whole apply and a whole destroy take here: kills are spread over those spans.
    let apply = ["apply", "-auto-approve"];
    let destroy = ["destroy", "-auto-approve"];
    let (_, apply_span, out) = w.killed(&apply, Duration::from_secs(600));
    let all = block_on(objects(&client));
    let (ids, tokens) = w.known();
    check("after the first apply", &all, &ids, &tokens, &mut seen);
    let full = all.len();
    assert!(full >= 20, "{out}\n{all:#?}");
    let (_, destroy_span, _) = w.killed(&destroy, Duration::from_secs(600));
    assert_eq!(block_on(objects(&client)), Vec::new());
    eprintln!(
        "{full} objects; a whole apply takes {apply_span:?}, a whole destroy {destroy_span:?}"
    );

    let mut kills = 0;
    let mut destroy_kills = 0;
    let mut round = 0;
    let want: usize = std::env::var("TERRANE_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(KILLS);
    while kills < want {
        round += 1;
        let destroying = rng.below(4) == 0;
        let (args, span) = if destroying {
            (&destroy, destroy_span)
        } else {
            (&apply, apply_span)
        };
        // A little past the span: some runs finish, and must have succeeded.
        let delay = Duration::from_millis(rng.below(span.as_millis() as u64 * 11 / 10 + 1));
        let (killed, _, _) = w.killed(args, delay);
        if killed {
            kills += 1;
            if destroying {
                destroy_kills += 1;
            }
            w.force_unlock();
        }
        let what = format!(
            "round {round} ({} killed after {delay:?}: {killed})",
            args[0]
        );
        let (ids, tokens) = w.known();
        check(&what, &block_on(objects(&client)), &ids, &tokens, &mut seen);
    }
    eprintln!(
        "{kills} kills ({destroy_kills} during destroys) in {round} rounds, {:?} so far",
        test_started.elapsed()
    );

    // It converges: everything exists once, is known by id, and a plan shows no changes.
    let (killed, _, out) = w.killed(&apply, Duration::from_secs(600));
    assert!(!killed);
    let all = block_on(objects(&client));
    let (ids, _) = w.known();
    let what = format!("after the final apply:\n{out}\n");
    check(&what, &all, &ids, &BTreeSet::new(), &mut seen);
    assert_eq!(all.len(), full, "{all:#?}");
    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a plan after the converging apply shows changes:\n{}",
        text(&o)
    );
    let (killed, _, _) = w.killed(&destroy, Duration::from_secs(600));
    assert!(!killed);
    assert_eq!(block_on(objects(&client)), Vec::new());
    eprintln!("the whole test took {:?}", test_started.elapsed());
}
