public import DenseLinearAlgebra
import FailureReporting
import Foundation
import SeededRandom

/// How far a model is from the ideal-distribution conditions (Prop. 3.2), and the behavioural
/// check: the largest fairness gaps of cost-sensitive Bayes classifiers over a grid of costs.
public struct IdealCheck: Sendable, Equatable, Codable {
  /// Condition 1 as stated, with symmetric square roots:
  /// `max ‖Σ_ya^(-1/2)(μ_ya − μ_y'a) − Σ_ya'^(-1/2)(μ_ya' − μ_y'a')‖_∞` over class pairs and group pairs.
  public var standardizedMeanDifference: Double
  /// Condition 2 as stated: `max |Σ_ya^(1/2) Σ_y'a⁻¹ Σ_ya^(1/2) − (same for a')|` entrywise.
  public var covarianceRatio: Double
  /// Condition 3: `max |P(Y=y | A=a) − P(Y=y | A=a')|`.
  public var baseRateDifference: Double
  /// Rotation-invariant form of condition 1: differences of the Mahalanobis distances
  /// `‖Σ_ya^(-1/2)(μ_ya − μ_y'a)‖` (zero for every member of the affine family; condition 1 as
  /// stated is zero there only when the symmetric roots commute with `Γ`, e.g. in 1-D or diagonal).
  public var mahalanobisDifference: Double
  /// Rotation-invariant form of condition 2: differences of the sorted eigenvalues of
  /// `Σ_y'a⁻¹ Σ_ya`.
  public var covarianceRatioSpectrum: Double
  /// The behavioural check.
  public var bayes: BayesFairness

  enum CodingKeys: String, CodingKey {
    case bayes
    case standardizedMeanDifference = "standardized_mean_difference"
    case covarianceRatio = "covariance_ratio"
    case baseRateDifference = "base_rate_difference"
    case mahalanobisDifference = "mahalanobis_difference"
    case covarianceRatioSpectrum = "covariance_ratio_spectrum"
  }

  /// The three literal residuals' maximum.
  public var largestResidual: Double { max(standardizedMeanDifference, covarianceRatio, baseRateDifference) }
}

/// Fairness gaps of the cost-sensitive Bayes classifiers of a model.
///
/// Costs: predicting `k` when the truth is `y ≠ k` costs `c_y` (`c` positive, correct decisions
/// free), so the Bayes rule is `argmax_y c_y q_ay N(x; μ_ay, Σ_ay)` (group-aware). For two classes
/// this family is every cost matrix with a zero diagonal (up to scale). The grid: `c = (1 − t, t)`
/// for `t = 0.05, 0.10, …, 0.95` with two classes; otherwise 0-1 costs plus 18 seeded random
/// positive vectors.
///
/// Gaps, maximized over the grid, group pairs and classes: DP `|P(ŷ=k|a) − P(ŷ=k|a')|`, EO
/// (equal opportunity) `|P(ŷ=k|y=k,a) − P(ŷ=k|y=k,a')|`, EOdds `|P(ŷ=k|y,a) − P(ŷ=k|y,a')|`.
/// In 1-D the rates are exact (normal CDFs over the intervals between the roots of the pairwise
/// quadratic discriminants); in d-D they are Monte Carlo estimates from `samplesPerCell` seeded
/// draws per (group, class) cell, with `standardError` the largest binomial standard error of a
/// difference of two rates, `sqrt(2 · 0.25 / n)`.
public struct BayesFairness: Sendable, Equatable, Codable {
  public var exact: Bool
  public var costCount: Int
  public var samplesPerCell: Int?
  public var standardError: Double?
  public var demographicParity: Double
  public var equalOpportunity: Double
  public var equalizedOdds: Double
  /// The Bayes error under 0-1 costs (`c = 1`), exact in 1-D, Monte Carlo otherwise.
  public var bayesError: Double

  enum CodingKeys: String, CodingKey {
    case exact
    case costCount = "cost_count"
    case samplesPerCell = "samples_per_cell"
    case standardError = "standard_error"
    case demographicParity = "demographic_parity"
    case equalOpportunity = "equal_opportunity"
    case equalizedOdds = "equalized_odds"
    case bayesError = "bayes_error"
  }
}

extension GaussianModel {
  /// The Prop. 3.2 residuals and the behavioural check.
  ///
  /// - Throws: ``SteeringError`` if a matrix function fails (cannot happen for a valid model).
  public func idealCheck(samplesPerCell: Int = 20000, seed: UInt64 = 0) throws(SteeringError) -> IdealCheck {
    let (g, k) = (groupCount, classCount)
    var smd = 0.0
    var ratio = 0.0
    var mahalanobis = 0.0
    var spectrum = 0.0
    do {
      let roots = try covariances.map { try $0.map { try $0.positiveDefiniteSquareRoot() } }
      let inverseRoots = try covariances.map { try $0.map { try $0.positiveDefiniteInverseSquareRoot() } }
      for y in 0..<k {
        for z in 0..<k where z != y {
          var standardized: [[Double]] = []
          var ratios: [Matrix] = []
          var spectra: [[Double]] = []
          for a in 0..<g {
            let diff = zip(means[a][y], means[a][z]).map { $0 - $1 }
            standardized.append(inverseRoots[a][y].applied(to: diff))
            let inv = inverseRoots[a][z].multiplied(by: inverseRoots[a][z])
            let r = roots[a][y].multiplied(by: inv).multiplied(by: roots[a][y]).symmetrized()
            ratios.append(r)
            spectra.append(try r.symmetricEigen().eigenvalues)
          }
          for a in 0..<g {
            for b in (a + 1)..<max(a + 1, g) {
              smd = max(smd, VectorMath.maxAbsoluteValue(zip(standardized[a], standardized[b]).map { $0 - $1 }))
              ratio = max(ratio, ratios[a].subtracting(ratios[b]).maxAbsoluteValue)
              mahalanobis = max(
                mahalanobis, abs(VectorMath.norm(standardized[a]) - VectorMath.norm(standardized[b])))
              spectrum = max(spectrum, VectorMath.maxAbsoluteValue(zip(spectra[a], spectra[b]).map { $0 - $1 }))
            }
          }
        }
      }
    } catch {
      throw SteeringError(field: "covariances", problem: "\(error)", kind: .internalFailure)
    }
    let rates = baseRates
    var baseRate = 0.0
    for a in 0..<g {
      for b in 0..<g {
        for y in 0..<k { baseRate = max(baseRate, abs(rates[a][y] - rates[b][y])) }
      }
    }
    return IdealCheck(
      standardizedMeanDifference: smd, covarianceRatio: ratio, baseRateDifference: baseRate,
      mahalanobisDifference: mahalanobis, covarianceRatioSpectrum: spectrum,
      bayes: try bayesFairness(samplesPerCell: samplesPerCell, seed: seed))
  }

  /// The class weights `c` of the cost grid.
  public var costGrid: [[Double]] {
    if classCount == 2 { return stride(from: 0.05, through: 0.951, by: 0.05).map { [1 - $0, $0] } }
    var rng = SplitMix64(seed: 0xC057)
    var grid = [Array(repeating: 1.0, count: classCount)]
    for _ in 0..<18 { grid.append((0..<classCount).map { _ in 0.05 + Double(rng.next() % 1_000_000) / 1_000_000 }) }
    return grid
  }

  /// The Bayes rule for class weights `c` in group `a`: `argmax_y log c_y + log q_ay + log N(x; μ_ay, Σ_ay)`.
  public func bayesDecision(_ x: [Double], group a: Int, costs c: [Double]) -> Int {
    var best = 0
    var bestScore = -Double.infinity
    for y in 0..<classCount {
      let score = log(c[y]) + log(priors[a][y]) + logDensity(x, group: a, class: y)
      if score > bestScore { (best, bestScore) = (y, score) }
    }
    return best
  }

  /// `log N(x; μ_ay, Σ_ay)`.
  public func logDensity(_ x: [Double], group a: Int, class y: Int) -> Double {
    let chol = factors[a][y]
    let r = zip(x, means[a][y]).map { $0 - $1 }
    let d = Double(dimension)
    return -0.5 * (VectorMath.dot(r, chol.solve(r)) + chol.logDeterminant + d * log(2 * Double.pi))
  }

  /// `log q_ay + log N(x; μ_ay, Σ_ay)` for every class `y` (the Bayes rule's scores without costs).
  func classScores(_ x: [Double], group a: Int) -> [Double] {
    (0..<classCount).map { log(priors[a][$0]) + logDensity(x, group: a, class: $0) }
  }

  /// `rates[a][y][k] = P(ŷ = k | A = a, Y = y)` under this model of the Bayes rule (class
  /// weights `c`) of `decider` (default: this model). With `decider` a steered model this is how
  /// its Bayes classifier performs on the original population (the transfer bounds).
  ///
  /// - Precondition: `decider` has this model's groups, classes and dimension.
  public func bayesRates(costs c: [Double], samplesPerCell: Int, seed: UInt64, decider: GaussianModel? = nil)
    -> [[[Double]]]
  {
    let rule = decider ?? self
    precondition(
      rule.groupCount == groupCount && rule.classCount == classCount && rule.dimension == dimension,
      "decider of another shape")
    return dimension == 1
      ? exactUnivariateRates(costs: c, decider: rule)
      : monteCarloRates(costs: c, samplesPerCell: samplesPerCell, seed: seed, decider: rule)
  }

  func bayesFairness(samplesPerCell: Int, seed: UInt64) throws(SteeringError) -> BayesFairness {
    var dp = 0.0
    var eo = 0.0
    var eodds = 0.0
    let grid = costGrid
    let rates = baseRates
    let scores = dimension == 1 ? nil : monteCarloScores(samplesPerCell: samplesPerCell, seed: seed, decider: self)
    func ratesFor(_ c: [Double]) -> [[[Double]]] {
      scores.map { Self.rates(fromScores: $0, costs: c) } ?? exactUnivariateRates(costs: c, decider: self)
    }
    for c in grid {
      let r = ratesFor(c)
      for a in 0..<groupCount {
        for b in (a + 1)..<max(a + 1, groupCount) {
          for k in 0..<classCount {
            let pa = (0..<classCount).reduce(0) { $0 + rates[a][$1] * r[a][$1][k] }
            let pb = (0..<classCount).reduce(0) { $0 + rates[b][$1] * r[b][$1][k] }
            dp = max(dp, abs(pa - pb))
            eo = max(eo, abs(r[a][k][k] - r[b][k][k]))
            for y in 0..<classCount { eodds = max(eodds, abs(r[a][y][k] - r[b][y][k])) }
          }
        }
      }
    }
    let zeroOne = ratesFor(Array(repeating: 1, count: classCount))
    var error = 0.0
    for a in 0..<groupCount {
      for y in 0..<classCount { error += priors[a][y] * (1 - zeroOne[a][y][y]) }
    }
    let exact = dimension == 1
    return BayesFairness(
      exact: exact, costCount: grid.count, samplesPerCell: exact ? nil : samplesPerCell,
      standardError: exact ? nil : (0.5 / Double(samplesPerCell)).squareRoot(), demographicParity: dp,
      equalOpportunity: eo, equalizedOdds: eodds, bayesError: error)
  }

  /// Exact 1-D rates: the decision changes only at roots of
  /// `log(c_y q_ay φ_ay(x)) = log(c_z q_az φ_az(x))`, a quadratic in `x`; between consecutive
  /// roots the decision is constant and each cell's mass is a difference of normal CDFs.
  func exactUnivariateRates(costs c: [Double], decider: GaussianModel) -> [[[Double]]] {
    (0..<groupCount).map { a in
      var roots: [Double] = []
      for y in 0..<classCount {
        for z in (y + 1)..<max(y + 1, classCount) {
          // score_y(x) = α_y + β_y x + κ_y x² with κ = −1/(2σ²), β = μ/σ², α = log(c q) − μ²/(2σ²) − log σ − ½ log 2π.
          func coefficients(_ u: Int) -> (Double, Double, Double) {
            let m = decider.means[a][u][0]
            let v = decider.covariances[a][u][0, 0]
            return (log(c[u] * decider.priors[a][u]) - m * m / (2 * v) - 0.5 * log(v), m / v, -1 / (2 * v))
          }
          let (ay, by, ky) = coefficients(y)
          let (az, bz, kz) = coefficients(z)
          let (qa, qb, qc) = (ky - kz, by - bz, ay - az)
          if abs(qa) <= 1e-300 {
            if qb != 0 { roots.append(-qc / qb) }
          } else {
            let disc = qb * qb - 4 * qa * qc
            if disc >= 0 {
              let s = disc.squareRoot()
              let q = -0.5 * (qb + (qb >= 0 ? s : -s))
              roots.append(q / qa)
              if q != 0 { roots.append(qc / q) }
            }
          }
        }
      }
      let cuts = roots.filter(\.isFinite).sorted()
      let edges = [-Double.infinity] + cuts + [Double.infinity]
      var rates = Array(repeating: Array(repeating: 0.0, count: classCount), count: classCount)
      for i in 0..<(edges.count - 1) {
        let (lo, hi) = (edges[i], edges[i + 1])
        guard hi > lo else { continue }
        let probe: Double =
          lo.isInfinite && hi.isInfinite ? 0 : (lo.isInfinite ? hi - 1 : (hi.isInfinite ? lo + 1 : 0.5 * (lo + hi)))
        let k = decider.bayesDecision([probe], group: a, costs: c)
        for y in 0..<classCount {
          let m = means[a][y][0]
          let s = covariances[a][y][0, 0].squareRoot()
          rates[y][k] += normalCDF((hi - m) / s) - normalCDF((lo - m) / s)
        }
      }
      return rates
    }
  }

  func monteCarloRates(costs c: [Double], samplesPerCell n: Int, seed: UInt64, decider: GaussianModel)
    -> [[[Double]]]
  {
    Self.rates(fromScores: monteCarloScores(samplesPerCell: n, seed: seed, decider: decider), costs: c)
  }

  /// `scores[a][y][s]`: the decider's class scores at the `s`-th seeded draw from cell (a, y)
  /// (the same draws serve every cost vector).
  func monteCarloScores(samplesPerCell n: Int, seed: UInt64, decider: GaussianModel) -> [[[[Double]]]] {
    var rng = SplitMix64(seed: seed)
    return (0..<groupCount).map { a in
      (0..<classCount).map { y in
        let lower = factors[a][y].lower
        return (0..<n).map { _ in
          let z = (0..<dimension).map { _ in rng.nextStandardNormal() }
          let x = zip(means[a][y], lower.applied(to: z)).map { $0 + $1 }
          return decider.classScores(x, group: a)
        }
      }
    }
  }

  /// Decision rates from precomputed scores: `argmax_k log c_k + score_k`.
  static func rates(fromScores scores: [[[[Double]]]], costs c: [Double]) -> [[[Double]]] {
    let logCosts = c.map { log($0) }
    return scores.map { group in
      group.map { cell in
        var counts = Array(repeating: 0.0, count: logCosts.count)
        for s in cell {
          var best = 0
          for k in 1..<logCosts.count where s[k] + logCosts[k] > s[best] + logCosts[best] { best = k }
          counts[best] += 1
        }
        return counts.map { $0 / Double(Swift.max(1, cell.count)) }
      }
    }
  }
}

/// The standard normal CDF `Φ(z) = ½ erfc(−z/√2)` (accurate in both tails).
func normalCDF(_ z: Double) -> Double {
  if z == .infinity { return 1 }
  if z == -.infinity { return 0 }
  return 0.5 * erfc(-z / 2.0.squareRoot())
}
