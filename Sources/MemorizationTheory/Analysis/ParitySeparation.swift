public import FairnessStatistics

/// A Farkas certificate that zero (eps) statistical parity is out of reach, found without an LP
/// by trying simple directions: the shortcut of the closed-form route for SP instances that
/// `SingleRowParity` does not cover (more than two groups, or more than two classes without a
/// favorable class).
///
/// *Why it is sound.* Group a's rates depend only on its own cells (R1/R2): for each compared
/// class `yh`, `r_a(yh) = c_a(yh) + Σ_y g_a(yh, y) x[a][y]` with `0 <= x[a][y] <= cap[a][y]`. For
/// weights `θ` on the compared classes, `θ·r_a` over the box ranges over
///
///     [θ·c_a + Σ_y cap[a][y] min(0, w_a(y)),  θ·c_a + Σ_y cap[a][y] max(0, w_a(y))],
///     w_a(y) = Σ_yh θ(yh) g_a(yh, y),
///
/// (each cell moves independently). Every memorization with all `|r_a(yh) - r_b(yh)| <= eps`
/// has `θ·r_a - θ·r_b >= -eps Σ|θ|`; so when `max θ·r_a < min θ·r_b - eps Σ|θ|` for two groups,
/// none exists. The multipliers `θ(yh)` on the entries `r_a(yh) - r_b(yh)` are then a Farkas
/// certificate of the memorization program, and the caller re-verifies them with
/// `MemorizationProgram.farkasGap` (the theory's own affine forms), as every LP certificate is.
///
/// *Which directions.* The unit vector of each compared class and the difference of each two
/// (`K + K(K-1)/2` directions), each on its widest ordered pair of groups (found in O(G)). This is
/// a search, not a decision procedure: the sets `{r_a}` are zonotopes and a separating direction
/// may be none of these, and with three or more groups the sets can fail to meet without any two
/// being separated. When no direction separates, nil is returned and GLPK decides the instance. On
/// the benchmark's mixed shapes (G = 2..4, K = 2..5, eps = 0) these directions certify 2,454 of
/// the 2,572 infeasible instances (R5b among them; see Docs/benchmarks.md).
struct ParitySeparation {
  /// The pair of groups (`low` is the one whose rates stay below along `theta`).
  var low: Int
  var high: Int
  /// The direction, one weight per compared class (`classes` order).
  var theta: [(predictedClass: Int, weight: Double)]
  /// `min θ·r_high - max θ·r_low - eps Σ|θ|`: positive when the direction separates.
  var margin: Double

  /// The direction and pair with the largest margin, or nil when none is above `minimumMargin`.
  static func find(
    _ statistics: PopulationStatistics<Double>, options: MetricOptions, minimumMargin: Double
  ) -> ParitySeparation? {
    let compared = statistics.rateKeys(for: .statisticalParity, options: options).map(\.predictedClass)
    let g = statistics.groupCount
    let k = statistics.classCount
    let m = compared.count
    guard g >= 2, m > 0 else { return nil }
    // Per group and compared class j: the rate's constant, and its coefficients over classes
    // scaled by the cell caps (flat: `[(a * m + j) * k + y]`), so a direction's support is a sum.
    var constant = [Double](repeating: 0, count: g * m)
    var scaled = [Double](repeating: 0, count: g * m * k)
    for a in 0..<g {
      for (j, yh) in compared.enumerated() {
        let form = statistics.groupRateForm(group: a, predicted: yh)
        constant[a * m + j] = form.constant
        for term in form.terms {
          scaled[(a * m + j) * k + term.trueClass] = term.coefficient * statistics.cap[a][term.trueClass]
        }
      }
    }
    var best: ParitySeparation?
    var low = [Double](repeating: 0, count: g)
    var high = [Double](repeating: 0, count: g)
    // Directions: e_i (j = i), then e_i - e_j (i < j).
    for i in 0..<m {
      for j in i..<m {
        for a in 0..<g {
          let base = constant[a * m + i] - (j == i ? 0 : constant[a * m + j])
          var up = 0.0
          var down = 0.0
          for y in 0..<k {
            let w = scaled[(a * m + i) * k + y] - (j == i ? 0 : scaled[(a * m + j) * k + y])
            if w > 0 { up += w } else { down += w }
          }
          low[a] = base + down
          high[a] = base + up
        }
        let slack = options.tolerance * (j == i ? 1 : 2)
        let (a, b) = Self.widestPair(high: high, low: low)
        let margin = low[b] - high[a] - slack
        if margin > minimumMargin, margin > best?.margin ?? -.infinity {
          let theta = j == i ? [(compared[i], 1.0)] : [(compared[i], 1.0), (compared[j], -1.0)]
          best = ParitySeparation(low: a, high: b, theta: theta, margin: margin)
        }
      }
    }
    return best
  }

  /// The distinct groups (a, b) with the largest `low[b] - high[a]`, in O(G): the group with the
  /// smallest `high` and the one with the largest `low`, or when they coincide the better of the
  /// two pairs with a runner-up. Ties go to the smaller index.
  static func widestPair(high: [Double], low: [Double]) -> (a: Int, b: Int) {
    precondition(high.count >= 2 && high.count == low.count, "two or more groups")
    let (a1, a2) = twoBest(count: high.count) { high[$0] < high[$1] }
    let (b1, b2) = twoBest(count: low.count) { low[$0] > low[$1] }
    if a1 != b1 { return (a1, b1) }
    return low[b2] - high[a1] >= low[b1] - high[a2] ? (a1, b2) : (a2, b1)
  }

  /// The certificate on the program's own entries: at zero tolerance the reference entries
  /// `r_ref - r_s` (`θ·(r_low - r_high) = Σ θ (e_high - e_low)` with `e_ref = 0`), otherwise the
  /// pair entries `r_a - r_b` (`a < b`) the direction weighs.
  func certificateEntries(
    _ statistics: PopulationStatistics<Double>, options: MetricOptions
  ) -> (entries: [MetricEntry], multipliers: [Double]) {
    let weight = Dictionary(uniqueKeysWithValues: theta.map { ($0.predictedClass, $0.weight) })
    if MemorizationProgram<Double>.defaultRows(options) == .referencePairs {
      let entries = statistics.referenceEntries(for: .statisticalParity, options: options)
      let multipliers = entries.map { entry -> Double in
        let w = weight[entry.rate.predictedClass] ?? 0
        return entry.second == high ? w : entry.second == low ? -w : 0
      }
      return (entries, multipliers)
    }
    let (first, second, sign) = low < high ? (low, high, 1.0) : (high, low, -1.0)
    let entries = theta.map {
      MetricEntry(
        metric: .statisticalParity, rate: RateKey(trueClass: nil, predictedClass: $0.predictedClass), first: first,
        second: second)
    }
    return (entries, theta.map { sign * $0.weight })
  }
}
