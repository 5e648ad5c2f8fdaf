//! Generic format checks used as built-in functions of the check language.
//! (Being written: IIN/BIN check digits, ICD-10 shape and ranges, name normalisation.)
use chrono::NaiveDate;

pub fn iin_valid(_s: &str) -> bool { todo!() }
pub fn bin_valid(_s: &str) -> bool { todo!() }
pub fn iin_birth_date(_s: &str) -> Option<NaiveDate> { todo!() }
pub fn icd10_valid(_s: &str) -> bool { todo!() }
pub fn icd10_in(_code: &str, _range: &str) -> bool { todo!() }
pub fn norm_name(_s: &str) -> String { todo!() }
