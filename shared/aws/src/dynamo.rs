//! The single table on DynamoDB. Attribute and index names here must match the
//! table in `template.yaml` (the emulator tests provision from that file).

use crate::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Delete, Put, ReturnValue, TransactWriteItem};
use portal_adapters::table::{
    Condition, Cursor, Index, IndexKey, Item, Key, Query, QueryPage, SortCondition, Table, TableError, Write,
};
use std::collections::HashMap;

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const GSI1: &str = "gsi1";
pub const GSI1_PK: &str = "gsi1pk";
pub const GSI1_SK: &str = "gsi1sk";
pub const GSI2: &str = "gsi2";
pub const GSI2_PK: &str = "gsi2pk";
pub const GSI2_SK: &str = "gsi2sk";
pub const TTL: &str = "expires_at";
const VERSION: &str = "version";
const DATA: &str = "data";
const SUMMARY: &str = "summary";

type Attributes = HashMap<String, AttributeValue>;

#[derive(Clone, Debug)]
pub struct DynamoTable {
    client: Client,
    table_name: String,
}

impl DynamoTable {
    pub fn new(client: Client, table_name: impl Into<String>) -> Self {
        DynamoTable { client, table_name: table_name.into() }
    }

    pub fn table_name(&self) -> &str {
        &self.table_name
    }
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn key_attributes(key: &Key) -> Attributes {
    HashMap::from([(PK.to_string(), s(&key.pk)), (SK.to_string(), s(&key.sk))])
}

fn to_attributes(item: &Item) -> Attributes {
    let mut attributes = key_attributes(&item.key);
    if let Some(k) = &item.gsi1 {
        attributes.insert(GSI1_PK.into(), s(&k.pk));
        attributes.insert(GSI1_SK.into(), s(&k.sk));
    }
    if let Some(k) = &item.gsi2 {
        attributes.insert(GSI2_PK.into(), s(&k.pk));
        attributes.insert(GSI2_SK.into(), s(&k.sk));
    }
    if let Some(at) = item.expires_at {
        attributes.insert(TTL.into(), n(at));
    }
    attributes.insert(VERSION.into(), n(item.version));
    attributes.insert(DATA.into(), s(&item.data));
    if let Some(summary) = &item.summary {
        attributes.insert(SUMMARY.into(), s(summary));
    }
    attributes
}

fn string(attributes: &Attributes, name: &str) -> Option<String> {
    attributes.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn number(attributes: &Attributes, name: &str) -> Result<Option<i64>, TableError> {
    attributes
        .get(name)
        .map(|v| {
            v.as_n()
                .ok()
                .and_then(|text| text.parse::<i64>().ok())
                .ok_or_else(|| TableError::Corrupt(format!("attribute {name} is not an integer")))
        })
        .transpose()
}

fn index_key(attributes: &Attributes, pk: &str, sk: &str) -> Option<IndexKey> {
    Some(IndexKey::new(string(attributes, pk)?, string(attributes, sk)?))
}

fn from_attributes(attributes: &Attributes) -> Result<Item, TableError> {
    let key = Key::new(
        string(attributes, PK).ok_or_else(|| TableError::Corrupt("item without pk".into()))?,
        string(attributes, SK).ok_or_else(|| TableError::Corrupt("item without sk".into()))?,
    );
    Ok(Item {
        key,
        gsi1: index_key(attributes, GSI1_PK, GSI1_SK),
        gsi2: index_key(attributes, GSI2_PK, GSI2_SK),
        expires_at: number(attributes, TTL)?,
        version: number(attributes, VERSION)?.unwrap_or(0) as u64,
        // Index queries project no `data`: the empty string, like the embedded twin.
        data: string(attributes, DATA).unwrap_or_default(),
        summary: string(attributes, SUMMARY),
    })
}

/// The condition expression for a write, with its expression attribute values.
fn condition_expression(condition: Condition) -> (Option<String>, Option<Attributes>) {
    match condition {
        Condition::Always => (None, None),
        Condition::NotExists => (Some(format!("attribute_not_exists({PK})")), None),
        Condition::Exists => (Some(format!("attribute_exists({PK})")), None),
        Condition::VersionIs(version) => (
            Some(format!("{VERSION} = :expected_version")),
            Some(HashMap::from([(":expected_version".into(), n(version))])),
        ),
    }
}

fn unavailable<E: std::error::Error + 'static, R>(operation: &str, error: &SdkError<E, R>) -> TableError
where
    SdkError<E, R>: std::error::Error + 'static,
{
    TableError::Unavailable(format!("DynamoDB {operation} failed: {}", describe(error)))
}

fn index_names(index: Index) -> Option<(&'static str, &'static str, &'static str)> {
    match index {
        Index::Table => None,
        Index::Gsi1 => Some((GSI1, GSI1_PK, GSI1_SK)),
        Index::Gsi2 => Some((GSI2, GSI2_PK, GSI2_SK)),
    }
}

/// How many times a transaction cancelled only by a concurrent transaction or
/// by throttling is sent before the race is reported as a conflict (or the
/// throttling as unavailable storage).
const TRANSACTION_ATTEMPTS: u32 = 3;

impl DynamoTable {
    fn transact_item(&self, write: Write) -> Result<TransactWriteItem, TableError> {
        let build_error = |e: aws_sdk_dynamodb::error::BuildError| TableError::Unavailable(e.to_string());
        let (expression, values) = condition_expression(write.condition());
        Ok(match write {
            Write::Put { item, .. } => TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table_name)
                        .set_item(Some(to_attributes(&item)))
                        .set_condition_expression(expression)
                        .set_expression_attribute_values(values)
                        .build()
                        .map_err(build_error)?,
                )
                .build(),
            Write::Delete { key, .. } => TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(&self.table_name)
                        .set_key(Some(key_attributes(&key)))
                        .set_condition_expression(expression)
                        .set_expression_attribute_values(values)
                        .build()
                        .map_err(build_error)?,
                )
                .build(),
            Write::Check { key, .. } => TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name(&self.table_name)
                        .set_key(Some(key_attributes(&key)))
                        // A check needs an expression; `Always` checks nothing.
                        .condition_expression(
                            expression
                                .unwrap_or_else(|| format!("attribute_exists({PK}) OR attribute_not_exists({PK})")),
                        )
                        .set_expression_attribute_values(values)
                        .build()
                        .map_err(build_error)?,
                )
                .build(),
        })
    }

    async fn single_write(&self, write: Write) -> Result<(), TableError> {
        let (expression, values) = condition_expression(write.condition());
        // A write that meets a transaction in flight on the same item lost a
        // race just as a failed condition does: the caller re-reads and decides.
        let conditional = |code: Option<&str>| {
            matches!(code, Some("ConditionalCheckFailedException") | Some("TransactionConflictException"))
        };
        match write {
            Write::Put { item, .. } => {
                let result = self
                    .client
                    .put_item()
                    .table_name(&self.table_name)
                    .set_item(Some(to_attributes(&item)))
                    .set_condition_expression(expression)
                    .set_expression_attribute_values(values)
                    .send()
                    .await;
                match result {
                    Ok(_) => Ok(()),
                    Err(e) if conditional(e.code()) => Err(TableError::ConditionFailed { failed: vec![0] }),
                    Err(e) => Err(unavailable("PutItem", &e)),
                }
            }
            Write::Delete { key, .. } => {
                let result = self
                    .client
                    .delete_item()
                    .table_name(&self.table_name)
                    .set_key(Some(key_attributes(&key)))
                    .set_condition_expression(expression)
                    .set_expression_attribute_values(values)
                    .send()
                    .await;
                match result {
                    Ok(_) => Ok(()),
                    Err(e) if conditional(e.code()) => Err(TableError::ConditionFailed { failed: vec![0] }),
                    Err(e) => Err(unavailable("DeleteItem", &e)),
                }
            }
            check @ Write::Check { .. } => self.transact_many(vec![check]).await,
        }
    }

    async fn transact_many(&self, writes: Vec<Write>) -> Result<(), TableError> {
        let items = writes.into_iter().map(|w| self.transact_item(w)).collect::<Result<Vec<_>, _>>()?;
        let mut attempt = 0;
        loop {
            let error = match self.client.transact_write_items().set_transact_items(Some(items.clone())).send().await {
                Ok(_) => return Ok(()),
                Err(error) => error,
            };
            let reasons: Vec<Option<String>> = match error.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => {
                    cancelled.cancellation_reasons().iter().map(|r| r.code().map(str::to_owned)).collect()
                }
                _ => return Err(unavailable("TransactWriteItems", &error)),
            };
            let positions = |code: &str| -> Vec<usize> {
                reasons.iter().enumerate().filter(|(_, r)| r.as_deref() == Some(code)).map(|(i, _)| i).collect()
            };
            let failed = positions("ConditionalCheckFailed");
            if !failed.is_empty() {
                return Err(TableError::ConditionFailed { failed });
            }
            // Another transaction held one of the items: nothing was written,
            // so trying again is safe; if the race persists, the caller gets a
            // conflict (it re-reads and shows what won), never a 500.
            let contended = positions("TransactionConflict");
            // An item's partition was out of capacity. The SDK retries a
            // throttled call, but not a cancellation that names throttling as
            // its reason, so this does; if it persists, storage is unavailable.
            let throttled =
                !positions("ThrottlingError").is_empty() || !positions("ProvisionedThroughputExceeded").is_empty();
            if contended.is_empty() && !throttled {
                return Err(unavailable("TransactWriteItems", &error));
            }
            attempt += 1;
            if attempt >= TRANSACTION_ATTEMPTS {
                return Err(if throttled {
                    unavailable("TransactWriteItems", &error)
                } else {
                    TableError::ConditionFailed { failed: contended }
                });
            }
            let pause_ms = if throttled { 200 } else { 25 };
            tokio::time::sleep(std::time::Duration::from_millis(pause_ms * attempt as u64)).await;
        }
    }
}

#[async_trait]
impl Table for DynamoTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(key_attributes(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", &e))?;
        output.item().map(from_attributes).transpose()
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        match writes.len() {
            0 => Ok(()),
            // One conditional write costs half a transaction and fails the same way.
            1 => self.single_write(writes.into_iter().next().expect("one write")).await,
            _ => self.transact_many(writes).await,
        }
    }

    async fn query(&self, query: &Query) -> Result<QueryPage, TableError> {
        let (index_name, pk_name, sk_name) = match index_names(query.index) {
            Some((index, pk, sk)) => (Some(index), pk, sk),
            None => (None, PK, SK),
        };
        let mut names = HashMap::from([("#pk".to_string(), pk_name.to_string())]);
        let mut values = HashMap::from([(":pk".to_string(), s(&query.pk))]);
        let mut expression = "#pk = :pk".to_string();
        let sort = match &query.sort {
            SortCondition::Any => None,
            SortCondition::BeginsWith(v) => Some(("begins_with(#sk, :sk)", v)),
            SortCondition::Below(v) => Some(("#sk < :sk", v)),
            SortCondition::AtLeast(v) => Some(("#sk >= :sk", v)),
        };
        if let Some((clause, value)) = sort {
            names.insert("#sk".into(), sk_name.into());
            values.insert(":sk".into(), s(value));
            expression.push_str(" AND ");
            expression.push_str(clause);
        }
        let start = match &query.cursor {
            None => None,
            Some(text) => {
                let cursor = Cursor::decode_for(text, query)?;
                let mut key = key_attributes(&cursor.key);
                if let Some((_, pk, sk)) = index_names(query.index) {
                    let position = cursor.index.ok_or(TableError::InvalidCursor)?;
                    key.insert(pk.into(), s(&position.pk));
                    key.insert(sk.into(), s(&position.sk));
                }
                Some(key)
            }
        };
        let output = self
            .client
            .query()
            .table_name(&self.table_name)
            .set_index_name(index_name.map(str::to_string))
            .key_condition_expression(expression)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .scan_index_forward(!query.descending)
            .limit(query.limit.clamp(1, 1000) as i32)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| unavailable("Query", &e))?;
        let items = output.items().iter().map(from_attributes).collect::<Result<Vec<_>, _>>()?;
        let next = match output.last_evaluated_key() {
            None => None,
            Some(last) => {
                let key = Key::new(
                    string(last, PK).ok_or_else(|| TableError::Corrupt("cursor without pk".into()))?,
                    string(last, SK).ok_or_else(|| TableError::Corrupt("cursor without sk".into()))?,
                );
                let index = index_names(query.index).and_then(|(_, pk, sk)| index_key(last, pk, sk));
                Some(Cursor { key, index }.encode())
            }
        };
        Ok(QueryPage { items, next })
    }

    async fn increment(&self, key: &Key, expires_at: i64) -> Result<u64, TableError> {
        let output = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .set_key(Some(key_attributes(key)))
            .update_expression(format!("ADD {VERSION} :one SET {TTL} = :expires, #data = if_not_exists(#data, :empty)"))
            .expression_attribute_names("#data", DATA)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":expires", n(expires_at))
            .expression_attribute_values(":empty", s(""))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| unavailable("UpdateItem", &e))?;
        let attributes = output.attributes().cloned().unwrap_or_default();
        number(&attributes, VERSION)?
            .map(|count| count as u64)
            .ok_or_else(|| TableError::Corrupt("counter without a count".into()))
    }
}
