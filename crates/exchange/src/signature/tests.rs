use super::*;

/// Made with `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` (docs/exchange.md).
const OPENSSL_KEY: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIFom9DQjoRvBj+99AD0++jR7YoRW5nsAn91owkzoJR+V
-----END PRIVATE KEY-----
";
const OPENSSL_PUB: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAn0VMt7UTDPhAu1+C7oHkabbgmnh47MMAU6HDgK2RhNM=
-----END PUBLIC KEY-----
";
/// `openssl pkeyutl -sign -rawin -inkey dept.key -in sts.txt | base64 -w0` over the
/// signing string of `{"records":[]}` at 1700000000.
const OPENSSL_SIGNATURE: &str =
    "jZo6D5xXLWBk6SxZxRRriNxdUFV6DoFepncIeEAuJm3O/VT6vU8e2XDg53xIU6pyqX+e8PWmQvBABo7RfyKUDw==";
const PATH: &str = "/api/v1/exchange/marriages";
const BODY: &[u8] = br#"{"records":[]}"#;

#[test]
fn signing_string_matches_the_contract() {
    assert_eq!(
        signing_string("post", PATH, 1_700_000_000, BODY),
        "ONETHING-V1\nPOST\n/api/v1/exchange/marriages\n1700000000\n\
         1b8b4c0b6f6ad1d32565952720bc004eeb1f188f62045e4d5525ae2af8c78432"
    );
}

#[test]
fn an_openssl_signature_verifies() {
    let public = verifying_key_from_pem(OPENSSL_PUB).expect("public key");
    verify(
        &public,
        "POST",
        PATH,
        1_700_000_000,
        BODY,
        OPENSSL_SIGNATURE,
    )
    .expect("verifies");
    let private = signing_key_from_pem(OPENSSL_KEY).expect("private key");
    assert_eq!(private.verifying_key(), public);
    // Ed25519 is deterministic: we produce the very same signature.
    assert_eq!(
        sign(&private, "POST", PATH, 1_700_000_000, BODY),
        OPENSSL_SIGNATURE
    );
}

#[test]
fn any_change_breaks_the_signature() {
    let key = generate_signing_key().expect("key");
    let public = key.verifying_key();
    let signature = sign(&key, "POST", PATH, 42, BODY);
    verify(&public, "POST", PATH, 42, BODY, &signature).expect("verifies");
    let refusals = [
        verify(&public, "PUT", PATH, 42, BODY, &signature),
        verify(&public, "POST", "/api/v1/exchange/x", 42, BODY, &signature),
        verify(&public, "POST", PATH, 43, BODY, &signature),
        verify(&public, "POST", PATH, 42, b"{}", &signature),
    ];
    for refusal in refusals {
        assert_eq!(refusal, Err(SignatureError::Invalid));
    }
    let other = generate_signing_key().expect("key").verifying_key();
    assert_eq!(
        verify(&other, "POST", PATH, 42, BODY, &signature),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn malformed_signatures_are_named() {
    let public = generate_signing_key().expect("key").verifying_key();
    for bad in ["", "not base64!", "AAAA"] {
        let refusal = verify(&public, "POST", PATH, 1, BODY, bad).expect_err("refused");
        assert_eq!(refusal, SignatureError::Malformed);
        assert_eq!(refusal.code(), "BAD_SIGNATURE");
    }
}

#[test]
fn timestamps_within_five_minutes_pass() {
    let now = 1_700_000_000;
    assert!(check_timestamp(now - 300, now).is_ok());
    assert!(check_timestamp(now + 300, now).is_ok());
    let stale = check_timestamp(now - 301, now).expect_err("stale");
    assert_eq!(stale.code(), "STALE_TIMESTAMP");
    assert!(check_timestamp(now + 301, now).is_err());
    assert!(check_timestamp(i64::MIN, now).is_err());
}

#[test]
fn pem_round_trips() {
    let key = generate_signing_key().expect("key");
    let private = signing_key_to_pem(&key).expect("pem");
    assert!(private.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(signing_key_from_pem(&private).expect("read back"), key);
    let public = verifying_key_to_pem(&key.verifying_key()).expect("pem");
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_eq!(
        verifying_key_from_pem(&public).expect("read back"),
        key.verifying_key()
    );
    assert!(matches!(
        verifying_key_from_pem(OPENSSL_KEY),
        Err(KeyError::PublicPem(_))
    ));
    assert!(matches!(
        signing_key_from_pem(OPENSSL_PUB),
        Err(KeyError::PrivatePem(_))
    ));
}
