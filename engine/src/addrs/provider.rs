//! Provider configuration addresses as the state records them (Terraform's form):
//! `provider["registry.terraform.io/hashicorp/aws"]`, with the module that holds the
//! configuration in front (`module.net.provider[...]`) and its alias after (`....west`).

use super::ModulePath;

/// The address of the provider configuration `alias` of `source` (a provider's full
/// `registry.terraform.io/NAMESPACE/TYPE` source) in `module`.
pub fn provider_config_address(module: &ModulePath, source: &str, alias: Option<&str>) -> String {
    let mut out = String::new();
    for m in &module.0 {
        out.push_str("module.");
        out.push_str(m);
        out.push('.');
    }
    out.push_str(&format!("provider[\"{source}\"]"));
    if let Some(a) = alias {
        out.push('.');
        out.push_str(a);
    }
    out
}

/// A recorded provider address taken apart: the module holding the configuration, the
/// provider's source and the alias. `None` when it is not in that form.
pub fn parse_provider_config_address(s: &str) -> Option<(ModulePath, String, Option<String>)> {
    let start = s.find("provider[\"")?;
    let (prefix, rest) = s.split_at(start);
    let rest = &rest["provider[\"".len()..];
    let (source, tail) = rest.split_once("\"]")?;
    let alias = match tail {
        "" => None,
        t => Some(t.strip_prefix('.')?.to_string()),
    };
    let mut module = Vec::new();
    let mut parts = prefix.split('.').filter(|p| !p.is_empty());
    while let Some(p) = parts.next() {
        if p != "module" {
            return None;
        }
        module.push(parts.next()?.to_string());
    }
    Some((ModulePath(module), source.to_string(), alias))
}

/// The provider source of a recorded provider address (the address itself when it is not in
/// the recorded form).
pub fn provider_source(s: &str) -> String {
    parse_provider_config_address(s).map_or_else(|| s.to_string(), |(_, source, _)| source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip() {
        let aws = "registry.terraform.io/hashicorp/aws";
        for (module, alias, text) in [
            (
                vec![],
                None,
                "provider[\"registry.terraform.io/hashicorp/aws\"]",
            ),
            (
                vec!["net".to_string()],
                Some("west"),
                "module.net.provider[\"registry.terraform.io/hashicorp/aws\"].west",
            ),
        ] {
            let m = ModulePath(module);
            assert_eq!(provider_config_address(&m, aws, alias), text);
            assert_eq!(
                parse_provider_config_address(text),
                Some((m, aws.to_string(), alias.map(str::to_string)))
            );
            assert_eq!(provider_source(text), aws);
        }
        assert_eq!(parse_provider_config_address("nonsense"), None);
        assert_eq!(parse_provider_config_address("x.provider[\"a\"]"), None);
    }
}
