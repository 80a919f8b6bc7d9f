//! Every word the portal shows — pages, emails and PDFs — in Spanish (default)
//! and English. Adding a field
//! to [`Texts`] fails to compile until both languages have it.

use crate::document::DisplayStatus;
use crate::{DocumentFilter, DocumentKind, DocumentStatus, Locale};

pub struct Texts {
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub nav_dashboard: &'static str,
    pub log_out: &'static str,
    pub language_switch: &'static str,
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub email_label: &'static str,
    pub send_link: &'static str,
    pub login_sent_title: &'static str,
    pub login_sent_body: &'static str,
    pub login_sent_expiry: &'static str,
    pub login_confirm_title: &'static str,
    pub login_confirm_body: &'static str,
    pub login_confirm_button: &'static str,
    pub request_new_link: &'static str,
    pub dashboard_title: &'static str,
    pub greeting: &'static str,
    pub outstanding: &'static str,
    pub overdue: &'static str,
    pub quotes_awaiting: &'static str,
    pub orders_in_progress: &'static str,
    pub purchase_orders_open: &'static str,
    pub invoices_to_pay: &'static str,
    pub nothing_pending: &'static str,
    pub recent_activity: &'static str,
    pub no_activity: &'static str,
    pub see_all: &'static str,
    pub more_than_shown: &'static str,
    pub col_number: &'static str,
    pub col_date: &'static str,
    pub col_due: &'static str,
    pub col_valid_until: &'static str,
    pub col_status: &'static str,
    pub col_total: &'static str,
    pub col_amount_due: &'static str,
    pub filter_label: &'static str,
    pub no_documents: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub issued_on: &'static str,
    pub due_on: &'static str,
    pub valid_until: &'static str,
    pub bill_to: &'static str,
    pub supplier_to: &'static str,
    pub tax_id: &'static str,
    pub line_description: &'static str,
    pub line_quantity: &'static str,
    pub line_unit_price: &'static str,
    pub line_discount: &'static str,
    pub line_vat: &'static str,
    pub line_amount: &'static str,
    pub tax_base: &'static str,
    pub vat: &'static str,
    pub recargo: &'static str,
    pub irpf: &'static str,
    pub total: &'static str,
    pub paid: &'static str,
    pub amount_due: &'static str,
    pub notes: &'static str,
    pub history: &'static str,
    pub no_history: &'static str,
    pub lines_caption: &'static str,
    pub taxes_caption: &'static str,
    pub print_hint: &'static str,
    pub shared_document_notice: &'static str,
    pub error_title: &'static str,
    pub back_to_portal: &'static str,
    pub mail_login_subject: &'static str,
    pub mail_login_intro: &'static str,
    pub mail_login_button: &'static str,
    pub mail_login_ignore: &'static str,
    pub mail_invite_subject: &'static str,
    pub mail_invite_intro: &'static str,
    pub back_to_document: &'static str,
    pub comments_heading: &'static str,
    pub no_comments: &'static str,
    pub comment_label: &'static str,
    pub comment_button: &'static str,
    pub staff_author: &'static str,
    pub accept_heading: &'static str,
    pub signer_label: &'static str,
    pub accept_button: &'static str,
    pub reject_reason_label: &'static str,
    pub reject_button: &'static str,
    pub accepted_by: &'static str,
    pub rejected_on: &'static str,
    pub confirm_heading: &'static str,
    pub delivery_date_label: &'static str,
    pub note_label: &'static str,
    pub confirm_button: &'static str,
    pub confirmed_on: &'static str,
    pub delivery_on: &'static str,
    pub open_document: &'static str,
    pub download_pdf: &'static str,
    pub print: &'static str,
    pub pdf_page: &'static str,
    pub pdf_of: &'static str,
    pub payment_heading: &'static str,
    pub amount_in_words_total: &'static str,
}

pub const ES: Texts = Texts {
    skip_to_content: "Saltar al contenido",
    nav_label: "Secciones del portal",
    nav_dashboard: "Resumen",
    log_out: "Cerrar sesión",
    language_switch: "English",
    login_title: "Acceso al portal",
    login_intro: "Escribe tu correo electrónico y te enviaremos un enlace para entrar. No necesitas contraseña.",
    email_label: "Correo electrónico",
    send_link: "Enviar enlace de acceso",
    login_sent_title: "Revisa tu correo",
    login_sent_body: "Si esta dirección tiene acceso al portal, acabamos de enviarle un enlace para entrar:",
    login_sent_expiry: "El enlace caduca en 15 minutos y solo sirve una vez.",
    login_confirm_title: "Entrar en el portal",
    login_confirm_body: "Pulsa el botón para entrar. El enlace solo puede usarse una vez.",
    login_confirm_button: "Entrar",
    request_new_link: "Pedir un enlace nuevo",
    dashboard_title: "Resumen",
    greeting: "Hola",
    outstanding: "Pendiente de cobro",
    overdue: "Vencido",
    quotes_awaiting: "Presupuestos por responder",
    orders_in_progress: "Pedidos en curso",
    purchase_orders_open: "Pedidos de compra abiertos",
    invoices_to_pay: "Facturas pendientes",
    nothing_pending: "No hay nada pendiente.",
    recent_activity: "Actividad reciente",
    no_activity: "Todavía no hay actividad.",
    see_all: "Ver todos",
    more_than_shown: "Se muestran los primeros; hay más en la lista completa.",
    col_number: "Número",
    col_date: "Fecha",
    col_due: "Vencimiento",
    col_valid_until: "Válido hasta",
    col_status: "Estado",
    col_total: "Total",
    col_amount_due: "Pendiente",
    filter_label: "Filtrar por estado",
    no_documents: "No hay documentos con este filtro.",
    next_page: "Página siguiente",
    first_page: "Primera página",
    issued_on: "Fecha de emisión",
    due_on: "Fecha de vencimiento",
    valid_until: "Válido hasta",
    bill_to: "Cliente",
    supplier_to: "Proveedor",
    tax_id: "NIF",
    line_description: "Descripción",
    line_quantity: "Cantidad",
    line_unit_price: "Precio",
    line_discount: "Dto.",
    line_vat: "IVA",
    line_amount: "Importe",
    tax_base: "Base imponible",
    vat: "IVA",
    recargo: "Recargo de equivalencia",
    irpf: "Retención IRPF",
    total: "Total",
    paid: "Pagado",
    amount_due: "Pendiente de pago",
    notes: "Notas",
    history: "Historial",
    no_history: "Sin movimientos.",
    lines_caption: "Conceptos",
    taxes_caption: "Desglose de impuestos",
    print_hint: "Imprimir abre el PDF; también puedes imprimir esta página desde el navegador: se adapta al papel.",
    shared_document_notice: "Estás viendo este documento mediante un enlace compartido.",
    error_title: "No se ha podido completar",
    back_to_portal: "Volver al portal",
    mail_login_subject: "Tu enlace de acceso al portal",
    mail_login_intro: "Has pedido entrar en el portal de clientes. Usa este enlace en los próximos 15 minutos:",
    mail_login_button: "Entrar en el portal",
    mail_login_ignore: "Si no lo has pedido tú, ignora este mensaje: nadie podrá entrar sin este enlace.",
    mail_invite_subject: "Te damos acceso a nuestro portal de clientes",
    mail_invite_intro: "Desde el portal puedes consultar tus documentos, descargar sus PDF, responder presupuestos y pagar facturas. Entra con este enlace en los próximos 7 días; después, pide uno nuevo con tu correo cuando quieras:",
    download_pdf: "Descargar PDF",
    print: "Imprimir",
    pdf_page: "Página",
    pdf_of: "de",
    payment_heading: "Forma de pago",
    amount_in_words_total: "Total a pagar",
    back_to_document: "Volver al documento",
    comments_heading: "Comentarios",
    no_comments: "Todavía no hay comentarios.",
    comment_label: "Escribe un comentario",
    comment_button: "Enviar comentario",
    staff_author: "Equipo",
    accept_heading: "¿Aceptas este presupuesto?",
    signer_label: "Tu nombre completo",
    accept_button: "Aceptar presupuesto",
    reject_reason_label: "Motivo (opcional)",
    reject_button: "Rechazar presupuesto",
    accepted_by: "Aceptado por",
    rejected_on: "Rechazado el",
    confirm_heading: "Confirmar el pedido",
    delivery_date_label: "Fecha de entrega prevista (opcional)",
    note_label: "Nota (opcional)",
    confirm_button: "Confirmar pedido",
    confirmed_on: "Confirmado el",
    delivery_on: "entrega prevista",
    open_document: "Ver el documento",
};

pub const EN: Texts = Texts {
    skip_to_content: "Skip to content",
    nav_label: "Portal sections",
    nav_dashboard: "Overview",
    log_out: "Log out",
    language_switch: "Español",
    login_title: "Portal access",
    login_intro: "Enter your email address and we will send you a link to log in. No password needed.",
    email_label: "Email address",
    send_link: "Send login link",
    login_sent_title: "Check your email",
    login_sent_body: "If this address has portal access, we have just sent it a login link:",
    login_sent_expiry: "The link expires in 15 minutes and works once.",
    login_confirm_title: "Enter the portal",
    login_confirm_body: "Press the button to log in. The link can only be used once.",
    login_confirm_button: "Log in",
    request_new_link: "Request a new link",
    dashboard_title: "Overview",
    greeting: "Hello",
    outstanding: "Outstanding",
    overdue: "Overdue",
    quotes_awaiting: "Quotes awaiting your answer",
    orders_in_progress: "Orders in progress",
    purchase_orders_open: "Open purchase orders",
    invoices_to_pay: "Invoices to pay",
    nothing_pending: "Nothing pending.",
    recent_activity: "Recent activity",
    no_activity: "No activity yet.",
    see_all: "See all",
    more_than_shown: "Showing the first ones; the full list has more.",
    col_number: "Number",
    col_date: "Date",
    col_due: "Due",
    col_valid_until: "Valid until",
    col_status: "Status",
    col_total: "Total",
    col_amount_due: "Due",
    filter_label: "Filter by status",
    no_documents: "No documents match this filter.",
    next_page: "Next page",
    first_page: "First page",
    issued_on: "Issue date",
    due_on: "Due date",
    valid_until: "Valid until",
    bill_to: "Customer",
    supplier_to: "Supplier",
    tax_id: "Tax ID",
    line_description: "Description",
    line_quantity: "Quantity",
    line_unit_price: "Unit price",
    line_discount: "Disc.",
    line_vat: "VAT",
    line_amount: "Amount",
    tax_base: "Taxable base",
    vat: "VAT",
    recargo: "Equivalence surcharge",
    irpf: "IRPF withholding",
    total: "Total",
    paid: "Paid",
    amount_due: "Amount due",
    notes: "Notes",
    history: "History",
    no_history: "No events.",
    lines_caption: "Items",
    taxes_caption: "Tax breakdown",
    print_hint: "Print opens the PDF; you can also print this page from your browser: it adapts to paper.",
    shared_document_notice: "You are viewing this document through a shared link.",
    error_title: "This could not be completed",
    back_to_portal: "Back to the portal",
    mail_login_subject: "Your portal login link",
    mail_login_intro: "You asked to log in to the customer portal. Use this link within 15 minutes:",
    mail_login_button: "Log in to the portal",
    mail_login_ignore: "If you did not ask for it, ignore this message: nobody can log in without this link.",
    mail_invite_subject: "You now have access to our customer portal",
    mail_invite_intro: "In the portal you can see your documents, download their PDFs, answer quotes and pay invoices. Log in with this link within 7 days; after that, request a new one with your email whenever you like:",
    download_pdf: "Download PDF",
    print: "Print",
    pdf_page: "Page",
    pdf_of: "of",
    payment_heading: "How to pay",
    amount_in_words_total: "Total to pay",
    back_to_document: "Back to the document",
    comments_heading: "Comments",
    no_comments: "No comments yet.",
    comment_label: "Write a comment",
    comment_button: "Send comment",
    staff_author: "Team",
    accept_heading: "Do you accept this quote?",
    signer_label: "Your full name",
    accept_button: "Accept quote",
    reject_reason_label: "Reason (optional)",
    reject_button: "Reject quote",
    accepted_by: "Accepted by",
    rejected_on: "Rejected on",
    confirm_heading: "Confirm the order",
    delivery_date_label: "Expected delivery date (optional)",
    note_label: "Note (optional)",
    confirm_button: "Confirm order",
    confirmed_on: "Confirmed on",
    delivery_on: "expected delivery",
    open_document: "Open the document",
};

pub fn texts(locale: Locale) -> &'static Texts {
    match locale {
        Locale::Es => &ES,
        Locale::En => &EN,
    }
}

pub fn kind_name(locale: Locale, kind: DocumentKind) -> &'static str {
    use DocumentKind::*;
    match (locale, kind) {
        (Locale::Es, Invoice) => "Factura",
        (Locale::Es, CreditNote) => "Factura rectificativa",
        (Locale::Es, Quote) => "Presupuesto",
        (Locale::Es, Proforma) => "Proforma",
        (Locale::Es, SalesOrder) => "Pedido",
        (Locale::Es, DeliveryNote) => "Albarán",
        (Locale::Es, PurchaseOrder) => "Pedido de compra",
        (Locale::En, Invoice) => "Invoice",
        (Locale::En, CreditNote) => "Credit note",
        (Locale::En, Quote) => "Quote",
        (Locale::En, Proforma) => "Proforma",
        (Locale::En, SalesOrder) => "Sales order",
        (Locale::En, DeliveryNote) => "Delivery note",
        (Locale::En, PurchaseOrder) => "Purchase order",
    }
}

pub fn kind_plural(locale: Locale, kind: DocumentKind) -> &'static str {
    use DocumentKind::*;
    match (locale, kind) {
        (Locale::Es, Invoice) => "Facturas",
        (Locale::Es, CreditNote) => "Rectificativas",
        (Locale::Es, Quote) => "Presupuestos",
        (Locale::Es, Proforma) => "Proformas",
        (Locale::Es, SalesOrder) => "Pedidos",
        (Locale::Es, DeliveryNote) => "Albaranes",
        (Locale::Es, PurchaseOrder) => "Pedidos de compra",
        (Locale::En, Invoice) => "Invoices",
        (Locale::En, CreditNote) => "Credit notes",
        (Locale::En, Quote) => "Quotes",
        (Locale::En, Proforma) => "Proformas",
        (Locale::En, SalesOrder) => "Sales orders",
        (Locale::En, DeliveryNote) => "Delivery notes",
        (Locale::En, PurchaseOrder) => "Purchase orders",
    }
}

/// Spanish document names are feminine (factura, proforma) or masculine
/// (presupuesto, pedido, albarán); their statuses agree.
fn is_feminine(kind: DocumentKind) -> bool {
    matches!(kind, DocumentKind::Invoice | DocumentKind::CreditNote | DocumentKind::Proforma)
}

/// A status as shown for a document of `kind`.
pub fn status_name(locale: Locale, kind: DocumentKind, status: DisplayStatus) -> &'static str {
    use DocumentStatus::*;
    if locale == Locale::En {
        return match status {
            DisplayStatus::Overdue => "Overdue",
            DisplayStatus::Expired => "Expired",
            DisplayStatus::Stored(s) => match s {
                Issued => "Issued",
                Sent => "Sent",
                PartiallyPaid => "Partially paid",
                Paid => "Paid",
                Refunded => "Refunded",
                Accepted => "Accepted",
                Rejected => "Rejected",
                Invoiced => "Invoiced",
                Pending => "Pending",
                Confirmed => "Confirmed",
                Shipped => "Shipped",
                Delivered => "Delivered",
                Received => "Received",
                Cancelled => "Cancelled",
                Void => "Void",
            },
        };
    }
    // (masculine, feminine)
    let (m, f) = match status {
        DisplayStatus::Overdue => ("Vencido", "Vencida"),
        DisplayStatus::Expired => ("Caducado", "Caducada"),
        DisplayStatus::Stored(s) => match s {
            Issued => ("Emitido", "Emitida"),
            Sent => ("Enviado", "Enviada"),
            PartiallyPaid => ("Pagado en parte", "Pagada en parte"),
            Paid => ("Pagado", "Pagada"),
            Refunded => ("Reembolsado", "Reembolsada"),
            Accepted => ("Aceptado", "Aceptada"),
            Rejected => ("Rechazado", "Rechazada"),
            Invoiced => ("Facturado", "Facturada"),
            Pending => ("Pendiente", "Pendiente"),
            Confirmed => ("Confirmado", "Confirmada"),
            Shipped => ("En camino", "En camino"),
            Delivered => ("Entregado", "Entregada"),
            Received => ("Recibido", "Recibida"),
            Cancelled => ("Cancelado", "Cancelada"),
            Void => ("Anulado", "Anulada"),
        },
    };
    if is_feminine(kind) { f } else { m }
}

/// "1 factura", "3 facturas".
pub fn count_of(locale: Locale, kind: DocumentKind, count: usize) -> String {
    let word = if count == 1 { kind_name(locale, kind) } else { kind_plural(locale, kind) };
    format!("{count} {}", word.to_lowercase())
}

pub fn filter_name(locale: Locale, kind: DocumentKind, filter: DocumentFilter) -> &'static str {
    use DocumentFilter::*;
    let es = locale == Locale::Es;
    match (filter, kind) {
        (All, _) => {
            if es {
                "Todos"
            } else {
                "All"
            }
        }
        (Open, DocumentKind::Invoice) => {
            if es {
                "Pendientes de pago"
            } else {
                "Unpaid"
            }
        }
        (Open, _) => {
            if es {
                "En curso"
            } else {
                "In progress"
            }
        }
        (Current, _) => {
            if es {
                "Por responder"
            } else {
                "Awaiting answer"
            }
        }
        (PastDate, DocumentKind::Invoice) => {
            if es {
                "Vencidas"
            } else {
                "Overdue"
            }
        }
        (PastDate, _) => {
            if es {
                "Caducados"
            } else {
                "Expired"
            }
        }
        (Done, DocumentKind::Invoice) => {
            if es {
                "Pagadas"
            } else {
                "Paid"
            }
        }
        (Done, DocumentKind::Quote) => {
            if es {
                "Aceptados"
            } else {
                "Accepted"
            }
        }
        (Done, _) => {
            if es {
                "Completados"
            } else {
                "Completed"
            }
        }
        (Rejected, _) => {
            if es {
                "Rechazados"
            } else {
                "Rejected"
            }
        }
        (Cancelled, _) => {
            if es {
                "Anulados"
            } else {
                "Cancelled"
            }
        }
    }
}

/// The dashboard's and history's one-line description of an event.
pub fn activity_line(locale: Locale, event: &crate::ActivityEvent) -> String {
    use crate::ActivityKind::*;
    let doc = format!("{} {}", kind_name(locale, event.document_kind), event.document_number.as_str());
    let es = locale == Locale::Es;
    match &event.kind {
        Issued => {
            if es {
                // Agrees with the kind: "Factura … emitida", "Presupuesto … emitido".
                let issued = if is_feminine(event.document_kind) { "emitida" } else { "emitido" };
                format!("{doc} {issued}")
            } else {
                format!("{doc} issued")
            }
        }
        Updated => {
            if es {
                let updated = if is_feminine(event.document_kind) { "actualizada" } else { "actualizado" };
                format!("{doc} {updated}")
            } else {
                format!("{doc} updated")
            }
        }
        PaymentReceived { amount } => {
            let amount = locale.format_money(*amount);
            if es {
                format!("Pago de {amount} recibido para {doc}")
            } else {
                format!("Payment of {amount} received for {doc}")
            }
        }
        StatusChanged { to } => {
            let status = status_name(locale, event.document_kind, DisplayStatus::Stored(*to));
            if es { format!("{doc}: ahora {status}") } else { format!("{doc}: now {status}") }
        }
        Accepted { signer } => {
            if es {
                format!("{doc} aceptado por {signer}")
            } else {
                format!("{doc} accepted by {signer}")
            }
        }
        Rejected => {
            if es {
                format!("{doc} rechazado")
            } else {
                format!("{doc} rejected")
            }
        }
        Confirmed => {
            if es {
                format!("{doc} confirmado")
            } else {
                format!("{doc} confirmed")
            }
        }
        Commented => {
            if es {
                format!("Nuevo comentario en {doc}")
            } else {
                format!("New comment on {doc}")
            }
        }
        OrderPlaced => {
            if es {
                format!("{doc} realizado desde el catálogo")
            } else {
                format!("{doc} placed from the catalog")
            }
        }
        PaymentFailed => {
            if es {
                format!("{doc}: el pago no se ha completado")
            } else {
                format!("{doc}: the payment did not go through")
            }
        }
        PaymentRefused { reason } => {
            if es {
                format!("{doc}: pago recibido pero no aplicado ({reason})")
            } else {
                format!("{doc}: payment received but not applied ({reason})")
            }
        }
    }
}

/// How to pay an invoice: the due date and, where the business has an IBAN,
/// the transfer details with the reference to quote.
pub fn payment_instructions(locale: Locale, due: Option<&str>, iban: Option<&str>, reference: &str) -> Vec<String> {
    let es = locale == Locale::Es;
    let mut lines = Vec::new();
    if let Some(due) = due {
        lines.push(if es { format!("Vencimiento: {due}.") } else { format!("Due by {due}.") });
    }
    if let Some(iban) = iban {
        lines.push(if es {
            format!("Transferencia bancaria a {iban}, indicando la referencia {reference}.")
        } else {
            format!("Bank transfer to {iban}, quoting reference {reference}.")
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_statuses_agree_with_the_document() {
        let issued = DisplayStatus::Stored(DocumentStatus::Issued);
        assert_eq!(status_name(Locale::Es, DocumentKind::Invoice, issued), "Emitida");
        assert_eq!(status_name(Locale::Es, DocumentKind::DeliveryNote, issued), "Emitido");
        assert_eq!(status_name(Locale::Es, DocumentKind::Invoice, DisplayStatus::Overdue), "Vencida");
        assert_eq!(status_name(Locale::Es, DocumentKind::Quote, DisplayStatus::Expired), "Caducado");
        assert_eq!(count_of(Locale::Es, DocumentKind::Invoice, 1), "1 factura");
        assert_eq!(count_of(Locale::Es, DocumentKind::Invoice, 3), "3 facturas");
        assert_eq!(count_of(Locale::En, DocumentKind::Invoice, 1), "1 invoice");
        let event = |kind| crate::ActivityEvent {
            id: "e".into(),
            document_id: crate::DocumentId::parse("d").unwrap(),
            document_kind: kind,
            document_number: crate::DocumentNumber::parse("F1").unwrap(),
            contact_id: crate::ContactId::parse("c").unwrap(),
            at: time::OffsetDateTime::UNIX_EPOCH,
            kind: crate::ActivityKind::Issued,
        };
        assert_eq!(activity_line(Locale::Es, &event(DocumentKind::Invoice)), "Factura F1 emitida");
        assert_eq!(activity_line(Locale::Es, &event(DocumentKind::Quote)), "Presupuesto F1 emitido");
    }

    #[test]
    fn every_status_of_every_kind_has_a_name_in_both_languages() {
        for kind in DocumentKind::ALL {
            for &status in kind.statuses() {
                assert!(!status_name(Locale::Es, kind, DisplayStatus::Stored(status)).is_empty());
                assert!(!status_name(Locale::En, kind, DisplayStatus::Stored(status)).is_empty());
            }
            for &filter in kind.filters() {
                assert_ne!(
                    filter_name(Locale::Es, kind, filter),
                    filter_name(Locale::En, kind, filter),
                    "{kind:?} {filter:?}"
                );
            }
        }
    }
}
