//! The table contract on DynamoDB (emulated), on a table created from template.yaml.

use portal_adapters::contract::table_contract;
use portal_aws::DynamoTable;
use portal_e2e::{emulator_clients, template_path, unique_name};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread")]
async fn dynamodb_table_keeps_the_table_contract() {
    let clients = emulator_clients();
    let name = unique_name("contract");
    portal_aws::provision::create_table(&clients, &template_path(), &name).await.expect("create table from template");
    let table = Arc::new(DynamoTable::new(clients.dynamo.clone(), &name));
    table_contract(table.clone(), "first").await;
    // Twice on one non-empty table: nothing depends on a blank slate.
    table_contract(table, "second").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_template_table_has_the_indexes_and_ttl_the_code_uses() {
    let definition = portal_aws::provision::table_definition(&template_path()).unwrap();
    let indexes: Vec<&str> = definition["GlobalSecondaryIndexes"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|i| i["IndexName"].as_str())
        .collect();
    assert_eq!(indexes, vec![portal_aws::dynamo::GSI1, portal_aws::dynamo::GSI2]);
    assert_eq!(definition["TimeToLiveSpecification"]["AttributeName"].as_str(), Some(portal_aws::dynamo::TTL));
    let clients = emulator_clients();
    let name = unique_name("ttl");
    portal_aws::provision::create_table(&clients, &template_path(), &name).await.unwrap();
    let ttl = clients.dynamo.describe_time_to_live().table_name(&name).send().await.unwrap();
    assert_eq!(ttl.time_to_live_description().and_then(|d| d.attribute_name()), Some(portal_aws::dynamo::TTL));
}
