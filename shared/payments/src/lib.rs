//! Payment gateway adapters for the domain's [`portal_domain::payment`] port.
//! Only Stripe talks HTTP; a bank transfer needs no adapter (staff record it).

pub mod stripe;
