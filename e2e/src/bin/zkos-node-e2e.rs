//! The `zkos-node` CLI, as a binary of this package so e2e tests can spawn it.

fn main() -> std::process::ExitCode {
    zkos_node::cli::main()
}
