//! SM, SMZ3 and CTJets presets → provider requests (core.md §1.5.3, §1.5.4).

use super::mystery::rng::{Rng, choice};
use super::value::Value;
use super::{Game, Preset, PresetError, ProviderRequest};

const SPOILER_KEY_ALPHABET: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A samus.link spoiler key: 20 characters, each one `choice` over `[a-zA-Z0-9]`.
pub fn spoiler_key(rng: &mut dyn Rng) -> String {
    (0..20)
        .filter_map(|_| choice(rng, SPOILER_KEY_ALPHABET).map(|&b| char::from(b)))
        .collect()
}

/// The samus.link base URL for an SM or SMZ3 preset (its `release` picks a subdomain).
pub fn samus_baseurl(preset: &Preset) -> String {
    let release = preset.data.get("release").and_then(Value::as_str);
    match (preset.game, release) {
        (Game::Sm, Some(r)) => format!("https://{r}.sm.samus.link"),
        (Game::Sm, None) => "https://sm.samus.link".to_owned(),
        (_, Some(r)) => format!("https://{r}.samus.link"),
        (_, None) => "https://samus.link".to_owned(),
    }
}

/// The request for an SM or SMZ3 preset: `race` as the string `"true"`/`"false"`, and with
/// `spoilers` a fresh `spoilerKey` drawn from `rng`. Returns the request and the key.
pub fn build_samus_request(
    preset: &Preset,
    tournament: bool,
    spoilers: bool,
    rng: &mut dyn Rng,
) -> Result<(ProviderRequest, Option<String>), PresetError> {
    let mut settings = preset.settings()?.clone();
    settings.insert("race", if tournament { "true" } else { "false" });
    let key = spoilers.then(|| spoiler_key(rng));
    if let Some(key) = &key {
        settings.insert("spoilerKey", key.as_str());
    }
    let baseurl = samus_baseurl(preset);
    let body = Value::Map(settings).to_json();
    let request = match preset.game {
        Game::Sm => ProviderRequest::Sm { baseurl, body },
        Game::Smz3 => ProviderRequest::Smz3 { baseurl, body },
        other => {
            return Err(preset.invalid(format!("{other} presets are not samus.link presets")));
        }
    };
    Ok((request, key))
}

/// The samus.link spoiler URL for a generated seed (`guid` from the response).
pub fn samus_spoiler_url(baseurl: &str, guid: &str, key: &str, use_yaml: bool) -> String {
    let yaml = if use_yaml { "True" } else { "False" };
    format!("{baseurl}/api/spoiler/{guid}?key={key}&yaml={yaml}")
}

/// The request for a CTJets preset; `version` defaults to `3_1_0`.
pub fn build_ctjets_request(preset: &Preset) -> Result<ProviderRequest, PresetError> {
    let settings = Value::Map(preset.settings()?.clone()).to_json();
    let version = match preset.data.get("version") {
        Some(Value::Str(v)) => v.clone(),
        Some(Value::Null) | None => "3_1_0".to_owned(),
        Some(other) => other.to_string(),
    };
    Ok(ProviderRequest::CtJets { settings, version })
}
