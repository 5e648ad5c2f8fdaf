//! Tests of the format checks.

use chrono::NaiveDate;

use super::iin::check_digit;
use super::names::{norm_name_unicode, simple_lowercase};
use super::*;

#[test]
fn simple_lowercase_agrees_with_unicode_lowercase() {
    for c in ('\0'..='\u{04FF}').chain(['\u{1E9E}', 'Ω', 'İ']) {
        if let Some(l) = simple_lowercase(c) {
            assert_eq!(c.to_lowercase().collect::<String>(), l.to_string(), "{c:?}");
        }
    }
    assert_eq!(simple_lowercase('Ё'), None, "Ё is outside А–Я: the general path");
    assert_eq!(norm_name_unicode("ВЕЛАГЛЮЦЕРАЗА Ёлка İ"), norm_name_unicode("велаглюцераза ёлка i̇"));
}

#[test]
fn cached_names_normalise_like_uncached() {
    for name in ["Велаглюцераза  альфа", "ИМИГЛЮЦЕРАЗА", "Vеlaglucеrasе—alfa", "и\u{0306}од"] {
        let first = norm_name(name);
        assert_eq!(norm_name(name), first, "{name}");
        assert_eq!(norm_name_unicode(name), first, "{name}");
    }
}

#[test]
fn ascii_names_normalise_like_any_other() {
    assert_eq!(norm_name("  VELAGLUCERASE--Alfa\t"), "velaglucerase alfa");
    assert_eq!(norm_name("a\u{0B}b - c"), "a b c");
    assert_eq!(norm_name("078/E"), norm_name("078/\u{0435}"));
    assert_eq!(norm_name(""), "");
}

/// Appends the check digit to 11 digits, or `None` if no check digit exists.
fn with_check_digit(first11: &str) -> Option<String> {
    let digits: Vec<u32> = first11
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if digits.len() != 11 {
        return None;
    }
    let c = check_digit(&digits)?;
    Some(format!("{first11}{c}"))
}

/// Every digit but `c` as the 12th digit of `first11`.
fn wrong_check_digits(first11: &str, right: char) -> Vec<String> {
    ('0'..='9')
        .filter(|&d| d != right)
        .map(|d| format!("{first11}{d}"))
        .collect()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}

/// Fixed valid IINs (computed independently) with their birth dates.
const KNOWN_VALID_IINS: [(&str, (i32, u32, u32)); 9] = [
    ("850515300125", (1985, 5, 15)),
    ("900101400102", (1990, 1, 1)),
    ("000229601230", (2000, 2, 29)),
    ("011231507774", (2001, 12, 31)),
    ("751203400563", (1975, 12, 3)),
    ("991231300457", (1999, 12, 31)),
    ("050201500094", (2005, 2, 1)),
    ("210316100019", (1821, 3, 16)),
    ("850115300205", (1985, 1, 15)), // first remainder 10: check digit from w2
];

const KNOWN_VALID_BINS: [&str; 4] = [
    "050140001238",
    "120840015675",
    "991260000459",
    "200341000126",
];

// --- IIN ---

#[test]
fn known_valid_iins_are_valid_and_give_their_birth_dates() {
    for (iin, (y, m, d)) in KNOWN_VALID_IINS {
        assert!(iin_valid(iin), "{iin}");
        assert_eq!(iin_birth_date(iin), Some(ymd(y, m, d)), "{iin}");
    }
}

#[test]
fn generated_iins_with_computed_check_digit_are_valid() {
    let mut checked = 0;
    for (date, century) in [
        ("850515", 3),
        ("930709", 4),
        ("120101", 5),
        ("240229", 6),
        ("991231", 1),
        ("000101", 2),
    ] {
        for serial in 0..200 {
            let first11 = format!("{date}{century}{serial:04}");
            if let Some(iin) = with_check_digit(&first11) {
                assert!(iin_valid(&iin), "{iin}");
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);
}

#[test]
fn iin_with_wrong_check_digit_is_invalid() {
    for (iin, _) in KNOWN_VALID_IINS {
        let (first11, right) = iin.split_at(11);
        let right = right.chars().next().expect("12th digit");
        for wrong in wrong_check_digits(first11, right) {
            assert!(!iin_valid(&wrong), "{wrong}");
        }
    }
}

#[test]
fn iin_with_first_remainder_ten_uses_second_weights() {
    // 85011530020: Σ d·w1 mod 11 = 10, Σ d·w2 mod 11 = 5.
    assert_eq!(
        with_check_digit("85011530020").as_deref(),
        Some("850115300205")
    );
    assert!(iin_valid("850115300205"));
    // The digit a naive "10 → 0" rule would give is wrong.
    assert!(!iin_valid("850115300200"));
}

#[test]
fn iin_with_second_remainder_ten_is_invalid() {
    // Both passes give 10 for these 11 digits, so no 12th digit makes them valid.
    for first11 in ["82121424009", "85011530028"] {
        assert_eq!(with_check_digit(first11), None);
        for d in '0'..='9' {
            assert!(!iin_valid(&format!("{first11}{d}")), "{first11}{d}");
        }
    }
}

#[test]
fn reference_vector_821214240092_is_invalid() {
    assert!(!iin_valid("821214240092"));
}

#[test]
fn iin_with_unassigned_century_digit_is_invalid() {
    for century in ['0', '7', '8', '9'] {
        let first11 = format!("850515{century}0012");
        if let Some(iin) = with_check_digit(&first11) {
            assert!(!iin_valid(&iin), "{iin}");
            assert_eq!(iin_birth_date(&iin), None, "{iin}");
        }
    }
}

#[test]
fn iin_with_impossible_date_is_invalid() {
    // 29 Feb 1900 does not exist (1900 is not a leap year); 29 Feb 2000 does.
    let leap_1900 = with_check_digit("00022940123").expect("check digit");
    assert!(!iin_valid(&leap_1900));
    assert!(iin_valid("000229601230"));
    for date in ["851315", "850001", "850500", "850532", "850431", "010229"] {
        for century in 1..=6 {
            if let Some(iin) = with_check_digit(&format!("{date}{century}0012")) {
                assert!(!iin_valid(&iin), "{iin}");
                assert_eq!(iin_birth_date(&iin), None, "{iin}");
            }
        }
    }
}

#[test]
fn iin_must_be_exactly_twelve_ascii_digits() {
    for s in [
        "",
        "85051530012",
        "8505153001250",
        " 850515300125",
        "850515300125 ",
        "850515 300125",
        "85051530012a",
        "８５０５１５３００１２５",
        "85051530012٥",
        "+85051530012",
        "850515-300125",
    ] {
        assert!(!iin_valid(s), "{s:?}");
        assert_eq!(iin_birth_date(s), None, "{s:?}");
    }
}

#[test]
fn iin_birth_date_ignores_the_check_digit() {
    assert_eq!(iin_birth_date("850515300120"), Some(ymd(1985, 5, 15)));
    assert!(!iin_valid("850515300120"));
}

#[test]
fn iin_birth_date_uses_the_century_digit() {
    assert_eq!(iin_birth_date("120101100000"), Some(ymd(1812, 1, 1)));
    assert_eq!(iin_birth_date("120101200000"), Some(ymd(1812, 1, 1)));
    assert_eq!(iin_birth_date("120101300000"), Some(ymd(1912, 1, 1)));
    assert_eq!(iin_birth_date("120101400000"), Some(ymd(1912, 1, 1)));
    assert_eq!(iin_birth_date("120101500000"), Some(ymd(2012, 1, 1)));
    assert_eq!(iin_birth_date("120101600000"), Some(ymd(2012, 1, 1)));
}

// --- BIN ---

#[test]
fn known_valid_bins_are_valid() {
    for bin in KNOWN_VALID_BINS {
        assert!(bin_valid(bin), "{bin}");
    }
}

#[test]
fn bin_with_wrong_check_digit_is_invalid() {
    for bin in KNOWN_VALID_BINS {
        let (first11, right) = bin.split_at(11);
        let right = right.chars().next().expect("12th digit");
        for wrong in wrong_check_digits(first11, right) {
            assert!(!bin_valid(&wrong), "{wrong}");
        }
    }
}

#[test]
fn bin_entity_type_must_be_four_to_six_and_attribute_zero_to_three() {
    for kind in 0..=9 {
        for attribute in 0..=9 {
            let first11 = format!("0501{kind}{attribute}00012");
            let Some(bin) = with_check_digit(&first11) else {
                continue;
            };
            let expected = (4..=6).contains(&kind) && attribute <= 3;
            assert_eq!(bin_valid(&bin), expected, "{bin}");
        }
    }
}

#[test]
fn bin_registration_month_must_be_one_to_twelve() {
    for month in 0..=99 {
        let Some(bin) = with_check_digit(&format!("05{month:02}4000012")) else {
            continue;
        };
        assert_eq!(bin_valid(&bin), (1..=12).contains(&month), "{bin}");
    }
}

#[test]
fn bin_must_be_exactly_twelve_ascii_digits() {
    for s in [
        "",
        "05014000123",
        "0501400012380",
        "05014000123 8",
        "O50140001238",
        "０５０１４０００１２３８",
    ] {
        assert!(!bin_valid(s), "{s:?}");
    }
}

#[test]
fn individual_iin_is_not_a_bin() {
    // Digit 5 of an IIN is a day digit, never an entity type for these dates.
    assert!(!bin_valid("850515300125"));
}

// --- ICD-10 shape ---

#[test]
fn icd10_accepts_category_and_one_or_two_subcategory_digits() {
    for s in [
        "E84", "E75.2", "G12.1", "E84.0", "D59.5", "C91.00", "e75.2", "z99", "A00.9",
    ] {
        assert!(icd10_valid(s), "{s}");
    }
}

#[test]
fn icd10_rejects_malformed_codes() {
    for s in [
        "", "E", "E7", "75.2", "E75.", "E75.2.1", "E752", "E75.123", "E75,2", " E84", "E84 ",
        "E75.X", "G63.3*", "G63.3†", "EE75", "E7.5", "E 75", "1E75", ".", "E75-E76",
    ] {
        assert!(!icd10_valid(s), "{s:?}");
    }
}

#[test]
fn icd10_rejects_cyrillic_lookalike_letters() {
    // Cyrillic Е (U+0415), С (U+0421) and lowercase е.
    for s in ["Е84", "С91.0", "е75.2"] {
        assert!(!icd10_valid(s), "{s:?}");
    }
}

// --- ICD-10 ranges ---

#[test]
fn icd10_single_code_covers_itself_and_its_children() {
    assert!(icd10_in("E84", "E84"));
    assert!(icd10_in("E84.0", "E84"));
    assert!(icd10_in("E84.11", "E84"));
    assert!(icd10_in("E76.1", "E76.1"));
    assert!(icd10_in("E76.10", "E76.1"));
    assert!(!icd10_in("E76", "E76.1"));
    assert!(!icd10_in("E76.2", "E76.1"));
    assert!(!icd10_in("E85", "E84"));
    assert!(!icd10_in("F84", "E84"));
}

#[test]
fn icd10_range_is_inclusive_of_both_bounds() {
    assert!(icd10_in("E76.0", "E76.0-E76.2"));
    assert!(icd10_in("E76.1", "E76.0-E76.2"));
    assert!(icd10_in("E76.2", "E76.0-E76.2"));
    assert!(icd10_in("G12.0", "G12.0-G12.1"));
    assert!(icd10_in("G12.1", "G12.0-G12.1"));
    assert!(!icd10_in("G12.2", "G12.0-G12.1"));
    assert!(!icd10_in("E76.3", "E76.0-E76.2"));
}

#[test]
fn icd10_range_covers_children_of_upper_bound() {
    assert!(icd10_in("E76.21", "E76.0-E76.2"));
    assert!(icd10_in("E77.9", "E75-E77"));
    assert!(icd10_in("E77.99", "E75-E77"));
    assert!(!icd10_in("E78", "E75-E77"));
    assert!(!icd10_in("E74.9", "E75-E77"));
}

#[test]
fn icd10_range_covers_children_of_lower_bound() {
    assert!(icd10_in("E76.01", "E76.0-E76.2"));
    assert!(icd10_in("E75.2", "E75-E77"));
}

#[test]
fn icd10_category_is_not_inside_a_range_of_its_subcategories() {
    assert!(!icd10_in("E76", "E76.0-E76.2"));
    assert!(!icd10_in("G12", "G12.0-G12.1"));
}

#[test]
fn icd10_range_spans_chapters_in_code_order() {
    assert!(icd10_in("F10", "E75-G12"));
    assert!(icd10_in("G12.9", "E75-G12"));
    assert!(!icd10_in("G13", "E75-G12"));
    assert!(!icd10_in("D99", "E75-G12"));
}

#[test]
fn icd10_range_with_from_after_to_is_empty() {
    assert!(!icd10_in("E76", "E77-E75"));
    assert!(!icd10_in("E76.1", "E76.2-E76.0"));
}

#[test]
fn icd10_in_is_case_insensitive_and_tolerates_spaces_around_dash() {
    assert!(icd10_in("e76.1", "E76.0-E76.2"));
    assert!(icd10_in("E76.1", "e76.0 - e76.2"));
    assert!(icd10_in("E76.1", "  E76.0 -E76.2 "));
    assert!(icd10_in("E76.1", "E76.0 – E76.2")); // en dash
    assert!(icd10_in("e84.1", " e84 "));
    assert!(icd10_in("E84.1", "\u{a0}E84\u{2003}")); // Unicode spaces
    assert!(icd10_in("E76.1", "E76.0\u{a0}–\u{a0}E76.2"));
}

#[test]
fn icd10_in_with_invalid_code_or_range_is_false() {
    assert!(!icd10_in("E7", "E75-E77"));
    assert!(!icd10_in(" E76.1", "E75-E77"));
    assert!(!icd10_in("Е76.1", "E75-E77")); // Cyrillic Е
    assert!(!icd10_in("E76.1", ""));
    assert!(!icd10_in("E76.1", "-"));
    assert!(!icd10_in("E76.1", "E75-"));
    assert!(!icd10_in("E76.1", "-E77"));
    assert!(!icd10_in("E76.1", "E75-E76-E77"));
    assert!(!icd10_in("E76.1", "E75–E76-E77"));
    assert!(!icd10_in("E76.1", "E75-E76–E77"));
    assert!(!icd10_in("E76.1", "E75.-E77"));
    assert!(!icd10_in("E76.1", "E75..E77"));
    assert!(!icd10_in("E76.1", "E75,E76"));
}

// --- names ---

#[test]
fn name_comparison_ignores_case_and_surrounding_space() {
    assert_eq!(norm_name("  IMIGLUCERASE "), norm_name("imiglucerase"));
    assert_eq!(norm_name("ИМИГЛЮЦЕРАЗА"), norm_name("имиглюцераза"));
    assert_eq!(norm_name("  Imiglucerase\t"), "imiglucerase");
}

#[test]
fn whitespace_runs_collapse_to_one_space() {
    assert_eq!(norm_name("velaglucerase \t\n  alfa"), "velaglucerase alfa");
    assert_eq!(norm_name("velaglucerase\u{00A0}alfa"), "velaglucerase alfa");
    assert_eq!(norm_name("   "), "");
    assert_eq!(norm_name(""), "");
}

#[test]
fn hyphens_and_dashes_compare_as_spaces() {
    let plain = norm_name("Интерферон альфа 2b");
    for s in [
        "Интерферон альфа-2b",
        "Интерферон альфа‐2b",
        "Интерферон альфа – 2b",
        "Интерферон альфа−2b",
    ] {
        assert_eq!(norm_name(s), plain, "{s}");
    }
    assert_eq!(norm_name("-C1-esterase-"), "c1 esterase");
}

#[test]
fn cyrillic_lookalike_letters_match_latin() {
    // "Алглюкозидаза" with Latin A, a, o.
    assert_eq!(norm_name("Aлглюкoзидaзa"), norm_name("Алглюкозидаза"));
    // Every mapped letter, upper and lower case.
    assert_eq!(norm_name("АВЕЁКМНОРСТУХІЈЅҺԚԜ"), "abeekmhopctyxijshqw");
    assert_eq!(norm_name("авеёкмнорстухіјѕһԛԝ"), "abeekmhopctyxijshqw");
}

#[test]
fn atc_codes_with_cyrillic_homoglyphs_match_latin() {
    // Spellings found in the official ALO list (kz-facts.md §2).
    assert_eq!(norm_name("А16АВ16"), norm_name("A16AB16"));
    assert_eq!(norm_name("В02ВХ06"), norm_name("B02BX06"));
    assert_eq!(norm_name("М01СС01"), norm_name("M01CC01"));
    assert_eq!(norm_name("L04AС07"), norm_name("L04AC07"));
}

#[test]
fn yo_folds_to_ye_including_decomposed_forms() {
    assert_eq!(norm_name("Ёлка"), norm_name("елка"));
    assert_eq!(norm_name("е\u{0308}лка"), norm_name("ёлка"));
    assert_eq!(norm_name("и\u{0306}од"), norm_name("йод"));
}

#[test]
fn letters_without_a_latin_lookalike_are_kept() {
    assert_eq!(norm_name("илдгпфщ"), "илдгпфщ");
    assert_eq!(norm_name("ӘҒҚҢӨҰҮ"), "әғқңөұү");
    assert_ne!(norm_name("и"), norm_name("n"));
    assert_ne!(norm_name("ү"), norm_name("y"));
}

#[test]
fn invisible_characters_are_removed() {
    assert_eq!(
        norm_name("Ими\u{00AD}глю\u{200B}цераза\u{FEFF}"),
        norm_name("Имиглюцераза")
    );
}

#[test]
fn different_drugs_stay_different() {
    assert_ne!(norm_name("Агалзидаза альфа"), norm_name("Агалзидаза бета"));
    assert_ne!(norm_name("Eculizumab"), norm_name("Экулизумаб"));
}

#[test]
fn functions_never_panic_on_arbitrary_unicode() {
    let samples = [
        "",
        "\u{0}",
        "ё",
        "😀😀😀😀😀😀😀😀😀😀😀😀",
        "E😀5.2",
        "E7😀",
        "E75.😀",
        "E75.2😀",
        "-",
        "–",
        "——",
        "E75–",
        "é75",
        "\u{0306}\u{0308}",
        "ꙮꙮꙮ",
        "１２３４５６７８９０１２",
        "E75.2-😀",
        "😀-E75",
    ];
    for s in samples {
        let _ = (
            iin_valid(s),
            bin_valid(s),
            iin_birth_date(s),
            icd10_valid(s),
            norm_name(s),
        );
        for r in samples {
            let _ = icd10_in(s, r);
        }
    }
}
