/// The JSON schema of a `BiasReport` (`fairmem bias --json`, the `base` of `analyze --json`):
/// rates, gap vectors and scalar summaries as doubles (exact reports are converted to the
/// nearest double).
public struct ClassifierBiasReport: Codable, Sendable, Equatable {
  /// One entry of a gap vector: its label (e.g. `sp[female-male][>50K]`) and value.
  public struct Gap: Codable, Sendable, Equatable {
    public var entry: String
    public var value: Double
  }

  public var groups: [String]
  public var classes: [String]
  /// `x[a][y]`, the memorized mass per cell.
  public var memorized: [[Double]]
  public var memorizedMass: Double
  /// `P(Yhat=yh | A=a)` as `[a][yh]`.
  public var groupRates: [[Double]]
  /// `P(Yhat=yh | Y=y, A=a)` as `[a][y][yh]`, null for zero-mass cells.
  public var cellRates: [[[Double]?]]
  /// Every entry of every gap vector, keyed by metric spelling (`sp`, `eopp`, `eodds`).
  public var gaps: [String: [Gap]]
  /// The largest |entry| of each gap vector, keyed by metric spelling.
  public var largestGap: [String: Double]
  public var summary: ScalarSummaryReport

  enum CodingKeys: String, CodingKey {
    case groups, classes, memorized, gaps, summary
    case memorizedMass = "memorized_mass"
    case groupRates = "group_rates"
    case cellRates = "cell_rates"
    case largestGap = "largest_gap"
  }

  public init<T>(_ report: BiasReport<T>) {
    groups = report.groups
    classes = report.classes
    memorized = report.memorized.map { $0.map(\.doubleValue) }
    memorizedMass = report.memorizedMass.doubleValue
    groupRates = report.groupRates.map { $0.map(\.doubleValue) }
    cellRates = report.cellRates.map { $0.map { $0?.map(\.doubleValue) } }
    var gaps: [String: [Gap]] = [:]
    for (metric, list) in report.entries {
      gaps[metric.rawValue] = list.map { Gap(entry: $0.label, value: $0.value.doubleValue) }
    }
    self.gaps = gaps
    largestGap = Dictionary(
      uniqueKeysWithValues: FairnessMetric.gapVectors.map { ($0.rawValue, report.largestGap($0).doubleValue) })
    summary = ScalarSummaryReport(report.summary, classes: report.classes)
  }
}

/// The JSON schema of a `ScalarSummary` (the `summary` of `bias`, `analyze` and `stats`); names
/// as fairlearn and AIF360 spell them.
public struct ScalarSummaryReport: Codable, Sendable, Equatable {
  /// The favorable class's name.
  public var favorable: String
  public var selectionRates: [Double]
  public var truePositiveRates: [Double?]
  public var falsePositiveRates: [Double?]
  public var accuracies: [Double]
  public var demographicParityDifference: Double
  public var equalizedOddsDifference: Double?
  public var averageOddsDifference: Double?
  public var equalOpportunityDifference: Double?
  public var accuracyDifference: Double
  public var worstGroupAccuracy: Double
  public var overallAccuracy: Double

  enum CodingKeys: String, CodingKey {
    case favorable, accuracies
    case selectionRates = "selection_rates"
    case truePositiveRates = "true_positive_rates"
    case falsePositiveRates = "false_positive_rates"
    case demographicParityDifference = "demographic_parity_difference"
    case equalizedOddsDifference = "equalized_odds_difference"
    case averageOddsDifference = "average_odds_difference"
    case equalOpportunityDifference = "equal_opportunity_difference"
    case accuracyDifference = "accuracy_difference"
    case worstGroupAccuracy = "worst_group_accuracy"
    case overallAccuracy = "overall_accuracy"
  }

  public init<T>(_ s: ScalarSummary<T>, classes: [String]) {
    favorable = classes[s.favorableClass]
    selectionRates = s.selectionRates.map(\.doubleValue)
    truePositiveRates = s.truePositiveRates.map { $0?.doubleValue }
    falsePositiveRates = s.falsePositiveRates.map { $0?.doubleValue }
    accuracies = s.accuracies.map(\.doubleValue)
    demographicParityDifference = s.demographicParityDifference.doubleValue
    equalizedOddsDifference = s.equalizedOddsDifference?.doubleValue
    averageOddsDifference = s.averageOddsDifference?.doubleValue
    equalOpportunityDifference = s.equalOpportunityDifference?.doubleValue
    accuracyDifference = s.accuracyDifference.doubleValue
    worstGroupAccuracy = s.worstGroupAccuracy.doubleValue
    overallAccuracy = s.overallAccuracy.doubleValue
  }
}

/// The JSON schema of `fairmem stats --json`: a valid statistics input (groups, classes, counts)
/// with the scalar summaries of the classifier and where the counts came from (`summary` and
/// `description` are ignored when the file is read back as input).
public struct StatsReport: Codable, Sendable, Equatable {
  public var groups: [String]
  public var classes: [String]
  /// `counts[a][y][yh]`.
  public var counts: [[[Int]]]
  public var summary: ScalarSummaryReport
  public var description: String
  /// With `stats --bootstrap N`: percentile intervals of every rate and summary (the key is
  /// absent otherwise).
  public var bootstrap: BootstrapIntervals?

  private enum CodingKeys: String, CodingKey { case groups, classes, counts, summary, description, bootstrap }

  public init(
    groups: [String], classes: [String], counts: [[[Int]]], summary: ScalarSummaryReport, description: String,
    bootstrap: BootstrapIntervals? = nil
  ) {
    self.groups = groups
    self.classes = classes
    self.counts = counts
    self.summary = summary
    self.description = description
    self.bootstrap = bootstrap
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(groups, forKey: .groups)
    try c.encode(classes, forKey: .classes)
    try c.encode(counts, forKey: .counts)
    try c.encode(summary, forKey: .summary)
    try c.encode(description, forKey: .description)
    if let bootstrap { try c.encode(bootstrap, forKey: .bootstrap) }
  }
}

/// What `fairmem stats` computes from counted predictions: the statistics, the classifier's bias
/// report, and the JSON report.
public struct CountsAnalysis: Sendable {
  public var counts: PredictionCounts
  public var statistics: PopulationStatistics<Double>
  /// The classifier as it is (nothing memorized).
  public var bias: BiasReport<Double>

  /// Statistics and bias report of counted predictions, with the summaries for `favorableClass`
  /// (default: the last class).
  ///
  /// - Throws: `StatisticsError` when the counts are not valid statistics (a group without records).
  public init(counts: PredictionCounts, favorableClass: Int? = nil) throws(StatisticsError) {
    self.counts = counts
    statistics = try PopulationStatistics(counts: counts)
    bias = statistics.biasReport(favorableClass: favorableClass)
  }

  /// The `stats --json` report, described by `description`.
  public func report(description: String, bootstrap: BootstrapIntervals? = nil) -> StatsReport {
    StatsReport(
      groups: counts.groups, classes: counts.classes, counts: counts.counts,
      summary: ScalarSummaryReport(bias.summary, classes: bias.classes), description: description,
      bootstrap: bootstrap)
  }
}
