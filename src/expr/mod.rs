//! The check language: lexer, parser, type checker and evaluator. See docs/RULES.md §5.
//! (Being written.)
