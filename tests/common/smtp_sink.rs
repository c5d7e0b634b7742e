//! An SMTP sink on 127.0.0.1 for the email tests: a few lines of std::net speaking the
//! server's side of RFC 5321 (greeting, EHLO, AUTH PLAIN, MAIL, RCPT, DATA with
//! dot-unstuffing, QUIT), which records what its one client sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// What the sink does with a client.
#[derive(Clone, Copy, PartialEq)]
pub enum Script {
    /// Accepts the message (and any AUTH PLAIN login).
    Accept,
    /// Answers every RCPT with 550.
    RefuseRcpt,
    /// Answers MAIL with 451, a temporary refusal.
    TryLater,
    /// Accepts the connection and never says a word.
    Silent,
}

/// What the sink was told by its one client.
#[derive(Debug, Default)]
pub struct Received {
    pub commands: Vec<String>,
    /// The AUTH PLAIN response, decoded: "\0user\0password".
    pub login: Option<String>,
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as the client sent it after DATA, dots unstuffed, CRLF kept.
    pub data: Vec<u8>,
}

/// A sink listening on 127.0.0.1; `received` waits for its one client to be done.
pub struct Sink {
    pub port: u16,
    done: mpsc::Receiver<Received>,
}

impl Sink {
    pub fn start(script: Script) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the sink");
        let port = listener.local_addr().unwrap().port();
        let (tx, done) = mpsc::channel();
        thread::spawn(move || {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            // A sink never waits forever, whatever the client does.
            stream
                .set_read_timeout(Some(Duration::from_secs(15)))
                .unwrap();
            let received = serve(stream, script);
            let _ = tx.send(received);
        });
        Self { port, done }
    }

    /// What the client sent, once it hung up; None if no client came within `wait`.
    pub fn received(&self, wait: Duration) -> Option<Received> {
        self.done.recv_timeout(wait).ok()
    }
}

fn serve(mut stream: TcpStream, script: Script) -> Received {
    let mut received = Received::default();
    if script == Script::Silent {
        // Hold the connection open until the client gives up and closes it.
        let mut sink = Vec::new();
        let _ = stream.read_to_end(&mut sink);
        return received;
    }
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut say = |line: &str| {
        let _ = stream.write_all(line.as_bytes());
        let _ = stream.flush();
    };
    say("220 sink.test ESMTP ready\r\n");
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let command = line.trim_end_matches(['\r', '\n']).to_owned();
        received.commands.push(command.clone());
        let verb = command.split(' ').next().unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                say("250-sink.test\r\n250-8BITMIME\r\n250-AUTH PLAIN\r\n250 SIZE 10000000\r\n")
            }
            "AUTH" => {
                let encoded = command.split(' ').nth(2).unwrap_or("");
                received.login = Some(String::from_utf8(base64_decode(encoded)).unwrap());
                say("235 2.7.0 Authentication successful\r\n");
            }
            "MAIL" => {
                received.mail_from = command[5..].to_owned();
                if script == Script::TryLater {
                    say("451 4.3.2 Please try again later\r\n");
                } else {
                    say("250 2.1.0 Ok\r\n");
                }
            }
            "RCPT" => {
                received.rcpt_to.push(command[5..].to_owned());
                if script == Script::RefuseRcpt {
                    say(
                        "550 5.1.1 <cmo@example.com>: Recipient address rejected: User unknown\r\n",
                    );
                } else {
                    say("250 2.1.5 Ok\r\n");
                }
            }
            "DATA" => {
                say("354 End data with <CR><LF>.<CR><LF>\r\n");
                loop {
                    let mut data_line = Vec::new();
                    match reader.read_until(b'\n', &mut data_line) {
                        Ok(0) | Err(_) => return received,
                        Ok(_) => {}
                    }
                    if data_line == b".\r\n" {
                        break;
                    }
                    // RFC 5321 4.5.2: a leading dot was doubled by the client.
                    let line = data_line.strip_prefix(b".").unwrap_or(&data_line);
                    received.data.extend_from_slice(line);
                }
                say("250 2.0.0 Ok: queued as 42\r\n");
            }
            "RSET" | "NOOP" => say("250 2.0.0 Ok\r\n"),
            "QUIT" => {
                say("221 2.0.0 Bye\r\n");
                break;
            }
            _ => say("502 5.5.2 Error: command not recognized\r\n"),
        }
    }
    received
}

/// Standard base64 (RFC 4648), enough for the AUTH PLAIN line.
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|&b| b != b'=') {
        let value = ALPHABET.iter().position(|&a| a == byte).expect("base64") as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}
