/// The fairness discrepancies of the two seed papers, exactly as they define them, computed from
/// the hard-prediction rates of a `ScalarSummary` (no re-prediction; TPR/FPR/accuracy are reused
/// from the summary, nothing is recomputed here).
///
/// Seed 001 (influence-based reweighting, Eq. 5 and the sentence before it), binary sensitive
/// attribute S, favorable class 1:
///
///     ΔDP = | P(h=1 | S=1) - P(h=1 | S=0) |
///     ΔEO = Σ_{y=0}^{1} | P(h=1 | S=0, Y=y) - P(h=1 | S=1, Y=y) |  = |ΔFPR| + |ΔTPR|
///     ΔDEO = | P(h=1 | S=0, Y=1) - P(h=1 | S=1, Y=1) |             = |ΔTPR|
///
/// Eq. 5 writes ΔDP and ΔEO with `E[h_θ(x)]` (the smooth surrogate used as a training loss); on
/// hard predictions `h ∈ {0, 1}` the expectation is the rate above, which is what these metrics
/// report. ΔDEO has no numbered equation: the text defines DEO as "a special case of equality of
/// odds that requires the predictions to be conditionally independent of the sensitive attribute
/// given positive true outcome", i.e. the y = 1 term of ΔEO. Note ΔEO is a *sum* of the two gaps,
/// not fairlearn's `equalized_odds_difference` (their max, `ScalarSummary.equalizedOddsDifference`).
///
/// Seed 004 (FairIF, Eq. 3-5), with absolute values as written there:
///
///     AD  = | P(h(x)=y | s=0) - P(h(x)=y | s=1) |                       (3)
///     AOD = ½ [ |TPR⁽¹⁾ - TPR⁽⁰⁾| + |TNR⁽¹⁾ - TNR⁽⁰⁾| ]                 (4)
///     EOD = | TPR⁽¹⁾ - TPR⁽⁰⁾ |                                          (5)
///
/// `ScalarSummary` keeps the *signed* AIF360 forms (`accuracyDifference`, `averageOddsDifference`
/// = ((FPR gap) + (TPR gap)) / 2, `equalOpportunityDifference`); the absolute forms here differ
/// from them when a gap is negative, and seed 004's AOD differs from AIF360's when the TPR and FPR
/// gaps have opposite signs. Since TNR = 1 - FPR, |ΔTNR| = |ΔFPR|, so AOD = ΔEO / 2 and
/// EOD = ΔDEO.
///
/// With more than two groups (the seeds only treat a binary attribute) every pairwise metric is
/// the largest value over pairs of groups, which is the seed's value when G = 2. With more than two
/// classes the favorable class c plays "1" and every other class "0" (as in `ScalarSummary`).
/// A metric is nil when undefined: a group with no member of class c (TPR) or none outside it (FPR).
public struct AbsoluteGapMetrics<T: FieldScalar>: Sendable {
  /// Seed 001 ΔDP: the largest selection-rate gap.
  public var demographicParity: T
  /// Seed 001 ΔEO: the largest `|ΔTPR| + |ΔFPR|` over pairs of groups.
  public var equalityOfOdds: T?
  /// Seed 001 ΔDEO: the largest `|ΔTPR|`.
  public var differenceInEqualOpportunity: T?
  /// Seed 004 AD (3): the largest `|Δaccuracy|`.
  public var absoluteAccuracyDifference: T
  /// Seed 004 AOD (4): the largest `(|ΔTPR| + |ΔTNR|) / 2`.
  public var absoluteAverageOddsDifference: T?
  /// Seed 004 EOD (5): the largest `|ΔTPR|` (equal to ΔDEO).
  public var absoluteEqualOpportunityDifference: T?

  /// The seed metrics from the rates of a summary.
  public init(_ summary: ScalarSummary<T>) {
    let g = summary.selectionRates.count
    let pairs = (0..<g).flatMap { a in ((a + 1)..<g).map { (a, $0) } }
    /// The largest value of `term` over pairs; nil when any pair is undefined.
    func largest(_ term: (Int, Int) -> T?) -> T? {
      var best = T.zero
      for (a, b) in pairs {
        guard let value = term(a, b) else { return nil }
        best = max(best, value)
      }
      return best
    }
    func gap(_ values: [T?], _ a: Int, _ b: Int) -> T? {
      guard let x = values[a], let y = values[b] else { return nil }
      return (x - y).magnitudeValue
    }
    let tpr = summary.truePositiveRates
    let fpr = summary.falsePositiveRates
    let selection = summary.selectionRates.map { Optional($0) }
    let accuracy = summary.accuracies.map { Optional($0) }
    demographicParity = largest { gap(selection, $0, $1) } ?? .zero
    equalityOfOdds = largest { a, b in
      guard let t = gap(tpr, a, b), let f = gap(fpr, a, b) else { return nil }
      return t + f
    }
    differenceInEqualOpportunity = largest { gap(tpr, $0, $1) }
    absoluteAccuracyDifference = largest { gap(accuracy, $0, $1) } ?? .zero
    absoluteAverageOddsDifference = equalityOfOdds.map { $0 / T(integer: 2) }
    absoluteEqualOpportunityDifference = differenceInEqualOpportunity
  }
}

extension BiasReport {
  /// The seed papers' absolute gap metrics (seed 001 Eq. 5, seed 004 Eq. 3-5) at this report's
  /// memorization.
  public var absoluteGapMetrics: AbsoluteGapMetrics<T> { AbsoluteGapMetrics(summary) }
}
