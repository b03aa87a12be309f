//! Michelson data expressions in text, encoded as binary Micheline — enough
//! for the payloads of L1 transfers in an inbox file (see [`crate::inbox_file`]).
//!
//! Supported: integers (to ±2^127), `"strings"` (printable ASCII, with `\"`
//! and `\\`), `0x` bytes, `{ a ; b }` sequences, parentheses, and the data
//! primitives `False Elt Left None Pair Right Some True Unit` with their
//! arguments. Annotations and code are not.

use std::{iter::Peekable, str::CharIndices};

const PRIMS: [(&str, u8); 9] = [
    ("False", 3),
    ("Elt", 4),
    ("Left", 5),
    ("None", 6),
    ("Pair", 7),
    ("Right", 8),
    ("Some", 9),
    ("True", 10),
    ("Unit", 11),
];

/// Encodes a Michelson data expression.
pub fn encode_data(text: &str) -> Result<Vec<u8>, String> {
    let mut p = Parser { src: text, it: text.char_indices().peekable() };
    let mut out = Vec::new();
    p.expr(&mut out, true)?;
    p.skip_ws();
    match p.it.peek() {
        None => Ok(out),
        Some((i, c)) => Err(format!("unexpected `{c}` at {i}")),
    }
}

struct Parser<'a> {
    src: &'a str,
    it: Peekable<CharIndices<'a>>,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.it.next_if(|(_, c)| c.is_whitespace()).is_some() {}
    }

    /// One expression; a primitive takes arguments only at the top level or
    /// inside parentheses or sequences, as in Michelson.
    fn expr(&mut self, out: &mut Vec<u8>, with_args: bool) -> Result<(), String> {
        self.skip_ws();
        let Some(&(start, c)) = self.it.peek() else { return Err("expression expected".into()) };
        match c {
            '(' => {
                self.it.next();
                self.expr(out, true)?;
                self.skip_ws();
                self.expect(')')
            }
            '{' => {
                self.it.next();
                let mut body = Vec::new();
                loop {
                    self.skip_ws();
                    if self.it.next_if(|(_, c)| *c == '}').is_some() {
                        break;
                    }
                    self.expr(&mut body, true)?;
                    self.skip_ws();
                    if self.it.next_if(|(_, c)| *c == ';').is_none() {
                        self.skip_ws();
                        self.expect('}')?;
                        break;
                    }
                }
                out.push(0x02);
                push_len(out, body.len())?;
                out.extend_from_slice(&body);
                Ok(())
            }
            '"' => self.string(out),
            '0' if self.src[start..].starts_with("0x") => {
                self.it.next();
                self.it.next();
                let hex: String =
                    std::iter::from_fn(|| self.it.next_if(|(_, c)| c.is_ascii_hexdigit()))
                        .map(|(_, c)| c)
                        .collect();
                let bytes = hex::decode(&hex).map_err(|e| format!("bytes at {start}: {e}"))?;
                out.push(0x0a);
                push_len(out, bytes.len())?;
                out.extend_from_slice(&bytes);
                Ok(())
            }
            '-' | '0'..='9' => {
                let mut text = String::new();
                if let Some((_, sign)) = self.it.next_if(|(_, c)| *c == '-') {
                    text.push(sign);
                }
                while let Some((_, d)) = self.it.next_if(|(_, c)| c.is_ascii_digit()) {
                    text.push(d);
                }
                let n: i128 =
                    text.parse().map_err(|e| format!("integer `{text}` at {start}: {e}"))?;
                out.push(0x00);
                zarith(out, n);
                Ok(())
            }
            c if c.is_ascii_alphabetic() => {
                let name: String = std::iter::from_fn(|| {
                    self.it.next_if(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
                })
                .map(|(_, c)| c)
                .collect();
                let code =
                    PRIMS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c).ok_or_else(|| {
                        format!("unknown or unsupported primitive `{name}` at {start}")
                    })?;
                let mut args = Vec::new();
                let mut count = 0;
                if with_args {
                    loop {
                        self.skip_ws();
                        match self.it.peek() {
                            None | Some((_, ')' | '}' | ';')) => break,
                            Some((i, '%' | '@' | ':')) => {
                                return Err(format!("annotations are not supported (at {i})"));
                            }
                            _ => {
                                self.expr(&mut args, false)?;
                                count += 1;
                            }
                        }
                    }
                }
                match count {
                    0 => out.extend_from_slice(&[0x03, code]),
                    1 => out.extend_from_slice(&[0x05, code]),
                    2 => out.extend_from_slice(&[0x07, code]),
                    _ => {
                        out.extend_from_slice(&[0x09, code]);
                        push_len(out, args.len())?;
                    }
                }
                out.extend_from_slice(&args);
                if count > 2 {
                    push_len(out, 0)?; // no annotations
                }
                Ok(())
            }
            other => Err(format!("unexpected `{other}` at {start}")),
        }
    }

    fn expect(&mut self, want: char) -> Result<(), String> {
        match self.it.next() {
            Some((_, c)) if c == want => Ok(()),
            Some((i, c)) => Err(format!("expected `{want}` at {i}, found `{c}`")),
            None => Err(format!("expected `{want}`, found the end")),
        }
    }

    fn string(&mut self, out: &mut Vec<u8>) -> Result<(), String> {
        let (start, _) = self.it.next().ok_or("string expected")?;
        let mut s = Vec::new();
        loop {
            match self.it.next() {
                None => return Err(format!("unterminated string at {start}")),
                Some((_, '"')) => break,
                Some((_, '\\')) => match self.it.next() {
                    Some((_, c @ ('"' | '\\'))) => s.push(c as u8),
                    Some((_, 'n')) => s.push(b'\n'),
                    _ => return Err(format!("bad escape in string at {start}")),
                },
                Some((_, c)) if c.is_ascii() && !c.is_ascii_control() => s.push(c as u8),
                Some((i, c)) => {
                    return Err(format!(
                        "character {c:?} at {i} is not allowed in a Michelson string"
                    ));
                }
            }
        }
        out.push(0x01);
        push_len(out, s.len())?;
        out.extend_from_slice(&s);
        Ok(())
    }
}

fn push_len(out: &mut Vec<u8>, n: usize) -> Result<(), String> {
    let n = u32::try_from(n).map_err(|_| "expression too large".to_string())?;
    out.extend_from_slice(&n.to_be_bytes());
    Ok(())
}

/// Tezos' variable-length integer: the first byte holds a sign bit and 6
/// bits, the next 7 bits each, least significant first.
fn zarith(out: &mut Vec<u8>, n: i128) {
    let neg = n < 0;
    let mut abs = n.unsigned_abs();
    let mut first = (abs & 0x3f) as u8;
    if neg {
        first |= 0x40;
    }
    abs >>= 6;
    if abs != 0 {
        first |= 0x80;
    }
    out.push(first);
    while abs != 0 {
        let mut b = (abs & 0x7f) as u8;
        abs >>= 7;
        if abs != 0 {
            b |= 0x80;
        }
        out.push(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_atoms() {
        assert_eq!(encode_data("Unit").unwrap(), vec![0x03, 0x0b]);
        assert_eq!(encode_data("0").unwrap(), vec![0x00, 0x00]);
        assert_eq!(encode_data("-1").unwrap(), vec![0x00, 0x41]);
        assert_eq!(encode_data("64").unwrap(), vec![0x00, 0x80, 0x01]);
        assert_eq!(encode_data("\"ab\"").unwrap(), vec![0x01, 0, 0, 0, 2, b'a', b'b']);
        assert_eq!(encode_data("0xbeef").unwrap(), vec![0x0a, 0, 0, 0, 2, 0xbe, 0xef]);
    }

    #[test]
    fn encodes_applications_and_sequences() {
        assert_eq!(encode_data("Pair 1 Unit").unwrap(), vec![0x07, 0x07, 0x00, 0x01, 0x03, 0x0b]);
        assert_eq!(encode_data("Some (Left 2)").unwrap(), vec![0x05, 0x09, 0x05, 0x05, 0x00, 0x02]);
        assert_eq!(
            encode_data("{ 1 ; 2 }").unwrap(),
            vec![0x02, 0, 0, 0, 4, 0x00, 0x01, 0x00, 0x02]
        );
        assert_eq!(encode_data("{}").unwrap(), vec![0x02, 0, 0, 0, 0]);
        let three = encode_data("Pair 1 2 3").unwrap();
        assert_eq!(&three[..6], &[0x09, 0x07, 0, 0, 0, 6]);
        assert_eq!(&three[three.len() - 4..], &[0, 0, 0, 0]);
    }

    #[test]
    fn refuses_what_it_does_not_support() {
        assert!(encode_data("Pair %a 1 2").unwrap_err().contains("annotations"));
        assert!(encode_data("DUP").unwrap_err().contains("unsupported primitive"));
        assert!(encode_data("\"abc").unwrap_err().contains("unterminated"));
        assert!(encode_data("Pair 1 2)").unwrap_err().contains("unexpected"));
        assert!(encode_data("").unwrap_err().contains("expected"));
    }
}
