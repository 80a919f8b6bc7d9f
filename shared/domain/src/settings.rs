//! The business running the portal, and Spanish tax identifiers.

use crate::contact::EmailAddress;
use crate::locale::Locale;
use crate::money::Currency;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A tax identifier. Spanish ones (NIF/DNI, NIE, CIF) are checked with their
/// control character; others are EU VAT numbers (country prefix + 2–13 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{0}» is not a valid NIF, NIE, CIF or EU VAT number")]
pub struct InvalidTaxId(pub String);

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

impl TaxId {
    pub fn parse(text: &str) -> Result<Self, InvalidTaxId> {
        let normal: String =
            text.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect::<String>().to_ascii_uppercase();
        let spanish = normal.strip_prefix("ES").unwrap_or(&normal);
        if is_valid_spanish(spanish) {
            return Ok(TaxId(spanish.to_string()));
        }
        let bytes = normal.as_bytes();
        let foreign = bytes.len() >= 4
            && bytes.len() <= 15
            && bytes[..2].iter().all(u8::is_ascii_uppercase)
            && !normal.starts_with("ES")
            && bytes[2..].iter().all(u8::is_ascii_alphanumeric);
        if foreign { Ok(TaxId(normal)) } else { Err(InvalidTaxId(text.chars().take(40).collect())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_valid_spanish(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 9 {
        return false;
    }
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let number = |s: &[u8]| s.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    match b[0] {
        // DNI/NIF: 8 digits and a check letter.
        b'0'..=b'9' if digits(&b[..8]) => DNI_LETTERS[(number(&b[..8]) % 23) as usize] == b[8],
        // NIE: X/Y/Z stand for 0/1/2, then as a DNI.
        b'X' | b'Y' | b'Z' if digits(&b[1..8]) => {
            let prefix = u32::from(b[0] - b'X');
            DNI_LETTERS[((prefix * 10_000_000 + number(&b[1..8])) % 23) as usize] == b[8]
        }
        // CIF: organisation letter, 7 digits, control digit or letter.
        b'A'..=b'H' | b'J' | b'N' | b'P'..=b'S' | b'U'..=b'W' if digits(&b[1..8]) => {
            let mut sum = 0u32;
            for (i, d) in b[1..8].iter().enumerate() {
                let d = u32::from(d - b'0');
                sum += if i % 2 == 0 { (d * 2) / 10 + (d * 2) % 10 } else { d };
            }
            let control = (10 - sum % 10) % 10;
            let as_digit = b[8] == b'0' + control as u8;
            let as_letter = b[8] == b"JABCDEFGHI"[control as usize];
            match b[0] {
                b'P' | b'Q' | b'R' | b'S' | b'N' | b'W' => as_letter,
                b'A' | b'B' | b'E' | b'H' => as_digit,
                _ => as_digit || as_letter,
            }
        }
        _ => false,
    }
}

impl TryFrom<String> for TaxId {
    type Error = InvalidTaxId;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        TaxId::parse(&value)
    }
}

impl From<TaxId> for String {
    fn from(value: TaxId) -> Self {
        value.0
    }
}

impl fmt::Display for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A postal address as printed on documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub province: Option<String>,
    /// ISO 3166 alpha-2, e.g. `ES`.
    pub country: String,
}

impl Address {
    pub fn lines(&self) -> Vec<String> {
        let mut city = format!("{} {}", self.postal_code, self.city);
        if let Some(province) = &self.province {
            city.push_str(&format!(" ({province})"));
        }
        vec![self.street.clone(), city, self.country.clone()]
    }
}

/// A brand colour as `#rrggbb`, safe to place in CSS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BrandColour(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a brand colour is written #rrggbb")]
pub struct InvalidColour;

impl BrandColour {
    pub fn parse(text: &str) -> Result<Self, InvalidColour> {
        let t = text.trim();
        let valid = t.len() == 7 && t.starts_with('#') && t[1..].bytes().all(|b| b.is_ascii_hexdigit());
        if valid { Ok(BrandColour(t.to_ascii_lowercase())) } else { Err(InvalidColour) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BrandColour {
    type Error = InvalidColour;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        BrandColour::parse(&value)
    }
}

impl From<BrandColour> for String {
    fn from(value: BrandColour) -> Self {
        value.0
    }
}

/// The business that deploys the portal (one per deployment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessSettings {
    pub legal_name: String,
    pub trade_name: Option<String>,
    pub tax_id: TaxId,
    pub address: Address,
    pub default_locale: Locale,
    pub default_currency: Currency,
    pub brand_colour: BrandColour,
    /// A logo as an image the portal serves itself (a data URL of PNG/SVG), if any.
    pub logo_data_url: Option<String>,
    /// Where staff notifications go.
    pub staff_emails: Vec<EmailAddress>,
    /// Replies to portal mail reach this address.
    pub reply_to: Option<EmailAddress>,
    pub iban: Option<String>,
    /// How contacts may pay invoices from the portal.
    #[serde(default)]
    pub payments: crate::payment::PaymentMethods,
}

impl BusinessSettings {
    pub fn display_name(&self) -> &str {
        self.trade_name.as_deref().unwrap_or(&self.legal_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_tax_ids_are_checked() {
        assert_eq!(TaxId::parse("12345678-z").unwrap().as_str(), "12345678Z");
        assert!(TaxId::parse("12345678A").is_err());
        assert!(TaxId::parse("X1234567L").is_ok());
        assert!(TaxId::parse("X1234567A").is_err());
        assert!(TaxId::parse("B12345674").is_ok());
        assert!(TaxId::parse("ESB12345674").is_ok());
        assert!(TaxId::parse("B12345675").is_err());
        assert!(TaxId::parse("P1234567D").is_ok());
        assert!(TaxId::parse("P12345674").is_err());
    }

    #[test]
    fn eu_vat_numbers_are_accepted() {
        assert_eq!(TaxId::parse("FR 12 345678901").unwrap().as_str(), "FR12345678901");
        assert!(TaxId::parse("ES12345").is_err());
        assert!(TaxId::parse("<b>").is_err());
    }

    #[test]
    fn colours_are_css_safe() {
        assert!(BrandColour::parse("#1A6B5C").is_ok());
        assert!(BrandColour::parse("red;}body{").is_err());
    }
}
