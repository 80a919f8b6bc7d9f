//! The business's settings: read and replace.

use lambda_http::http::StatusCode;
use portal_domain::BusinessSettings;
use portal_web::api::{self, ApiError, ApiResult};
use portal_web::{AppState, Request};

/// Logos are served inline in every page: bounded, and only as PNG or SVG data URLs.
pub const MAX_LOGO_BYTES: usize = 64 * 1024;

/// `GET /api/v1/settings`.
pub async fn show(state: &AppState) -> ApiResult {
    let settings = state.store.business_settings().await?.ok_or_else(|| ApiError::not_found("settings"))?;
    api::json(StatusCode::OK, &settings)
}

/// `PUT /api/v1/settings`: replaces the settings after checking them.
pub async fn update(state: &AppState, request: &Request) -> ApiResult {
    let settings: BusinessSettings = api::body(request)?;
    let settings = checked(settings)?;
    state.store.put_business_settings(&settings).await?;
    api::json(StatusCode::OK, &settings)
}

/// What serde cannot check on its own.
pub fn checked(mut settings: BusinessSettings) -> Result<BusinessSettings, ApiError> {
    settings.legal_name = crate::text("legal_name", &settings.legal_name, 200)?;
    settings.trade_name = crate::optional_text("trade_name", settings.trade_name.as_deref(), 200)?;
    settings.address.street = crate::text("address.street", &settings.address.street, 200)?;
    settings.address.city = crate::text("address.city", &settings.address.city, 100)?;
    settings.address.postal_code = crate::text("address.postal_code", &settings.address.postal_code, 20)?;
    settings.address.country = crate::text("address.country", &settings.address.country, 60)?;
    if settings.staff_emails.is_empty() || settings.staff_emails.len() > 20 {
        return Err(ApiError::invalid("staff_emails", "List 1 to 20 staff email addresses."));
    }
    if let Some(logo) = &settings.logo_data_url {
        let image = logo.starts_with("data:image/png;base64,") || logo.starts_with("data:image/svg+xml;base64,");
        if !image || logo.len() > MAX_LOGO_BYTES {
            return Err(ApiError::invalid(
                "logo_data_url",
                "The logo is a base64 PNG or SVG data URL of at most 64 KiB.",
            ));
        }
    }
    if let Some(iban) = &settings.iban {
        settings.iban = Some(iban_checked(iban).ok_or_else(|| ApiError::invalid("iban", "The IBAN is not valid."))?);
    }
    if settings.payments.bank_transfer && settings.iban.is_none() {
        return Err(ApiError::invalid("payments.bank_transfer", "Bank transfers need the business's IBAN."));
    }
    Ok(settings)
}

/// An IBAN in groups of four (`ES91 2100 0418 4502 0005 1332`) if its
/// check digits are right (ISO 13616, mod 97).
pub fn iban_checked(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if !(15..=34).contains(&compact.len()) || !compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let (head, tail) = compact.split_at(4);
    if !head[..2].bytes().all(|b| b.is_ascii_alphabetic()) || !head[2..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut remainder: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = c.to_digit(36)?;
        let digits = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * digits + value) % 97;
    }
    if remainder != 1 {
        return None;
    }
    let groups: Vec<String> =
        compact.as_bytes().chunks(4).map(|chunk| String::from_utf8_lossy(chunk).into_owned()).collect();
    Some(groups.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_and_grouped() {
        assert_eq!(iban_checked("es9121000418450200051332").as_deref(), Some("ES91 2100 0418 4502 0005 1332"));
        assert_eq!(iban_checked("GB82 WEST 1234 5698 7654 32").as_deref(), Some("GB82 WEST 1234 5698 7654 32"));
        assert_eq!(iban_checked("ES9221000418450200051332"), None);
        assert_eq!(iban_checked("ES91"), None);
        assert_eq!(iban_checked("ES91 2100 0418 4502 0005 133!"), None);
    }
}
