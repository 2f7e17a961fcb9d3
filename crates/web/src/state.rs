use std::sync::Arc;

use chrono::{DateTime, Utc};
use onething_domain::Calendar;
use onething_domain::rules::MaternityParams;
use onething_store::Store;

use crate::auth::AuthConfig;
use crate::documents::DocumentFonts;

/// The current instant. Production reads the system clock; tests inject a fixed or moving one.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every handler can reach: the store and the working-day calendar in force.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub calendar: Arc<Calendar>,
    pub clock: Clock,
    /// Sign-in, session and cookie settings.
    pub auth: Arc<AuthConfig>,
    /// The maternity-allowance parameters in force, and the file's text as loaded (shown to
    /// administrators with its source notes).
    pub params: Arc<MaternityParams>,
    pub params_text: Arc<str>,
    /// The CJK fonts the printed forms embed, loaded on first use.
    pub fonts: Arc<DocumentFonts>,
    /// The newborn bundle's city (`[newborn] city`); without it the bundle takes no
    /// applications (503 `NEWBORN_NOT_CONFIGURED`).
    pub newborn: Option<onething_services::newborn::Newborn>,
}

impl AppState {
    pub fn new(store: Store, calendar: Calendar) -> Self {
        AppState {
            store,
            calendar: Arc::new(calendar),
            clock: Arc::new(Utc::now),
            auth: Arc::new(AuthConfig::default()),
            params: Arc::new(MaternityParams::shipped()),
            params_text: Arc::from(onething_domain::rules::params::SHIPPED_MATERNITY_TOML),
            fonts: Arc::new(DocumentFonts::new(None)),
            newborn: None,
        }
    }

    /// The same state serving the newborn bundle in `city` (`[newborn] city`).
    pub fn with_newborn_city(mut self, city: onething_domain::RegionCode) -> Self {
        self.newborn = Some(onething_services::newborn::Newborn { city });
        self
    }

    /// The same state with a validated parameter file (`--params`, `[rules] params`).
    pub fn with_params(mut self, text: String, params: MaternityParams) -> Self {
        self.params = Arc::new(params);
        self.params_text = Arc::from(text);
        self
    }

    /// The same state with the printed forms' font file (`[documents] font`).
    pub fn with_font(mut self, path: Option<std::path::PathBuf>) -> Self {
        self.fonts = Arc::new(DocumentFonts::new(path));
        self
    }

    /// The same state reading time from `clock` (tests: session expiry, throttling windows).
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The same state with other sign-in settings (`secure_cookies`, test password cost).
    pub fn with_auth(mut self, auth: AuthConfig) -> Self {
        self.auth = Arc::new(auth);
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The services layer over this state's store, rules and calendar (cheap: shared handles).
    pub fn services(&self) -> onething_services::Services {
        onething_services::Services {
            store: self.store.clone(),
            params: self.params.clone(),
            calendar: self.calendar.clone(),
        }
    }
}
