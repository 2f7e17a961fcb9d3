//! The city's people and employers, and every record about them, in one pass: each
//! employee is generated with her household, spouse and births, and written at once.

use std::collections::HashSet;
use std::io;

use chrono::{Datelike, Days, Months, NaiveDate};
use onething_domain::YearMonth;
use onething_domain::ids::{CitizenId, RegionCode, Sex, Uscc};
use rand::Rng;

use super::sink::Sink;
use super::{CityParams, Dataset, DatasetSummary};
use crate::{Synth, date};

/// Births and deliveries happen from this day on (inside the holiday calendar 2021–2026).
const EVENTS_FROM: NaiveDate = date(2024, 1, 1);
/// Marriages are registered from this day on.
const MARRIAGES_FROM: NaiveDate = date(2012, 1, 1);
/// Ethnicities with rough weights for a Chongqing county (per mille).
const ETHNICITIES: [(&str, u32); 3] = [("汉族", 920), ("土家族", 50), ("苗族", 30)];
/// Other counties people's ids may have been issued in.
const BIRTHPLACES: [u32; 4] = [500105, 500114, 500101, 420281];
const HOSPITALS: [&str; 3] = ["演示人民医院", "演示妇幼保健院", "演示中医院"];

struct Employer {
    uscc: Uscc,
    /// The county it is registered in; its employees live there.
    region: RegionCode,
    /// Average monthly contribution base; employees' bases scatter around it.
    base_fen: i64,
}

#[derive(Clone)]
struct Person {
    id: CitizenId,
    name: String,
    ethnicity: &'static str,
}

/// What became of an employee during the contribution window.
#[derive(Clone, Copy)]
enum Fate {
    Employed,
    /// Insurance suspended (arrears) from that day; later months unpaid.
    Arrears(NaiveDate),
    UnemploymentBenefit(NaiveDate),
    Flexible(NaiveDate),
    Retired(NaiveDate),
}

pub(super) fn generate(params: &CityParams, sink: Sink) -> io::Result<Vec<DatasetSummary>> {
    if params.employers == 0 && params.people > 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "employees need at least one employer",
        ));
    }
    let mut city = City::new(params, sink);
    city.employers()?;
    for _ in 0..params.people {
        city.employee()?;
    }
    city.sink.finish()
}

struct City<'a> {
    p: &'a CityParams,
    synth: Synth,
    sink: Sink,
    employers: Vec<Employer>,
    /// Citizen ids, credit codes and certificate numbers issued: keys must be unique, or a
    /// record would silently "correct" another person's.
    issued: HashSet<String>,
    marriages: u32,
    deliveries: u32,
    first_month: YearMonth,
    last_month: YearMonth,
    /// The county of the employee being generated (her employer's).
    region: RegionCode,
}

impl<'a> City<'a> {
    fn new(p: &'a CityParams, sink: Sink) -> Self {
        let current = YearMonth::of(p.today);
        let last_month = current.pred().unwrap_or(current);
        let months = p.contribution_months.max(1);
        let first = p.today.checked_sub_months(Months::new(months));
        City {
            p,
            synth: Synth::new(p.seed),
            sink,
            employers: Vec::new(),
            issued: HashSet::new(),
            marriages: 0,
            deliveries: 0,
            first_month: first.map(YearMonth::of).unwrap_or(last_month),
            last_month,
            region: p.region,
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.synth.rng_mut().random_bool(p.clamp(0.0, 1.0))
    }

    fn int(&mut self, range: std::ops::RangeInclusive<i64>) -> i64 {
        self.synth.rng_mut().random_range(range)
    }

    fn days_after(&mut self, day: NaiveDate, range: std::ops::RangeInclusive<i64>) -> NaiveDate {
        let days = u64::try_from(self.int(range)).unwrap_or(0);
        day.checked_add_days(Days::new(days)).unwrap_or(day)
    }

    // ---- employers ------------------------------------------------------------------

    fn employers(&mut self) -> io::Result<()> {
        for n in 0..self.p.employers {
            let region = self.p.county(n);
            let uscc = loop {
                let uscc = self.synth.uscc(region);
                if self.issued.insert(uscc.as_str().to_owned()) {
                    break uscc;
                }
            };
            let wage_fen = round_100(self.int(400_000..=1_600_000));
            let base_fen = round_100(wage_fen * self.int(60..=100) / 100);
            self.wages(&uscc, wage_fen, base_fen)?;
            self.employers.push(Employer {
                uscc,
                region,
                base_fen,
            });
        }
        Ok(())
    }

    /// The two previous years' wages: the claim uses the year before the birth's.
    fn wages(&mut self, uscc: &Uscc, wage_fen: i64, base_fen: i64) -> io::Result<()> {
        let year = self.p.today.year();
        for (y, percent) in [(year - 2, 95), (year - 1, 100)] {
            let cells = vec![
                uscc.to_string(),
                y.to_string(),
                round_100(wage_fen * percent / 100).to_string(),
                round_100(base_fen * percent / 100).to_string(),
            ];
            self.sink.emit(Dataset::EmployerWages, cells)?;
        }
        Ok(())
    }

    // ---- people ---------------------------------------------------------------------

    fn person(&mut self, sex: Sex, born: (NaiveDate, NaiveDate)) -> Person {
        let home = self.birthplace();
        let mut id = self.synth.citizen_id(sex, born, home);
        // A bounded search: a day's 500 sequence numbers per sex could in theory run out.
        for _ in 0..1000 {
            if self.issued.insert(id.as_str().to_owned()) {
                break;
            }
            id = self.synth.citizen_id(sex, born, home);
        }
        Person {
            name: self.synth.person_name(sex),
            ethnicity: self.ethnicity(),
            id,
        }
    }

    /// Most ids were issued in the city's county, some elsewhere.
    fn birthplace(&mut self) -> RegionCode {
        if self.chance(0.85) {
            return self.region;
        }
        let index = self.synth.rng_mut().random_range(0..BIRTHPLACES.len());
        RegionCode::new(BIRTHPLACES[index]).unwrap_or(self.region)
    }

    fn ethnicity(&mut self) -> &'static str {
        let mut roll = self.synth.rng_mut().random_range(0..1000u32);
        for (name, weight) in ETHNICITIES {
            if roll < weight {
                return name;
            }
            roll -= weight;
        }
        ETHNICITIES[0].0
    }

    fn household(&mut self, person: &Person) -> io::Result<()> {
        let address = format!(
            "{}演示路{}号{}单元{}室",
            self.region.name_zh().unwrap_or("演示区"),
            self.int(1..=300),
            self.int(1..=6),
            self.int(101..=2804),
        );
        let cells = vec![
            person.id.to_string(),
            person.name.clone(),
            sex_name(person.id.sex()).to_owned(),
            person.ethnicity.to_owned(),
            "CHN".to_owned(),
            self.region.to_string(),
            address,
        ];
        self.sink.emit(Dataset::HouseholdRegistrations, cells)
    }

    /// One insured employee and everything recorded about her or him.
    fn employee(&mut self) -> io::Result<()> {
        let sex = if self.chance(0.55) {
            Sex::Female
        } else {
            Sex::Male
        };
        let born = (
            years_before(self.p.today, 60),
            years_before(self.p.today, 22),
        );
        let index = self.synth.rng_mut().random_range(0..self.employers.len());
        self.region = self.employers[index].region;
        let person = self.person(sex, born);
        self.household(&person)?;
        let hired = self
            .synth
            .date_between((years_before(self.p.today, 10), self.p.today - Days::new(20)));
        let fate = self.fate(&person, hired);
        self.employment(&person, index, hired, fate)?;
        self.enrollment(&person, index, hired, fate)?;
        self.contributions(&person, index, hired, fate)?;
        self.family(&person)
    }

    fn fate(&mut self, person: &Person, hired: NaiveDate) -> Fate {
        let window_start = self.first_month.first_day();
        let from = (hired + Days::new(30)).max(window_start);
        let to = self.p.today - Days::new(1);
        if from > to {
            return Fate::Employed;
        }
        let changed = self.synth.date_between((from, to));
        let retirement_age = match person.id.sex() {
            Sex::Female => 50,
            Sex::Male => 60,
        };
        if age_on(&person.id, self.p.today) >= retirement_age && self.chance(0.5) {
            return Fate::Retired(changed);
        }
        match self.int(0..=99) {
            0..=3 => Fate::UnemploymentBenefit(changed),
            4..=7 => Fate::Flexible(changed),
            8..=9 => Fate::Arrears(changed),
            _ => Fate::Employed,
        }
    }

    fn employment(
        &mut self,
        person: &Person,
        employer: usize,
        hired: NaiveDate,
        fate: Fate,
    ) -> io::Result<()> {
        let uscc = self.employers[employer].uscc.to_string();
        self.status_row(person, "employed", &uscc, hired)?;
        match fate {
            Fate::UnemploymentBenefit(on) => {
                self.status_row(person, "unemployment_benefit", "", on)
            }
            Fate::Flexible(on) => self.status_row(person, "flexible", "", on),
            Fate::Retired(on) => self.status_row(person, "retired", "", on),
            Fate::Employed | Fate::Arrears(_) => Ok(()),
        }
    }

    fn status_row(
        &mut self,
        person: &Person,
        status: &str,
        uscc: &str,
        from: NaiveDate,
    ) -> io::Result<()> {
        let cells = vec![
            person.id.to_string(),
            status.to_owned(),
            uscc.to_owned(),
            from.to_string(),
        ];
        self.sink.emit(Dataset::EmploymentStatus, cells)
    }

    fn enrollment(
        &mut self,
        person: &Person,
        employer: usize,
        hired: NaiveDate,
        fate: Fate,
    ) -> io::Result<()> {
        let uscc = self.employers[employer].uscc.to_string();
        self.enrollment_row(person, "employee", &uscc, "normal", hired)?;
        match fate {
            Fate::Arrears(on) | Fate::UnemploymentBenefit(on) => {
                self.enrollment_row(person, "employee", &uscc, "suspended", on)
            }
            Fate::Flexible(on) => {
                self.enrollment_row(person, "employee", &uscc, "terminated", on)?;
                self.enrollment_row(person, "resident", "", "normal", on)
            }
            Fate::Employed | Fate::Retired(_) => Ok(()),
        }
    }

    fn enrollment_row(
        &mut self,
        person: &Person,
        scheme: &str,
        uscc: &str,
        status: &str,
        from: NaiveDate,
    ) -> io::Result<()> {
        let cells = vec![
            person.id.to_string(),
            scheme.to_owned(),
            uscc.to_owned(),
            status.to_owned(),
            self.region.to_string(),
            from.to_string(),
        ];
        self.sink.emit(Dataset::InsuranceEnrollments, cells)
    }

    // ---- contributions --------------------------------------------------------------

    /// Monthly contributions from hiring (or the window's start) until the month the
    /// employee stopped; some people have a gap of 1–3 months, some an unpaid month, and
    /// those in arrears leave the months after the suspension unpaid.
    fn contributions(
        &mut self,
        person: &Person,
        employer: usize,
        hired: NaiveDate,
        fate: Fate,
    ) -> io::Result<()> {
        let start = self.first_month.max(YearMonth::of(hired));
        let end = match fate {
            Fate::UnemploymentBenefit(on) | Fate::Flexible(on) | Fate::Retired(on) => {
                YearMonth::of(on).pred().unwrap_or(self.first_month)
            }
            Fate::Employed | Fate::Arrears(_) => self.last_month,
        }
        .min(self.last_month);
        if end < start {
            return Ok(());
        }
        let span = i64::from(start.months_until(end));
        let gap = self.chance(0.08).then(|| {
            let from = self.int(0..=span);
            (from, from + self.int(0..=2))
        });
        let unpaid = self.chance(0.04).then(|| self.int(0..=span));
        let arrears = match fate {
            Fate::Arrears(on) => Some(YearMonth::of(on)),
            _ => None,
        };
        let base = round_100(self.employers[employer].base_fen * self.int(80..=125) / 100);
        let uscc = self.employers[employer].uscc.to_string();
        let mut month = start;
        for n in 0..=span {
            let skipped = gap.is_some_and(|(a, b)| (a..=b).contains(&n));
            if !skipped {
                let paid = unpaid != Some(n) && arrears.is_none_or(|a| month < a);
                self.contribution_row(person, &uscc, month, base, paid)?;
            }
            month = month.succ().unwrap_or(month);
        }
        Ok(())
    }

    fn contribution_row(
        &mut self,
        person: &Person,
        uscc: &str,
        month: YearMonth,
        base: i64,
        paid: bool,
    ) -> io::Result<()> {
        let cells = vec![
            person.id.to_string(),
            uscc.to_owned(),
            month.to_string(),
            base.to_string(),
            paid.to_string(),
        ];
        self.sink.emit(Dataset::Contributions, cells)
    }

    // ---- family ---------------------------------------------------------------------

    /// Most employees of an age to marry have a spouse (recorded with household,
    /// employment status and marriage); a couple may have had a child or another
    /// pregnancy outcome since 2024. A few single women have one too.
    fn family(&mut self, person: &Person) -> io::Result<()> {
        let age = age_on(&person.id, self.p.today);
        if !(22..=45).contains(&age) {
            return Ok(());
        }
        if !self.chance(0.65) {
            if person.id.sex() == Sex::Female && self.chance(0.05) {
                self.pregnancy(person, None, EVENTS_FROM)?;
            }
            return Ok(());
        }
        let spouse = self.spouse(person)?;
        let (wife, husband) = match person.id.sex() {
            Sex::Female => (person, &spouse),
            Sex::Male => (&spouse, person),
        };
        let registered_on = self.marriage(wife, husband)?;
        if let Some(registered_on) = registered_on
            && self.chance(0.35)
        {
            self.pregnancy(wife, Some(husband), registered_on)?;
        }
        Ok(())
    }

    fn spouse(&mut self, person: &Person) -> io::Result<Person> {
        let sex = match person.id.sex() {
            Sex::Female => Sex::Male,
            Sex::Male => Sex::Female,
        };
        let birth = person.id.birth_date();
        let born = (years_before(birth, 5), years_before(birth, -4));
        let born = (born.0, born.1.min(years_before(self.p.today, 21)));
        let spouse = self.person(sex, born);
        self.household(&spouse)?;
        let since = self
            .synth
            .date_between((MARRIAGES_FROM, self.p.today - Days::new(60)));
        // Spouses work outside the city's insured employers, or not at all (RB-1).
        let status = match self.int(0..=99) {
            0..=54 => "employed",
            55..=84 => "unemployed",
            _ => "flexible",
        };
        self.status_row(&spouse, status, "", since)?;
        Ok(spouse)
    }

    /// Registers the marriage; `None` when the couple is divorced.
    fn marriage(&mut self, wife: &Person, husband: &Person) -> io::Result<Option<NaiveDate>> {
        let adult = |id: &CitizenId| years_before(id.birth_date(), -22);
        let from = MARRIAGES_FROM.max(adult(&wife.id)).max(adult(&husband.id));
        let to = self.p.today - Days::new(30);
        let registered_on = self.synth.date_between((from.min(to), to));
        let divorced = self.chance(0.03);
        self.marriages += 1;
        let cells = vec![
            format!(
                "J{}-{}-{:06}",
                self.region,
                registered_on.year(),
                self.marriages
            ),
            husband.id.to_string(),
            wife.id.to_string(),
            registered_on.to_string(),
            if divorced { "divorced" } else { "married" }.to_owned(),
        ];
        self.sink.emit(Dataset::Marriages, cells)?;
        Ok((!divorced).then_some(registered_on))
    }

    // ---- pregnancies ----------------------------------------------------------------

    fn pregnancy(
        &mut self,
        mother: &Person,
        father: Option<&Person>,
        not_before: NaiveDate,
    ) -> io::Result<()> {
        let from = EVENTS_FROM.max(not_before + Days::new(60));
        let to = self.p.today - Days::new(10);
        if from > to {
            return Ok(());
        }
        let on = self.synth.date_between((from, to));
        let event = self.event();
        let hospital = self.int(0..=2) as usize;
        self.delivery(mother, &event, on, hospital)?;
        for baby in 0..event.babies {
            self.birth(mother, father, &event, on, hospital, baby)?;
        }
        Ok(())
    }

    fn event(&mut self) -> Event {
        let roll = self.int(0..=999);
        let twins = self.chance(0.015);
        let (kind, babies, weeks) = match roll {
            0..=879 => {
                let kind = match self.int(0..=99) {
                    0..=39 => "cesarean",
                    40..=44 => "dystocia",
                    _ => "vaginal",
                };
                let weeks = if twins {
                    self.int(34..=38)
                } else if self.chance(0.1) {
                    self.int(33..=36)
                } else {
                    self.int(37..=41)
                };
                (kind, if twins { 2 } else { 1 }, Some(weeks))
            }
            880..=949 => ("miscarriage", 0, Some(self.int(6..=26))),
            950..=979 => ("induced", 0, Some(self.int(14..=27))),
            _ => ("family_planning_surgery", 0, None),
        };
        Event {
            kind,
            babies,
            weeks,
        }
    }

    fn delivery(
        &mut self,
        mother: &Person,
        event: &Event,
        on: NaiveDate,
        hospital: usize,
    ) -> io::Result<()> {
        self.deliveries += 1;
        let (stay, cost) = match event.kind {
            "cesarean" => (4..=7, 800_000..=1_500_000),
            "dystocia" => (5..=8, 900_000..=1_600_000),
            "vaginal" => (2..=4, 300_000..=800_000),
            "induced" => (2..=4, 200_000..=500_000),
            "miscarriage" => (0..=2, 100_000..=400_000),
            _ => (0..=1, 50_000..=200_000),
        };
        let admitted = on - Days::new(self.int(0..=2) as u64);
        let discharged = self.days_after(on, stay).min(self.p.today);
        let total = round_100(self.int(cost));
        let fund = round_100(total * self.int(60..=85) / 100);
        let cells = vec![
            format!("DR{}{:07}", on.year(), self.deliveries),
            self.hospital_code(hospital),
            mother.id.to_string(),
            admitted.to_string(),
            discharged.to_string(),
            on.to_string(),
            event.kind.to_owned(),
            event.babies.to_string(),
            event.weeks.map(|w| w.to_string()).unwrap_or_default(),
            self.chance(0.95).to_string(),
            total.to_string(),
            fund.to_string(),
        ];
        self.sink.emit(Dataset::DeliveryRecords, cells)
    }

    /// A 定点医疗机构 code: H, the county, five digits.
    fn hospital_code(&self, hospital: usize) -> String {
        format!("H{}{:05}", self.region, hospital + 1)
    }

    fn hospital_name(&self, hospital: usize) -> String {
        let county = self.region.name_zh().unwrap_or("");
        format!("{county}{}", HOSPITALS[hospital % HOSPITALS.len()])
    }

    fn birth(
        &mut self,
        mother: &Person,
        father: Option<&Person>,
        event: &Event,
        on: NaiveDate,
        hospital: usize,
        baby: i64,
    ) -> io::Result<()> {
        let sex = if self.chance(0.51) {
            Sex::Male
        } else {
            Sex::Female
        };
        let surname_from = father.unwrap_or(mother);
        let given: String = self.synth.person_name(sex).chars().skip(1).collect();
        let surname: String = surname_from.name.chars().take(1).collect();
        let child = Person {
            name: format!("{surname}{given}"),
            ethnicity: mother.ethnicity,
            id: self.child_id(sex, on),
        };
        let certificate = self.certificate_no();
        let minutes = self.int(0..=1439) + baby * 7;
        let weight = if event.babies > 1 {
            self.int(1800..=3000)
        } else {
            self.int(2500..=4200)
        };
        let cells = vec![
            certificate,
            child.name.clone(),
            sex_name(sex).to_owned(),
            format!(
                "{on}T{:02}:{:02}:00+08:00",
                (minutes / 60).min(23),
                minutes % 60
            ),
            event.weeks.unwrap_or(39).to_string(),
            weight.to_string(),
            self.int(46..=54).to_string(),
            self.region.to_string(),
            self.hospital_code(hospital),
            self.hospital_name(hospital),
            mother.name.clone(),
            mother.id.to_string(),
            father.map(|f| f.name.clone()).unwrap_or_default(),
            father.map(|f| f.id.to_string()).unwrap_or_default(),
            self.days_after(on, 1..=3).min(self.p.today).to_string(),
        ];
        self.sink.emit(Dataset::BirthCertificates, cells)?;
        // Most newborns are registered with public security within days (NB-7).
        if self.chance(0.75) {
            self.household(&child)?;
        }
        Ok(())
    }

    fn child_id(&mut self, sex: Sex, born: NaiveDate) -> CitizenId {
        let mut id = self.synth.citizen_id(sex, (born, born), self.region);
        for _ in 0..1000 {
            if self.issued.insert(id.as_str().to_owned()) {
                break;
            }
            id = self.synth.citizen_id(sex, (born, born), self.region);
        }
        id
    }

    fn certificate_no(&mut self) -> String {
        loop {
            let no = self.synth.birth_certificate_no().as_str().to_owned();
            if self.issued.insert(no.clone()) {
                return no;
            }
        }
    }
}

struct Event {
    kind: &'static str,
    babies: i64,
    weeks: Option<i64>,
}

fn sex_name(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

fn round_100(fen: i64) -> i64 {
    (fen + 50) / 100 * 100
}

/// The same day `years` years earlier (later when negative); 29 February becomes 28.
fn years_before(day: NaiveDate, years: i32) -> NaiveDate {
    let months = Months::new(years.unsigned_abs() * 12);
    let moved = if years >= 0 {
        day.checked_sub_months(months)
    } else {
        day.checked_add_months(months)
    };
    moved.unwrap_or(day)
}

/// Age in whole years on `day`.
fn age_on(id: &CitizenId, day: NaiveDate) -> i32 {
    let birth = id.birth_date();
    let had_birthday = (day.month(), day.day()) >= (birth.month(), birth.day());
    day.year() - birth.year() - i32::from(!had_birthday)
}
