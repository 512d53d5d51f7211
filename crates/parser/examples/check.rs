//! Loads a manifest and prints the diagnostics or a summary.
//!
//! `cargo run -p decom-parser --example check -- PATH`

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| ".".to_string());
    let inputs = match decom_parser::VariableInputs::default().with_process_env() {
        Ok(inputs) => inputs,
        Err(d) => {
            print!("{}", d.render(false));
            return;
        }
    };
    match decom_parser::load(std::path::Path::new(&path), &inputs) {
        Ok(m) => {
            for r in &m.resources {
                println!(
                    "{} {:?} deps={}",
                    r.address,
                    r.identity.value,
                    r.dependencies.len()
                );
            }
        }
        Err(d) => print!("{}", d.render(false)),
    }
}
