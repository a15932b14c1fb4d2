//! HTTP calls: token, category feed, race data, startrace, edit, team and user lookups.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde::Deserialize;

use crate::config::HostConfig;
use crate::error::{Error, Result};
use crate::model::{CategoryData, RaceData, RaceStatusValue, Team, parse_duration};

/// A freshly issued access token.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct AccessToken {
    pub(crate) value: String,
    pub(crate) expires_in: Duration,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Race settings as sent to `POST /o/{category}/startrace` and `POST /o/{category}/{slug}/edit`
/// (racetime.md §1.10–1.11). [`Default`] gives the server's model defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaceSettings {
    /// Goal name (one of the category's goals). Exactly one of `goal`/`custom_goal` is sent.
    pub goal: Option<String>,
    /// Free-text goal.
    pub custom_goal: Option<String>,
    /// Team race (startrace only).
    pub team_race: bool,
    /// Start as invitational (startrace only).
    pub invitational: bool,
    /// Unlisted.
    pub unlisted: bool,
    /// Ranked.
    pub ranked: bool,
    /// User info text.
    pub info_user: String,
    /// Bot info text.
    pub info_bot: String,
    /// Recordable.
    pub recordable: bool,
    /// Require even teams.
    pub require_even_teams: bool,
    /// Countdown in seconds (10–60).
    pub start_delay: u32,
    /// Time limit in hours (1–72).
    pub time_limit: u32,
    /// Auto-complete at the time limit.
    pub time_limit_auto_complete: bool,
    /// Streaming required.
    pub streaming_required: bool,
    /// Auto start when everyone is ready.
    pub auto_start: bool,
    /// Allow comments.
    pub allow_comments: bool,
    /// Hide comments until the race ends.
    pub hide_comments: bool,
    /// Allow chat before the race.
    pub allow_prerace_chat: bool,
    /// Allow chat during the race.
    pub allow_midrace_chat: bool,
    /// Allow chat from non-entrants.
    pub allow_non_entrant_chat: bool,
    /// Chat delay in seconds (0–90).
    pub chat_message_delay: u32,
}

impl Default for RaceSettings {
    fn default() -> Self {
        Self {
            goal: None,
            custom_goal: None,
            team_race: false,
            invitational: false,
            unlisted: false,
            ranked: true,
            info_user: String::new(),
            info_bot: String::new(),
            recordable: true,
            require_even_teams: false,
            start_delay: 15,
            time_limit: 24,
            time_limit_auto_complete: false,
            streaming_required: false,
            auto_start: true,
            allow_comments: true,
            hide_comments: false,
            allow_prerace_chat: true,
            allow_midrace_chat: true,
            allow_non_entrant_chat: true,
            chat_message_delay: 0,
        }
    }
}

impl RaceSettings {
    /// Sets a goal by name and clears any custom goal.
    pub fn set_goal(&mut self, goal: impl Into<String>) {
        self.goal = Some(goal.into());
        self.custom_goal = None;
    }

    /// Sets a custom goal and clears any goal name.
    pub fn set_custom_goal(&mut self, goal: impl Into<String>) {
        self.custom_goal = Some(goal.into());
        self.goal = None;
    }

    /// The current settings of a race, as `edit` must resend them (the server resets missing
    /// fields to defaults).
    pub fn from_race(race: &RaceData) -> Self {
        let secs = |d: &Option<String>| {
            d.as_deref()
                .and_then(parse_duration)
                .map_or(0, |d| d.as_secs() as u32)
        };
        let (goal, custom_goal) = if race.goal.custom {
            (None, Some(race.goal.name.clone()))
        } else {
            (Some(race.goal.name.clone()), None)
        };
        Self {
            goal,
            custom_goal,
            team_race: race.team_race,
            invitational: race.status.value == RaceStatusValue::Invitational,
            unlisted: race.unlisted,
            ranked: race.ranked,
            info_user: race.info_user.clone().unwrap_or_default(),
            info_bot: race.info_bot.clone().unwrap_or_default(),
            recordable: race.recordable,
            require_even_teams: race.require_even_teams,
            start_delay: secs(&race.start_delay),
            time_limit: ((secs(&race.time_limit) as f64) / 3600.0).round() as u32,
            time_limit_auto_complete: race.time_limit_auto_complete,
            streaming_required: race.streaming_required,
            auto_start: race.auto_start,
            allow_comments: race.allow_comments,
            hide_comments: race.hide_comments,
            allow_prerace_chat: race.allow_prerace_chat,
            allow_midrace_chat: race.allow_midrace_chat,
            allow_non_entrant_chat: race.allow_non_entrant_chat,
            chat_message_delay: secs(&race.chat_message_delay),
        }
    }

    pub(crate) fn check_goal(&self) -> Result<()> {
        match (&self.goal, &self.custom_goal) {
            (Some(_), Some(_)) => Err(Error::InvalidRequest(
                "set either goal or custom_goal, not both".to_owned(),
            )),
            _ => Ok(()),
        }
    }

    /// The startrace form: every field, booleans as `true`/`false`.
    pub(crate) fn start_form(&self) -> Vec<(&'static str, String)> {
        let mut f = self.common_form(true);
        f.push(("team_race", self.team_race.to_string()));
        f.push(("invitational", self.invitational.to_string()));
        f
    }

    /// The edit form. Once a race is no longer open/invitational the server ignores the
    /// preparation-only fields, so they are left out.
    pub(crate) fn edit_form(&self, preparing: bool) -> Vec<(&'static str, String)> {
        self.common_form(preparing)
    }

    fn common_form(&self, preparing: bool) -> Vec<(&'static str, String)> {
        let b = |v: bool| v.to_string();
        let mut f = vec![
            ("unlisted", b(self.unlisted)),
            ("ranked", b(self.ranked)),
            ("info_user", self.info_user.clone()),
            ("info_bot", self.info_bot.clone()),
            ("recordable", b(self.recordable)),
            ("require_even_teams", b(self.require_even_teams)),
            ("time_limit_auto_complete", b(self.time_limit_auto_complete)),
            ("allow_comments", b(self.allow_comments)),
            ("hide_comments", b(self.hide_comments)),
            ("allow_midrace_chat", b(self.allow_midrace_chat)),
            ("allow_non_entrant_chat", b(self.allow_non_entrant_chat)),
            ("chat_message_delay", self.chat_message_delay.to_string()),
        ];
        if preparing {
            f.extend([
                ("goal", self.goal.clone().unwrap_or_default()),
                ("custom_goal", self.custom_goal.clone().unwrap_or_default()),
                ("start_delay", self.start_delay.to_string()),
                ("time_limit", self.time_limit.to_string()),
                ("streaming_required", b(self.streaming_required)),
                ("auto_start", b(self.auto_start)),
                ("allow_prerace_chat", b(self.allow_prerace_chat)),
            ]);
        }
        f
    }
}

/// The HTTP side of racetime.gg for one category bot.
#[derive(Clone)]
pub(crate) struct Api {
    pub(crate) http: reqwest::Client,
    pub(crate) host: HostConfig,
    /// The room sockets' TLS connector (`wss` hosts only), shared by every room of the bot.
    pub(crate) tls: Option<tokio_rustls::TlsConnector>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("host", &self.host)
            .field("tls", &self.tls.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct ValidationBody {
    errors: BTreeMap<String, Vec<String>>,
}

impl Api {
    /// `extra_roots`: DER certificates trusted on top of the usual roots, for HTTP and the room
    /// sockets alike.
    pub(crate) fn new(host: HostConfig, extra_roots: &[Vec<u8>]) -> Result<Self> {
        let mut http = reqwest::Client::builder()
            .user_agent(concat!("sahasrahbot-racetime/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none());
        for der in extra_roots {
            http = http.add_root_certificate(reqwest::Certificate::from_der(der)?);
        }
        let http = http.build()?;
        let tls = if host.secure {
            Some(crate::tls::connector(extra_roots)?)
        } else {
            None
        };
        Ok(Self { http, host, tls })
    }

    pub(crate) async fn token(&self, client_id: &str, client_secret: &str) -> Result<AccessToken> {
        let resp = self
            .http
            .post(self.host.http_url("/o/token")?)
            .form(&[
                ("client_id", client_id),
                ("client_secret", client_secret),
                ("grant_type", "client_credentials"),
            ])
            .send()
            .await?;
        let status = resp.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST {
            let body: serde_json::Value = resp.json().await.unwrap_or_default();
            let err = body
                .get("error")
                .and_then(|e| e.as_str())
                .unwrap_or("unauthorized")
                .to_owned();
            return Err(Error::InvalidClient(err));
        }
        let resp = check(resp, "/o/token").await?;
        let body: TokenResponse = resp.json().await?;
        let value = body.access_token.ok_or(Error::NoAccessToken)?;
        Ok(AccessToken {
            value,
            expires_in: Duration::from_secs(body.expires_in.unwrap_or(36000)),
        })
    }

    pub(crate) async fn category_feed(&self, category: &str, token: &str) -> Result<CategoryData> {
        let path = format!("/o/{category}/data");
        let resp = self
            .http
            .get(self.host.http_url(&path)?)
            .bearer_auth(token)
            .send()
            .await?;
        Ok(check(resp, &path).await?.json().await?)
    }

    pub(crate) async fn race_data(&self, room: &str) -> Result<RaceData> {
        let path = format!("/{room}/data");
        let resp = self.http.get(self.host.http_url(&path)?).send().await?;
        Ok(check(resp, &path).await?.json().await?)
    }

    pub(crate) async fn start_race(
        &self,
        category: &str,
        token: &str,
        settings: &RaceSettings,
    ) -> Result<String> {
        settings.check_goal()?;
        let path = format!("/o/{category}/startrace");
        let resp = self
            .http
            .post(self.host.http_url(&path)?)
            .bearer_auth(token)
            .form(&settings.start_form())
            .send()
            .await?;
        let resp = check(resp, &path).await?;
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .ok_or(Error::NoLocation)?;
        Ok(location.trim_start_matches('/').to_owned())
    }

    pub(crate) async fn edit(
        &self,
        room: &str,
        token: &str,
        settings: &RaceSettings,
        preparing: bool,
    ) -> Result<()> {
        settings.check_goal()?;
        let path = format!("/o/{room}/edit");
        let resp = self
            .http
            .post(self.host.http_url(&path)?)
            .bearer_auth(token)
            .form(&settings.edit_form(preparing))
            .send()
            .await?;
        check(resp, &path).await?;
        Ok(())
    }

    pub(crate) async fn team(&self, slug: &str) -> Result<Team> {
        let path = format!("/team/{slug}/data");
        let resp = self.http.get(self.host.http_url(&path)?).send().await?;
        Ok(check(resp, &path).await?.json().await?)
    }

    pub(crate) async fn user(&self, id: &str) -> Result<serde_json::Value> {
        let path = format!("/user/{id}/data");
        let resp = self.http.get(self.host.http_url(&path)?).send().await?;
        Ok(check(resp, &path).await?.json().await?)
    }
}

async fn check(resp: Response, what: &str) -> Result<Response> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    match status {
        StatusCode::FORBIDDEN => {
            let body = resp.text().await.unwrap_or_default();
            Err(Error::Forbidden(if body.is_empty() {
                what.to_owned()
            } else {
                body
            }))
        }
        StatusCode::NOT_FOUND => Err(Error::NotFound(what.to_owned())),
        StatusCode::UNPROCESSABLE_ENTITY => {
            let text = resp.text().await.unwrap_or_default();
            match serde_json::from_str::<ValidationBody>(&text) {
                Ok(body) => Err(Error::Validation(body.errors)),
                Err(_) => Err(Error::Validation(BTreeMap::from([(
                    "__all__".to_owned(),
                    vec![text],
                )]))),
            }
        }
        _ => Err(Error::Status {
            status: status.as_u16(),
            what: what.to_owned(),
        }),
    }
}
