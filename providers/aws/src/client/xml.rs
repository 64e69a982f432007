//! A small element tree parsed with quick-xml: what the query protocols' responses are read
//! through (namespaces dropped, text unescaped, attributes ignored as AWS's responses have none
//! that matter).

use quick_xml::events::Event;
use quick_xml::Reader;

/// One XML element: its local name, its text (concatenated, trimmed) and its child elements.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

/// The document could not be parsed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("malformed XML: {0}")]
pub struct XmlError(pub String);

fn local(name: &str) -> String {
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => name.to_string(),
    }
}

/// Parses a document into its root element.
pub fn parse(text: &[u8]) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(text).map_err(|e| XmlError(e.to_string()))?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let ev = reader.read_event().map_err(|e| XmlError(e.to_string()))?;
        match ev {
            Event::Start(e) => {
                if stack.len() > 200 {
                    return Err(XmlError("nesting too deep".into()));
                }
                stack.push(Element {
                    name: local(e.local_name().as_ref()),
                    ..Element::default()
                });
            }
            Event::Empty(e) => {
                let el = Element {
                    name: local(e.local_name().as_ref()),
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = root.or(Some(el)),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    if r.is_char_ref() {
                        match r.resolve_char_ref() {
                            Ok(Some(c)) => top.text.push(c),
                            _ => return Err(XmlError("invalid character reference".into())),
                        }
                    } else {
                        let name = r.xml10_content();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => top.text.push_str(s),
                            None => return Err(XmlError(format!("unknown entity &{name};"))),
                        }
                    }
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::End(_) => {
                let Some(mut el) = stack.pop() else {
                    return Err(XmlError("unbalanced end tag".into()));
                };
                el.text = el.text.trim().to_string();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = root.or(Some(el)),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(XmlError("unclosed element".into()));
    }
    root.ok_or_else(|| XmlError("no root element".into()))
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The element at a path of child names.
    pub fn at(&self, path: &[&str]) -> Option<&Element> {
        let mut e = self;
        for p in path {
            e = e.child(p)?;
        }
        Some(e)
    }

    /// The text of the child at `path`, when present and non-empty.
    pub fn text_at(&self, path: &[&str]) -> Option<&str> {
        self.at(path)
            .map(|e| e.text.as_str())
            .filter(|s| !s.is_empty())
    }

    /// The text of a direct child, when present and non-empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.text_at(&[name])
    }

    /// A child's text as a bool (`true`/`false`).
    pub fn bool_of(&self, name: &str) -> Option<bool> {
        match self.text_of(name)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// A child's text as an integer.
    pub fn i64_of(&self, name: &str) -> Option<i64> {
        self.text_of(name)?.parse().ok()
    }

    /// The members of a list child: EC2 writes `<name><item>..</item></name>`, the awsquery
    /// protocol `<name><member>..</member></name>`; both are accepted.
    pub fn items(&self, name: &str) -> Vec<&Element> {
        match self.child(name) {
            Some(list) => list
                .children
                .iter()
                .filter(|c| c.name == "item" || c.name == "member")
                .collect(),
            None => Vec::new(),
        }
    }

    /// The members of the list at `path` (as [`Element::items`]).
    pub fn items_at(&self, path: &[&str]) -> Vec<&Element> {
        match path.split_last() {
            Some((last, init)) => self.at(init).map(|e| e.items(last)).unwrap_or_default(),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_ec2_response() {
        let doc = br#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
    <vpcSet>
        <item>
            <vpcId>vpc-1a2b3c4d</vpcId>
            <cidrBlock>10.0.0.0/16</cidrBlock>
            <isDefault>false</isDefault>
            <tagSet><item><key>Name</key><value>a &amp; b</value></item></tagSet>
        </item>
    </vpcSet>
    <nextToken/>
</DescribeVpcsResponse>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "DescribeVpcsResponse");
        let vpcs = root.items("vpcSet");
        assert_eq!(vpcs.len(), 1);
        assert_eq!(vpcs[0].text_of("vpcId"), Some("vpc-1a2b3c4d"));
        assert_eq!(vpcs[0].bool_of("isDefault"), Some(false));
        assert_eq!(vpcs[0].items("tagSet")[0].text_of("value"), Some("a & b"));
        assert_eq!(root.text_of("nextToken"), None);
    }

    #[test]
    fn parses_an_awsquery_response() {
        let doc = br#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AKIAI44QH8DHBEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;
        let root = parse(doc).unwrap();
        assert_eq!(
            root.text_at(&["GetCallerIdentityResult", "Account"]),
            Some("123456789012")
        );
        assert_eq!(
            root.text_at(&["ResponseMetadata", "RequestId"]),
            Some("01234567-89ab")
        );
    }

    #[test]
    fn rejects_malformed_documents() {
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"<a>").is_err());
    }

    #[test]
    fn members_and_cdata() {
        let root =
            parse(b"<r><l><member>x</member><member><![CDATA[<y>]]></member></l></r>").unwrap();
        let texts: Vec<&str> = root.items("l").iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["x", "<y>"]);
    }
}
