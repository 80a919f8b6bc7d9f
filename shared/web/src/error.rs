//! Errors a use case can end in, and what the user is told about each. The
//! mapping to responses lives in `respond::finish` only.

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

    pub fn message(self, locale: Locale) -> &'static str {
        let es = locale == Locale::Es;
        match self {
            Problem::NotFound => {
                if es {
                    "No encontramos esta página o documento."
                } else {
                    "We could not find this page or document."
                }
            }
            Problem::InvalidEmail => {
                if es {
                    "Escribe una dirección de correo válida, como nombre@empresa.es."
                } else {
                    "Enter a valid email address, like name@company.com."
                }
            }
            Problem::InvalidFilter => {
                if es {
                    "Ese filtro no existe para esta lista."
                } else {
                    "That filter does not exist for this list."
                }
            }
            Problem::InvalidCursor => {
                if es {
                    "El enlace de página no es válido. Vuelve a la primera página."
                } else {
                    "The page link is not valid. Go back to the first page."
                }
            }
            Problem::LoginLinkInvalid => {
                if es {
                    "Este enlace de acceso no es válido. Pide uno nuevo."
                } else {
                    "This login link is not valid. Request a new one."
                }
            }
            Problem::LoginLinkSpent => {
                if es {
                    "Este enlace de acceso ya se usó o ha caducado. Pide uno nuevo."
                } else {
                    "This login link was already used or has expired. Request a new one."
                }
            }
            Problem::AccessDisabled => {
                if es {
                    "Tu acceso al portal no está activo. Contacta con la empresa."
                } else {
                    "Your portal access is not active. Please contact the business."
                }
            }
            Problem::DocumentLinkInvalid => {
                if es {
                    "Este enlace al documento no es válido, ha caducado o fue sustituido por uno nuevo."
                } else {
                    "This document link is not valid, has expired or was replaced by a new one."
                }
            }
            Problem::CsrfFailed => {
                if es {
                    "El formulario ha caducado. Vuelve a la página e inténtalo de nuevo."
                } else {
                    "The form has expired. Go back to the page and try again."
                }
            }
            Problem::UnsupportedForm => {
                if es {
                    "La petición no tiene el formato de un formulario."
                } else {
                    "The request is not a form submission."
                }
            }
            Problem::FormTooLarge => {
                if es {
                    "El formulario es demasiado grande."
                } else {
                    "The form is too large."
                }
            }
            Problem::TooManyRequests => {
                if es {
                    "Demasiados intentos. Espera unos minutos y vuelve a probar."
                } else {
                    "Too many attempts. Wait a few minutes and try again."
                }
            }
            Problem::CommentInvalid => {
                pick(es, "Escribe un comentario de 1 a 2.000 caracteres.", "Write a comment of 1 to 2,000 characters.")
            }
            Problem::SignerInvalid => pick(
                es,
                "Para aceptar, escribe tu nombre completo (de 3 a 120 caracteres).",
                "To accept, type your full name (3 to 120 characters).",
            ),
            Problem::NoteInvalid => pick(
                es,
                "La nota no puede superar los 500 caracteres.",
                "The note cannot be longer than 500 characters.",
            ),
            Problem::DateInvalid => pick(es, "La fecha de entrega no es válida.", "The delivery date is not valid."),
            Problem::AlreadyAnswered => pick(
                es,
                "Este presupuesto ya tiene respuesta: lo que ves es su estado actual.",
                "This quote has already been answered: what you see is its current state.",
            ),
            Problem::QuoteExpired => pick(
                es,
                "Este presupuesto ha caducado y ya no se puede aceptar ni rechazar. Pide uno actualizado.",
                "This quote has expired and can no longer be accepted or rejected. Ask for an updated one.",
            ),
            Problem::AlreadyConfirmed => {
                pick(es, "Este pedido ya está confirmado.", "This order is already confirmed.")
            }
            Problem::ActionUnavailable => pick(
                es,
                "Esta acción ya no está disponible para este documento.",
                "This action is no longer available for this document.",
            ),
            Problem::DocumentChanged => pick(
                es,
                "El documento ha cambiado desde que lo abriste. Revisa la versión actual y vuelve a intentarlo.",
                "The document changed after you opened it. Review the current version and try again.",
            ),
            Problem::QuantityInvalid => pick(
                es,
                "La cantidad debe ser un número mayor que 0 y de como mucho 10.000 unidades.",
                "The quantity must be a number greater than 0 and at most 10,000 units.",
            ),
            Problem::ProductUnavailable => pick(
                es,
                "Ese producto no está disponible en el catálogo.",
                "That product is not available in the catalog.",
            ),
            Problem::CartFull => pick(
                es,
                "La cesta ya tiene el máximo de 100 productos distintos.",
                "The cart already holds the maximum of 100 different products.",
            ),
            Problem::CartEmpty => pick(es, "Tu cesta está vacía.", "Your cart is empty."),
            Problem::CartChanged => pick(
                es,
                "La cesta ha cambiado desde que la abriste (quizá en otra pestaña). Revísala y vuelve a hacer el pedido.",
                "The cart changed after you opened it (perhaps in another tab). Review it and place the order again.",
            ),
            Problem::CartBlocked => pick(
                es,
                "Hay productos en la cesta que ya no se pueden pedir. Quítalos para continuar.",
                "Some products in the cart can no longer be ordered. Remove them to continue.",
            ),
            Problem::PaymentUnavailable => pick(
                es,
                "El pago en línea no está disponible. Puedes pagar por transferencia con los datos de la factura.",
                "Online payment is not available. You can pay by transfer with the details on the invoice.",
            ),
            Problem::NothingToPay => {
                pick(es, "Esta factura no tiene importe pendiente.", "This invoice has nothing left to pay.")
            }
            Problem::GatewayUnavailable => pick(
                es,
                "No hemos podido conectar con la pasarela de pago. No se te ha cobrado nada; inténtalo de nuevo en unos minutos.",
                "We could not reach the payment provider. You have not been charged; try again in a few minutes.",
            ),
        }
    }
}

fn pick(es: bool, spanish: &'static str, english: &'static str) -> &'static str {
    if es { spanish } else { english }
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
