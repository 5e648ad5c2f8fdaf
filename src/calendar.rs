//! Working-day calendars compiled from rule-pack data.
//!
//! A calendar says which weekdays are days off, which dates are public holidays (fixed
//! month-day holidays, with the years they apply to and whether a holiday that falls on a day
//! off moves to the next working day), and, year by year, the floating holidays (e.g. a
//! lunar-calendar feast) and the government's day-off transfers. Nothing here knows any
//! particular country, nor the file a calendar is written in (`pack::raw::RawCalendar` reads
//! it): the data does.

use std::sync::Mutex;

use chrono::{Datelike, NaiveDate, TimeDelta};

/// Longest span a working-day computation may walk, in calendar days (bounds evaluation).
pub const MAX_SPAN_DAYS: i64 = 366 * 20;

/// What a calendar says, before it is compiled.
pub struct CalendarData {
    /// The ISO weekdays that are days off (1 = Monday … 7 = Sunday).
    pub weekend: Vec<u32>,
    /// The holidays on the same month and day every year.
    pub fixed: Vec<Fixed>,
    /// Year by year: floating holidays, extra days off, days off made working days.
    pub years: Vec<(i32, YearData)>,
}

/// A holiday on the same month and day every year.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Fixed {
    pub month: u32,
    pub day: u32,
    /// On a day off, the next working day is off instead.
    pub transfer: bool,
    pub from_year: Option<i32>,
    /// Inclusive.
    pub until_year: Option<i32>,
}

/// One year's own data.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct YearData {
    /// Floating holidays (date, transfers).
    #[serde(with = "crate::wire::compact")]
    pub floating: Vec<(NaiveDate, bool)>,
    /// Extra days off (transfers).
    #[serde(with = "crate::wire::compact")]
    pub days_off: Vec<NaiveDate>,
    /// Days off made working days.
    #[serde(with = "crate::wire::compact")]
    pub working_days: Vec<NaiveDate>,
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
    pub fn compile(name: &str, data: &CalendarData) -> Result<Calendar, String> {
        let mut weekend = [false; 8];
        for &d in &data.weekend {
            match weekend.get_mut(d as usize) {
                Some(w) if d >= 1 => *w = true,
                _ => return Err(format!("weekend day {d} is not an ISO weekday (1 = Monday … 7 = Sunday)")),
            }
        }
        let mut years: Vec<(i32, YearData)> = Vec::with_capacity(data.years.len());
        for (year, yd) in &data.years {
            match years.binary_search_by_key(year, |(y, _)| *y) {
                Ok(_) => return Err(format!("year {year} is listed twice")),
                Err(at) => years.insert(at, (*year, yd.clone())),
            }
        }
        Ok(Calendar { name: name.to_string(), weekend, fixed: data.fixed.clone(), years, cache: Mutex::new(Vec::new()) })
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
        // (date, transfers) of every holiday of the year, sorted. A few dozen at most: each put
        // in its place by a binary search rather than sorted afterwards (two sort instantiations
        // fewer in the WASM module, about 12 KB raw, 2026-12-06).
        let mut holidays: Vec<(NaiveDate, bool)> = Vec::new();
        let dated = self
            .fixed
            .iter()
            .filter(|f| f.from_year.is_none_or(|y| year >= y) && f.until_year.is_none_or(|y| year <= y))
            .filter_map(|f| NaiveDate::from_ymd_opt(year, f.month, f.day).map(|d| (d, f.transfer)));
        for h in dated.chain(yd.floating.iter().copied()) {
            let at = holidays.partition_point(|x| *x < h);
            holidays.insert(at, h);
        }
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
        for &d in &yd.days_off {
            if let Err(at) = off.binary_search(&d) {
                off.insert(at, d);
            }
        }
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
    // The pack reads calendar files; these tests read theirs the same way.
    use crate::pack::calendar_from_toml as from_toml;

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
        // Unstable: equal elements are identical (one sort instantiation less in the WASM module).
        holidays.sort_unstable();
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
                if let Ok(c) = from_toml("c", &text) {
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
        from_toml(
            "test",
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
        .unwrap()
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
        assert!(from_toml("x", "weekend = [0]").unwrap_err().contains("weekend day 0"));
        assert!(from_toml("x", "[[holiday]]\ndate = \"02-30\"").unwrap_err().contains("must be MM-DD"));
        assert!(from_toml("x", "[[year]]\nyear = 2026\n[[year]]\nyear = 2026").unwrap_err().contains("listed twice"));
    }

    #[test]
    fn days_off_are_those_of_the_set_based_computation() {
        // Holidays on weekends back to back (transfers that chain), a floating holiday on a
        // transferred day, days off and working days given for the year.
        let c = from_toml(
            "t",
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