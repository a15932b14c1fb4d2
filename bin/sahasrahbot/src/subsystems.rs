//! Which subsystems this configuration starts, and why the others stay off.

use std::fmt;

use sahasrahbot_core::config::{Config, legacy::env_slug};

/// Whether a subsystem runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum State {
    /// It runs; the text says where or how.
    Enabled(String),
    /// It does not run for want of configuration; the text names what to set.
    Disabled(String),
}

/// One subsystem's start-up status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Status {
    /// The subsystem (`api`, `discord`, `racetime/alttpr`, …).
    pub(crate) name: String,
    /// Whether and why it runs.
    pub(crate) state: State,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            State::Enabled(how) => write!(f, "{}: enabled ({how})", self.name),
            State::Disabled(why) => write!(f, "{}: disabled ({why})", self.name),
        }
    }
}

fn status(name: impl Into<String>, state: State) -> Status {
    Status {
        name: name.into(),
        state,
    }
}

/// The status of every subsystem under `config`, in start order.
pub(crate) fn plan(config: &Config) -> Vec<Status> {
    let mut out = Vec::new();
    out.push(status(
        "discord",
        if config.discord.token.is_blank() {
            State::Disabled("no DISCORD_TOKEN / discord.token".into())
        } else {
            State::Enabled("token set".into())
        },
    ));
    out.push(status(
        "audit",
        if config.audit.token.is_blank() {
            State::Disabled("no AUDIT_DISCORD_TOKEN / audit.token".into())
        } else {
            State::Enabled(format!(
                "token set, history kept {} days",
                config.audit.retention_days
            ))
        },
    ));
    for slug in config.racetime_categories() {
        let state = if config.racetime.credentials(slug).is_some() {
            State::Enabled(format!("racetime.gg at {}", config.racetime.host))
        } else {
            let env = env_slug(slug);
            State::Disabled(format!(
                "no RACETIME_CLIENT_ID_{env} / RACETIME_CLIENT_SECRET_{env}"
            ))
        };
        out.push(status(format!("racetime/{slug}"), state));
    }
    out.push(status(
        "tournaments",
        if config.discord.token.is_blank() {
            State::Disabled("needs the Discord bot: no DISCORD_TOKEN / discord.token".into())
        } else {
            State::Enabled(format!(
                "SpeedGaming at {}",
                config.speedgaming.api_endpoint
            ))
        },
    ));
    out.push(status(
        "telemetry",
        if config.telemetry.enabled {
            State::Enabled(format!(
                "flushed every 30 s, kept {} days",
                config.telemetry.retention_days
            ))
        } else {
            State::Disabled("telemetry.enabled = false".into())
        },
    ));
    out.push(status(
        "api",
        if config.api.enabled {
            State::Enabled(format!("http://{}", config.api.listen))
        } else {
            State::Disabled("api.enabled = false".into())
        },
    ));
    out
}

#[cfg(test)]
mod tests {
    use sahasrahbot_core::config::{CategoryCredentials, Secret};

    use super::*;

    fn find<'a>(plan: &'a [Status], name: &str) -> &'a State {
        &plan.iter().find(|s| s.name == name).expect(name).state
    }

    #[test]
    fn without_credentials_only_the_api_runs() {
        let plan = plan(&Config::default());
        let enabled: Vec<&str> = plan
            .iter()
            .filter(|s| matches!(s.state, State::Enabled(_)))
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(enabled, vec!["api"]);
        assert_eq!(
            plan.len(),
            2 + 12 + 3,
            "discord, audit, 12 categories, tournaments, telemetry, api"
        );
        assert_eq!(
            find(&plan, "racetime/smw-hacks"),
            &State::Disabled(
                "no RACETIME_CLIENT_ID_SMWHACKS / RACETIME_CLIENT_SECRET_SMWHACKS".into()
            )
        );
    }

    #[test]
    fn credentials_are_recognised_per_category() {
        let mut config = Config::default();
        config.racetime.categories.insert(
            "ct-jets".into(),
            CategoryCredentials {
                client_id: "id".into(),
                client_secret: Secret::new("s"),
            },
        );
        config.discord.token = Secret::new("t");
        let plan = plan(&config);
        assert_eq!(
            find(&plan, "racetime/ct-jets"),
            &State::Enabled("racetime.gg at localhost".into())
        );
        assert_eq!(find(&plan, "discord"), &State::Enabled("token set".into()));
        assert_eq!(
            find(&plan, "audit"),
            &State::Disabled("no AUDIT_DISCORD_TOKEN / audit.token".into())
        );
        assert!(matches!(find(&plan, "racetime/alttpr"), State::Disabled(_)));
    }

    #[test]
    fn the_audit_bot_runs_with_its_token() {
        let mut config = Config::default();
        config.audit.token = Secret::new("audit");
        assert_eq!(
            find(&plan(&config), "audit"),
            &State::Enabled("token set, history kept 30 days".into())
        );
        assert_eq!(
            plan(&config)
                .iter()
                .find(|s| s.name == "audit")
                .map(ToString::to_string)
                .as_deref(),
            Some("audit: enabled (token set, history kept 30 days)")
        );
    }

    #[test]
    fn debug_mode_serves_the_test_category_only() {
        let config = Config {
            debug: true,
            ..Config::default()
        };
        let names: Vec<String> = plan(&config).into_iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            vec![
                "discord",
                "audit",
                "racetime/test",
                "tournaments",
                "telemetry",
                "api"
            ]
        );
    }
}
