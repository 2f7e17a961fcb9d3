//! Signed department pushes (contract, "Department pushes").
//!
//! A department signs every request with its Ed25519 private key. The signed bytes are the
//! UTF-8 **signing string**
//!
//! ```text
//! ONETHING-V1\n{METHOD}\n{PATH}\n{TIMESTAMP}\n{hex lowercase sha256 of body}
//! ```
//!
//! where METHOD is the upper-case HTTP method, PATH the request path without query
//! (`/api/v1/exchange/birth-certificates`), TIMESTAMP the decimal Unix seconds sent in
//! `X-Onething-Timestamp`, and the last line the SHA-256 of the exact body bytes. There is
//! no trailing newline. The signature travels base64 (standard alphabet, padded) in
//! `X-Onething-Signature`.
//!
//! Stable API (the `onething push` client and the server both use it):
//! - [`signing_string`], [`body_sha256_hex`]: what is signed;
//! - [`sign`] → base64 signature; [`verify`] with `verify_strict` (rejects weak keys and
//!   malleable signatures);
//! - [`check_timestamp`]: at most [`MAX_CLOCK_SKEW_SECS`] either way;
//! - keys: [`generate_signing_key`], [`key_id`], [`signing_key_from_pem`] / [`signing_key_to_pem`]
//!   (PKCS#8 PEM, `-----BEGIN PRIVATE KEY-----`, as `openssl genpkey -algorithm ed25519`
//!   writes), [`verifying_key_from_pem`] / [`verifying_key_to_pem`] (SPKI PEM,
//!   `-----BEGIN PUBLIC KEY-----`), [`read_signing_key`] / [`read_verifying_key`] from files.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::Signature;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};
use sha2::{Digest, Sha256};

pub use ed25519_dalek::{SigningKey, VerifyingKey};

/// First line of the signing string; a later scheme would change it.
pub const SCHEME: &str = "ONETHING-V1";
/// Header naming the pushing department.
pub const HEADER_DEPT: &str = "x-onething-dept";
/// Header carrying the Unix seconds that were signed.
pub const HEADER_TIMESTAMP: &str = "x-onething-timestamp";
/// Header carrying the base64 signature.
pub const HEADER_SIGNATURE: &str = "x-onething-signature";
/// How far a request's timestamp may be from the server's clock, either way.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// Why a signed request is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature is not base64 of 64 bytes")]
    Malformed,
    #[error("signature does not verify")]
    Invalid,
    #[error("timestamp {timestamp} is more than {MAX_CLOCK_SKEW_SECS} s from server time {now}")]
    Stale { timestamp: i64, now: i64 },
}

impl SignatureError {
    /// The contract's error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed | Self::Invalid => "BAD_SIGNATURE",
            Self::Stale { .. } => "STALE_TIMESTAMP",
        }
    }

    /// The message shown to the department's engineers.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Malformed => "签名格式错误：应为64字节签名的base64（标准字母表，带填充）".into(),
            Self::Invalid => "签名验证失败：请检查签名串、私钥与请求体".into(),
            Self::Stale { timestamp, now } => {
                format!("时间戳{timestamp}与服务器时间{now}相差超过{MAX_CLOCK_SKEW_SECS}秒")
            }
        }
    }
}

/// Why a key could not be read, written or generated.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("not an Ed25519 private key in PKCS#8 PEM: {0}")]
    PrivatePem(String),
    #[error("not an Ed25519 public key in SPKI PEM: {0}")]
    PublicPem(String),
    #[error("cannot encode the key: {0}")]
    Encode(String),
    #[error("no system randomness: {0}")]
    Random(String),
    #[error("cannot read key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Lower-case hex SHA-256 of the body, the last line of the signing string.
pub fn body_sha256_hex(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The exact text that is signed (no trailing newline).
pub fn signing_string(method: &str, path: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "{SCHEME}\n{}\n{path}\n{timestamp}\n{}",
        method.to_ascii_uppercase(),
        body_sha256_hex(body)
    )
}

/// Signs a request; the result goes in `X-Onething-Signature`.
pub fn sign(key: &SigningKey, method: &str, path: &str, timestamp: i64, body: &[u8]) -> String {
    use ed25519_dalek::Signer as _;
    let text = signing_string(method, path, timestamp, body);
    BASE64.encode(key.sign(text.as_bytes()).to_bytes())
}

/// Checks a request's signature. Strict verification: weak public keys and
/// non-canonical signatures are refused, so a signature cannot be altered into another
/// valid one.
pub fn verify(
    public_key: &VerifyingKey,
    method: &str,
    path: &str,
    timestamp: i64,
    body: &[u8],
    signature_b64: &str,
) -> Result<(), SignatureError> {
    let signature = decode_signature(signature_b64)?;
    let text = signing_string(method, path, timestamp, body);
    public_key
        .verify_strict(text.as_bytes(), &signature)
        .map_err(|_| SignatureError::Invalid)
}

fn decode_signature(signature_b64: &str) -> Result<Signature, SignatureError> {
    let bytes = BASE64
        .decode(signature_b64.trim())
        .map_err(|_| SignatureError::Malformed)?;
    let bytes: [u8; 64] = bytes.try_into().map_err(|_| SignatureError::Malformed)?;
    Ok(Signature::from_bytes(&bytes))
}

/// Refuses a timestamp more than [`MAX_CLOCK_SKEW_SECS`] away from `now` (both Unix
/// seconds). This bounds how long a captured request can be replayed; replays inside
/// the window are harmless because ingest is idempotent.
pub fn check_timestamp(timestamp: i64, now: i64) -> Result<(), SignatureError> {
    if timestamp.abs_diff(now) > MAX_CLOCK_SKEW_SECS.unsigned_abs() {
        return Err(SignatureError::Stale { timestamp, now });
    }
    Ok(())
}

/// A short, stable name for a public key: the first 16 hex digits of the SHA-256 of its
/// 32 raw bytes. Shown by `onething dept keygen` and `dept keys`, stored with push receipts.
pub fn key_id(key: &VerifyingKey) -> String {
    let mut id = hex::encode(Sha256::digest(key.as_bytes()));
    id.truncate(16);
    id
}

/// A fresh key from the operating system's randomness.
pub fn generate_signing_key() -> Result<SigningKey, KeyError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&secret))
}

/// Reads a PKCS#8 PEM private key (v1 as OpenSSL writes it, or v2 with the public key).
pub fn signing_key_from_pem(pem: &str) -> Result<SigningKey, KeyError> {
    SigningKey::from_pkcs8_pem(pem.trim()).map_err(|e| KeyError::PrivatePem(e.to_string()))
}

/// Writes a PKCS#8 v1 PEM private key: the form OpenSSL and every other tool reads.
/// The text holds the secret: write it to a file only readable by its owner.
pub fn signing_key_to_pem(key: &SigningKey) -> Result<String, KeyError> {
    let bytes = KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    };
    bytes
        .to_pkcs8_pem(LineEnding::LF)
        .map(|pem| pem.to_string())
        .map_err(|e| KeyError::Encode(e.to_string()))
}

/// Reads an SPKI PEM public key (`openssl pkey -pubout` output).
pub fn verifying_key_from_pem(pem: &str) -> Result<VerifyingKey, KeyError> {
    VerifyingKey::from_public_key_pem(pem.trim()).map_err(|e| KeyError::PublicPem(e.to_string()))
}

/// Writes an SPKI PEM public key.
pub fn verifying_key_to_pem(key: &VerifyingKey) -> Result<String, KeyError> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| KeyError::Encode(e.to_string()))
}

/// Reads a private key file ([`signing_key_from_pem`]).
pub fn read_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    signing_key_from_pem(&read(path)?)
}

/// Reads a public key file ([`verifying_key_from_pem`]).
pub fn read_verifying_key(path: &Path) -> Result<VerifyingKey, KeyError> {
    verifying_key_from_pem(&read(path)?)
}

fn read(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests;
