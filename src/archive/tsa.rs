//! Asking an RFC 3161 time-stamping authority (TSA) for a token over a hash, over plain
//! HTTP/1.1 (`http://`): the token is itself signed, so the transport needs no secrecy.
//!
//! The answer is outside bytes: the connection times out, the response is read up to a
//! bound, and the token is checked before anyone embeds it (its message imprint is the hash
//! asked for, its nonce is the one sent, the TSA's signature holds).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use der::asn1::{Int, OctetString};
use der::{Any, Decode, Encode, Tagged};

use crate::diagnostic::Message;
use crate::message;

/// The most a TSA's answer may be: a token with its certificate chain is a few KB.
const MAX_RESPONSE: usize = 256 << 10;
/// How long connecting, and the whole exchange, may take.
const CONNECT: Duration = Duration::from_secs(10);
const EXCHANGE: Duration = Duration::from_secs(30);

/// TimeStampReq (RFC 3161 §2.4.1) for a SHA-256 hash, asking for the TSA's certificate.
#[derive(der::Sequence)]
struct TimeStampReq {
    version: u8,
    message_imprint: Imprint,
    nonce: Int,
    cert_req: bool,
}

#[derive(der::Sequence)]
struct Imprint {
    hash_algorithm: spki::AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

/// A checked token: its DER (a CMS ContentInfo) and the time it states (genTime).
pub struct Token {
    pub der: Vec<u8>,
    pub time: Option<String>,
}

/// A token from the TSA at `url` over `covered` (the bytes timestamped, in parts), checked.
/// Messages name the URL.
pub fn stamp(url: &str, covered: &[&[u8]]) -> Result<Token, Message> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    for part in covered {
        hasher.update(part);
    }
    let sha256 = hasher.finalize();
    let sha256 = sha256.as_slice();
    let nonce = nonce();
    let request = TimeStampReq {
        version: 1,
        message_imprint: Imprint {
            hash_algorithm: spki::AlgorithmIdentifierOwned {
                oid: const_oid::db::rfc5912::ID_SHA_256,
                parameters: None,
            },
            hashed_message: OctetString::new(sha256)
                .map_err(|_| bad(url, &why("สร้างคำขอไม่ได้", "cannot encode the request")))?,
        },
        nonce: Int::new(&nonce)
            .map_err(|_| bad(url, &why("สร้างคำขอไม่ได้", "cannot encode the request")))?,
        cert_req: true,
    }
    .to_der()
    .map_err(|_| bad(url, &why("สร้างคำขอไม่ได้", "cannot encode the request")))?;
    let answer = post(url, &request)?;
    let token = token(&answer).map_err(|why| bad(url, &why))?;
    check(&token, covered, sha256, &nonce).map_err(|why| bad(url, &why))
}

/// A reason in both languages.
fn why(thai: &str, english: &str) -> Message {
    Message::new(thai, english)
}

/// The TSA's answer is not a token this program can embed.
fn bad(url: &str, why: &Message) -> Message {
    message!(
        "ผู้ให้บริการตราประทับเวลา {url} ตอบไม่ถูกต้อง: {why}",
        "the time-stamping authority {url} gave a bad answer: {why}"
    )
}

/// Eight random bytes as a positive INTEGER's content (first byte 0x01–0x7f).
fn nonce() -> Vec<u8> {
    let mut bytes = [0u8; 8];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        use sha2::Digest;
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        bytes.copy_from_slice(&sha2::Sha256::digest(seed.as_bytes())[..8]);
    }
    bytes[0] = bytes[0] & 0x7f | 0x01;
    bytes.to_vec()
}

/// The token of a TimeStampResp: status granted (0) or granted with mods (1).
fn token(answer: &[u8]) -> Result<Vec<u8>, Message> {
    let not = || {
        why(
            "คำตอบไม่ใช่ TimeStampResp",
            "the answer is not a TimeStampResp",
        )
    };
    let parts = Vec::<Any>::from_der(answer).map_err(|_| not())?;
    let status = parts
        .first()
        .and_then(|s| Vec::<Any>::from_der(&s.to_der().ok()?).ok())
        .and_then(|s| s.first()?.decode_as::<u32>().ok())
        .ok_or_else(not)?;
    if status > 1 {
        return Err(message!(
            "ปฏิเสธคำขอ (PKIStatus {status})",
            "the request was refused (PKIStatus {status})"
        ));
    }
    let token = parts
        .get(1)
        .ok_or_else(|| why("อนุมัติแต่ไม่ส่งตราประทับเวลามา", "granted, but no token came"))?;
    token.to_der().map_err(|_| not())
}

/// Checks a token: the imprint is `sha256`, the nonce is `nonce`, the TSA's signature holds.
fn check(token: &[u8], covered: &[&[u8]], sha256: &[u8], nonce: &[u8]) -> Result<Token, Message> {
    let tst = super::cades::tst_info(token)?;
    let damaged = || why("TSTInfo เสียหาย", "damaged TSTInfo");
    let fields = Vec::<Any>::from_der(&tst).map_err(|_| damaged())?;
    let imprint: Imprint = fields
        .get(2)
        .ok_or_else(damaged)?
        .decode_as()
        .map_err(|_| damaged())?;
    if imprint.hash_algorithm.oid != const_oid::db::rfc5912::ID_SHA_256
        || imprint.hashed_message.as_bytes() != sha256
    {
        return Err(why(
            "ตราประทับเวลาเป็นของข้อมูลอื่น (message imprint ไม่ตรงกับค่าแฮชที่ส่งไป)",
            "the token is for other data (its message imprint is not the hash sent)",
        ));
    }
    let theirs = fields
        .iter()
        .skip(5)
        .find(|f| f.tag() == der::Tag::Integer)
        .map(|f| f.value());
    if theirs != Some(nonce) {
        return Err(why(
            "nonce ของตราประทับเวลาไม่ใช่ค่าที่ส่งไป",
            "the token's nonce is not the one sent",
        ));
    }
    let checked = super::cades::check(token, covered)?;
    checked.intact?;
    Ok(Token {
        der: token.to_vec(),
        time: checked.time,
    })
}

/// The parts of an `http://host[:port]/path` URL.
pub fn parse_url(url: &str) -> Result<(String, u16, String), Message> {
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(message!(
            "ที่อยู่ผู้ให้บริการตราประทับเวลา {url} ต้องขึ้นต้นด้วย http:// (ita-report ยังไม่รองรับ https; ตราประทับเวลาลงนามในตัวอยู่แล้ว)",
            "the time-stamping authority's address {url} must start with http:// (ita-report does not speak https; the token is signed itself)"
        ));
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().ok()),
        None => (authority, Some(80)),
    };
    match port {
        Some(port) if !host.is_empty() && !path.contains(['\r', '\n', ' ']) => {
            Ok((host.to_owned(), port, path.to_owned()))
        }
        _ => Err(message!(
            "ที่อยู่ผู้ให้บริการตราประทับเวลา {url} ไม่ถูกต้อง",
            "the time-stamping authority's address {url} is not a valid http:// URL"
        )),
    }
}

/// POSTs `body` as application/timestamp-query; the response body of a 200 answer.
fn post(url: &str, body: &[u8]) -> Result<Vec<u8>, Message> {
    let (host, port, path) = parse_url(url)?;
    let unreachable = |why: String| {
        message!(
            "ติดต่อผู้ให้บริการตราประทับเวลา {url} ไม่ได้: {why}",
            "cannot reach the time-stamping authority {url}: {why}"
        )
    };
    let addresses: Vec<_> = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?
        .collect();
    let mut stream = addresses
        .iter()
        .find_map(|a| TcpStream::connect_timeout(a, CONNECT).ok())
        .ok_or_else(|| unreachable("connection refused or timed out".into()))?;
    let deadline = Instant::now() + EXCHANGE;
    let _ = stream.set_write_timeout(Some(EXCHANGE));
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/timestamp-query\r\nAccept: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(&[head.as_bytes(), body].concat())
        .map_err(|e| unreachable(e.to_string()))?;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 16 << 10];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(unreachable("no complete answer in 30 seconds".into()));
        }
        let _ = stream.set_read_timeout(Some(left));
        let n = stream
            .read(&mut buffer)
            .map_err(|e| unreachable(e.to_string()))?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..n]);
        if answer.len() > MAX_RESPONSE {
            let kb = MAX_RESPONSE >> 10;
            return Err(bad(
                url,
                &message!("คำตอบยาวเกิน {kb} KB", "the answer is larger than {kb} KB"),
            ));
        }
        if complete(&answer) {
            break;
        }
    }
    response_body(&answer).map_err(|why| bad(url, &why))
}

/// Whether a response with a Content-Length has all its body.
fn complete(answer: &[u8]) -> bool {
    let Some(end) = super::pdfobj::find(answer, b"\r\n\r\n", 0) else {
        return false;
    };
    content_length(&answer[..end]).is_some_and(|n| answer.len() >= end + 4 + n)
}

fn content_length(head: &[u8]) -> Option<usize> {
    String::from_utf8_lossy(head).lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

/// The body of an HTTP/1.1 response that must be `200`: by Content-Length, chunked, or to
/// the end of the connection.
pub fn response_body(answer: &[u8]) -> Result<Vec<u8>, Message> {
    let not_http = || why("คำตอบไม่ใช่ HTTP", "not an HTTP response");
    let end = super::pdfobj::find(answer, b"\r\n\r\n", 0).ok_or_else(not_http)?;
    let head = String::from_utf8_lossy(&answer[..end]);
    let status = head.lines().next().unwrap_or_default();
    let code = status.split_whitespace().nth(1).unwrap_or_default();
    if !status.starts_with("HTTP/1.") {
        return Err(not_http());
    }
    if code != "200" {
        let status = status.trim();
        return Err(message!("HTTP ตอบ {status}", "HTTP status {status}"));
    }
    let body = &answer[end + 4..];
    let chunked = head.lines().any(|l| {
        l.split_once(':').is_some_and(|(n, v)| {
            n.trim().eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")
        })
    });
    if chunked {
        return dechunk(body);
    }
    match content_length(&answer[..end]) {
        Some(n) => body.get(..n).map(<[u8]>::to_vec).ok_or_else(cut),
        None => Ok(body.to_vec()),
    }
}

fn cut() -> Message {
    why("คำตอบขาดหาย", "the answer was cut short")
}

/// A chunked body joined (already bounded by the response's size).
fn dechunk(mut body: &[u8]) -> Result<Vec<u8>, Message> {
    let mut out = Vec::new();
    loop {
        let line = super::pdfobj::find(body, b"\r\n", 0).ok_or_else(cut)?;
        let size = String::from_utf8_lossy(&body[..line]);
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| why("คำตอบแบบ chunked เสียหาย", "a damaged chunked answer"))?;
        if size == 0 {
            return Ok(out);
        }
        let start = line + 2;
        let chunk = body
            .get(start..start.saturating_add(size))
            .ok_or_else(cut)?;
        out.extend_from_slice(chunk);
        body = body.get(start + size + 2..).ok_or_else(cut)?;
    }
}
