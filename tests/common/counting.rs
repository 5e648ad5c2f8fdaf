//! A global allocator for the memory tests: every call is passed on to `System` unchanged, and
//! each change of the bytes held is reported to the test's own function (`+size` on allocation,
//! `-size` on release; a reallocation reports the new block before releasing the old one, both
//! held while it is copied).
use std::alloc::{GlobalAlloc, Layout, System};

pub struct Counting(pub fn(isize));

// SAFETY: every call is passed on to `System` unchanged; the counting only reads sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        (self.0)(l.size() as isize);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        (self.0)(l.size() as isize);
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        (self.0)(-(l.size() as isize));
        // SAFETY: as above.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        (self.0)(new as isize);
        // SAFETY: as above.
        let r = unsafe { System.realloc(p, l, new) };
        (self.0)(-(l.size() as isize));
        r
    }
}
