import DenseLinearAlgebra
import SeededRandom

@testable import OptimalSteering

/// Random symmetric positive definite `d x d` matrix `QDQᵀ` with eigenvalues in [0.3, 2.3].
func randomSPD(_ d: Int, using rng: inout SplitMix64) -> Matrix {
  var a = Matrix(rows: d, columns: d)
  for i in 0..<d { for j in 0..<d { a[i, j] = rng.nextStandardNormal() } }
  let base = a.multiplied(byTransposeOf: a).scaled(by: 1 / Double(d))
  return base.addingToDiagonal(0.3).symmetrized()
}

func uniform(_ rng: inout SplitMix64, _ lo: Double, _ hi: Double) -> Double {
  lo + (hi - lo) * Double(rng.next() >> 11) / Double(1 << 53)
}

/// A random two-group model with `classes` classes in `d` dimensions (positive priors).
func randomModel(d: Int, classes: Int = 2, groups: Int = 2, using rng: inout SplitMix64) throws -> GaussianModel {
  var priors = (0..<groups).map { _ in (0..<classes).map { _ in uniform(&rng, 0.1, 1) } }
  let total = priors.flatMap { $0 }.reduce(0, +)
  priors = priors.map { $0.map { $0 / total } }
  let means = (0..<groups).map { _ in (0..<classes).map { _ in (0..<d).map { _ in 1.5 * rng.nextStandardNormal() } } }
  let covariances = (0..<groups).map { _ in (0..<classes).map { _ in randomSPD(d, using: &rng) } }
  return try GaussianModel(
    groups: (0..<groups).map { "g\($0)" }, classes: (0..<classes).map { "c\($0)" }, priors: priors, means: means,
    covariances: covariances)
}

/// `Σ_y w_y KL` of one moved group's cells for the affine target `N(Γμ_yr + c, ΓΣ_yrΓ)`, computed
/// with the plain Gaussian KL formula (independent of the program's objective).
func affineObjective(
  _ model: GaussianModel, moved a: Int, reference r: Int, weights: [Double], gamma: Matrix, offset: [Double],
  direction: KLDirection
) throws -> Double {
  var total = 0.0
  for y in 0..<model.classCount {
    let mean = zip(gamma.applied(to: model.means[r][y]), offset).map { $0 + $1 }
    let cov = gamma.multiplied(by: model.covariances[r][y]).multiplied(by: gamma).symmetrized()
    total +=
      weights[y]
      * (try GaussianDivergence.kl(
        direction, steeredMean: mean, steeredCovariance: cov, originalMean: model.means[a][y],
        originalCovariance: model.covariances[a][y]))
  }
  return total
}

/// The library's golden-section search (the independent part of the closed-form check is the
/// objective, the plain Gaussian KL, not the 1-D search).
func goldenMinimum(_ lo: Double, _ hi: Double, tolerance: Double = 1e-11, _ f: (Double) throws -> Double) throws
  -> Double
{
  try goldenSectionMinimum(lo, hi, tolerance: tolerance, f).x
}
