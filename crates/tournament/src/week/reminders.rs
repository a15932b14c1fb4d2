//! Settings-submission reminders (§2.16, P32): for handlers with a submission form, each
//! episode's players get one DM with the submit link; `tournament_games.submitted` records
//! that the reminder went out ("reminder sent", not "settings submitted").
//!
//! Differences from the original, on purpose:
//! - the `tournament_games` row is read **before** the players are resolved, so an episode
//!   already reminded is not resolved (and not reported) again every 15 minutes;
//! - a DM that cannot be delivered does not stop the others; the episode is still marked
//!   and the failed names go to the audit channel (the original aborted at the first
//!   failure, left the row unmarked and re-sent the reminder to everyone next tick).

use sahasrahbot_core::db::entities::tournament_games;
use sahasrahbot_core::ports::{AllowedMentions, ChatMessage, ChatTarget};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use tracing::{Instrument, info, info_span, warn};

use super::WeekServices;
use super::players;
use crate::{Episode, Error, EventDefinition, HandlerKind, Result};

/// The reminder DM (`core.py` `send_race_submission_form`, not the warning variant).
pub fn reminder_text(versus: &str, submit_link: &str) -> String {
    format!(
        "Greetings!  Do not forget to submit settings for your upcoming race: `{versus}`!\n\nFor your convenience, please visit {submit_link} to submit the settings.\n\n"
    )
}

/// The audit message of a failed reminder (§2.17).
pub fn reminder_failed(episode_id: i64, error: &str) -> String {
    format!(
        "There was an error while sending a submission reminder for episode `{episode_id}`.\n\n{error}"
    )
}

/// `{app_url}/submit/{event}?episode_id={id}`.
pub fn submit_link(app_url: &str, event_slug: &str, episode_id: i64) -> String {
    format!(
        "{}/submit/{event_slug}?episode_id={episode_id}",
        app_url.trim_end_matches('/')
    )
}

/// Whether the episode still needs its reminder: no `submitted` flag, and for the
/// ALTTPR-based handlers no stored settings either.
pub(crate) fn reminder_due(kind: HandlerKind, game: Option<&tournament_games::Model>) -> bool {
    let Some(game) = game else { return true };
    if game.submitted.is_some_and(|s| s != 0) {
        return false;
    }
    !(kind.is_alttpr_tournament_race() && game.settings.is_some())
}

/// Sends the due reminders of `event` for `episodes`; each failure is posted to the audit
/// channel and the next episode is served.
pub(crate) async fn send_all(s: &WeekServices, event: &EventDefinition, episodes: &[Episode]) {
    for episode in episodes {
        let span =
            info_span!("submission_reminder", event = %event.event_slug, episode = episode.id);
        if let Err(e) = send_one(s, event, episode).instrument(span).await {
            warn!(event = %event.event_slug, episode = episode.id, error = %e, "submission reminder failed");
            audit(s, event, reminder_failed(episode.id, &e.to_string())).await;
        }
    }
}

async fn audit(s: &WeekServices, event: &EventDefinition, content: String) {
    let Some(channel) = event.audit_channel else {
        return;
    };
    let message = ChatMessage {
        content,
        allowed_mentions: AllowedMentions::UsersAndEveryone,
        ..ChatMessage::default()
    };
    if let Err(e) = s
        .notifier
        .notify(ChatTarget::Channel(channel), message)
        .await
    {
        warn!(event = %event.event_slug, channel, error = %e, "audit message not delivered");
    }
}

async fn send_one(s: &WeekServices, event: &EventDefinition, episode: &Episode) -> Result<()> {
    let episode_id = i32::try_from(episode.id)
        .map_err(|_| Error::SpeedGaming(format!("episode id {} out of range", episode.id)))?;
    let game = tournament_games::Entity::find_by_id(episode_id)
        .one(&s.db)
        .await?;
    if !reminder_due(event.handler, game.as_ref()) {
        return Ok(());
    }
    let players = players::resolve(&s.db, s.guilds.as_ref(), event, episode).await?;
    let text = reminder_text(
        &players::versus_of(&players),
        &submit_link(&s.config.app_url, &event.event_slug, episode.id),
    );
    let mut undelivered = Vec::new();
    for player in &players {
        let message = ChatMessage {
            content: text.clone(),
            ..ChatMessage::default()
        };
        match s
            .notifier
            .notify(ChatTarget::User(player.discord_id), message)
            .await
        {
            Ok(()) => info!(player = %player.name, "submission reminder sent"),
            Err(e) => undelivered.push(format!("{}: {e}", player.name)),
        }
    }
    match game {
        Some(g) => {
            let mut row: tournament_games::ActiveModel = g.into();
            row.event = Set(Some(event.event_slug.clone()));
            row.submitted = Set(Some(1));
            row.update(&s.db).await?;
        }
        None => {
            tournament_games::ActiveModel {
                episode_id: Set(episode_id),
                event: Set(Some(event.event_slug.clone())),
                submitted: Set(Some(1)),
                ..Default::default()
            }
            .insert(&s.db)
            .await?;
        }
    }
    if undelivered.is_empty() {
        Ok(())
    } else {
        Err(Error::Discord(format!(
            "reminder DM not delivered to {}",
            undelivered.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(
        submitted: Option<i16>,
        settings: Option<serde_json::Value>,
    ) -> tournament_games::Model {
        let t = chrono::DateTime::from_timestamp(0, 0)
            .unwrap_or_default()
            .naive_utc();
        tournament_games::Model {
            episode_id: 1,
            event: None,
            game_number: None,
            settings,
            submitted,
            created: t,
            updated: t,
            notes: None,
            preset: None,
        }
    }

    #[test]
    fn reminder_is_due_once() {
        assert!(reminder_due(HandlerKind::Smrl, None));
        assert!(reminder_due(HandlerKind::Smrl, Some(&game(None, None))));
        assert!(reminder_due(HandlerKind::Smrl, Some(&game(Some(0), None))));
        assert!(!reminder_due(HandlerKind::Smrl, Some(&game(Some(1), None))));
    }

    #[test]
    fn alttpr_handlers_skip_when_settings_exist() {
        let with_settings = game(None, Some(serde_json::json!({"preset": "open"})));
        assert!(!reminder_due(HandlerKind::AlttprDe, Some(&with_settings)));
        assert!(!reminder_due(HandlerKind::InvLeague, Some(&with_settings)));
        // The base rule only looks at the flag.
        assert!(reminder_due(HandlerKind::Smrl, Some(&with_settings)));
        assert!(reminder_due(HandlerKind::AlttprDe, Some(&game(None, None))));
    }

    #[test]
    fn texts() {
        assert_eq!(
            submit_link("https://sahasrahbotapi.synack.live/", "smrl", 42),
            "https://sahasrahbotapi.synack.live/submit/smrl?episode_id=42"
        );
        assert_eq!(
            reminder_text("a vs. b", "L"),
            "Greetings!  Do not forget to submit settings for your upcoming race: `a vs. b`!\n\nFor your convenience, please visit L to submit the settings.\n\n"
        );
        assert_eq!(
            reminder_failed(7, "boom"),
            "There was an error while sending a submission reminder for episode `7`.\n\nboom"
        );
    }
}
