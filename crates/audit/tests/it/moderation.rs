//! Moderation (`discord.md` §8 rows MO1–MO5) through the fake Discord: each rule with a
//! member who is caught and one who is not.

use crate::common;

use std::time::Duration;

use common::{CHANNEL, GUILD, Harness, Setup, hours_ago, start};
use sahasrahbot_audit::moderation::host_hash;
use sahasrahbot_testkit::discord::{FakeMessage, FakeUser, RestCall};

const QUIET: Duration = Duration::from_millis(500);

fn newcomer() -> FakeUser {
    FakeUser::member(61, "Newcomer")
}

fn regular() -> FakeUser {
    FakeUser::member(62, "Regular")
}

/// The deletes and channel posts the bot made about messages.
fn actions(h: &Harness) -> Vec<RestCall> {
    h.activity()
        .into_iter()
        .filter(|c| c.method != "GET")
        .collect()
}

async fn wait_warning(h: &Harness, needle: &str) -> Vec<RestCall> {
    let ok = h
        .fake
        .wait_until(common::WAIT, |calls| {
            calls.iter().any(|c| {
                c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains(needle))
            })
        })
        .await;
    assert!(
        ok,
        "no warning containing {needle:?}: {:?}",
        h.fake.rest_calls()
    );
    actions(h)
}

fn deleted(calls: &[RestCall], message: u64) -> bool {
    calls.iter().any(|c| {
        c.method == "DELETE" && c.path == format!("/channels/{CHANNEL}/messages/{message}")
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_links_from_new_members_are_removed() {
    let h = start().await;
    let old = h.fake.send_message(
        &FakeMessage::new(&regular(), "come to https://discord.gg/abc").joined(&hours_ago(25)),
    );
    let plain = h.fake.send_message(
        &FakeMessage::new(&newcomer(), "discord.gg/abc without a scheme").joined(&hours_ago(1)),
    );
    let new = h.fake.send_message(
        &FakeMessage::new(&newcomer(), "come to https://discord.gg/abc").joined(&hours_ago(1)),
    );
    let calls = wait_warning(&h, "longer than 24 hours").await;
    assert!(deleted(&calls, new));
    let warning = calls
        .iter()
        .find(|c| c.method == "POST" && c.path == format!("/channels/{CHANNEL}/messages"))
        .expect("warning");
    assert!(
        warning.body["content"]
            .as_str()
            .is_some_and(|t| t.starts_with("<@61>, you must be on this server"))
    );
    tokio::time::sleep(QUIET).await;
    let calls = actions(&h);
    assert!(
        !deleted(&calls, old),
        "a member of 25 hours may post invites"
    );
    assert!(
        !deleted(&calls, plain),
        "a link without a scheme is not seen"
    );
    assert_eq!(calls.len(), 2, "{calls:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn executables_from_new_members_are_removed() {
    let h = start().await;
    let tool = h.fake.add_attachment("tool.exe", b"MZ");
    let old = h.fake.send_message(
        &FakeMessage::new(&regular(), "my tool")
            .attach(tool.clone())
            .joined(&hours_ago(48)),
    );
    let upper = h.fake.add_attachment("TOOL.EXE", b"MZ");
    let case = h.fake.send_message(
        &FakeMessage::new(&newcomer(), "upper case")
            .attach(upper)
            .joined(&hours_ago(2)),
    );
    let new = h.fake.send_message(
        &FakeMessage::new(&newcomer(), "my tool")
            .attach(tool)
            .joined(&hours_ago(2)),
    );
    let calls = wait_warning(&h, "please do not upload executable files").await;
    assert!(deleted(&calls, new));
    tokio::time::sleep(QUIET).await;
    let calls = actions(&h);
    assert!(!deleted(&calls, old));
    assert!(
        !deleted(&calls, case),
        "the extension check is case-sensitive"
    );
    assert_eq!(calls.len(), 2, "{calls:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phishing_links_are_removed_and_their_author_timed_out() {
    let h = Setup::default()
        .bad_hashes(vec![host_hash("evil.example")])
        .start()
        .await;
    let clean = h.fake.send_message(
        &FakeMessage::new(&regular(), "see https://good.example/page").joined(&hours_ago(100)),
    );
    let bad = h.fake.send_message(
        &FakeMessage::new(&regular(), "free nitro https://evil.example/claim")
            .joined(&hours_ago(100)),
    );
    let before = chrono::Utc::now();
    let calls = wait_warning(&h, "phishy").await;
    assert!(deleted(&calls, bad));
    let timeout = h
        .fake
        .wait_for_call(
            "PATCH",
            &format!("/guilds/{GUILD}/members/62"),
            common::WAIT,
        )
        .await
        .expect("timeout");
    let until = timeout.body["communication_disabled_until"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .expect("a timeout time");
    let minutes = (until.with_timezone(&chrono::Utc) - before).num_seconds();
    assert!((29 * 60..=31 * 60).contains(&minutes), "{minutes} s");
    let reasons = h.fake.audit_log_reasons();
    assert_eq!(
        reasons,
        vec![(
            "PATCH".to_owned(),
            format!("/guilds/{GUILD}/members/62"),
            "automated timeout for phishing".to_owned()
        )]
    );
    tokio::time::sleep(QUIET).await;
    assert!(!deleted(&actions(&h), clean));
    assert_eq!(
        actions(&h).len(),
        3,
        "delete, warning, timeout: {:?}",
        actions(&h)
    );
}

/// A zip archive of `entries`, stored without compression. CRCs are left at 0: the bot reads
/// only the central directory's names.
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let u16_le = |n: usize| u16::try_from(n).expect("fits a zip field").to_le_bytes();
    let u32_le = |n: usize| u32::try_from(n).expect("fits a zip field").to_le_bytes();
    let mut archive = Vec::new();
    let mut directory = Vec::new();
    for (name, data) in entries {
        let offset = archive.len();
        archive.extend_from_slice(&0x0403_4b50_u32.to_le_bytes());
        // Version needed, flags, method (stored), time, date, CRC.
        archive.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        archive.extend_from_slice(&u32_le(data.len()));
        archive.extend_from_slice(&u32_le(data.len()));
        archive.extend_from_slice(&u16_le(name.len()));
        archive.extend_from_slice(&[0, 0]);
        archive.extend_from_slice(name.as_bytes());
        archive.extend_from_slice(data);
        directory.extend_from_slice(&0x0201_4b50_u32.to_le_bytes());
        // Version made by, version needed, flags, method, time, date, CRC.
        directory.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        directory.extend_from_slice(&u32_le(data.len()));
        directory.extend_from_slice(&u32_le(data.len()));
        directory.extend_from_slice(&u16_le(name.len()));
        // Extra and comment lengths, disk, internal and external attributes.
        directory.extend_from_slice(&[0; 12]);
        directory.extend_from_slice(&u32_le(offset));
        directory.extend_from_slice(name.as_bytes());
    }
    let directory_offset = archive.len();
    archive.extend_from_slice(&directory);
    archive.extend_from_slice(&0x0605_4b50_u32.to_le_bytes());
    archive.extend_from_slice(&[0, 0, 0, 0]);
    archive.extend_from_slice(&u16_le(entries.len()));
    archive.extend_from_slice(&u16_le(entries.len()));
    archive.extend_from_slice(&u32_le(directory.len()));
    archive.extend_from_slice(&u32_le(directory_offset));
    archive.extend_from_slice(&[0, 0]);
    archive
}

/// 70 MiB of padding, more than the bot ever downloads of one file.
fn padding() -> Vec<u8> {
    vec![0; 70 << 20]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zip_of_any_size_is_inspected_through_its_directory_alone() {
    let h = start().await;
    let padding = padding();
    let with_rom = stored_zip(&[("music.bin", &padding), ("Zelda.sfc", b"\0\0")]);
    let without_rom = stored_zip(&[("music.bin", &padding), ("notes.txt", b"hi")]);
    let total = (with_rom.len() + without_rom.len()) as u64;
    let with_rom = h.fake.add_attachment("big.zip", &with_rom);
    let without_rom = h.fake.add_attachment("big-clean.zip", &without_rom);
    let fine = h
        .fake
        .send_message(&FakeMessage::new(&regular(), "music").attach(without_rom));
    let zipped = h
        .fake
        .send_message(&FakeMessage::new(&regular(), "a big pack").attach(with_rom));
    let calls = wait_warning(&h, "a ROM was detected in the zip archive").await;
    assert!(deleted(&calls, zipped));
    tokio::time::sleep(QUIET).await;
    let calls = actions(&h);
    assert!(!deleted(&calls, fine));
    assert_eq!(calls.len(), 2, "{calls:?}");
    // The end of each file (at most 64 KiB and 22 bytes) held its directory.
    let served = h.fake.cdn_bytes_served();
    assert!(
        served <= 2 * (22 + 0xffff),
        "{served} of {total} bytes downloaded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_before_the_last_64_kib_is_fetched_on_its_own() {
    let h = start().await;
    // The ROM's entry comes first; 70 KiB of entry names put it before the file's last 64 KiB.
    let long_names: Vec<String> = (0..700).map(|i| format!("{i:0>96}.txt")).collect();
    let padding = padding();
    let mut entries: Vec<(&str, &[u8])> = vec![("music.bin", &padding), ("Zelda.smc", b"\0")];
    entries.extend(long_names.iter().map(|n| (n.as_str(), &b""[..])));
    let archive = stored_zip(&entries);
    let attachment = h.fake.add_attachment("many.zip", &archive);
    let zipped = h
        .fake
        .send_message(&FakeMessage::new(&regular(), "many files").attach(attachment));
    let calls = wait_warning(&h, "a ROM was detected in the zip archive").await;
    assert!(deleted(&calls, zipped));
    let served = h.fake.cdn_bytes_served();
    assert!(served < 200 * 1024, "{served} of {} bytes", archive.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_range_support_small_zips_are_read_whole_and_large_ones_left() {
    let h = start().await;
    h.fake.set_cdn_ranges(false);
    let small = h
        .fake
        .add_attachment("pack.zip", include_bytes!("../fixtures/with_rom.zip"));
    let padding = padding();
    let large = h.fake.add_attachment(
        "big.zip",
        &stored_zip(&[("music.bin", &padding), ("Zelda.sfc", b"\0")]),
    );
    let left = h
        .fake
        .send_message(&FakeMessage::new(&regular(), "a big pack").attach(large));
    let zipped = h
        .fake
        .send_message(&FakeMessage::new(&regular(), "a pack").attach(small));
    let calls = wait_warning(&h, "a ROM was detected in the zip archive").await;
    assert!(deleted(&calls, zipped));
    tokio::time::sleep(QUIET).await;
    let calls = actions(&h);
    assert!(
        !deleted(&calls, left),
        "a file over the limit is not inspected"
    );
    assert_eq!(calls.len(), 2, "{calls:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roms_and_zips_holding_roms_are_removed() {
    let h = start().await;
    let with_rom = h
        .fake
        .add_attachment("pack.zip", include_bytes!("../fixtures/with_rom.zip"));
    let without_rom = h
        .fake
        .add_attachment("patch.zip", include_bytes!("../fixtures/without_rom.zip"));
    let rom = h.fake.add_attachment("Zelda.sfc", b"\0\0\0\0");
    let fine = h
        .fake
        .send_message(&FakeMessage::new(&regular(), "a patch").attach(without_rom));
    let zipped = h
        .fake
        .send_message(&FakeMessage::new(&regular(), "a pack").attach(with_rom));
    let calls = wait_warning(&h, "a ROM was detected in the zip archive").await;
    assert!(deleted(&calls, zipped));
    let bare = h
        .fake
        .send_message(&FakeMessage::new(&regular(), "the rom").attach(rom));
    let calls = wait_warning(&h, "please do not post ROMs").await;
    assert!(deleted(&calls, bare));
    tokio::time::sleep(QUIET).await;
    let calls = actions(&h);
    assert!(!deleted(&calls, fine), "upper.SFC is not .sfc");
    assert_eq!(calls.len(), 4, "{calls:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_and_bots_are_exempt() {
    let h = Setup::default()
        .bad_hashes(vec![host_hash("evil.example")])
        .start()
        .await;
    h.fake.role_create(810, "Moderators", 1 << 40); // MODERATE_MEMBERS
    h.fake.role_create(811, "Managers", 1 << 5); // MANAGE_GUILD
    let rom = h.fake.add_attachment("Zelda.sfc", b"\0");
    let text = "https://discord.gg/x https://evil.example/";
    for (id, role) in [(70, 810), (71, 811)] {
        let mut user = FakeUser::member(id, "Staff");
        user.roles = vec![role];
        h.fake.send_message(
            &FakeMessage::new(&user, text)
                .attach(rom.clone())
                .joined(&hours_ago(1)),
        );
    }
    h.fake.send_message(
        &FakeMessage::new(&FakeUser::member(72, "Helper"), text)
            .attach(rom.clone())
            .by_bot(),
    );
    // The guild owner.
    h.fake.send_message(
        &FakeMessage::new(&FakeUser::member(h.fake.owner_id(), "Owner"), text).attach(rom),
    );
    // A control message shows the bot was listening.
    h.fake
        .send_message(&FakeMessage::new(&regular(), "https://evil.example/"));
    wait_warning(&h, "phishy").await;
    tokio::time::sleep(QUIET).await;
    let calls = actions(&h);
    assert_eq!(
        calls.len(),
        3,
        "only the control message is acted on: {calls:?}"
    );
    assert!(calls.iter().all(|c| !c.path.contains("/members/7")));
}
