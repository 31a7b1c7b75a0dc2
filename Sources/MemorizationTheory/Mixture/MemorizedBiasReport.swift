public import FairnessStatistics

extension PopulationStatistics {
  /// The bias report of the memorizing classifier at memorization `x` (R1-R3, evaluated by the
  /// mixture rule R0): on `{D=1}` it predicts the true label, on `{D=0}` the base classifier's law.
  ///
  /// - Parameter favorableClass: the class used for the scalar summaries (default: the last one,
  ///   which is the positive label of a binary problem such as `>50K`).
  public func biasReport(memorized x: [[T]], favorableClass: Int? = nil) -> BiasReport<T> {
    let mixture = MixtureRule(self)
    let groupRates = (0..<groupCount).map { mixture.groupPrediction(group: $0, memorized: x) }
    let cellRates = (0..<groupCount).map { a in
      (0..<classCount).map { mixture.cellPrediction(group: a, trueClass: $0, memorized: x) }
    }
    return BiasReport(
      statistics: self, memorized: x, groupRates: groupRates, cellRates: cellRates, favorableClass: favorableClass)
  }

  /// Uniform memorization: a fraction `pD` of every cell, `x = pD * p`.
  public func uniformMemorization(_ pD: T) -> [[T]] {
    population.map { $0.map { $0 * pD } }
  }

  /// No memorization: `x = 0`.
  public var noMemorization: [[T]] { zeroMatrix }
}
