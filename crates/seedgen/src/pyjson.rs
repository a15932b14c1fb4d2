//! JSON written the way Python's `json.dumps` writes it by default: `", "` and `": "`
//! separators, non-ASCII escaped as `\uXXXX`, optional indentation.

use std::fmt::Write as _;

use serde_json::Value as Json;

use crate::ordered::OrderedJson;

/// `json.dumps(value)`.
pub fn dumps(value: &Json) -> String {
    let mut out = String::new();
    write_value(&mut out, value, None, 0);
    out
}

/// `json.dumps(value, indent=indent)` (item separator `,` at line ends, as Python does).
pub fn dumps_indent(value: &Json, indent: usize) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Some(indent), 0);
    out
}

/// `json.dumps(value, indent=indent)` for a value whose key order matters.
pub fn dumps_ordered_indent(value: &OrderedJson, indent: usize) -> String {
    let mut out = String::new();
    write_ordered(&mut out, value, Some(indent), 0);
    out
}

fn write_ordered(out: &mut String, value: &OrderedJson, indent: Option<usize>, level: usize) {
    let sep = if indent.is_some() { "," } else { ", " };
    match value {
        OrderedJson::Null => out.push_str("null"),
        OrderedJson::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        OrderedJson::Number(n) => out.push_str(&n.to_string()),
        OrderedJson::String(s) => write_str(out, s),
        OrderedJson::Array(items) if items.is_empty() => out.push_str("[]"),
        OrderedJson::Object(entries) if entries.is_empty() => out.push_str("{}"),
        OrderedJson::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                newline(out, indent, level + 1);
                write_ordered(out, item, indent, level + 1);
            }
            newline(out, indent, level);
            out.push(']');
        }
        OrderedJson::Object(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                newline(out, indent, level + 1);
                write_str(out, k);
                out.push_str(": ");
                write_ordered(out, v, indent, level + 1);
            }
            newline(out, indent, level);
            out.push('}');
        }
    }
}

fn newline(out: &mut String, indent: Option<usize>, level: usize) {
    if let Some(n) = indent {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', n * level));
    }
}

fn write_value(out: &mut String, value: &Json, indent: Option<usize>, level: usize) {
    let sep = if indent.is_some() { "," } else { ", " };
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::String(s) => write_str(out, s),
        Json::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                newline(out, indent, level + 1);
                write_value(out, item, indent, level + 1);
            }
            newline(out, indent, level);
            out.push(']');
        }
        Json::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                newline(out, indent, level + 1);
                write_str(out, k);
                out.push_str(": ");
                write_value(out, v, indent, level + 1);
            }
            newline(out, indent, level);
            out.push('}');
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn matches_python_defaults() {
        assert_eq!(
            dumps(&json!({"a": [1, "é"], "b": {"c": null}})),
            r#"{"a": [1, "\u00e9"], "b": {"c": null}}"#
        );
        assert_eq!(dumps(&json!("😀")), r#""\ud83d\ude00""#);
    }

    #[test]
    fn indents_like_python() {
        assert_eq!(
            dumps_indent(&json!({"a": [1, 2], "b": {}}), 4),
            "{\n    \"a\": [\n        1,\n        2\n    ],\n    \"b\": {}\n}"
        );
    }
}
