//! The room registry other crates use: look a live room up by name, inject a command.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tokio::sync::oneshot;

use crate::error::{Error, Result};
use crate::model::ChatMessage;
use crate::room::{CommandOutcome, Outgoing, Room};

/// A live room in the registry.
#[derive(Clone, Debug)]
pub struct RoomHandle {
    room: Room,
}

impl RoomHandle {
    pub(crate) fn new(room: Room) -> Self {
        Self { room }
    }

    /// The room (race data and typed actions).
    pub fn room(&self) -> &Room {
        &self.room
    }

    /// Room name `category/slug`.
    pub fn name(&self) -> &str {
        self.room.name()
    }

    /// Whether the room's task is still running.
    pub fn is_live(&self) -> bool {
        !self.room.inner.outbox.is_closed()
    }

    /// Runs `text` through the room's command dispatch as if a monitor/moderator sent it
    /// ([`ChatMessage::synthetic`]) and waits until the command finishes.
    pub async fn dispatch_command(&self, text: &str) -> Result<CommandOutcome> {
        self.dispatch_message(ChatMessage::synthetic(text)).await
    }

    /// Runs a chat message through the room's command dispatch and waits until the command
    /// finishes.
    pub async fn dispatch_message(&self, message: ChatMessage) -> Result<CommandOutcome> {
        let (tx, rx) = oneshot::channel();
        self.room
            .inner
            .outbox
            .push(Outgoing::Inject(Box::new(message), tx))
            .map_err(|_| Error::RoomNotHandled(self.name().to_owned()))?;
        rx.await
            .map_err(|_| Error::RoomNotHandled(self.name().to_owned()))
    }
}

/// Live rooms by name (`category/slug`), shared by every bot of the process and by other
/// subsystems (the API's command injection, tournaments). Cheap to clone.
#[derive(Clone, Default, Debug)]
pub struct HandlerRegistry {
    rooms: Arc<RwLock<HashMap<String, RoomHandle>>>,
}

impl HandlerRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, RoomHandle>> {
        // Poisoning only follows a panic during a map insert/remove; the map is still usable.
        self.rooms.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, RoomHandle>> {
        self.rooms.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The live room with this name.
    pub fn get(&self, name: &str) -> Option<RoomHandle> {
        self.read().get(name).cloned()
    }

    /// Whether a room with this name is live.
    pub fn contains(&self, name: &str) -> bool {
        self.read().contains_key(name)
    }

    /// Names of all live rooms.
    pub fn names(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// Number of live rooms.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether no room is live.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// Injects `text` as a monitor's chat command into the named room and waits for it.
    /// [`Error::RoomNotHandled`] if the room is not live.
    pub async fn dispatch_command(&self, name: &str, text: &str) -> Result<CommandOutcome> {
        let handle = self
            .get(name)
            .ok_or_else(|| Error::RoomNotHandled(name.to_owned()))?;
        handle.dispatch_command(text).await
    }

    /// Inserts unless a room of that name is already live; returns the live one.
    pub(crate) fn insert_if_absent(
        &self,
        handle: RoomHandle,
    ) -> std::result::Result<(), RoomHandle> {
        let mut map = self.write();
        if let Some(existing) = map.get(handle.name())
            && existing.is_live()
        {
            return Err(existing.clone());
        }
        map.insert(handle.name().to_owned(), handle);
        Ok(())
    }

    /// Asks every live room to check its cancellation token and token watch (room tasks do not
    /// poll those on every wake-up). Harmless for rooms of other bots: nothing changed for them.
    pub(crate) fn signal_all(&self) {
        for handle in self.read().values() {
            handle.room().inner.outbox.signal();
        }
    }

    /// Removes the room if it is still the instance `id`.
    pub(crate) fn remove(&self, name: &str, id: u64) {
        let mut map = self.write();
        if map.get(name).is_some_and(|h| h.room().inner.id == id) {
            map.remove(name);
        }
    }
}
