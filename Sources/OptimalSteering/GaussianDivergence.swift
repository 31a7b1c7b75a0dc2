public import DenseLinearAlgebra
import Foundation

/// Which Kullback-Leibler divergence the steering program minimizes (the seed does not say;
/// Docs/steering.md).
///
/// - ``forward``: `KL(D̃ ‖ D)`, steered to original (the default; the direction papernotes reports
///   for the paper and the one the transfer bounds use);
/// - ``reverse``: `KL(D ‖ D̃)`, original to steered.
public enum KLDirection: String, Sendable, Hashable, Codable, CaseIterable {
  case forward
  case reverse
}

/// Kullback-Leibler divergences between Gaussians and between Gaussian class-conditional models.
public enum GaussianDivergence {
  /// `KL(N(μ₀, Σ₀) ‖ N(μ₁, Σ₁)) = ½[tr(Σ₁⁻¹Σ₀) + (μ₁−μ₀)ᵀΣ₁⁻¹(μ₁−μ₀) − d + log det Σ₁ − log det Σ₀]`,
  /// through Cholesky factorizations (LAPACK `dpotrf`/`dpotrs`).
  ///
  /// - Throws: ``SteeringError`` when a covariance is not positive definite.
  /// - Precondition: matching dimensions.
  public static func kl(mean0: [Double], covariance0: Matrix, mean1: [Double], covariance1: Matrix)
    throws(SteeringError) -> Double
  {
    let d = mean0.count
    precondition(mean1.count == d && covariance0.rows == d && covariance1.rows == d, "KL of mismatched Gaussians")
    let f0 = try factor(covariance0, "covariance0")
    let f1 = try factor(covariance1, "covariance1")
    let difference = zip(mean1, mean0).map { $0 - $1 }
    let traceTerm = f1.solve(covariance0).trace
    let quadratic = VectorMath.dot(difference, f1.solve(difference))
    let value = 0.5 * (traceTerm + quadratic - Double(d) + f1.logDeterminant - f0.logDeterminant)
    return Swift.max(0, value)
  }

  /// The divergence of one cell in `direction`: `KL(steered ‖ original)` (forward) or
  /// `KL(original ‖ steered)` (reverse).
  public static func kl(
    _ direction: KLDirection, steeredMean: [Double], steeredCovariance: Matrix, originalMean: [Double],
    originalCovariance: Matrix
  ) throws(SteeringError) -> Double {
    direction == .forward
      ? try kl(
        mean0: steeredMean, covariance0: steeredCovariance, mean1: originalMean, covariance1: originalCovariance)
      : try kl(
        mean0: originalMean, covariance0: originalCovariance, mean1: steeredMean, covariance1: steeredCovariance)
  }

  /// The per-cell divergences `KL(Ñ_ay ‖ N_ay)` (forward) or `KL(N_ay ‖ Ñ_ay)` (reverse).
  public static func cellDivergences(steered: GaussianModel, original: GaussianModel, direction: KLDirection)
    throws(SteeringError) -> [[Double]]
  {
    var result: [[Double]] = []
    for a in 0..<original.groupCount {
      var row: [Double] = []
      for y in 0..<original.classCount {
        row.append(
          try kl(
            direction, steeredMean: steered.means[a][y], steeredCovariance: steered.covariances[a][y],
            originalMean: original.means[a][y], originalCovariance: original.covariances[a][y]))
      }
      result.append(row)
    }
    return result
  }

  /// The KL divergence of the whole joint law of `(A, Y, X)`:
  /// forward `KL(D̃‖D) = Σ q̃_ay [log(q̃_ay/q_ay) + KL(Ñ_ay‖N_ay)]`,
  /// reverse `KL(D‖D̃) = Σ q_ay [log(q_ay/q̃_ay) + KL(N_ay‖Ñ_ay)]` (chain rule of KL).
  public static func joint(steered: GaussianModel, original: GaussianModel, direction: KLDirection)
    throws(SteeringError) -> Double
  {
    let cells = try cellDivergences(steered: steered, original: original, direction: direction)
    var total = 0.0
    for a in 0..<original.groupCount {
      for y in 0..<original.classCount {
        let (p, q) =
          direction == .forward
          ? (steered.priors[a][y], original.priors[a][y]) : (original.priors[a][y], steered.priors[a][y])
        total += p * (log(p / q) + cells[a][y])
      }
    }
    return Swift.max(0, total)
  }

  static func factor(_ matrix: Matrix, _ field: String) throws(SteeringError) -> Cholesky {
    do {
      return try matrix.cholesky()
    } catch {
      throw SteeringError(field: field, problem: "not positive definite (\(error))")
    }
  }
}
