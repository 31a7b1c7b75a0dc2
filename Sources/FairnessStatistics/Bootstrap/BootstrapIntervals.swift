public import SeededRandom

/// A bootstrap interval of one scalar metric.
///
/// `lower`/`upper` are percentile bounds over the replicates in which the metric is defined;
/// `notEstimableFraction` is the share of replicates in which it is not (for example a group
/// with no positive record, so its TPR does not exist). Such replicates are left out of the
/// interval and reported here, never counted as 0. When no replicate is estimable the bounds,
/// mean and standard error are nil.
public struct MetricInterval: Sendable, Equatable, Codable {
  /// Stable snake_case name, e.g. `demographic_parity_difference`, `tpr[Female]`.
  public var name: String
  /// The metric on the observed counts (nil when undefined there).
  public var estimate: Double?
  /// Percentile bounds at `BootstrapIntervals.confidence`.
  public var lower: Double?
  public var upper: Double?
  /// Mean and standard deviation (the bootstrap standard error) over estimable replicates.
  public var bootstrapMean: Double?
  public var standardError: Double?
  /// Replicates in which the metric was defined.
  public var estimableReplicates: Int
  /// `1 - estimableReplicates / replicates`.
  public var notEstimableFraction: Double

  /// Whether `value` lies in `[lower, upper]` (false when there is no interval).
  public func contains(_ value: Double) -> Bool {
    guard let lower, let upper else { return false }
    return lower <= value && value <= upper
  }

  /// `upper - lower`, nil when there is no interval.
  public var width: Double? {
    guard let lower, let upper else { return nil }
    return upper - lower
  }

  enum CodingKeys: String, CodingKey {
    case name, estimate, lower, upper
    case bootstrapMean = "bootstrap_mean"
    case standardError = "standard_error"
    case estimableReplicates = "estimable_replicates"
    case notEstimableFraction = "not_estimable_fraction"
  }
}

/// Percentile-bootstrap intervals of every scalar fairness metric, from confusion counts.
public struct BootstrapIntervals: Sendable, Codable, Equatable {
  public var groups: [String]
  public var classes: [String]
  public var favorableClass: Int
  /// Number of records N (the multinomial sample size of every replicate).
  public var records: Int
  public var replicates: Int
  public var confidence: Double
  public var seed: UInt64
  /// One interval per metric, in `BootstrapIntervals.metricNames` order.
  public var intervals: [MetricInterval]

  /// The interval of the metric called `name`.
  public subscript(name: String) -> MetricInterval? { intervals.first { $0.name == name } }

  enum CodingKeys: String, CodingKey {
    case groups, classes
    case favorableClass = "favorable_class"
    case records, replicates
    case confidence = "level"
    case seed, intervals
  }

  /// The metric names, in order: per-group rates, then fairlearn/AIF360 summaries
  /// (`ScalarSummary`), then the seed papers' absolute gaps (`AbsoluteGapMetrics`).
  public static func metricNames(groups: [String]) -> [String] {
    var names: [String] = []
    for prefix in ["selection_rate", "tpr", "fpr", "accuracy"] {
      names += groups.map { "\(prefix)[\($0)]" }
    }
    names += [
      "overall_accuracy", "worst_group_accuracy",
      "demographic_parity_difference", "equalized_odds_difference",
      "average_odds_difference", "equal_opportunity_difference", "accuracy_difference",
      "seed001_dp", "seed001_eo", "seed001_deo",
      "seed004_ad", "seed004_aod", "seed004_eod",
    ]
    return names
  }

  /// Every metric (in `metricNames` order) from counts `n[a][y][yh]`; nil entries are undefined.
  ///
  /// A group with no record at all makes every metric that involves it undefined: its own rates
  /// and every gap / worst-group summary (only the other groups' rates and the overall accuracy
  /// remain).
  public static func metricValues(counts n: [[[Int]]], groups: [String], classes: [String], favorableClass c: Int)
    -> [Double?]
  {
    let g = groups.count
    let k = classes.count
    let total = n.joined().joined().reduce(0, +)
    let groupTotals = n.map { $0.joined().reduce(0, +) }
    let summaryCount = 13
    if total == 0 { return Array(repeating: nil, count: 4 * g + summaryCount) }
    if groupTotals.contains(0) {
      // Rates of non-empty groups are still defined; summaries over groups are not.
      var rates: [[Double?]] = Array(repeating: Array(repeating: nil, count: g), count: 4)
      var correct = 0
      for a in 0..<g where groupTotals[a] > 0 {
        let pos = n[a][c].reduce(0, +)
        let neg = groupTotals[a] - pos
        let selected = (0..<k).reduce(0) { $0 + n[a][$1][c] }
        let right = (0..<k).reduce(0) { $0 + n[a][$1][$1] }
        correct += right
        rates[0][a] = Double(selected) / Double(groupTotals[a])
        rates[1][a] = pos > 0 ? Double(n[a][c][c]) / Double(pos) : nil
        rates[2][a] = neg > 0 ? Double(selected - n[a][c][c]) / Double(neg) : nil
        rates[3][a] = Double(right) / Double(groupTotals[a])
      }
      var values = Array(rates.joined())
      values.append(Double(correct) / Double(total))
      values += Array(repeating: nil, count: summaryCount - 1)
      return values
    }
    let statistics: PopulationStatistics<Double>
    do {
      statistics = try PopulationStatistics(counts: PredictionCounts(groups: groups, classes: classes, counts: n))
    } catch {
      preconditionFailure("counts with records in every group are valid statistics: \(error)")
    }
    let s = statistics.biasReport(favorableClass: c).summary
    let gaps = AbsoluteGapMetrics(s)
    var values: [Double?] = s.selectionRates.map { $0 }
    values += s.truePositiveRates
    values += s.falsePositiveRates
    values += s.accuracies.map { $0 }
    values += [
      s.overallAccuracy, s.worstGroupAccuracy,
      s.demographicParityDifference, s.equalizedOddsDifference,
      s.averageOddsDifference, s.equalOpportunityDifference, s.accuracyDifference,
      gaps.demographicParity, gaps.equalityOfOdds, gaps.differenceInEqualOpportunity,
      gaps.absoluteAccuracyDifference, gaps.absoluteAverageOddsDifference,
      gaps.absoluteEqualOpportunityDifference,
    ]
    return values
  }
}

/// Exact multinomial resampling of N records over the cells of a count tensor.
///
/// Each replicate draws N records independently from the observed cell frequencies
/// `n[a][y][yh] / N` (the nonparametric bootstrap of records, which only needs the counts because
/// every metric depends on the records through their cell alone). The replicate is drawn per
/// cell, not per record: conditional binomials (`nextMultinomial`), cell i receiving
/// `Binomial(records left, n_i / counts left)`, which is the same multinomial law at a cost that
/// grows with the number of cells instead of N.
public struct MultinomialCountSampler: Sendable {
  public let shape: (groups: Int, classes: Int)
  public let records: Int
  private let cells: [(a: Int, y: Int, yh: Int)]
  private let weights: [Int]

  /// A sampler for the frequencies of `counts` (N = their sum, which must be positive).
  public init(counts n: [[[Int]]]) {
    let g = n.count
    let k = n.first?.count ?? 0
    var cells: [(a: Int, y: Int, yh: Int)] = []
    var weights: [Int] = []
    for a in 0..<g {
      for y in 0..<k {
        for yh in 0..<k where n[a][y][yh] > 0 {
          cells.append((a, y, yh))
          weights.append(n[a][y][yh])
        }
      }
    }
    let total = weights.reduce(0, +)
    precondition(total > 0, "counts must have at least one record")
    self.shape = (g, k)
    self.records = total
    self.cells = cells
    self.weights = weights
  }

  /// One multinomial replicate of `size` records (default N).
  public func sample(size: Int? = nil, using rng: inout SplitMix64) -> [[[Int]]] {
    let (g, k) = shape
    let flat = rng.nextMultinomial(trials: size ?? records, weights: weights)
    var n = Array(repeating: Array(repeating: Array(repeating: 0, count: k), count: k), count: g)
    for (i, cell) in cells.enumerated() { n[cell.a][cell.y][cell.yh] = flat[i] }
    return n
  }
}

extension PopulationStatistics where T == Double {
  /// Percentile-bootstrap intervals of every scalar metric (`BootstrapIntervals.metricNames`),
  /// from the confusion counts alone (no re-prediction).
  ///
  /// Each of `replicates` replicates resamples the N records multinomially from the observed cell
  /// frequencies `n[a][y][yh] / N` (seeded `SplitMix64`), recomputes the statistics and every
  /// metric of `ScalarSummary` and `AbsoluteGapMetrics` at no memorization, and the interval is the
  /// `(1 ± confidence)/2` percentile pair (linear interpolation between order statistics) over the
  /// replicates where the metric is defined. The standard error is the replicates' standard
  /// deviation. Deterministic for a given seed.
  ///
  /// - Parameters:
  ///   - counts: the observed counts (names and `counts[a][y][yh]`).
  ///   - favorableClass: the "positive" class (default: the last class).
  ///   - replicates: number of bootstrap replicates (>= 2).
  ///   - confidence: interval level in (0, 1), e.g. 0.95.
  ///   - seed: the `SplitMix64` seed.
  public static func bootstrapIntervals(
    counts: PredictionCounts, favorableClass: Int? = nil, replicates: Int = 1000,
    confidence: Double = 0.95, seed: UInt64
  ) -> BootstrapIntervals {
    precondition(replicates >= 2, "need at least two replicates")
    precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
    let c = favorableClass ?? (counts.classes.count - 1)
    let groups = counts.groups
    let classes = counts.classes
    let names = BootstrapIntervals.metricNames(groups: groups)
    let estimate = BootstrapIntervals.metricValues(
      counts: counts.counts, groups: groups, classes: classes, favorableClass: c)
    let sampler = MultinomialCountSampler(counts: counts.counts)
    var rng = SplitMix64(seed: seed)
    var samples: [[Double]] = Array(repeating: [], count: names.count)
    for _ in 0..<replicates {
      let n = sampler.sample(using: &rng)
      let values = BootstrapIntervals.metricValues(counts: n, groups: groups, classes: classes, favorableClass: c)
      for (m, value) in values.enumerated() { if let value { samples[m].append(value) } }
    }
    let alpha = (1 - confidence) / 2
    let intervals = names.indices.map { m -> MetricInterval in
      let values = samples[m].sorted()
      let notEstimable = 1 - Double(values.count) / Double(replicates)
      guard !values.isEmpty else {
        return MetricInterval(
          name: names[m], estimate: estimate[m], lower: nil, upper: nil, bootstrapMean: nil,
          standardError: nil, estimableReplicates: 0, notEstimableFraction: notEstimable)
      }
      let mean = values.reduce(0, +) / Double(values.count)
      let variance =
        values.count > 1
        ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1) : 0
      return MetricInterval(
        name: names[m], estimate: estimate[m], lower: quantile(values, alpha), upper: quantile(values, 1 - alpha),
        bootstrapMean: mean, standardError: variance.squareRoot(), estimableReplicates: values.count,
        notEstimableFraction: notEstimable)
    }
    return BootstrapIntervals(
      groups: groups, classes: classes, favorableClass: c, records: sampler.records,
      replicates: replicates, confidence: confidence, seed: seed, intervals: intervals)
  }

  /// The `p`-quantile of sorted values, linear interpolation between order statistics
  /// (Hyndman-Fan type 7, numpy's default).
  static func quantile(_ sorted: [Double], _ p: Double) -> Double {
    let h = Double(sorted.count - 1) * p
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
  }
}

extension PopulationStatistics {
  /// Bootstrap intervals from the counts these statistics were decoded from (nil when they came
  /// from probabilities, which carry no sample size).
  public func bootstrapIntervals(
    favorableClass: Int? = nil, replicates: Int = 1000, confidence: Double = 0.95, seed: UInt64
  ) -> BootstrapIntervals? {
    guard let counts else { return nil }
    let recordCounts = PredictionCounts(groups: groups, classes: classes, counts: counts)
    return PopulationStatistics<Double>.bootstrapIntervals(
      counts: recordCounts, favorableClass: favorableClass, replicates: replicates,
      confidence: confidence, seed: seed)
  }
}

extension PredictionCounts {
  /// Counts given directly as `counts[a][y][yh]`.
  public init(groups: [String], classes: [String], counts: [[[Int]]]) {
    precondition(
      counts.count == groups.count
        && counts.allSatisfy { $0.count == classes.count && $0.allSatisfy { $0.count == classes.count } },
      "counts shape")
    precondition(counts.joined().joined().allSatisfy { $0 >= 0 }, "negative count")
    self.init(groups: groups, classes: classes, groupOf: [], labels: [], predictions: [])
    self.counts = counts
  }
}
