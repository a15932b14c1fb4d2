//! The local "generators" (core.md §2.11, Appendix A): random seed numbers and flag
//! strings, no I/O. Randomness comes from the caller.

use rand::Rng;

/// Z2R named presets: name → flags.
pub const Z2R_PRESETS: [(&str, &str); 9] = [
    ("maxrando", "iyhqh$j9g7@$ZqTBT!BhOAdES$vA"),
    ("groups1", "jhAhD0L#$Za$LpTBT!AhOA!0P@@A"),
    ("groups2", "jhAhD0L#$Z8$LpTBT!AhOA!0P@@A"),
    ("groups3", "hhAhD0L#$Za$LpTBT!AhOA!0P@@A"),
    ("groups4", "hhAhD0L#$Z8$LpTBT!AhOA!0P@@A"),
    ("brackets", "hhAhD0j#$78$Jp5HgRAhOA!0P8@A"),
    ("nit", "hhAhD0j#$78$Jp5Q$dAhOA!0Pz@A"),
    ("sgl4", "jhhhD0j9x78$JpTBT!BhSA!0P@@A"),
    ("sgl", "jhhhD0j9$78$JpTBT!BhSA!0P@@A"),
];

/// Z2R "MRB" choices: description → flags, in the original's order.
pub const Z2R_MRB: [(&str, &str); 12] = [
    ("Base flags", "iyhqh$j9g7@$ZqTBT!BhOAdES$vA"),
    ("Nerfed Boots, no vanilla", "iyhqh$j9g7@$ZqTBT!BhOA!0Pv@A"),
    (
        "Restrict caves OFF, no vanilla",
        "iyhJh$j9g7@$ZqTBT!BhOAu0P@@A",
    ),
    (
        "Hidden Palace and Kasuto ON",
        "iyhqh$j9g7@$ZZSBT!BhOAdES$vA",
    ),
    ("No vanilla OW", "iyhqh$j9g7@$ZqTBT!BhOA!0P@@A"),
    ("No community Rooms", "iyhqh$j9g7@$ZqTBT!BhOAdES$rA"),
    ("Long GP", "iyhqh$j9Q7@$ZqTBT!BhOAdES$vA"),
    (
        "Long GP, No community rooms",
        "iyhqh$j9Q7@$ZqTBT!BhOAdES$rA",
    ),
    ("Disable MC Requirements", "iyhqh$j9g7@gZqTBT!BhOAdES$vA"),
    (
        "No Hints, Disable MC Requirements",
        "iyhqh$j9g7@gZqTBTyBAOAdES$vA",
    ),
    ("The \"Finals\" Experience", "iyAqh$j9Q7@gZZSBTyBAOAdES0vA"),
    ("Vanilla Shuffle", "iyhqh$j9g7@$ZqTBT!BhOA!AC#qA"),
];

/// A seed number with its flags (and, for MRB rolls, the description).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSeed<S> {
    /// The seed.
    pub seed: S,
    /// The flag string or settings URL.
    pub flags: String,
    /// What the flags mean, when the roll chose them.
    pub description: Option<String>,
}

/// Z1R: a seed in `0..=8999999999999999999` with the given flags.
pub fn z1r(rng: &mut impl Rng, flags: &str) -> LocalSeed<u64> {
    LocalSeed {
        seed: rng.gen_range(0..=8_999_999_999_999_999_999),
        flags: flags.to_owned(),
        description: None,
    }
}

/// Z2R: a seed in `0..=1000000000` with the given flags.
pub fn z2r(rng: &mut impl Rng, flags: &str) -> LocalSeed<u64> {
    LocalSeed {
        seed: rng.gen_range(0..=1_000_000_000),
        flags: flags.to_owned(),
        description: None,
    }
}

/// Z2R: a seed in `0..=1000000000` with a named preset's flags; `None` for an unknown name.
pub fn z2r_preset(rng: &mut impl Rng, name: &str) -> Option<LocalSeed<u64>> {
    let (_, flags) = Z2R_PRESETS.iter().find(|(n, _)| *n == name)?;
    Some(z2r(rng, flags))
}

/// Z2R MRB: a seed in `0..=1000000000` and one of the [`Z2R_MRB`] flag sets.
pub fn z2r_mrb(rng: &mut impl Rng) -> LocalSeed<u64> {
    let seed = rng.gen_range(0..=1_000_000_000);
    let (description, flags) = Z2R_MRB[rng.gen_range(0..Z2R_MRB.len())];
    LocalSeed {
        seed,
        flags: flags.to_owned(),
        description: Some(description.to_owned()),
    }
}

/// SMB3R: a seed in `0..999999999999` with the given flags.
pub fn smb3r(rng: &mut impl Rng, flags: &str) -> LocalSeed<u64> {
    LocalSeed {
        seed: rng.gen_range(0..999_999_999_999),
        flags: flags.to_owned(),
        description: None,
    }
}

/// FFR: an 8-digit upper-case hex seed, set as the `s` query parameter of the settings URL
/// (other parameters kept in order, blank values dropped, the query re-encoded).
///
/// # Errors
/// When `url` is not a URL.
pub fn ffr(rng: &mut impl Rng, url: &str) -> Result<LocalSeed<String>, url::ParseError> {
    let seed = format!("{:08X}", rng.gen_range(0..16u64.pow(8)));
    let mut parsed = url::Url::parse(url)?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut seen_s = false;
    for (k, v) in parsed.query_pairs() {
        if k == "s" {
            if !seen_s {
                pairs.push(("s".into(), seed.clone()));
                seen_s = true;
            }
        } else if !v.is_empty() {
            pairs.push((k.into_owned(), v.into_owned()));
        }
    }
    if !seen_s {
        pairs.push(("s".into(), seed.clone()));
    }
    parsed.query_pairs_mut().clear().extend_pairs(&pairs);
    Ok(LocalSeed {
        seed,
        flags: parsed.to_string(),
        description: None,
    })
}

/// AOSR: a seed in the `i32` range; the URL
/// `https://aosrando.surge.sh/?seed=<seed>&k=v&…` with the pairs in order, unencoded.
pub fn aosr(rng: &mut impl Rng, settings: &[(&str, &str)]) -> LocalSeed<i32> {
    let seed: i32 = rng.r#gen();
    let pairs: Vec<String> = settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
    LocalSeed {
        seed,
        flags: format!("https://aosrando.surge.sh/?seed={seed}&{}", pairs.join("&")),
        description: None,
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn ranges_and_tables() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..200 {
            assert!(z1r(&mut rng, "f").seed <= 8_999_999_999_999_999_999);
            assert!(z2r_preset(&mut rng, "nit").unwrap().seed <= 1_000_000_000);
            assert!(smb3r(&mut rng, "f").seed < 999_999_999_999);
            let m = z2r_mrb(&mut rng);
            assert!(
                Z2R_MRB
                    .iter()
                    .any(|(d, f)| Some(*d) == m.description.as_deref() && *f == m.flags)
            );
        }
        assert_eq!(
            z2r_preset(&mut rng, "sgl").unwrap().flags,
            "jhhhD0j9$78$JpTBT!BhSA!0P@@A"
        );
        assert!(z2r_preset(&mut rng, "nope").is_none());
    }

    #[test]
    fn ffr_sets_the_seed_and_drops_blank_values() {
        let mut rng = StdRng::seed_from_u64(2);
        let r = ffr(
            &mut rng,
            "https://finalfantasyrandomizer.com/Randomize?s=00000000&f=ABC&x=&g=a+b",
        )
        .unwrap();
        assert_eq!(r.seed.len(), 8);
        assert!(
            r.seed
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
        assert_eq!(
            r.flags,
            format!(
                "https://finalfantasyrandomizer.com/Randomize?s={}&f=ABC&g=a+b",
                r.seed
            )
        );
    }

    #[test]
    fn aosr_url_keeps_pairs_in_order() {
        let mut rng = StdRng::seed_from_u64(3);
        let r = aosr(&mut rng, &[("a", "1"), ("b", "x y")]);
        assert_eq!(
            r.flags,
            format!("https://aosrando.surge.sh/?seed={}&a=1&b=x y", r.seed)
        );
    }
}
