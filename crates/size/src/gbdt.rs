//! A small gradient-boosted regression forest for the size model: histogram-binned features (255
//! quantile bins each: 64 left the held-out median near 20 %, 255 brought it to 8-13 %),
//! depth-limited trees grown level by level on squared error, row subsampling, shrinkage. Fitted
//! on `ln(native bytes)`, so each tree corrects a relative error. Deterministic (a fixed seed).

use serde::{Deserialize, Serialize};

/// One node: a split on a feature's threshold, or a leaf. Every node keeps the mean correction
/// of the rows that reached it, so a prediction can be explained feature by feature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The feature split on (`u16::MAX` for a leaf).
    pub feature: u16,
    /// Rows with the feature `<= threshold` go left.
    pub threshold: f64,
    /// Children (unused for leaves).
    pub left: u32,
    /// Right child.
    pub right: u32,
    /// The correction this node would give as a leaf (shrinkage applied).
    pub value: f64,
}

/// A fitted forest. Serialized packed (see [`Packed`]): a few hundred deep trees are hundreds of
/// thousands of nodes, 34 MB as JSON objects, 5 MB packed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "Packed", try_from = "Packed")]
pub struct Forest {
    /// The prediction before any tree.
    pub base: f64,
    /// Trees, each a list of nodes with the root first.
    pub trees: Vec<Vec<Node>>,
}

/// The serialized form of a [`Forest`]: `nodes` is base64 of, per tree, its node count (u32)
/// then each node in order: feature (u16, `0xffff` for a leaf), then for a split its threshold
/// (f32) and children (u16 each, always after the node), and the node's value (f32); all
/// little-endian. Thresholds are bin edges of integer-valued features and values are small
/// corrections, so f32 keeps estimates within 1e-5.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Packed {
    /// The prediction before any tree.
    pub base: f64,
    /// `aotsim-forest-1`.
    pub encoding: String,
    /// The trees, packed and base64-encoded.
    pub nodes: String,
}

impl From<Forest> for Packed {
    fn from(f: Forest) -> Packed {
        let mut b = Vec::new();
        for t in &f.trees {
            // Trees of depth ≤ 15 have fewer than 65,536 nodes, so children fit in a u16.
            debug_assert!(t.len() <= usize::from(u16::MAX));
            b.extend_from_slice(&(t.len() as u32).to_le_bytes());
            for n in t {
                b.extend_from_slice(&n.feature.to_le_bytes());
                if n.feature != u16::MAX {
                    b.extend_from_slice(&(n.threshold as f32).to_le_bytes());
                    b.extend_from_slice(&(n.left as u16).to_le_bytes());
                    b.extend_from_slice(&(n.right as u16).to_le_bytes());
                }
                b.extend_from_slice(&(n.value as f32).to_le_bytes());
            }
        }
        Packed { base: f.base, encoding: ENCODING.into(), nodes: base64_encode(&b) }
    }
}

const ENCODING: &str = "aotsim-forest-1";

impl TryFrom<Packed> for Forest {
    type Error = String;

    fn try_from(p: Packed) -> Result<Forest, String> {
        if p.encoding != ENCODING {
            return Err(format!("forest encoding `{}` is not {ENCODING}", p.encoding));
        }
        let b = base64_decode(&p.nodes)?;
        let at = std::cell::Cell::new(0usize);
        let take = |n: usize| -> Result<[u8; 4], String> {
            let from = at.get();
            let s = b.get(from..from + n).ok_or_else(|| format!("forest data ends at byte {from}"))?;
            at.set(from + n);
            let mut out = [0u8; 4];
            out[..n].copy_from_slice(s);
            Ok(out)
        };
        let u16_of = |x: [u8; 4]| u16::from_le_bytes([x[0], x[1]]);
        let f32_of = |x: [u8; 4]| f64::from(f32::from_le_bytes(x));
        let mut trees = Vec::new();
        while at.get() < b.len() {
            let count = u32::from_le_bytes(take(4)?) as usize;
            if count == 0 || count > u16::MAX as usize {
                return Err(format!("forest tree {}: {count} nodes", trees.len()));
            }
            let mut t = Vec::with_capacity(count);
            for i in 0..count {
                let feature = u16_of(take(2)?);
                let (mut threshold, mut left, mut right) = (0.0, 0, 0);
                if feature != u16::MAX {
                    threshold = f32_of(take(4)?);
                    left = u32::from(u16_of(take(2)?));
                    right = u32::from(u16_of(take(2)?));
                    // Children come after their node, so a walk always ends.
                    if left as usize <= i || right as usize <= i || left as usize >= count || right as usize >= count {
                        return Err(format!("forest tree {}, node {i}: children {left} and {right} out of order", trees.len()));
                    }
                }
                let value = f32_of(take(4)?);
                t.push(Node { feature, threshold, left, right, value });
            }
            trees.push(t);
        }
        Ok(Forest { base: p.base, trees })
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len().div_ceil(3) * 4);
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            s.push(if k <= c.len() { B64[(n >> (18 - 6 * k)) as usize & 63] as char } else { '=' });
        }
    }
    s
}

fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, &ch) in s.iter().enumerate() {
        let v = B64.iter().position(|&x| x == ch).ok_or_else(|| format!("forest data: byte {i} is not base64"))? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// Training settings.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Trees.
    pub rounds: usize,
    /// Depth of each tree.
    pub depth: usize,
    /// Shrinkage.
    pub learning_rate: f64,
    /// Rows a leaf needs.
    pub min_leaf: usize,
    /// L2 regularisation of leaf values.
    pub lambda: f64,
    /// Share of rows each tree sees.
    pub subsample: f64,
    /// Seed of the row sampling.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params { rounds: 300, depth: 12, learning_rate: 0.1, min_leaf: 3, lambda: 1.0, subsample: 0.8, seed: 0x9e37_79b9_7f4a_7c15 }
    }
}

const BINS: usize = 255;

impl Forest {
    /// Fits `y` from the rows of `x` (each `n_features` wide).
    pub fn fit(x: &[Vec<f64>], y: &[f64], params: Params) -> Forest {
        let n = x.len();
        let nf = x.first().map_or(0, Vec::len);
        let base = if n == 0 { 0.0 } else { y.iter().sum::<f64>() / n as f64 };
        // Quantile bin edges per feature, and each row's bin.
        let mut edges: Vec<Vec<f64>> = Vec::with_capacity(nf);
        let mut bins = vec![0u8; n * nf];
        for f in 0..nf {
            let mut vals: Vec<f64> = x.iter().map(|r| r[f]).collect();
            vals.sort_by(f64::total_cmp);
            vals.dedup();
            let e: Vec<f64> =
                if vals.len() <= BINS { vals.clone() } else { (1..=BINS).map(|k| vals[(k * (vals.len() - 1)) / BINS]).collect::<Vec<_>>() };
            let mut e = e;
            e.dedup();
            for (i, r) in x.iter().enumerate() {
                bins[i * nf + f] = e.partition_point(|&t| t < r[f]).min(BINS - 1) as u8;
            }
            edges.push(e);
        }
        let mut pred = vec![base; n];
        let mut trees = Vec::with_capacity(params.rounds);
        let mut rng = params.seed.max(1);
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        for _ in 0..params.rounds {
            let grad: Vec<f64> = pred.iter().zip(y).map(|(p, t)| p - t).collect();
            let rows: Vec<u32> = (0..n as u32).filter(|_| (next() % 10_000) as f64 / 10_000.0 < params.subsample).collect();
            let tree = grow(&bins, nf, &edges, &grad, rows, params);
            for (i, row) in x.iter().enumerate() {
                pred[i] += predict_tree(&tree, row);
            }
            trees.push(tree);
        }
        Forest { base, trees }
    }

    /// The mean of `forests`' predictions as one forest: their bases averaged, their trees
    /// together with every node's value divided by their number (so path contributions stay the
    /// mean of theirs).
    pub fn average(forests: Vec<Forest>) -> Forest {
        let k = forests.len().max(1) as f64;
        let base = forests.iter().map(|f| f.base).sum::<f64>() / k;
        let trees = forests
            .into_iter()
            .flat_map(|f| f.trees)
            .map(|mut t| {
                t.iter_mut().for_each(|n| n.value /= k);
                t
            })
            .collect();
        Forest { base, trees }
    }

    /// The prediction for one row.
    pub fn predict(&self, row: &[f64]) -> f64 {
        self.base + self.trees.iter().map(|t| predict_tree(t, row)).sum::<f64>()
    }

    /// The predictions for many rows, equal to [`Forest::predict`] of each, bit for bit: tree by
    /// tree over the rows (each tree stays in cache while the rows go through it), the trees
    /// summed in the same order.
    pub fn predict_many<R: AsRef<[f64]>>(&self, rows: &[R]) -> Vec<f64> {
        // Eight rows walk each tree in step: their node loads do not wait on one another.
        const LANES: usize = 8;
        let mut sums = vec![0.0; rows.len()];
        for t in &self.trees {
            for (sums, rows) in sums.chunks_mut(LANES).zip(rows.chunks(LANES)) {
                let mut at = [0usize; LANES];
                let mut moving = true;
                while moving {
                    moving = false;
                    for (i, row) in rows.iter().enumerate() {
                        let node = &t[at[i]];
                        if node.feature != u16::MAX {
                            at[i] = node.child(row.as_ref());
                            moving = true;
                        }
                    }
                }
                for (sum, &i) in sums.iter_mut().zip(&at) {
                    *sum += t[i].value;
                }
            }
        }
        sums.into_iter().map(|s| self.base + s).collect()
    }

    /// Each feature's share of the prediction (path contributions), by feature index.
    pub fn contributions(&self, row: &[f64], n_features: usize) -> Vec<f64> {
        let mut out = vec![0.0; n_features];
        for t in &self.trees {
            let mut i = 0usize;
            loop {
                let node = &t[i];
                if node.feature == u16::MAX {
                    break;
                }
                let child = node.child(row);
                if let Some(o) = out.get_mut(node.feature as usize) {
                    *o += t[child].value - node.value;
                }
                i = child;
            }
        }
        out
    }
}

fn predict_tree(t: &[Node], row: &[f64]) -> f64 {
    let mut i = 0usize;
    loop {
        let node = &t[i];
        if node.feature == u16::MAX {
            return node.value;
        }
        i = node.child(row);
    }
}

impl Node {
    /// The child a split sends `row` to (a feature the row lacks reads 0).
    fn child(&self, row: &[f64]) -> usize {
        (if row.get(self.feature as usize).copied().unwrap_or(0.0) <= self.threshold { self.left } else { self.right }) as usize
    }
}

fn grow(bins: &[u8], nf: usize, edges: &[Vec<f64>], grad: &[f64], rows: Vec<u32>, params: Params) -> Vec<Node> {
    let leaf_value = |rows: &[u32]| {
        let g: f64 = rows.iter().map(|&r| grad[r as usize]).sum();
        -g / (rows.len() as f64 + params.lambda) * params.learning_rate
    };
    let mut nodes = vec![Node { feature: u16::MAX, threshold: 0.0, left: 0, right: 0, value: leaf_value(&rows) }];
    let mut frontier: Vec<(usize, Vec<u32>)> = vec![(0, rows)];
    for _ in 0..params.depth {
        let mut next_frontier = Vec::new();
        for (node, rows) in frontier {
            if rows.len() < 2 * params.min_leaf {
                continue;
            }
            let total_g: f64 = rows.iter().map(|&r| grad[r as usize]).sum();
            let total_n = rows.len() as f64;
            let parent_score = total_g * total_g / (total_n + params.lambda);
            let mut best: Option<(f64, usize, usize)> = None; // (gain, feature, bin)
            let mut hist_g = [0.0f64; BINS];
            let mut hist_n = [0u32; BINS];
            for f in 0..nf {
                if edges[f].len() < 2 {
                    continue;
                }
                hist_g.fill(0.0);
                hist_n.fill(0);
                for &r in &rows {
                    let b = bins[r as usize * nf + f] as usize;
                    hist_g[b] += grad[r as usize];
                    hist_n[b] += 1;
                }
                let (mut gl, mut nl) = (0.0, 0u32);
                for b in 0..edges[f].len() - 1 {
                    gl += hist_g[b];
                    nl += hist_n[b];
                    let nr = rows.len() as u32 - nl;
                    if (nl as usize) < params.min_leaf || (nr as usize) < params.min_leaf {
                        continue;
                    }
                    let gr = total_g - gl;
                    let gain = gl * gl / (f64::from(nl) + params.lambda) + gr * gr / (f64::from(nr) + params.lambda) - parent_score;
                    if best.is_none_or(|(g, _, _)| gain > g) {
                        best = Some((gain, f, b));
                    }
                }
            }
            let Some((gain, f, b)) = best else { continue };
            if gain <= 1e-12 {
                continue;
            }
            let threshold = edges[f][b];
            let (l, r): (Vec<u32>, Vec<u32>) = rows.iter().partition(|&&row| bins[row as usize * nf + f] as usize <= b);
            let li = nodes.len();
            nodes.push(Node { feature: u16::MAX, threshold: 0.0, left: 0, right: 0, value: leaf_value(&l) });
            nodes.push(Node { feature: u16::MAX, threshold: 0.0, left: 0, right: 0, value: leaf_value(&r) });
            let n = &mut nodes[node];
            n.feature = f as u16;
            n.threshold = threshold;
            n.left = li as u32;
            n.right = li as u32 + 1;
            next_frontier.push((li, l));
            next_frontier.push((li + 1, r));
        }
        frontier = next_frontier;
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_step_and_a_product() {
        // y = 3 when a > 5, plus 0.5·b: trees find the step, boosting the slope.
        let x: Vec<Vec<f64>> = (0..2000).map(|i| vec![(i % 10) as f64, ((i / 10) % 7) as f64]).collect();
        let y: Vec<f64> = x.iter().map(|r| if r[0] > 5.0 { 3.0 } else { 0.0 } + 0.5 * r[1]).collect();
        let f = Forest::fit(&x, &y, Params { rounds: 300, depth: 3, subsample: 1.0, ..Params::default() });
        let worst = x.iter().zip(&y).map(|(r, t)| (f.predict(r) - t).abs()).fold(0.0, f64::max);
        assert!(worst < 0.05, "worst error {worst}");
        let c = f.contributions(&[9.0, 0.0], 2);
        assert!(c[0] > 1.0 && c[1].abs() < c[0], "{c:?}");
        // Packed and read back, it predicts the same to f32 precision.
        let back: Forest = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert!(x.iter().all(|r| (back.predict(r) - f.predict(r)).abs() < 1e-5));
    }

    #[test]
    fn an_average_of_forests_predicts_and_explains_their_mean() {
        let x: Vec<Vec<f64>> = (0..500).map(|i| vec![(i % 10) as f64, ((i / 10) % 7) as f64]).collect();
        let y: Vec<f64> = x.iter().map(|r| r[0] * r[1]).collect();
        let params = Params { rounds: 20, depth: 4, ..Params::default() };
        let a = Forest::fit(&x, &y, params);
        let b = Forest::fit(&x, &y, Params { seed: 7, ..params });
        // Another draw of rows grows other trees.
        assert!(x.iter().any(|r| (a.predict(r) - b.predict(r)).abs() > 1e-6));
        let (pa, pb) = (a.predict(&x[37]), b.predict(&x[37]));
        let (ca, cb) = (a.contributions(&x[37], 2), b.contributions(&x[37], 2));
        let mean = Forest::average(vec![a, b]);
        assert_eq!(mean.trees.len(), 40);
        assert!((mean.predict(&x[37]) - (pa + pb) / 2.0).abs() < 1e-9);
        let c = mean.contributions(&x[37], 2);
        assert!(c.iter().zip(ca.iter().zip(&cb)).all(|(m, (p, q))| (m - (p + q) / 2.0).abs() < 1e-9), "{c:?}");
    }

    #[test]
    fn predicting_many_rows_at_once_gives_each_row_its_own_prediction_bit_for_bit() {
        let x: Vec<Vec<f64>> = (0..600).map(|i| vec![(i % 13) as f64, ((i * 7) % 11) as f64, (i % 5) as f64 * 0.5]).collect();
        let y: Vec<f64> = x.iter().map(|r| r[0] * r[1] - r[2]).collect();
        let f = Forest::fit(&x, &y, Params { rounds: 30, depth: 6, ..Params::default() });
        // 61 rows: seven full groups of eight and a last one of five; rows of other lengths too.
        let rows: Vec<Vec<f64>> = (0..61).map(|i| x[i * 9 % 600].iter().take(3 - i % 2).copied().collect()).collect();
        let many = f.predict_many(&rows);
        assert_eq!(many.len(), rows.len());
        for (row, got) in rows.iter().zip(&many) {
            assert_eq!(got.to_bits(), f.predict(row).to_bits(), "{row:?}");
        }
        assert!(f.predict_many::<Vec<f64>>(&[]).is_empty());
    }

    #[test]
    fn damaged_packed_forests_are_refused() {
        let x: Vec<Vec<f64>> = (0..200).map(|i| vec![(i % 10) as f64]).collect();
        let y: Vec<f64> = x.iter().map(|r| r[0]).collect();
        let f = Forest::fit(&x, &y, Params { rounds: 3, depth: 3, ..Params::default() });
        let p = Packed::from(f);
        let truncated = Packed { nodes: p.nodes[..p.nodes.len() - 8].to_string(), ..p.clone() };
        assert!(Forest::try_from(truncated).unwrap_err().contains("ends at byte"));
        let garbage = Packed { nodes: "!!!!".into(), ..p.clone() };
        assert!(Forest::try_from(garbage).unwrap_err().contains("not base64"));
        // A child pointing back at its parent would loop forever: refused.
        let mut raw = base64_decode(&p.nodes).unwrap();
        raw[4 + 2 + 4] = 0; // tree 0, node 0: left child := 0
        let cyclic = Packed { nodes: base64_encode(&raw), ..p.clone() };
        assert!(Forest::try_from(cyclic).unwrap_err().contains("out of order"));
        let other = Packed { encoding: "v0".into(), ..p };
        assert!(Forest::try_from(other).is_err());
    }
}
