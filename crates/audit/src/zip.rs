//! The file names of a zip archive, read from its central directory (no decompression):
//! enough to see whether an upload carries a ROM.

use crate::{Error, Result};

const EOCD: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_EOCD: u32 = 0x0606_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;

fn u16_at(b: &[u8], at: usize) -> Result<u16> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| Error::Zip(format!("truncated at byte {at}")))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| Error::Zip(format!("truncated at byte {at}")))
}

fn u64_at(b: &[u8], at: usize) -> Result<u64> {
    let lo = u64::from(u32_at(b, at)?);
    let hi = u64::from(u32_at(b, at + 4)?);
    Ok(lo | hi << 32)
}

fn usize_of(n: u64) -> Result<usize> {
    usize::try_from(n).map_err(|_| Error::Zip("offset out of range".to_owned()))
}

/// The longest the end of an archive can be that holds its end record: 22 bytes plus a
/// comment of at most 65535 bytes.
pub const END_RECORD_SPAN: u64 = 22 + 0xffff;

/// Where an archive's central directory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directory {
    /// Its offset from the start of the archive.
    pub offset: u64,
    /// Its length in bytes.
    pub size: u64,
    /// How many entries it lists.
    pub entries: u64,
}

/// Finds the central directory from the end of an archive: `tail` is the archive's last
/// bytes (the whole archive, or at least its last [`END_RECORD_SPAN`] bytes), starting at
/// offset `tail_start` of the archive.
///
/// # Errors
/// [`Error::Zip`] when there is no end record, or a zip64 end record is missing or lies
/// before `tail`.
pub fn directory(tail: &[u8], tail_start: u64) -> Result<Directory> {
    let earliest = tail.len().saturating_sub(usize_of(END_RECORD_SPAN)?);
    let eocd = (earliest..=tail.len().saturating_sub(22))
        .rev()
        .find(|&at| u32_at(tail, at).is_ok_and(|sig| sig == EOCD))
        .ok_or_else(|| Error::Zip("no end of central directory".to_owned()))?;
    let mut dir = Directory {
        entries: u64::from(u16_at(tail, eocd + 10)?),
        size: u64::from(u32_at(tail, eocd + 12)?),
        offset: u64::from(u32_at(tail, eocd + 16)?),
    };
    let zip64 = dir.entries == 0xffff || dir.size == 0xffff_ffff || dir.offset == 0xffff_ffff;
    if zip64 && eocd >= 20 && u32_at(tail, eocd - 20)? == ZIP64_LOCATOR {
        let record = u64_at(tail, eocd - 20 + 8)?
            .checked_sub(tail_start)
            .ok_or_else(|| Error::Zip("zip64 end record before the data read".to_owned()))?;
        let record = usize_of(record)?;
        if u32_at(tail, record)? != ZIP64_EOCD {
            return Err(Error::Zip("bad zip64 end record".to_owned()));
        }
        dir = Directory {
            entries: u64_at(tail, record + 32)?,
            size: u64_at(tail, record + 40)?,
            offset: u64_at(tail, record + 48)?,
        };
    }
    Ok(dir)
}

/// The names of the first `entries` entries of the central directory `bytes`, in order.
///
/// # Errors
/// [`Error::Zip`] when an entry is not where the previous one ends or runs past the end.
pub fn names(bytes: &[u8], entries: u64) -> Result<Vec<String>> {
    let mut at = 0;
    let mut names = Vec::new();
    for _ in 0..entries {
        if u32_at(bytes, at)? != CENTRAL_HEADER {
            return Err(Error::Zip(format!("no directory entry at byte {at}")));
        }
        let name_len = usize::from(u16_at(bytes, at + 28)?);
        let extra_len = usize::from(u16_at(bytes, at + 30)?);
        let comment_len = usize::from(u16_at(bytes, at + 32)?);
        let name = bytes
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| Error::Zip("entry name past the end".to_owned()))?;
        names.push(String::from_utf8_lossy(name).into_owned());
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(names)
}

/// The names of every entry of the archive `bytes`, in directory order.
///
/// # Errors
/// [`Error::Zip`] when there is no end-of-central-directory record or the directory runs
/// past the end of the data.
pub fn entry_names(bytes: &[u8]) -> Result<Vec<String>> {
    let dir = directory(bytes, 0)?;
    let start = usize_of(dir.offset)?;
    let listing = bytes
        .get(start..)
        .ok_or_else(|| Error::Zip(format!("no directory entry at byte {start}")))?;
    names(listing, dir.entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WITH_ROM: &[u8] = include_bytes!("../tests/fixtures/with_rom.zip");

    #[test]
    fn names_come_from_the_whole_archive_or_from_its_end_alone() {
        let all = entry_names(WITH_ROM).unwrap();
        assert_eq!(all, ["readme.txt", "game/Zelda no Densetsu.sfc"]);
        let dir = directory(WITH_ROM, 0).unwrap();
        assert_eq!(dir.entries, 2);
        assert!(dir.offset + dir.size < WITH_ROM.len() as u64);
        // Only the directory and the end record, read at their offset in the file.
        let start = usize::try_from(dir.offset).unwrap();
        let tail = &WITH_ROM[start..];
        assert_eq!(directory(tail, dir.offset).unwrap(), dir);
        assert_eq!(names(tail, dir.entries).unwrap(), all);
        // The end record alone: the directory is found, but lies before the bytes read.
        let end_start = usize::try_from(dir.offset + dir.size).unwrap();
        let end = &WITH_ROM[end_start..];
        let found = directory(end, dir.offset + dir.size).unwrap();
        assert_eq!(found, dir);
    }

    #[test]
    fn a_zip64_record_before_the_bytes_read_is_an_error() {
        // A zip64 end record at 0, its locator, and an end record pointing to them.
        let mut archive = Vec::new();
        archive.extend_from_slice(&ZIP64_EOCD.to_le_bytes());
        archive.extend_from_slice(&[0; 52]);
        archive.extend_from_slice(&ZIP64_LOCATOR.to_le_bytes());
        archive.extend_from_slice(&[0; 4]);
        archive.extend_from_slice(&0_u64.to_le_bytes());
        archive.extend_from_slice(&[1, 0, 0, 0]);
        archive.extend_from_slice(&EOCD.to_le_bytes());
        archive.extend_from_slice(&[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        archive.extend_from_slice(&[0xff; 8]);
        archive.extend_from_slice(&[0, 0]);
        assert!(directory(&archive, 0).is_ok());
        let tail = &archive[56..];
        let err = directory(tail, 56).unwrap_err().to_string();
        assert!(err.contains("before the data read"), "{err}");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(entry_names(b"").is_err());
        assert!(entry_names(b"PK\x05\x06").is_err());
        let mut fake = vec![0_u8; 10];
        fake.extend_from_slice(&EOCD.to_le_bytes());
        fake.extend_from_slice(&[0, 0, 0, 0, 5, 0, 5, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0, 0]);
        assert!(entry_names(&fake).is_err(), "5 entries at byte 200 of 32");
    }
}
