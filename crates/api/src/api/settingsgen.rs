//! The settings generator (api.md §3.5, parity rows 45–47): mystery settings rolled from a
//! weightset with core's roller and production randomness. Nothing is generated on
//! alttpr.com and nothing is written.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use sahasrahbot_core::presets::mystery::{self, PyRandom};
use sahasrahbot_core::presets::user::{MysteryPresets, fetch};
use sahasrahbot_core::presets::{Game, Map, PresetError, Value};

use super::{ApiError, ApiResult, Tag};
use crate::state::AppState;

/// The settingsgen routes.
pub(crate) struct SettingsgenApi;

/// Rolled settings and where to send them.
#[derive(Debug, Object)]
struct Rolled {
    /// Whether the settings need alttpr.com's customizer endpoint.
    customizer: bool,
    /// Whether the settings are for the door randomizer.
    doors: bool,
    /// The alttpr.com endpoint (`/api/customizer` or `/api/randomizer`); `null` for the door
    /// randomizer.
    endpoint: Option<String>,
    /// The rolled settings (`spoilers` is `mystery`).
    settings: serde_json::Value,
}

/// Rolls `weights` (a weightset mapping).
async fn roll(state: &AppState, weights: &Map) -> ApiResult<Json<Rolled>> {
    let nul_preset = weights
        .get("preset")
        .and_then(Value::as_map)
        .is_some_and(|m| m.keys().any(|k| k.key_string().contains('\0')));
    if nul_preset {
        return Err(ApiError::unprocessable("a preset name holds a NUL byte"));
    }
    let users = state.user_presets();
    let presets = MysteryPresets::load(state.presets(), &users, weights)
        .await
        .map_err(|e| ApiError::internal("the weightset's presets cannot be loaded", &e))?;
    let mut rng = PyRandom::new(i128::from(rand::random::<u64>()));
    let rolled = mystery::roll(weights, "mystery", &presets, &mut rng)
        .map_err(|e| ApiError::unprocessable(format!("the weights cannot be rolled: {e}")))?;
    if let Some(text) = &rolled.custom_instructions {
        tracing::info!(instructions = %text, "settingsgen: custom instructions rolled");
    }
    let json = rolled.settingsgen_json();
    Ok(Json(Rolled {
        customizer: rolled.customizer,
        doors: rolled.doors,
        endpoint: json["endpoint"].as_str().map(str::to_owned),
        settings: json["settings"].clone(),
    }))
}

/// Rolls the stored weightset `reference` (`name` or `namespace/name`).
async fn roll_stored(state: &AppState, reference: Option<&str>) -> ApiResult<Json<Rolled>> {
    let reference = reference
        .filter(|r| !r.is_empty())
        .ok_or_else(|| ApiError::bad_request("the query parameter `weightset` is required"))?;
    let users = state.user_presets();
    let weightset = match fetch(state.presets(), &users, Game::AlttprMystery, reference).await {
        Ok(preset) => preset,
        Err(sahasrahbot_core::Error::Preset(
            e @ (PresetError::NotFound { .. }
            | PresetError::NotFoundInNamespace { .. }
            | PresetError::NamespaceNotFound { .. }),
        )) => return Err(ApiError::not_found(e.to_string())),
        Err(sahasrahbot_core::Error::Preset(e @ PresetError::NoPresetSpecified)) => {
            return Err(ApiError::bad_request(e.to_string()));
        }
        Err(sahasrahbot_core::Error::Preset(
            e @ (PresetError::Yaml { .. } | PresetError::Invalid { .. }),
        )) => {
            return Err(ApiError::unprocessable(format!(
                "the weightset cannot be rolled: {e}"
            )));
        }
        Err(e) => return Err(ApiError::internal("the weightset cannot be loaded", &e)),
    };
    roll(state, &weightset.data).await
}

#[OpenApi(tag = "Tag::Settingsgen")]
impl SettingsgenApi {
    /// Roll posted weights
    ///
    /// The body is a weightset, as in `presets/alttprmystery/*.yaml` but in JSON. A body that
    /// is not a JSON object is a 400; weights that cannot be rolled (a missing key, a preset
    /// that does not exist) a 422. The Python bot answered both with its 500 page.
    #[oai(path = "/api/settingsgen/mystery", method = "post")]
    async fn roll_posted(
        &self,
        state: Data<&AppState>,
        weights: Json<serde_json::Value>,
    ) -> ApiResult<Json<Rolled>> {
        match Value::from_json(&weights.0) {
            Value::Map(map) => roll(&state, &map).await,
            _ => Err(ApiError::bad_request(
                "the body must be a JSON object of weights",
            )),
        }
    }

    /// Roll a stored weightset
    ///
    /// `weightset` names a global weightset (`presets/alttprmystery/<name>.yaml`) or a user
    /// one (`namespace/name`). Missing → 400, unknown → 404 (the Python bot: 500 page).
    #[oai(path = "/api/settingsgen/mystery", method = "get")]
    async fn roll_query(
        &self,
        state: Data<&AppState>,
        /// `name` or `namespace/name`.
        weightset: Query<Option<String>>,
    ) -> ApiResult<Json<Rolled>> {
        roll_stored(&state, weightset.0.as_deref()).await
    }

    /// Roll a stored weightset (path form)
    ///
    /// As `GET /api/settingsgen/mystery?weightset=`, with the name in the path.
    #[oai(path = "/api/settingsgen/mystery/:weightset", method = "get")]
    async fn roll_path(
        &self,
        state: Data<&AppState>,
        /// The global weightset name.
        weightset: Path<String>,
    ) -> ApiResult<Json<Rolled>> {
        roll_stored(&state, Some(&weightset.0)).await
    }
}
