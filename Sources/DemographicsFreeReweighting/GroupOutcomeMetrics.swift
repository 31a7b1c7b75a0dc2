import FairnessStatistics

/// Accuracy and error-rate metrics of hard predictions per group, for any number of groups
/// (intersectional groups included) and a binary task whose positive class is 1.
///
/// With `G` groups, `acc_g` the accuracy on group `g`, `TPR_g = P(ŷ=1 | y=1, g)`,
/// `FPR_g = P(ŷ=1 | y=0, g)` and `SR_g = P(ŷ=1 | g)`:
///
/// - ``worstGroupAccuracy`` (W.Acc) `= min_g acc_g`; ``accuracy`` (O.Acc) is over all rows;
/// - ``equalizedOddsGap`` (E.Odds, the reported definition) `= max(max_g TPR_g − min_g TPR_g,
///   max_g FPR_g − min_g FPR_g)`: fairlearn's `equalized_odds_difference`;
/// - ``averageOddsGap`` `= max_{g,g'} ½(|TPR_g − TPR_g'| + |FPR_g − FPR_g'|)` (for two groups
///   seed 004's AOD; seed-algorithms.md §4.4's "common choice");
/// - ``summedOddsGap`` `= max_{g,g'} (|TPR_g − TPR_g'| + |FPR_g − FPR_g'|)` (for two groups seed
///   001's EO);
/// - ``equalOpportunityGap`` `= max_g TPR_g − min_g TPR_g`, ``demographicParityGap`` `=
///   max_g SR_g − min_g SR_g`, ``accuracyGap`` `= max_g acc_g − min_g acc_g`.
///
/// The odds gaps are `nil` (with a note) when some group has no positive or no negative row, since
/// its TPR or FPR is undefined.
public struct GroupOutcomeMetrics: Sendable, Hashable, Codable {
  /// O.Acc: the fraction of all rows predicted correctly.
  public var accuracy: Double
  /// W.Acc: the lowest group accuracy.
  public var worstGroupAccuracy: Double
  /// The name of the group with the lowest accuracy (the first one on ties).
  public var worstGroup: String
  /// E.Odds: `max(TPR range, FPR range)` over the groups (fairlearn's definition).
  public var equalizedOddsGap: Double?
  /// The largest `½(|ΔTPR| + |ΔFPR|)` over pairs of groups.
  public var averageOddsGap: Double?
  /// The largest `|ΔTPR| + |ΔFPR|` over pairs of groups.
  public var summedOddsGap: Double?
  /// The TPR range over the groups.
  public var equalOpportunityGap: Double?
  /// The selection-rate range over the groups.
  public var demographicParityGap: Double
  /// The accuracy range over the groups.
  public var accuracyGap: Double
  /// Rows per group.
  public var groupSizes: [Int]
  /// Accuracy per group.
  public var groupAccuracies: [Double]
  /// TPR per group (`nil` without positive rows).
  public var truePositiveRates: [Double?]
  /// FPR per group (`nil` without negative rows).
  public var falsePositiveRates: [Double?]
  /// Selection rate `P(ŷ = 1 | g)` per group.
  public var selectionRates: [Double]

  /// The exact definitions, printed in reports.
  public static let definitions: [String: String] = [
    "W.Acc": "min over groups g of the accuracy on g",
    "O.Acc": "accuracy over all rows",
    "E.Odds": "max(max_g TPR_g - min_g TPR_g, max_g FPR_g - min_g FPR_g) (fairlearn equalized_odds_difference)",
    "average odds": "max over pairs of groups of (|TPR_g - TPR_h| + |FPR_g - FPR_h|) / 2",
    "summed odds": "max over pairs of groups of |TPR_g - TPR_h| + |FPR_g - FPR_h|",
  ]

  /// Computes the metrics of `predictions` against `labels` with group indices `groups` in
  /// `0..<groupNames.count`.
  ///
  /// - Throws: ``GroupFreeError`` (`groups`) when a group has no row, or when the arrays disagree
  ///   in length or hold values out of range.
  public init(labels: [Int], groups: [Int], predictions: [Int], groupNames: [String], split: String)
    throws(GroupFreeError)
  {
    let g = groupNames.count
    guard labels.count == groups.count, labels.count == predictions.count, !labels.isEmpty else {
      throw GroupFreeError(
        option: "groups", problem: "\(split): labels, groups and predictions differ in length or are empty")
    }
    guard groups.allSatisfy({ $0 >= 0 && $0 < g }), labels.allSatisfy({ $0 == 0 || $0 == 1 }),
      predictions.allSatisfy({ $0 == 0 || $0 == 1 })
    else { throw GroupFreeError(option: "groups", problem: "\(split): a group, label or prediction is out of range") }
    guard g >= 2 else { throw GroupFreeError(option: "groups", problem: "need at least two groups, got \(g)") }
    let size = (0..<g).map { a in groups.count { $0 == a } }
    if let empty = size.firstIndex(of: 0) {
      throw GroupFreeError(option: "groups", problem: "group '\(groupNames[empty])' has no row in the \(split) split")
    }
    // The toolkit's one implementation of group rates: counts -> statistics -> bias summary.
    let counts = PredictionCounts(
      groups: groupNames, classes: ["0", "1"], groupOf: groups, labels: labels, predictions: predictions)
    let summary: ScalarSummary<Double>
    do {
      summary = try PopulationStatistics<Double>(counts: counts).biasReport(favorableClass: 1).summary
    } catch {
      throw GroupFreeError(option: "groups", problem: "\(split): \(error)")
    }
    groupSizes = size
    groupAccuracies = summary.accuracies
    truePositiveRates = summary.truePositiveRates
    falsePositiveRates = summary.falsePositiveRates
    selectionRates = summary.selectionRates
    accuracy = summary.overallAccuracy
    worstGroupAccuracy = summary.worstGroupAccuracy
    worstGroup = groupNames[summary.accuracies.firstIndex(of: summary.worstGroupAccuracy) ?? 0]
    accuracyGap = summary.accuracies.max()! - summary.accuracies.min()!
    demographicParityGap = summary.demographicParityDifference
    equalizedOddsGap = summary.equalizedOddsDifference
    let tpr = summary.truePositiveRates.compactMap { $0 }
    let fpr = summary.falsePositiveRates.compactMap { $0 }
    equalOpportunityGap = tpr.count == g ? tpr.max()! - tpr.min()! : nil
    if tpr.count == g, fpr.count == g {
      var summed = 0.0
      for a in 0..<g {
        for b in (a + 1)..<g { summed = max(summed, abs(tpr[a] - tpr[b]) + abs(fpr[a] - fpr[b])) }
      }
      summedOddsGap = summed
      averageOddsGap = summed / 2
    } else {
      (summedOddsGap, averageOddsGap) = (nil, nil)
    }
  }
}
