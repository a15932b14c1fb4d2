//! The telemetry report (`sahasrahbot telemetry report [DAYS]`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::Result;
use crate::db::entities::telemetry_events;

/// A (surface, feature, action) triple with its event count.
pub type ActionCount = ((String, String, String), u64);

/// Usage over a window of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The window, in days back from now.
    pub days: u32,
    /// Events in the window.
    pub total: u64,
    /// The 10 busiest (surface, feature) pairs, busiest first.
    pub top_features: Vec<((String, String), u64)>,
    /// Per (surface, feature): events with action `success` and with action `failure`.
    pub outcomes: BTreeMap<(String, String), (u64, u64)>,
    /// Distinct guild hashes seen.
    pub guilds: u64,
    /// Per day: the total and the 5 busiest (surface, feature, action) triples.
    pub per_day: BTreeMap<NaiveDate, (u64, Vec<ActionCount>)>,
}

fn top<K: Ord + Clone>(counts: &BTreeMap<K, u64>, n: usize) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = counts.iter().map(|(k, c)| (k.clone(), *c)).collect();
    // Busiest first; ties in key order so the report is stable.
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// Builds the report of the `days` days before `now`.
pub async fn report(db: &DatabaseConnection, days: u32, now: NaiveDateTime) -> Result<Report> {
    let since = now - chrono::Duration::days(i64::from(days));
    let rows = telemetry_events::Entity::find()
        .filter(telemetry_events::Column::CreatedAt.gte(since))
        .all(db)
        .await?;

    let mut features: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut outcomes: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    let mut guilds = BTreeSet::new();
    let mut days_map: BTreeMap<NaiveDate, BTreeMap<(String, String, String), u64>> =
        BTreeMap::new();
    for r in &rows {
        let sf = (r.surface.clone(), r.feature.clone());
        *features.entry(sf.clone()).or_default() += 1;
        match r.action.as_str() {
            "success" => outcomes.entry(sf).or_default().0 += 1,
            "failure" => outcomes.entry(sf).or_default().1 += 1,
            _ => {}
        }
        if let Some(g) = &r.guild_hash {
            guilds.insert(g.clone());
        }
        let key = (r.surface.clone(), r.feature.clone(), r.action.clone());
        *days_map
            .entry(r.day_bucket)
            .or_default()
            .entry(key)
            .or_default() += 1;
    }
    Ok(Report {
        days,
        total: rows.len() as u64,
        top_features: top(&features, 10),
        outcomes,
        guilds: guilds.len() as u64,
        per_day: days_map
            .into_iter()
            .map(|(day, counts)| (day, (counts.values().sum(), top(&counts, 5))))
            .collect(),
    })
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Telemetry over the last {} day(s): {} event(s)",
            self.days, self.total
        )?;
        writeln!(f, "\nTop features:")?;
        for ((surface, feature), n) in &self.top_features {
            writeln!(f, "  {surface}/{feature}: {n}")?;
        }
        writeln!(f, "\nOutcomes (success / failure):")?;
        for ((surface, feature), (ok, failed)) in &self.outcomes {
            let rate = if ok + failed == 0 {
                0.0
            } else {
                *ok as f64 * 100.0 / (ok + failed) as f64
            };
            writeln!(
                f,
                "  {surface}/{feature}: {ok} / {failed} ({rate:.1}% success)"
            )?;
        }
        writeln!(f, "\nDistinct guilds: {}", self.guilds)?;
        writeln!(f, "\nPer day:")?;
        for (day, (total, busiest)) in &self.per_day {
            writeln!(f, "  {day}: {total}")?;
            for ((surface, feature, action), n) in busiest {
                writeln!(f, "    {surface}/{feature} {action}: {n}")?;
            }
        }
        Ok(())
    }
}
