//! The async tournament's components (buttons, the pool select, modals), their `custom_id`
//! scheme, and the embeds posted with them.
//!
//! Persistent buttons use the fixed ids of `discord.md` §1.9. Short-lived components (the
//! pool picker, the forfeit and close confirmations) carry their state and their expiry in
//! the id: `sahasrahbot:async_{kind}:{expiry unix seconds}[:{state}]`.

use twilight_model::channel::message::Embed;
use twilight_model::channel::message::component::{
    ActionRow, ButtonStyle, Component, SelectMenu, SelectMenuOption, SelectMenuType, TextInput,
    TextInputStyle,
};

use crate::commands::inquiry::{button, row};
use crate::embeds::alttpr::field;

/// 🏁 "Start new async run" on the tournament embed.
pub const NEW_RACE_ID: &str = "sahasrahbot:new_async_race";
/// ✅ "Ready (start countdown)" on the race thread's first message.
pub const READY_ID: &str = "sahasrahbot:async_ready";
/// 🏳️ "Forfeit" on the Ready message.
pub const FORFEIT_ID: &str = "sahasrahbot:async_forfeit";
/// 🏳️ "Forfeit" on the GO message.
pub const FORFEIT2_ID: &str = "sahasrahbot:async_forfeit2";
/// ✅ "Finish" on the GO message.
pub const FINISH_ID: &str = "sahasrahbot:async_finish";
/// ⏱️ "Get timer" on the GO message.
pub const TIMER_ID: &str = "sahasrahbot:async_get_timer";
/// 🗒️ "Submit Run Information" on the finish message.
pub const SUBMIT_ID: &str = "sahasrahbot:async_submit_vod";
/// The "Submit VOD and Notes" modal.
pub const VOD_MODAL_ID: &str = "sahasrahbot:async_vod_modal";
/// The "Submit Collection Rate and IGT" modal (`gmpmt2023` tournaments).
pub const RUN_INFO_MODAL_ID: &str = "sahasrahbot:async_run_info_modal";

/// The pool select of the new-run dialog: `{prefix}{expiry}`.
const PICK_PREFIX: &str = "sahasrahbot:async_pick:";
/// "I confirm…" of the new-run dialog: `{prefix}{expiry}:{pool id}` (pool 0: none yet).
const CONFIRM_PREFIX: &str = "sahasrahbot:async_confirm:";
/// "Cancel" of the new-run dialog: `{prefix}{expiry}`.
const CANCEL_PREFIX: &str = "sahasrahbot:async_cancel:";
/// "Confirm Forfeit": `{prefix}{expiry}:{message id}:{g|r}` (the GO or the Ready message).
const FORFEIT_CONFIRM_PREFIX: &str = "sahasrahbot:async_ffconfirm:";
/// "Yes, close this tournament": `{prefix}{expiry}`.
const CLOSE_CONFIRM_PREFIX: &str = "sahasrahbot:async_close:";

/// Text inputs of the modals.
pub(crate) const VOD_INPUT: &str = "runner_vod_url";
pub(crate) const NOTES_INPUT: &str = "runner_notes";
pub(crate) const COLLECTION_INPUT: &str = "collection_rate";
pub(crate) const IGT_INPUT: &str = "igt";

/// How long the short-lived dialogs work, seconds.
pub const DIALOG_SECONDS: i64 = 60;

/// What an async tournament `custom_id` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 🏁 on the tournament embed.
    NewRace,
    /// A pool chosen in the new-run dialog.
    PickPool {
        /// When the dialog stops working (unix seconds).
        expires: i64,
    },
    /// "I confirm…" in the new-run dialog.
    ConfirmNewRace {
        /// When the dialog stops working.
        expires: i64,
        /// The chosen pool (0 when none was chosen).
        pool: i32,
    },
    /// "Cancel" in the new-run dialog.
    CancelNewRace {
        /// When the dialog stops working.
        expires: i64,
    },
    /// ✅ Ready.
    Ready,
    /// 🏳️ Forfeit on the Ready (`go` false) or the GO message.
    Forfeit {
        /// Whether it is the GO message's button.
        go: bool,
    },
    /// "Confirm Forfeit".
    ConfirmForfeit {
        /// When the dialog stops working.
        expires: i64,
        /// The Ready or GO message whose buttons are disabled afterwards.
        message: u64,
        /// Whether that message is the GO message (otherwise the Ready message).
        go: bool,
    },
    /// ✅ Finish.
    Finish,
    /// ⏱️ Get timer.
    Timer,
    /// 🗒️ Submit Run Information.
    SubmitInfo,
    /// "Yes, close this tournament".
    ConfirmClose {
        /// When the dialog stops working.
        expires: i64,
    },
}

impl Action {
    /// When a short-lived component stops working; `None` for persistent ones.
    pub fn expires(self) -> Option<i64> {
        match self {
            Action::PickPool { expires }
            | Action::ConfirmNewRace { expires, .. }
            | Action::CancelNewRace { expires }
            | Action::ConfirmForfeit { expires, .. }
            | Action::ConfirmClose { expires } => Some(expires),
            _ => None,
        }
    }
}

/// The action of an async tournament `custom_id`; `None` for other ids.
pub fn parse(custom_id: &str) -> Option<Action> {
    let fixed = match custom_id {
        NEW_RACE_ID => Some(Action::NewRace),
        READY_ID => Some(Action::Ready),
        FORFEIT_ID => Some(Action::Forfeit { go: false }),
        FORFEIT2_ID => Some(Action::Forfeit { go: true }),
        FINISH_ID => Some(Action::Finish),
        TIMER_ID => Some(Action::Timer),
        SUBMIT_ID => Some(Action::SubmitInfo),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    if let Some(rest) = custom_id.strip_prefix(PICK_PREFIX) {
        return Some(Action::PickPool {
            expires: rest.parse().ok()?,
        });
    }
    if let Some(rest) = custom_id.strip_prefix(CANCEL_PREFIX) {
        return Some(Action::CancelNewRace {
            expires: rest.parse().ok()?,
        });
    }
    if let Some(rest) = custom_id.strip_prefix(CLOSE_CONFIRM_PREFIX) {
        return Some(Action::ConfirmClose {
            expires: rest.parse().ok()?,
        });
    }
    if let Some((expires, pool)) = custom_id
        .strip_prefix(CONFIRM_PREFIX)
        .and_then(|rest| rest.split_once(':'))
    {
        return Some(Action::ConfirmNewRace {
            expires: expires.parse().ok()?,
            pool: pool.parse().ok()?,
        });
    }
    if let Some(rest) = custom_id.strip_prefix(FORFEIT_CONFIRM_PREFIX) {
        let mut parts = rest.split(':');
        let expires = parts.next()?.parse().ok()?;
        let message = parts.next()?.parse().ok()?;
        let go = match parts.next()? {
            "g" => true,
            "r" => false,
            _ => return None,
        };
        return Some(Action::ConfirmForfeit {
            expires,
            message,
            go,
        });
    }
    None
}

fn buttons(components: Vec<Component>) -> Component {
    Component::ActionRow(ActionRow {
        components,
        id: None,
    })
}

fn disabled(mut component: Component, off: bool) -> Component {
    if let Component::Button(b) = &mut component {
        b.disabled = off;
    }
    component
}

/// The tournament embed's button row.
pub(crate) fn tournament_view() -> Vec<Component> {
    vec![row(button(
        NEW_RACE_ID,
        "Start new async run",
        ButtonStyle::Success,
        Some("🏁"),
    ))]
}

/// The Ready message's buttons (all disabled with `off`).
pub(crate) fn ready_view(off: bool) -> Vec<Component> {
    vec![buttons(vec![
        disabled(
            button(
                READY_ID,
                "Ready (start countdown)",
                ButtonStyle::Success,
                Some("✅"),
            ),
            off,
        ),
        disabled(
            button(FORFEIT_ID, "Forfeit", ButtonStyle::Danger, Some("🏳️")),
            off,
        ),
    ])]
}

/// The GO message's buttons (all disabled with `off`).
pub(crate) fn in_progress_view(off: bool) -> Vec<Component> {
    vec![buttons(vec![
        disabled(
            button(FINISH_ID, "Finish", ButtonStyle::Success, Some("✅")),
            off,
        ),
        disabled(
            button(FORFEIT2_ID, "Forfeit", ButtonStyle::Danger, Some("🏳️")),
            off,
        ),
        disabled(
            button(TIMER_ID, "Get timer", ButtonStyle::Secondary, Some("⏱️")),
            off,
        ),
    ])]
}

/// The finish message's button.
pub(crate) fn post_race_view() -> Vec<Component> {
    vec![row(button(
        SUBMIT_ID,
        "Submit Run Information",
        ButtonStyle::Success,
        Some("🗒️"),
    ))]
}

/// The new-run dialog: the pool select (`pools` as `(id, name)`, `chosen` marked as the
/// default), then "I confirm…" (enabled once a pool is chosen) and "Cancel".
pub(crate) fn pool_picker(
    pools: &[(i32, String)],
    chosen: Option<i32>,
    expires: i64,
) -> Vec<Component> {
    let options = pools
        .iter()
        .map(|(id, name)| SelectMenuOption {
            default: chosen == Some(*id),
            description: None,
            emoji: None,
            label: name.clone(),
            value: id.to_string(),
        })
        .collect();
    let select = Component::SelectMenu(SelectMenu {
        channel_types: None,
        custom_id: format!("{PICK_PREFIX}{expires}"),
        default_values: None,
        disabled: false,
        id: None,
        kind: SelectMenuType::Text,
        max_values: Some(1),
        min_values: Some(1),
        options: Some(options),
        placeholder: Some("Select an async pool".to_owned()),
        required: None,
    });
    let confirm = button(
        &format!("{CONFIRM_PREFIX}{expires}:{}", chosen.unwrap_or(0)),
        "I confirm, this is the point of no return!",
        ButtonStyle::Success,
        Some("✅"),
    );
    vec![
        row(select),
        buttons(vec![
            disabled(confirm, chosen.is_none()),
            button(
                &format!("{CANCEL_PREFIX}{expires}"),
                "Cancel",
                ButtonStyle::Danger,
                Some("❌"),
            ),
        ]),
    ]
}

/// The forfeit confirmation for the Ready or (`go`) GO message `message`.
pub(crate) fn forfeit_confirm(message: u64, go: bool, expires: i64, off: bool) -> Vec<Component> {
    let kind = if go { "g" } else { "r" };
    vec![row(disabled(
        button(
            &format!("{FORFEIT_CONFIRM_PREFIX}{expires}:{message}:{kind}"),
            "Confirm Forfeit",
            ButtonStyle::Danger,
            Some("🏳️"),
        ),
        off,
    ))]
}

/// The close confirmation.
pub(crate) fn close_confirm(expires: i64) -> Vec<Component> {
    vec![row(button(
        &format!("{CLOSE_CONFIRM_PREFIX}{expires}"),
        "Yes, close this tournament",
        ButtonStyle::Danger,
        Some("🔒"),
    ))]
}

fn text_input(
    id: &str,
    label: &str,
    placeholder: &str,
    style: TextInputStyle,
    required: bool,
) -> Component {
    row(Component::TextInput(TextInput {
        custom_id: id.to_owned(),
        #[allow(deprecated, reason = "the label of a text input in an action row")]
        label: Some(label.to_owned()),
        max_length: None,
        min_length: None,
        placeholder: Some(placeholder.to_owned()),
        required: Some(required),
        style,
        value: None,
        id: None,
    }))
}

/// The modal of the post-race button: `(custom_id, title, inputs)`.
pub(crate) fn run_info_modal(gmpmt: bool) -> (&'static str, &'static str, Vec<Component>) {
    if gmpmt {
        (
            RUN_INFO_MODAL_ID,
            "Submit Collection Rate and IGT",
            vec![
                text_input(
                    COLLECTION_INPUT,
                    "Collection Rate",
                    "169",
                    TextInputStyle::Short,
                    true,
                ),
                text_input(
                    IGT_INPUT,
                    "IGT (hh:mm:ss.mm)",
                    "1:23:45.67",
                    TextInputStyle::Short,
                    true,
                ),
            ],
        )
    } else {
        (
            VOD_MODAL_ID,
            "Submit VOD and Notes",
            vec![
                text_input(
                    VOD_INPUT,
                    "VOD Link",
                    "https://www.youtube.com/watch?v=...",
                    TextInputStyle::Short,
                    true,
                ),
                text_input(
                    NOTES_INPUT,
                    "Runner Notes",
                    "Anything the tournament staff should know about this run. No HTML; \
                     Markdown is fine.",
                    TextInputStyle::Paragraph,
                    false,
                ),
            ],
        )
    }
}

/// An embed without colour or timestamp, as the original's plain `discord.Embed`s.
fn plain_embed(
    title: &str,
    description: Option<String>,
    fields: Vec<twilight_model::channel::message::embed::EmbedField>,
    footer: Option<&str>,
) -> Embed {
    let mut embed = crate::embeds::embed(title, description, 0, fields, footer);
    embed.color = None;
    embed
}

/// The tournament embed: its name, the owner, footer "ID: n".
pub(crate) fn tournament_embed(name: &str, owner_id: i64, id: i32) -> Embed {
    plain_embed(
        name,
        None,
        vec![field("Owner", format!("<@{owner_id}>"), false)],
        Some(&format!("ID: {id}")),
    )
}

/// The pool chosen in the new-run dialog.
pub(crate) fn selected_embed(pool: &str) -> Embed {
    plain_embed(
        "You have selected:",
        Some(pool.to_owned()),
        Vec::new(),
        None,
    )
}

/// The race thread's embed: pool, permalink, notes when there are some, footer
/// "Race ID: n".
pub(crate) fn race_embed(pool: &str, url: &str, notes: Option<&str>, race_id: i32) -> Embed {
    let mut fields = vec![field("Pool", pool, false), field("Permalink", url, false)];
    if let Some(notes) = notes.filter(|n| !n.is_empty()) {
        fields.push(field("Notes", notes, false));
    }
    plain_embed(
        "Tournament Async Run",
        None,
        fields,
        Some(&format!("Race ID: {race_id}")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persistent_and_short_lived_ids_round_trip() {
        assert_eq!(parse(NEW_RACE_ID), Some(Action::NewRace));
        assert_eq!(parse(FORFEIT2_ID), Some(Action::Forfeit { go: true }));
        assert_eq!(
            parse("sahasrahbot:async_confirm:1700000000:12"),
            Some(Action::ConfirmNewRace {
                expires: 1_700_000_000,
                pool: 12
            })
        );
        assert_eq!(
            parse("sahasrahbot:async_ffconfirm:5:99:g"),
            Some(Action::ConfirmForfeit {
                expires: 5,
                message: 99,
                go: true
            })
        );
        assert_eq!(parse("sahasrahbot:async_ffconfirm:5:99"), None);
        assert_eq!(parse("sahasrahbot:async_pick:x"), None);
        assert_eq!(parse("sahasrahbot:open_inquiry"), None);
        let picker = pool_picker(&[(3, "A".into())], Some(3), 42);
        let Component::ActionRow(buttons) = &picker[1] else {
            panic!("a row")
        };
        let Component::Button(confirm) = &buttons.components[0] else {
            panic!("a button")
        };
        assert!(!confirm.disabled);
        assert_eq!(
            confirm.custom_id.as_deref().and_then(parse),
            Some(Action::ConfirmNewRace {
                expires: 42,
                pool: 3
            })
        );
    }
}
