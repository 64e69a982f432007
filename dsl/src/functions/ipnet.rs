//! IP network functions: cidrhost cidrnetmask cidrsubnet cidrsubnets, with address math on
//! `u128` for both IPv4 and IPv6.

use std::net::{Ipv4Addr, Ipv6Addr};

use num_bigint::BigInt;

use super::util::{arg_err, fail, n, p, s, simple, string_list, Builtin};
use super::{CallContext, CallError};
use crate::value::Type;
use crate::value::Value;

#[derive(Clone, Copy)]
struct Net {
    addr: u128,
    prefix: u32,
    bits: u32,
}

impl Net {
    fn render_addr(&self, a: u128) -> String {
        if self.bits == 32 {
            Ipv4Addr::from(a as u32).to_string()
        } else {
            Ipv6Addr::from(a).to_string()
        }
    }
    fn render(&self) -> String {
        format!("{}/{}", self.render_addr(self.addr), self.prefix)
    }
    fn host_bits(&self) -> u32 {
        self.bits - self.prefix
    }
}

fn mask(bits: u32, prefix: u32) -> u128 {
    let all: u128 = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    if prefix == 0 {
        0
    } else if prefix >= bits {
        all
    } else {
        all & !(all >> prefix)
    }
}

fn parse(text: &str) -> Result<Net, CallError> {
    let bad = || {
        fail(format!(
            "invalid CIDR expression: invalid CIDR address: {text}"
        ))
    };
    let (ip, pre) = text.split_once('/').ok_or_else(bad)?;
    if pre.is_empty() || !pre.bytes().all(|b| b.is_ascii_digit()) || pre.len() > 3 {
        return Err(bad());
    }
    let prefix: u32 = pre.parse().map_err(|_| bad())?;
    let (addr, bits) = if let Ok(v4) = ip.parse::<Ipv4Addr>() {
        (u32::from(v4) as u128, 32)
    } else if let Ok(v6) = ip.parse::<Ipv6Addr>() {
        (u128::from(v6), 128)
    } else {
        return Err(bad());
    };
    if prefix > bits {
        return Err(bad());
    }
    Ok(Net {
        addr: addr & mask(bits, prefix),
        prefix,
        bits,
    })
}

pub(super) fn register(list: &mut Vec<Builtin>) {
    let st = || Type::String;
    list.push(simple(
        "cidrhost",
        vec![p("prefix", st()), p("hostnum", Type::Number)],
        st(),
        cidrhost,
    ));
    list.push(simple(
        "cidrnetmask",
        vec![p("prefix", st())],
        st(),
        |args, _| {
            let net = parse(s(args, 0)?)?;
            if net.bits != 32 {
                return Err(fail(format!(
                    "IPv6 addresses cannot have a netmask: {}",
                    s(args, 0)?
                )));
            }
            Ok(Value::string(net.render_addr(mask(32, net.prefix))))
        },
    ));
    list.push(simple(
        "cidrsubnet",
        vec![
            p("prefix", st()),
            p("newbits", Type::Number),
            p("netnum", Type::Number),
        ],
        st(),
        cidrsubnet,
    ));
    let mut f = simple(
        "cidrsubnets",
        vec![p("prefix", st())],
        Type::list(st()),
        cidrsubnets,
    );
    f.variadic = Some(p("newbits", Type::Number));
    list.push(f);
}

fn big(args: &[Value], i: usize) -> Result<BigInt, CallError> {
    let x = n(args, i)?;
    if !x.is_integer() {
        return Err(arg_err(i, "value must be a whole number"));
    }
    x.to_bigint()
        .ok_or_else(|| arg_err(i, "value must be a whole number"))
}

fn cidrhost(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let net = parse(s(args, 0)?)?;
    let host = big(args, 1)?;
    let size = BigInt::from(1u8) << net.host_bits();
    let idx = if host.sign() == num_bigint::Sign::Minus {
        &size + &host
    } else {
        host.clone()
    };
    if idx.sign() == num_bigint::Sign::Minus || idx >= size {
        return Err(fail(format!(
            "prefix of {} does not accommodate a host numbered {host}",
            net.prefix
        )));
    }
    let off: u128 = u128::try_from(idx).map_err(|_| fail("host number out of range"))?;
    Ok(Value::string(net.render_addr(net.addr | off)))
}

fn subnet(net: &Net, newbits: i64, num: &BigInt) -> Result<Net, CallError> {
    let shrunk = net.prefix as i64 + newbits;
    if newbits < 0 && shrunk >= 0 && num.sign() != num_bigint::Sign::Minus {
        // Terraform (go-cidr) accepts a negative extension: the prefix gets shorter, the
        // address is not masked, and any subnet number is ORed in at the new prefix.
        if let Ok(numv) = u64::try_from(num.clone()) {
            let shift = net.bits - shrunk as u32;
            let all: u128 = if net.bits == 128 {
                u128::MAX
            } else {
                (1u128 << net.bits) - 1
            };
            let off = if shift >= 128 {
                0
            } else {
                (numv as u128).checked_shl(shift).unwrap_or(0)
            };
            return Ok(Net {
                addr: (net.addr | off) & all,
                prefix: shrunk as u32,
                bits: net.bits,
            });
        }
    }
    if newbits < 0 || shrunk > net.bits as i64 {
        return Err(fail(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.prefix
        )));
    }
    let nb = newbits as u32;
    let limit = BigInt::from(1u8) << nb;
    if num.sign() == num_bigint::Sign::Minus || *num >= limit {
        return Err(fail(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
        )));
    }
    let numv = u128::try_from(num.clone()).map_err(|_| fail("subnet number out of range"))?;
    let newprefix = net.prefix + nb;
    let shift = net.bits - newprefix;
    let off = if shift >= 128 { 0 } else { numv << shift };
    Ok(Net {
        addr: net.addr | off,
        prefix: newprefix,
        bits: net.bits,
    })
}

fn cidrsubnet(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let net = parse(s(args, 0)?)?;
    let newbits = super::util::int(args, 1)?;
    let num = big(args, 2)?;
    Ok(Value::string(subnet(&net, newbits, &num)?.render()))
}

fn cidrsubnets(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    // Unlike cidrsubnet, Terraform blames the "prefix" argument for a bad prefix here.
    let net = parse(s(args, 0)?).map_err(|e| arg_err(0, e.message))?;
    let mut out = Vec::new();
    let all: u128 = if net.bits == 128 {
        u128::MAX
    } else {
        (1u128 << net.bits) - 1
    };
    let end: u128 = net.addr | (!mask(net.bits, net.prefix) & all);
    let mut next: Option<u128> = Some(net.addr);
    for i in 1..args.len() {
        let nb = super::util::int(args, i)?;
        if nb < 1 {
            return Err(arg_err(i, "must extend prefix by at least one bit"));
        }
        let newprefix = net.prefix as i64 + nb;
        if newprefix > net.bits as i64 {
            let kind = if net.bits == 32 { "IPv4" } else { "IPv6" };
            return Err(arg_err(i, format!("would extend prefix to {newprefix} bits, which is too long for an {kind} address")));
        }
        let newprefix = newprefix as u32;
        let size_bits = net.bits - newprefix;
        let Some(start) = next else {
            return Err(arg_err(i, format!("not enough remaining address space for a subnet with a prefix of {newprefix} bits after {}", out.last().cloned().unwrap_or_default())));
        };
        // Align up to the subnet size.
        let align: u128 = if size_bits >= 128 {
            0
        } else {
            (1u128 << size_bits) - 1
        };
        let aligned = start.checked_add(align).map(|x| x & !align);
        let Some(aligned) = aligned.filter(|a| *a <= end && *a >= net.addr) else {
            return Err(arg_err(i, format!("not enough remaining address space for a subnet with a prefix of {newprefix} bits after {}", out.last().cloned().unwrap_or_default())));
        };
        let last = aligned | align;
        if last > end {
            return Err(arg_err(i, format!("not enough remaining address space for a subnet with a prefix of {newprefix} bits after {}", out.last().cloned().unwrap_or_default())));
        }
        let sub = Net {
            addr: aligned,
            prefix: newprefix,
            bits: net.bits,
        };
        out.push(sub.render());
        next = last.checked_add(1);
    }
    Ok(string_list(out))
}
