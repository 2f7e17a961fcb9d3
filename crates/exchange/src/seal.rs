//! The platform's electronic seal on the documents it issues (电子印章, seed 003 附件2
//! 一(一)2): an Ed25519 signature appended to the document as its last line, so the file
//! stays an ordinary PDF (readers ignore a comment after `%%EOF`) and a department can
//! check it offline with the platform's public key (`GET /api/v1/exchange/platform-key`).
//!
//! The signed bytes are the UTF-8 text `ONETHING-SEAL-V1\n{hex lowercase sha256 of the
//! document}`, where the document is every byte before the seal line; the seal line is
//! `%ONETHING-SEAL-V1 {base64 signature}\n`. With OpenSSL 3:
//!
//! ```text
//! head -c -$(tail -n1 notice.pdf | wc -c) notice.pdf > doc.pdf
//! tail -n1 notice.pdf | cut -d' ' -f2 | base64 -d > seal.sig
//! printf 'ONETHING-SEAL-V1\n%s' "$(sha256sum doc.pdf | cut -c1-64)" > signed.txt
//! openssl pkeyutl -verify -pubin -inkey platform.pub -rawin -in signed.txt -sigfile seal.sig
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer as _};
use sha2::{Digest, Sha256};

use crate::signature::{SignatureError, SigningKey, VerifyingKey};

/// The seal line's marker and the signed text's first line.
pub const SEAL_SCHEME: &str = "ONETHING-SEAL-V1";

fn signed_text(document: &[u8]) -> String {
    format!("{SEAL_SCHEME}\n{}", hex::encode(Sha256::digest(document)))
}

/// The document with the platform's seal line appended (after a newline, added when the
/// document does not end with one; the newline is then part of what is signed).
pub fn seal(key: &SigningKey, document: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(document.len() + 110);
    out.extend_from_slice(document);
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let signature = key.sign(signed_text(&out).as_bytes());
    out.extend_from_slice(
        format!("%{SEAL_SCHEME} {}\n", BASE64.encode(signature.to_bytes())).as_bytes(),
    );
    out
}

/// Checks a sealed document and returns the document without its seal line.
pub fn verify_sealed<'a>(key: &VerifyingKey, sealed: &'a [u8]) -> Result<&'a [u8], SignatureError> {
    let body = sealed
        .strip_suffix(b"\n")
        .ok_or(SignatureError::Malformed)?;
    let start = body.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let line = std::str::from_utf8(&body[start..]).map_err(|_| SignatureError::Malformed)?;
    let encoded = line
        .strip_prefix(&format!("%{SEAL_SCHEME} "))
        .ok_or(SignatureError::Malformed)?;
    let bytes = BASE64
        .decode(encoded)
        .map_err(|_| SignatureError::Malformed)?;
    let bytes: [u8; 64] = bytes.try_into().map_err(|_| SignatureError::Malformed)?;
    let document = &sealed[..start];
    key.verify_strict(
        signed_text(document).as_bytes(),
        &Signature::from_bytes(&bytes),
    )
    .map_err(|_| SignatureError::Invalid)?;
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::generate_signing_key;

    #[test]
    fn a_sealed_document_verifies_and_any_change_breaks_it() {
        let key = generate_signing_key().expect("key");
        let doc = b"%PDF-1.7\n...\n%%EOF";
        let sealed = seal(&key, doc);
        assert_eq!(
            verify_sealed(&key.verifying_key(), &sealed),
            Ok(&b"%PDF-1.7\n...\n%%EOF\n"[..])
        );
        let mut tampered = sealed.clone();
        tampered[5] ^= 1;
        assert_eq!(
            verify_sealed(&key.verifying_key(), &tampered),
            Err(SignatureError::Invalid)
        );
        let other = generate_signing_key().expect("key");
        assert_eq!(
            verify_sealed(&other.verifying_key(), &sealed),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            verify_sealed(&key.verifying_key(), doc),
            Err(SignatureError::Malformed),
            "no seal line"
        );
    }
}
