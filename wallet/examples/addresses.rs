//! Prints the addresses of the test wallets `Wallet::from_seed(1..=5)`.
fn main() {
    for seed in 1..=5 {
        println!("{seed} {:#x}", wallet::Wallet::from_seed(seed).address());
    }
}
