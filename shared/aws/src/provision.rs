//! Creates the table, bucket and sender identity on an emulator (or a fresh
//! account) from `template.yaml` — the same definitions the deploy uses.

use crate::clients::AwsClients;
use crate::describe;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TimeToLiveSpecification,
};
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use serde_norway::Value;
use std::path::Path;

/// The logical id of the table in `template.yaml`.
pub const TABLE_RESOURCE: &str = "PortalTable";

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("cannot read the template: {0}")]
    Template(String),
    #[error("{0}")]
    Aws(String),
}

fn text(value: &Value, what: &str) -> Result<String, ProvisionError> {
    value.as_str().map(str::to_string).ok_or_else(|| ProvisionError::Template(format!("{what} missing")))
}

fn key_schema(value: &Value) -> Result<Vec<KeySchemaElement>, ProvisionError> {
    let elements = value.as_sequence().ok_or_else(|| ProvisionError::Template("KeySchema missing".into()))?;
    elements
        .iter()
        .map(|e| {
            KeySchemaElement::builder()
                .attribute_name(text(&e["AttributeName"], "AttributeName")?)
                .key_type(KeyType::from(text(&e["KeyType"], "KeyType")?.as_str()))
                .build()
                .map_err(|e| ProvisionError::Template(e.to_string()))
        })
        .collect()
}

/// Reads the table definition from `template.yaml`.
pub fn table_definition(template: &Path) -> Result<Value, ProvisionError> {
    let source = std::fs::read_to_string(template)
        .map_err(|e| ProvisionError::Template(format!("{}: {e}", template.display())))?;
    let parsed: Value = serde_norway::from_str(&source).map_err(|e| ProvisionError::Template(e.to_string()))?;
    let properties = parsed["Resources"][TABLE_RESOURCE]["Properties"].clone();
    if properties.is_null() {
        return Err(ProvisionError::Template(format!("no {TABLE_RESOURCE} resource")));
    }
    Ok(properties)
}

/// Creates `table_name` as the template defines it (idempotent).
pub async fn create_table(clients: &AwsClients, template: &Path, table_name: &str) -> Result<(), ProvisionError> {
    let properties = table_definition(template)?;
    let attributes = properties["AttributeDefinitions"]
        .as_sequence()
        .ok_or_else(|| ProvisionError::Template("AttributeDefinitions missing".into()))?
        .iter()
        .map(|a| {
            AttributeDefinition::builder()
                .attribute_name(text(&a["AttributeName"], "AttributeName")?)
                .attribute_type(ScalarAttributeType::from(text(&a["AttributeType"], "AttributeType")?.as_str()))
                .build()
                .map_err(|e| ProvisionError::Template(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut indexes = Vec::new();
    for index in properties["GlobalSecondaryIndexes"].as_sequence().cloned().unwrap_or_default() {
        let projection = &index["Projection"];
        let non_key: Vec<String> = projection["NonKeyAttributes"]
            .as_sequence()
            .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        indexes.push(
            GlobalSecondaryIndex::builder()
                .index_name(text(&index["IndexName"], "IndexName")?)
                .set_key_schema(Some(key_schema(&index["KeySchema"])?))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::from(
                            text(&projection["ProjectionType"], "ProjectionType")?.as_str(),
                        ))
                        .set_non_key_attributes((!non_key.is_empty()).then_some(non_key))
                        .build(),
                )
                .build()
                .map_err(|e| ProvisionError::Template(e.to_string()))?,
        );
    }
    let created = clients
        .dynamo
        .create_table()
        .table_name(table_name)
        .set_attribute_definitions(Some(attributes))
        .set_key_schema(Some(key_schema(&properties["KeySchema"])?))
        .set_global_secondary_indexes(Some(indexes))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_in_use_exception()) => return Ok(()),
        Err(e) => return Err(ProvisionError::Aws(format!("CreateTable: {}", describe(&e)))),
    }
    if let Some(ttl) = properties["TimeToLiveSpecification"]["AttributeName"].as_str() {
        clients
            .dynamo
            .update_time_to_live()
            .table_name(table_name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(ttl)
                    .enabled(true)
                    .build()
                    .map_err(|e| ProvisionError::Template(e.to_string()))?,
            )
            .send()
            .await
            .map_err(|e| ProvisionError::Aws(format!("UpdateTimeToLive: {}", describe(&e))))?;
    }
    Ok(())
}

/// Creates a private bucket (idempotent).
pub async fn create_bucket(clients: &AwsClients, bucket: &str, region: &str) -> Result<(), ProvisionError> {
    let mut request = clients.s3.create_bucket().bucket(bucket);
    if region != "us-east-1" {
        request = request.create_bucket_configuration(
            CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::from(region)).build(),
        );
    }
    match request.send().await {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_bucket_already_owned_by_you()) => Ok(()),
        Err(e) => Err(ProvisionError::Aws(format!("CreateBucket: {}", describe(&e)))),
    }
}

/// Verifies the sender address (SES refuses unverified senders).
pub async fn verify_sender(clients: &AwsClients, sender: &str) -> Result<(), ProvisionError> {
    clients
        .ses
        .verify_email_identity()
        .email_address(sender)
        .send()
        .await
        .map_err(|e| ProvisionError::Aws(format!("VerifyEmailIdentity: {}", describe(&e))))?;
    Ok(())
}

/// Creates the SES configuration set mail is sent with (the stack's
/// `MailConfigurationSet` in AWS); an existing one is kept.
pub async fn create_configuration_set(clients: &AwsClients, name: &str) -> Result<(), ProvisionError> {
    let set = aws_sdk_ses::types::ConfigurationSet::builder()
        .name(name)
        .build()
        .map_err(|e| ProvisionError::Aws(format!("ConfigurationSet: {e}")))?;
    match clients.ses.create_configuration_set().configuration_set(set).send().await {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_configuration_set_already_exists_exception()) => Ok(()),
        Err(e) => Err(ProvisionError::Aws(format!("CreateConfigurationSet: {}", describe(&e)))),
    }
}

/// Everything the portal needs on a fresh emulator.
pub async fn provision_all(
    clients: &AwsClients,
    template: &Path,
    table: &str,
    bucket: &str,
    region: &str,
    sender: &str,
) -> Result<(), ProvisionError> {
    create_table(clients, template, table).await?;
    create_bucket(clients, bucket, region).await?;
    verify_sender(clients, sender).await
}
