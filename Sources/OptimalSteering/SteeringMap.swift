public import DenseLinearAlgebra

/// An affine map `T(x) = matrix · x + offset`.
public struct AffineMap: Sendable, Equatable {
  /// The linear part `M`.
  public let matrix: Matrix
  /// The offset `b`.
  public let offset: [Double]

  public init(matrix: Matrix, offset: [Double]) {
    precondition(matrix.isSquare && matrix.rows == offset.count, "affine map of mismatched shapes")
    self.matrix = matrix
    self.offset = offset
  }

  /// The identity map of dimension `d`.
  public static func identity(_ d: Int) -> AffineMap {
    AffineMap(matrix: .identity(d), offset: Array(repeating: 0, count: d))
  }

  /// `T(x)`.
  public func apply(_ x: [Double]) -> [Double] {
    zip(matrix.applied(to: x), offset).map { $0 + $1 }
  }

  /// The optimal-transport (W2) map between `N(μ, S)` and `N(μ̃, S̃)`:
  /// `T(x) = μ̃ + M(x − μ)` with `M = S^(-1/2) (S^(1/2) S̃ S^(1/2))^(1/2) S^(-1/2)` (symmetric
  /// positive definite, `M S M = S̃`), so `offset = μ̃ − Mμ`. Square roots come from LAPACK's
  /// symmetric eigendecomposition (``Matrix/positiveDefiniteSquareRoot()``). When the two
  /// Gaussians are equal the map is exactly the identity.
  ///
  /// - Throws: ``SteeringError`` (field `field`) when a covariance is not positive definite, so
  ///   that the map would be singular or undefined.
  public static func gaussianTransport(
    from mean: [Double], _ covariance: Matrix, to targetMean: [Double], _ targetCovariance: Matrix,
    field: String = "map"
  ) throws(SteeringError) -> AffineMap {
    if mean == targetMean && covariance == targetCovariance { return identity(mean.count) }
    do {
      let root = try covariance.positiveDefiniteSquareRoot()
      let inverseRoot = try covariance.positiveDefiniteInverseSquareRoot()
      let middle = try root.multiplied(by: targetCovariance).multiplied(by: root).symmetrized()
        .positiveDefiniteSquareRoot()
      let m = inverseRoot.multiplied(by: middle).multiplied(by: inverseRoot).symmetrized()
      guard m.isFinite else { throw SteeringError(field: field, problem: "map is not finite") }
      let offset = zip(targetMean, m.applied(to: mean)).map { $0 - $1 }
      return AffineMap(matrix: m, offset: offset)
    } catch let error as SteeringError {
      throw error
    } catch {
      throw SteeringError(field: field, problem: "singular map: \(error)")
    }
  }
}
