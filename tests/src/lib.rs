//! Whole-bot scenarios: the real binary's wiring against the testkit fakes and a real
//! database. The scenarios live in `tests/tests/`.
