use std::sync::Arc;

use onething_domain::Calendar;
use onething_store::Store;

/// What every handler can reach: the store and the working-day calendar in force.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub calendar: Arc<Calendar>,
}

impl AppState {
    pub fn new(store: Store, calendar: Calendar) -> Self {
        AppState {
            store,
            calendar: Arc::new(calendar),
        }
    }
}
