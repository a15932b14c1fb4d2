//! Embeds shared by several commands.
//!
//! - [`alttpr`]: the ALTTPR seed embed (`discord.md` §5.1).

pub mod alttpr;

use twilight_model::channel::message::Embed;
use twilight_model::channel::message::embed::{EmbedField, EmbedFooter};

/// A rich embed with a title, description, colour, fields and an optional footer text.
pub fn embed(
    title: &str,
    description: Option<String>,
    colour: u32,
    fields: Vec<EmbedField>,
    footer: Option<&str>,
) -> Embed {
    Embed {
        author: None,
        color: Some(colour),
        description,
        fields,
        flags: None,
        footer: footer.map(|text| EmbedFooter {
            icon_url: None,
            proxy_icon_url: None,
            text: text.to_owned(),
        }),
        image: None,
        kind: "rich".to_owned(),
        provider: None,
        thumbnail: None,
        timestamp: None,
        title: Some(title.to_owned()),
        url: None,
        video: None,
    }
}

/// A very small HTML → Markdown conversion for preset notes: `<br>` and `</p>` become line
/// breaks, `<b>`/`<strong>` bold, `<i>`/`<em>` italics, other tags are dropped.
pub fn html_to_markdown(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        match name {
            "br" => out.push('\n'),
            "p" if tag.starts_with('/') => out.push_str("\n\n"),
            "b" | "strong" => out.push_str("**"),
            "i" | "em" => out.push('*'),
            _ => {}
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn notes_become_markdown() {
        assert_eq!(
            super::html_to_markdown("<p>Open <b>mode</b><br/>fast &amp; fun</p>"),
            "Open **mode**\nfast & fun"
        );
    }
}
