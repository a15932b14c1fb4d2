//! YAML 1.1 loading with PyYAML `safe_load` semantics.
//!
//! The event parser of `yaml-rust2` tells whether a scalar was quoted; plain scalars are then
//! resolved with YAML 1.1 rules (`on`/`off`/`yes`/`no` booleans, `0x`/octal/sexagesimal
//! ints, floats that need a dot), so existing upstream preset files load unchanged.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::value::{Map, Value};

/// Parses the first document of `text` into a [`Value`] (an empty document is `Null`).
pub fn parse(text: &str) -> Result<Value, String> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser
        .load(&mut builder, false)
        .map_err(|e| e.to_string())?;
    if let Some(err) = builder.error {
        return Err(err);
    }
    Ok(builder.root.unwrap_or(Value::Null))
}

enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map, Option<Value>, usize),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    root: Option<Value>,
    error: Option<String>,
}

impl Builder {
    fn push_value(&mut self, value: Value, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(value);
                }
            }
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(map, pending, _)) => match pending.take() {
                None => *pending = Some(value),
                Some(key) => {
                    if key.as_str() == Some("<<") {
                        merge_into(map, value);
                    } else {
                        map.insert(key, value);
                    }
                }
            },
        }
    }
}

/// YAML merge key (`<<`): keys of the merged mapping(s) that are not already set.
fn merge_into(map: &mut Map, value: Value) {
    let sources = match value {
        Value::Seq(items) => items,
        other => vec![other],
    };
    for source in sources {
        if let Value::Map(src) = source {
            for (k, v) in src.iter() {
                if map.get_value(k).is_none() {
                    map.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, _mark: Marker) {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(&text, style, tag.as_ref());
                self.push_value(value, anchor);
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(Vec::new(), anchor)),
            Event::MappingStart(anchor, _) => {
                self.stack.push(Frame::Map(Map::new(), None, anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq(items, anchor)) => self.push_value(Value::Seq(items), anchor),
                Some(Frame::Map(map, _, anchor)) => self.push_value(Value::Map(map), anchor),
                None => self.error = Some("unbalanced YAML events".to_owned()),
            },
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(v) => self.push_value(v, 0),
                None => self.error = Some(format!("unknown alias {id}")),
            },
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

fn resolve_scalar(text: &str, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        let suffix = tag.suffix.as_str();
        match suffix {
            "str" => return Value::Str(text.to_owned()),
            "int" => {
                return parse_int(text).map_or_else(|| Value::Str(text.to_owned()), Value::Int);
            }
            "float" => {
                return parse_float(text)
                    .or_else(|| parse_int(text).map(|i| i as f64))
                    .map_or_else(|| Value::Str(text.to_owned()), Value::Float);
            }
            "bool" => {
                return parse_bool(text).map_or_else(|| Value::Str(text.to_owned()), Value::Bool);
            }
            "null" => return Value::Null,
            _ => {}
        }
    }
    if style != TScalarStyle::Plain {
        return Value::Str(text.to_owned());
    }
    resolve_plain(text)
}

/// Resolves a plain (unquoted) scalar with PyYAML's YAML 1.1 implicit resolvers.
pub fn resolve_plain(text: &str) -> Value {
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if let Some(b) = parse_bool(text) {
        return Value::Bool(b);
    }
    if let Some(i) = parse_int(text) {
        return Value::Int(i);
    }
    if let Some(f) = parse_float(text) {
        return Value::Float(f);
    }
    Value::Str(text.to_owned())
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn split_sign(text: &str) -> (i64, &str) {
    if let Some(rest) = text.strip_prefix('-') {
        (-1, rest)
    } else if let Some(rest) = text.strip_prefix('+') {
        (1, rest)
    } else {
        (1, text)
    }
}

/// YAML 1.1 int: `0b…`, `0x…`, `0…` (octal), sexagesimal `1:30`, decimal; `_` allowed.
fn parse_int(text: &str) -> Option<i64> {
    let (sign, body) = split_sign(text);
    if body.is_empty() {
        return None;
    }
    let digits_ok = |s: &str, radix: u32| {
        !s.is_empty()
            && s.chars().all(|c| c == '_' || c.is_digit(radix))
            && s.chars().any(|c| c != '_')
    };
    let from_radix = |s: &str, radix: u32| {
        let clean: String = s.chars().filter(|&c| c != '_').collect();
        i64::from_str_radix(&clean, radix).ok()
    };
    let magnitude = if let Some(bin) = body.strip_prefix("0b") {
        if !digits_ok(bin, 2) {
            return None;
        }
        from_radix(bin, 2)?
    } else if let Some(hex) = body.strip_prefix("0x") {
        if !digits_ok(hex, 16) {
            return None;
        }
        from_radix(hex, 16)?
    } else if body == "0" {
        0
    } else if let Some(oct) = body.strip_prefix('0') {
        if !digits_ok(oct, 8) {
            return None;
        }
        from_radix(oct, 8)?
    } else if body.contains(':') {
        let mut parts = body.split(':');
        let first = parts.next()?;
        if !first.starts_with(|c: char| ('1'..='9').contains(&c)) || !digits_ok(first, 10) {
            return None;
        }
        let mut total = from_radix(first, 10)?;
        for part in parts {
            if part.is_empty() || part.len() > 2 || !part.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let v: i64 = part.parse().ok()?;
            if v > 59 {
                return None;
            }
            total = total.checked_mul(60)?.checked_add(v)?;
        }
        total
    } else {
        if !body.starts_with(|c: char| ('1'..='9').contains(&c)) || !digits_ok(body, 10) {
            return None;
        }
        from_radix(body, 10)?
    };
    Some(sign * magnitude)
}

/// YAML 1.1 float: needs a dot (`1.5`, `.5`, `1.`, `1.5e+3`), or `.inf` / `.nan`.
fn parse_float(text: &str) -> Option<f64> {
    let (sign, body) = split_sign(text);
    match body {
        ".inf" | ".Inf" | ".INF" => return Some(f64::from(sign as i32) * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" if sign == 1 && !text.starts_with('+') => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(pos) => (&body[..pos], Some(&body[pos + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = mantissa.split_once('.')?;
    if frac_part.contains('.') {
        return None;
    }
    let int_ok = if int_part.is_empty() {
        !frac_part.is_empty()
    } else if int_part.contains(':') {
        // Sexagesimal floats (`1:30.5`) are legal YAML 1.1 but unused; treat as strings.
        return None;
    } else {
        int_part.starts_with(|c: char| c.is_ascii_digit())
            && int_part.chars().all(|c| c.is_ascii_digit() || c == '_')
    };
    if !int_ok || !frac_part.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return None;
    }
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-'])?;
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let clean = if clean.starts_with('.') {
        format!("0{clean}")
    } else {
        clean
    };
    let value: f64 = clean.parse().ok()?;
    Some(f64::from(sign as i32) * value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_11_booleans_and_quoting() {
        let v = parse("a: on\nb: 'on'\nc: Off\nd: yes\ne: \"no\"\nf: y\n").unwrap();
        let m = v.as_map().unwrap();
        assert_eq!(m.get("a"), Some(&Value::Bool(true)));
        assert_eq!(m.get("b"), Some(&Value::Str("on".into())));
        assert_eq!(m.get("c"), Some(&Value::Bool(false)));
        assert_eq!(m.get("d"), Some(&Value::Bool(true)));
        assert_eq!(m.get("e"), Some(&Value::Str("no".into())));
        assert_eq!(m.get("f"), Some(&Value::Str("y".into())));
    }

    #[test]
    fn numbers_follow_yaml_11() {
        assert_eq!(resolve_plain("7"), Value::Int(7));
        assert_eq!(resolve_plain("1_000"), Value::Int(1000));
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(resolve_plain("010"), Value::Int(8));
        assert_eq!(resolve_plain("1:30"), Value::Int(90));
        assert_eq!(resolve_plain("-3"), Value::Int(-3));
        assert_eq!(resolve_plain(".5"), Value::Float(0.5));
        assert_eq!(resolve_plain("1.5e+2"), Value::Float(150.0));
        assert_eq!(resolve_plain("3.1.0"), Value::Str("3.1.0".into()));
        assert_eq!(resolve_plain("1e5"), Value::Str("1e5".into()));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("7f7f"), Value::Str("7f7f".into()));
    }

    #[test]
    fn keys_keep_type_and_order() {
        let v = parse("w:\n  2: 10\n  0: 80\n  True: 30\n  random: 1\n").unwrap();
        let w = v.as_map().unwrap().get("w").unwrap().as_map().unwrap();
        let keys: Vec<_> = w.keys().cloned().collect();
        assert_eq!(
            keys,
            vec![
                Value::Int(2),
                Value::Int(0),
                Value::Bool(true),
                Value::Str("random".into())
            ]
        );
    }

    #[test]
    fn anchors_and_empty_values() {
        let v = parse("a: &x {k: 1}\nb: *x\nc:\n").unwrap();
        let m = v.as_map().unwrap();
        assert_eq!(m.get("a"), m.get("b"));
        assert_eq!(m.get("c"), Some(&Value::Null));
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert!(parse("a: [1, 2\n").is_err());
    }
}
