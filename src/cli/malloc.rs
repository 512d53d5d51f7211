//! The C allocator's settings for decom's shape of work.
//!
//! glibc gives threads their own heaps (arenas, up to eight per core), and
//! memory freed in one arena is only reused by threads of that arena.
//! decom allocates on several threads in turn: the manifest loader's
//! workers, then tokio's workers for the refresh and the deletions. At
//! 10,000 resources each arena kept its own high-water mark and the peak
//! resident memory was their sum (docs/benchmarks.md, "Memory at 10,000").
//! Allocation is a small share of decom's work next to its requests, so
//! one shared arena costs little.

/// One malloc arena for the whole process. Called first thing, before any
/// other thread exists.
pub fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the allocator; nothing else
    // runs yet. If glibc refuses, its default stays (more memory, same
    // behaviour).
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Gives the pages of memory just freed back to the system. After a large
/// transient structure (a saved plan's resources) is dropped, its pages
/// would otherwise stay resident, scattered, and count in every later peak.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator.
    unsafe {
        libc::malloc_trim(0);
    }
}
