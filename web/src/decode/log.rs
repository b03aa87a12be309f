//! Logs the page can name and read: the events every token emits (ERC-20's
//! `Transfer` and `Approval`, by OpenZeppelin's ABI) and the OS's own
//! `Withdrawal`, decoded by their Solidity ABI (`alloy-sol-types`) into
//! named arguments. Any other log shows its topics and data.

use alloy_primitives::{Address, Log, U256};
use alloy_sol_types::{SolEvent, sol};
use kernel::system::contracts::withdrawal::IWithdrawal::Withdrawal;
use serde::Serialize;

use super::hex0x;

sol! {
    /// ERC-20's (and OpenZeppelin's) transfer event.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// ERC-20's approval event.
    event Approval(address indexed owner, address indexed spender, uint256 value);
}

/// One log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogView {
    /// The emitting contract.
    pub address: String,
    /// Its topics.
    pub topics: Vec<String>,
    /// Its data.
    pub data: String,
    /// The event's signature, for the events named above.
    pub event: Option<String>,
    /// The event's arguments, by name, when it decoded.
    pub args: Vec<ArgView>,
}

/// A decoded argument of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArgView {
    /// Its name in the event's ABI.
    pub name: String,
    /// Its value: a checksummed address, a decimal number, or a string.
    pub value: String,
}

/// The page's view of `log`.
pub fn view(log: &Log) -> LogView {
    let (event, args) = match decode(log) {
        Some((signature, args)) => (Some(signature.to_owned()), args),
        None => (None, Vec::new()),
    };
    LogView {
        address: log.address.to_checksum(None),
        topics: log.topics().iter().map(|t| hex0x(t.as_slice())).collect(),
        data: hex0x(&log.data.data),
        event,
        args,
    }
}

/// The signature and arguments of a log this module names. A log whose
/// first topic matches but whose topics or data do not fit the ABI (an
/// ERC-721 `Transfer` indexes its third argument, for one) is not named.
fn decode(log: &Log) -> Option<(&'static str, Vec<ArgView>)> {
    let topic = log.topics().first()?;
    if *topic == Transfer::SIGNATURE_HASH {
        let e = Transfer::decode_log_data(&log.data).ok()?;
        Some((
            Transfer::SIGNATURE,
            vec![address("from", e.from), address("to", e.to), uint("value", e.value)],
        ))
    } else if *topic == Approval::SIGNATURE_HASH {
        let e = Approval::decode_log_data(&log.data).ok()?;
        Some((
            Approval::SIGNATURE,
            vec![address("owner", e.owner), address("spender", e.spender), uint("value", e.value)],
        ))
    } else if *topic == Withdrawal::SIGNATURE_HASH {
        let e = Withdrawal::decode_log_data(&log.data).ok()?;
        Some((
            Withdrawal::SIGNATURE,
            vec![
                address("sender", e.sender),
                ArgView { name: "l1Receiver".to_owned(), value: e.l1Receiver },
                uint("amount", e.amount),
                uint("id", e.id),
            ],
        ))
    } else {
        None
    }
}

fn address(name: &str, a: Address) -> ArgView {
    ArgView { name: name.to_owned(), value: a.to_checksum(None) }
}

fn uint(name: &str, v: U256) -> ArgView {
    ArgView { name: name.to_owned(), value: v.to_string() }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{B256, Bytes, LogData};

    use super::*;

    fn log(topics: Vec<B256>, data: Vec<u8>) -> Log {
        Log {
            address: Address::repeat_byte(0xcc),
            data: LogData::new_unchecked(topics, Bytes::from(data)),
        }
    }

    #[test]
    fn an_erc20_transfer_is_named_with_its_arguments() {
        let (from, to) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let e = Transfer { from, to, value: U256::from(250) };
        let v = view(&Log { address: Address::repeat_byte(0xcc), data: e.encode_log_data() });
        assert_eq!(v.event.as_deref(), Some("Transfer(address,address,uint256)"));
        let args: Vec<_> = v.args.iter().map(|a| (a.name.as_str(), a.value.as_str())).collect();
        assert_eq!(
            args,
            [
                ("from", from.to_checksum(None).as_str()),
                ("to", to.to_checksum(None).as_str()),
                ("value", "250")
            ]
        );
        assert_eq!(v.topics.len(), 3);
    }

    #[test]
    fn the_os_withdrawal_event_is_named() {
        let e = Withdrawal {
            sender: Address::repeat_byte(3),
            l1Receiver: "tz1fp5ncDmqYwYC568fREYz9iwQTgGQuKZqX".to_owned(),
            amount: U256::from(7),
            id: U256::from(1),
        };
        let v = view(&Log { address: Address::repeat_byte(0xcc), data: e.encode_log_data() });
        assert_eq!(v.event.as_deref(), Some("Withdrawal(address,string,uint256,uint256)"));
        assert_eq!(v.args[1].value, "tz1fp5ncDmqYwYC568fREYz9iwQTgGQuKZqX");
        assert_eq!(v.args[3].name, "id");
    }

    #[test]
    fn a_log_that_does_not_fit_its_abi_is_not_named() {
        // ERC-721's Transfer: the same first topic, the token id indexed.
        let topics = vec![Transfer::SIGNATURE_HASH, B256::ZERO, B256::ZERO, B256::ZERO];
        let v = view(&log(topics, vec![]));
        assert_eq!((v.event, v.args.len()), (None, 0));
        // Data cut short.
        let v = view(&log(vec![Approval::SIGNATURE_HASH, B256::ZERO, B256::ZERO], vec![1; 5]));
        assert_eq!(v.event, None);
        // Anything else: topics and data only.
        let v = view(&log(vec![B256::repeat_byte(9)], vec![1, 2]));
        assert_eq!((v.event, v.data.as_str()), (None, "0x0102"));
    }
}
