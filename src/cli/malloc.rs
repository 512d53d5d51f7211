//! The allocator, chosen for decom's shape of work.
//!
//! decom's refresh is thousands of small SDK requests whose futures,
//! headers and JSON are allocated on one tokio worker and often freed on
//! another. glibc's malloc made that a quarter of decom's CPU at 10,000
//! resources: with one arena (its many arenas kept each one's high-water
//! mark resident, and the peak was their sum) every thread took the same
//! lock, and the futex wake-ups showed in the kernel's share. mimalloc's
//! per-thread heaps take no lock: the 10,000 plan's CPU fell by 40%
//! (docs/benchmarks.md, "The plan benchmark: what moved it").
//!
//! Two of mimalloc's defaults trade memory for speed where decom's peak
//! resident memory is a target (DESIGN section 15): transparent huge
//! pages (off at build time, the `no_thp` feature) and a one-second delay
//! before freed pages go back to the system (off here).

use libmimalloc_sys as mi;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (the Rust
/// bindings name only the older options); the test below checks it.
const PURGE_DELAY: mi::mi_option_t = 15;

/// Freed pages go back to the system at once, not a second later: the
/// refresh frees as much as it allocates, and with the delay its garbage
/// of the last second counted in the peak. Called first thing.
pub fn configure() {
    // SAFETY: sets a tunable of the allocator; takes no pointer.
    unsafe { mi::mi_option_set(PURGE_DELAY, 0) }
}

/// Gives the pages of memory just freed back to the system. After a large
/// transient structure (a saved plan's resources) is dropped, its pages
/// would otherwise stay committed and count in the next phase's peak.
pub fn give_back() {
    // SAFETY: mi_collect only frees and decommits memory the allocator
    // holds unused; it takes no pointer.
    unsafe { mi::mi_collect(true) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_with_its_default() {
        // mimalloc 3 documents purge_delay's default as 1000 ms, a value
        // no neighbouring option has: a renumbered enum fails here.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reads a tunable; takes no pointer.
            assert_eq!(unsafe { mi::mi_option_get(PURGE_DELAY) }, 1000);
        }
    }
}
