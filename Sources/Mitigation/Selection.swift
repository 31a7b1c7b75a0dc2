import Foundation

/// Hyperparameter grids and the validation selection rule.
public enum Selection {
  /// `count` log-spaced values from `low` to `high` (inclusive), seed 001's λ search
  /// ("50 values in 0.01-10"), multiplied by `scale` (λ₀ for I-JACK/SIM-JACK/FairIF).
  public static func logGrid(low: Double = 0.01, high: Double = 10, count: Int = 50, scale: Double = 1) -> [Double] {
    precondition(low > 0 && high >= low && count >= 1, "need 0 < low <= high and count >= 1")
    guard count > 1 else { return [low * scale] }
    let a = log(low)
    let b = log(high)
    return (0..<count).map { i in
      let t = Double(i) / Double(count - 1)
      return scale * exp(a + t * (b - a))
    }
  }

  /// Up to `count` distinct integers from 1 to `maximum`, roughly log-spaced (the K grid).
  public static func integerGrid(maximum: Int, count: Int = 50) -> [Int] {
    guard maximum >= 1 else { return [] }
    var values = Set<Int>()
    for x in logGrid(low: 1, high: Double(maximum), count: count) {
      values.insert(min(maximum, max(1, Int(x.rounded()))))
    }
    return values.sorted()
  }

  /// One candidate of a sweep, evaluated on the validation split.
  public struct Candidate: Sendable, Equatable {
    public var value: Double
    /// The validation fairness gap being minimized (nil when undefined on the validation split).
    public var gap: Double?
    public var accuracy: Double
    /// The fraction of training weights the rule clipped at 0 for this value.
    public var clippedFraction: Double
    public init(value: Double, gap: Double?, accuracy: Double, clippedFraction: Double = 0) {
      self.value = value
      self.gap = gap
      self.accuracy = accuracy
      self.clippedFraction = clippedFraction
    }
  }

  /// Why candidates were left out of a selection.
  public struct Exclusions: Sendable, Equatable {
    /// Candidates whose clipped fraction exceeded `maxClippedFraction`.
    public var clipping = 0
    /// Candidates (not already excluded for clipping) below the accuracy budget.
    public var accuracy = 0
    /// Candidates whose gap is undefined or not finite.
    public var undefined = 0
    public init() {}
  }

  /// The index of the candidate with the lowest validation gap, among those whose validation
  /// accuracy is at least `baselineAccuracy − accuracyBudget` (when a budget is given) and whose
  /// clipped fraction is at most `maxClippedFraction` (when given). Ties go to the higher
  /// accuracy, then the earlier (smaller) value. Nil when no candidate qualifies.
  public static func best(
    _ candidates: [Candidate], baselineAccuracy: Double, accuracyBudget: Double? = nil,
    maxClippedFraction: Double? = nil
  ) -> Int? {
    bestWithExclusions(
      candidates, baselineAccuracy: baselineAccuracy, accuracyBudget: accuracyBudget,
      maxClippedFraction: maxClippedFraction
    ).index
  }

  /// ``best(_:baselineAccuracy:accuracyBudget:maxClippedFraction:)`` together with the count of
  /// candidates each filter removed.
  public static func bestWithExclusions(
    _ candidates: [Candidate], baselineAccuracy: Double, accuracyBudget: Double? = nil,
    maxClippedFraction: Double? = nil
  ) -> (index: Int?, excluded: Exclusions) {
    var bestIndex: Int?
    var excluded = Exclusions()
    for (i, c) in candidates.enumerated() {
      guard let gap = c.gap, gap.isFinite else {
        excluded.undefined += 1
        continue
      }
      if let limit = maxClippedFraction, c.clippedFraction > limit + 1e-12 {
        excluded.clipping += 1
        continue
      }
      if let budget = accuracyBudget, c.accuracy < baselineAccuracy - budget - 1e-12 {
        excluded.accuracy += 1
        continue
      }
      if let b = bestIndex, let bg = candidates[b].gap {
        if gap < bg - 1e-12 || (abs(gap - bg) <= 1e-12 && c.accuracy > candidates[b].accuracy) { bestIndex = i }
      } else {
        bestIndex = i
      }
    }
    return (bestIndex, excluded)
  }
}
