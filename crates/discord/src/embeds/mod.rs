//! Embeds shared by several commands.
//!
//! - [`alttpr`]: the ALTTPR seed embed (`discord.md` §5.1).

pub mod alttpr;

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
