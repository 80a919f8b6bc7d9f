//! End-to-end tests: the local server on loopback, driven over HTTP.

mod abuse;
mod actions;
mod admin;
mod api;
mod catalog;
mod dashboard;
mod documents;
mod faults;
mod isolation;
mod lambda;
mod links;
mod login;
mod outbox;
mod payments;
mod pdf;
mod races;
mod routes;
mod security;
mod staff;
