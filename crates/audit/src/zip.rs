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

/// The names of every entry of the archive `bytes`, in directory order.
///
/// # Errors
/// [`Error::Zip`] when there is no end-of-central-directory record or the directory runs
/// past the end of the data.
pub fn entry_names(bytes: &[u8]) -> Result<Vec<String>> {
    // The end record is 22 bytes plus a comment of at most 65535 bytes.
    let earliest = bytes.len().saturating_sub(22 + 0xffff);
    let eocd = (earliest..=bytes.len().saturating_sub(22))
        .rev()
        .find(|&at| u32_at(bytes, at).is_ok_and(|sig| sig == EOCD))
        .ok_or_else(|| Error::Zip("no end of central directory".to_owned()))?;
    let mut entries = u64::from(u16_at(bytes, eocd + 10)?);
    let mut offset = u64::from(u32_at(bytes, eocd + 16)?);
    if (entries == 0xffff || offset == 0xffff_ffff)
        && eocd >= 20
        && u32_at(bytes, eocd - 20)? == ZIP64_LOCATOR
    {
        let record = usize_of(u64_at(bytes, eocd - 20 + 8)?)?;
        if u32_at(bytes, record)? != ZIP64_EOCD {
            return Err(Error::Zip("bad zip64 end record".to_owned()));
        }
        entries = u64_at(bytes, record + 32)?;
        offset = u64_at(bytes, record + 48)?;
    }
    let mut at = usize_of(offset)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
