use std::sync::Arc;

use chrono::{DateTime, Utc};
use onething_domain::Calendar;
use onething_domain::rules::MaternityParams;
use onething_services::CalendarInForce;
use onething_store::Store;

use crate::auth::AuthConfig;
use crate::platform_key::PlatformKeys;

/// Until a key file is configured: a key of this process only. Key generation fails only
/// without operating-system randomness, when nothing else could work either.
fn ephemeral_key() -> PlatformKeys {
    #[expect(
        clippy::expect_used,
        reason = "no randomness: the process cannot run safely"
    )]
    PlatformKeys::ephemeral().expect("operating-system randomness")
}
use crate::documents::DocumentFonts;

/// The current instant. Production reads the system clock; tests inject a fixed or moving one.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every handler can reach: the store and the working-day calendar in force.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Replaced when an administrator loads a year's notice; read it with [`AppState::calendar`].
    pub calendar_in_force: CalendarInForce,
    pub clock: Clock,
    /// Sign-in, session and cookie settings.
    pub auth: Arc<AuthConfig>,
    /// The maternity-allowance parameters in force, and the file's text as loaded (shown to
    /// administrators with its source notes).
    pub params: Arc<MaternityParams>,
    pub params_text: Arc<str>,
    /// The CJK fonts the printed forms embed, loaded on first use.
    pub fonts: Arc<DocumentFonts>,
    /// Slots for department requests whose body is being read before their signature is
    /// verified ([`UNVERIFIED_UPLOADS`]).
    pub unverified: Arc<tokio::sync::Semaphore>,
    /// The platform's signing key (outside the database; see `platform_key.rs`).
    pub platform: Arc<PlatformKeys>,
    /// This process's request, latency and push counters (`/metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
    /// When set, `/metrics` wants `Authorization: Bearer` this token.
    pub metrics_token: Option<Arc<str>>,
    /// The newborn bundle's city (`[newborn] city`); without it the bundle takes no
    /// applications (503 `NEWBORN_NOT_CONFIGURED`).
    pub newborn: Option<onething_services::newborn::Newborn>,
    /// 免申即享 runs after pushes: one at a time (`automatic.rs`).
    pub automatic: Arc<crate::automatic::AutomaticTrigger>,
}

/// Department bodies read at once before their signature verifies (64 MiB each at most).
pub const UNVERIFIED_UPLOADS: usize = 4;

impl AppState {
    pub fn new(store: Store, calendar: Calendar) -> Self {
        AppState {
            store,
            calendar_in_force: CalendarInForce::new(calendar),
            clock: Arc::new(Utc::now),
            auth: Arc::new(AuthConfig::default()),
            params: Arc::new(MaternityParams::shipped()),
            params_text: Arc::from(onething_domain::rules::params::SHIPPED_MATERNITY_TOML),
            fonts: Arc::new(DocumentFonts::new(None)),
            unverified: Arc::new(tokio::sync::Semaphore::new(UNVERIFIED_UPLOADS)),
            platform: Arc::new(ephemeral_key()),
            metrics: Arc::default(),
            metrics_token: None,
            newborn: None,
            automatic: Arc::default(),
        }
    }

    /// The same state serving the newborn bundle in `city` (`[newborn] city`).
    pub fn with_newborn_city(mut self, city: onething_domain::RegionCode) -> Self {
        self.newborn = Some(onething_services::newborn::Newborn { city });
        self
    }

    /// The same state asking `/metrics` scrapers for `token` (`[server] metrics_token`).
    pub fn with_metrics_token(mut self, token: Option<String>) -> Self {
        self.metrics_token = token.map(Arc::from);
        self
    }

    /// The same state signing deliveries with `keys` (`onething serve`: the key file).
    pub fn with_platform_keys(mut self, keys: PlatformKeys) -> Self {
        self.platform = Arc::new(keys);
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

    /// The working-day calendar in force now (a snapshot; see `services::calendar`).
    pub fn calendar(&self) -> Arc<Calendar> {
        self.calendar_in_force.current()
    }

    /// The services layer over this state's store, rules and calendar (cheap: shared handles).
    pub fn services(&self) -> onething_services::Services {
        onething_services::Services::new(
            self.store.clone(),
            self.params.clone(),
            &self.calendar_in_force,
        )
    }
}
