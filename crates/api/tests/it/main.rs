//! The integration tests of `api`, one module per area, built as one test binary (one
//! link instead of one per file).

mod async_common;
mod web_common;

mod api_async;
mod api_json;
mod api_racetime;
mod async_scenario;
mod browser_async;
mod browser_triforce;
mod routes;
mod web_async;
mod web_login;
mod web_pages;
mod web_ranked;
mod web_submit;
