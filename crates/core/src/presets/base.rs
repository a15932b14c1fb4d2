//! The base payloads mystery rolls start from (pyz3r 6.1.0 and SahasrahBot's door base).

use std::sync::OnceLock;

static BASES: &str = include_str!("base_payloads.json");

fn bases() -> &'static serde_json::Value {
    static PARSED: OnceLock<serde_json::Value> = OnceLock::new();
    PARSED.get_or_init(|| {
        // The embedded file is checked by the unit test below; an empty object would only
        // make every roll fail with a missing-key error, never panic.
        serde_json::from_str(BASES).unwrap_or_default()
    })
}

fn base(key: &str) -> serde_json::Value {
    bases().get(key).cloned().unwrap_or_default()
}

/// pyz3r's `BASE_RANDOMIZER_PAYLOAD`: the alttpr.com `/api/randomizer` defaults.
pub fn base_randomizer_payload() -> serde_json::Value {
    base("randomizer")
}

/// pyz3r's `BASE_CUSTOMIZER_PAYLOAD`: the alttpr.com `/api/customizer` defaults.
pub fn base_customizer_payload() -> serde_json::Value {
    base("customizer")
}

/// SahasrahBot's `BASE_DOORS_PAYLOAD`: the door randomizer settings defaults.
pub fn base_doors_payload() -> serde_json::Value {
    base("doors")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_payloads_parse_and_hold_the_item_pool() {
        assert!(base_randomizer_payload().is_object());
        assert!(base_doors_payload().is_object());
        let count = &base_customizer_payload()["custom"]["item"]["count"];
        let total: i64 = count
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_i64().unwrap())
            .sum();
        assert_eq!(total, 216);
    }
}
