//! Memory between the phases of a build: Typst's caches emptied when no layout needs them,
//! and large blocks handed back to the system as soon as they are freed.

use std::sync::atomic::{AtomicUsize, Ordering};

#[cfg(all(target_os = "linux", target_env = "gnu"))]
unsafe extern "C" {
    /// glibc: releases free memory at the top of the heap and inside it.
    fn malloc_trim(pad: usize) -> i32;
    /// glibc: sets an allocator parameter.
    fn mallopt(param: i32, value: i32) -> i32;
}

/// Sets the process's allocator up for a build: blocks of 4 MiB and more (decoded and
/// resampled figures, PDF buffers) get their own mappings, which go back to the system as
/// soon as they are freed. glibc otherwise raises that threshold after the first large
/// block is freed (up to 32 MiB), and the figures of a cold build then pile up in its
/// per-thread heaps: some 20 MB more peak memory for the same work.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// glibc's `M_MMAP_THRESHOLD`.
        const M_MMAP_THRESHOLD: i32 = -3;
        // SAFETY: mallopt only changes allocator parameters; it is called before any thread
        // starts.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 4 << 20);
        }
    }
}

/// The layouts running now; Typst's caches are kept while any is (see [`release_caches`]).
static LAYING_OUT: AtomicUsize = AtomicUsize::new(0);

/// Runs `layout`, counted as a running layout (see [`release_caches`]).
pub fn laying_out<T>(layout: impl FnOnce() -> T) -> T {
    LAYING_OUT.fetch_add(1, Ordering::SeqCst);
    let out = layout();
    LAYING_OUT.fetch_sub(1, Ordering::SeqCst);
    out
}

/// Empties Typst's caches and hands the freed memory back to the system, so that the next
/// phase of a build (decoded figures, PDF export) does not add to what the last one left.
/// The caches stay while a document is being laid out (a document finished early).
pub fn release_caches() {
    if LAYING_OUT.load(Ordering::SeqCst) == 0 {
        typst::comemo::evict(0);
    }
    trim();
}

/// Hands the memory freed so far back to the system.
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the kernel; it is thread-safe.
    unsafe {
        malloc_trim(0);
    }
}
