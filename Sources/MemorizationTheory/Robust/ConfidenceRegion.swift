import FairnessStatistics

/// A simultaneous confidence region for the parameters one metric's memorization answer depends
/// on, from counts `n[a][y][yh]` (N records).
///
/// Parameters and their exact binomial laws (each conditional on the totals below it):
/// - cell masses `p[a][y] = P(A=a, Y=y)`: `n[a][y] ~ Binomial(N, p[a][y])`;
/// - base rates `pi[a][y] = P(Y=y | A=a)` (statistical parity only): given `n[a]`,
///   `n[a][y] ~ Binomial(n[a], pi[a][y])`;
/// - confusion rates `C[a][y][yh]`: given `n[a][y]`, `n[a][y][yh] ~ Binomial(n[a][y], C[a][y][yh])`.
///
/// Each used parameter gets a Clopper-Pearson interval at level `1 - alpha/M`, where M counts the
/// distinct coverage events (for K = 2 the two entries of a row are complements, `k/n` and
/// `(n-k)/n`, whose intervals miss together, so a row counts once). Clopper-Pearson intervals
/// miss with probability at most their alpha for every true value, also conditionally on the
/// totals, hence unconditionally; by the union (Bonferroni) bound the probability that *any*
/// interval misses is at most `M · alpha/M = alpha`. So the box of all intervals contains the true
/// parameters with probability at least `level = 1 - alpha`, whatever their dependence.
///
/// Only the parameters the metric needs enter (fewer events, narrower intervals): the confusion
/// rates the metric compares, the masses of the cells whose memorization it can use, and for SP
/// the base rates. SP in convention A uses no confusion rate at all: the unmemorized part of a
/// group predicts with the stated law `s[a]`, which is not a sample estimate. Constraints the
/// truth satisfies (rows and the population sum to 1) are kept where the programs can use them;
/// dropping any of them only enlarges the region, which keeps every verdict sound.
public struct ConfidenceRegion: Sendable, Codable, Equatable {
  public var level: Double
  /// M, the number of coverage events in the Bonferroni union bound.
  public var intervalCount: Int
  /// The level of each interval, `1 - (1 - level)/M`.
  public var perIntervalLevel: Double
  /// `p[a][y]` intervals (nil for cells the metric never memorizes).
  public var cellMass: [[ProportionInterval?]]
  /// `pi[a][y]` intervals (statistical parity only).
  public var baseRate: [[ProportionInterval]]?
  /// `C[a][y][yh]` intervals (nil where the metric does not use the rate).
  public var confusion: [[[ProportionInterval?]]]

  enum CodingKeys: String, CodingKey {
    case level
    case intervalCount = "interval_count"
    case perIntervalLevel = "per_interval_level"
    case cellMass = "cell_mass"
    case baseRate = "base_rate"
    case confusion
  }

  /// Which parameters a metric's answer depends on.
  struct Usage {
    /// `usedCells[a][y]`: the cell can be memorized usefully (its mass enters the objective).
    var usedCells: [[Bool]]
    /// `usedRates[a][y][yh]`: the confusion rate enters a compared rate.
    var usedRates: [[[Bool]]]
    var needsBaseRates: Bool
  }

  /// - Parameter givenUnmemorized: convention A (SP group rates then use `s[a]`, not `C`).
  static func usage(metric: FairnessMetric, keys: [RateKey], groups g: Int, classes k: Int, givenUnmemorized: Bool)
    -> Usage
  {
    let ratesEnter = !(metric == .statisticalParity && givenUnmemorized)
    var cells = Array(repeating: Array(repeating: false, count: k), count: g)
    var rates = Array(repeating: Array(repeating: Array(repeating: false, count: k), count: k), count: g)
    for key in keys {
      for a in 0..<g {
        if let y = key.trueClass {
          cells[a][y] = true
          rates[a][y][key.predictedClass] = ratesEnter
        } else {
          for y in 0..<k {
            cells[a][y] = true
            rates[a][y][key.predictedClass] = ratesEnter
          }
        }
      }
    }
    return Usage(usedCells: cells, usedRates: rates, needsBaseRates: metric == .statisticalParity)
  }

  /// Throws `StatisticsError` (field `counts[a][y]`, or `sample_sizes[a][y]` when the counts
  /// were implied by sample sizes) when a cell whose confusion rates an equal-opportunity or
  /// equalized-odds entry compares has no record.
  static func requireRecords(
    counts n: [[[Int]]], origin: CountsOrigin = .counts, metric: FairnessMetric, keys: [RateKey]
  ) throws(StatisticsError) {
    guard metric != .statisticalParity else { return }
    let usage = usage(metric: metric, keys: keys, groups: n.count, classes: n[0].count, givenUnmemorized: false)
    for (a, group) in n.enumerated() {
      for (y, row) in group.enumerated() where usage.usedCells[a][y] && row.reduce(0, +) == 0 {
        throw StatisticsError(
          field: "\(origin.rawValue)[\(a)][\(y)]",
          problem:
            "the \(metric.title) rates of this cell have no record to be estimated from (group \(a), class \(y)); remove the class with --favorable or merge groups"
        )
      }
    }
  }

  /// The region at `level` for the parameters `metric` (with `keys`) uses.
  ///
  /// - Throws: `StatisticsError` (field `counts[a][y]`) when a cell whose confusion rates an
  ///   equal-opportunity or equalized-odds entry compares has no record: its rate is not
  ///   estimable at all (statistical parity weights such a cell by its base rate, so it is kept
  ///   with the interval [0, 1]).
  static func build(
    counts n: [[[Int]]], origin: CountsOrigin = .counts, metric: FairnessMetric, keys: [RateKey], level: Double,
    givenUnmemorized: Bool = false
  ) throws(StatisticsError) -> ConfidenceRegion {
    let g = n.count
    let k = n[0].count
    let usage = usage(metric: metric, keys: keys, groups: g, classes: k, givenUnmemorized: givenUnmemorized)
    let rowTotals = n.map { $0.map { $0.reduce(0, +) } }
    let groupTotals = rowTotals.map { $0.reduce(0, +) }
    let total = groupTotals.reduce(0, +)
    try requireRecords(counts: n, origin: origin, metric: metric, keys: keys)
    // Coverage events.
    var events = 0
    for a in 0..<g {
      for y in 0..<k where usage.usedCells[a][y] {
        events += 1  // the cell mass
        let used = usage.usedRates[a][y].filter { $0 }.count
        events += k == 2 ? min(used, 1) : used
      }
      if usage.needsBaseRates { events += k == 2 ? 1 : k }
    }
    let alpha = (1 - level) / Double(events)
    // Many cells share their (successes, trials): each distinct pair's interval is computed once.
    var intervals: [IntervalKey: ProportionInterval] = [:]
    func interval(_ successes: Int, _ trials: Int) -> ProportionInterval {
      let key = IntervalKey(successes: successes, trials: trials)
      if let known = intervals[key] { return known }
      let computed = ProportionInterval(successes: successes, trials: trials, alpha: alpha)
      intervals[key] = computed
      return computed
    }
    var cellMass: [[ProportionInterval?]] = Array(repeating: Array(repeating: nil, count: k), count: g)
    var confusion: [[[ProportionInterval?]]] = Array(
      repeating: Array(repeating: Array(repeating: nil, count: k), count: k), count: g)
    for a in 0..<g {
      for y in 0..<k where usage.usedCells[a][y] {
        cellMass[a][y] = interval(rowTotals[a][y], total)
        if k == 2 {
          // One event per row: the other entry is the complement.
          let base = interval(n[a][y][0], rowTotals[a][y])
          for yh in 0..<2 where usage.usedRates[a][y][yh] { confusion[a][y][yh] = yh == 0 ? base : base.complement }
        } else {
          for yh in 0..<k where usage.usedRates[a][y][yh] {
            confusion[a][y][yh] = interval(n[a][y][yh], rowTotals[a][y])
          }
        }
      }
    }
    var baseRate: [[ProportionInterval]]? = nil
    if usage.needsBaseRates {
      baseRate = (0..<g).map { a in
        if k == 2 {
          let first = interval(rowTotals[a][0], groupTotals[a])
          return [first, first.complement]
        }
        return (0..<k).map { interval(rowTotals[a][$0], groupTotals[a]) }
      }
    }
    return ConfidenceRegion(
      level: level, intervalCount: events, perIntervalLevel: 1 - alpha, cellMass: cellMass, baseRate: baseRate,
      confusion: confusion)
  }

  /// The counts that determine a Clopper-Pearson interval at a fixed alpha.
  private struct IntervalKey: Hashable {
    var successes: Int
    var trials: Int
  }

  /// Whether the region contains the given parameters (population `p`, confusion `C`); base
  /// rates are derived from `p`. Used by the coverage tests.
  public func contains(population p: [[Double]], confusion c: [[[Double]]]) -> Bool {
    for (a, row) in cellMass.enumerated() {
      for (y, interval) in row.enumerated() {
        if let interval, !interval.contains(p[a][y]) { return false }
        for (yh, rate) in confusion[a][y].enumerated() {
          if let rate, !rate.contains(c[a][y][yh]) { return false }
        }
      }
    }
    if let baseRate {
      for (a, row) in baseRate.enumerated() {
        let mass = p[a].reduce(0, +)
        for (y, interval) in row.enumerated() where !interval.contains(p[a][y] / mass) { return false }
      }
    }
    return true
  }
}

/// The largest value of `Σ_i c_i v_i` over `lower <= v <= upper` with `Σ v = total` (or
/// `Σ v <= total` when `atMost`): start at the lower ends and spend what is left on the largest
/// coefficients first. Exact (a fractional knapsack); used as the independent check of the
/// programs' dual bounds. Nil when the lower ends already exceed `total` (or, for the equality,
/// the upper ends do not reach it).
func greedyMaximum(coefficients c: [Double], lower: [Double], upper: [Double], total: Double, atMost: Bool)
  -> Double?
{
  greedyMaximizer(coefficients: c, lower: lower, upper: upper, total: total, atMost: atMost)?.value
}

/// `greedyMaximum` with the maximizing point (a vertex of the box intersected with the budget).
func greedyMaximizer(coefficients c: [Double], lower: [Double], upper: [Double], total: Double, atMost: Bool)
  -> (value: Double, point: [Double])?
{
  let base = lower.reduce(0, +)
  var remaining = total - base
  guard remaining >= -1e-12 else { return nil }
  var value = zip(c, lower).reduce(0) { $0 + $1.0 * $1.1 }
  var point = lower
  for i in c.indices.sorted(by: { c[$0] > c[$1] }) {
    if remaining <= 0 || (atMost && c[i] <= 0) { break }
    let step = min(remaining, upper[i] - lower[i])
    value += c[i] * step
    point[i] += step
    remaining -= step
  }
  if !atMost && remaining > 1e-12 { return nil }
  return (value, point)
}
