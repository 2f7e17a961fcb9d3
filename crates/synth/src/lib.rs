//! Deterministic synthetic data for tests, the demo and benchmarks.
//!
//! **Everything this crate produces is synthetic.** Identifiers are structurally
//! valid (they pass every check in `onething_domain::ids`) but are drawn at random,
//! and every person and employer name contains 演示 ("demo") so that it is obviously
//! fake. Never load its output into a production database.
//!
//! The same seed gives the same sequence of values (for the `rand` and
//! `rand_chacha` versions in `Cargo.lock`), so a failing test or a benchmark can be
//! replayed exactly.

pub mod cases;
pub mod city;
mod names;
pub mod province;

use chrono::{Days, NaiveDate};
use onething_domain::ids::{BirthCertificateNo, CitizenId, RegionCode, Sex, Uscc};
pub use rand;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
pub use rand_chacha::ChaCha8Rng;

use names::{DEMO_MARK, FEMALE_NUMERALS, INDUSTRIES, MALE_NUMERALS, SURNAMES};

/// The earliest and latest birth dates a citizen id can carry.
const EARLIEST_BIRTH: NaiveDate = date(1900, 1, 1);
const LATEST_BIRTH: NaiveDate = date(9999, 12, 31);
/// Mothers in maternity scenarios are born in these years.
const MOTHERS_BORN: (NaiveDate, NaiveDate) = (date(1985, 1, 1), date(2002, 12, 31));
/// Characters of a unified social credit code body (no I, O, S, V, Z).
const USCC_BODY: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Builds a date at compile time; an impossible date fails the build, not a run.
const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("constant date does not exist"),
    }
}

/// A seeded generator of synthetic ids, names and dates.
#[derive(Debug, Clone)]
pub struct Synth {
    rng: ChaCha8Rng,
}

impl Synth {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The underlying generator, for callers that need other random values while
    /// keeping one reproducible stream.
    pub fn rng_mut(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// A uniformly chosen date in `between` (inclusive, either order).
    pub fn date_between(&mut self, between: (NaiveDate, NaiveDate)) -> NaiveDate {
        let (from, to) = if between.0 <= between.1 {
            between
        } else {
            (between.1, between.0)
        };
        let span = u64::try_from((to - from).num_days()).unwrap_or(0);
        let offset = self.rng.random_range(0..=span);
        from.checked_add_days(Days::new(offset)).unwrap_or(from)
    }

    /// A valid citizen id of the given sex, born in `born_between` (clamped to the
    /// years 1900–9999 that an id can carry), registered in `region`.
    pub fn citizen_id(
        &mut self,
        sex: Sex,
        born_between: (NaiveDate, NaiveDate),
        region: RegionCode,
    ) -> CitizenId {
        let low = born_between.0.min(born_between.1);
        let high = born_between.0.max(born_between.1);
        let low = low.clamp(EARLIEST_BIRTH, LATEST_BIRTH);
        let high = high.clamp(EARLIEST_BIRTH, LATEST_BIRTH);
        let birth = self.date_between((low, high));
        let parity = match sex {
            Sex::Male => 1,
            Sex::Female => 0,
        };
        let sequence = self.rng.random_range(0..500u16) * 2 + parity;
        CitizenId::from_parts(region, birth, sequence)
            .expect("birth year is clamped to 1900..=9999 and sequence is below 1000")
    }

    /// A mother's citizen id: female, born 1985–2002.
    pub fn mother_id(&mut self, region: RegionCode) -> CitizenId {
        self.citizen_id(Sex::Female, MOTHERS_BORN, region)
    }

    /// An enterprise (authority 9, type 1) credit code registered in `region`.
    pub fn uscc(&mut self, region: RegionCode) -> Uscc {
        let body: String = (0..8)
            .map(|_| char::from(USCC_BODY[self.rng.random_range(0..USCC_BODY.len())]))
            .collect();
        Uscc::from_parts('9', '1', region, &body)
            .expect("authority, type and body are drawn from the USCC alphabet")
    }

    /// A birth certificate number: a capital letter and nine digits.
    pub fn birth_certificate_no(&mut self) -> BirthCertificateNo {
        let letter = char::from(self.rng.random_range(b'A'..=b'Z'));
        let serial = self.rng.random_range(0..1_000_000_000u32);
        BirthCertificateNo::from_parts(letter, serial)
            .expect("letter is A-Z and serial has at most nine digits")
    }

    /// An obviously fake name such as 王演示三: surname + 演示 + a numeral (odd for
    /// men, even for women).
    pub fn person_name(&mut self, sex: Sex) -> String {
        let numerals = match sex {
            Sex::Male => &MALE_NUMERALS,
            Sex::Female => &FEMALE_NUMERALS,
        };
        let surname = self.choose_str(&SURNAMES);
        let numeral = self.choose_str(numerals);
        format!("{surname}{DEMO_MARK}{numeral}")
    }

    /// An obviously fake employer such as 演示科技有限公司07.
    pub fn employer_name(&mut self) -> String {
        let industry = self.choose_str(&INDUSTRIES);
        let number = self.rng.random_range(1..=99u32);
        format!("{DEMO_MARK}{industry}有限公司{number:02}")
    }

    /// One of `regions`, or `None` when there are none to pick from.
    pub fn pick_region(&mut self, regions: &[RegionCode]) -> Option<RegionCode> {
        self.pick(regions).copied()
    }

    /// One element of `items`, or `None` when it is empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.choose(&mut self.rng)
    }

    fn choose_str(&mut self, options: &[&'static str]) -> &'static str {
        self.pick(options).copied().unwrap_or(DEMO_MARK)
    }
}
