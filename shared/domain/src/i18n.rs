//! Every word the portal shows — pages, emails and PDFs — in Spanish (default)
//! and English, written one way: each text is a field of [`Texts`], and [`ES`]
//! and [`EN`] fill every field, so adding a text fails to compile until both
//! languages have it. Texts built from values (a name, an amount) are `fn`
//! fields. Texts chosen by an enum get a field per variant, read by an
//! exhaustive `match` (a new variant fails to compile until it has words), or
//! one `fn` field when the wording depends on two things at once (a status or a
//! filter, and the kind of document). [`texts`] is the only place that chooses
//! by locale; numbers and dates are written by [`Locale`] itself.

use crate::document::DisplayStatus;
use crate::{DocumentFilter, DocumentKind, DocumentStatus, Locale};

/// The words of one language; see the module's documentation.
pub struct Texts {
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub nav_dashboard: &'static str,
    pub log_out: &'static str,
    pub language_switch: &'static str,
    /// The language the switch leads to (and the one `language_switch` is written in).
    pub language_switch_to: Locale,
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
    /// The PDF's payment section: the due date, then the transfer details.
    pub payment_due_by: fn(due: &str) -> String,
    pub payment_by_transfer: fn(iban: &str, reference: &str) -> String,
    /// One document of each kind ("Factura"); see [`kind_name`].
    pub kind_names: KindNames,
    /// Several documents of each kind ("Facturas"); see [`kind_plural`].
    pub kind_plurals: KindNames,
    /// A `fn` because Spanish statuses agree with the kind ("Emitida", "Emitido"); see [`status_name`].
    pub status_name: fn(DocumentKind, DisplayStatus) -> &'static str,
    /// A `fn` because a filter's name depends on the kind; see [`filter_name`].
    pub filter_name: fn(DocumentKind, DocumentFilter) -> &'static str,
    pub activity: ActivityTexts,
    pub problem: ProblemTexts,
    pub pay: PayTexts,
    pub catalog: CatalogTexts,
    pub notification: NotificationTexts,
    pub staff: StaffTexts,
}

/// A word for each kind of document, read through [`KindNames::of`].
pub struct KindNames {
    pub invoice: &'static str,
    pub credit_note: &'static str,
    pub quote: &'static str,
    pub proforma: &'static str,
    pub sales_order: &'static str,
    pub delivery_note: &'static str,
    pub purchase_order: &'static str,
}

impl KindNames {
    pub fn of(&self, kind: DocumentKind) -> &'static str {
        match kind {
            DocumentKind::Invoice => self.invoice,
            DocumentKind::CreditNote => self.credit_note,
            DocumentKind::Quote => self.quote,
            DocumentKind::Proforma => self.proforma,
            DocumentKind::SalesOrder => self.sales_order,
            DocumentKind::DeliveryNote => self.delivery_note,
            DocumentKind::PurchaseOrder => self.purchase_order,
        }
    }
}

/// The one-line description of each activity event, read by [`activity_line`]. `doc` is the
/// document's kind and number ("Factura F-1"); `kind` lets Spanish agree with it.
pub struct ActivityTexts {
    pub issued: fn(doc: &str, kind: DocumentKind) -> String,
    pub updated: fn(doc: &str, kind: DocumentKind) -> String,
    pub payment_received: fn(doc: &str, amount: &str) -> String,
    pub status_changed: fn(doc: &str, status: &str) -> String,
    pub accepted: fn(doc: &str, signer: &str) -> String,
    pub rejected: fn(doc: &str) -> String,
    pub confirmed: fn(doc: &str) -> String,
    pub commented: fn(doc: &str) -> String,
    pub order_placed: fn(doc: &str) -> String,
    pub payment_failed: fn(doc: &str) -> String,
    pub payment_refused: fn(doc: &str, reason: &str) -> String,
}

/// What the user is told about each problem with a request (`portal_web::error::Problem`),
/// and about a fault.
pub struct ProblemTexts {
    pub not_found: &'static str,
    pub invalid_email: &'static str,
    pub invalid_filter: &'static str,
    pub invalid_cursor: &'static str,
    pub login_link_invalid: &'static str,
    pub login_link_spent: &'static str,
    pub access_disabled: &'static str,
    pub document_link_invalid: &'static str,
    pub csrf_failed: &'static str,
    pub unsupported_form: &'static str,
    pub form_too_large: &'static str,
    pub too_many_requests: &'static str,
    pub comment_invalid: &'static str,
    pub signer_invalid: &'static str,
    pub note_invalid: &'static str,
    pub date_invalid: &'static str,
    pub already_answered: &'static str,
    pub quote_expired: &'static str,
    pub already_confirmed: &'static str,
    pub action_unavailable: &'static str,
    pub document_changed: &'static str,
    pub quantity_invalid: &'static str,
    pub product_unavailable: &'static str,
    pub cart_full: &'static str,
    pub cart_empty: &'static str,
    pub cart_changed: &'static str,
    pub cart_blocked: &'static str,
    pub payment_unavailable: &'static str,
    pub nothing_to_pay: &'static str,
    pub gateway_unavailable: &'static str,
    /// A fault on our side (the log has the cause): the same apology for every one.
    pub internal_error: &'static str,
}

/// The invoice page's pay section: card payment, transfer details and the checkout's outcome.
pub struct PayTexts {
    pub heading: &'static str,
    pub pay_by_card: &'static str,
    pub transfer_intro: &'static str,
    pub iban: &'static str,
    pub amount: &'static str,
    pub reference: &'static str,
    /// Back from the checkout before the gateway confirmed the payment.
    pub processing: &'static str,
    pub confirmed: &'static str,
    pub cancelled: &'static str,
}

/// The catalog's and cart's words.
pub struct CatalogTexts {
    pub catalog: &'static str,
    pub cart: &'static str,
    pub all_categories: &'static str,
    pub categories_label: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub results_for: &'static str,
    pub no_products: &'static str,
    pub search_limited: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub sku: &'static str,
    pub price: &'static str,
    pub price_with_vat: &'static str,
    pub per: &'static str,
    pub instead_of: &'static str,
    pub in_stock: &'static str,
    pub on_request: &'static str,
    pub unavailable: &'static str,
    pub quantity: &'static str,
    pub add_to_cart: &'static str,
    pub view_cart: &'static str,
    pub cart_empty: &'static str,
    pub back_to_catalog: &'static str,
    pub product: &'static str,
    pub unit_price: &'static str,
    pub line_total: &'static str,
    pub update: &'static str,
    pub remove: &'static str,
    pub note_label: &'static str,
    pub place_order: &'static str,
    pub order_terms: &'static str,
    pub tax_base: &'static str,
    pub vat: &'static str,
    pub recargo: &'static str,
    pub total: &'static str,
    pub reorder: &'static str,
    pub added: &'static str,
    pub reordered: &'static str,
    pub products_heading: &'static str,
    /// Why the cart cannot be ordered as it is.
    pub no_longer_sold: fn(product: &str) -> String,
    pub not_available_now: fn(product: &str) -> String,
    pub mixed_currencies: &'static str,
    /// The units a product is sold in, as written after its price.
    pub unit_piece: &'static str,
    pub unit_metre: &'static str,
    pub unit_kilogram: &'static str,
    pub unit_litre: &'static str,
    pub unit_box: &'static str,
    pub unit_hour: &'static str,
}

/// What notification emails say: a subject and a lead sentence per kind, and the detail.
/// Arguments are already written out: the document's title ("Presupuesto P-7"), the contact's
/// name, an amount or a date.
pub struct NotificationTexts {
    /// To staff: a contact accepted a quote.
    pub quote_accepted_subject: fn(document: &str, contact: &str) -> String,
    pub quote_accepted_lead: fn(document: &str, contact: &str) -> String,
    pub signed_by: fn(signer: &str) -> String,
    /// To staff: a contact rejected a quote.
    pub quote_rejected_subject: fn(document: &str, contact: &str) -> String,
    pub quote_rejected_lead: fn(document: &str, contact: &str) -> String,
    pub rejection_reason: fn(reason: &str) -> String,
    /// To staff: a supplier confirmed a purchase order.
    pub purchase_order_confirmed_subject: fn(document: &str, contact: &str) -> String,
    pub purchase_order_confirmed_lead: fn(document: &str, contact: &str) -> String,
    pub expected_delivery: &'static str,
    pub note: &'static str,
    /// Either way: someone wrote in a document's thread.
    pub comment_subject: fn(document: &str) -> String,
    pub comment_lead: fn(document: &str, author: &str) -> String,
    /// To the contact: the confirmation of their acceptance.
    pub acceptance_receipt_subject: fn(document: &str) -> String,
    pub acceptance_receipt_lead: fn(document: &str, date: &str) -> String,
    pub acceptance_receipt_thanks: &'static str,
    /// Where an invoice stands after a payment.
    pub invoice_paid: &'static str,
    pub invoice_partly_paid: fn(paid: &str, due: &str) -> String,
    /// To staff: an invoice was paid online.
    pub payment_received_subject: fn(document: &str, contact: &str) -> String,
    pub payment_received_lead: fn(document: &str, contact: &str) -> String,
    /// To the contact: the receipt of their payment.
    pub payment_receipt_subject: fn(document: &str) -> String,
    pub payment_receipt_lead: fn(document: &str) -> String,
    /// To staff: a confirmed payment could not be applied.
    pub payment_to_review_subject: fn(document: &str, contact: &str) -> String,
    pub payment_to_review_lead: fn(document: &str, contact: &str) -> String,
    pub payment_to_review_detail: &'static str,
    /// To staff: a contact placed an order. "Order" is in the sentence, so the number alone names it.
    pub order_placed_subject: fn(number: &str, contact: &str) -> String,
    pub order_placed_lead: fn(number: &str, contact: &str) -> String,
    /// To the contact: the confirmation of the order they placed.
    pub order_receipt_subject: fn(number: &str) -> String,
    pub order_receipt_lead: fn(number: &str) -> String,
}

/// The staff pages' words (staff read them in the business's language).
pub struct StaffTexts {
    /// The bar on every signed-in staff page.
    pub staff: &'static str,
    pub home: &'static str,
    pub log_out: &'static str,
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub email_label: &'static str,
    pub send_link: &'static str,
    pub login_sent_title: &'static str,
    pub login_sent_body: &'static str,
    pub login_sent_expiry: &'static str,
    pub login_confirm_title: &'static str,
    pub login_confirm_button: &'static str,
    pub waiting_heading: &'static str,
    pub nothing_waiting: &'static str,
    pub waiting_caption: &'static str,
    pub col_what: &'static str,
    pub col_when: &'static str,
    pub col_status: &'static str,
    pub recent_heading: &'static str,
    pub no_recent: &'static str,
    pub download_pdf: &'static str,
    pub print: &'static str,
    pub contact: &'static str,
    pub has_portal_access: &'static str,
    pub no_portal_access: &'static str,
    pub quick_actions: &'static str,
    pub confirm_order: &'static str,
    pub transfer_amount_label: &'static str,
    pub due: &'static str,
    pub bank_reference_label: &'static str,
    pub mark_transfer: &'static str,
    pub payments_heading: &'static str,
    pub comments_heading: &'static str,
    pub no_comments: &'static str,
    /// Where a comment came from.
    pub from_portal: &'static str,
    pub from_link: &'static str,
    pub from_staff: &'static str,
    pub reply_label: &'static str,
    pub send_reply: &'static str,
    pub link_heading: &'static str,
    pub link_expires_on: &'static str,
    pub link_never_expires: &'static str,
    pub rotate_link: &'static str,
    pub expiry_label: &'static str,
    pub save_expiry: &'static str,
    pub history_heading: &'static str,
    pub no_history: &'static str,
    /// The outcome of an action, shown on the document it ended on.
    pub replied: &'static str,
    pub link_rotated: &'static str,
    pub expiry_saved: &'static str,
    pub transfer_recorded: &'static str,
    pub transfer_known: &'static str,
    pub order_confirmed: &'static str,
    /// Why an action was refused.
    pub not_payable: &'static str,
    pub amount_invalid: &'static str,
    pub expiry_invalid: &'static str,
    pub reply_invalid: &'static str,
    pub transition_refused: &'static str,
    pub action_failed: &'static str,
}

pub const ES: Texts = Texts {
    skip_to_content: "Saltar al contenido",
    nav_label: "Secciones del portal",
    nav_dashboard: "Resumen",
    log_out: "Cerrar sesión",
    language_switch: "English",
    language_switch_to: Locale::En,
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
    payment_due_by: |due| format!("Vencimiento: {due}."),
    payment_by_transfer: |iban, reference| {
        format!("Transferencia bancaria a {iban}, indicando la referencia {reference}.")
    },
    kind_names: KindNames {
        invoice: "Factura",
        credit_note: "Factura rectificativa",
        quote: "Presupuesto",
        proforma: "Proforma",
        sales_order: "Pedido",
        delivery_note: "Albarán",
        purchase_order: "Pedido de compra",
    },
    kind_plurals: KindNames {
        invoice: "Facturas",
        credit_note: "Rectificativas",
        quote: "Presupuestos",
        proforma: "Proformas",
        sales_order: "Pedidos",
        delivery_note: "Albaranes",
        purchase_order: "Pedidos de compra",
    },
    status_name: spanish_status,
    filter_name: spanish_filter,
    activity: ActivityTexts {
        issued: |doc, kind| format!("{doc} {}", if is_feminine(kind) { "emitida" } else { "emitido" }),
        updated: |doc, kind| format!("{doc} {}", if is_feminine(kind) { "actualizada" } else { "actualizado" }),
        payment_received: |doc, amount| format!("Pago de {amount} recibido para {doc}"),
        status_changed: |doc, status| format!("{doc}: ahora {status}"),
        accepted: |doc, signer| format!("{doc} aceptado por {signer}"),
        rejected: |doc| format!("{doc} rechazado"),
        confirmed: |doc| format!("{doc} confirmado"),
        commented: |doc| format!("Nuevo comentario en {doc}"),
        order_placed: |doc| format!("{doc} realizado desde el catálogo"),
        payment_failed: |doc| format!("{doc}: el pago no se ha completado"),
        payment_refused: |doc, reason| format!("{doc}: pago recibido pero no aplicado ({reason})"),
    },
    problem: ProblemTexts {
        not_found: "No encontramos esta página o documento.",
        invalid_email: "Escribe una dirección de correo válida, como nombre@empresa.es.",
        invalid_filter: "Ese filtro no existe para esta lista.",
        invalid_cursor: "El enlace de página no es válido. Vuelve a la primera página.",
        login_link_invalid: "Este enlace de acceso no es válido. Pide uno nuevo.",
        login_link_spent: "Este enlace de acceso ya se usó o ha caducado. Pide uno nuevo.",
        access_disabled: "Tu acceso al portal no está activo. Contacta con la empresa.",
        document_link_invalid: "Este enlace al documento no es válido, ha caducado o fue sustituido por uno nuevo.",
        csrf_failed: "El formulario ha caducado. Vuelve a la página e inténtalo de nuevo.",
        unsupported_form: "La petición no tiene el formato de un formulario.",
        form_too_large: "El formulario es demasiado grande.",
        too_many_requests: "Demasiados intentos. Espera unos minutos y vuelve a probar.",
        comment_invalid: "Escribe un comentario de 1 a 2.000 caracteres.",
        signer_invalid: "Para aceptar, escribe tu nombre completo (de 3 a 120 caracteres).",
        note_invalid: "La nota no puede superar los 500 caracteres.",
        date_invalid: "La fecha de entrega no es válida.",
        already_answered: "Este presupuesto ya tiene respuesta: lo que ves es su estado actual.",
        quote_expired: "Este presupuesto ha caducado y ya no se puede aceptar ni rechazar. Pide uno actualizado.",
        already_confirmed: "Este pedido ya está confirmado.",
        action_unavailable: "Esta acción ya no está disponible para este documento.",
        document_changed:
            "El documento ha cambiado desde que lo abriste. Revisa la versión actual y vuelve a intentarlo.",
        quantity_invalid: "La cantidad debe ser un número mayor que 0 y de como mucho 10.000 unidades.",
        product_unavailable: "Ese producto no está disponible en el catálogo.",
        cart_full: "La cesta ya tiene el máximo de 100 productos distintos.",
        cart_empty: "Tu cesta está vacía.",
        cart_changed:
            "La cesta ha cambiado desde que la abriste (quizá en otra pestaña). Revísala y vuelve a hacer el pedido.",
        cart_blocked: "Hay productos en la cesta que ya no se pueden pedir. Quítalos para continuar.",
        payment_unavailable:
            "El pago en línea no está disponible. Puedes pagar por transferencia con los datos de la factura.",
        nothing_to_pay: "Esta factura no tiene importe pendiente.",
        gateway_unavailable: "No hemos podido conectar con la pasarela de pago. No se te ha cobrado nada; inténtalo de nuevo en unos minutos.",
        internal_error: "Algo ha fallado por nuestra parte. Inténtalo de nuevo en unos minutos.",
    },
    pay: PayTexts {
        heading: "Pagar esta factura",
        pay_by_card: "Pagar con tarjeta",
        transfer_intro: "O por transferencia bancaria, indicando el concepto:",
        iban: "IBAN",
        amount: "Importe",
        reference: "Concepto",
        processing: "Estamos confirmando tu pago con la pasarela. La factura aparecerá como pagada en cuanto llegue la confirmación; puedes recargar la página en unos segundos.",
        confirmed: "Pago confirmado. ¡Gracias!",
        cancelled: "Has cancelado el pago: la factura sigue pendiente.",
    },
    catalog: CatalogTexts {
        catalog: "Catálogo",
        cart: "Cesta",
        all_categories: "Todo",
        categories_label: "Categorías",
        search_label: "Buscar por nombre o referencia",
        search_button: "Buscar",
        results_for: "Resultados para",
        no_products: "No hay productos que mostrar.",
        search_limited: "Se muestran los primeros resultados; afina la búsqueda para ver otros.",
        next_page: "Siguientes",
        first_page: "Volver al principio",
        sku: "Ref.",
        price: "Precio",
        price_with_vat: "con IVA",
        per: "por",
        instead_of: "antes",
        in_stock: "En stock",
        on_request: "Bajo pedido",
        unavailable: "No disponible",
        quantity: "Cantidad",
        add_to_cart: "Añadir a la cesta",
        view_cart: "Ver la cesta",
        cart_empty: "Tu cesta está vacía.",
        back_to_catalog: "Seguir comprando",
        product: "Producto",
        unit_price: "Precio unitario",
        line_total: "Importe",
        update: "Actualizar",
        remove: "Quitar",
        note_label: "Observaciones para el pedido (opcional)",
        place_order: "Hacer el pedido",
        order_terms: "Los precios se confirman al hacer el pedido; te avisaremos cuando lo confirmemos.",
        tax_base: "Base imponible",
        vat: "IVA",
        recargo: "Recargo de equivalencia",
        total: "Total",
        reorder: "Repetir este pedido",
        added: "Producto añadido a la cesta.",
        reordered: "Hemos puesto en la cesta los productos de ese pedido que siguen a la venta, a tus precios de hoy.",
        products_heading: "Productos",
        no_longer_sold: |product| format!("«{product}» ya no está a la venta: quítalo de la cesta para continuar."),
        not_available_now: |product| {
            format!("«{product}» no está disponible ahora: quítalo de la cesta para continuar.")
        },
        mixed_currencies: "La cesta mezcla monedas: haz un pedido por moneda.",
        unit_piece: "ud.",
        unit_metre: "m",
        unit_kilogram: "kg",
        unit_litre: "l",
        unit_box: "caja",
        unit_hour: "h",
    },
    notification: NotificationTexts {
        quote_accepted_subject: |quote, contact| format!("{quote} aceptado · {contact}"),
        quote_accepted_lead: |quote, contact| format!("{contact} ha aceptado {quote}."),
        signed_by: |signer| format!("Firmado por {signer}."),
        quote_rejected_subject: |quote, contact| format!("{quote} rechazado · {contact}"),
        quote_rejected_lead: |quote, contact| format!("{contact} ha rechazado {quote}."),
        rejection_reason: |reason| format!("Motivo: {reason}"),
        purchase_order_confirmed_subject: |order, supplier| format!("{order} confirmado · {supplier}"),
        purchase_order_confirmed_lead: |order, supplier| format!("{supplier} ha confirmado {order}."),
        expected_delivery: "Entrega prevista",
        note: "Nota",
        comment_subject: |document| format!("Nuevo comentario en {document}"),
        comment_lead: |document, author| format!("{author} ha escrito en {document}:"),
        acceptance_receipt_subject: |quote| format!("Has aceptado {quote}"),
        acceptance_receipt_lead: |quote, date| format!("Confirmamos que aceptaste {quote} el {date}."),
        acceptance_receipt_thanks: "Gracias por tu confianza.",
        invoice_paid: "La factura está pagada.",
        invoice_partly_paid: |paid, due| format!("Pagado: {paid}. Pendiente: {due}."),
        payment_received_subject: |invoice, contact| format!("Pago recibido · {invoice} · {contact}"),
        payment_received_lead: |invoice, contact| format!("{contact} ha pagado {invoice} en línea."),
        payment_receipt_subject: |invoice| format!("Recibo de tu pago · {invoice}"),
        payment_receipt_lead: |invoice| format!("Hemos recibido tu pago de {invoice}. Gracias."),
        payment_to_review_subject: |invoice, contact| format!("Pago por revisar · {invoice} · {contact}"),
        payment_to_review_lead: |invoice, contact| {
            format!("Ha llegado un pago de {contact} para {invoice} que no se ha podido aplicar.")
        },
        payment_to_review_detail: "El motivo está en el historial del documento.",
        order_placed_subject: |number, contact| format!("Nuevo pedido {number} · {contact}"),
        order_placed_lead: |number, contact| format!("{contact} ha hecho el pedido {number}:"),
        order_receipt_subject: |number| format!("Hemos recibido tu pedido {number}"),
        order_receipt_lead: |number| {
            format!("Gracias. Hemos recibido tu pedido {number} y te avisaremos cuando lo confirmemos:")
        },
    },
    staff: StaffTexts {
        staff: "Equipo",
        home: "Inicio del equipo",
        log_out: "Cerrar sesión",
        login_title: "Acceso del equipo",
        login_intro: "Escribe tu correo de empresa y te enviaremos un enlace para entrar.",
        email_label: "Correo electrónico",
        send_link: "Enviar enlace",
        login_sent_title: "Revisa tu correo",
        login_sent_body: "Si esta dirección pertenece al equipo, le hemos enviado un enlace de acceso:",
        login_sent_expiry: "El enlace sirve una vez durante 15 minutos.",
        login_confirm_title: "Entrar como equipo",
        login_confirm_button: "Entrar",
        waiting_heading: "Pendiente de ti",
        nothing_waiting:
            "Nada pendiente: no hay pedidos por confirmar, presupuestos aceptados ni comentarios sin responder.",
        waiting_caption: "Lo que los contactos hicieron y espera una respuesta",
        col_what: "Qué",
        col_when: "Cuándo",
        col_status: "Estado",
        recent_heading: "Actividad reciente",
        no_recent: "Todavía no hay actividad.",
        download_pdf: "Descargar PDF",
        print: "Imprimir",
        contact: "Contacto",
        has_portal_access: "con acceso al portal",
        no_portal_access: "sin acceso al portal",
        quick_actions: "Acciones rápidas",
        confirm_order: "Confirmar pedido",
        transfer_amount_label: "Transferencia recibida: importe",
        due: "pendiente",
        bank_reference_label: "Referencia del banco",
        mark_transfer: "Marcar transferencia recibida",
        payments_heading: "Pagos",
        comments_heading: "Comentarios",
        no_comments: "Sin comentarios.",
        from_portal: "desde el portal",
        from_link: "con el enlace compartido",
        from_staff: "equipo",
        reply_label: "Responder al contacto (recibirá un correo)",
        send_reply: "Enviar respuesta",
        link_heading: "Enlace para compartir",
        link_expires_on: "Caduca el",
        link_never_expires: "No caduca.",
        rotate_link: "Cambiar el enlace (el actual deja de funcionar)",
        expiry_label: "Caducidad (vacío: nunca)",
        save_expiry: "Guardar caducidad",
        history_heading: "Historial completo",
        no_history: "Sin actividad.",
        replied: "Respuesta enviada: el contacto recibirá un correo.",
        link_rotated: "Enlace cambiado: el anterior ya no funciona.",
        expiry_saved: "Caducidad del enlace guardada.",
        transfer_recorded: "Transferencia registrada: el contacto recibirá el recibo.",
        transfer_known: "Esa transferencia ya estaba registrada: no se ha cambiado nada.",
        order_confirmed: "Pedido confirmado.",
        not_payable: "La factura ya no espera ningún pago.",
        amount_invalid: "El importe debe ser mayor que cero y no superar lo pendiente.",
        expiry_invalid: "La caducidad debe ser una fecha futura.",
        reply_invalid: "Escribe una respuesta de 1 a 2.000 caracteres.",
        transition_refused: "El documento ya no admite esta acción.",
        action_failed: "No se ha podido hacer: revisa los datos e inténtalo de nuevo.",
    },
};

pub const EN: Texts = Texts {
    skip_to_content: "Skip to content",
    nav_label: "Portal sections",
    nav_dashboard: "Overview",
    log_out: "Log out",
    language_switch: "Español",
    language_switch_to: Locale::Es,
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
    payment_due_by: |due| format!("Due by {due}."),
    payment_by_transfer: |iban, reference| format!("Bank transfer to {iban}, quoting reference {reference}."),
    kind_names: KindNames {
        invoice: "Invoice",
        credit_note: "Credit note",
        quote: "Quote",
        proforma: "Proforma",
        sales_order: "Sales order",
        delivery_note: "Delivery note",
        purchase_order: "Purchase order",
    },
    kind_plurals: KindNames {
        invoice: "Invoices",
        credit_note: "Credit notes",
        quote: "Quotes",
        proforma: "Proformas",
        sales_order: "Sales orders",
        delivery_note: "Delivery notes",
        purchase_order: "Purchase orders",
    },
    status_name: english_status,
    filter_name: english_filter,
    activity: ActivityTexts {
        issued: |doc, _| format!("{doc} issued"),
        updated: |doc, _| format!("{doc} updated"),
        payment_received: |doc, amount| format!("Payment of {amount} received for {doc}"),
        status_changed: |doc, status| format!("{doc}: now {status}"),
        accepted: |doc, signer| format!("{doc} accepted by {signer}"),
        rejected: |doc| format!("{doc} rejected"),
        confirmed: |doc| format!("{doc} confirmed"),
        commented: |doc| format!("New comment on {doc}"),
        order_placed: |doc| format!("{doc} placed from the catalog"),
        payment_failed: |doc| format!("{doc}: the payment did not go through"),
        payment_refused: |doc, reason| format!("{doc}: payment received but not applied ({reason})"),
    },
    problem: ProblemTexts {
        not_found: "We could not find this page or document.",
        invalid_email: "Enter a valid email address, like name@company.com.",
        invalid_filter: "That filter does not exist for this list.",
        invalid_cursor: "The page link is not valid. Go back to the first page.",
        login_link_invalid: "This login link is not valid. Request a new one.",
        login_link_spent: "This login link was already used or has expired. Request a new one.",
        access_disabled: "Your portal access is not active. Please contact the business.",
        document_link_invalid: "This document link is not valid, has expired or was replaced by a new one.",
        csrf_failed: "The form has expired. Go back to the page and try again.",
        unsupported_form: "The request is not a form submission.",
        form_too_large: "The form is too large.",
        too_many_requests: "Too many attempts. Wait a few minutes and try again.",
        comment_invalid: "Write a comment of 1 to 2,000 characters.",
        signer_invalid: "To accept, type your full name (3 to 120 characters).",
        note_invalid: "The note cannot be longer than 500 characters.",
        date_invalid: "The delivery date is not valid.",
        already_answered: "This quote has already been answered: what you see is its current state.",
        quote_expired: "This quote has expired and can no longer be accepted or rejected. Ask for an updated one.",
        already_confirmed: "This order is already confirmed.",
        action_unavailable: "This action is no longer available for this document.",
        document_changed: "The document changed after you opened it. Review the current version and try again.",
        quantity_invalid: "The quantity must be a number greater than 0 and at most 10,000 units.",
        product_unavailable: "That product is not available in the catalog.",
        cart_full: "The cart already holds the maximum of 100 different products.",
        cart_empty: "Your cart is empty.",
        cart_changed:
            "The cart changed after you opened it (perhaps in another tab). Review it and place the order again.",
        cart_blocked: "Some products in the cart can no longer be ordered. Remove them to continue.",
        payment_unavailable:
            "Online payment is not available. You can pay by transfer with the details on the invoice.",
        nothing_to_pay: "This invoice has nothing left to pay.",
        gateway_unavailable:
            "We could not reach the payment provider. You have not been charged; try again in a few minutes.",
        internal_error: "Something went wrong on our side. Please try again in a few minutes.",
    },
    pay: PayTexts {
        heading: "Pay this invoice",
        pay_by_card: "Pay by card",
        transfer_intro: "Or by bank transfer, quoting the reference:",
        iban: "IBAN",
        amount: "Amount",
        reference: "Reference",
        processing: "We are confirming your payment with the payment provider. The invoice will show as paid as soon as the confirmation arrives; reload the page in a few seconds.",
        confirmed: "Payment confirmed. Thank you!",
        cancelled: "You cancelled the payment: the invoice is still due.",
    },
    catalog: CatalogTexts {
        catalog: "Catalog",
        cart: "Cart",
        all_categories: "All",
        categories_label: "Categories",
        search_label: "Search by name or SKU",
        search_button: "Search",
        results_for: "Results for",
        no_products: "No products to show.",
        search_limited: "Showing the first results; refine the search to see others.",
        next_page: "Next",
        first_page: "Back to the start",
        sku: "SKU",
        price: "Price",
        price_with_vat: "incl. VAT",
        per: "per",
        instead_of: "was",
        in_stock: "In stock",
        on_request: "On request",
        unavailable: "Unavailable",
        quantity: "Quantity",
        add_to_cart: "Add to cart",
        view_cart: "View cart",
        cart_empty: "Your cart is empty.",
        back_to_catalog: "Continue shopping",
        product: "Product",
        unit_price: "Unit price",
        line_total: "Amount",
        update: "Update",
        remove: "Remove",
        note_label: "Notes for the order (optional)",
        place_order: "Place order",
        order_terms: "Prices are set when you place the order; we will tell you when it is confirmed.",
        tax_base: "Taxable base",
        vat: "VAT",
        recargo: "Equivalence surcharge",
        total: "Total",
        reorder: "Order this again",
        added: "Added to your cart.",
        reordered: "The products of that order still on sale are in your cart, at today's prices.",
        products_heading: "Products",
        no_longer_sold: |product| format!("«{product}» is no longer sold: remove it from the cart to continue."),
        not_available_now: |product| format!("«{product}» is not available now: remove it from the cart to continue."),
        mixed_currencies: "The cart mixes currencies: place one order per currency.",
        unit_piece: "pc",
        unit_metre: "m",
        unit_kilogram: "kg",
        unit_litre: "l",
        unit_box: "box",
        unit_hour: "h",
    },
    notification: NotificationTexts {
        quote_accepted_subject: |quote, contact| format!("{quote} accepted · {contact}"),
        quote_accepted_lead: |quote, contact| format!("{contact} accepted {quote}."),
        signed_by: |signer| format!("Signed by {signer}."),
        quote_rejected_subject: |quote, contact| format!("{quote} rejected · {contact}"),
        quote_rejected_lead: |quote, contact| format!("{contact} rejected {quote}."),
        rejection_reason: |reason| format!("Reason: {reason}"),
        purchase_order_confirmed_subject: |order, supplier| format!("{order} confirmed · {supplier}"),
        purchase_order_confirmed_lead: |order, supplier| format!("{supplier} confirmed {order}."),
        expected_delivery: "Expected delivery",
        note: "Note",
        comment_subject: |document| format!("New comment on {document}"),
        comment_lead: |document, author| format!("{author} wrote on {document}:"),
        acceptance_receipt_subject: |quote| format!("You accepted {quote}"),
        acceptance_receipt_lead: |quote, date| format!("This confirms you accepted {quote} on {date}."),
        acceptance_receipt_thanks: "Thank you for your trust.",
        invoice_paid: "The invoice is paid.",
        invoice_partly_paid: |paid, due| format!("Paid: {paid}. Still due: {due}."),
        payment_received_subject: |invoice, contact| format!("Payment received · {invoice} · {contact}"),
        payment_received_lead: |invoice, contact| format!("{contact} paid {invoice} online."),
        payment_receipt_subject: |invoice| format!("Receipt for your payment · {invoice}"),
        payment_receipt_lead: |invoice| format!("We received your payment for {invoice}. Thank you."),
        payment_to_review_subject: |invoice, contact| format!("Payment to review · {invoice} · {contact}"),
        payment_to_review_lead: |invoice, contact| {
            format!("A payment from {contact} for {invoice} arrived but could not be applied.")
        },
        payment_to_review_detail: "The reason is in the document's history.",
        order_placed_subject: |number, contact| format!("New order {number} · {contact}"),
        order_placed_lead: |number, contact| format!("{contact} placed order {number}:"),
        order_receipt_subject: |number| format!("We received your order {number}"),
        order_receipt_lead: |number| {
            format!("Thank you. We received your order {number} and will let you know when it is confirmed:")
        },
    },
    staff: StaffTexts {
        staff: "Staff",
        home: "Staff home",
        log_out: "Log out",
        login_title: "Staff login",
        login_intro: "Enter your work email and we will send you a login link.",
        email_label: "Email",
        send_link: "Send link",
        login_sent_title: "Check your email",
        login_sent_body: "If this address belongs to the staff, we sent it a login link:",
        login_sent_expiry: "The link works once, for 15 minutes.",
        login_confirm_title: "Log in as staff",
        login_confirm_button: "Log in",
        waiting_heading: "Waiting for you",
        nothing_waiting: "Nothing waiting: no orders to confirm, accepted quotes or unanswered comments.",
        waiting_caption: "What contacts did that waits for an answer",
        col_what: "What",
        col_when: "When",
        col_status: "Status",
        recent_heading: "Recent activity",
        no_recent: "No activity yet.",
        download_pdf: "Download PDF",
        print: "Print",
        contact: "Contact",
        has_portal_access: "has portal access",
        no_portal_access: "no portal access",
        quick_actions: "Quick actions",
        confirm_order: "Confirm order",
        transfer_amount_label: "Transfer received: amount",
        due: "due",
        bank_reference_label: "Bank reference",
        mark_transfer: "Mark transfer received",
        payments_heading: "Payments",
        comments_heading: "Comments",
        no_comments: "No comments.",
        from_portal: "from the portal",
        from_link: "with the shared link",
        from_staff: "staff",
        reply_label: "Reply to the contact (they get an email)",
        send_reply: "Send reply",
        link_heading: "Shareable link",
        link_expires_on: "Expires on",
        link_never_expires: "Does not expire.",
        rotate_link: "Replace the link (the current one stops working)",
        expiry_label: "Expiry (empty: never)",
        save_expiry: "Save expiry",
        history_heading: "Full history",
        no_history: "No activity.",
        replied: "Reply sent: the contact will get an email.",
        link_rotated: "Link replaced: the previous one no longer works.",
        expiry_saved: "Link expiry saved.",
        transfer_recorded: "Transfer recorded: the contact will get a receipt.",
        transfer_known: "That transfer was already recorded: nothing changed.",
        order_confirmed: "Order confirmed.",
        not_payable: "The invoice no longer waits for a payment.",
        amount_invalid: "The amount must be above zero and no more than what is due.",
        expiry_invalid: "The expiry must be a future date.",
        reply_invalid: "Write a reply of 1 to 2,000 characters.",
        transition_refused: "The document no longer allows this action.",
        action_failed: "That did not work: check the details and try again.",
    },
};

/// The words in `locale`: the one place that chooses words by language.
pub fn texts(locale: Locale) -> &'static Texts {
    match locale {
        Locale::Es => &ES,
        Locale::En => &EN,
    }
}

/// "Factura", "Presupuesto".
pub fn kind_name(locale: Locale, kind: DocumentKind) -> &'static str {
    texts(locale).kind_names.of(kind)
}

/// "Facturas", "Presupuestos".
pub fn kind_plural(locale: Locale, kind: DocumentKind) -> &'static str {
    texts(locale).kind_plurals.of(kind)
}

/// Spanish document names are feminine (factura, proforma) or masculine
/// (presupuesto, pedido, albarán); their statuses agree.
fn is_feminine(kind: DocumentKind) -> bool {
    matches!(kind, DocumentKind::Invoice | DocumentKind::CreditNote | DocumentKind::Proforma)
}

/// A status as shown for a document of `kind`.
pub fn status_name(locale: Locale, kind: DocumentKind, status: DisplayStatus) -> &'static str {
    (texts(locale).status_name)(kind, status)
}

fn spanish_status(kind: DocumentKind, status: DisplayStatus) -> &'static str {
    use DocumentStatus::*;
    let (masculine, feminine) = match status {
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
    if is_feminine(kind) { feminine } else { masculine }
}

fn english_status(_: DocumentKind, status: DisplayStatus) -> &'static str {
    use DocumentStatus::*;
    match status {
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
    }
}

/// "1 factura", "3 facturas".
pub fn count_of(locale: Locale, kind: DocumentKind, count: usize) -> String {
    let word = if count == 1 { kind_name(locale, kind) } else { kind_plural(locale, kind) };
    format!("{count} {}", word.to_lowercase())
}

pub fn filter_name(locale: Locale, kind: DocumentKind, filter: DocumentFilter) -> &'static str {
    (texts(locale).filter_name)(kind, filter)
}

fn spanish_filter(kind: DocumentKind, filter: DocumentFilter) -> &'static str {
    use DocumentFilter::*;
    match (filter, kind) {
        (All, _) => "Todos",
        (Open, DocumentKind::Invoice) => "Pendientes de pago",
        (Open, _) => "En curso",
        (Current, _) => "Por responder",
        (PastDate, DocumentKind::Invoice) => "Vencidas",
        (PastDate, _) => "Caducados",
        (Done, DocumentKind::Invoice) => "Pagadas",
        (Done, DocumentKind::Quote) => "Aceptados",
        (Done, _) => "Completados",
        (Rejected, _) => "Rechazados",
        (Cancelled, _) => "Anulados",
    }
}

fn english_filter(kind: DocumentKind, filter: DocumentFilter) -> &'static str {
    use DocumentFilter::*;
    match (filter, kind) {
        (All, _) => "All",
        (Open, DocumentKind::Invoice) => "Unpaid",
        (Open, _) => "In progress",
        (Current, _) => "Awaiting answer",
        (PastDate, DocumentKind::Invoice) => "Overdue",
        (PastDate, _) => "Expired",
        (Done, DocumentKind::Invoice) => "Paid",
        (Done, DocumentKind::Quote) => "Accepted",
        (Done, _) => "Completed",
        (Rejected, _) => "Rejected",
        (Cancelled, _) => "Cancelled",
    }
}

/// The dashboard's and history's one-line description of an event.
pub fn activity_line(locale: Locale, event: &crate::ActivityEvent) -> String {
    use crate::ActivityKind::*;
    let t = texts(locale);
    let a = &t.activity;
    let kind = event.document_kind;
    let doc = format!("{} {}", t.kind_names.of(kind), event.document_number.as_str());
    match &event.kind {
        Issued => (a.issued)(&doc, kind),
        Updated => (a.updated)(&doc, kind),
        PaymentReceived { amount } => (a.payment_received)(&doc, &locale.format_money(*amount)),
        StatusChanged { to } => (a.status_changed)(&doc, (t.status_name)(kind, DisplayStatus::Stored(*to))),
        Accepted { signer } => (a.accepted)(&doc, signer),
        Rejected => (a.rejected)(&doc),
        Confirmed => (a.confirmed)(&doc),
        Commented => (a.commented)(&doc),
        OrderPlaced => (a.order_placed)(&doc),
        PaymentFailed => (a.payment_failed)(&doc),
        PaymentRefused { reason } => (a.payment_refused)(&doc, reason),
    }
}

/// How to pay an invoice: the due date and, where the business has an IBAN,
/// the transfer details with the reference to quote.
pub fn payment_instructions(locale: Locale, due: Option<&str>, iban: Option<&str>, reference: &str) -> Vec<String> {
    let t = texts(locale);
    let mut lines = Vec::new();
    if let Some(due) = due {
        lines.push((t.payment_due_by)(due));
    }
    if let Some(iban) = iban {
        lines.push((t.payment_by_transfer)(iban, reference));
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
    fn texts_built_from_values_fill_them_in() {
        assert_eq!(
            payment_instructions(Locale::Es, Some("01/12/2026"), Some("ES91"), "F-1"),
            ["Vencimiento: 01/12/2026.", "Transferencia bancaria a ES91, indicando la referencia F-1."]
        );
        assert_eq!(
            payment_instructions(Locale::En, Some("1 Dec 2026"), Some("ES91"), "F-1"),
            ["Due by 1 Dec 2026.", "Bank transfer to ES91, quoting reference F-1."]
        );
        assert_eq!(
            (texts(Locale::En).catalog.no_longer_sold)("Cable"),
            "«Cable» is no longer sold: remove it from the cart to continue."
        );
        assert_eq!(crate::catalog::Unit::Box.label(Locale::Es), "caja");
        assert_eq!(crate::catalog::Unit::Piece.label(Locale::En), "pc");
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
