//! Tests of the `external` data source with small shell scripts.

use std::sync::Arc;

use super::*;
use crate::testing::{s, Driver, TestHost};
use terrane_provider::values::string_list;

fn script(host: &TestHost, name: &str, body: &str) {
    let path = host.working_dir().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn setup() -> (Arc<TestHost>, Driver) {
    let host = TestHost::new();
    std::fs::create_dir(host.working_dir().join("sub")).unwrap();
    script(
        &host,
        "echo.sh",
        "cat > query.json; printf '{\"pwd\": \"%s\", \"arg\": \"%s\"}' \"$(basename \"$PWD\")\" \"$1\"",
    );
    script(&host, "fail.sh", "echo 'something broke' >&2; exit 3");
    script(&host, "bad.sh", "echo '{\"n\": 1}'");
    let d = Driver::new(Arc::new(provider(host.clone())), "external");
    (host, d)
}

fn program(items: &[&str]) -> Value {
    string_list(items.iter().map(|s| s.to_string()))
}

#[tokio::test]
async fn query_in_result_out() {
    let (host, d) = setup();
    let cfg = d.data_config(vec![
        ("program", program(&["./echo.sh", "x1"])),
        (
            "query",
            string_map([("name".to_string(), "web".to_string())].into()),
        ),
        ("working_dir", Value::string("sub")),
    ]);
    let got = d.read_data(cfg).await.unwrap();
    let result = got.get_attr("result").unwrap().entries().unwrap().clone();
    let query = std::fs::read_to_string(host.working_dir().join("sub/query.json")).unwrap();
    assert_eq!(query, "{\"name\":\"web\"}");
    assert_eq!(result["pwd"], Value::string("sub"));
    assert_eq!(result["arg"], Value::string("x1"));
    assert_eq!(s(&got, "id"), "-");
    // A program found on PATH.
    let cfg = d.data_config(vec![(
        "program",
        program(&["sh", "-c", "cat >/dev/null; echo '{\"a\":\"b\"}'"]),
    )]);
    let got = d.read_data(cfg).await.unwrap();
    assert_eq!(
        got.get_attr("result").unwrap().entries().unwrap()["a"],
        Value::string("b")
    );
}

#[tokio::test]
async fn failures_are_reported_as_the_real_provider_does() {
    let (_host, d) = setup();
    let err = d
        .read_data(d.data_config(vec![("program", program(&["./fail.sh"]))]))
        .await
        .unwrap_err();
    assert_eq!(err.summary, "External Program Execution Failed");
    assert!(
        err.detail.contains("Error Message: something broke\n"),
        "{}",
        err.detail
    );
    assert!(
        err.detail.ends_with("State: exit status 3"),
        "{}",
        err.detail
    );

    let err = d
        .read_data(d.data_config(vec![("program", program(&["./bad.sh"]))]))
        .await
        .unwrap_err();
    assert_eq!(err.summary, "Unexpected External Program Results");
    assert!(
        err.detail
            .ends_with("Result Error: json: cannot unmarshal number into Go value of type string"),
        "{}",
        err.detail
    );

    let err = d
        .read_data(d.data_config(vec![("program", program(&["no-such-program-here"]))]))
        .await
        .unwrap_err();
    assert_eq!(err.summary, "External Program Lookup Failed");

    let empty = d.data_config(vec![("program", program(&[]))]);
    assert_eq!(d.provider.validate_data_source("external", &empty).len(), 1);
}
