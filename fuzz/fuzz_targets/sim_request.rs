//! Requests to the AWS simulator, without a network: the input is decoded
//! into up to four structure-aware requests (protocol, operation,
//! credential scope, path/body; format in `decom_sim::fuzzing`) sent to a
//! fresh `OfflineSim` seeded with a few resources, so classification,
//! validation against the botocore models, the handlers and the encoders
//! all see real work. Every answer must be a real status with a body that
//! decodes in its own content type.
//!
//! Keep in step with `crates/sim/tests/fuzz_seeds.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for response in decom_sim::fuzzing::run(data).iter().flatten() {
        if let Err(problem) = decom_sim::fuzzing::check(response) {
            panic!("bad response: {problem}\n{response:?}");
        }
    }
});
