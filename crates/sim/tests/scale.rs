//! Scale: 10,000 seeded resources, walked page by page (pages are key ranges,
//! so each is O(page)). Not a timed test; it prints the elapsed time.

mod common;

use std::time::Instant;

use common::*;
use decom_sim::{ResourceType, SeedResource, SimConfig, SimState};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_resources_page_through() {
    let mut resources = Vec::new();
    for i in 0..5_000 {
        let mut s = SeedResource::new(ResourceType::AppRunnerService, format!("svc-{i:05}"));
        s.region = s_region(i);
        resources.push(s);
        let mut inst = SeedResource::new(ResourceType::SupplyChainInstance, format!("scn-{i:05}"));
        inst.region = s_region(i);
        resources.push(inst);
    }
    let t = Instant::now();
    let sim = start(SimConfig {
        initial_state: Some(SimState { resources }),
        ..instant()
    })
    .await;
    eprintln!("seeded 10,000 in {:?}", t.elapsed());
    let c = apprunner(&sim).await;
    let _ = c.list_services().max_results(1).send().await;
    let t = Instant::now();
    let mut token = None;
    let mut n = 0;
    let mut calls = 0;
    loop {
        let out = c
            .list_services()
            .max_results(20)
            .set_next_token(token)
            .send()
            .await
            .expect("page");
        calls += 1;
        n += out.service_summary_list().len();
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(n, 2_500);
    eprintln!("{calls} ListServices pages in {:?}", t.elapsed());
    let s = scn_in(&sim, "us-west-2").await;
    let all = s
        .list_instances()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("pages");
    assert_eq!(all.len(), 2_500);
    assert_eq!(sim.snapshot().resources.len(), 10_000);
    sim.shutdown().await;
}

fn s_region(i: usize) -> String {
    ["us-east-1", "us-west-2"][i & 1].to_owned()
}
