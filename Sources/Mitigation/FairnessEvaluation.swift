public import FairnessStatistics

/// The fairness metrics a mitigation run reports, all from hard predictions on one split.
///
/// Computed from `PredictionCounts` and `PopulationStatistics.biasReport` (the toolkit's single
/// implementation of group rates); this type only combines the per-group rates into the two
/// seeds' definitions, for a binary task with the favorable/positive class 1 and two groups:
///
/// - `demographicParity` (seed 001 DP): `|P(ŷ=1|s=1) − P(ŷ=1|s=0)|`;
/// - `equalizedOdds` (seed 001 EO, Eq. 5 with hard predictions): `Σ_y |P(ŷ=1|s=0,y) − P(ŷ=1|s=1,y)|`
///   `= |TPR gap| + |FPR gap|`;
/// - `equalOpportunity` (seed 001 DEO): `|TPR₀ − TPR₁|`;
/// - `accuracyDifference` (seed 004 AD, Eq. 3): `|acc₀ − acc₁|` (seed 004 prints it in percent);
/// - `averageOdds` (seed 004 AOD, Eq. 4): `½(|TPR₁ − TPR₀| + |TNR₁ − TNR₀|)` (= EO/2);
/// - `equalOpportunityDifference` (seed 004 EOD, Eq. 5): `|TPR₁ − TPR₀|` (= DEO);
/// - `worstGroupAccuracy` (seed 003 W.Acc): `min(acc₀, acc₁)`;
/// - `equalizedOddsDifference` (seed 003 E.Odds as fairlearn's `equalized_odds_difference`):
///   `max(|TPR₁ − TPR₀|, |FPR₁ − FPR₀|)`.
///
/// The odds metrics are nil when a group has no positive (or no negative) sample in the split.
public struct FairnessEvaluation: Sendable, Equatable {
  public var accuracy: Double
  public var error: Double { 1 - accuracy }
  public var demographicParity: Double
  public var equalizedOdds: Double?
  public var equalOpportunity: Double?
  public var accuracyDifference: Double
  public var averageOdds: Double?
  public var equalOpportunityDifference: Double? { equalOpportunity }
  public var worstGroupAccuracy: Double
  public var equalizedOddsDifference: Double?
  public var selectionRates: [Double]
  public var truePositiveRates: [Double?]
  public var falsePositiveRates: [Double?]
  public var groupAccuracies: [Double]
  /// Human-readable notes (undefined metrics and why).
  public var notes: [String]

  /// Evaluates hard predictions. `groups`/`labels` are integer codes (`groupNames.count == 2`,
  /// labels in `{0, 1}`).
  ///
  /// - Throws: `StatisticsError` when the counts are not valid statistics (for example a group
  ///   with no sample in the split).
  public init(
    groups: [Int], labels: [Int], predictions: [Int], groupNames: [String] = ["0", "1"],
    classNames: [String] = ["0", "1"]
  ) throws(StatisticsError) {
    guard groupNames.count == 2, classNames.count == 2 else {
      throw StatisticsError(field: "groups", problem: "mitigation metrics need exactly two groups and two classes")
    }
    let counts = PredictionCounts(
      groups: groupNames, classes: classNames, groupOf: groups, labels: labels, predictions: predictions)
    let s = try PopulationStatistics<Double>(counts: counts).biasReport(favorableClass: 1).summary
    accuracy = s.overallAccuracy
    demographicParity = s.demographicParityDifference
    selectionRates = s.selectionRates
    truePositiveRates = s.truePositiveRates
    falsePositiveRates = s.falsePositiveRates
    groupAccuracies = s.accuracies
    accuracyDifference = abs(s.accuracyDifference)
    worstGroupAccuracy = s.worstGroupAccuracy
    equalizedOddsDifference = s.equalizedOddsDifference
    notes = []
    if let t0 = s.truePositiveRates[0], let t1 = s.truePositiveRates[1] {
      equalOpportunity = abs(t0 - t1)
    } else {
      equalOpportunity = nil
      let missing = (0..<2).filter { s.truePositiveRates[$0] == nil }.map { groupNames[$0] }
      notes.append(
        "EO/DEO/EOD undefined: group(s) \(missing.joined(separator: ", ")) have no positive sample in this split")
    }
    if let deo = equalOpportunity, let f0 = s.falsePositiveRates[0], let f1 = s.falsePositiveRates[1] {
      equalizedOdds = deo + abs(f0 - f1)
      averageOdds = (deo + abs(f0 - f1)) / 2
    } else {
      equalizedOdds = nil
      averageOdds = nil
      if equalOpportunity != nil {
        notes.append("EO/AOD undefined: a group has no negative sample in this split")
      }
    }
  }

  /// The value of the named metric (`nil` when undefined).
  /// The value of `metric` (`nil` when undefined on the split, or not a metric of a mitigation
  /// run: the theory's gap vectors).
  public func value(of metric: FairnessMetric) -> Double? { EvaluationReport(self).value(of: metric) }

}
