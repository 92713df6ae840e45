//! Reading a whole file into memory on several threads.
//!
//! Reading an 84 MB CSV file with `std::fs::read` takes about 50 ms on one
//! thread, most of it the kernel copying pages and the new buffer's pages
//! being faulted in. [`read_whole_file`] reads slices of the file into
//! slices of one buffer on rayon's threads instead (Unix: positioned
//! reads), and falls back to `std::fs::read` when the file's size changes
//! underneath or elsewhere.

use std::path::Path;

/// Files smaller than this are read on one thread.
const MIN_PARALLEL_BYTES: u64 = 8 << 20;

/// The bytes of the file at `path`.
pub(super) fn read_whole_file(path: &Path) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    if let Some(bytes) = read_in_slices(path)? {
        return Ok(bytes);
    }
    std::fs::read(path)
}

/// The file read in slices in parallel; `None` when it is small or not as
/// long as its metadata said by the end of the reading.
#[cfg(unix)]
fn read_in_slices(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt;

    let file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    let Ok(len) = usize::try_from(metadata.len()) else {
        return Ok(None);
    };
    if !metadata.is_file() || metadata.len() < MIN_PARALLEL_BYTES {
        return Ok(None);
    }
    let mut bytes = vec![0u8; len];
    let slice_len = len.div_ceil(rayon::current_num_threads().max(1));
    let complete = bytes
        .par_chunks_mut(slice_len)
        .enumerate()
        .map(|(index, slice)| file.read_exact_at(slice, (index * slice_len) as u64))
        .collect::<std::io::Result<Vec<()>>>();
    match complete {
        Ok(_) => {}
        Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(err) => return Err(err),
    }
    // The file grew while it was read: let std read it as it is now.
    if file.read_at(&mut [0u8], len as u64)? != 0 {
        return Ok(None);
    }
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_small_and_large_files_exactly() {
        let dir = tempfile::tempdir().unwrap();
        for len in [0usize, 5, (MIN_PARALLEL_BYTES as usize) + 12_345] {
            let path = dir.path().join(format!("f{len}"));
            let content: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            std::fs::write(&path, &content).unwrap();
            assert!(read_whole_file(&path).unwrap() == content, "{len} bytes");
        }
        assert!(read_whole_file(&dir.path().join("missing")).is_err());
    }
}
