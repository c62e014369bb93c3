//! A fast hash that tells changed inputs from unchanged ones: incremental builds, stable
//! short suffixes of file names cut to the file system's limit.

/// A 128-bit hash of the parts (each length-prefixed), as hex: two FNV-style lanes over
/// 8-byte words. Not cryptographic: it tells changed inputs from unchanged ones, quickly.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut lanes: [u64; 2] = [0xcbf2_9ce4_8422_2325, 0x84222325_cbf29ce4];
    let mut mix = |word: u64| {
        lanes[0] = (lanes[0] ^ word).wrapping_mul(PRIME);
        lanes[1] = (lanes[1] ^ word.rotate_left(29))
            .wrapping_mul(PRIME)
            .rotate_left(17);
    };
    for part in parts {
        mix(part.len() as u64);
        let mut words = part.chunks_exact(8);
        for w in &mut words {
            mix(u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        mix(u64::from_le_bytes(tail));
    }
    format!("{:016x}{:016x}", lanes[0], lanes[1])
}
