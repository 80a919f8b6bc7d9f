//! The AWS adapters against a real emulator (moto on loopback, started by
//! `infra/scripts/with-emulator.sh`), and the same behaviour suites on the
//! embedded twins, so both backends are held to one contract.

mod blobs;
mod faults;
mod mail;
mod table;
