//! Working-day calendars compiled from rule-pack data.
//!
//! A calendar file says which weekdays are days off, which dates are public holidays (fixed
//! month-day holidays, with the years they apply to and whether a holiday that falls on a day
//! off moves to the next working day), and, year by year, the floating holidays (e.g. a
//! lunar-calendar feast) and the government's day-off transfers. Nothing here knows any
//! particular country: the data does.
//!
//! ```toml
//! weekend = [6, 7]                       # ISO weekdays: 6 = Saturday, 7 = Sunday
//! [[holiday]]
//! date = "03-21"                         # MM-DD
//! name = { kk = "Наурыз", ru = "Наурыз", en = "Nauryz" }
//! transfer = true                        # on a day off → the next working day is off
//! from_year = 2010                       # optional
//! until_year = 2026                      # optional, inclusive
//! [[year]]
//! year = 2026
//! holidays = [{ date = 2026-05-27, name = "…", transfer = false }]   # floating holidays
//! days_off = [2026-01-05]                # extra days off (transfers)
//! working_days = [2026-01-03]            # days off made working days
//! ```

use std::sync::Mutex;

use chrono::{Datelike, NaiveDate, TimeDelta};
use toml_datetime::Datetime;

use crate::pack::walk::{self, Node, Shape, Value as TomlValue};

/// Longest span a working-day computation may walk, in calendar days (bounds evaluation).
pub const MAX_SPAN_DAYS: i64 = 366 * 20;

/// A calendar file as written.
pub struct RawCalendar {
    pub weekend: Vec<u32>,
    pub holiday: Vec<RawHoliday>,
    pub year: Vec<RawYear>,
    /// Free text: where the data comes from.
    #[allow(dead_code)]
    pub provenance: Option<String>,
}

pub struct RawHoliday {
    pub date: String,
    /// Free-form name (a string or a `{kk, ru, en}` table); informational.
    #[allow(dead_code)]
    pub name: Option<TomlValue>,
    pub transfer: bool,
    pub from_year: Option<i32>,
    pub until_year: Option<i32>,
}

pub struct RawYear {
    pub year: i32,
    pub holidays: Vec<RawFloating>,
    pub days_off: Vec<Datetime>,
    pub working_days: Vec<Datetime>,
}

pub struct RawFloating {
    pub date: Datetime,
    /// Free-form name (a string or a `{kk, ru, en}` table); informational.
    #[allow(dead_code)]
    pub name: Option<TomlValue>,
    pub transfer: bool,
}

impl RawCalendar {
    const SHAPE: Shape = Shape {
        name: "struct RawCalendar",
        fields: &["weekend", "holiday", "year", "provenance"],
        defaults: &["weekend", "holiday", "year", "provenance"],
    };

    /// Reads a calendar file; an error carries the message and the byte offset.
    pub fn from_toml(text: &str) -> Result<RawCalendar, walk::Error> {
        walk::read_doc(text, RawCalendar::read)
    }

    pub(crate) fn read(n: &Node<'_, '_>) -> walk::R<Self> {
        let (mut weekend, mut holiday, mut year, mut provenance) = (vec![6, 7], Vec::new(), Vec::new(), None);
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => weekend = v.vec(|v| v.u32())?,
                1 => holiday = v.vec(RawHoliday::read)?,
                2 => year = v.vec(RawYear::read)?,
                _ => provenance = Some(v.string()?),
            }
            Ok(())
        })?;
        Ok(RawCalendar { weekend, holiday, year, provenance })
    }
}

impl RawHoliday {
    const SHAPE: Shape = Shape {
        name: "struct RawHoliday",
        fields: &["date", "name", "transfer", "from_year", "until_year"],
        defaults: &["transfer"],
    };

    fn read(n: &Node<'_, '_>) -> walk::R<Self> {
        let (mut date, mut name, mut transfer, mut from_year, mut until_year) = (None, None, false, None, None);
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => date = Some(v.string()?),
                1 => name = Some(v.value()?),
                2 => transfer = v.boolean()?,
                3 => from_year = Some(v.i32()?),
                _ => until_year = Some(v.i32()?),
            }
            Ok(())
        })?;
        Ok(RawHoliday { date: n.missing(date, "date")?, name, transfer, from_year, until_year })
    }
}

impl RawYear {
    const SHAPE: Shape = Shape {
        name: "struct RawYear",
        fields: &["year", "holidays", "days_off", "working_days"],
        defaults: &["holidays", "days_off", "working_days"],
    };

    fn read(n: &Node<'_, '_>) -> walk::R<Self> {
        let (mut year, mut holidays, mut days_off, mut working_days) = (None, Vec::new(), Vec::new(), Vec::new());
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => year = Some(v.i32()?),
                1 => holidays = v.vec(RawFloating::read)?,
                2 => days_off = v.vec(|v| v.datetime())?,
                _ => working_days = v.vec(|v| v.datetime())?,
            }
            Ok(())
        })?;
        Ok(RawYear { year: n.missing(year, "year")?, holidays, days_off, working_days })
    }
}

impl RawFloating {
    const SHAPE: Shape = Shape { name: "struct RawFloating", fields: &["date", "name", "transfer"], defaults: &["transfer"] };

    fn read(n: &Node<'_, '_>) -> walk::R<Self> {
        let (mut date, mut name, mut transfer) = (None, None, false);
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => date = Some(v.datetime()?),
                1 => name = Some(v.value()?),
                _ => transfer = v.boolean()?,
            }
            Ok(())
        })?;
        Ok(RawFloating { date: n.missing(date, "date")?, name, transfer })
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Fixed {
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) transfer: bool,
    pub(crate) from_year: Option<i32>,
    pub(crate) until_year: Option<i32>,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct YearData {
    #[serde(with = "crate::wire::compact")]
    pub(crate) floating: Vec<(NaiveDate, bool)>,
    #[serde(with = "crate::wire::compact")]
    pub(crate) days_off: Vec<NaiveDate>,
    #[serde(with = "crate::wire::compact")]
    pub(crate) working_days: Vec<NaiveDate>,
}

/// A compiled calendar. Days off per year are computed once and cached.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Calendar {
    pub name: String,
    pub(crate) weekend: [bool; 8],
    pub(crate) fixed: Vec<Fixed>,
    /// Per-year data, sorted by year (a year at most once).
    pub(crate) years: Vec<(i32, YearData)>,
    /// Days off per year, each list sorted, the years in the order they were first asked for
    /// (not written: filled again as it is used).
    #[serde(skip)]
    pub(crate) cache: Mutex<Vec<(i32, std::sync::Arc<Vec<NaiveDate>>)>>,
}

impl Calendar {
    /// Compiles a calendar; errors name the offending entry.
    pub fn compile(name: &str, raw: &RawCalendar) -> Result<Calendar, String> {
        let mut weekend = [false; 8];
        for &d in &raw.weekend {
            match weekend.get_mut(d as usize) {
                Some(w) if d >= 1 => *w = true,
                _ => return Err(format!("weekend day {d} is not an ISO weekday (1 = Monday … 7 = Sunday)")),
            }
        }
        let mut fixed = Vec::new();
        for h in &raw.holiday {
            let (m, d) = h
                .date
                .split_once('-')
                .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
                .filter(|(m, d)| NaiveDate::from_ymd_opt(2000, *m, *d).is_some())
                .ok_or_else(|| format!("holiday date `{}` must be MM-DD", h.date))?;
            fixed.push(Fixed { month: m, day: d, transfer: h.transfer, from_year: h.from_year, until_year: h.until_year });
        }
        let mut years: Vec<(i32, YearData)> = Vec::new();
        for y in &raw.year {
            let mut yd = YearData::default();
            let date = |d: &Datetime| {
                crate::pack::toml_date(d).ok_or_else(|| format!("year {}: `{d}` is not a date", y.year))
            };
            for f in &y.holidays {
                yd.floating.push((date(&f.date)?, f.transfer));
            }
            for d in &y.days_off {
                yd.days_off.push(date(d)?);
            }
            for d in &y.working_days {
                yd.working_days.push(date(d)?);
            }
            match years.binary_search_by_key(&y.year, |(year, _)| *year) {
                Ok(_) => return Err(format!("year {} is listed twice", y.year)),
                Err(at) => years.insert(at, (y.year, yd)),
            }
        }
        Ok(Calendar { name: name.to_string(), weekend, fixed, years, cache: Mutex::new(Vec::new()) })
    }

    fn year(&self, year: i32) -> Option<&YearData> {
        let i = self.years.binary_search_by_key(&year, |(y, _)| *y).ok()?;
        self.years.get(i).map(|(_, yd)| yd)
    }

    fn is_weekend(&self, d: NaiveDate) -> bool {
        self.weekend.get(d.weekday().number_from_monday() as usize).copied().unwrap_or(false)
    }

    /// The non-working dates of `year` other than plain weekends.
    fn off_days(&self, year: i32) -> std::sync::Arc<Vec<NaiveDate>> {
        if let Ok(cache) = self.cache.lock()
            && let Some((_, s)) = cache.iter().find(|(y, _)| *y == year)
        {
            return s.clone();
        }
        let set = std::sync::Arc::new(self.compute_off_days(year));
        if let Ok(mut cache) = self.cache.lock()
            && !cache.iter().any(|(y, _)| *y == year)
        {
            cache.push((year, set.clone()));
        }
        set
    }

    /// The sorted non-working dates of `year` other than plain weekends.
    fn compute_off_days(&self, year: i32) -> Vec<NaiveDate> {
        let yd = self.year(year).cloned().unwrap_or_default();
        // (date, transfers) of every holiday of the year.
        let mut holidays: Vec<(NaiveDate, bool)> = self
            .fixed
            .iter()
            .filter(|f| f.from_year.is_none_or(|y| year >= y) && f.until_year.is_none_or(|y| year <= y))
            .filter_map(|f| NaiveDate::from_ymd_opt(year, f.month, f.day).map(|d| (d, f.transfer)))
            .chain(yd.floating.iter().copied())
            .collect();
        holidays.sort();
        let mut off: Vec<NaiveDate> = holidays.iter().map(|(d, _)| *d).collect();
        off.dedup();
        // A transferable holiday on a weekend makes the next working day a day off.
        for (d, transfer) in &holidays {
            if !transfer || !self.is_weekend(*d) {
                continue;
            }
            let mut next = *d;
            for _ in 0..60 {
                let Some(n) = next.succ_opt() else { break };
                next = n;
                if !self.is_weekend(next)
                    && let Err(at) = off.binary_search(&next)
                {
                    off.insert(at, next);
                    break;
                }
            }
        }
        off.extend(yd.days_off.iter().copied());
        off.sort_unstable();
        off.dedup();
        off.retain(|d| !yd.working_days.contains(d));
        off
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        let yd = self.year(d.year());
        if yd.is_some_and(|y| y.working_days.contains(&d)) {
            return true;
        }
        !self.is_weekend(d) && self.off_days(d.year()).binary_search(&d).is_err()
    }

    /// The `n`-th working day after `d` (`n` = 0: `d` itself if working, else the next
    /// working day); negative `n` counts back. `None` beyond [`MAX_SPAN_DAYS`].
    pub fn add_working_days(&self, d: NaiveDate, n: i64) -> Option<NaiveDate> {
        let step = if n < 0 { -1 } else { 1 };
        let mut cur = d;
        if n == 0 {
            for _ in 0..MAX_SPAN_DAYS {
                if self.is_working_day(cur) {
                    return Some(cur);
                }
                cur = cur.checked_add_signed(TimeDelta::days(1))?;
            }
            return None;
        }
        let mut left = n.abs();
        for _ in 0..MAX_SPAN_DAYS {
            cur = cur.checked_add_signed(TimeDelta::days(step))?;
            if self.is_working_day(cur) {
                left -= 1;
                if left == 0 {
                    return Some(cur);
                }
            }
        }
        None
    }

    /// Working days in `(a, b]` (negative when `b` is before `a`). `None` beyond the span limit.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Option<i64> {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        if (hi - lo).num_days() > MAX_SPAN_DAYS {
            return None;
        }
        let mut count = 0i64;
        let mut cur = lo;
        while cur < hi {
            cur = cur.succ_opt()?;
            if self.is_working_day(cur) {
                count += 1;
            }
        }
        Some(sign * count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// `compute_off_days` as it was, inserting into and removing from the set.
    fn off_days_by_set(c: &Calendar, year: i32) -> std::collections::BTreeSet<NaiveDate> {
        let yd = c.year(year).cloned().unwrap_or_default();
        let mut holidays: Vec<(NaiveDate, bool)> = c
            .fixed
            .iter()
            .filter(|f| f.from_year.is_none_or(|y| year >= y) && f.until_year.is_none_or(|y| year <= y))
            .filter_map(|f| NaiveDate::from_ymd_opt(year, f.month, f.day).map(|d| (d, f.transfer)))
            .chain(yd.floating.iter().copied())
            .collect();
        holidays.sort();
        let mut off: std::collections::BTreeSet<NaiveDate> = holidays.iter().map(|(d, _)| *d).collect();
        for (d, transfer) in &holidays {
            if !transfer || !c.is_weekend(*d) {
                continue;
            }
            let mut next = *d;
            for _ in 0..60 {
                let Some(n) = next.succ_opt() else { break };
                next = n;
                if !c.is_weekend(next) && !off.contains(&next) {
                    off.insert(next);
                    break;
                }
            }
        }
        off.extend(yd.days_off.iter().copied());
        for w in &yd.working_days {
            off.remove(w);
        }
        off
    }

    #[test]
    fn off_days_are_the_sets_of_one_insertion_at_a_time() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut cals = vec![cal()];
        for pack in ["kz-orphan", "kz-karaganda"] {
            for e in std::fs::read_dir(dir.join(pack).join("data")).into_iter().flatten().flatten() {
                let Ok(text) = std::fs::read_to_string(e.path()) else { continue };
                if let Ok(raw) = RawCalendar::from_toml(&text)
                    && let Ok(c) = Calendar::compile("c", &raw)
                {
                    cals.push(c);
                }
            }
        }
        assert!(cals.len() >= 2, "{}", cals.len());
        for c in &cals {
            for year in 1990..2110 {
                assert_eq!(c.compute_off_days(year), off_days_by_set(c, year).into_iter().collect::<Vec<_>>(), "{year}");
            }
        }
    }

    fn cal() -> Calendar {
        let raw = RawCalendar::from_toml(
            r#"
            weekend = [6, 7]
            [[holiday]]
            date = "03-08"
            transfer = true
            [[holiday]]
            date = "03-21"
            transfer = true
            [[holiday]]
            date = "03-22"
            transfer = true
            [[holiday]]
            date = "03-23"
            transfer = true
            [[holiday]]
            date = "01-07"
            transfer = false
            [[holiday]]
            date = "08-30"
            transfer = true
            until_year = 2025
            [[year]]
            year = 2025
            days_off = [2025-01-03]
            working_days = [2025-01-05]
            [[year]]
            year = 2026
            holidays = [{ date = 2026-05-27, transfer = false }]
            "#,
        )
        .unwrap();
        Calendar::compile("test", &raw).unwrap()
    }

    #[test]
    fn nauryz_2026_on_a_weekend_moves_to_the_next_working_days() {
        let c = cal();
        for day in 21..=25 {
            assert!(!c.is_working_day(d(2026, 3, day)), "2026-03-{day}");
        }
        assert!(c.is_working_day(d(2026, 3, 26)));
        // International Women's Day on Sunday 8 March 2026 → Monday 9 March off.
        assert!(!c.is_working_day(d(2026, 3, 9)));
    }

    #[test]
    fn five_working_days_across_nauryz_2026() {
        let c = cal();
        // Thursday 19 March: 20 (Fri), then 21–25 off, 26, 27, 30, 31.
        assert_eq!(c.add_working_days(d(2026, 3, 19), 5), Some(d(2026, 3, 31)));
        assert_eq!(c.working_days_between(d(2026, 3, 19), d(2026, 3, 31)), Some(5));
        assert_eq!(c.add_working_days(d(2026, 3, 31), -5), Some(d(2026, 3, 19)));
    }

    #[test]
    fn religious_holidays_do_not_transfer_and_transfers_apply() {
        let c = cal();
        // 7 January 2024 was a Sunday: no transfer to Monday 8 January.
        assert!(c.is_working_day(d(2024, 1, 8)));
        // 2025: Friday 3 January off, Sunday 5 January a working day.
        assert!(!c.is_working_day(d(2025, 1, 3)));
        assert!(c.is_working_day(d(2025, 1, 5)));
        // A floating holiday of 2026.
        assert!(!c.is_working_day(d(2026, 5, 27)));
        // A holiday that applies until 2025 only: 30 August 2026 is a Sunday, 31 August works.
        assert!(c.is_working_day(d(2026, 8, 31)));
        assert!(!c.is_working_day(d(2025, 9, 1)), "30 Aug 2025 (Sat) moved to Mon 1 Sep");
    }

    #[test]
    fn bad_calendar_data_is_refused() {
        let raw = RawCalendar::from_toml("weekend = [0]").unwrap();
        assert!(Calendar::compile("x", &raw).is_err());
        let raw = RawCalendar::from_toml("[[holiday]]\ndate = \"02-30\"").unwrap();
        assert!(Calendar::compile("x", &raw).is_err());
    }

    #[test]
    fn days_off_are_those_of_the_set_based_computation() {
        // Holidays on weekends back to back (transfers that chain), a floating holiday on a
        // transferred day, days off and working days given for the year.
        let raw = RawCalendar::from_toml(
            r#"
            weekend = [6, 7]
            holiday = [
              { date = "01-01", transfer = true }, { date = "01-02", transfer = true },
              { date = "03-08", transfer = true }, { date = "03-21", transfer = true },
              { date = "03-22", transfer = true }, { date = "03-23", transfer = true },
              { date = "05-09", transfer = true }, { date = "12-16", transfer = false },
              { date = "12-31", transfer = true, from_year = 2027 },
            ]
            [[year]]
            year = 2026
            holidays = [{ date = 2026-03-24, transfer = true }, { date = 2026-05-27, transfer = false }]
            days_off = [2026-01-02, 2026-03-24, 2026-12-30]
            working_days = [2026-01-03, 2026-03-25, 2026-12-16]
            [[year]]
            year = 2027
            days_off = [2027-01-08]
            "#,
        )
        .unwrap();
        let c = Calendar::compile("t", &raw).unwrap();
        for year in 2020..2032 {
            let want: Vec<NaiveDate> = off_days_by_set(&c, year).into_iter().collect();
            assert_eq!(c.compute_off_days(year), want, "{year}");
        }
        let k = cal();
        for year in 2024..2028 {
            let want: Vec<NaiveDate> = off_days_by_set(&k, year).into_iter().collect();
            assert_eq!(k.compute_off_days(year), want, "{year}");
        }
    }
}