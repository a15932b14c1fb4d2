//! The crate's error type and the user-facing rendering of failures (`discord.md` §1.7).

/// Everything that can go wrong in the Discord bot.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bot has no token configured.
    #[error("the Discord bot has no token (DISCORD_TOKEN)")]
    NoToken,
    /// A Discord REST request failed.
    #[error("Discord request failed: {0}")]
    Http(#[from] twilight_http::Error),
    /// A Discord REST answer could not be read.
    #[error("Discord answered something unexpected: {0}")]
    Body(#[from] twilight_http::response::DeserializeBodyError),
    /// The gateway stream ended without being asked to.
    #[error("the Discord gateway closed: {0}")]
    Gateway(String),
    /// A database call failed.
    #[error("database error: {0}")]
    Database(#[from] sahasrahbot_core::Error),
    /// A preset could not be loaded or built.
    #[error(transparent)]
    Preset(#[from] sahasrahbot_core::presets::PresetError),
    /// A seed provider failed.
    #[error(transparent)]
    Seedgen(#[from] sahasrahbot_seedgen::Error),
    /// An option value is missing or invalid.
    #[error("{0}")]
    BadOption(String),
    /// The invoker is not allowed to run the command.
    #[error("{0}")]
    Forbidden(String),
    /// No holy image matches (or the game is unknown).
    #[error("{0}")]
    HolyImageNotFound(String),
    /// An outside service (not a seed provider) failed.
    #[error("{service} is unavailable: {reason}")]
    External {
        /// The service.
        service: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// The command is not known to this bot (the client's command list is out of date).
    #[error("command {0} not found")]
    UnknownCommand(String),
    /// The tournament engine refused an action (an async tournament rule) or failed.
    #[error(transparent)]
    Tournament(#[from] sahasrahbot_tournament::Error),
}

impl From<sea_orm::DbErr> for Error {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Database(e.into())
    }
}

impl Error {
    /// Whether this is a rule of the tournament engine refusing the action (its text is
    /// meant for the user), rather than a failure.
    pub fn is_refusal(&self) -> bool {
        use sahasrahbot_tournament::Error as T;
        match self {
            Error::Tournament(e) => !matches!(
                e,
                T::Db(_)
                    | T::Racetime(_)
                    | T::Discord(_)
                    | T::SpeedGaming(_)
                    | T::Config(_)
                    | T::Seedgen(_)
            ),
            _ => false,
        }
    }

    /// The short class name users see in backticks, in the style of the original's messages.
    pub fn class_name(&self) -> &'static str {
        use sahasrahbot_core::presets::PresetError as P;
        match self {
            Error::Preset(P::NotFound { .. } | P::NotFoundInNamespace { .. }) => {
                "PresetNotFoundException"
            }
            Error::Preset(_) => "PresetException",
            Error::Seedgen(e) => match e.kind() {
                Some(sahasrahbot_seedgen::ErrorKind::Timeout) => "ProviderTimeout",
                Some(sahasrahbot_seedgen::ErrorKind::Unavailable) => "ProviderUnavailable",
                Some(sahasrahbot_seedgen::ErrorKind::RateLimited) => "ProviderRateLimited",
                Some(sahasrahbot_seedgen::ErrorKind::InvalidRequest) => "ProviderRejected",
                Some(sahasrahbot_seedgen::ErrorKind::ResponseFormat) => "ProviderResponseError",
                None => "GenerationError",
            },
            Error::BadOption(_) => "BadArgument",
            Error::HolyImageNotFound(_) => "HolyImageNotFound",
            Error::External { .. } => "ServiceUnavailable",
            Error::Forbidden(_) => "CheckFailure",
            Error::Tournament(_) if self.is_refusal() => "CheckFailure",
            Error::UnknownCommand(_) => "CommandNotFound",
            _ => "InternalError",
        }
    }

    /// Whether the message is safe and useful to show to users as is. Internal failures
    /// (HTTP, database, gateway) show only their class and the reference id.
    fn user_visible_detail(&self) -> bool {
        matches!(
            self,
            Error::Preset(_)
                | Error::Seedgen(_)
                | Error::BadOption(_)
                | Error::HolyImageNotFound(_)
                | Error::External { .. }
                | Error::Forbidden(_)
                | Error::UnknownCommand(_)
        ) || self.is_refusal()
    }

    /// The telemetry error class (`invalid_preset`, `provider_timeout`, …).
    pub fn telemetry_class(&self) -> &'static str {
        match self {
            Error::Preset(_) => "invalid_preset",
            Error::Seedgen(e) => match e.kind() {
                Some(sahasrahbot_seedgen::ErrorKind::Timeout) => "provider_timeout",
                Some(sahasrahbot_seedgen::ErrorKind::RateLimited) => "provider_rate_limited",
                Some(sahasrahbot_seedgen::ErrorKind::InvalidRequest) => "provider_rejected",
                Some(_) => "provider_error",
                None => "generation_error",
            },
            Error::BadOption(_) => "bad_option",
            Error::Forbidden(_) => "denied",
            _ if self.is_refusal() => "denied",
            _ => "internal",
        }
    }
}

/// The glyph put in front of error text when the guild has no `RIPLink` emoji (fix D2).
pub const FALLBACK_ERROR_EMOJI: &str = "\u{1F44E}";

/// The text a user sees for `error`: the error emoji (`<:RIPLink:id>` or the fallback), the
/// class in backticks, the message when it is meant for users, and the reference id.
/// Permission refusals show the plain message after the emoji (the later upstream style).
pub fn user_message(error: &Error, emoji: Option<&str>, reference: &str) -> String {
    let emoji = emoji.unwrap_or(FALLBACK_ERROR_EMOJI);
    let body = match error {
        Error::Forbidden(msg) => msg.clone(),
        e if e.is_refusal() => e.to_string(),
        Error::UnknownCommand(_) => "This command was not found, probably because your Discord \
             client's command list is out of date. Try again later, or contact the bot's \
             maintainers if it keeps happening."
            .to_owned(),
        e if e.user_visible_detail() => format!("`{}`: {e}", e.class_name()),
        e => format!("`{}`: something went wrong on our side.", e.class_name()),
    };
    format!("{emoji} {body}\n-# Reference: `{reference}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_not_found_names_the_class_and_keeps_the_reference() {
        let e = Error::Preset(sahasrahbot_core::presets::PresetError::NotFound {
            game: sahasrahbot_core::presets::Game::Alttpr,
            name: "nope".into(),
        });
        let text = user_message(&e, Some("<:RIPLink:1>"), "deadbeef");
        assert!(
            text.starts_with("<:RIPLink:1> `PresetNotFoundException`: Could not find preset nope.")
        );
        assert!(text.ends_with("`deadbeef`"));
    }

    #[test]
    fn internal_errors_hide_details_and_use_the_fallback_emoji() {
        let e = Error::Gateway("secret detail".into());
        let text = user_message(&e, None, "0000abcd");
        assert!(text.starts_with(FALLBACK_ERROR_EMOJI));
        assert!(!text.contains("secret detail"));
    }
}
