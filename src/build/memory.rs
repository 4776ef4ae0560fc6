//! Memory between the phases of a build: Typst's caches emptied when no layout needs them,
//! freed memory handed back to the system at once, and the allocator the process uses.
//!
//! A worker process (see [`super::workers`]) allocates with mimalloc: it lays out one
//! document after another, and Typst allocates and frees small blocks by the million,
//! which mimalloc does in about two thirds of the C library's time (100 leaflets: 13.6 s
//! of CPU rather than 18.7 s). Any other process keeps the C library's allocator, tuned
//! below: its threads share decoded figures, and with mimalloc the same build held some
//! 80 MB more at its peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

#[cfg(all(target_os = "linux", target_env = "gnu"))]
unsafe extern "C" {
    /// glibc: releases free memory at the top of the heap and inside it.
    fn malloc_trim(pad: usize) -> i32;
    /// glibc: sets an allocator parameter.
    fn mallopt(param: i32, value: i32) -> i32;
}

unsafe extern "C" {
    /// The C library's `getenv`, which allocates nothing.
    fn getenv(name: *const std::ffi::c_char) -> *const std::ffi::c_char;
}

/// The environment options mimalloc reads when it starts, set for the worker processes a
/// build starts: memory is committed as it is used, not a whole arena at once, and freed
/// memory goes back to the system at once, not 10 ms later (a worker making 100 leaflets:
/// 100 MB at its peak rather than 135 MB).
pub const ALLOCATOR_OPTIONS: [(&str, &str); 2] =
    [("MIMALLOC_ARENA_EAGER_COMMIT", "0"), ("MIMALLOC_PURGE_DELAY", "0")];

/// The process's allocator: mimalloc in a worker process, else the C library's. Which one is
/// decided at the first allocation (before `main`, while the process has one thread) from
/// the environment, and never changes, so every block is freed by the allocator that gave it.
pub struct Allocator;

/// 0 while undecided, then [`SYSTEM`] or [`MIMALLOC`].
static CHOICE: AtomicU8 = AtomicU8::new(0);
/// The C library's allocator.
const SYSTEM: u8 = 1;
/// mimalloc.
const MIMALLOC: u8 = 2;

/// Whether this process allocates with mimalloc.
fn mimalloc() -> bool {
    let choice = match CHOICE.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: the name is a NUL-terminated string; getenv only reads the environment.
            let worker = unsafe { !getenv(c"YARLUNG_WORKER".as_ptr()).is_null() };
            let choice = if worker { MIMALLOC } else { SYSTEM };
            CHOICE.store(choice, Ordering::Relaxed);
            choice
        }
        choice => choice,
    };
    choice == MIMALLOC
}

// SAFETY: every call goes to one of two allocators, the same one for the whole process.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on.
        unsafe { if mimalloc() { mimalloc::MiMalloc.alloc(layout) } else { System.alloc(layout) } }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on.
        unsafe {
            if mimalloc() { mimalloc::MiMalloc.alloc_zeroed(layout) } else { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from the same allocator, which never changes.
        unsafe {
            if mimalloc() { mimalloc::MiMalloc.dealloc(ptr, layout) } else { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from the same allocator, which never changes.
        unsafe {
            if mimalloc() {
                mimalloc::MiMalloc.realloc(ptr, layout, new_size)
            } else {
                System.realloc(ptr, layout, new_size)
            }
        }
    }
}

/// Sets the C library's allocator up for a build (before any thread starts): blocks of
/// 4 MiB and more (decoded and resampled figures, PDF buffers) get their own mappings,
/// which go back to the system as soon as they are freed. glibc otherwise raises that
/// threshold after the first large block is freed (up to 32 MiB), and the figures of a cold
/// build then pile up in its per-thread heaps: some 20 MB more peak memory for the same work.
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
    if mimalloc() {
        // SAFETY: mi_collect only returns mimalloc's unused memory; it is thread-safe.
        unsafe { libmimalloc_sys::mi_collect(true) };
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the kernel; it is thread-safe.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_allocator_knows_a_worker_by_the_variable_workers_get() {
        assert_eq!(c"YARLUNG_WORKER".to_str(), Ok(super::super::workers::WORKER_VAR));
    }
}
