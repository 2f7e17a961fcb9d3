//! Password hashing with Argon2id. Hashing is deliberately slow (tens of milliseconds with
//! the default cost), so callers on an async runtime run it on a blocking thread.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::PasswordHasher;
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};

use crate::StoreError;

/// Hashes and verifies passwords. Cheap to clone.
#[derive(Clone)]
pub struct Passwords {
    argon: Argon2<'static>,
    /// A hash of a random password with the same cost, verified against when the username
    /// is unknown so that "no such user" takes as long as "wrong password".
    dummy: Arc<OnceLock<String>>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passwords(argon2id)")
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Passwords::new()
    }
}

impl Passwords {
    /// Argon2id with the crate's default parameters (19 MiB, 2 passes, 1 lane: the OWASP
    /// recommendation). The only constructor production code uses.
    pub fn new() -> Passwords {
        Passwords::with_argon(Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::default(),
        ))
    }

    /// Argon2id at a lower cost, so test suites that sign in hundreds of times stay fast.
    /// Never used in production: hashes record their parameters, and verifying a test hash
    /// uses the test cost.
    pub fn with_cost(memory_kib: u32, passes: u32) -> Result<Passwords, StoreError> {
        let params = Params::new(memory_kib, passes, 1, None)
            .map_err(|e| StoreError::corrupt(format!("argon2 parameters: {e}")))?;
        Ok(Passwords::with_argon(Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            params,
        )))
    }

    fn with_argon(argon: Argon2<'static>) -> Passwords {
        Passwords {
            argon,
            dummy: Arc::new(OnceLock::new()),
        }
    }

    /// A PHC string (`$argon2id$v=19$m=…`) with a fresh random salt.
    pub fn hash(&self, password: &str) -> Result<String, StoreError> {
        self.argon
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| StoreError::corrupt(format!("password hashing failed: {e}")))
    }

    /// True when `password` matches the PHC string. A malformed stored hash never matches.
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        self.argon.verify_password(password.as_bytes(), phc).is_ok()
    }

    /// Spends the time of one verification and fails: the answer for an unknown user.
    pub fn verify_dummy(&self, password: &str) -> bool {
        let dummy = self.dummy.get_or_init(|| {
            let mut random = [0u8; 16];
            // Without OS randomness the dummy is still a valid hash of *something*.
            let _ = getrandom::fill(&mut random);
            self.hash(&hex::encode(random)).unwrap_or_default()
        });
        let _ = self.verify(password, dummy);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let passwords = Passwords::with_cost(64, 1).expect("params");
        let a = passwords.hash("correct horse").expect("hash");
        let b = passwords.hash("correct horse").expect("hash");
        assert!(a.starts_with("$argon2id$v=19$"), "{a}");
        assert_ne!(a, b, "fresh salt each time");
        assert!(passwords.verify("correct horse", &a));
        assert!(!passwords.verify("correct horse!", &a));
        assert!(!passwords.verify("correct horse", "not a hash"));
        assert!(!passwords.verify_dummy("correct horse"));
    }

    #[test]
    fn production_cost_is_the_default() {
        let hash = Passwords::new().hash("12345678").expect("hash");
        assert!(hash.contains("m=19456,t=2,p=1"), "{hash}");
    }
}
