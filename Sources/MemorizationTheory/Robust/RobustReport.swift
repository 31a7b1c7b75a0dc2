public import FairnessStatistics
public import LinearProgramming

/// Which robust answers to compute.
public enum RobustMethod: String, Sendable, Codable, CaseIterable {
  /// The confidence-region (frequentist) verdict and mass interval.
  case box
  /// Dirichlet posterior draws.
  case bayes
  case both
}

/// The point-estimate answer the robust answers are compared with.
public struct PointEstimateAnswer: Sendable, Codable, Equatable {
  public var feasible: Bool
  public var minMass: Double?

  enum CodingKeys: String, CodingKey {
    case feasible
    case minMass = "min_mass"
  }
}

/// Everything `fairmem robust` reports for one metric: the summary fields first (`verdict`,
/// `min_mass_interval`, `probability_feasible`, `settling_scale`), then the full frequentist
/// (`box`) and Bayesian (`bayes`) answers with their witnesses, certificate and region.
public struct RobustReport: Sendable, Codable, Equatable {
  public var metric: FairnessMetric
  public var groups: [String]
  public var classes: [String]
  public var favorableClass: String?
  public var tolerance: Double
  public var level: Double
  public var records: Int
  /// `B` (cell-random memorization) or `A` (given unmemorized prediction law; SP only differs).
  public var convention: Convention
  /// The input field the counts came from (`counts` or `sample_sizes`).
  public var countsFrom: CountsOrigin
  public var method: RobustMethod
  public var pointEstimate: PointEstimateAnswer
  /// The frequentist verdict (nil for `bayes` alone).
  public var verdict: RobustVerdict?
  /// `[lower, upper]` of the least memorized mass over the region; upper null when unbounded
  /// (some population of the region may admit no memorization); nil when certainly infeasible.
  public var minMassInterval: [Double?]?
  /// Posterior probability that the target is feasible (nil without `bayes`).
  public var probabilityFeasible: Double?
  /// The count scaling found to settle an undetermined verdict (nil when determinate or none).
  public var settlingScale: Double?
  public var box: RobustAnswer?
  public var bayes: BayesianAnswer?

  enum CodingKeys: String, CodingKey {
    case metric, groups, classes
    case favorableClass = "favorable_class"
    case tolerance, level, records, convention
    case countsFrom = "counts_from"
    case method
    case pointEstimate = "point_estimate"
    case verdict
    case minMassInterval = "min_mass_interval"
    case probabilityFeasible = "probability_feasible"
    case settlingScale = "settling_scale"
    case box, bayes
  }
}

extension RobustAnalysis {
  /// The robust report for one metric: the entry point of `fairmem robust`.
  ///
  /// - Parameters:
  ///   - level: confidence level of the region, and credibility level of the reported posterior
  ///     interval (quantiles `(1 - level)/2`, 1/2, `(1 + level)/2`).
  ///   - draws, seed, threads: the posterior draws (method `bayes` or `both`).
  /// - Throws: `StatisticsError` for bad input (no counts, level outside (0, 1), draws < 1, a
  ///   needed cell without records), `LPFailure` when GLPK fails.
  public static func report(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, options: MetricOptions, level: Double,
    method: RobustMethod, draws: Int = 2000, seed: UInt64 = 0, threads: Int = 1
  ) throws -> RobustReport {
    guard metric.isGapVector else {
      throw StatisticsError(field: "metric", problem: "\(metric.rawValue) is not one of sp, eopp, eodds")
    }
    guard level > 0 && level < 1 && level.isFinite else {
      throw StatisticsError(field: "level", problem: "must be in (0, 1), got \(level)")
    }
    guard draws >= 1 else { throw StatisticsError(field: "draws", problem: "must be at least 1, got \(draws)") }
    let point = try MemorizationAnalysis.analyze(statistics, metric: metric, options: options, certificate: false)
    var report = RobustReport(
      metric: metric, groups: statistics.groups, classes: statistics.classes,
      favorableClass: options.favorableClass.map { statistics.classes[$0] }, tolerance: options.tolerance,
      level: level, records: statistics.counts?.joined().joined().reduce(0, +) ?? 0,
      convention: statistics.convention, countsFrom: statistics.countsOrigin, method: method,
      pointEstimate: PointEstimateAnswer(feasible: point.feasible, minMass: point.minMass))
    if method != .bayes {
      let box = try analyze(statistics, metric: metric, options: options, level: level)
      report.box = box
      report.verdict = box.verdict
      report.minMassInterval = box.minMassInterval.map { [$0.lower, $0.upper] }
      report.settlingScale = box.settling?.scale
    }
    if method != .box {
      let bayes = try BayesianFeasibility.analyze(
        statistics, metric: metric, options: options, draws: draws, seed: seed, threads: threads,
        quantiles: [(1 - level) / 2, 0.5, (1 + level) / 2])
      report.bayes = bayes
      report.probabilityFeasible = bayes.probabilityFeasible
    }
    return report
  }
}

/// The robust part of an `analyze` result or a `sweep --robust` line: the report, or why the
/// metric cannot be answered robustly (written as `{"error": "field: problem"}`).
public enum RobustSection: Sendable, Codable, Equatable {
  case answered(RobustReport)
  case unavailable(String)

  private enum ErrorKey: String, CodingKey { case error }

  public init(from decoder: any Decoder) throws {
    if let message = try? decoder.container(keyedBy: ErrorKey.self).decode(String.self, forKey: .error) {
      self = .unavailable(message)
    } else {
      self = .answered(try RobustReport(from: decoder))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .answered(let report): try report.encode(to: encoder)
    case .unavailable(let message):
      var container = encoder.container(keyedBy: ErrorKey.self)
      try container.encode(message, forKey: .error)
    }
  }
}

extension RobustAnalysis {
  /// The box-only robust section for statistics with counts or sample sizes: what `analyze` and
  /// `sweep --robust` add. Bad input for the robust question (a compared cell without records,
  /// a cap) becomes `.unavailable` with the message; so do statistics without counts when the
  /// section was `requested` (`sweep --robust`), which are nil otherwise (`analyze`).
  ///
  /// - Throws: `LPFailure` when GLPK fails.
  public static func section(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, options: MetricOptions, level: Double = 0.95,
    requested: Bool = false
  ) throws(LPFailure) -> RobustSection? {
    guard statistics.counts != nil || requested else { return nil }
    do {
      return .answered(try report(statistics, metric: metric, options: options, level: level, method: .box))
    } catch let failure as LPFailure {
      throw failure
    } catch {
      return .unavailable("\(error)")
    }
  }
}
