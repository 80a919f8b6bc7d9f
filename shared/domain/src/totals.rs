//! Document totals, computed from the lines — never stored by hand.
//!
//! # Rounding rules
//!
//! 1. **Line base** = quantity × unit price × (1 − discount), rounded once to the
//!    cent, half away from zero. Quantities carry up to three decimals and
//!    discounts two (basis points), so the product is exact before rounding.
//! 2. **Taxes are computed per rate on the summed bases** ("por base imponible",
//!    as Spanish invoices show them): for each IVA rate, IVA = round(Σ bases ×
//!    rate) and recargo = round(Σ bases × recargo rate); for each IRPF rate,
//!    IRPF = round(Σ bases × rate). Rounding per rate, not per line, means the
//!    breakdown printed on the invoice multiplies out exactly.
//! 3. **Total** = Σ bases + Σ IVA + Σ recargo − Σ IRPF. No further rounding.
//!
//! Worked examples are the unit tests at the bottom of this file.

use crate::money::{Currency, Money, div_round_half_away};
use crate::tax::{IrpfRate, VatRate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A quantity with up to three decimals, held in thousandths. May be negative
/// (a returned item on a credit note), bounded to ±1 000 000 000 units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Quantity(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("the quantity «{0}» is not a number with up to three decimals")]
    Malformed(String),
    #[error("the quantity is out of range")]
    OutOfRange,
}

impl Quantity {
    pub const SCALE: i64 = 1000;
    const MAX_THOUSANDTHS: i64 = 1_000_000_000 * Self::SCALE;

    pub fn from_thousandths(thousandths: i64) -> Result<Self, QuantityError> {
        if thousandths.abs() > Self::MAX_THOUSANDTHS {
            return Err(QuantityError::OutOfRange);
        }
        Ok(Quantity(thousandths))
    }

    pub fn units(units: i64) -> Self {
        Quantity(units * Self::SCALE)
    }

    /// Parses `2`, `2.5`, `2,5` or `-0,125`.
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        let malformed = || QuantityError::Malformed(text.to_string());
        let trimmed = text.trim();
        let (negative, digits) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let (whole, fraction) = match digits.split_once(['.', ',']) {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty()
            || whole.len() > 10
            || fraction.len() > 3
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(malformed());
        }
        let whole: i64 = whole.parse().map_err(|_| malformed())?;
        let fraction_value: i64 =
            if fraction.is_empty() { 0 } else { format!("{fraction:0<3}").parse().map_err(|_| malformed())? };
        let value = whole * Self::SCALE + fraction_value;
        Self::from_thousandths(if negative { -value } else { value })
    }

    pub fn thousandths(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for Quantity {
    type Error = QuantityError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Quantity::from_thousandths(value)
    }
}

impl From<Quantity> for i64 {
    fn from(value: Quantity) -> Self {
        value.0
    }
}

/// A line discount in basis points, 0..=10 000 (0 % to 100 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Discount(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a discount must be between 0 % and 100 %")]
pub struct DiscountOutOfRange;

impl Discount {
    pub const NONE: Discount = Discount(0);

    pub fn basis_points(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Discount {
    type Error = DiscountOutOfRange;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        if value <= 10_000 { Ok(Discount(value)) } else { Err(DiscountOutOfRange) }
    }
}

impl From<Discount> for u32 {
    fn from(value: Discount) -> Self {
        value.0
    }
}

/// What one line contributes: the inputs the totals need.
#[derive(Debug, Clone, Copy)]
pub struct LineAmounts {
    pub quantity: Quantity,
    pub unit_price_minor: i64,
    pub discount: Discount,
    pub vat: VatRate,
    pub irpf: Option<IrpfRate>,
}

impl LineAmounts {
    /// Rule 1: the line's taxable base in minor units.
    pub fn base_minor(&self) -> i64 {
        let gross = i128::from(self.quantity.thousandths()) * i128::from(self.unit_price_minor);
        let kept = i128::from(10_000 - self.discount.basis_points());
        let base = div_round_half_away(gross * kept, i128::from(Quantity::SCALE) * 10_000);
        i64::try_from(base).unwrap_or(if base > 0 { i64::MAX } else { i64::MIN })
    }
}

/// One row of the IVA breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VatRow {
    pub rate: VatRate,
    pub base: i64,
    pub vat: i64,
    /// Recargo de equivalencia (0 when the document does not carry it).
    pub recargo: i64,
}

/// One row of the IRPF breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IrpfRow {
    pub rate: IrpfRate,
    pub base: i64,
    pub withheld: i64,
}

/// The computed totals of a document, in minor units of `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub currency: Currency,
    pub vat_rows: Vec<VatRow>,
    pub irpf_rows: Vec<IrpfRow>,
    pub base: i64,
    pub vat: i64,
    pub recargo: i64,
    pub irpf: i64,
    pub total: i64,
}

impl Totals {
    /// Computes totals with the rules in this module's documentation. Rows are
    /// ordered from the highest rate down, as printed on Spanish invoices.
    pub fn compute(currency: Currency, lines: impl IntoIterator<Item = LineAmounts>, recargo: bool) -> Totals {
        let mut by_vat: BTreeMap<VatRate, i64> = BTreeMap::new();
        let mut by_irpf: BTreeMap<IrpfRate, i64> = BTreeMap::new();
        for line in lines {
            let base = line.base_minor();
            *by_vat.entry(line.vat).or_default() += base;
            if let Some(rate) = line.irpf {
                *by_irpf.entry(rate).or_default() += base;
            }
        }
        let apply = |base: i64, basis_points: u32| -> i64 {
            div_round_half_away(i128::from(base) * i128::from(basis_points), 10_000) as i64
        };
        let vat_rows: Vec<VatRow> = by_vat
            .into_iter()
            .rev()
            .map(|(rate, base)| VatRow {
                rate,
                base,
                vat: apply(base, rate.basis_points()),
                recargo: if recargo { apply(base, rate.recargo_basis_points()) } else { 0 },
            })
            .collect();
        let irpf_rows: Vec<IrpfRow> = by_irpf
            .into_iter()
            .rev()
            .map(|(rate, base)| IrpfRow { rate, base, withheld: apply(base, rate.basis_points()) })
            .collect();
        let base = vat_rows.iter().map(|r| r.base).sum();
        let vat = vat_rows.iter().map(|r| r.vat).sum();
        let recargo_total = vat_rows.iter().map(|r| r.recargo).sum();
        let irpf = irpf_rows.iter().map(|r| r.withheld).sum();
        Totals {
            currency,
            vat_rows,
            irpf_rows,
            base,
            vat,
            recargo: recargo_total,
            irpf,
            total: base + vat + recargo_total - irpf,
        }
    }

    pub fn total_money(&self) -> Money {
        Money::new(self.total, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(
        quantity: &str,
        unit_price_minor: i64,
        discount_bp: u32,
        vat: VatRate,
        irpf: Option<IrpfRate>,
    ) -> LineAmounts {
        LineAmounts {
            quantity: Quantity::parse(quantity).unwrap(),
            unit_price_minor,
            discount: Discount::try_from(discount_bp).unwrap(),
            vat,
            irpf,
        }
    }

    #[test]
    fn worked_example_single_rate() {
        // 3 × 33,33 € = 99,99 €; IVA 21 % = 20,9979 → 21,00 €; total 120,99 €.
        let t = Totals::compute(Currency::EUR, [line("3", 3333, 0, VatRate::General21, None)], false);
        assert_eq!((t.base, t.vat, t.total), (9999, 2100, 12099));
    }

    #[test]
    fn worked_example_tax_is_rounded_per_rate_not_per_line() {
        // Two lines of 0,07 € at 21 %: per line IVA would be 0,0147 → 0,01 twice = 0,02;
        // on the summed base 0,14 € × 21 % = 0,0294 → 0,03 €, which is what we print.
        let lines = [line("1", 7, 0, VatRate::General21, None), line("1", 7, 0, VatRate::General21, None)];
        let t = Totals::compute(Currency::EUR, lines, false);
        assert_eq!((t.base, t.vat, t.total), (14, 3, 17));
    }

    #[test]
    fn worked_example_decimal_quantity_and_discount() {
        // 2,5 h × 10,00 € − 10 % = 22,50 €; 1,333 kg × 2,99 € = 3,98567 → 3,99 €.
        let a = line("2,5", 1000, 1000, VatRate::Reduced10, None);
        let b = line("1.333", 299, 0, VatRate::Reduced10, None);
        assert_eq!(a.base_minor(), 2250);
        assert_eq!(b.base_minor(), 399);
        let t = Totals::compute(Currency::EUR, [a, b], false);
        // IVA 10 % of 26,49 = 2,649 → 2,65.
        assert_eq!((t.base, t.vat, t.total), (2649, 265, 2914));
    }

    #[test]
    fn worked_example_mixed_rates_recargo_and_irpf() {
        // 1 000,00 € of services at 21 % with 15 % IRPF, plus 200,00 € of books at 4 %,
        // to a retailer in recargo de equivalencia.
        let lines = [
            line("1", 100_000, 0, VatRate::General21, Some(IrpfRate::PROFESSIONAL)),
            line("4", 5_000, 0, VatRate::SuperReduced4, None),
        ];
        let t = Totals::compute(Currency::EUR, lines, true);
        assert_eq!(
            t.vat_rows,
            vec![
                VatRow { rate: VatRate::General21, base: 100_000, vat: 21_000, recargo: 5_200 },
                VatRow { rate: VatRate::SuperReduced4, base: 20_000, vat: 800, recargo: 100 },
            ]
        );
        assert_eq!(t.irpf_rows, vec![IrpfRow { rate: IrpfRate::PROFESSIONAL, base: 100_000, withheld: 15_000 }]);
        // 1 200,00 + 218,00 + 53,00 − 150,00 = 1 321,00 €.
        assert_eq!((t.base, t.vat, t.recargo, t.irpf, t.total), (120_000, 21_800, 5_300, 15_000, 132_100));
    }

    #[test]
    fn worked_example_half_cent_rounds_away_from_zero() {
        // 0,5 × 0,05 € = 0,025 € → 0,03 €; negated (a credit) → −0,03 €.
        assert_eq!(line("0,5", 5, 0, VatRate::Zero, None).base_minor(), 3);
        assert_eq!(line("-0,5", 5, 0, VatRate::Zero, None).base_minor(), -3);
    }

    #[test]
    fn credit_note_lines_are_negative() {
        let t = Totals::compute(Currency::EUR, [line("-2", 1000, 0, VatRate::General21, None)], false);
        assert_eq!((t.base, t.vat, t.total), (-2000, -420, -2420));
    }

    #[test]
    fn no_lines_no_totals() {
        let t = Totals::compute(Currency::EUR, [], true);
        assert_eq!(t.total, 0);
        assert!(t.vat_rows.is_empty());
    }

    #[test]
    fn quantities_parse_strictly() {
        assert_eq!(Quantity::parse("2,5").unwrap().thousandths(), 2500);
        assert_eq!(Quantity::parse("-0.125").unwrap().thousandths(), -125);
        assert_eq!(Quantity::parse("7").unwrap().thousandths(), 7000);
        for bad in ["", "1.2345", "abc", "1,2,3", "--1", "1e3", ".5", "99999999999"] {
            assert!(Quantity::parse(bad).is_err(), "{bad}");
        }
        assert!(Discount::try_from(10_001).is_err());
    }
}
