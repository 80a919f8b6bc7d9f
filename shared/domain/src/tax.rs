//! Spanish taxes: IVA (VAT), recargo de equivalencia and IRPF withholding.
//!
//! Rates are held in basis points (1 % = 100 bp) so no rate is ever a float.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The IVA rates of Spanish law: general 21 %, reduced 10 %, super-reduced 4 %,
/// and 0 % (exempt or not subject: exports, intra-EU, article 20 LIVA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub enum VatRate {
    Zero,
    SuperReduced4,
    Reduced10,
    General21,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxRateError {
    #[error("IVA must be 21, 10, 4 or 0 %")]
    UnknownVat,
    #[error("IRPF withholding must be between 0,01 % and 50 %")]
    IrpfOutOfRange,
}

impl VatRate {
    pub const ALL: [VatRate; 4] = [VatRate::General21, VatRate::Reduced10, VatRate::SuperReduced4, VatRate::Zero];

    pub fn basis_points(self) -> u32 {
        match self {
            VatRate::Zero => 0,
            VatRate::SuperReduced4 => 400,
            VatRate::Reduced10 => 1000,
            VatRate::General21 => 2100,
        }
    }

    /// The recargo de equivalencia that goes with this IVA rate (art. 161 LIVA):
    /// 5,2 % with 21 %, 1,4 % with 10 %, 0,5 % with 4 %, none with 0 %.
    pub fn recargo_basis_points(self) -> u32 {
        match self {
            VatRate::Zero => 0,
            VatRate::SuperReduced4 => 50,
            VatRate::Reduced10 => 140,
            VatRate::General21 => 520,
        }
    }

    pub fn from_percent(percent: u32) -> Result<Self, TaxRateError> {
        Self::try_from(percent * 100)
    }
}

impl TryFrom<u32> for VatRate {
    type Error = TaxRateError;
    fn try_from(basis_points: u32) -> Result<Self, Self::Error> {
        match basis_points {
            0 => Ok(VatRate::Zero),
            400 => Ok(VatRate::SuperReduced4),
            1000 => Ok(VatRate::Reduced10),
            2100 => Ok(VatRate::General21),
            _ => Err(TaxRateError::UnknownVat),
        }
    }
}

impl From<VatRate> for u32 {
    fn from(value: VatRate) -> Self {
        value.basis_points()
    }
}

/// An IRPF withholding rate (professionals 15 %, new professionals 7 %,
/// rentals 19 %, agricultural 1–2 %...), in basis points, 1..=5000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct IrpfRate(u32);

impl IrpfRate {
    pub const PROFESSIONAL: IrpfRate = IrpfRate(1500);
    pub const NEW_PROFESSIONAL: IrpfRate = IrpfRate(700);
    pub const RENTAL: IrpfRate = IrpfRate(1900);

    pub fn basis_points(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for IrpfRate {
    type Error = TaxRateError;
    fn try_from(basis_points: u32) -> Result<Self, Self::Error> {
        if (1..=5000).contains(&basis_points) { Ok(IrpfRate(basis_points)) } else { Err(TaxRateError::IrpfOutOfRange) }
    }
}

impl From<IrpfRate> for u32 {
    fn from(value: IrpfRate) -> Self {
        value.0
    }
}

/// Writes a rate in basis points as a percentage without trailing zeros: `5,2`, `21`.
pub fn format_percent(basis_points: u32, decimal_separator: char) -> String {
    let units = basis_points / 100;
    let fraction = basis_points % 100;
    if fraction == 0 {
        units.to_string()
    } else {
        let digits = format!("{fraction:02}");
        format!("{units}{decimal_separator}{}", digits.trim_end_matches('0'))
    }
}

impl fmt::Display for VatRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", format_percent(self.basis_points(), ','))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_spanish_vat_rates_parse() {
        assert_eq!(VatRate::from_percent(21), Ok(VatRate::General21));
        assert_eq!(VatRate::from_percent(10), Ok(VatRate::Reduced10));
        assert_eq!(VatRate::from_percent(4), Ok(VatRate::SuperReduced4));
        assert_eq!(VatRate::from_percent(0), Ok(VatRate::Zero));
        assert_eq!(VatRate::from_percent(16), Err(TaxRateError::UnknownVat));
    }

    #[test]
    fn recargo_follows_the_vat_rate() {
        assert_eq!(VatRate::General21.recargo_basis_points(), 520);
        assert_eq!(VatRate::Reduced10.recargo_basis_points(), 140);
        assert_eq!(VatRate::SuperReduced4.recargo_basis_points(), 50);
        assert_eq!(VatRate::Zero.recargo_basis_points(), 0);
    }

    #[test]
    fn irpf_is_bounded() {
        assert!(IrpfRate::try_from(0).is_err());
        assert!(IrpfRate::try_from(5001).is_err());
        assert_eq!(IrpfRate::try_from(1500), Ok(IrpfRate::PROFESSIONAL));
    }

    #[test]
    fn percents_print_without_trailing_zeros() {
        assert_eq!(format_percent(520, ','), "5,2");
        assert_eq!(format_percent(2100, ','), "21");
        assert_eq!(format_percent(50, '.'), "0.5");
    }
}
