public import FairnessStatistics
public import LinearProgramming
public import SeededRandom

/// A posterior quantile of the least memorized mass.
public struct PosteriorQuantile: Sendable, Codable, Equatable {
  public var probability: Double
  /// Nil when the quantile falls among draws where the target is infeasible (infinite mass).
  public var value: Double?
}

/// The Bayesian answer for one metric: posterior probability that memorization can reach the
/// target, and posterior quantiles of the least memorized mass.
public struct BayesianAnswer: Sendable, Codable, Equatable {
  public var draws: Int
  public var seed: UInt64
  /// The prior, in words.
  public var prior: String
  /// Share of posterior draws in which the target is feasible.
  public var probabilityFeasible: Double
  public var feasibleDraws: Int
  /// Quantiles of the least mass over all draws, an infeasible draw counting as +infinity.
  public var minMassQuantiles: [PosteriorQuantile]
  /// The least mass of each draw in draw order (nil: infeasible), for callers that need more.
  public var minMasses: [Double?] = []

  enum CodingKeys: String, CodingKey {
    case draws, seed, prior
    case probabilityFeasible = "probability_feasible"
    case feasibleDraws = "feasible_draws"
    case minMassQuantiles = "min_mass_quantiles"
  }
}

/// Dirichlet posteriors of the population and the confusion rows, solved draw by draw.
///
/// Model: the N records are a multinomial sample of the G·K cells `(A, Y)` with law `p`, and
/// within cell (a, y) the predictions are a multinomial sample with law `C[a][y]`. Prior: Jeffreys,
/// `Dirichlet(1/2, ..., 1/2)` on `p` (G·K cells) and on every confusion row (K entries),
/// independent. The posterior is then `Dirichlet(n[a][y] + 1/2)` for `p` and
/// `Dirichlet(n[a][y][.] + 1/2)` for each row (conjugacy), independent across rows. Every draw is
/// a complete set of statistics with positive cells, solved by `MemorizationAnalysis` (the LPs
/// of the point analysis, witness checked). In convention A the stated unmemorized law `s[a]` is
/// not a sample estimate: every draw keeps it as given.
public enum BayesianFeasibility {
  public static let priorDescription =
    "Jeffreys: Dirichlet(1/2) on P(A, Y) over the G*K cells and on each confusion row P(Yhat | Y, A), independent"

  /// One posterior draw of the statistics (`unmemorized`: convention A's `s`, kept as given).
  public static func draw(
    counts n: [[[Int]]], groups: [String], classes: [String], unmemorized: [[Double]]? = nil,
    using rng: inout SplitMix64
  ) -> PopulationStatistics<Double> {
    let k = classes.count
    let cells = n.flatMap { $0.map { Double($0.reduce(0, +)) + 0.5 } }
    let flat = rng.nextDirichlet(cells)
    let population = (0..<groups.count).map { a in Array(flat[(a * k)..<((a + 1) * k)]) }
    let confusion = n.map { $0.map { row in rng.nextDirichlet(row.map { Double($0) + 0.5 }) } }
    return PopulationStatistics<Double>(
      groups: groups, classes: classes, population: population, confusion: confusion,
      unmemorizedPrediction: unmemorized)
  }

  /// The per-draw seeds: the i-th draw uses the i-th output of `SplitMix64(seed)`, so results do
  /// not depend on the number of threads.
  static func drawSeeds(_ seed: UInt64, count: Int) -> [UInt64] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in rng.next() }
  }

  /// The least memorized mass of draw `index` (nil when infeasible).
  public static func solveDraw(
    counts n: [[[Int]]], groups: [String], classes: [String], unmemorized: [[Double]]? = nil,
    metric: FairnessMetric, options: MetricOptions, drawSeed: UInt64
  ) throws(LPFailure) -> Double? {
    var rng = SplitMix64(seed: drawSeed)
    let statistics = draw(counts: n, groups: groups, classes: classes, unmemorized: unmemorized, using: &rng)
    let answer = try MemorizationAnalysis.analyze(statistics, metric: metric, options: options, certificate: false)
    return answer.feasible ? answer.minMass : nil
  }

  /// Posterior feasibility and least-mass quantiles from `draws` draws on `threads` threads.
  ///
  /// - Parameter quantiles: probabilities of the reported quantiles (linear interpolation between
  ///   order statistics; infeasible draws sort last as +infinity).
  public static func analyze(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, options: MetricOptions, draws: Int,
    seed: UInt64, threads: Int, quantiles: [Double]
  ) throws -> BayesianAnswer {
    guard metric.isGapVector else {
      throw StatisticsError(field: "metric", problem: "\(metric.rawValue) is not one of sp, eopp, eodds")
    }
    guard let n = statistics.counts else {
      throw StatisticsError(
        field: "counts",
        problem: "Bayesian answers need integer counts (field \"counts\", or rates with \"sample_sizes\")")
    }
    guard draws >= 1 else { throw StatisticsError(field: "draws", problem: "must be at least 1, got \(draws)") }
    try ConfidenceRegion.requireRecords(
      counts: n, origin: statistics.countsOrigin, metric: metric,
      keys: statistics.rateKeys(for: metric, options: options))
    let seeds = drawSeeds(seed, count: draws)
    let groups = statistics.groups
    let classes = statistics.classes
    let unmemorized = statistics.unmemorizedPrediction
    let results = ParallelMap.map(seeds, threads: max(1, threads)) { _, drawSeed in
      Result { () throws(LPFailure) -> Double? in
        try solveDraw(
          counts: n, groups: groups, classes: classes, unmemorized: unmemorized, metric: metric, options: options,
          drawSeed: drawSeed)
      }
    }
    let masses = try results.map { try $0.get() }
    let feasible = masses.compactMap { $0 }
    let sorted = masses.map { $0 ?? .infinity }.sorted()
    let points = quantiles.map { q -> PosteriorQuantile in
      let h = Double(sorted.count - 1) * q
      let lo = Int(h.rounded(.down))
      let hi = min(lo + 1, sorted.count - 1)
      let value = sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
      return PosteriorQuantile(probability: q, value: value.isFinite ? value : nil)
    }
    return BayesianAnswer(
      draws: draws, seed: seed, prior: priorDescription,
      probabilityFeasible: Double(feasible.count) / Double(draws), feasibleDraws: feasible.count,
      minMassQuantiles: points, minMasses: masses)
  }
}
