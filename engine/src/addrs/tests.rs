//! Address round trips: the canonical string form parses back to the same address.

use super::*;

#[test]
fn canonical_forms_round_trip() {
    for text in [
        "aws_instance.web",
        "aws_instance.web[0]",
        "data.aws_ami.ubuntu",
        "module.net.aws_subnet.a[\"x\"]",
        "module.net[\"a\"].module.sub[2].data.local_file.f",
        "terraform_data.t[\"quote\\\"d\"]",
    ] {
        let addr = parse_instance(text).unwrap();
        assert_eq!(addr.to_string(), text);
    }
}

#[test]
fn bad_addresses_are_errors() {
    for text in ["", "aws_instance", "module.x", "a.b[", "a.b[x]", "a.b c"] {
        assert!(parse_instance(text).is_err(), "{text}");
    }
}

#[test]
fn implied_provider_is_the_type_prefix() {
    assert_eq!(
        Resource::managed("aws_instance", "a").implied_provider(),
        "aws"
    );
    assert_eq!(
        Resource::managed("terraform_data", "a").implied_provider(),
        "terraform"
    );
}
