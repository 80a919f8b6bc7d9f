//! What AWS does that the emulator does not: S3's 403 for a missing key
//! without s3:ListBucket, transactions cancelled with per-item reasons,
//! throttling, SES rejecting a message, SES configuration sets. The real
//! adapters, on the configuration a deployed function builds, talk to a stub
//! that answers as AWS documents (tests/stub_aws).

mod stub_aws;

use portal_adapters::table::{Condition, Item, Key, Table, TableError, Write};
use portal_aws::clients::{SdkConfig, lambda_config, retries};
use portal_aws::{AwsClients, DynamoTable, S3Blobs, SesMailer};
use portal_domain::EmailAddress;
use portal_domain::ports::{BlobError, BlobStore, Mailer, OutgoingMail};
use serde_json::json;
use std::time::{Duration, Instant};
use stub_aws::{REQUEST_ID, Reply, StubAws};

const BUCKET: &str = "portal-documents";
const TABLE: &str = "portal";
const SENDER: &str = "facturas@ebro-instalaciones.es";
const PDF_KEY: &str = "pdf/d-f2026-0120/v3.pdf";

/// Bounds each call: three attempts with the SDK's backoff take a few
/// seconds; the SDK's own operation timeout is 12 s.
const GUARD: Duration = Duration::from_secs(20);

/// The configuration a deployed function builds from Lambda's variables
/// (production retries and timeouts), pointed at the stub.
fn deployed_config(stub: &StubAws) -> SdkConfig {
    let lambda_environment = |name: &str| {
        let value = match name {
            "AWS_LAMBDA_FUNCTION_NAME" => "portal-document-pdf",
            "AWS_REGION" => "eu-west-1",
            "AWS_ACCESS_KEY_ID" => "ASIAEXAMPLE",
            "AWS_SECRET_ACCESS_KEY" => "secret",
            "AWS_SESSION_TOKEN" => "token",
            _ => return None,
        };
        Some(value.to_string())
    };
    let config = lambda_config(lambda_environment, Some(stub.url())).expect("a Lambda environment");
    assert_eq!(config.retry_config(), Some(&retries()), "the production retry policy is the one under test");
    config
}

fn clients(stub: &StubAws) -> AwsClients {
    // An endpoint override means path-style addressing, as in `AppState`.
    AwsClients::new(&deployed_config(stub), true)
}

// --- S3 HeadObject -------------------------------------------------------

#[tokio::test]
async fn a_head_object_forbidden_is_an_error_naming_the_permissions_not_a_missing_pdf() {
    // S3's answer to HEAD on a missing key for a caller without
    // s3:ListBucket: 403 and, as for every HEAD, no body.
    let stub = StubAws::answering(vec![Reply::empty(403)]).await;
    let blobs = S3Blobs::new(clients(&stub).s3, BUCKET);

    let exists = tokio::time::timeout(GUARD, blobs.exists(PDF_KEY)).await.expect("no hang");

    let Err(BlobError::Unavailable(why)) = exists else { panic!("a 403 must not read as missing: {exists:?}") };
    for needed in ["403 Forbidden", "s3:GetObject", "s3:ListBucket", PDF_KEY, BUCKET] {
        assert!(why.contains(needed), "«{needed}» missing from: {why}");
    }
    let received = stub.received();
    assert_eq!(received.len(), 1, "a 403 is not retried");
    assert_eq!(received[0].method, "HEAD");
    assert_eq!(received[0].path, format!("/{BUCKET}/{PDF_KEY}"));
}

#[tokio::test]
async fn a_head_object_not_found_is_missing_and_ok_is_present() {
    let stub = StubAws::answering(vec![
        Reply::empty(404),
        Reply::empty(200)
            .with_header("content-type", "application/pdf")
            .with_header("etag", "\"6805f2cfc46c0f04559748bb039d69ae\"")
            .with_header("last-modified", "Tue, 03 Mar 2026 10:15:00 GMT"),
    ])
    .await;
    let blobs = S3Blobs::new(clients(&stub).s3, BUCKET);

    let missing = tokio::time::timeout(GUARD, blobs.exists(PDF_KEY)).await.expect("no hang");
    let present = tokio::time::timeout(GUARD, blobs.exists(PDF_KEY)).await.expect("no hang");

    assert_eq!(missing, Ok(false));
    assert_eq!(present, Ok(true));
    let received = stub.received();
    assert_eq!(received.len(), 2);
    assert!(received.iter().all(|r| r.method == "HEAD" && r.path == format!("/{BUCKET}/{PDF_KEY}")), "{received:?}");
}

// --- DynamoDB conditions and transactions ----------------------------------

const TRANSACTION_CANCELED: &str = "com.amazonaws.dynamodb.v20120810#TransactionCanceledException";

/// DynamoDB's answer to a cancelled TransactWriteItems: one reason per write,
/// in request order, `None` for the writes that were fine.
fn transaction_canceled(reasons: serde_json::Value, summary: &str) -> Reply {
    Reply::dynamodb(
        400,
        json!({
            "__type": TRANSACTION_CANCELED,
            "Message": format!("Transaction cancelled, please refer cancellation reasons for specific reasons [{summary}]"),
            "CancellationReasons": reasons,
        }),
    )
}

fn condition_failed_on_second() -> Reply {
    transaction_canceled(
        json!([{ "Code": "None" }, { "Code": "ConditionalCheckFailed", "Message": "The conditional request failed" }]),
        "None, ConditionalCheckFailed",
    )
}

fn conflict_on_second() -> Reply {
    transaction_canceled(
        json!([{ "Code": "None" }, { "Code": "TransactionConflict", "Message": "Transaction is ongoing for the item" }]),
        "None, TransactionConflict",
    )
}

fn throttled_on_first() -> Reply {
    transaction_canceled(
        json!([
            {
                "Code": "ThrottlingError",
                "Message": "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly."
            },
            { "Code": "None" }
        ]),
        "ThrottlingError, None",
    )
}

fn transact_ok() -> Reply {
    Reply::dynamodb(200, json!({}))
}

/// A quote accepted once: its status item changes only at the version read,
/// and the answer is recorded only if none exists yet.
fn accept_quote() -> Vec<Write> {
    vec![
        Write::Put {
            item: Item::new(Key::new("DOC#p2026-0042", "STATUS"), "{\"status\":\"accepted\"}".into()),
            condition: Condition::VersionIs(3),
        },
        Write::Put {
            item: Item::new(Key::new("DOC#p2026-0042", "ANSWER"), "{\"by\":\"ana\"}".into()),
            condition: Condition::NotExists,
        },
    ]
}

async fn transact(stub: &StubAws, writes: Vec<Write>) -> Result<(), TableError> {
    let table = DynamoTable::new(clients(stub).dynamo, TABLE);
    tokio::time::timeout(GUARD, table.transact(writes)).await.expect("no hang")
}

fn operations(stub: &StubAws) -> Vec<String> {
    stub.received().iter().map(|r| r.dynamodb_operation().unwrap_or("?").to_string()).collect()
}

#[tokio::test]
async fn a_transaction_cancelled_by_a_failed_condition_names_the_write_that_failed() {
    let stub = StubAws::answering(vec![condition_failed_on_second()]).await;

    let result = transact(&stub, accept_quote()).await;

    assert_eq!(result, Err(TableError::ConditionFailed { failed: vec![1] }));
    assert_eq!(operations(&stub), ["TransactWriteItems"], "a failed condition is final: not sent again");
    let sent = stub.received()[0].json();
    assert_eq!(sent["TransactItems"][1]["Put"]["ConditionExpression"], "attribute_not_exists(pk)");
}

#[tokio::test]
async fn a_transaction_that_keeps_meeting_another_is_sent_three_times_then_reported_as_a_conflict() {
    let stub = StubAws::answering(vec![conflict_on_second()]).await;

    let result = transact(&stub, accept_quote()).await;

    // The caller re-reads and shows what won, as for a failed condition.
    assert_eq!(result, Err(TableError::ConditionFailed { failed: vec![1] }));
    assert_eq!(operations(&stub), ["TransactWriteItems"; 3]);
}

#[tokio::test]
async fn a_transaction_that_met_another_once_succeeds_when_sent_again() {
    let stub = StubAws::answering(vec![conflict_on_second(), transact_ok()]).await;

    let result = transact(&stub, accept_quote()).await;

    assert_eq!(result, Ok(()));
    let received = stub.received();
    assert_eq!(received.len(), 2);
    // Each send is a new request (its idempotency token differs): the
    // cancelled one wrote nothing.
    let items = |n: usize| received[n].json()["TransactItems"].clone();
    assert_eq!(items(0), items(1), "the same writes, sent again");
    assert_eq!(items(0).as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_transaction_cancelled_for_throttling_is_sent_again_and_succeeds() {
    let stub = StubAws::answering(vec![throttled_on_first(), transact_ok()]).await;

    let result = transact(&stub, accept_quote()).await;

    assert_eq!(result, Ok(()));
    assert_eq!(operations(&stub), ["TransactWriteItems"; 2]);
}

#[tokio::test]
async fn a_transaction_throttled_every_time_is_unavailable_storage_not_a_conflict() {
    let stub = StubAws::answering(vec![throttled_on_first()]).await;

    let result = transact(&stub, accept_quote()).await;

    let Err(TableError::Unavailable(why)) = result else { panic!("expected Unavailable, got {result:?}") };
    assert!(why.contains("TransactWriteItems failed") && why.contains("ThrottlingError"), "{why}");
    assert_eq!(operations(&stub), ["TransactWriteItems"; 3]);
}

#[tokio::test]
async fn a_single_conditional_write_that_fails_is_the_same_failed_condition() {
    let stub = StubAws::answering(vec![Reply::dynamodb_error(
        "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        "The conditional request failed",
    )])
    .await;
    let write =
        Write::Put { item: Item::new(Key::new("LOGIN#ana", "TOKEN"), "{}".into()), condition: Condition::NotExists };

    let result = transact(&stub, vec![write]).await;

    assert_eq!(result, Err(TableError::ConditionFailed { failed: vec![0] }));
    assert_eq!(operations(&stub), ["PutItem"], "a failed condition is not retried");
    assert_eq!(stub.received()[0].json()["ConditionExpression"], "attribute_not_exists(pk)");
}

// --- DynamoDB throttling ---------------------------------------------------

const THROTTLING: &str = "com.amazon.coral.availability#ThrottlingException";
const THROTTLED: &str = "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html";

fn throttling() -> Reply {
    Reply::dynamodb(
        400,
        json!({
            "__type": THROTTLING,
            "message": THROTTLED,
            "throttlingReasons": [{
                "reason": "TableReadKeyRangeThroughputExceeded",
                "resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/portal"
            }]
        }),
    )
}

fn provisioned_throughput_exceeded() -> Reply {
    Reply::dynamodb_error(
        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
    )
}

fn login_item() -> Reply {
    Reply::dynamodb(
        200,
        json!({ "Item": {
            "pk": { "S": "LOGIN#ana" },
            "sk": { "S": "TOKEN" },
            "version": { "N": "2" },
            "data": { "S": "{\"contact\":\"c-17\"}" }
        }}),
    )
}

#[tokio::test]
async fn a_read_throttled_twice_is_retried_by_the_sdk_and_succeeds() {
    let stub = StubAws::answering(vec![throttling(), provisioned_throughput_exceeded(), login_item()]).await;
    let table = DynamoTable::new(clients(&stub).dynamo, TABLE);

    let item = tokio::time::timeout(GUARD, table.get(&Key::new("LOGIN#ana", "TOKEN"))).await.expect("no hang");

    let item = item.expect("the third attempt succeeds").expect("the item");
    assert_eq!((item.version, item.data.as_str()), (2, "{\"contact\":\"c-17\"}"));
    assert_eq!(operations(&stub), ["GetItem"; 3], "three attempts: the production policy");
}

#[tokio::test]
async fn a_read_throttled_on_every_attempt_is_unavailable_after_three_in_bounded_time() {
    let stub = StubAws::answering(vec![throttling()]).await;
    let table = DynamoTable::new(clients(&stub).dynamo, TABLE);
    let started = Instant::now();

    let item = tokio::time::timeout(GUARD, table.get(&Key::new("LOGIN#ana", "TOKEN"))).await.expect("no hang");

    let Err(TableError::Unavailable(why)) = item else { panic!("expected Unavailable, got {item:?}") };
    assert!(why.contains("DynamoDB GetItem failed") && why.contains("ThrottlingException"), "{why}");
    assert_eq!(operations(&stub), ["GetItem"; 3]);
    // Backoff is jittered below 1 s and then 2 s: throttling, not the 12 s
    // operation timeout, ended the call.
    assert!(started.elapsed() < Duration::from_secs(6), "took {:?}", started.elapsed());
}

// --- SES -----------------------------------------------------------------

const NOT_VERIFIED: &str = "Email address is not verified. The following identities failed the check in region EU-WEST-1: facturas@ebro-instalaciones.es";

fn message_rejected() -> Reply {
    Reply::xml(
        400,
        &format!(
            r#"<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">
  <Error>
    <Type>Sender</Type>
    <Code>MessageRejected</Code>
    <Message>{NOT_VERIFIED}</Message>
  </Error>
  <RequestId>{REQUEST_ID}</RequestId>
</ErrorResponse>"#
        ),
    )
}

fn message_sent() -> Reply {
    Reply::xml(
        200,
        &format!(
            r#"<SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">
  <SendRawEmailResult>
    <MessageId>0102018e0a0c5c3e-1f6a0c4b-8d2e-4b1f-9a4e-3c5d6e7f8a9b-000000</MessageId>
  </SendRawEmailResult>
  <ResponseMetadata>
    <RequestId>{REQUEST_ID}</RequestId>
  </ResponseMetadata>
</SendRawEmailResponse>"#
        ),
    )
}

fn mailer(stub: &StubAws) -> SesMailer {
    SesMailer::new(clients(stub).ses, EmailAddress::parse(SENDER).unwrap(), Some("Ebro Instalaciones".into()))
}

fn invoice_mail() -> OutgoingMail {
    OutgoingMail {
        to: EmailAddress::parse("ana@ferreteria-lopez.es").unwrap(),
        reply_to: None,
        subject: "Factura F2026-0120".into(),
        text: "Su factura está disponible.".into(),
        html: "<p>Su factura está disponible.</p>".into(),
        attachments: vec![],
    }
}

#[tokio::test]
async fn a_message_ses_rejects_is_an_error_carrying_ses_reason_and_is_not_retried() {
    let stub = StubAws::answering(vec![message_rejected()]).await;

    let sent = tokio::time::timeout(GUARD, mailer(&stub).send(&invoice_mail())).await.expect("no hang");

    let why = sent.expect_err("SES rejected it").0;
    assert!(why.contains("SES SendRawEmail failed") && why.contains("MessageRejected"), "{why}");
    assert!(why.contains(NOT_VERIFIED), "SES's own reason is kept: {why}");
    assert_eq!(stub.received().len(), 1, "a rejection is final: sending again would be rejected again");
}

#[tokio::test]
async fn every_message_names_the_configuration_set_when_one_is_configured() {
    let stub = StubAws::answering(vec![message_sent()]).await;
    let mailer = mailer(&stub).with_configuration_set(Some("portal-prod-mail".into()));

    tokio::time::timeout(GUARD, mailer.send(&invoice_mail())).await.expect("no hang").expect("sent");

    let received = stub.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.form_value("Action").as_deref(), Some("SendRawEmail"));
    assert_eq!(request.form_value("ConfigurationSetName").as_deref(), Some("portal-prod-mail"));
    assert_eq!(request.form_value("Source").as_deref(), Some(SENDER));
    assert_eq!(request.form_value("Destinations.member.1").as_deref(), Some("ana@ferreteria-lopez.es"));
}

#[tokio::test]
async fn without_a_configuration_set_the_parameter_is_absent() {
    let stub = StubAws::answering(vec![message_sent()]).await;
    let unset = mailer(&stub);
    // An empty template parameter arrives as an empty variable.
    let empty = mailer(&stub).with_configuration_set(Some(String::new()));

    for mailer in [unset, empty] {
        tokio::time::timeout(GUARD, mailer.send(&invoice_mail())).await.expect("no hang").expect("sent");
    }

    let received = stub.received();
    assert_eq!(received.len(), 2);
    for request in &received {
        assert_eq!(request.form_value("Action").as_deref(), Some("SendRawEmail"));
        assert_eq!(request.form_value("Source").as_deref(), Some(SENDER));
        assert_eq!(request.form_value("ConfigurationSetName"), None);
    }
}
