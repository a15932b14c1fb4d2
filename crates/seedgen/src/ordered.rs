//! [`OrderedJson`]: JSON whose objects keep their keys in document order (the workspace's
//! `serde_json::Value` sorts them), for output that must list keys as the provider sent
//! them, such as spoiler logs.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value as Json};

/// A JSON value whose objects are ordered lists of entries.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderedJson {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<OrderedJson>),
    /// An object, entries in document order.
    Object(Vec<(String, OrderedJson)>),
}

impl OrderedJson {
    /// Parses JSON text, keeping key order.
    ///
    /// # Errors
    /// When `text` is not JSON.
    pub fn parse(text: &str) -> Result<OrderedJson, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The value of `key` in an object (the first one, if repeated).
    pub fn get(&self, key: &str) -> Option<&OrderedJson> {
        match self {
            OrderedJson::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            OrderedJson::String(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, when this is an object.
    pub fn entries(&self) -> Option<&[(String, OrderedJson)]> {
        match self {
            OrderedJson::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// Sets `key`: replaces the value in place when present, else appends.
    pub fn insert(&mut self, key: &str, value: OrderedJson) {
        if let OrderedJson::Object(entries) = self {
            if let Some(slot) = entries.iter_mut().find(|(k, _)| k == key) {
                slot.1 = value;
            } else {
                entries.push((key.to_owned(), value));
            }
        }
    }

    /// Removes `key` from an object.
    pub fn remove(&mut self, key: &str) {
        if let OrderedJson::Object(entries) = self {
            entries.retain(|(k, _)| k != key);
        }
    }

    /// As a `serde_json::Value` (key order lost).
    pub fn to_json(&self) -> Json {
        match self {
            OrderedJson::Null => Json::Null,
            OrderedJson::Bool(b) => Json::Bool(*b),
            OrderedJson::Number(n) => Json::Number(n.clone()),
            OrderedJson::String(s) => Json::String(s.clone()),
            OrderedJson::Array(items) => Json::Array(items.iter().map(Self::to_json).collect()),
            OrderedJson::Object(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

impl From<&Json> for OrderedJson {
    /// From a `serde_json::Value` (its key order, sorted in this workspace).
    fn from(value: &Json) -> Self {
        match value {
            Json::Null => OrderedJson::Null,
            Json::Bool(b) => OrderedJson::Bool(*b),
            Json::Number(n) => OrderedJson::Number(n.clone()),
            Json::String(s) => OrderedJson::String(s.clone()),
            Json::Array(items) => OrderedJson::Array(items.iter().map(Self::from).collect()),
            Json::Object(map) => {
                OrderedJson::Object(map.iter().map(|(k, v)| (k.clone(), v.into())).collect())
            }
        }
    }
}

impl From<&str> for OrderedJson {
    fn from(s: &str) -> Self {
        OrderedJson::String(s.to_owned())
    }
}

struct OrderedVisitor;

impl<'de> Visitor<'de> for OrderedVisitor {
    type Value = OrderedJson;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Null)
    }

    fn visit_none<E>(self) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<OrderedJson, E> {
        Number::from_f64(v)
            .map(OrderedJson::Number)
            .ok_or_else(|| E::custom("a non-finite number"))
    }

    fn visit_str<E>(self, v: &str) -> Result<OrderedJson, E> {
        Ok(OrderedJson::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<OrderedJson, E> {
        Ok(OrderedJson::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OrderedJson, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(OrderedJson::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedJson, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, OrderedJson>()? {
            entries.push((k, v));
        }
        Ok(OrderedJson::Object(entries))
    }
}

impl<'de> Deserialize<'de> for OrderedJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OrderedVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_document_order() {
        let v = OrderedJson::parse(r#"{"b": 1, "a": {"z": [true, null], "y": "s"}}"#).unwrap();
        let keys: Vec<&str> = v
            .entries()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["b", "a"]);
        let inner: Vec<&str> = v
            .get("a")
            .and_then(OrderedJson::entries)
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(inner, ["z", "y"]);
        assert_eq!(v.to_json()["a"]["y"], "s");
    }
}
