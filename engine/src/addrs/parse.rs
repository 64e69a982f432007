//! Parsing addresses as users type them on the command line (`-target`, `-replace`,
//! `state mv`): `module.net["a"].aws_subnet.this[0]`, `data.aws_ami.ubuntu`.

use super::{InstanceKey, ModuleInstance, Resource, ResourceInstance, ResourceMode};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid address {address:?}: {reason}")]
pub struct AddrError {
    pub address: String,
    pub reason: String,
}

struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn eof(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<&'a str> {
        let start = self.pos;
        for (i, c) in self.text[start..].char_indices() {
            let ok = if i == 0 {
                c.is_alphabetic() || c == '_'
            } else {
                c.is_alphanumeric() || c == '_' || c == '-'
            };
            if !ok {
                self.pos = start + i;
                return (self.pos > start).then(|| &self.text[start..self.pos]);
            }
        }
        self.pos = self.text.len();
        (self.pos > start).then(|| &self.text[start..])
    }

    /// `[0]` or `["key"]`, when the next character is `[`.
    fn key(&mut self) -> Result<Option<InstanceKey>, String> {
        if !self.eat('[') {
            return Ok(None);
        }
        let key = if self.eat('"') {
            let mut s = String::new();
            loop {
                let c = self.peek().ok_or("unterminated string key")?;
                self.pos += c.len_utf8();
                match c {
                    '"' => break,
                    '\\' => {
                        let e = self.peek().ok_or("unterminated string key")?;
                        self.pos += e.len_utf8();
                        s.push(match e {
                            'n' => '\n',
                            'r' => '\r',
                            't' => '\t',
                            other => other,
                        });
                    }
                    c => s.push(c),
                }
            }
            InstanceKey::Str(s)
        } else {
            let start = self.pos;
            if self.peek() == Some('-') {
                self.pos += 1;
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            let n: i64 = self.text[start..self.pos]
                .parse()
                .map_err(|_| "an index must be a whole number or a quoted string".to_string())?;
            InstanceKey::Int(n)
        };
        if !self.eat(']') {
            return Err("expected `]` after the index".into());
        }
        Ok(Some(key))
    }
}

/// Parses a module instance prefix followed by a resource instance.
pub fn parse_instance(text: &str) -> Result<ResourceInstance, AddrError> {
    let fail = |reason: String| AddrError {
        address: text.to_string(),
        reason,
    };
    let mut s = Scanner { text, pos: 0 };
    let mut module = ModuleInstance::root();
    loop {
        let save = s.pos;
        let word = s.ident().ok_or_else(|| fail("expected a name".into()))?;
        if word == "module" {
            if !s.eat('.') {
                return Err(fail("expected `.` after `module`".into()));
            }
            let name = s
                .ident()
                .ok_or_else(|| fail("expected a module name".into()))?;
            let key = s.key().map_err(fail)?;
            module = module.child(name, key);
            if !s.eat('.') {
                return Err(fail("expected a resource after the module".into()));
            }
            continue;
        }
        s.pos = save;
        break;
    }
    let mut mode = ResourceMode::Managed;
    let mut type_name = s
        .ident()
        .ok_or_else(|| fail("expected a resource type".into()))?;
    if type_name == "data" {
        if !s.eat('.') {
            return Err(fail("expected `.` after `data`".into()));
        }
        mode = ResourceMode::Data;
        type_name = s
            .ident()
            .ok_or_else(|| fail("expected a data source type".into()))?;
    }
    if !s.eat('.') {
        return Err(fail(format!(
            "a resource address is TYPE.NAME; `{type_name}` has no name"
        )));
    }
    let name = s
        .ident()
        .ok_or_else(|| fail("expected a resource name".into()))?;
    let key = s.key().map_err(fail)?;
    if !s.eof() {
        return Err(fail(format!("unexpected `{}`", &text[s.pos..])));
    }
    Ok(ResourceInstance {
        module,
        resource: Resource {
            mode,
            type_name: type_name.to_string(),
            name: name.to_string(),
        },
        key,
    })
}
