//! The floor client (`bench_rooms --floor`): the least any client can spend on the benchmark's
//! exchange on this machine, to read the bot's figures against.
//!
//! It gets a token and the room list over HTTP like the bot, then holds one plain websocket per
//! room on the same tokio runtime, one task each, with a 1 KiB read buffer. It does no protocol
//! work beyond framing: no websocket library, no JSON. A text frame holding `!ping <seq>` is
//! answered at once with a masked `message` frame saying `pong <seq>`; every other frame (the
//! echo of that reply, the room's first frames) is read and dropped. Its CPU per command is what
//! the kernel and the runtime cost: two wake-ups, two reads and one write per command.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// The rooms' sockets; dropping it closes them.
pub(crate) struct Floor {
    tasks: JoinSet<()>,
}

impl Floor {
    /// Sockets still open.
    pub(crate) fn open(&self) -> usize {
        self.tasks.len()
    }
}

/// Takes a token from `/o/token`, lists the category's rooms and opens one socket per room,
/// `concurrency` handshakes at a time.
pub(crate) async fn connect(
    port: u16,
    category: &str,
    client_id: &str,
    client_secret: &str,
    concurrency: usize,
) -> Result<Floor, Box<dyn std::error::Error + Send + Sync>> {
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{base}/o/token"))
        .form(&[
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = token["access_token"]
        .as_str()
        .ok_or("no access_token")?
        .to_owned();
    let feed: serde_json::Value = http
        .get(format!("{base}/o/{category}/data"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let slugs: Vec<String> = feed["current_races"]
        .as_array()
        .ok_or("no current_races")?
        .iter()
        .filter_map(|r| {
            r["name"]
                .as_str()?
                .split_once('/')
                .map(|(_, s)| s.to_owned())
        })
        .collect();
    let mut tasks = JoinSet::new();
    for batch in slugs.chunks(concurrency.max(1)) {
        let mut handshakes = JoinSet::new();
        for slug in batch {
            handshakes.spawn(handshake(port, slug.clone(), token.clone()));
        }
        while let Some(joined) = handshakes.join_next().await {
            let (stream, rest) = joined??;
            tasks.spawn(serve(stream, rest));
        }
    }
    Ok(Floor { tasks })
}

/// Opens the room's bot socket; returns it with the bytes read past the response head.
async fn handshake(port: u16, slug: String, token: String) -> io::Result<(TcpStream, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    stream.set_nodelay(true)?;
    let request = format!(
        "GET /ws/o/bot/{slug} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\
         Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut head = Vec::with_capacity(1024);
    let end = loop {
        let mut chunk = [0u8; 1024];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "no handshake response",
            ));
        }
        head.extend_from_slice(&chunk[..n]);
        if let Some(pos) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    if !head.starts_with(b"HTTP/1.1 101") {
        return Err(io::Error::other(format!(
            "{slug}: handshake refused: {}",
            String::from_utf8_lossy(&head[..head.len().min(40)])
        )));
    }
    Ok((stream, head.split_off(end)))
}

/// One frame at the start of `buf`: `(opcode, payload range, frame length)`, or `None` until
/// the whole frame is in.
fn frame(buf: &[u8]) -> Option<(u8, std::ops::Range<usize>, usize)> {
    let (&b0, &b1) = (buf.first()?, buf.get(1)?);
    let (len, header) = match b1 & 0x7f {
        126 => (
            usize::from(u16::from_be_bytes([*buf.get(2)?, *buf.get(3)?])),
            4,
        ),
        127 => (
            usize::try_from(u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?)).ok()?,
            10,
        ),
        n => (usize::from(n), 2),
    };
    let end = header + len;
    (buf.len() >= end).then_some((b0 & 0x0f, header..end, end))
}

/// The masked text frame of the reply to `!ping <seq>`.
fn pong_frame(seq: &str) -> Vec<u8> {
    let text =
        format!(r#"{{"action":"message","data":{{"message":"pong {seq}","guid":"floor-{seq}"}}}}"#);
    let mask: [u8; 4] = rand::random();
    let mut out = Vec::with_capacity(text.len() + 8);
    out.push(0x81);
    if text.len() < 126 {
        out.push(0x80 | text.len() as u8);
    } else {
        out.push(0x80 | 126);
        out.extend_from_slice(&(text.len() as u16).to_be_bytes());
    }
    out.extend_from_slice(&mask);
    out.extend(text.bytes().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
    out
}

/// Reads frames until the socket closes, answering `!ping <seq>`.
async fn serve(mut stream: TcpStream, mut buf: Vec<u8>) {
    const TEXT: u8 = 1;
    const CLOSE: u8 = 8;
    let mut len = buf.len();
    loop {
        while let Some((opcode, payload, end)) = frame(&buf[..len]) {
            if opcode == CLOSE {
                return;
            }
            let body = &buf[payload];
            let seq = (opcode == TEXT)
                .then(|| body.windows(6).position(|w| w == b"!ping "))
                .flatten()
                .map(|at| {
                    let digits = &body[at + 6..];
                    let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
                    String::from_utf8_lossy(&digits[..n]).into_owned()
                });
            if let Some(seq) = seq
                && stream.write_all(&pong_frame(&seq)).await.is_err()
            {
                return;
            }
            buf.copy_within(end..len, 0);
            len -= end;
        }
        if buf.len() - len < 1024 {
            buf.resize(len + 1024, 0);
        }
        match stream.read(&mut buf[len..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => len += n,
        }
    }
}
