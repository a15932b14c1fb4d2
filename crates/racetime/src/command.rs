//! Chat command parsing (racetime.md §2.2 items 4–5, §3.4).
//!
//! * [`parse_command`]: `!name arg1 arg2`, case-sensitive, split on **single** spaces (so two
//!   spaces give an empty argument).
//! * [`parse_keyword_args`]: the `ex2_` form over the whole message, split on any whitespace:
//!   `--key=value` (ints converted, then `true`/`false`), `--flag`, `--no-flag`, `-x`, positionals.

use std::collections::BTreeMap;

/// A `!command` found in a chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCommand {
    /// The command name without the prefix (case preserved).
    pub name: String,
    /// The words after the command word, split on single spaces.
    pub args: Vec<String>,
}

/// Finds a command in `text`: the first word (up to the first single space) must start with
/// `prefix` and have something after it.
pub fn parse_command(text: &str, prefix: &str) -> Option<ParsedCommand> {
    let mut words = text.split(' ');
    let first = words.next()?;
    let name = first.strip_prefix(prefix)?;
    if name.is_empty() || prefix.is_empty() {
        return None;
    }
    Some(ParsedCommand {
        name: name.to_owned(),
        args: words.map(str::to_owned).collect(),
    })
}

/// A keyword argument value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    /// Any other text (possibly empty).
    Str(String),
    /// A value that parsed as an integer.
    Int(i64),
    /// A flag, or the literal `true`/`false`.
    Bool(bool),
}

impl ArgValue {
    /// The value as a bool, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as an int, if it is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The value as text, if it is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl std::fmt::Display for ArgValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Str(s) => f.write_str(s),
            Self::Int(i) => write!(f, "{i}"),
            Self::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
        }
    }
}

/// The `ex2_` parse of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeywordArgs {
    /// Positional words, **including the command word itself** at index 0.
    pub positional: Vec<String>,
    /// Keyword arguments; a later duplicate overwrites an earlier one.
    pub keywords: BTreeMap<String, ArgValue>,
}

impl KeywordArgs {
    /// A keyword's value.
    pub fn get(&self, key: &str) -> Option<&ArgValue> {
        self.keywords.get(key)
    }
}

/// Parses a whole message the `ex2_` way.
pub fn parse_keyword_args(text: &str) -> KeywordArgs {
    let mut out = KeywordArgs::default();
    for token in text.split_whitespace() {
        if let Some(rest) = token.strip_prefix("--") {
            if rest.matches('=').count() == 1 {
                let (key, val) = rest.split_once('=').unwrap_or((rest, ""));
                out.keywords.insert(key.to_owned(), convert(val));
            } else if let Some(key) = rest.strip_prefix("no-") {
                out.keywords.insert(key.to_owned(), ArgValue::Bool(false));
            } else {
                out.keywords.insert(rest.to_owned(), ArgValue::Bool(true));
            }
        } else if let Some(key) = token.strip_prefix('-') {
            out.keywords.insert(key.to_owned(), ArgValue::Bool(true));
        } else {
            out.positional.push(token.to_owned());
        }
    }
    out
}

fn convert(val: &str) -> ArgValue {
    if let Ok(i) = val.parse::<i64>() {
        return ArgValue::Int(i);
    }
    match val {
        "true" => ArgValue::Bool(true),
        "false" => ArgValue::Bool(false),
        _ => ArgValue::Str(val.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(name: &str, args: &[&str]) -> Option<ParsedCommand> {
        Some(ParsedCommand {
            name: name.to_owned(),
            args: args.iter().map(|s| (*s).to_owned()).collect(),
        })
    }

    #[test]
    fn command_table() {
        let cases: &[(&str, Option<ParsedCommand>)] = &[
            ("!race standard", cmd("race", &["standard"])),
            ("!Race standard", cmd("Race", &["standard"])),
            ("!race  open", cmd("race", &["", "open"])),
            ("!race", cmd("race", &[])),
            ("!race standard ", cmd("race", &["standard", ""])),
            ("race standard", None),
            ("!", None),
            ("", None),
            (" !race", None),
            ("!spoiler Standard 65", cmd("spoiler", &["Standard", "65"])),
        ];
        for (text, want) in cases {
            assert_eq!(&parse_command(text, "!"), want, "{text:?}");
        }
        assert_eq!(parse_command("?race x", "?"), cmd("race", &["x"]));
        assert_eq!(parse_command("!race x", "?"), None);
    }

    #[test]
    fn keyword_table() {
        use ArgValue::*;
        type Case<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, ArgValue)]);
        let cases: &[Case<'_>] = &[
            (
                "!newrace standard tournament",
                &["!newrace", "standard", "tournament"],
                &[],
            ),
            (
                "!newrace --preset=standard --no-quickswap --branch=beeta",
                &["!newrace"],
                &[
                    ("preset", Str("standard".into())),
                    ("quickswap", Bool(false)),
                    ("branch", Str("beeta".into())),
                ],
            ),
            (
                "!newrace --quickswap=false --festive --hints",
                &["!newrace"],
                &[
                    ("quickswap", Bool(false)),
                    ("festive", Bool(true)),
                    ("hints", Bool(true)),
                ],
            ),
            (
                "!newrace --spoiler_race --countdown=600 open",
                &["!newrace", "open"],
                &[("spoiler_race", Bool(true)), ("countdown", Int(600))],
            ),
            (
                "!x --countdown=",
                &["!x"],
                &[("countdown", Str(String::new()))],
            ),
            ("!x --a=b=c", &["!x"], &[("a=b=c", Bool(true))]),
            ("!x --no-a=b=c", &["!x"], &[("a=b=c", Bool(false))]),
            ("!x -5", &["!x"], &[("5", Bool(true))]),
            ("!x --n=1 --n=2", &["!x"], &[("n", Int(2))]),
            ("!x --n=-3", &["!x"], &[("n", Int(-3))]),
            ("!x --b=True", &["!x"], &[("b", Str("True".into()))]),
            ("!x   a\tb", &["!x", "a", "b"], &[]),
            ("!x --key value", &["!x", "value"], &[("key", Bool(true))]),
        ];
        for (text, pos, kw) in cases {
            let got = parse_keyword_args(text);
            assert_eq!(got.positional, *pos, "{text:?}");
            let want: BTreeMap<String, ArgValue> = kw
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect();
            assert_eq!(got.keywords, want, "{text:?}");
        }
    }
}
