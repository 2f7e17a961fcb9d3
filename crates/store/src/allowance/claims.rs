//! Claims: opening, facts from shared data, submission with smart review, clerk review.
