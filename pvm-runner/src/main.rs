//! `pvm-runner`: see the crate docs (`pvm-runner --help`).

fn main() -> std::process::ExitCode {
    pvm_runner::cli::main()
}
