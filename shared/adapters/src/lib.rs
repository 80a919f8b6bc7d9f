//! Adapters: the implementations of the domain's ports.
//!
//! Storage goes through one [`table::Table`] port shaped like a DynamoDB single
//! table (items with a partition and sort key, two overloaded indexes,
//! conditional writes, transactions). [`repository::TableStore`] maps every
//! domain entity onto it once, with key formats from [`keys`]; each backend
//! only has to implement the table. The embedded twin is [`file_table::FileTable`].

pub mod blob;
#[cfg(feature = "testkit")]
pub mod contract;
pub mod file_table;
pub mod keys;
pub mod mail;
pub mod repository;
pub mod system;
pub mod table;

pub use repository::TableStore;
