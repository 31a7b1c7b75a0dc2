public import FairnessStatistics

/// The closed-form results R5-R7 (see `Docs/theory.md` for the derivations), computed in `T`
/// arithmetic, so they are exact fractions when the statistics come from counts.
///
/// They are checks and explanations: the LP gives the exact optimum; where both apply they must
/// agree, and the analysis reports whether they do.
public struct ClosedFormBounds<T: FieldScalar>: Sendable {
  /// Which results applied, e.g. `["R5"]`, `["R6"]`.
  public var rules: [String] = []
  /// A valid lower bound on the mass of every zero-bias memorization (hence on the least mass).
  public var lowerBound: T?
  /// A valid upper bound on the mass of every zero-bias memorization (hence on the most mass).
  public var upperBound: T?
  /// The least memorized mass, exactly, when a closed form gives it.
  public var exactMinimum: T?
  /// A memorization `x[a][y]` attaining `exactMinimum`, built from the closed form.
  public var minimumWitness: [[T]]?
  /// The most memorized mass, exactly, when a closed form gives it.
  public var exactMaximum: T?
  /// `true` when the closed forms alone prove that zero bias is impossible.
  public var provesInfeasible = false
  /// Conditions under which the forms above were derived, and why others do not apply.
  public var assumptions: [String] = []

  public init() {}
}

extension PopulationStatistics {
  /// The closed forms that apply to a metric under the given options.
  ///
  /// - Precondition: `metric.isGapVector`.
  public func closedForms(for metric: FairnessMetric, options: MetricOptions) -> ClosedFormBounds<T> {
    switch metric {
    case .statisticalParity: return statisticalParityBounds(options)
    case .equalOpportunity:
      return missRateEqualization(
        perClass: rateKeys(for: .equalOpportunity, options: options).map { key in
          (key.predictedClass, groupsDefining(key).map { ($0, missRate($0, key.predictedClass)) })
        }, options: options, rule: "R6")
    case .equalizedOdds: return equalizedOddsForms(options)
    default: preconditionFailure("\(metric.rawValue) is a scalar summary: the theory has no closed form for it")
    }
  }

  // MARK: R5

  /// Distance used by R5: total variation over all classes, or |difference| on the favorable one.
  private func distance(_ u: [T], _ v: [T], favorable: Int?) -> T {
    if let c = favorable { return (u[c] - v[c]).magnitudeValue }
    return fieldSum(zip(u, v).lazy.map { ($0 - $1).magnitudeValue }) / T(integer: 2)
  }

  /// R5, mass bounds for zero statistical parity, generalized to G groups and a tolerance.
  ///
  /// For every pair (a, b), with `m = min(p[a], p[b])`, slack `σ = K·eps/2` (all classes) or
  /// `eps` (favorable class), and D the distance above:
  /// - upper: `p_D <= 1 - m (D(pi_a, pi_b) - σ)` (both conventions);
  /// - lower, convention A: `p_D >= m (D(s_a, s_b) - σ)`;
  /// - lower, convention B: `p_D >= (D(b_a, b_b) - σ) / max_{c in {a,b}, y: cap>0} F[c][y] / p[c]`.
  /// The best pair is reported. Caps do not invalidate the bounds.
  private func statisticalParityBounds(_ options: MetricOptions) -> ClosedFormBounds<T> {
    var result = ClosedFormBounds<T>()
    result.rules = ["R5"]
    let eps = T.converting(options.tolerance)
    let slack = options.favorableClass == nil ? T(integer: classCount) * eps / T(integer: 2) : eps
    var lower = T.zero
    var upper = T.one
    for a in 0..<groupCount {
      for b in (a + 1)..<groupCount {
        let m = min(groupMass(a), groupMass(b))
        let dPi = distance(baseRates(a), baseRates(b), favorable: options.favorableClass) - slack
        if dPi > .zero { upper = min(upper, T.one - m * dPi) }
        if let s = unmemorizedPrediction {
          let dS = distance(s[a], s[b], favorable: options.favorableClass) - slack
          if dS > .zero { lower = max(lower, m * dS) }
        } else {
          let dB = distance(basePrediction(a), basePrediction(b), favorable: options.favorableClass) - slack
          guard dB > .zero else { continue }
          var steepest = T.zero
          for c in [a, b] {
            for y in 0..<classCount where !cap[c][y].isZero {
              steepest = max(steepest, missRate(c, y) / groupMass(c))
            }
          }
          if steepest.isZero {
            result.provesInfeasible = true
            result.assumptions.append(
              "groups \(groups[a]) and \(groups[b]) predict differently but memorization cannot move their rates (perfect on every memorizable cell)"
            )
          } else {
            lower = max(lower, dB / steepest)
          }
        }
      }
    }
    result.lowerBound = lower
    result.upperBound = upper
    if lower > upper || lower > totalCap { result.provesInfeasible = true }
    result.assumptions.append(
      convention == .givenUnmemorized
        ? "convention A: the unmemorized part of each group is predicted with the given law s[a]"
        : "convention B: memorization is random within each cell (a, y)")
    return result
  }

  // MARK: R6 (and R7's proportional case)

  /// The least mass that brings per-group "miss" values `w_a` (for each class or entry family)
  /// within `eps` of each other by memorization, when memorizing a fraction ρ of cell (a, y)
  /// scales `w_a` to `(1-ρ) w_a`: lower every `w_a` to `min_b w_b + eps`, costing
  /// `p[a][y] (w_a - min w - eps) / w_a` for each `w_a` above that level. Exact when the cap is
  /// the whole population (R6). The most mass is then `Σ cap` (memorize everything).
  private func missRateEqualization(
    perClass: [(trueClass: Int, values: [(group: Int, w: T)])], options: MetricOptions, rule: String
  ) -> ClosedFormBounds<T> {
    var result = ClosedFormBounds<T>()
    result.rules = [rule]
    guard capIsPopulation else {
      result.assumptions.append("no closed form with a cap below the population (the LP answers)")
      return result
    }
    let eps = T.converting(options.tolerance)
    var total = T.zero
    var witness = Array(repeating: Array(repeating: T.zero, count: classCount), count: groupCount)
    for (y, values) in perClass {
      guard let floor = values.map(\.w).min() else { continue }
      for (a, w) in values where w > floor + eps {
        let mass = population[a][y] * (w - floor - eps) / w
        witness[a][y] = witness[a][y] + mass
        total = total + mass
      }
    }
    result.exactMinimum = total
    result.minimumWitness = witness
    result.exactMaximum = totalCap
    result.lowerBound = total
    result.upperBound = totalCap
    result.assumptions.append("memorize only inside the groups with the larger miss rate, down to the smallest one")
    return result
  }

  // MARK: R7

  /// R7, equalized odds. Per class y, zero EOdds needs the off-diagonal rows `(1-ρ_a) C[a][y][.]`
  /// equal across groups: possible with partial memorization only when the rows of the groups
  /// with `F > 0` are proportional (then it is R6 on the miss rates), otherwise every such cell
  /// must be memorized completely. With a favorable class c the entries are the single column
  /// `P(Yhat=c | Y=y, A)`, and each class is an R6 problem on `w_a = C[a][y][c]` (y != c) or
  /// `F[a][c]` (y = c), tolerance included.
  private func equalizedOddsForms(_ options: MetricOptions) -> ClosedFormBounds<T> {
    let classes = Array(0..<classCount)
    if let c = options.favorableClass {
      let perClass: [(trueClass: Int, values: [(group: Int, w: T)])] = classes.map { y in
        (
          y,
          (0..<groupCount).filter { !cellIsEmpty($0, y) }.map { a in (a, y == c ? missRate(a, c) : confusion[a][y][c]) }
        )
      }
      return missRateEqualization(perClass: perClass, options: options, rule: "R7")
    }
    var result = ClosedFormBounds<T>()
    result.rules = ["R7"]
    guard capIsPopulation else {
      result.assumptions.append("no closed form with a cap below the population (the LP answers)")
      return result
    }
    // Typed as `missRateEqualization` takes it (converting an array of unlabeled tuples to the
    // labeled element type copies it element by element).
    var proportionalClasses: [(trueClass: Int, values: [(group: Int, w: T)])] = []
    var forcedMass = T.zero
    var forcedCells: [(Int, Int)] = []
    for y in classes {
      let defined = (0..<groupCount).filter { !cellIsEmpty($0, y) }
      let moving = defined.filter { !missRate($0, y).isZero }
      let proportional = moving.allSatisfy { a in
        let b = moving[0]
        return classes.allSatisfy { j in
          j == y || isNegligible(confusion[a][y][j] * missRate(b, y) - confusion[b][y][j] * missRate(a, y))
        }
      }
      if classCount == 2 || proportional {
        proportionalClasses.append((y, defined.map { ($0, missRate($0, y)) }))
      } else {
        guard options.tolerance == 0 else {
          result.assumptions.append(
            "class '\(classes[y])': off-diagonal rows are not proportional and eps > 0: no closed form (the LP answers)"
          )
          return result
        }
        forcedMass = forcedMass + fieldSum(moving.lazy.map { population[$0][y] })
        forcedCells.append(contentsOf: moving.map { ($0, y) })
        result.assumptions.append(
          "class '\(self.classes[y])': misclassification rows are not proportional across groups, so the whole class must be memorized wherever it is misclassified"
        )
      }
    }
    var partial = missRateEqualization(perClass: proportionalClasses, options: options, rule: "R7")
    partial.exactMinimum = (partial.exactMinimum ?? .zero) + forcedMass
    if var witness = partial.minimumWitness {
      for (a, y) in forcedCells { witness[a][y] = population[a][y] }
      partial.minimumWitness = witness
    }
    partial.lowerBound = partial.exactMinimum
    partial.assumptions = result.assumptions + partial.assumptions
    return partial
  }

  /// Exact zero for rationals; for doubles, zero up to 1e-12 (proportionality is a knife edge in
  /// floating point; the LP decides near it).
  private func isNegligible(_ value: T) -> Bool {
    if T.self == Rational.self { return value.isZero }
    return value.magnitudeValue.doubleValue <= 1e-12
  }
}
