//! A force-directed layout for the co-occurrence network, computed ahead
//! of time so the page only draws it (Fruchterman–Reingold with a cooling
//! schedule; deterministic: nodes start on a circle, ordered by weight).

/// Pull towards the centre, strong enough that a node with no edges stays
/// near the others instead of stretching the picture.
const GRAVITY: f64 = 0.05;

/// Positions in the unit square for `n` nodes joined by weighted `edges`
/// (`(a, b, weight)`). Heavier edges pull harder, on a log scale, so one
/// pair named together a hundred times does not collapse the picture.
pub fn force_layout(n: usize, edges: &[(usize, usize, usize)]) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let angle = i as f64 / n as f64 * std::f64::consts::TAU;
            // A spiral, not one ring, so that no two nodes start together.
            let radius = 0.2 + 0.25 * (i as f64 / n as f64);
            (0.5 + radius * angle.cos(), 0.5 + radius * angle.sin())
        })
        .collect();
    let k = (1.0 / n as f64).sqrt() * 0.9;
    let iterations = 400;
    for step in 0..iterations {
        let temperature = 0.08 * (1.0 - step as f64 / iterations as f64) + 0.002;
        let mut shift = vec![(0.0f64, 0.0f64); n];
        for a in 0..n {
            for b in (a + 1)..n {
                let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
                let d = (dx * dx + dy * dy).sqrt().max(1e-4);
                // Repulsion only nearby: otherwise a node with no edges is
                // pushed out until it alone sets the picture's scale.
                if d > 3.0 * k {
                    continue;
                }
                let push = k * k / d;
                shift[a].0 += dx / d * push;
                shift[a].1 += dy / d * push;
                shift[b].0 -= dx / d * push;
                shift[b].1 -= dy / d * push;
            }
        }
        for &(a, b, weight) in edges {
            if a >= n || b >= n || a == b {
                continue;
            }
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-4);
            let pull = d * d / k * (1.0 + (weight as f64).ln()) * 0.5;
            shift[a].0 -= dx / d * pull;
            shift[a].1 -= dy / d * pull;
            shift[b].0 += dx / d * pull;
            shift[b].1 += dy / d * pull;
        }
        for (p, s) in pos.iter_mut().zip(&shift) {
            // Gravity keeps unconnected nodes from drifting to the rim.
            let (gx, gy) = ((0.5 - p.0) * GRAVITY, (0.5 - p.1) * GRAVITY);
            let (sx, sy) = (s.0 + gx, s.1 + gy);
            let len = (sx * sx + sy * sy).sqrt().max(1e-9);
            let moved = len.min(temperature);
            p.0 += sx / len * moved;
            p.1 += sy / len * moved;
        }
    }
    // Fit to the unit square with a margin.
    let (min_x, max_x) = pos.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.0), hi.max(p.0))
    });
    let (min_y, max_y) = pos.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    let (w, h) = ((max_x - min_x).max(1e-9), (max_y - min_y).max(1e-9));
    pos.iter()
        .map(|p| {
            let x = if n == 1 {
                0.5
            } else {
                0.05 + 0.9 * (p.0 - min_x) / w
            };
            let y = if n == 1 {
                0.5
            } else {
                0.05 + 0.9 * (p.1 - min_y) / h
            };
            (x, y)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linked_nodes_end_closer_than_unlinked_ones_and_all_fit() {
        let edges = [(0, 1, 5), (1, 2, 5), (0, 2, 5), (3, 4, 1)];
        let pos = force_layout(6, &edges);
        assert!(pos
            .iter()
            .all(|p| (0.0..=1.0).contains(&p.0) && (0.0..=1.0).contains(&p.1)));
        let d = |a: usize, b: usize| {
            ((pos[a].0 - pos[b].0).powi(2) + (pos[a].1 - pos[b].1).powi(2)).sqrt()
        };
        assert!(d(0, 1) < d(0, 5), "{pos:?}");
        assert!(d(3, 4) < d(3, 0), "{pos:?}");
        assert_eq!(force_layout(1, &[]), vec![(0.5, 0.5)]);
    }
}
