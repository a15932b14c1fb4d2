//! One Discord gateway shard's event loop, shared by the main bot and the audit bot (both
//! twilight clients): events go to a handler in gateway order; a cancellation closes the
//! shard cleanly (waiting a few seconds for Discord to confirm); a close code that no
//! reconnect can fix (bad token, bad intents, …) ends the loop with an error.
//!
//! Built with the `gateway` feature.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use twilight_gateway::{
    CloseFrame, ConfigBuilder, Event, EventTypeFlags, Intents, Shard, ShardId, StreamExt as _,
};

use crate::{Error, Result};

/// How long a shutdown waits for the gateway to confirm the close.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Close codes after which reconnecting cannot help: authentication failed, invalid
/// shard, sharding required, invalid API version, invalid or disallowed intents.
const FATAL_CLOSE_CODES: [u16; 6] = [4004, 4010, 4011, 4012, 4013, 4014];

/// A shard with `token` and `intents`, connecting through `gateway_url` when one is
/// configured (a proxy, or the test suite's fake Discord) instead of Discord's gateway.
pub fn shard(id: ShardId, token: String, intents: Intents, gateway_url: Option<&str>) -> Shard {
    let mut config = ConfigBuilder::new(token, intents);
    if let Some(url) = gateway_url {
        config = config.proxy_url(url.trim_end_matches('/').to_owned());
    }
    Shard::with_config(id, config.build())
}

/// Runs `shard` until `cancel` fires (then `Ok`) or the shard fails for good
/// ([`Error::Gateway`]), passing every event but `GatewayClose` to `on_event`, one at a
/// time in gateway order. Transient gateway errors are logged; twilight reconnects.
pub async fn run_shard<F, Fut>(
    mut shard: Shard,
    cancel: CancellationToken,
    mut on_event: F,
) -> Result<()>
where
    F: FnMut(Event) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut closing = false;
    let close_deadline = tokio::time::sleep(Duration::from_secs(3600));
    tokio::pin!(close_deadline);
    loop {
        let item = tokio::select! {
            () = cancel.cancelled(), if !closing => {
                tracing::info!("Discord shard shutting down");
                shard.close(CloseFrame::NORMAL);
                closing = true;
                // Do not wait forever for Discord to answer the close.
                close_deadline
                    .as_mut()
                    .reset(tokio::time::Instant::now() + CLOSE_TIMEOUT);
                continue;
            }
            () = &mut close_deadline, if closing => return Ok(()),
            item = shard.next_event(EventTypeFlags::all()) => item,
        };
        let event = match item {
            Some(Ok(event)) => event,
            Some(Err(e)) => {
                tracing::warn!(error = %e, "Discord gateway error");
                if closing {
                    return Ok(());
                }
                continue;
            }
            None if closing => return Ok(()),
            None => return Err(Error::Gateway("the shard stopped".to_owned())),
        };
        match event {
            Event::GatewayClose(frame) => {
                if closing {
                    return Ok(());
                }
                if let Some(frame) = frame
                    && FATAL_CLOSE_CODES.contains(&frame.code)
                {
                    return Err(Error::Gateway(format!(
                        "closed with {}: {}",
                        frame.code, frame.reason
                    )));
                }
            }
            event => on_event(event).await,
        }
    }
}
