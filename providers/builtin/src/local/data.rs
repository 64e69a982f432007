//! Data sources `local_file` and `local_sensitive_file`: a file's content (as text and
//! base64) and checksums.

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{expect_object, get_str, with_attrs};
use terrane_provider::{AttributeSchema, BlockSchema, ProviderError, ResourceSchema};

use super::{checksum_schema, checksums, resolve};
use crate::common::{Ctx, DataSourceType};

pub struct LocalFileData {
    pub sensitive: bool,
}

#[async_trait]
impl DataSourceType for LocalFileData {
    fn name(&self) -> &'static str {
        if self.sensitive {
            "local_sensitive_file"
        } else {
            "local_file"
        }
    }

    fn schema(&self) -> ResourceSchema {
        let mut content = AttributeSchema::computed(Type::String);
        let mut b64 = AttributeSchema::computed(Type::String);
        if self.sensitive {
            content = content.sensitive();
            b64 = b64.sensitive();
        }
        let mut attrs = vec![
            (
                "filename",
                AttributeSchema::required(Type::String).describe("The path of the file to read."),
            ),
            ("content", content),
            ("content_base64", b64),
        ];
        attrs.extend(checksum_schema());
        ResourceSchema {
            version: 0,
            block: BlockSchema::with_attributes(attrs),
        }
    }

    async fn read(&self, ctx: &Ctx, config: Value) -> Result<Value, ProviderError> {
        let config = expect_object(&config, "configuration")?;
        let filename = get_str(config, "filename").ok_or_else(|| {
            ProviderError::new("Missing filename", "filename must be set.").at_attr("filename")
        })?;
        let bytes = tokio::fs::read(resolve(ctx, filename)).await.map_err(|e| {
            ProviderError::new(
                "Read local file data source error",
                format!("The file at given path cannot be read.\n\n+Original Error: {e}"),
            )
            .at_attr("filename")
        })?;
        let mut attrs = checksums(&bytes);
        attrs.push((
            "content",
            Value::string(String::from_utf8_lossy(&bytes).as_ref()),
        ));
        attrs.push(("content_base64", Value::string(STANDARD.encode(&bytes))));
        Ok(with_attrs(config, attrs))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::testing::{s, Driver, TestHost};
    use terrane_provider::Host;

    #[tokio::test]
    async fn reads_content_and_checksums() {
        let host = TestHost::new();
        std::fs::write(host.working_dir().join("hello.txt"), "hello\n").unwrap();
        let p = Arc::new(super::super::provider(host));
        let d = Driver::new(p.clone(), "local_file");
        let got = d
            .read_data(d.data_config(vec![("filename", Value::string("hello.txt"))]))
            .await
            .unwrap();
        assert_eq!(s(&got, "content"), "hello\n");
        assert_eq!(s(&got, "content_base64"), "aGVsbG8K");
        assert_eq!(s(&got, "id"), "f572d396fae9206628714fb2ce00f72e94f2258f");
        assert_eq!(s(&got, "content_md5"), "b1946ac92492d2347c6235b4d2611184");
        let missing = d
            .read_data(d.data_config(vec![("filename", Value::string("nope"))]))
            .await
            .unwrap_err();
        assert_eq!(missing.summary, "Read local file data source error");
        let sd = Driver::new(p, "local_sensitive_file");
        assert!(
            sd.provider.schema().data_sources["local_sensitive_file"]
                .block
                .attributes["content"]
                .sensitive
        );
    }
}
