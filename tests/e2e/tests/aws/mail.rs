//! Mail through SES (emulated): what the emulator received is what we sent.

use portal_domain::EmailAddress;
use portal_domain::ports::{Attachment, Mailer, OutgoingMail};
use portal_e2e::{emulator_clients, emulator_endpoint, emulator_mail, unique_name};

fn message(to: &str) -> OutgoingMail {
    OutgoingMail {
        to: EmailAddress::parse(to).unwrap(),
        reply_to: Some(EmailAddress::parse("oficina@ebro-instalaciones.es").unwrap()),
        subject: "Tu factura F2026-0120 · Ebro Instalaciones".into(),
        text: "Hola,\n\nTienes una factura nueva: 1.234,56 €.\n".into(),
        html: "<p>Hola,</p><p>Tienes una factura nueva: <strong>1.234,56 €</strong>.</p>".into(),
        attachments: vec![Attachment {
            file_name: "F2026-0120.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.7 test".to_vec(),
        }],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ses_sends_both_bodies_reply_to_and_attachments() {
    let clients = emulator_clients();
    let sender = format!("{}@ebro-instalaciones.es", unique_name("mail"));
    portal_aws::provision::verify_sender(&clients, &sender).await.unwrap();
    let mailer = portal_aws::SesMailer::new(
        clients.ses.clone(),
        EmailAddress::parse(&sender).unwrap(),
        Some("Ebro Instalaciones".into()),
    );
    mailer.send(&message("ana@ferreteria-lopez.es")).await.expect("sent");

    let received = emulator_mail(&emulator_endpoint(), &sender).await;
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.to, "ana@ferreteria-lopez.es");
    assert_eq!(mail.subject, "Tu factura F2026-0120 · Ebro Instalaciones");
    assert!(mail.text.contains("Tienes una factura nueva: 1.234,56 €."), "{}", mail.text);
    assert!(mail.html.contains("<strong>1.234,56 €</strong>"), "{}", mail.html);
    assert_eq!(mail.reply_to.as_deref(), Some("oficina@ebro-instalaciones.es"));
    assert_eq!(mail.attachments, vec!["F2026-0120.pdf".to_string()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unverified_sender_is_a_clear_error() {
    let clients = emulator_clients();
    let sender = format!("{}@nowhere.example", unique_name("unverified"));
    let mailer = portal_aws::SesMailer::new(clients.ses.clone(), EmailAddress::parse(&sender).unwrap(), None);
    let error = mailer.send(&message("ana@ferreteria-lopez.es")).await.expect_err("refused");
    assert!(error.0.contains("SendRawEmail") && error.0.contains("MessageRejected"), "{}", error.0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_embedded_outbox_keeps_the_same_mail_contract() {
    let folder = std::env::temp_dir().join(unique_name("outbox"));
    let mailer = portal_adapters::mail::OutboxMailer::new(&folder).unwrap();
    mailer.send(&message("ana@ferreteria-lopez.es")).await.expect("sent");
    let received = portal_adapters::mail::read_outbox(&folder).unwrap();
    std::fs::remove_dir_all(&folder).ok();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.to, "ana@ferreteria-lopez.es");
    assert_eq!(mail.subject, "Tu factura F2026-0120 · Ebro Instalaciones");
    assert!(mail.text.contains("Tienes una factura nueva: 1.234,56 €."));
    assert!(mail.html.contains("<strong>1.234,56 €</strong>"));
    assert_eq!(mail.reply_to.as_deref(), Some("oficina@ebro-instalaciones.es"));
    assert_eq!(mail.attachments, vec!["F2026-0120.pdf".to_string()]);
}
