//! Randomness for rolls: the [`Rng`] trait, Python-compatible MT19937 ([`PyRandom`]) and the
//! derived draws the original code makes (`randbelow`, `randint`, `choice`, weighted
//! `choices`, `sample`), with CPython 3.11's exact draw structure.

/// A source of the two primitive draws Python's `random` module is built on.
pub trait Rng {
    /// A 32-bit output of the generator.
    fn next_u32(&mut self) -> u32;

    /// Python `random()`: a float in `[0, 1)` with 53 random bits, from two outputs.
    fn random(&mut self) -> f64 {
        let a = u64::from(self.next_u32() >> 5);
        let b = u64::from(self.next_u32() >> 6);
        #[allow(clippy::cast_precision_loss)] // both values are < 2^53, exact
        let v = (a * 67_108_864 + b) as f64;
        v / 9_007_199_254_740_992.0
    }

    /// Python `getrandbits(k)` for `1 <= k <= 64`.
    fn getrandbits(&mut self, k: u32) -> u64 {
        if k <= 32 {
            return u64::from(self.next_u32() >> (32 - k));
        }
        let low = u64::from(self.next_u32());
        let high = u64::from(self.next_u32() >> (64 - k));
        (high << 32) | low
    }

    /// Python `_randbelow(n)` (rejection sampling on `bit_length(n)` bits); `n` must be > 0.
    fn randbelow(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let k = 64 - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }
}

/// Python `randint(a, b)`, inclusive; `None` when the range is empty (Python's ValueError).
pub fn randint(rng: &mut dyn Rng, a: i64, b: i64) -> Option<i64> {
    if b < a {
        return None;
    }
    let width = u64::try_from(i128::from(b) - i128::from(a) + 1).ok()?;
    let offset = i64::try_from(rng.randbelow(width)).ok()?;
    a.checked_add(offset)
}

/// Python `choice(seq)`: one `randbelow(len)` draw; `None` for an empty slice.
pub fn choice<'a, T>(rng: &mut dyn Rng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        return None;
    }
    let idx = usize::try_from(rng.randbelow(items.len() as u64)).ok()?;
    items.get(idx)
}

/// Python `choices(range(n), weights)[0]`: cumulative sums, one `random()` draw, then
/// `bisect_right`. The caller has already checked the weights are finite and sum above 0.
pub fn weighted_index(rng: &mut dyn Rng, weights: &[f64]) -> usize {
    let mut cum = Vec::with_capacity(weights.len());
    let mut total = 0.0;
    for w in weights {
        total += w;
        cum.push(total);
    }
    let x = rng.random() * total;
    let hi = weights.len().saturating_sub(1);
    // bisect_right(cum, x, 0, hi)
    let (mut lo, mut hi) = (0usize, hi);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if x < cum[mid] {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// Python 3.11 `sample(population, k)`, `k <= len`.
pub fn sample<T: Clone>(rng: &mut dyn Rng, population: &[T], k: usize) -> Vec<T> {
    let n = population.len();
    let k = k.min(n);
    let mut setsize: usize = 21;
    if k > 5 {
        // 4 ** ceil(log(3k, 4))
        let mut power = 1usize;
        while power < 3 * k {
            power *= 4;
        }
        setsize += power;
    }
    let mut result = Vec::with_capacity(k);
    if n <= setsize {
        let mut pool: Vec<T> = population.to_vec();
        for i in 0..k {
            let j = rng.randbelow((n - i) as u64) as usize;
            result.push(pool[j].clone());
            pool[j] = pool[n - i - 1].clone();
        }
    } else {
        let mut selected = std::collections::HashSet::new();
        for _ in 0..k {
            let mut j = rng.randbelow(n as u64) as usize;
            while selected.contains(&j) {
                j = rng.randbelow(n as u64) as usize;
            }
            selected.insert(j);
            result.push(population[j].clone());
        }
    }
    result
}

const N: usize = 624;
const M: usize = 397;

/// MT19937 seeded exactly like CPython's `random.seed(int)`, so rolls reproduce the
/// original's for the same seed.
#[derive(Clone)]
pub struct PyRandom {
    state: [u32; N],
    index: usize,
}

impl std::fmt::Debug for PyRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyRandom")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl PyRandom {
    /// `random.seed(seed)`: `init_by_array` over the 32-bit little-endian words of `|seed|`.
    pub fn new(seed: i128) -> Self {
        let mut n = seed.unsigned_abs();
        let mut key = Vec::new();
        while n > 0 {
            key.push((n & 0xffff_ffff) as u32);
            n >>= 32;
        }
        if key.is_empty() {
            key.push(0);
        }
        Self::from_key(&key)
    }

    fn init_genrand(s: u32) -> [u32; N] {
        let mut mt = [0u32; N];
        mt[0] = s;
        for i in 1..N {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        mt
    }

    fn from_key(key: &[u32]) -> Self {
        let mut mt = Self::init_genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        Self {
            state: mt,
            index: N,
        }
    }

    fn twist(&mut self) {
        let mt = &mut self.state;
        for kk in 0..N {
            let y = (mt[kk] & 0x8000_0000) | (mt[(kk + 1) % N] & 0x7fff_ffff);
            let mag = if y & 1 == 1 { 0x9908_b0df } else { 0 };
            mt[kk] = mt[(kk + M) % N] ^ (y >> 1) ^ mag;
        }
        self.index = 0;
    }
}

impl Rng for PyRandom {
    fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values come from CPython 3.11: random.seed(s); random.random() etc.
    #[test]
    fn matches_cpython_random() {
        let mut r = PyRandom::new(0);
        assert_eq!(r.random(), 0.844_421_851_525_048_1);
        assert_eq!(r.random(), 0.757_954_402_940_302_5);
        let mut r = PyRandom::new(42);
        assert_eq!(r.random(), 0.639_426_798_457_883_8);
    }

    #[test]
    fn randint_and_getrandbits_match_cpython() {
        let mut r = PyRandom::new(12345);
        let got: Vec<i64> = (0..5).map(|_| randint(&mut r, 1, 100).unwrap()).collect();
        assert_eq!(got, vec![54, 94, 2, 39, 48]);
        let mut r = PyRandom::new(7);
        assert_eq!(r.getrandbits(40), 1_040_772_936_760);
        let mut r = PyRandom::new(1 << 40);
        assert_eq!(r.next_u32(), 445_128_065);
    }

    #[test]
    fn sample_matches_cpython() {
        let pop: Vec<u32> = (0..10).collect();
        let mut r = PyRandom::new(3);
        assert_eq!(sample(&mut r, &pop, 4), vec![3, 8, 2, 7]);
    }

    #[test]
    fn empty_ranges_are_errors() {
        let mut r = PyRandom::new(1);
        assert_eq!(randint(&mut r, 5, 4), None);
        assert!(choice::<u8>(&mut r, &[]).is_none());
    }
}
