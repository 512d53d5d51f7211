//! `decom sim --state FILE`: any bytes are either refused as a state file
//! or seed a fresh `OfflineSim` (statuses settled, ARNs and ids made) that
//! then answers list calls in four regions; every answer must be well
//! formed (`decom_sim::fuzzing::check`). A panic anywhere is a crash.
//!
//! Keep in step with `crates/sim/tests/fuzz_seeds.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for response in decom_sim::fuzzing::seed_state(data).iter().flatten() {
        if let Err(problem) = decom_sim::fuzzing::check(response) {
            panic!("bad response: {problem}\n{response:?}");
        }
    }
});
