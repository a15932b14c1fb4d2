//! Prints the OpenAPI document of the machine routes (what `cargo xtask openapi` writes to
//! `docs/openapi.json`).

#[expect(clippy::print_stdout, reason = "the document is the program's output")]
fn main() {
    print!("{}", sahasrahbot_api::openapi_json());
}
