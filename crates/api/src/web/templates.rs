//! The page templates (minijinja, autoescaped), compiled into the binary from
//! `crates/api/templates/`.

use std::sync::OnceLock;

use minijinja::{AutoEscape, Environment, Value};
use poem::web::Html;

use super::error::WebError;

/// Every template: name and source.
const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../../templates/layout.html")),
    ("message.html", include_str!("../../templates/message.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("me.html", include_str!("../../templates/me.html")),
    ("purgeme.html", include_str!("../../templates/purgeme.html")),
    ("presets.html", include_str!("../../templates/presets.html")),
    (
        "presets_namespace.html",
        include_str!("../../templates/presets_namespace.html"),
    ),
    (
        "preset_view.html",
        include_str!("../../templates/preset_view.html"),
    ),
    (
        "preset_create.html",
        include_str!("../../templates/preset_create.html"),
    ),
    (
        "ranked_ballot.html",
        include_str!("../../templates/ranked_ballot.html"),
    ),
    (
        "ranked_voted.html",
        include_str!("../../templates/ranked_voted.html"),
    ),
    (
        "submit_form.html",
        include_str!("../../templates/submit_form.html"),
    ),
    (
        "triforce_form.html",
        include_str!("../../templates/triforce_form.html"),
    ),
    (
        "triforce_moderation.html",
        include_str!("../../templates/triforce_moderation.html"),
    ),
    (
        "async_races.html",
        include_str!("../../templates/async_races.html"),
    ),
    (
        "async_nav.html",
        include_str!("../../templates/async_nav.html"),
    ),
    (
        "async_dashboard.html",
        include_str!("../../templates/async_dashboard.html"),
    ),
    (
        "async_reattempt.html",
        include_str!("../../templates/async_reattempt.html"),
    ),
    (
        "async_queue.html",
        include_str!("../../templates/async_queue.html"),
    ),
    (
        "async_review.html",
        include_str!("../../templates/async_review.html"),
    ),
    (
        "async_leaderboard.html",
        include_str!("../../templates/async_leaderboard.html"),
    ),
    (
        "async_player.html",
        include_str!("../../templates/async_player.html"),
    ),
    (
        "async_pools.html",
        include_str!("../../templates/async_pools.html"),
    ),
    (
        "async_permalink.html",
        include_str!("../../templates/async_permalink.html"),
    ),
];

/// The shared template environment, built once.
fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // Every template is HTML: escape every value, whatever the file name.
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        for (name, source) in TEMPLATES {
            if let Err(e) = env.add_template(name, source) {
                // The templates are compiled in and covered by the tests; a broken one is a
                // build defect, reported on every render below.
                tracing::error!(template = name, error = %e, "template does not compile");
            }
        }
        env
    })
}

/// Renders template `name` with `ctx`.
pub(crate) fn render(name: &str, ctx: Value) -> Result<Html<String>, WebError> {
    let template = env()
        .get_template(name)
        .map_err(|e| WebError::Template(e.to_string()))?;
    template
        .render(ctx)
        .map(Html)
        .map_err(|e| WebError::Template(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATES {
            assert!(env().get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn values_are_html_escaped() {
        let html = render(
            "message.html",
            minijinja::context! { title => "<b>", message => "<script>x</script>" },
        )
        .expect("render");
        assert!(html.0.contains("&lt;script&gt;"), "{}", html.0);
        assert!(!html.0.contains("<script>x"), "{}", html.0);
    }
}
