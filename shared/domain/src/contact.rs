//! Contacts: the customers and suppliers who use the portal.

use crate::document::DocumentKind;
use crate::locale::Locale;
use crate::settings::{Address, TaxId};
use crate::totals::Discount;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Ids are 1–64 characters of lowercase ASCII letters, digits and `-`,
            /// so they are safe in paths, keys and HTML without escaping.
            pub fn parse(text: &str) -> Result<Self, $crate::contact::InvalidId> {
                let valid = !text.is_empty()
                    && text.len() <= 64
                    && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if valid {
                    Ok($name(text.to_string()))
                } else {
                    Err($crate::contact::InvalidId($what))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::contact::InvalidId;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use id_type;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {0} id")]
pub struct InvalidId(pub &'static str);

id_type!(
    /// Identifies a contact.
    ContactId,
    "contact"
);

/// An email address, trimmed and lowercased, checked for the shape mail systems accept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{0}» is not a valid email address")]
pub struct InvalidEmail(pub String);

impl EmailAddress {
    pub fn parse(text: &str) -> Result<Self, InvalidEmail> {
        let invalid = || InvalidEmail(text.chars().take(100).collect());
        let email = text.trim().to_lowercase();
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok { Ok(EmailAddress(email)) } else { Err(invalid()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = InvalidEmail;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        EmailAddress::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the business sells to the contact, buys from them, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    Customer,
    Supplier,
    Both,
}

impl ContactRole {
    pub fn is_customer(self) -> bool {
        matches!(self, ContactRole::Customer | ContactRole::Both)
    }

    pub fn is_supplier(self) -> bool {
        matches!(self, ContactRole::Supplier | ContactRole::Both)
    }

    /// Customers see sales documents; suppliers see the purchase orders sent to them.
    pub fn sees(self, kind: DocumentKind) -> bool {
        if kind.is_purchase() { self.is_supplier() } else { self.is_customer() }
    }
}

/// The contact's own prices in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PriceCondition {
    /// The catalog's base prices.
    #[default]
    BasePrices,
    /// A percentage off every base price.
    Discount { discount: Discount },
    /// A named price list whose prices replace the base prices where it has one.
    PriceList { name: String },
}

/// A customer or supplier of the business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub name: String,
    pub tax_id: Option<TaxId>,
    pub role: ContactRole,
    /// Never empty; the first one receives the portal's mail.
    pub emails: Vec<EmailAddress>,
    pub locale: Locale,
    /// Full portal access (login by email); document links work without it.
    pub portal_access: bool,
    /// Sees the catalog and may place orders.
    pub catalog: bool,
    pub price_condition: PriceCondition,
    /// The contact is a retailer under recargo de equivalencia.
    pub recargo_equivalencia: bool,
    pub address: Option<Address>,
}

impl Contact {
    pub fn primary_email(&self) -> Option<&EmailAddress> {
        self.emails.first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(EmailAddress::parse("  Ana.Garcia@Example.ES ").unwrap().as_str(), "ana.garcia@example.es");
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "ana@@example.com",
            "ana@-example.com",
            "ana..x@example.com",
            "ana@example..com",
            "<script>@x.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_are_path_safe() {
        assert!(ContactId::parse("c-123abc").is_ok());
        for bad in ["", "C1", "../etc", "a b", "a/b", &"x".repeat(65)] {
            assert!(ContactId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_decide_which_kinds_a_contact_sees() {
        assert!(ContactRole::Customer.sees(DocumentKind::Invoice));
        assert!(!ContactRole::Customer.sees(DocumentKind::PurchaseOrder));
        assert!(ContactRole::Supplier.sees(DocumentKind::PurchaseOrder));
        assert!(!ContactRole::Supplier.sees(DocumentKind::Quote));
        assert!(ContactRole::Both.sees(DocumentKind::PurchaseOrder) && ContactRole::Both.sees(DocumentKind::Invoice));
    }
}
