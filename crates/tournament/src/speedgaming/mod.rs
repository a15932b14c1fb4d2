//! The SpeedGaming API (`tournament.md` §1.1): the schedule of an event in a time window
//! and single episodes. Both are unauthenticated GETs; SpeedGaming serves JSON as
//! `text/html`, so the content type is not checked.

mod episode;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use chrono_tz::US::Eastern;
use serde_json::Value;
use tracing::debug;

pub use episode::{Channel, Crew, Episode, EventRef, Match, Player, versus};

use crate::{Error, Result};

/// A SpeedGaming API client.
#[derive(Debug, Clone)]
pub struct SpeedGaming {
    http: reqwest::Client,
    base: String,
    debug: Option<DebugMode>,
}

/// The DEBUG-mode behaviour of §1.1 (development bots).
#[derive(Debug, Clone, Default)]
struct DebugMode {
    /// Where `sg_{n}.json` of the debug episodes 1, 2 and 3 are read from; `None` reads them
    /// from the API.
    fixtures: Option<PathBuf>,
}

/// The event whose schedule is always episode 1 in DEBUG mode.
pub const DEBUG_EVENT: &str = "test";
/// The episodes read from the fixture directory in DEBUG mode.
pub const DEBUG_FIXTURE_EPISODES: [i64; 3] = [1, 2, 3];

impl SpeedGaming {
    /// A client for the API at `base` (e.g. `https://speedgaming.org/api`, the
    /// `speedgaming.api_endpoint` setting).
    pub fn new(http: reqwest::Client, base: impl Into<String>) -> Self {
        let base = base.into().trim_end_matches('/').to_owned();
        Self {
            http,
            base,
            debug: None,
        }
    }

    /// DEBUG mode (§1.1): the schedule of the event `test` is episode 1 whatever the window,
    /// episode 0 is a synthetic "not found" error, and — when `fixtures` is given — episodes
    /// 1, 2 and 3 are read from `{fixtures}/sg_{n}.json` instead of the API. Every other
    /// event and episode still goes to the API.
    pub fn with_debug(mut self, fixtures: Option<PathBuf>) -> Self {
        self.debug = Some(DebugMode { fixtures });
        self
    }

    /// `GET {base}/schedule?event=…&from=…&to=…`: the event's episodes in the window. The
    /// bounds are sent in US/Eastern as Python's `isoformat()` writes them.
    pub async fn schedule(
        &self,
        event: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Episode>> {
        if self.debug.is_some() && event == DEBUG_EVENT {
            debug!(event, "SpeedGaming schedule (debug: episode 1)");
            return Ok(vec![self.episode(1).await?]);
        }
        let url = format!("{}/schedule", self.base);
        let (from, to) = (eastern_isoformat(from), eastern_isoformat(to));
        debug!(event, %from, %to, "SpeedGaming schedule");
        let body = self
            .get(&url, &[("event", event), ("from", &from), ("to", &to)])
            .await?;
        if let Some(error) = error_of(&body) {
            return Err(Error::EventNotFound(format!("{event}: {error}")));
        }
        serde_json::from_value(body)
            .map_err(|e| Error::SpeedGaming(format!("schedule of {event}: {e}")))
    }

    /// `GET {base}/episode?id=…`.
    pub async fn episode(&self, id: i64) -> Result<Episode> {
        if let Some(debug) = &self.debug {
            if id == 0 {
                return Err(Error::EpisodeNotFound(
                    "0: synthetic error of the debug episode 0".to_owned(),
                ));
            }
            if let Some(dir) = &debug.fixtures
                && DEBUG_FIXTURE_EPISODES.contains(&id)
            {
                // A small local file of a development bot: read in place.
                let file = dir.join(format!("sg_{id}.json"));
                let text = std::fs::read_to_string(&file).map_err(|e| {
                    Error::SpeedGaming(format!("debug episode {}: {e}", file.display()))
                })?;
                return serde_json::from_str(&text).map_err(|e| {
                    Error::SpeedGaming(format!("debug episode {}: {e}", file.display()))
                });
            }
        }
        let url = format!("{}/episode", self.base);
        let body = self.get(&url, &[("id", &id.to_string())]).await?;
        if let Some(error) = error_of(&body) {
            return Err(Error::EpisodeNotFound(format!("{id}: {error}")));
        }
        serde_json::from_value(body).map_err(|e| Error::SpeedGaming(format!("episode {id}: {e}")))
    }

    async fn get(&self, url: &str, query: &[(&str, &str)]) -> Result<Value> {
        let response = self
            .http
            .get(url)
            .query(query)
            .send()
            .await
            .map_err(|e| Error::SpeedGaming(e.to_string()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Error::SpeedGaming(e.to_string()))?;
        if !status.is_success() {
            return Err(Error::SpeedGaming(format!("{url} answered {status}")));
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::SpeedGaming(format!("{url} answered a body that is not JSON: {e}")))
    }
}

/// The `error` of an error body, if the body is one.
fn error_of(body: &Value) -> Option<String> {
    let error = body.as_object()?.get("error")?;
    Some(match error {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// `t` in US/Eastern as Python's `datetime.isoformat()` writes an aware time: microseconds
/// only when non-zero, the offset as `±HH:MM`.
pub fn eastern_isoformat(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&Eastern);
    if local.timestamp_subsec_micros() == 0 {
        local.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    } else {
        local.format("%Y-%m-%dT%H:%M:%S%.6f%:z").to_string()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn isoformat_matches_python() {
        let winter = Utc.with_ymd_and_hms(2026, 2, 13, 2, 30, 0).unwrap();
        assert_eq!(eastern_isoformat(winter), "2026-02-12T21:30:00-05:00");
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 16, 0, 5).unwrap()
            + chrono::Duration::microseconds(123_456);
        assert_eq!(
            eastern_isoformat(summer),
            "2026-07-01T12:00:05.123456-04:00"
        );
    }

    #[test]
    fn error_bodies_are_recognised() {
        assert_eq!(
            error_of(&serde_json::json!({"error": "Event not found"})).as_deref(),
            Some("Event not found")
        );
        assert_eq!(error_of(&serde_json::json!([])), None);
        assert_eq!(error_of(&serde_json::json!({"id": 1})), None);
    }
}
