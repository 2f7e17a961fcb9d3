//! The platform's own Ed25519 key, which signs its deliveries to departments (EX-6). It
//! lives outside the database, in a file only the server's account reads (PKCS#8 PEM, as
//! `onething dept keygen` writes), so a copy of the database (a backup, a replica, a leaked
//! dump) cannot forge the platform's deliveries. Every app server of one platform reads the
//! same file. Rotation: configure the new key and list the old public key as retired; both
//! are published (`GET /api/v1/exchange/platform-keys`) until the retired one is dropped.

use std::path::Path;

use onething_exchange::signature::{self, SigningKey, VerifyingKey};

/// The key that signs now, and the public keys of earlier ones still published.
#[derive(Clone)]
pub struct PlatformKeys {
    current: SigningKey,
    retired: Vec<VerifyingKey>,
}

impl std::fmt::Debug for PlatformKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the private key.
        f.debug_struct("PlatformKeys")
            .field("current", &signature::key_id(&self.current.verifying_key()))
            .field("retired", &self.retired.len())
            .finish()
    }
}

/// One published public key.
pub struct PublishedKey {
    pub key_id: String,
    pub public_key_pem: String,
    pub current: bool,
}

impl PlatformKeys {
    pub fn new(current: SigningKey, retired: Vec<VerifyingKey>) -> Self {
        PlatformKeys { current, retired }
    }

    /// A key that lives as long as the process (tests, and the demo's fresh database).
    pub fn ephemeral() -> Result<Self, String> {
        let key = signature::generate_signing_key().map_err(|e| e.to_string())?;
        Ok(Self::new(key, Vec::new()))
    }

    /// The current key from `key_file` (PKCS#8 PEM) and retired public keys (SPKI PEM).
    pub fn from_files(key_file: &Path, retired: &[impl AsRef<Path>]) -> Result<Self, String> {
        let current = signature::read_signing_key(key_file)
            .map_err(|e| format!("{}: {e}", key_file.display()))?;
        let retired = retired
            .iter()
            .map(|path| {
                let path = path.as_ref();
                signature::read_verifying_key(path).map_err(|e| format!("{}: {e}", path.display()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(current, retired))
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.current
    }

    /// The current public key first, then the retired ones.
    pub fn published(&self) -> Vec<PublishedKey> {
        let current = self.current.verifying_key();
        std::iter::once((current, true))
            .chain(self.retired.iter().map(|k| (*k, false)))
            .filter_map(|(key, current)| {
                Some(PublishedKey {
                    key_id: signature::key_id(&key),
                    public_key_pem: signature::verifying_key_to_pem(&key).ok()?,
                    current,
                })
            })
            .collect()
    }
}
