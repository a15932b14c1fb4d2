//! What the benchmarks read of their own process (Linux): resident memory from
//! `/proc/self/status`.

/// A `kB` field of `/proc/self/status` (`VmRSS`, resident memory now; `VmHWM`, its peak), in
/// KiB; `None` where the file or the field is missing.
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Starts a new peak (`VmHWM`) from the current resident memory (writes `5` to
/// `/proc/self/clear_refs`; where that is refused, the peak stays the process's).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_memory_is_read_and_unknown_fields_are_none() {
        if !std::path::Path::new("/proc/self/status").exists() {
            #[expect(clippy::print_stderr, reason = "the skip reason is the test's output")]
            {
                eprintln!("skipped: no /proc/self/status on this system");
            }
            return;
        }
        let rss = status_kib("VmRSS").expect("VmRSS");
        assert!(rss > 0);
        assert!(status_kib("VmHWM").expect("VmHWM") >= rss / 2);
        assert_eq!(status_kib("VmNothing"), None);
        // A field name that is a prefix of another does not match it.
        assert_eq!(status_kib("VmRS"), None);
    }
}
