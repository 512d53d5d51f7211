//! What `Memory` costs: a saved plan's names are held from the end of the
//! refresh until they are resolved, so at 10,000 resources they count in
//! apply's memory against plan's (DESIGN section 15). Counted by an
//! allocator that keeps the live bytes and allocations; this file has one
//! test so that nothing else allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use decom_parser::ResourceType;
use decom_plan::{Memory, Remembered};

struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);
static LIVE_ALLOCATIONS: AtomicIsize = AtomicIsize::new(0);

// SAFETY: passes every call through to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        LIVE_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        LIVE_ALLOCATIONS.fetch_sub(1, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> (isize, isize) {
    (
        LIVE_BYTES.load(Ordering::Relaxed),
        LIVE_ALLOCATIONS.load(Ordering::Relaxed),
    )
}

#[test]
fn ten_thousand_remembered_names_are_held_in_three_allocations_of_their_ids() {
    const N: usize = 10_000;
    const ACCOUNT: &str = "123456789012";
    let names: Vec<String> = (0..N).map(|i| format!("service-{i:05}")).collect();
    let ids: Vec<String> = (0..N)
        .map(|i| {
            format!("arn:aws:apprunner:us-east-1:{ACCOUNT}:service/service-{i:05}/0123456789abcdef0123456789abcdef")
        })
        .collect();
    let text: usize = ids.iter().map(|id| ACCOUNT.len() + id.len()).sum();

    let (bytes_before, allocations_before) = live();
    let mut memory = Memory::default();
    for (name, id) in names.iter().zip(&ids) {
        memory.remember(Remembered {
            resource_type: ResourceType::AppRunnerService,
            account: Some(ACCOUNT),
            region: "us-east-1",
            name,
            id,
        });
    }
    memory.shrink_to_fit();
    let (bytes_after, allocations_after) = live();

    let held = usize::try_from(bytes_after - bytes_before).unwrap_or(0);
    let allocations = allocations_after - allocations_before;
    // The text itself, plus a map entry and an index entry per name
    // (about 20 and 24 bytes, the map at most half empty).
    let bound = text + N * (2 * 20 + 24) + 4096;
    assert!(
        held <= bound,
        "{N} names hold {held} bytes, over {bound} ({text} of them text)"
    );
    assert!(allocations <= 4, "{N} names are {allocations} allocations");
    assert_eq!(
        memory
            .remembered(ResourceType::AppRunnerService, "us-east-1", "service-04242")
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        [ids[4242].as_str()]
    );
}
