/// The three additive, vector-valued fairness metrics of the theory.
///
/// For groups a, a' (every pair) and the Kronecker delta:
/// - statistical parity, per predicted class: `SP(yh) = P(Yhat=yh | A=a) - P(Yhat=yh | A=a')`;
/// - equal opportunity, per class: `EOpp(y) = P(Yhat=y | Y=y, A=a) - P(Yhat=y | Y=y, A=a')`;
/// - equalized odds, per cell: `EOdds(y,yh) = P(Yhat=yh | Y=y, A=a) - P(Yhat=yh | Y=y, A=a')`.
public enum FairnessMetric: String, Sendable, CaseIterable, Codable {
  case statisticalParity = "sp"
  case equalOpportunity = "eopp"
  case equalizedOdds = "eodds"

  /// The usual name.
  public var title: String {
    switch self {
    case .statisticalParity: "statistical parity"
    case .equalOpportunity: "equal opportunity"
    case .equalizedOdds: "equalized odds"
    }
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
    }
  }
}

extension PopulationStatistics {
  /// The rates a metric compares (before choosing group pairs).
  public func rateKeys(for metric: FairnessMetric, options: MetricOptions) -> [RateKey] {
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
    }
  }

  /// The groups whose rate is defined for a key: every group for group rates; for cell rates,
  /// the groups whose cell (a, y) has positive mass.
  public func groupsDefining(_ key: RateKey) -> [Int] {
    guard let y = key.trueClass else { return Array(0..<groupCount) }
    return (0..<groupCount).filter { !cellIsEmpty($0, y) }
  }

  /// Every entry (all pairs of groups with a defined rate) of a metric: the vector reported to
  /// users and bounded by a tolerance.
  public func allEntries(for metric: FairnessMetric, options: MetricOptions) -> [MetricEntry] {
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
  public func referenceEntries(for metric: FairnessMetric, options: MetricOptions) -> [MetricEntry] {
    rateKeys(for: metric, options: options).flatMap { key in
      let defined = groupsDefining(key)
      guard let reference = defined.first else { return [MetricEntry]() }
      return defined.dropFirst().map { MetricEntry(metric: metric, rate: key, first: reference, second: $0) }
    }
  }
}
