public import FairnessStatistics

/// R0, the mixture rule, evaluated directly: for a conditioning event E,
///
///     P(Yhat=yh | E) = P(D=1|E) P(Y=yh | E, D=1) + P(D=0|E) P(Yhat=yh | E, D=0).
///
/// This is the *independent route* used to check every witness: it conditions on the memorized
/// and unmemorized parts separately and never uses the affine coefficients the LP rows are built
/// from. A memorizing classifier with memorized mass `x[a][y] = P(D=1, A=a, Y=y)` predicts the
/// true label on `{D=1}` and the base classifier's law on `{D=0}`.
public struct MixtureRule<T: FieldScalar>: Sendable {
  public let statistics: PopulationStatistics<T>

  public init(_ statistics: PopulationStatistics<T>) {
    self.statistics = statistics
  }

  /// `P(Yhat=. | A=a)` for memorized masses `x`.
  public func groupPrediction(group a: Int, memorized x: [[T]]) -> [T] {
    let k = statistics.classCount
    let groupMass = statistics.groupMass(a)
    let memorizedMass = fieldSum(x[a])
    let pMemorized = memorizedMass / groupMass  // P(D=1 | A=a)
    let pUnmemorized = T.one - pMemorized  // P(D=0 | A=a)
    // P(Y=yh | A=a, D=1): the memorized part predicts its true label.
    let memorizedLaw: [T] = memorizedMass.isZero ? Array(repeating: .zero, count: k) : x[a].map { $0 / memorizedMass }
    // P(Yhat=yh | A=a, D=0).
    let unmemorizedMass = groupMass - memorizedMass
    let unmemorizedLaw: [T]
    if let s = statistics.unmemorizedPrediction {
      unmemorizedLaw = s[a]
    } else if unmemorizedMass.isZero {
      unmemorizedLaw = Array(repeating: .zero, count: k)
    } else {
      unmemorizedLaw = (0..<k).map { yh in
        fieldSum((0..<k).lazy.map { y in (statistics.population[a][y] - x[a][y]) * statistics.confusion[a][y][yh] })
          / unmemorizedMass
      }
    }
    return (0..<k).map { pMemorized * memorizedLaw[$0] + pUnmemorized * unmemorizedLaw[$0] }
  }

  /// `P(Yhat=. | Y=y, A=a)` for memorized masses `x`; `nil` when the cell has zero mass.
  public func cellPrediction(group a: Int, trueClass y: Int, memorized x: [[T]]) -> [T]? {
    let cellMass = statistics.population[a][y]
    guard !cellMass.isZero else { return nil }
    let pMemorized = x[a][y] / cellMass
    return (0..<statistics.classCount).map { yh in
      pMemorized * (yh == y ? T.one : T.zero) + (T.one - pMemorized) * statistics.confusion[a][y][yh]
    }
  }

  /// The value of one metric entry at `x`.
  public func entryValue(_ entry: MetricEntry, memorized x: [[T]]) -> T {
    func rate(_ a: Int) -> T {
      if let y = entry.rate.trueClass {
        guard let cell = cellPrediction(group: a, trueClass: y, memorized: x) else {
          preconditionFailure("entry on an empty cell")
        }
        return cell[entry.rate.predictedClass]
      }
      return groupPrediction(group: a, memorized: x)[entry.rate.predictedClass]
    }
    return rate(entry.first) - rate(entry.second)
  }

  /// The largest |entry| of a metric at `x`, over all pairs of groups (the "residual" reported
  /// for witnesses, compared with the tolerance): for each rate, `max_a rate_a - min_a rate_a`
  /// over the groups defining it, which is the largest pairwise |entry| (subtraction is monotone
  /// in floating point too, so the value is the same as over the pairs) at O(G) cost per rate.
  public func largestGap(_ metric: FairnessMetric, options: MetricOptions, memorized x: [[T]]) -> T {
    var groupLaws: [[T]] = []
    var largest = T.zero
    for key in statistics.rateKeys(for: metric, options: options) {
      var low: T? = nil
      var high: T? = nil
      for a in statistics.groupsDefining(key) {
        let rate: T
        if let y = key.trueClass {
          guard let cell = cellPrediction(group: a, trueClass: y, memorized: x) else {
            preconditionFailure("rate of an empty cell")
          }
          rate = cell[key.predictedClass]
        } else {
          if groupLaws.isEmpty {
            groupLaws = (0..<statistics.groupCount).map { groupPrediction(group: $0, memorized: x) }
          }
          rate = groupLaws[a][key.predictedClass]
        }
        low = low.map { min($0, rate) } ?? rate
        high = high.map { max($0, rate) } ?? rate
      }
      if let low, let high { largest = max(largest, high - low) }
    }
    return largest
  }
}
