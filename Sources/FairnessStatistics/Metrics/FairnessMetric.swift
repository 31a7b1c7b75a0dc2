/// FairMem's one vocabulary of fairness metrics: every metric a command, a report or a library
/// names, with one canonical spelling each (`rawValue`, used in JSON and on the command line),
/// the older spellings still accepted as aliases, and the `--help` text.
///
/// Two kinds of metric (see `isGapVector`):
///
/// - the three additive, vector-valued metrics of the theory. For groups a, a' (every pair) and
///   the Kronecker delta:
///   - statistical parity, per predicted class: `SP(yh) = P(Yhat=yh | A=a) - P(Yhat=yh | A=a')`;
///   - equal opportunity, per class: `EOpp(y) = P(Yhat=y | Y=y, A=a) - P(Yhat=y | Y=y, A=a')`;
///   - equalized odds, per cell: `EOdds(y,yh) = P(Yhat=yh | Y=y, A=a) - P(Yhat=yh | Y=y, A=a')`.
///   Memorization analysis (the LPs) is defined for these only.
/// - scalar summaries of hard predictions for one favorable class c ("c vs the rest"), as the
///   empirical modules report them (definitions in `AbsoluteGapMetrics` and `ScalarSummary`):
///   accuracy, error, the largest selection-rate gap (`dp`), `|ΔTPR| + |ΔFPR|` (`eo`), `|ΔTPR|`
///   (`deo`), half of `eo` (`aod`), `|Δaccuracy|` (`ad`), and fairlearn's
///   `max(TPR spread, FPR spread)`.
///
/// Each concept has one case: seed 004's EOD is `|ΔTPR|` exactly like seed 001's DEO, so `eod` is
/// an alias of `deo`; fairlearn's `demographic_parity_difference` (max - min selection rate) is the
/// largest pairwise selection-rate gap, so it is an alias of `dp`.
public enum FairnessMetric: String, Sendable, Hashable, CaseIterable, Codable {
  case statisticalParity = "sp"
  case equalOpportunity = "eopp"
  case equalizedOdds = "eodds"
  case accuracy = "accuracy"
  case error = "error"
  case demographicParityDifference = "dp"
  case equalizedOddsGapSum = "eo"
  case equalOpportunityDifference = "deo"
  case averageOddsDifference = "aod"
  case accuracyDifference = "ad"
  case equalizedOddsDifference = "eo-max"

  /// The vector-valued metrics of the theory, in report order (SP, EOpp, EOdds).
  public static let gapVectors: [FairnessMetric] = [.statisticalParity, .equalOpportunity, .equalizedOdds]

  /// The scalar summaries of hard predictions, in report order.
  public static let scalarSummaries: [FairnessMetric] = allCases.filter { !$0.isGapVector }

  /// Whether this is one of the theory's gap vectors (SP, EOpp, EOdds).
  public var isGapVector: Bool {
    switch self {
    case .statisticalParity, .equalOpportunity, .equalizedOdds: true
    default: false
    }
  }

  /// Older or longer spellings accepted besides `rawValue` (case-insensitive, `-` or `_`).
  public var aliases: [String] {
    switch self {
    case .statisticalParity: ["statistical-parity"]
    case .equalOpportunity: ["equal-opportunity"]
    case .equalizedOdds: ["equalized-odds"]
    case .accuracy: []
    case .error: ["error-rate"]
    case .demographicParityDifference: ["demographic-parity", "demographic-parity-difference"]
    case .equalizedOddsGapSum: ["equalized-odds-gap-sum"]
    case .equalOpportunityDifference: ["eod", "equal-opportunity-difference"]
    case .averageOddsDifference: ["average-odds-difference"]
    case .accuracyDifference: ["accuracy-difference"]
    case .equalizedOddsDifference: ["equalized-odds-difference"]
    }
  }

  /// The metric a spelling names: the canonical one or an alias, ignoring case and treating `_`
  /// like `-`; nil when no metric is spelled so.
  public init?(spelling: String) {
    let normalized = String(spelling.lowercased().map { $0 == "_" ? "-" : $0 })
    guard
      let metric = Self.allCases.first(where: { $0.rawValue == normalized || $0.aliases.contains(normalized) })
    else { return nil }
    self = metric
  }

  /// The usual name.
  public var title: String {
    switch self {
    case .statisticalParity: "statistical parity"
    case .equalOpportunity: "equal opportunity"
    case .equalizedOdds: "equalized odds"
    case .accuracy: "accuracy"
    case .error: "error rate"
    case .demographicParityDifference: "demographic parity difference"
    case .equalizedOddsGapSum: "equalized odds gap sum"
    case .equalOpportunityDifference: "equal opportunity difference"
    case .averageOddsDifference: "average odds difference"
    case .accuracyDifference: "accuracy difference"
    case .equalizedOddsDifference: "equalized odds difference"
    }
  }

  /// One line for `--help`: spelling, aliases and definition.
  public var help: String {
    let also = aliases.isEmpty ? "" : " (also \(aliases.joined(separator: ", ")))"
    return "\(rawValue)\(also): \(definition)"
  }

  /// The definition in one phrase.
  public var definition: String {
    switch self {
    case .statisticalParity: "statistical parity, P(Yhat=yh|A) gaps per predicted class"
    case .equalOpportunity: "equal opportunity, P(Yhat=y|Y=y,A) gaps per class"
    case .equalizedOdds: "equalized odds, P(Yhat=yh|Y=y,A) gaps per cell"
    case .accuracy: "overall accuracy"
    case .error: "1 - accuracy"
    case .demographicParityDifference: "largest |selection-rate gap| (seed 001 ΔDP, fairlearn's DPD)"
    case .equalizedOddsGapSum: "largest |ΔTPR| + |ΔFPR| (seed 001 ΔEO)"
    case .equalOpportunityDifference: "largest |ΔTPR| (seed 001 ΔDEO, seed 004 EOD)"
    case .averageOddsDifference: "largest (|ΔTPR| + |ΔTNR|) / 2 (seed 004 AOD)"
    case .accuracyDifference: "largest |Δaccuracy| (seed 004 AD)"
    case .equalizedOddsDifference: "max(TPR spread, FPR spread) (fairlearn's equalized_odds_difference)"
    }
  }

  /// `--help` text listing the given metrics, one per line.
  public static func helpText(for metrics: [FairnessMetric]) -> String {
    metrics.map(\.help).joined(separator: "; ")
  }
}

/// Which entries of a metric count, and how close to zero is "zero".
public struct MetricOptions: Sendable, Equatable {
  /// Restrict to one favorable class c (binary-style): SP compares `P(Yhat=c | A)`, EOpp compares
  /// the true-positive rate of c, EOdds compares `P(Yhat=c | Y=y, A)` for every y (TPR and FPR of c).
  public var favorableClass: Int?
  /// Every |entry| must be at most this (0 = exact zero bias).
  public var tolerance: Double

  public init(favorableClass: Int? = nil, tolerance: Double = 0) {
    precondition(tolerance >= 0 && tolerance.isFinite, "tolerance must be finite and nonnegative")
    self.favorableClass = favorableClass
    self.tolerance = tolerance
  }
}

/// Which rate an entry compares: a group rate `P(Yhat=yh | A)` (trueClass nil) or a cell rate
/// `P(Yhat=yh | Y=y, A)`.
public struct RateKey: Sendable, Hashable {
  public var trueClass: Int?
  public var predictedClass: Int

  public init(trueClass: Int?, predictedClass: Int) {
    self.trueClass = trueClass
    self.predictedClass = predictedClass
  }
}

/// One entry of a metric for one pair of groups: `rate(first) - rate(second)`.
public struct MetricEntry: Sendable, Hashable {
  public var metric: FairnessMetric
  public var rate: RateKey
  public var first: Int
  public var second: Int

  public init(metric: FairnessMetric, rate: RateKey, first: Int, second: Int) {
    self.metric = metric
    self.rate = rate
    self.first = first
    self.second = second
  }

  /// A readable label such as `sp[female-male][>50K]` or `eodds[a-b][y=1,yh=0]`.
  public func label(groups: [String], classes: [String]) -> String {
    rate.label(metric: metric, group: "\(groups[first])-\(groups[second])", classes: classes)
  }
}

extension RateKey {
  /// The rate's label for one group (or a pair written `a-b`), e.g. `sp[female][>50K]` or
  /// `eodds[a][y=1,yh=0]`; without a group, e.g. `sp[>50K]`.
  public func label(metric: FairnessMetric, group: String?, classes: [String]) -> String {
    let slot = group.map { "[\($0)]" } ?? ""
    switch metric {
    case .statisticalParity: return "sp\(slot)[\(classes[predictedClass])]"
    case .equalOpportunity: return "eopp\(slot)[\(classes[predictedClass])]"
    case .equalizedOdds: return "eodds\(slot)[y=\(classes[trueClass ?? 0]),yh=\(classes[predictedClass])]"
    default: preconditionFailure("entries exist only for gap vectors")
    }
  }
}

extension PopulationStatistics {
  /// The rates a metric compares (before choosing group pairs).
  ///
  /// - Precondition: `metric.isGapVector` (scalar summaries have no entries; callers check).
  @inlinable public func rateKeys(for metric: FairnessMetric, options: MetricOptions) -> [RateKey] {
    let classes = Array(0..<classCount)
    switch metric {
    case .statisticalParity:
      return (options.favorableClass.map { [$0] } ?? classes).map { RateKey(trueClass: nil, predictedClass: $0) }
    case .equalOpportunity:
      return (options.favorableClass.map { [$0] } ?? classes).map { RateKey(trueClass: $0, predictedClass: $0) }
    case .equalizedOdds:
      if let c = options.favorableClass {
        return classes.map { RateKey(trueClass: $0, predictedClass: c) }
      }
      return classes.flatMap { y in classes.map { RateKey(trueClass: y, predictedClass: $0) } }
    default:
      preconditionFailure("\(metric.rawValue) is a scalar summary, not a gap vector")
    }
  }

  /// The groups whose rate is defined for a key: every group for group rates; for cell rates,
  /// the groups whose cell (a, y) has positive mass.
  @inlinable public func groupsDefining(_ key: RateKey) -> [Int] {
    guard let y = key.trueClass else { return Array(0..<groupCount) }
    return (0..<groupCount).filter { !cellIsEmpty($0, y) }
  }

  /// Every entry (all pairs of groups with a defined rate) of a metric: the vector reported to
  /// users and bounded by a tolerance.
  @inlinable public func allEntries(for metric: FairnessMetric, options: MetricOptions) -> [MetricEntry] {
    rateKeys(for: metric, options: options).flatMap { key in
      let defined = groupsDefining(key)
      return defined.indices.flatMap { i in
        defined[(i + 1)...].map { MetricEntry(metric: metric, rate: key, first: defined[i], second: $0) }
      }
    }
  }

  /// The entries that make "zero bias" a linear system without redundancy across pairs: each
  /// defined group against the first defined one. Zero on these is equivalent to zero on
  /// `allEntries` (equality is transitive); with a positive tolerance use `allEntries`.
  @inlinable public func referenceEntries(for metric: FairnessMetric, options: MetricOptions) -> [MetricEntry] {
    rateKeys(for: metric, options: options).flatMap { key in
      let defined = groupsDefining(key)
      guard let reference = defined.first else { return [MetricEntry]() }
      return defined.dropFirst().map { MetricEntry(metric: metric, rate: key, first: reference, second: $0) }
    }
  }
}
