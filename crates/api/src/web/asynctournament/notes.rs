//! Runner-written text on the review pages, rendered safely (`api.md` §5 item 11).
//!
//! The Python bot stripped HTML and then rendered markdown unescaped, so entity-encoded
//! tags came back as live HTML and `javascript:` links worked (stored XSS). Here every
//! character is HTML-escaped, line breaks are kept, and only bare `http://`/`https://` URLs
//! become links; no markup of the runner's reaches the page.

use std::fmt::Write;

/// `text` as HTML: escaped, blank lines between paragraphs, single newlines as `<br>`,
/// `http(s)://` URLs as links that open without a referrer.
pub(crate) fn render_notes(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::new();
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                out.push_str("<br>\n");
            }
            push_linked(&mut out, line);
        }
        out.push_str("</p>\n");
    }
    out
}

/// Appends `line`, escaped, with its URLs as links.
fn push_linked(out: &mut String, line: &str) {
    let mut rest = line;
    while let Some(start) = find_url(rest) {
        push_escaped(out, &rest[..start]);
        let url_len = rest[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(rest.len() - start);
        // Sentence punctuation right after a URL is not part of it.
        let url =
            rest[start..start + url_len].trim_end_matches(['.', ',', ')', '!', '?', ';', ':']);
        out.push_str("<a href=\"");
        push_escaped(out, url);
        out.push_str("\" rel=\"nofollow noopener noreferrer\">");
        push_escaped(out, url);
        out.push_str("</a>");
        rest = &rest[start + url.len()..];
    }
    push_escaped(out, rest);
}

/// Where the next `http://` or `https://` URL starts.
fn find_url(s: &str) -> Option<usize> {
    let http = s.find("http://");
    let https = s.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
    .filter(|&i| s[i..].len() > "https://".len())
}

/// Appends `s` with `& < > " '` escaped.
fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => {
                let _ = out.write_char(c);
            }
        }
    }
}

/// `url` when it is an `http`/`https` URL (for `href`s of stored VoD links), else `None`.
pub(crate) fn web_url(url: Option<&str>) -> Option<String> {
    let url = url?.trim();
    let parsed = url::Url::parse(url).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        let html = render_notes("<script>alert(1)</script> &lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;img src=x onerror=alert(1)&amp;gt;</p>\n"
        );
    }

    #[test]
    fn markdown_links_do_not_become_javascript_links() {
        let html = render_notes("[vod](javascript:alert(1))");
        assert!(!html.contains("href"), "{html}");
    }

    #[test]
    fn lines_paragraphs_and_links() {
        let html = render_notes("GG\r\nvod: https://example.org/v?a=1&b=\"2\".\n\nnext");
        assert_eq!(
            html,
            "<p>GG<br>\nvod: <a href=\"https://example.org/v?a=1&amp;b=\" rel=\"nofollow noopener noreferrer\">https://example.org/v?a=1&amp;b=</a>&quot;2&quot;.</p>\n<p>next</p>\n"
        );
        assert_eq!(render_notes("   \n\n "), "");
        assert_eq!(render_notes("just https://"), "<p>just https://</p>\n");
    }

    #[test]
    fn only_web_urls_are_links() {
        assert_eq!(
            web_url(Some(" https://twitch.tv/v/1 ")).as_deref(),
            Some("https://twitch.tv/v/1")
        );
        assert_eq!(web_url(Some("javascript:alert(1)")), None);
        assert_eq!(web_url(Some("data:text/html,x")), None);
        assert_eq!(web_url(Some("not a url")), None);
        assert_eq!(web_url(None), None);
    }
}
