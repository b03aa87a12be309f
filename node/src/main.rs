//! `zkos-node`: see the crate docs.

fn main() -> std::process::ExitCode {
    zkos_node::cli::main()
}
