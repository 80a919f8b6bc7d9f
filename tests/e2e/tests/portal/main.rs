//! End-to-end tests: the local server on loopback, driven over HTTP.

mod dashboard;
mod documents;
mod links;
mod login;
mod pdf;
mod routes;
mod security;
