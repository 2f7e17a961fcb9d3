//! Usernames and the rules a new password must meet.

use std::fmt;

/// Fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Most characters a password may have: hashing is deliberately slow, so an unbounded
/// password would be a cheap way to burn the server's CPU.
pub const MAX_PASSWORD_CHARS: usize = 256;
const MAX_USERNAME_CHARS: usize = 64;

/// Why a username or a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("username is empty")]
    EmptyUsername,
    #[error("username is longer than {MAX_USERNAME_CHARS} characters")]
    UsernameTooLong,
    #[error("username may contain only ASCII letters, digits and . _ - @, found {0:?}")]
    UsernameCharacter(char),
    #[error("password is empty")]
    EmptyPassword,
    #[error("password has {found} characters, at least {MIN_PASSWORD_CHARS} are required")]
    PasswordTooShort { found: usize },
    #[error("password is longer than {MAX_PASSWORD_CHARS} characters")]
    PasswordTooLong,
}

impl AccountError {
    /// The field the error is about (`username` or `password`).
    pub fn field(&self) -> &'static str {
        match self {
            AccountError::EmptyUsername
            | AccountError::UsernameTooLong
            | AccountError::UsernameCharacter(_) => "username",
            _ => "password",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            AccountError::EmptyUsername => "用户名（username）不能为空".to_owned(),
            AccountError::UsernameTooLong => {
                format!("用户名（username）不能超过{MAX_USERNAME_CHARS}个字符")
            }
            AccountError::UsernameCharacter(c) => {
                format!("用户名（username）只能包含英文字母、数字和 . _ - @，不能包含“{c}”")
            }
            AccountError::EmptyPassword => "密码（password）不能为空".to_owned(),
            AccountError::PasswordTooShort { found } => {
                format!("密码（password）至少{MIN_PASSWORD_CHARS}个字符，实为{found}个")
            }
            AccountError::PasswordTooLong => {
                format!("密码（password）不能超过{MAX_PASSWORD_CHARS}个字符")
            }
        }
    }
}

/// A username: ASCII letters, digits and `. _ - @`, compared case-insensitively (stored in
/// lower case), so `Zhang.San` and `zhang.san` are one account and look-alike Unicode
/// letters cannot impersonate one.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Username, AccountError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(AccountError::EmptyUsername);
        }
        if text.chars().count() > MAX_USERNAME_CHARS {
            return Err(AccountError::UsernameTooLong);
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
        if let Some(bad) = text.chars().find(|c| !allowed(*c)) {
            return Err(AccountError::UsernameCharacter(bad));
        }
        Ok(Username(text.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Username({})", self.0)
    }
}

/// The rules for a new password: not empty, at least [`MIN_PASSWORD_CHARS`] characters, at
/// most [`MAX_PASSWORD_CHARS`]. Signing in checks only the upper bound.
pub fn check_new_password(password: &str) -> Result<(), AccountError> {
    let found = password.chars().count();
    if found == 0 {
        Err(AccountError::EmptyPassword)
    } else if found < MIN_PASSWORD_CHARS {
        Err(AccountError::PasswordTooShort { found })
    } else if found > MAX_PASSWORD_CHARS {
        Err(AccountError::PasswordTooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(
            Username::parse(" Zhang.San ").map(|u| u.to_string()),
            Ok("zhang.san".to_owned())
        );
        assert_eq!(Username::parse(""), Err(AccountError::EmptyUsername));
        assert_eq!(
            Username::parse("张三"),
            Err(AccountError::UsernameCharacter('张'))
        );
        assert_eq!(
            Username::parse(&"a".repeat(65)),
            Err(AccountError::UsernameTooLong)
        );
        assert!(Username::parse("clerk-01@cq").is_ok());
    }

    #[test]
    fn passwords() {
        assert_eq!(check_new_password(""), Err(AccountError::EmptyPassword));
        assert_eq!(
            check_new_password("1234567"),
            Err(AccountError::PasswordTooShort { found: 7 })
        );
        assert!(check_new_password("12345678").is_ok());
        assert!(
            check_new_password("密码密码密码密码").is_ok(),
            "characters, not bytes"
        );
        assert_eq!(
            check_new_password(&"x".repeat(257)),
            Err(AccountError::PasswordTooLong)
        );
        let err = AccountError::PasswordTooShort { found: 3 };
        assert!(err.message_zh().contains("password"));
        assert_eq!(err.field(), "password");
    }
}
