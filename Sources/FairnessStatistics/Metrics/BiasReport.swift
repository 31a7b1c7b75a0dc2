/// The rates and fairness gaps of a memorizing classifier (R1-R3) at a given memorization.
///
/// `x[a][y]` is the memorized mass per cell; `x = 0` describes the base classifier.
public struct BiasReport<T: FieldScalar>: Sendable {
  /// One metric entry and its value.
  public struct Entry: Sendable {
    public var entry: MetricEntry
    public var label: String
    public var value: T
  }

  public var groups: [String]
  public var classes: [String]
  public var memorized: [[T]]
  /// `P(D=1)`, the total memorized mass.
  public var memorizedMass: T
  /// `P(Yhat=yh | A=a)` as `[a][yh]`.
  public var groupRates: [[T]]
  /// `P(Yhat=yh | Y=y, A=a)` as `[a][y][yh]`, nil for zero-mass cells.
  public var cellRates: [[[T]?]]
  /// Every entry of every metric over all pairs (gap vectors).
  public var entries: [FairnessMetric: [Entry]]
  /// Scalar summaries users know (see `ScalarSummary`).
  public var summary: ScalarSummary<T>

  /// Assembles the report from a classifier's rates on `statistics`: the gap vectors of every
  /// metric (each entry is `rate(first) - rate(second)` of the given rates) and the scalar
  /// summaries for `favorableClass` (default: the last class, the positive label of a binary
  /// problem such as `>50K`).
  ///
  /// - Parameters:
  ///   - memorized: the memorized mass per cell `x[a][y]` the rates belong to (zero for the
  ///     classifier as it is).
  ///   - groupRates: `P(Yhat=yh | A=a)` as `[a][yh]`.
  ///   - cellRates: `P(Yhat=yh | Y=y, A=a)` as `[a][y][yh]`, nil exactly for zero-mass cells.
  public init(
    statistics: PopulationStatistics<T>, memorized x: [[T]], groupRates: [[T]], cellRates: [[[T]?]],
    favorableClass: Int? = nil
  ) {
    var entries: [FairnessMetric: [Entry]] = [:]
    for metric in FairnessMetric.gapVectors {
      entries[metric] = statistics.allEntries(for: metric, options: MetricOptions()).map { entry in
        func rate(_ a: Int) -> T {
          guard let y = entry.rate.trueClass else { return groupRates[a][entry.rate.predictedClass] }
          guard let cell = cellRates[a][y] else { preconditionFailure("entry on an empty cell") }
          return cell[entry.rate.predictedClass]
        }
        return Entry(
          entry: entry, label: entry.label(groups: statistics.groups, classes: statistics.classes),
          value: rate(entry.first) - rate(entry.second))
      }
    }
    self.init(
      groups: statistics.groups, classes: statistics.classes, memorized: x, memorizedMass: fieldSum(x.joined()),
      groupRates: groupRates, cellRates: cellRates, entries: entries,
      summary: ScalarSummary(
        statistics: statistics, groupRates: groupRates, cellRates: cellRates, favorableClass: favorableClass))
  }

  private init(
    groups: [String], classes: [String], memorized: [[T]], memorizedMass: T, groupRates: [[T]],
    cellRates: [[[T]?]], entries: [FairnessMetric: [Entry]], summary: ScalarSummary<T>
  ) {
    self.groups = groups
    self.classes = classes
    self.memorized = memorized
    self.memorizedMass = memorizedMass
    self.groupRates = groupRates
    self.cellRates = cellRates
    self.entries = entries
    self.summary = summary
  }

  /// The largest |entry| of a metric.
  public func largestGap(_ metric: FairnessMetric) -> T {
    (entries[metric] ?? []).reduce(T.zero) { max($0, $1.value.magnitudeValue) }
  }
}

/// Familiar scalar summaries for one favorable class c (binary style, "c vs the rest").
///
/// - `demographicParityDifference`: `max_a P(Yhat=c|A=a) - min_a P(Yhat=c|A=a)` (fairlearn's
///   `demographic_parity_difference`);
/// - `equalizedOddsDifference`: `max(TPR spread, FPR spread)` over groups (fairlearn's
///   `equalized_odds_difference`), TPR = `P(Yhat=c|Y=c,A)`, FPR = `P(Yhat=c|Y!=c,A)`;
/// - `averageOddsDifference`: `((FPR_a - FPR_b) + (TPR_a - TPR_b)) / 2` for the first two groups
///   (AIF360 style; seed 004's AOD);
/// - `accuracyDifference`: accuracy of the first group minus the second (seed 004's AD);
/// - `equalOpportunityDifference`: `TPR_a - TPR_b` for the first two groups (seed 004's EOD);
/// - per-group accuracy and the worst-group accuracy.
/// Entries are nil when undefined (a group with no member of class c, or none outside it).
public struct ScalarSummary<T: FieldScalar>: Sendable {
  public var favorableClass: Int
  public var selectionRates: [T]
  public var truePositiveRates: [T?]
  public var falsePositiveRates: [T?]
  public var accuracies: [T]
  public var demographicParityDifference: T
  public var equalizedOddsDifference: T?
  public var averageOddsDifference: T?
  public var equalOpportunityDifference: T?
  public var accuracyDifference: T
  public var worstGroupAccuracy: T
  public var overallAccuracy: T
}

extension ScalarSummary {
  /// The summaries of a classifier with the given rates on `statistics`, for favorable class
  /// `favorableClass` (default: the last class).
  public init(
    statistics: PopulationStatistics<T>, groupRates: [[T]], cellRates: [[[T]?]], favorableClass: Int? = nil
  ) {
    let groupCount = statistics.groupCount
    let classCount = statistics.classCount
    let population = statistics.population
    let c = favorableClass ?? (classCount - 1)
    var tpr: [T?] = []
    var fpr: [T?] = []
    var accuracy: [T] = []
    for a in 0..<groupCount {
      tpr.append(cellRates[a][c].map { $0[c] })
      let negatives = (0..<classCount).filter { $0 != c && !statistics.cellIsEmpty(a, $0) }
      let negativeMass = fieldSum(negatives.map { population[a][$0] })
      if negativeMass.isZero {
        fpr.append(nil)
      } else {
        fpr.append(fieldSum(negatives.map { y in population[a][y] * (cellRates[a][y]?[c] ?? .zero) }) / negativeMass)
      }
      let correct = (0..<classCount).map { y in population[a][y] * (cellRates[a][y]?[y] ?? .zero) }
      accuracy.append(fieldSum(correct) / statistics.groupMass(a))
    }
    func spread(_ values: [T?]) -> T? {
      let defined = values.compactMap { $0 }
      guard defined.count == values.count, let hi = defined.max(), let lo = defined.min() else { return nil }
      return hi - lo
    }
    let selection = groupRates.map { $0[c] }
    let eoDifference: T? = {
      guard let t = spread(tpr), let f = spread(fpr) else { return nil }
      return max(t, f)
    }()
    let aod: T? = {
      guard let t0 = tpr[0], let t1 = tpr[1], let f0 = fpr[0], let f1 = fpr[1] else { return nil }
      return ((f0 - f1) + (t0 - t1)) / T(integer: 2)
    }()
    let eod: T? = {
      guard let t0 = tpr[0], let t1 = tpr[1] else { return nil }
      return t0 - t1
    }()
    let overall = fieldSum((0..<groupCount).map { accuracy[$0] * statistics.groupMass($0) })
    self.init(
      favorableClass: c, selectionRates: selection, truePositiveRates: tpr, falsePositiveRates: fpr,
      accuracies: accuracy,
      demographicParityDifference: (selection.max() ?? .zero) - (selection.min() ?? .zero),
      equalizedOddsDifference: eoDifference, averageOddsDifference: aod, equalOpportunityDifference: eod,
      accuracyDifference: accuracy[0] - accuracy[1], worstGroupAccuracy: accuracy.min() ?? .zero,
      overallAccuracy: overall)
  }
}

extension PopulationStatistics {
  /// The rates of the classifier these statistics describe (nothing memorized): group rates
  /// `P(Yhat=yh | A=a) = Σ_y p[a][y] C[a][y][yh] / p[a]` (convention B) or `s[a][yh]`
  /// (convention A), and cell rates `C[a][y]` (nil for zero-mass cells).
  public var classifierRates: (groupRates: [[T]], cellRates: [[[T]?]]) {
    let groupRates = (0..<groupCount).map { a -> [T] in
      if let s = unmemorizedPrediction { return s[a] }
      let mass = groupMass(a)
      return (0..<classCount).map { yh in
        fieldSum((0..<classCount).map { y in population[a][y] * confusion[a][y][yh] }) / mass
      }
    }
    let cellRates = (0..<groupCount).map { a in
      (0..<classCount).map { y in cellIsEmpty(a, y) ? nil : confusion[a][y] }
    }
    return (groupRates, cellRates)
  }

  /// The bias report of the classifier these statistics describe, as it is (nothing memorized).
  ///
  /// - Parameter favorableClass: the class used for the scalar summaries (default: the last one).
  public func biasReport(favorableClass: Int? = nil) -> BiasReport<T> {
    let rates = classifierRates
    return BiasReport(
      statistics: self, memorized: zeroMatrix, groupRates: rates.groupRates, cellRates: rates.cellRates,
      favorableClass: favorableClass)
  }

  /// A `G x K` matrix of zeros (no memorized mass).
  public var zeroMatrix: [[T]] {
    Array(repeating: Array(repeating: T.zero, count: classCount), count: groupCount)
  }
}
