//! Languages the portal speaks and the way each writes numbers, amounts and dates.

use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};
use time::Date;

/// Spanish is the default; English the second language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Es,
    En,
}

impl Locale {
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "es" => Some(Locale::Es),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    pub fn tag(&self) -> &'static str {
        match self {
            Locale::Es => "es",
            Locale::En => "en",
        }
    }

    /// The decimal separator: `2,5 %` in Spanish, `2.5 %` in English.
    pub fn decimal_mark(&self) -> char {
        match self {
            Locale::Es => ',',
            Locale::En => '.',
        }
    }

    /// `1.234,56 €` in Spanish, `€1,234.56` in English, with the currency's decimals.
    pub fn format_money(&self, money: Money) -> String {
        self.format_amount(i128::from(money.minor), money.currency)
    }

    /// A sum of amounts (see [`crate::money::MoneySums`]) as [`Locale::format_money`] writes one.
    pub fn format_amount(&self, minor: i128, currency: Currency) -> String {
        let number = self.format_minor(minor, currency.minor_units());
        let symbol = currency.symbol();
        match self {
            Locale::Es => format!("{number}\u{a0}{symbol}"),
            Locale::En => {
                let (sign, digits) = match number.strip_prefix('-') {
                    Some(rest) => ("-", rest.to_string()),
                    None => ("", number),
                };
                format!("{sign}{symbol}{digits}")
            }
        }
    }

    /// An amount in minor units as a number with `decimals` decimals and grouping.
    pub fn format_minor(&self, minor: i128, decimals: u8) -> String {
        let (group, decimal) = match self {
            Locale::Es => ('.', ','),
            Locale::En => (',', '.'),
        };
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        let factor = 10u128.pow(u32::from(decimals));
        let units = group_thousands(abs / factor, group);
        if decimals == 0 {
            format!("{sign}{units}")
        } else {
            format!("{sign}{units}{decimal}{:0width$}", abs % factor, width = usize::from(decimals))
        }
    }

    /// A decimal with up to `scale` fraction digits, trailing zeros dropped (`2,5`).
    pub fn format_decimal(&self, value: i64, scale: u32) -> String {
        let (group, decimal) = match self {
            Locale::Es => ('.', ','),
            Locale::En => (',', '.'),
        };
        let factor = 10u64.pow(scale);
        let sign = if value < 0 { "-" } else { "" };
        let abs = value.unsigned_abs();
        let units = group_thousands(abs / factor, group);
        let fraction = abs % factor;
        if fraction == 0 {
            format!("{sign}{units}")
        } else {
            let digits = format!("{:0width$}", fraction, width = scale as usize);
            format!("{sign}{units}{decimal}{}", digits.trim_end_matches('0'))
        }
    }

    /// `28/11/2026` in Spanish, `28 Nov 2026` in English.
    pub fn format_date(&self, date: Date) -> String {
        match self {
            Locale::Es => format!("{:02}/{:02}/{}", date.day(), u8::from(date.month()), date.year()),
            Locale::En => {
                const MONTHS: [&str; 12] =
                    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
                let month = MONTHS[usize::from(u8::from(date.month())) - 1];
                format!("{} {} {}", date.day(), month, date.year())
            }
        }
    }
}

fn group_thousands(value: impl Into<u128>, separator: char) -> String {
    let mut value: u128 = value.into();
    let mut groups = Vec::new();
    loop {
        if value < 1000 {
            groups.push(value.to_string());
            break;
        }
        groups.push(format!("{:03}", value % 1000));
        value /= 1000;
    }
    groups.reverse();
    groups.join(&separator.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use time::macros::date;

    #[test]
    fn spanish_amounts_use_dot_groups_and_comma_decimals() {
        let amount = Money::new(123_456, Currency::EUR);
        assert_eq!(Locale::Es.format_money(amount), "1.234,56\u{a0}€");
        assert_eq!(Locale::En.format_money(amount), "€1,234.56");
        assert_eq!(Locale::Es.format_money(Money::new(-5, Currency::EUR)), "-0,05\u{a0}€");
        assert_eq!(Locale::En.format_money(Money::new(-123_456_789, Currency::EUR)), "-€1,234,567.89");
        assert_eq!(Locale::Es.format_minor(100_000_000, 2), "1.000.000,00");
        let yen = Currency::parse("JPY").unwrap();
        assert_eq!(Locale::Es.format_money(Money::new(1_500, yen)), "1.500\u{a0}JPY");
        let dinar = Currency::parse("KWD").unwrap();
        assert_eq!(Locale::En.format_money(Money::new(-1_234_500, dinar)), "-KWD1,234.500");
        let beyond = 2 * i128::from(i64::MAX);
        assert_eq!(Locale::Es.format_amount(beyond, Currency::EUR), "184.467.440.737.095.516,14\u{a0}€");
    }

    #[test]
    fn decimals_drop_trailing_zeros() {
        assert_eq!(Locale::Es.format_decimal(2500, 3), "2,5");
        assert_eq!(Locale::En.format_decimal(1_234_000, 3), "1,234");
        assert_eq!(Locale::Es.format_decimal(1, 3), "0,001");
    }

    #[test]
    fn dates_per_locale() {
        assert_eq!(Locale::Es.format_date(date!(2026 - 03 - 07)), "07/03/2026");
        assert_eq!(Locale::En.format_date(date!(2026 - 03 - 07)), "7 Mar 2026");
    }

    #[test]
    fn locale_tags() {
        assert_eq!(Locale::parse("es-ES"), Some(Locale::Es));
        assert_eq!(Locale::parse("EN"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::default(), Locale::Es);
    }
}
