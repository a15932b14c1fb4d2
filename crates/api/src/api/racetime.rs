//! `POST /api/racetime/cmd` (api.md §3.2, parity row 24, racetime.md §4 row 36): relays a chat
//! command into a racetime.gg room one of this process's category bots handles, as a
//! moderator and monitor, after announcing it in the room.

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::auth::{self, ApiKeyAuth, KeyCheck};
use super::{ApiError, ApiResult, Tag};
use crate::state::AppState;

/// The racetime routes.
pub(crate) struct RacetimeApi;

/// A command for a room.
#[derive(Debug, Object)]
struct RoomCommand {
    /// The racetime.gg category slug, e.g. `alttpr`.
    #[oai(validator(min_length = 1, max_length = 100))]
    category: String,
    /// The room slug without the category, e.g. `witty-link-1234`.
    #[oai(validator(min_length = 1, max_length = 200))]
    room: String,
    /// The chat text to run, e.g. `!race`.
    #[oai(validator(min_length = 1, max_length = 1000))]
    cmd: String,
}

/// The command ran.
#[derive(Debug, Object)]
struct Success {
    /// Always `true`.
    success: bool,
}

#[OpenApi(tag = "Tag::Racetime")]
impl RacetimeApi {
    /// Run a command in a race room
    ///
    /// Needs an API key with the permission `racetimecmd` whose subtype is the category.
    /// Posts `Executing command from API request: <cmd>` in the room, then runs `cmd` as a
    /// moderator and monitor (so it passes `!lock`), and answers once the bot has processed
    /// it. 401 without a key, 403 for a wrong key or category, 404 when no bot of this process
    /// runs the category or handles the room (the Python bot: 400, 403, 500 page and a 200
    /// "Not Found" page).
    #[oai(path = "/api/racetime/cmd", method = "post")]
    async fn cmd(
        &self,
        state: Data<&AppState>,
        auth: ApiKeyAuth,
        body: Json<RoomCommand>,
    ) -> ApiResult<Json<Success>> {
        let RoomCommand {
            category,
            room,
            cmd,
        } = body.0;
        let span = tracing::info_span!("api_racetime_cmd", %category, %room);
        let _guard = span.enter();
        match auth::check(state.db(), &auth, "racetimecmd", Some(&category)).await? {
            KeyCheck::Granted => {}
            KeyCheck::Denied => {
                return Err(ApiError::forbidden(format!(
                    "the API key may not send commands to the category {category}"
                )));
            }
        }
        let not_running = || {
            ApiError::not_found(format!(
                "no racetime.gg bot of this process runs the category {category}"
            ))
        };
        let racetime = state.racetime().ok_or_else(not_running)?;
        racetime.bots.get(&category).map_err(|_| not_running())?;
        let name = format!("{category}/{room}");
        drop(_guard);
        match sahasrahbot_racetime_handlers::inject_command(&racetime.registry, &name, &cmd).await {
            Ok(outcome) => {
                tracing::info!(room = %name, %cmd, ?outcome, "API command processed");
                Ok(Json(Success { success: true }))
            }
            Err(sahasrahbot_racetime_handlers::Error::Racetime(
                sahasrahbot_racetime::Error::RoomNotHandled(_),
            )) => Err(ApiError::not_found(format!(
                "the room {name} is not handled by this bot"
            ))),
            Err(e) => Err(ApiError::internal("the command could not be relayed", &e)),
        }
    }
}
