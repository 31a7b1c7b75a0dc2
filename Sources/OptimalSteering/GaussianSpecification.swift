public import DenseLinearAlgebra

/// The JSON form of a ``GaussianModel`` (`fairmem steer SPEC.json`, Docs/steering.md):
///
/// ```json
/// {"groups": ["female", "male"], "classes": ["<=50K", ">50K"],
///  "priors": [[0.25, 0.08], [0.45, 0.22]],
///  "means": [[[0.0], [1.0]], [[0.2], [1.6]]],
///  "covariances": [[[[1.0]], [[1.2]]], [[[0.9]], [[1.0]]]]}
/// ```
///
/// `priors[a][y] = P(A=a, Y=y)`, `means[a][y][j]`, `covariances[a][y][j][k]`.
public struct GaussianSpecification: Codable, Sendable, Equatable {
  public var groups: [String]
  public var classes: [String]
  public var priors: [[Double]]
  public var means: [[[Double]]]
  public var covariances: [[[[Double]]]]

  public init(
    groups: [String], classes: [String], priors: [[Double]], means: [[[Double]]], covariances: [[[[Double]]]]
  ) {
    self.groups = groups
    self.classes = classes
    self.priors = priors
    self.means = means
    self.covariances = covariances
  }
}

extension GaussianModel {
  /// Validates a specification (see ``init(groups:classes:priors:means:covariances:)``).
  ///
  /// - Throws: ``SteeringError`` naming the first bad field; ragged covariance rows are
  ///   reported as `covariances[a][y]`.
  public init(specification s: GaussianSpecification) throws(SteeringError) {
    var matrices: [[Matrix]] = []
    for (a, row) in s.covariances.enumerated() {
      var cells: [Matrix] = []
      for (y, rows) in row.enumerated() {
        do {
          cells.append(try Matrix(rowArrays: rows))
        } catch {
          throw SteeringError(field: "covariances[\(a)][\(y)]", problem: "\(error)")
        }
      }
      matrices.append(cells)
    }
    try self.init(groups: s.groups, classes: s.classes, priors: s.priors, means: s.means, covariances: matrices)
  }

  /// The JSON form of this model.
  public var specification: GaussianSpecification {
    GaussianSpecification(
      groups: groups, classes: classes, priors: priors, means: means,
      covariances: covariances.map { $0.map(\.rowArrays) })
  }
}

extension Matrix {
  /// The rows as arrays (for reports).
  var rowArrays: [[Double]] { (0..<rows).map { row($0) } }
}
