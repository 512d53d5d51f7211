//! An in-process simulator for end-to-end tests, with the environment a
//! `decom` process needs to talk to it (and nothing from the host).

use assert_cmd::Command;
use decom_sim::{AuditEntry, SeedResource, Sim, SimConfig, SimHandle, SimState};

/// Credentials tests use; recognisable so that leaks are easy to search for.
pub const ACCESS_KEY: &str = "AKIDDECOMTEST0000001";
pub const SECRET_KEY: &str = "decomTestSecretKey/DoNotPrint+0000000001";
pub const SESSION_TOKEN: &str = "decomTestSessionToken/DoNotPrint+0000000001";

/// A running simulator and the runtime that serves it.
pub struct TestSim {
    handle: Option<SimHandle>,
    rt: tokio::runtime::Runtime,
    home: tempfile::TempDir,
}

impl TestSim {
    /// Starts on 127.0.0.1:0 with time scaled down 1000x, seeded.
    pub fn start(seed: Vec<SeedResource>) -> TestSim {
        Self::with_config(SimConfig {
            time_scale: 0.001,
            initial_state: Some(SimState { resources: seed }),
            ..SimConfig::default()
        })
    }

    pub fn with_config(config: SimConfig) -> TestSim {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("test runtime");
        let handle = rt.block_on(Sim::start(config)).expect("simulator starts");
        TestSim {
            handle: Some(handle),
            rt,
            home: tempfile::tempdir().expect("temp home"),
        }
    }

    fn handle(&self) -> &SimHandle {
        self.handle.as_ref().expect("simulator running")
    }

    pub fn endpoint_url(&self) -> String {
        self.handle().endpoint_url()
    }

    pub fn audit(&self) -> Vec<AuditEntry> {
        self.handle().audit()
    }

    pub fn snapshot(&self) -> SimState {
        self.handle().snapshot()
    }

    /// Adds resources while it runs: someone else acting mid-apply.
    pub fn seed(&self, more: Vec<SeedResource>) {
        let state = SimState { resources: more };
        self.handle()
            .seed(&state)
            .expect("the simulator takes the seed");
    }

    /// Requests that could change state (anything but reads).
    pub fn mutating_requests(&self) -> Vec<AuditEntry> {
        self.audit()
            .into_iter()
            .filter(|e| {
                !["List", "Describe", "Get"]
                    .iter()
                    .any(|p| e.operation.starts_with(p))
            })
            .collect()
    }

    /// The environment that points a `decom` process at this simulator
    /// with test credentials and no host AWS configuration.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        let home = self.home.path();
        let path = |name: &str| home.join(name).display().to_string();
        vec![
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_string()),
            ("AWS_SESSION_TOKEN", SESSION_TOKEN.to_string()),
            ("AWS_REGION", "us-east-1".to_string()),
            ("AWS_ENDPOINT_URL", self.endpoint_url()),
            ("AWS_CONFIG_FILE", path("config")),
            ("AWS_SHARED_CREDENTIALS_FILE", path("credentials")),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
            ("HOME", home.display().to_string()),
        ]
    }

    /// Points a `decom` command at this simulator.
    pub fn env(&self, cmd: &mut Command) {
        cmd.envs(self.env_vars());
    }
}

impl Drop for TestSim {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.rt.block_on(handle.shutdown());
        }
    }
}
