//! Settings submission forms (§2.16, §3.6): the form an event shows, as data the web API
//! renders, and the processing of a submitted form (P34).
//!
//! Only `smrl` has a form in the catalog. Its form is the original's `submission_smrl.html`
//! as data: a `game` select and a `preset` select shown for games 4 and 5. The generic
//! list form of §2.16 (one select per setting) has the same shape without conditions
//! ([`SubmissionForm::generic`]).

use std::collections::HashMap;

use sahasrahbot_core::db::entities::tournament_games;
use sahasrahbot_core::ports::{AllowedMentions, ChatMessage, ChatTarget};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::Serialize;
use serde_json::{Value, json};
use tracing::{info, info_span, warn};

use super::{Engine, TournamentRace};
use crate::{Error, EventDefinition, HandlerKind, Result};

/// Which page layout a form comes from (the original's template name or its generic list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// `submission_smrl.html`: game select, preset select for games 4/5.
    Smrl,
    /// `submission.html`: one select per setting.
    Generic,
}

/// One `<option>` of a select.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormOption {
    /// The submitted value.
    pub value: String,
    /// What the page shows.
    pub label: String,
}

/// When a field is shown: only while `field` has one of `values` (the page hides it
/// otherwise; the server ignores it then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownWhen {
    /// The controlling field's name.
    pub field: String,
    /// The values of that field that show this one.
    pub values: Vec<String>,
}

/// One `<select>` of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormField {
    /// The form field name.
    pub name: String,
    /// The label shown before it.
    pub label: String,
    /// The options, in page order (the first is preselected).
    pub options: Vec<FormOption>,
    /// `None`: always shown.
    pub shown_when: Option<ShownWhen>,
}

/// A settings submission form, as the API renders it: besides these selects every form has
/// the episode-id number input (`episodeid`, pre-filled, required) and a hidden `event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmissionForm {
    /// The page layout.
    pub kind: FormKind,
    /// The event slug (the hidden `event` field).
    pub event: String,
    /// The selects, in page order.
    pub fields: Vec<FormField>,
}

fn option(value: &str, label: &str) -> FormOption {
    FormOption {
        value: value.to_owned(),
        label: label.to_owned(),
    }
}

/// The presets offered for SMRL games 4 and 5 (value, label), in the original's order.
pub const SMRL_CHOICE_PRESETS: [(&str, &str); 5] = [
    ("RLS4W2", "Countdown, Full Area, Vanilla Bosses (week 2)"),
    ("RLS4W3", "Major/Minor, Full Area, Boss Shuffle (week 3)"),
    (
        "RLS4P1",
        "Countdown, Vanilla Area, Boss Shuffle (countdown equivalent to week 4)",
    ),
    ("classic_mm", "Classic DASH"),
    ("RLS4P2", "Chozo, Full Area, Vanilla Bosses"),
];

impl SubmissionForm {
    /// The form of an event, `None` when its handler has none (every handler but `smrl`;
    /// the original's `/submit` answered 500 for those).
    pub fn for_event(event: &EventDefinition) -> Option<Self> {
        match event.handler {
            HandlerKind::Smrl => Some(Self::smrl(&event.event_slug)),
            _ => None,
        }
    }

    /// The SMRL playoff form (§3.6).
    pub fn smrl(event_slug: &str) -> Self {
        Self {
            kind: FormKind::Smrl,
            event: event_slug.to_owned(),
            fields: vec![
                FormField {
                    name: "game".to_owned(),
                    label: "Game #".to_owned(),
                    options: vec![
                        option("1", "Power"),
                        option("2", "Varia"),
                        option("3", "Gravity"),
                        option("4", "4"),
                        option("5", "5"),
                    ],
                    shown_when: None,
                },
                FormField {
                    name: "preset".to_owned(),
                    label: "Preset".to_owned(),
                    options: SMRL_CHOICE_PRESETS
                        .iter()
                        .map(|(v, l)| option(v, l))
                        .collect(),
                    shown_when: Some(ShownWhen {
                        field: "game".to_owned(),
                        values: vec!["4".to_owned(), "5".to_owned()],
                    }),
                },
            ],
        }
    }

    /// A generic list form (§2.16): one always-shown select per `(key, label, options)`,
    /// options in the given order (the original's `settings` dict insertion order).
    pub fn generic(event_slug: &str, settings: Vec<(String, String, Vec<FormOption>)>) -> Self {
        Self {
            kind: FormKind::Generic,
            event: event_slug.to_owned(),
            fields: settings
                .into_iter()
                .map(|(name, label, options)| FormField {
                    name,
                    label,
                    options,
                    shown_when: None,
                })
                .collect(),
        }
    }
}

/// SMRL settings chosen by a submitted form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmrlChoice {
    /// The game number (1–5).
    pub game_number: i32,
    /// `smvaria` or `smdash`.
    pub randomizer: String,
    /// The VARIA settings preset or DASH mode.
    pub preset: String,
}

/// Maps a submitted SMRL form to its game (§3.6): 1 → smvaria `RLS4W5`, 2 → smdash
/// `recall_mm`, 3 → smvaria `RLS4GS`, 4/5 → the chosen preset (smdash for `classic_mm`,
/// else smvaria). Any other game, or a game 4/5 preset that is not offered, is an
/// [`Error::Submission`].
pub fn smrl_choice(fields: &HashMap<String, String>) -> Result<SmrlChoice> {
    let raw = fields.get("game").map(|s| s.trim()).unwrap_or_default();
    let game_number: i32 = raw.parse().map_err(|_| {
        Error::Submission(format!(
            "Invalid game number `{raw}`: choose a game from 1 to 5."
        ))
    })?;
    let (randomizer, preset) = match game_number {
        1 => ("smvaria", "RLS4W5".to_owned()),
        2 => ("smdash", "recall_mm".to_owned()),
        3 => ("smvaria", "RLS4GS".to_owned()),
        4 | 5 => {
            let preset = fields.get("preset").map(|s| s.trim()).unwrap_or_default();
            if !SMRL_CHOICE_PRESETS.iter().any(|(v, _)| *v == preset) {
                return Err(Error::Submission(format!(
                    "Invalid preset `{preset}` for game {game_number}: choose one of {}.",
                    SMRL_CHOICE_PRESETS
                        .iter()
                        .map(|(v, _)| *v)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            let randomizer = if preset == "classic_mm" {
                "smdash"
            } else {
                "smvaria"
            };
            (randomizer, preset.to_owned())
        }
        other => {
            return Err(Error::Submission(format!(
                "Invalid game number `{other}`: choose a game from 1 to 5."
            )));
        }
    };
    Ok(SmrlChoice {
        game_number,
        randomizer: randomizer.to_owned(),
        preset,
    })
}

/// What a processed submission tells the submitter ("Submission Done" page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmissionDone {
    /// The players, `versus`-joined.
    pub versus: String,
    /// The stored settings.
    pub choice: SmrlChoice,
}

/// Discord's `Colour.blue()`.
const BLUE: u32 = 0x0034_98DB;

/// The confirmation embed of an SMRL submission.
fn smrl_embed(
    versus: &str,
    episode_id: i64,
    event: &str,
    choice: &SmrlChoice,
    submitted_by: &str,
) -> Value {
    let field = |name: &str, value: String| json!({"name": name, "value": value, "inline": false});
    json!({
        "title": format!("SMRL - {versus}"),
        "description": "Thank you for submitting your settings for this race!  Below is what will be played.\nIf this is incorrect, please contact a tournament admin.",
        "color": BLUE,
        "fields": [
            field("Episode ID", episode_id.to_string()),
            field("Event", event.to_owned()),
            field("Game #", choice.game_number.to_string()),
            field("Randomizer", choice.randomizer.clone()),
            field("Preset", choice.preset.clone()),
            field("Submitted by", submitted_by.to_owned()),
        ],
    })
}

impl Engine {
    /// The form of an active event (`GET /submit/<event>`), `None` when the event is not
    /// active or has no form.
    pub fn submission_form(&self, event_slug: &str) -> Option<SubmissionForm> {
        self.event(event_slug).and_then(SubmissionForm::for_event)
    }

    /// Processes a submitted settings form (`POST /submit`, §2.16, §3.6): validates the
    /// fields, constructs the race (SpeedGaming refetch and player resolution), upserts
    /// `tournament_games {settings: {randomizer, preset}, event, game_number}`, posts the
    /// confirmation embed to the audit channel and DMs it to the players (a failed DM →
    /// audit `@here` with the embed).
    ///
    /// Errors: an event that is not active or has no form, invalid fields (nothing is
    /// fetched or written then), SpeedGaming or player failures (nothing written).
    pub async fn process_submission_form(
        &self,
        event_slug: &str,
        episode_id: i64,
        fields: &HashMap<String, String>,
        submitted_by: &str,
    ) -> Result<SubmissionDone> {
        let event = self
            .event(event_slug)
            .ok_or_else(|| Error::Submission(format!("The event `{event_slug}` is not active.")))?
            .clone();
        if event.handler != HandlerKind::Smrl {
            return Err(Error::Submission(format!(
                "The event `{event_slug}` has no settings submission form."
            )));
        }
        let span = info_span!("submission", event = %event.event_slug, episode = episode_id);
        let work = async {
            let choice = smrl_choice(fields)?;
            let id = i32::try_from(episode_id).map_err(|_| {
                Error::Submission(format!("The episode id {episode_id} is out of range."))
            })?;
            let s = self.services();
            let race = TournamentRace::prepare(s.clone(), event.clone(), episode_id, None).await?;
            let versus = race.versus();

            let settings = json!({"randomizer": choice.randomizer, "preset": choice.preset});
            // The primary key is the episode id, so a new row is inserted explicitly
            // (`save` would try an update).
            match tournament_games::Entity::find_by_id(id).one(&s.db).await? {
                Some(row) => {
                    let mut row: tournament_games::ActiveModel = row.into();
                    row.settings = Set(Some(settings));
                    row.event = Set(Some(event.event_slug.clone()));
                    row.game_number = Set(Some(choice.game_number));
                    row.update(&s.db).await?;
                }
                None => {
                    tournament_games::ActiveModel {
                        episode_id: Set(id),
                        settings: Set(Some(settings)),
                        event: Set(Some(event.event_slug.clone())),
                        game_number: Set(Some(choice.game_number)),
                        ..Default::default()
                    }
                    .insert(&s.db)
                    .await?;
                }
            }
            info!(game = choice.game_number, randomizer = %choice.randomizer, preset = %choice.preset, "settings submitted");

            let embed = smrl_embed(
                &versus,
                episode_id,
                &event.event_slug,
                &choice,
                submitted_by,
            );
            s.post_embed(event.audit_channel, &embed).await;
            for player in race.players() {
                let dm = ChatMessage {
                    embed: Some(embed.to_string()),
                    ..ChatMessage::default()
                };
                if let Err(e) = s.send(ChatTarget::User(player.discord_id), dm).await {
                    warn!(player = %player.name, error = %e, "submission confirmation DM not delivered");
                    if let Some(channel) = event.audit_channel {
                        let notice = ChatMessage {
                            content: format!("@here could not send DM to {}", player.name),
                            embed: Some(embed.to_string()),
                            allowed_mentions: AllowedMentions::UsersAndEveryone,
                        };
                        if let Err(e) = s.send(ChatTarget::Channel(channel), notice).await {
                            warn!(channel, error = %e, "Discord message not delivered");
                        }
                    }
                }
            }
            Ok(SubmissionDone { versus, choice })
        };
        tracing::Instrument::instrument(work, span).await
    }
}
