public import DenseLinearAlgebra
import FailureReporting

/// A Gaussian class-conditional model of a population with groups `A` and classes `Y`:
/// `P(A = a, Y = y) = priors[a][y]` and `X | Y = y, A = a ~ N(means[a][y], covariances[a][y])`.
///
/// Every value is validated on construction: at least two groups and two classes with distinct
/// names, positive priors summing to 1 (within 1e-6; they are then renormalized exactly),
/// finite means of one common dimension `d >= 1`, and symmetric positive definite `d x d`
/// covariances (checked with a Cholesky factorization). A log-normal model is the Gaussian model
/// of `log X`: KL divergence and Bayes decisions are invariant under the bijection `x ↦ log x`
/// (Docs/steering.md).
public struct GaussianModel: Sendable, Equatable {
  /// Group names (`A`).
  public let groups: [String]
  /// Class names (`Y`).
  public let classes: [String]
  /// `priors[a][y] = P(A = a, Y = y)`, positive, summing to 1.
  public let priors: [[Double]]
  /// `means[a][y]`: the class-conditional mean, `d` entries.
  public let means: [[[Double]]]
  /// `covariances[a][y]`: the class-conditional covariance, symmetric positive definite `d x d`.
  public let covariances: [[Matrix]]
  /// The Cholesky factors of `covariances` (computed once, on validation).
  let factors: [[Cholesky]]

  /// The feature dimension `d`.
  public var dimension: Int { means[0][0].count }
  /// The number of groups.
  public var groupCount: Int { groups.count }
  /// The number of classes.
  public var classCount: Int { classes.count }

  /// Creates a validated model.
  ///
  /// - Throws: ``SteeringError`` naming the first bad field (`groups`, `classes`, `priors[a][y]`,
  ///   `means[a][y]`, `covariances[a][y]`).
  public init(
    groups: [String], classes: [String], priors: [[Double]], means: [[[Double]]], covariances: [[Matrix]]
  ) throws(SteeringError) {
    guard groups.count >= 2 else { throw SteeringError(field: "groups", problem: "need at least two groups") }
    guard Set(groups).count == groups.count else { throw SteeringError(field: "groups", problem: "names repeat") }
    guard classes.count >= 2 else { throw SteeringError(field: "classes", problem: "need at least two classes") }
    guard Set(classes).count == classes.count else {
      throw SteeringError(field: "classes", problem: "names repeat")
    }
    let (g, k) = (groups.count, classes.count)
    guard priors.count == g else {
      throw SteeringError(field: "priors", problem: "has \(priors.count) rows for \(g) groups")
    }
    var total = 0.0
    for a in 0..<g {
      guard priors[a].count == k else {
        throw SteeringError(field: "priors[\(a)]", problem: "has \(priors[a].count) entries for \(k) classes")
      }
      for y in 0..<k {
        let p = priors[a][y]
        guard p.isFinite, p > 0 else {
          throw SteeringError(
            field: "priors[\(a)][\(y)]", problem: "must be a positive probability, got \(p) (every cell needs mass)")
        }
        total += p
      }
    }
    guard abs(total - 1) <= 1e-6 else {
      throw SteeringError(field: "priors", problem: "must sum to 1, sum to \(total)")
    }
    guard means.count == g else {
      throw SteeringError(field: "means", problem: "has \(means.count) rows for \(g) groups")
    }
    guard covariances.count == g else {
      throw SteeringError(field: "covariances", problem: "has \(covariances.count) rows for \(g) groups")
    }
    let d = means[0].first?.count ?? 0
    var factorTable: [[Cholesky]] = []
    guard d >= 1 else { throw SteeringError(field: "means[0][0]", problem: "must have at least one coordinate") }
    for a in 0..<g {
      guard means[a].count == k else {
        throw SteeringError(field: "means[\(a)]", problem: "has \(means[a].count) entries for \(k) classes")
      }
      guard covariances[a].count == k else {
        throw SteeringError(field: "covariances[\(a)]", problem: "has \(covariances[a].count) entries for \(k) classes")
      }
      var factorRow: [Cholesky] = []
      for y in 0..<k {
        let field = "[\(a)][\(y)]"
        guard means[a][y].count == d else {
          throw SteeringError(field: "means" + field, problem: "has \(means[a][y].count) coordinates, expected \(d)")
        }
        guard means[a][y].allSatisfy(\.isFinite) else {
          throw SteeringError(field: "means" + field, problem: "must be finite")
        }
        let s = covariances[a][y]
        guard s.rows == d, s.columns == d else {
          throw SteeringError(
            field: "covariances" + field, problem: "is \(s.rows) x \(s.columns), expected \(d) x \(d)")
        }
        guard s.isFinite else { throw SteeringError(field: "covariances" + field, problem: "must be finite") }
        guard s.isSymmetric(tolerance: 1e-9) else {
          throw SteeringError(field: "covariances" + field, problem: "must be symmetric")
        }
        do {
          factorRow.append(try s.symmetrized().cholesky())
        } catch {
          throw SteeringError(field: "covariances" + field, problem: "must be positive definite (\(error))")
        }
      }
      factorTable.append(factorRow)
    }
    try Self.checkScales(means: means, covariances: covariances)
    self.groups = groups
    self.classes = classes
    self.priors = priors.map { $0.map { $0 / total } }
    self.means = means
    self.covariances = covariances.map { $0.map { $0.symmetrized() } }
    self.factors = factorTable
  }

  /// The largest ratio of eigenvalues (over all cells' covariances together) and of a mean
  /// difference to the smallest standard deviation that double precision steers reliably: beyond
  /// them KL values and maps lose every digit, so such input is rejected instead of answered.
  public static let maximumConditionNumber = 1e12
  public static let maximumStandardizedDistance = 1e6

  static func checkScales(means: [[[Double]]], covariances: [[Matrix]]) throws(SteeringError) {
    var smallest = (value: Double.infinity, field: "")
    var largest = 0.0
    for (a, row) in covariances.enumerated() {
      for (y, s) in row.enumerated() {
        guard let eigen = try? s.symmetrized().symmetricEigen(), let lo = eigen.eigenvalues.first,
          let hi = eigen.eigenvalues.last
        else { throw SteeringError(field: "covariances[\(a)][\(y)]", problem: "eigendecomposition failed") }
        if lo < smallest.value { smallest = (lo, "covariances[\(a)][\(y)]") }
        largest = max(largest, hi)
      }
    }
    guard largest <= maximumConditionNumber * smallest.value else {
      throw SteeringError(
        field: smallest.field,
        problem:
          "nearly singular: the model's covariance eigenvalues range from \(smallest.value) to \(largest), more than a factor \(maximumConditionNumber)"
      )
    }
    let d = means[0][0].count
    for j in 0..<d {
      let values = means.flatMap { $0.map { $0[j] } }
      let spread = (values.max() ?? 0) - (values.min() ?? 0)
      guard spread <= maximumStandardizedDistance * smallest.value.squareRoot() else {
        throw SteeringError(
          field: "means",
          problem:
            "coordinate \(j) spreads over \(spread), more than \(maximumStandardizedDistance) smallest standard deviations (\(smallest.value.squareRoot()))"
        )
      }
    }
  }

  /// The index of a group name.
  ///
  /// - Throws: ``SteeringError`` on field `reference` when no group has that name.
  public func groupIndex(named name: String) throws(SteeringError) -> Int {
    guard let index = groups.firstIndex(of: name) else {
      throw SteeringError(
        field: "reference", problem: "no group named '\(name)' (groups: \(groups.joined(separator: ", ")))")
    }
    return index
  }

  /// `P(Y = y | A = a)` for every group: each row of `priors` normalized.
  public var baseRates: [[Double]] {
    priors.map { row in
      let s = row.reduce(0, +)
      return row.map { $0 / s }
    }
  }

  /// The same model with other priors and moments (already valid: used for steering targets).
  func replacing(priors: [[Double]], means: [[[Double]]], covariances: [[Matrix]]) throws(SteeringError)
    -> GaussianModel
  {
    do {
      return try GaussianModel(
        groups: groups, classes: classes, priors: priors, means: means, covariances: covariances)
    } catch {
      throw SteeringError(
        field: "steered model", problem: "\(error.description) (a solver produced invalid moments)",
        kind: .internalFailure)
    }
  }
}
