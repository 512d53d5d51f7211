//! Saved plan files, as `decom show` / `decom apply PLAN` read them.
//!
//! The first byte picks the mode: even = the rest is the whole file (header
//! checks: magic, version, checksum); odd = the rest is a JSON body, wrapped
//! in a correct header by the crate's own `frame`, so mutations get past the
//! checksum and exercise the body parsing, the graph check of `to_plan`,
//! `approved_deletions` and the three renderings `decom show` offers.
//!
//! Keep in step with `crates/graph/tests/fuzz_seeds.rs`.
#![no_main]

use decom_plan::{self as plan, PlanFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        plan::frame(rest)
    };
    let Ok(file) = PlanFile::parse(&bytes, "fuzz.bin") else {
        return;
    };
    let _ = file.approved_deletions().count();
    // `parse` already checked that the plan converts.
    let plan = file
        .to_plan()
        .expect("parse accepted a plan to_plan refuses");
    let _ = plan::render(&plan, false);
    let _ = plan::to_json(&plan);
    let _ = plan::to_markdown(&plan);
});
