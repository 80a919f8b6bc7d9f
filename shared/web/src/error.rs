//! Errors a use case can end in, and what the user is told about each. The
//! mapping to responses lives in `respond::finish` only.

use crate::i18n;
use lambda_http::http::StatusCode;
use portal_domain::Locale;
use portal_domain::ports::StoreError;

/// A problem with the request that the user can fix or should know about.
/// Each has a status and a message in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    NotFound,
    InvalidEmail,
    InvalidFilter,
    InvalidCursor,
    LoginLinkInvalid,
    LoginLinkSpent,
    AccessDisabled,
    DocumentLinkInvalid,
    CsrfFailed,
    UnsupportedForm,
    FormTooLarge,
    TooManyRequests,
    CommentInvalid,
    SignerInvalid,
    NoteInvalid,
    DateInvalid,
    /// The quote already has an answer (someone pressed first).
    AlreadyAnswered,
    QuoteExpired,
    AlreadyConfirmed,
    /// The document's state no longer allows this action.
    ActionUnavailable,
    /// The document changed after the page the answer came from was shown.
    DocumentChanged,
    /// An order quantity that is not a positive number within the limit.
    QuantityInvalid,
    /// A product that is not in the catalog (inactive, unknown) or cannot be ordered.
    ProductUnavailable,
    CartFull,
    CartEmpty,
    /// The cart changed (another tab) after the page the order came from.
    CartChanged,
    /// Something in the cart can no longer be ordered.
    CartBlocked,
    /// Online payment is not offered (not enabled or not configured).
    PaymentUnavailable,
    /// The invoice has nothing left to pay.
    NothingToPay,
    /// The payment gateway could not be reached or refused to open a checkout.
    GatewayUnavailable,
}

impl Problem {
    pub fn status(self) -> StatusCode {
        match self {
            Problem::NotFound | Problem::DocumentLinkInvalid => StatusCode::NOT_FOUND,
            Problem::InvalidEmail | Problem::InvalidFilter | Problem::InvalidCursor | Problem::LoginLinkInvalid => {
                StatusCode::BAD_REQUEST
            }
            Problem::LoginLinkSpent => StatusCode::GONE,
            Problem::AccessDisabled | Problem::CsrfFailed => StatusCode::FORBIDDEN,
            Problem::UnsupportedForm => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Problem::FormTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Problem::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Problem::CommentInvalid | Problem::SignerInvalid | Problem::NoteInvalid | Problem::DateInvalid => {
                StatusCode::BAD_REQUEST
            }
            Problem::AlreadyAnswered
            | Problem::AlreadyConfirmed
            | Problem::ActionUnavailable
            | Problem::DocumentChanged
            | Problem::ProductUnavailable
            | Problem::CartEmpty
            | Problem::CartChanged
            | Problem::CartBlocked => StatusCode::CONFLICT,
            Problem::QuantityInvalid | Problem::CartFull => StatusCode::BAD_REQUEST,
            Problem::PaymentUnavailable | Problem::NothingToPay => StatusCode::CONFLICT,
            Problem::GatewayUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Problem::QuoteExpired => StatusCode::GONE,
        }
    }

    /// What the user is told, in their language (the words live in [`crate::i18n::ProblemTexts`]).
    pub fn message(self, locale: Locale) -> &'static str {
        let p = &i18n::texts(locale).problem;
        match self {
            Problem::NotFound => p.not_found,
            Problem::InvalidEmail => p.invalid_email,
            Problem::InvalidFilter => p.invalid_filter,
            Problem::InvalidCursor => p.invalid_cursor,
            Problem::LoginLinkInvalid => p.login_link_invalid,
            Problem::LoginLinkSpent => p.login_link_spent,
            Problem::AccessDisabled => p.access_disabled,
            Problem::DocumentLinkInvalid => p.document_link_invalid,
            Problem::CsrfFailed => p.csrf_failed,
            Problem::UnsupportedForm => p.unsupported_form,
            Problem::FormTooLarge => p.form_too_large,
            Problem::TooManyRequests => p.too_many_requests,
            Problem::CommentInvalid => p.comment_invalid,
            Problem::SignerInvalid => p.signer_invalid,
            Problem::NoteInvalid => p.note_invalid,
            Problem::DateInvalid => p.date_invalid,
            Problem::AlreadyAnswered => p.already_answered,
            Problem::QuoteExpired => p.quote_expired,
            Problem::AlreadyConfirmed => p.already_confirmed,
            Problem::ActionUnavailable => p.action_unavailable,
            Problem::DocumentChanged => p.document_changed,
            Problem::QuantityInvalid => p.quantity_invalid,
            Problem::ProductUnavailable => p.product_unavailable,
            Problem::CartFull => p.cart_full,
            Problem::CartEmpty => p.cart_empty,
            Problem::CartChanged => p.cart_changed,
            Problem::CartBlocked => p.cart_blocked,
            Problem::PaymentUnavailable => p.payment_unavailable,
            Problem::NothingToPay => p.nothing_to_pay,
            Problem::GatewayUnavailable => p.gateway_unavailable,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Shown to the user as a page with the problem's status and message.
    #[error("{0:?}")]
    Problem(Problem),
    /// Like `Problem`, with a link back to where the user came from (a document).
    #[error("{problem:?} (back to {back})")]
    Refused { problem: Problem, back: String },
    /// The page needs a logged-in contact: sent to the login page.
    #[error("login required")]
    LoginRequired,
    /// The page needs a logged-in staff member: sent to the staff login,
    /// which returns to `next`.
    #[error("staff login required")]
    StaffLoginRequired { next: String },
    /// A refusal whose message was written for this case (staff pages), with
    /// its status and a link back.
    #[error("{status}: {message} (back to {back})")]
    Message { status: StatusCode, message: String, back: String },
    /// A fault: the user sees a generic apology, the log gets the cause
    /// with its whole chain.
    #[error("internal error: {0}")]
    Internal(Fault),
}

/// What went wrong inside, kept with its chain of causes for the log.
#[derive(Debug)]
pub struct Fault(Box<dyn std::error::Error + Send + Sync + 'static>);

impl Fault {
    /// A fault caused by `error` (its sources are logged with it).
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Fault(Box::new(error))
    }

    /// A fault found by the portal itself (broken data or configuration).
    pub fn msg(message: impl Into<String>) -> Self {
        Fault(message.into().into())
    }
}

impl std::fmt::Display for Fault {
    /// The error and each of its sources: `a: b: c`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl WebError {
    /// A fault caused by `error`.
    pub fn fault(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        WebError::Internal(Fault::new(error))
    }

    /// A fault the portal found itself.
    pub fn broken(message: impl Into<String>) -> Self {
        WebError::Internal(Fault::msg(message))
    }
}

impl From<Problem> for WebError {
    fn from(problem: Problem) -> Self {
        WebError::Problem(problem)
    }
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::InvalidCursor => WebError::Problem(Problem::InvalidCursor),
            other => WebError::fault(other),
        }
    }
}

impl From<portal_app::WriteError> for WebError {
    fn from(error: portal_app::WriteError) -> Self {
        match error {
            portal_app::WriteError::Missing(_) => WebError::Problem(Problem::NotFound),
            portal_app::WriteError::Store(error) => error.into(),
            other => WebError::fault(other),
        }
    }
}
