//! Money in integer minor units (cents). Floating point never touches an amount.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An active ISO 4217 currency, which fixes how many decimals its amounts have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{0}» is not a currency code (ISO 4217, like EUR)")]
pub struct InvalidCurrency(pub String);

/// Active ISO 4217 codes and their minor units (decimals), in code order
/// (funds and metal codes left out: nobody is invoiced in them).
const ISO_4217: &[([u8; 3], u8)] = &[
    (*b"AED", 2),
    (*b"AFN", 2),
    (*b"ALL", 2),
    (*b"AMD", 2),
    (*b"ANG", 2),
    (*b"AOA", 2),
    (*b"ARS", 2),
    (*b"AUD", 2),
    (*b"AWG", 2),
    (*b"AZN", 2),
    (*b"BAM", 2),
    (*b"BBD", 2),
    (*b"BDT", 2),
    (*b"BGN", 2),
    (*b"BHD", 3),
    (*b"BIF", 0),
    (*b"BMD", 2),
    (*b"BND", 2),
    (*b"BOB", 2),
    (*b"BOV", 2),
    (*b"BRL", 2),
    (*b"BSD", 2),
    (*b"BTN", 2),
    (*b"BWP", 2),
    (*b"BYN", 2),
    (*b"BZD", 2),
    (*b"CAD", 2),
    (*b"CDF", 2),
    (*b"CHE", 2),
    (*b"CHF", 2),
    (*b"CHW", 2),
    (*b"CLF", 4),
    (*b"CLP", 0),
    (*b"CNY", 2),
    (*b"COP", 2),
    (*b"COU", 2),
    (*b"CRC", 2),
    (*b"CUP", 2),
    (*b"CVE", 2),
    (*b"CZK", 2),
    (*b"DJF", 0),
    (*b"DKK", 2),
    (*b"DOP", 2),
    (*b"DZD", 2),
    (*b"EGP", 2),
    (*b"ERN", 2),
    (*b"ETB", 2),
    (*b"EUR", 2),
    (*b"FJD", 2),
    (*b"FKP", 2),
    (*b"GBP", 2),
    (*b"GEL", 2),
    (*b"GHS", 2),
    (*b"GIP", 2),
    (*b"GMD", 2),
    (*b"GNF", 0),
    (*b"GTQ", 2),
    (*b"GYD", 2),
    (*b"HKD", 2),
    (*b"HNL", 2),
    (*b"HTG", 2),
    (*b"HUF", 2),
    (*b"IDR", 2),
    (*b"ILS", 2),
    (*b"INR", 2),
    (*b"IQD", 3),
    (*b"IRR", 2),
    (*b"ISK", 0),
    (*b"JMD", 2),
    (*b"JOD", 3),
    (*b"JPY", 0),
    (*b"KES", 2),
    (*b"KGS", 2),
    (*b"KHR", 2),
    (*b"KMF", 0),
    (*b"KPW", 2),
    (*b"KRW", 0),
    (*b"KWD", 3),
    (*b"KYD", 2),
    (*b"KZT", 2),
    (*b"LAK", 2),
    (*b"LBP", 2),
    (*b"LKR", 2),
    (*b"LRD", 2),
    (*b"LSL", 2),
    (*b"LYD", 3),
    (*b"MAD", 2),
    (*b"MDL", 2),
    (*b"MGA", 2),
    (*b"MKD", 2),
    (*b"MMK", 2),
    (*b"MNT", 2),
    (*b"MOP", 2),
    (*b"MRU", 2),
    (*b"MUR", 2),
    (*b"MVR", 2),
    (*b"MWK", 2),
    (*b"MXN", 2),
    (*b"MXV", 2),
    (*b"MYR", 2),
    (*b"MZN", 2),
    (*b"NAD", 2),
    (*b"NGN", 2),
    (*b"NIO", 2),
    (*b"NOK", 2),
    (*b"NPR", 2),
    (*b"NZD", 2),
    (*b"OMR", 3),
    (*b"PAB", 2),
    (*b"PEN", 2),
    (*b"PGK", 2),
    (*b"PHP", 2),
    (*b"PKR", 2),
    (*b"PLN", 2),
    (*b"PYG", 0),
    (*b"QAR", 2),
    (*b"RON", 2),
    (*b"RSD", 2),
    (*b"RUB", 2),
    (*b"RWF", 0),
    (*b"SAR", 2),
    (*b"SBD", 2),
    (*b"SCR", 2),
    (*b"SDG", 2),
    (*b"SEK", 2),
    (*b"SGD", 2),
    (*b"SHP", 2),
    (*b"SLE", 2),
    (*b"SOS", 2),
    (*b"SRD", 2),
    (*b"SSP", 2),
    (*b"STN", 2),
    (*b"SVC", 2),
    (*b"SYP", 2),
    (*b"SZL", 2),
    (*b"THB", 2),
    (*b"TJS", 2),
    (*b"TMT", 2),
    (*b"TND", 3),
    (*b"TOP", 2),
    (*b"TRY", 2),
    (*b"TTD", 2),
    (*b"TWD", 2),
    (*b"TZS", 2),
    (*b"UAH", 2),
    (*b"UGX", 0),
    (*b"USD", 2),
    (*b"USN", 2),
    (*b"UYI", 0),
    (*b"UYU", 2),
    (*b"UYW", 4),
    (*b"UZS", 2),
    (*b"VED", 2),
    (*b"VES", 2),
    (*b"VND", 0),
    (*b"VUV", 0),
    (*b"WST", 2),
    (*b"XAF", 0),
    (*b"XCD", 2),
    (*b"XCG", 2),
    (*b"XOF", 0),
    (*b"XPF", 0),
    (*b"YER", 2),
    (*b"ZAR", 2),
    (*b"ZMW", 2),
    (*b"ZWG", 2),
];

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");

    pub fn parse(code: &str) -> Result<Self, InvalidCurrency> {
        let upper = code.trim().to_ascii_uppercase();
        let bytes: [u8; 3] = upper.as_bytes().try_into().map_err(|_| InvalidCurrency(code.to_string()))?;
        match ISO_4217.binary_search_by(|(known, _)| known.cmp(&bytes)) {
            Ok(_) => Ok(Currency(bytes)),
            Err(_) => Err(InvalidCurrency(code.to_string())),
        }
    }

    pub fn code(&self) -> &str {
        // Constructed only from the ASCII codes of the table.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// The decimals of an amount in this currency: 2 for EUR, 0 for JPY, 3 for KWD.
    pub fn minor_units(&self) -> u8 {
        ISO_4217.binary_search_by(|(known, _)| known.cmp(&self.0)).map(|i| ISO_4217[i].1).unwrap_or(2)
    }

    /// The symbol shown next to amounts, or the code when there is no common one.
    pub fn symbol(&self) -> &str {
        match &self.0 {
            b"EUR" => "€",
            b"USD" => "$",
            b"GBP" => "£",
            _ => self.code(),
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = InvalidCurrency;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount in minor units of a currency (cents for EUR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }

    /// The sum, or `None` for another currency or a sum beyond the range.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        Some(Money::new(self.minor.checked_add(other.minor)?, self.currency))
    }
}

/// Amounts summed per currency, in order of first appearance. Sums are kept
/// in `i128`, so any number of documents at the API's largest amount add up
/// exactly (a single amount is an `i64`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoneySums(Vec<(Currency, i128)>);

impl MoneySums {
    pub fn add(&mut self, money: Money) {
        match self.0.iter_mut().find(|(currency, _)| *currency == money.currency) {
            Some((_, sum)) => *sum += i128::from(money.minor),
            None => self.0.push((money.currency, i128::from(money.minor))),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each currency's sum, in minor units.
    pub fn iter(&self) -> impl Iterator<Item = (Currency, i128)> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Money> for MoneySums {
    fn from_iter<I: IntoIterator<Item = Money>>(amounts: I) -> Self {
        let mut sums = MoneySums::default();
        for amount in amounts {
            sums.add(amount);
        }
        sums
    }
}

/// Divides `numerator` by a positive `denominator`, rounding half away from zero.
///
/// This is the rounding rule of every amount in the portal (see `totals`).
pub fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(denominator > 0);
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator { quotient + numerator.signum() } else { quotient }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_are_iso_4217_codes_with_their_decimals() {
        assert_eq!(Currency::parse("eur").unwrap(), Currency::EUR);
        for bad in ["EURO", "E1R", "", "XYZ", "ABC", "ÉUR"] {
            assert!(Currency::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Currency::EUR.symbol(), "€");
        assert_eq!(Currency::EUR.minor_units(), 2);
        assert_eq!(Currency::parse("JPY").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_units(), 3);
        assert!(ISO_4217.windows(2).all(|pair| pair[0].0 < pair[1].0), "the table is sorted for binary search");
    }

    #[test]
    fn sums_never_overflow_and_keep_currencies_apart() {
        let eur = |minor| Money::new(minor, Currency::EUR);
        assert_eq!(eur(i64::MAX).checked_add(eur(1)), None);
        assert_eq!(eur(1).checked_add(Money::new(1, Currency::parse("USD").unwrap())), None);
        assert_eq!(eur(1).checked_add(eur(2)), Some(eur(3)));
        let sums: MoneySums =
            [eur(i64::MAX), eur(i64::MAX), Money::new(5, Currency::parse("USD").unwrap())].into_iter().collect();
        let all: Vec<_> = sums.iter().collect();
        assert_eq!(all[0], (Currency::EUR, 2 * i128::from(i64::MAX)));
        assert_eq!(all[1].1, 5);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round_half_away(5, 10), 1);
        assert_eq!(div_round_half_away(4, 10), 0);
        assert_eq!(div_round_half_away(-5, 10), -1);
        assert_eq!(div_round_half_away(-4, 10), 0);
        assert_eq!(div_round_half_away(15, 10), 2);
        assert_eq!(div_round_half_away(25, 10), 3);
    }
}
