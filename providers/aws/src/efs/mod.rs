//! EFS resource types (one file each) and what they share: EFS's REST-JSON calls, the
//! describe calls of file systems and mount targets, EFS's tag lists and the waiters for a
//! `LifeCycleState`.

pub mod file_system;
pub mod mount_target;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};
use terrane_provider::ProviderError;

use crate::client::protocol::encode;
use crate::client::{endpoint, AwsError, Idempotency};
use crate::common::{Aws, ResourceType};
use crate::tags::TOKEN_TAG;

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(file_system::FileSystem),
        Box::new(mount_target::MountTarget),
    ]
}

/// The API version prefix of every EFS path.
const BASE: &str = "/2015-02-01";

/// One EFS call: `method` on `path` (under [`BASE`]), an optional JSON body.
pub async fn call(
    aws: &Aws,
    action: &str,
    method: &'static str,
    path: &str,
    body: Option<&Json>,
    idempotency: Idempotency,
) -> Result<Json, AwsError> {
    aws.client
        .rest_json(
            &endpoint::EFS,
            action,
            method,
            &format!("{BASE}{path}"),
            body,
            idempotency,
        )
        .await
}

/// One EFS read; `None` when the object does not exist.
pub async fn get(aws: &Aws, action: &str, path: &str) -> Result<Option<Json>, AwsError> {
    match call(aws, action, "GET", path, None, Idempotency::Safe).await {
        Ok(r) => Ok(Some(r)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The file system `id` as DescribeFileSystems shows it; `None` when it does not exist (or
/// is `deleted`).
pub async fn describe_file_system(aws: &Aws, id: &str) -> Result<Option<Json>, AwsError> {
    let path = format!("/file-systems?FileSystemId={}", encode(id));
    Ok(get(aws, "DescribeFileSystems", &path)
        .await?
        .and_then(|r| first(&r, "FileSystems"))
        .filter(|f| f["LifeCycleState"] != "deleted"))
}

/// The file system made with `creation_token`, if any.
pub async fn file_system_by_creation_token(
    aws: &Aws,
    creation_token: &str,
) -> Result<Option<Json>, AwsError> {
    let path = format!("/file-systems?CreationToken={}", encode(creation_token));
    Ok(get(aws, "DescribeFileSystems", &path)
        .await?
        .and_then(|r| first(&r, "FileSystems"))
        .filter(|f| f["LifeCycleState"] != "deleted"))
}

/// Every file system of the region (following `NextMarker`; at most 1000 pages).
pub async fn all_file_systems(aws: &Aws) -> Result<Vec<Json>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        let path = match &marker {
            Some(m) => format!("/file-systems?Marker={}", encode(m)),
            None => "/file-systems".to_string(),
        };
        let r = call(
            aws,
            "DescribeFileSystems",
            "GET",
            &path,
            None,
            Idempotency::Safe,
        )
        .await?;
        out.extend(r["FileSystems"].as_array().into_iter().flatten().cloned());
        match r["NextMarker"].as_str() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

/// The mount target `id`; `None` when it does not exist (or is `deleted`).
pub async fn describe_mount_target(aws: &Aws, id: &str) -> Result<Option<Json>, AwsError> {
    let path = format!("/mount-targets?MountTargetId={}", encode(id));
    Ok(get(aws, "DescribeMountTargets", &path)
        .await?
        .and_then(|r| first(&r, "MountTargets"))
        .filter(|m| m["LifeCycleState"] != "deleted"))
}

/// The mount targets of file system `fs` (following `NextMarker`); empty when it is gone.
pub async fn mount_targets_of(aws: &Aws, fs: &str) -> Result<Vec<Json>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        let mut path = format!("/mount-targets?FileSystemId={}", encode(fs));
        if let Some(m) = &marker {
            path.push_str(&format!("&Marker={}", encode(m)));
        }
        let Some(r) = get(aws, "DescribeMountTargets", &path).await? else {
            return Ok(Vec::new());
        };
        out.extend(
            r["MountTargets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|m| m["LifeCycleState"] != "deleted")
                .cloned(),
        );
        match r["NextMarker"].as_str() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

fn first(r: &Json, list: &str) -> Option<Json> {
    r[list].as_array().and_then(|a| a.first()).cloned()
}

/// A tag map as EFS's `Tags` list.
pub fn tag_list(tags: &BTreeMap<String, String>) -> Json {
    Json::Array(
        tags.iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

/// EFS's `Tags` list as a map (the token tag included).
pub fn tag_map(tags: &Json) -> BTreeMap<String, String> {
    tags.as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t["Key"].as_str()?.to_string(),
                t["Value"].as_str().unwrap_or("").to_string(),
            ))
        })
        .collect()
}

/// The tags a user sees: without the token tag, `aws:` tags and the ignored ones.
pub fn user_tags(aws: &Aws, tags: &Json) -> BTreeMap<String, String> {
    tag_map(tags)
        .into_iter()
        .filter(|(k, _)| k != TOKEN_TAG && !k.starts_with("aws:") && !aws.ignored(k))
        .collect()
}

/// Makes the tags of the EFS object `id` go from `old` to `new` (TagResource, UntagResource).
pub async fn update_tags(
    aws: &Aws,
    id: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let removed: Vec<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    if !removed.is_empty() {
        let query: Vec<String> = removed
            .iter()
            .map(|k| format!("tagKeys={}", encode(k)))
            .collect();
        let path = format!("/resource-tags/{}?{}", encode(id), query.join("&"));
        call(
            aws,
            "UntagResource",
            "DELETE",
            &path,
            None,
            Idempotency::Safe,
        )
        .await?;
    }
    let changed: BTreeMap<String, String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !changed.is_empty() {
        let body = json!({ "Tags": tag_list(&changed) });
        let path = format!("/resource-tags/{}", encode(id));
        call(
            aws,
            "TagResource",
            "POST",
            &path,
            Some(&body),
            Idempotency::Safe,
        )
        .await?;
    }
    Ok(())
}

/// Waits until `look` finds the object in `LifeCycleState` `want` (`None`: gone), for at most
/// `limit`. `what` names the object in errors ("EFS File System (fs-1)").
pub async fn wait_state<F, Fut>(
    what: &str,
    want: Option<&str>,
    limit: Duration,
    mut look: F,
) -> Result<(), ProviderError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<Json>, AwsError>>,
{
    let start = Instant::now();
    let mut pause = Duration::from_millis(200);
    loop {
        let found = look()
            .await
            .map_err(|e| e.into_provider_error(&format!("reading {what}")))?;
        let state = found
            .as_ref()
            .and_then(|f| f["LifeCycleState"].as_str().map(str::to_string));
        if state.as_deref() == want {
            return Ok(());
        }
        if state.as_deref() == Some("error") {
            return Err(ProviderError::new(
                format!("{what} failed"),
                format!("{what} is in the \"error\" state, waiting for {want:?}."),
            ));
        }
        if start.elapsed() >= limit {
            return Err(ProviderError::new(
                format!("Timeout waiting for {what}"),
                format!("{what} is {state:?} after {limit:?}, waiting for {want:?}."),
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(10));
    }
}

#[cfg(test)]
mod efs_tests;
