//! [`Secret`]: a configuration string that is never printed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret configuration value (token, password, key).
///
/// `Debug`, `Display` and `Serialize` show `****` for a set secret and an empty string for an
/// unset one, so the effective configuration can be printed and logged safely. Read the real
/// value with [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The real value, for the one place that needs it (an HTTP header, a login).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is unset or only whitespace (the Python bot's notion of blank).
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    fn masked(&self) -> &'static str {
        if self.0.is_empty() { "" } else { "****" }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({:?})", self.masked())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.masked())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.masked())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::de::lenient_string(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_secret_is_masked_everywhere() {
        let s = Secret::new("hunter2");
        assert_eq!(s.to_string(), "****");
        assert_eq!(format!("{s:?}"), "Secret(\"****\")");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"****\"");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn unset_secret_shows_empty() {
        let s = Secret::default();
        assert_eq!(s.to_string(), "");
        assert!(s.is_blank());
        assert!(Secret::new("  ").is_blank());
    }
}
