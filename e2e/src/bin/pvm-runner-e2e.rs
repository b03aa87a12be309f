//! The `pvm-runner` CLI, as a binary of this package so e2e tests can spawn it.

fn main() -> std::process::ExitCode {
    pvm_runner::cli::main()
}
