//! How values are written on the forms: dates as 2026年11月23日, money from integer
//! fen as ¥12,345.67 and in capital numerals (大写) as on bank forms. No floats.

use chrono::{Datelike, NaiveDate};
use onething_domain::Fen;

/// `2026年11月23日`.
pub fn format_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// `¥12,345.67` (the platform's one way of printing money, [`Fen`]'s `Display`).
pub fn format_yuan(amount: Fen) -> String {
    amount.to_string()
}

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const IN_GROUP: [&str; 4] = ["", "拾", "佰", "仟"];

/// The amount in capital numerals, as written on receipts so it cannot be altered:
/// `12,345.67` → `壹万贰仟叁佰肆拾伍元陆角柒分`, `1,005.00` → `壹仟零伍元整`.
pub fn amount_in_words(amount: Fen) -> String {
    let magnitude = amount.as_i64().unsigned_abs();
    let (yuan, jiao, fen) = (magnitude / 100, magnitude / 10 % 10, magnitude % 10);
    let mut words = String::new();
    if amount.is_negative() {
        words.push('负');
    }
    if yuan > 0 {
        words.push_str(&yuan_in_words(yuan));
        words.push('元');
    }
    match (jiao, fen) {
        (0, 0) if yuan == 0 => words.push_str("零元整"),
        (0, 0) => words.push('整'),
        (0, _) => {
            if yuan > 0 {
                words.push('零');
            }
            push_unit(&mut words, fen, '分');
        }
        (_, 0) => {
            push_unit(&mut words, jiao, '角');
            words.push('整');
        }
        _ => {
            push_unit(&mut words, jiao, '角');
            push_unit(&mut words, fen, '分');
        }
    }
    words
}

fn push_unit(words: &mut String, digit: u64, unit: char) {
    words.push(DIGITS[digit as usize % 10]);
    words.push(unit);
}

/// Whole yuan (> 0) in groups of four digits: 万, 亿, 万亿.
fn yuan_in_words(yuan: u64) -> String {
    let groups: Vec<u64> = std::iter::successors(Some(yuan), |rest| Some(rest / 10_000))
        .take_while(|rest| *rest > 0)
        .map(|rest| rest % 10_000)
        .collect();
    let mut words = String::new();
    for (index, group) in groups.iter().enumerate().rev() {
        if *group == 0 {
            continue;
        }
        // A group below 1000 after a higher non-zero part is read with a 零
        // (1,0001,0000 → 壹亿零壹万); skipped empty groups need the same single 零.
        if !words.is_empty() && *group < 1000 {
            words.push('零');
        }
        words.push_str(&group_in_words(*group));
        words.push_str(group_unit(index, &groups));
    }
    words
}

fn group_unit(index: usize, groups: &[u64]) -> &'static str {
    match index {
        0 => "",
        1 => "万",
        2 => "亿",
        // 万亿: "亿" must still be written when the 亿 group itself is zero.
        _ if groups.get(2).copied().unwrap_or(0) == 0 => "万亿",
        _ => "万",
    }
}

/// 1 ..= 9999 without leading 零: 1005 → 壹仟零伍.
fn group_in_words(group: u64) -> String {
    let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
    let mut words = String::new();
    let mut pending_zero = false;
    for (position, digit) in digits.iter().enumerate() {
        if *digit == 0 {
            pending_zero = !words.is_empty();
            continue;
        }
        if pending_zero {
            words.push('零');
            pending_zero = false;
        }
        words.push(DIGITS[*digit as usize]);
        words.push_str(IN_GROUP[3 - position]);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(fen: i64) -> String {
        amount_in_words(Fen::new(fen))
    }

    #[test]
    fn capital_numerals_follow_the_bank_rules() {
        assert_eq!(words(1_234_567), "壹万贰仟叁佰肆拾伍元陆角柒分");
        assert_eq!(words(0), "零元整");
        assert_eq!(words(5), "伍分");
        assert_eq!(words(50), "伍角整");
        assert_eq!(words(100_500), "壹仟零伍元整");
        assert_eq!(words(1_050), "壹拾元伍角整");
        assert_eq!(words(10_000_000_001), "壹亿元零壹分");
        assert_eq!(words(10_001_000_000), "壹亿零壹万元整");
        assert_eq!(words(100_000_100), "壹佰万零壹元整");
        assert_eq!(words(100_000_000_000_000), "壹万亿元整");
        assert_eq!(words(120_000_000_000_000), "壹万贰仟亿元整");
        assert_eq!(words(1_200_000_000_000_000), "壹拾贰万亿元整");
        assert_eq!(words(-300), "负叁元整");
    }

    #[test]
    fn money_and_dates_print_as_on_paper() {
        assert_eq!(format_yuan(Fen::new(1_234_567)), "¥12,345.67");
        let date = NaiveDate::from_ymd_opt(2026, 3, 5).expect("valid date");
        assert_eq!(format_date(date), "2026年3月5日");
    }
}
