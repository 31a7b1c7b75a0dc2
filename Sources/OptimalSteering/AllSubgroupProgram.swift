public import DenseLinearAlgebra
import FailureReporting
import Foundation

/// The all-subgroup intervention (Prop. 4.3 as summarized in seed-algorithms.md §3.3): every
/// group `a` moves to `Ñ_ya = N(γ_a m_y + c_a, γ_a² S_y)`, affine images of common
/// class-conditionals `N(m_y, S_y)`, with `γ_ref = 1`, `c_ref = 0` fixing the gauge.
///
/// Given the scales `γ`, everything else has a closed form:
/// - forward KL: `S_y = (Σ_a w_ay) (Σ_a w_ay γ_a² Σ_ya⁻¹)⁻¹` (the covariance and mean parts separate),
///   then `m, c` solve the weighted least squares `min Σ w_ay ‖γ_a m_y + c_a − μ_ya‖²_{Σ_ya⁻¹}`;
/// - reverse KL: `S_y = Σ_a w_ay γ_a⁻² (Σ_ya + r_ya r_yaᵀ) / Σ_a w_ay` with residuals
///   `r_ya = μ_ya − γ_a m_y − c_a`, and `m, c` the least squares with weights `w_ay (γ_a² S_y)⁻¹`;
///   the two closed forms alternate (each is an exact block minimization) until the objective
///   changes by less than 1e-13 relative.
///
/// The profile objective in `γ` is not convex: each `log γ_a` is found by a scan of 81 points on
/// `[−6, 6]` followed by golden-section search to 1e-10 in the best bracket, cyclically over the
/// moved groups until no scale moves by more than 1e-9 (one pass for two groups).
struct AllSubgroupProgram {
  var model: GaussianModel
  var weights: [[Double]]
  var reference: Int
  var direction: KLDirection

  struct Fit {
    var gammas: [Double]
    var offsets: [[Double]]
    var latentMeans: [[Double]]
    var latentCovariances: [Matrix]
    var objective: Double
  }

  func solve() throws(SteeringError) -> Fit {
    let g = model.groupCount
    var logGamma = Array(repeating: 0.0, count: g)
    var best = try fit(logGamma)
    for _ in 0..<50 {
      var moved = 0.0
      for a in 0..<g where a != reference {
        var probe = logGamma
        func value(_ u: Double) throws(SteeringError) -> Double {
          probe[a] = u
          return try fit(probe).objective
        }
        let grid = stride(from: -6.0, through: 6.0, by: 0.15).map { $0 }
        var values: [Double] = []
        for u in grid { values.append(try value(u)) }
        let i = values.indices.min { values[$0] < values[$1] }!
        let (u, fu) = try goldenSectionMinimum(
          grid[Swift.max(0, i - 1)], grid[Swift.min(grid.count - 1, i + 1)], tolerance: 1e-10, value)
        let candidate = fu <= values[i] ? u : grid[i]
        moved = Swift.max(moved, abs(candidate - logGamma[a]))
        logGamma[a] = candidate
      }
      best = try fit(logGamma)
      if moved <= 1e-9 || g == 2 { break }
    }
    return best
  }

  /// The closed-form fit for given `log γ`.
  func fit(_ logGamma: [Double]) throws(SteeringError) -> Fit {
    let (g, k, d) = (model.groupCount, model.classCount, model.dimension)
    let gammas = logGamma.enumerated().map { $0.offset == reference ? 1.0 : exp($0.element) }
    var precisions: [[Matrix]] = []
    for a in 0..<g {
      var row: [Matrix] = []
      for y in 0..<k {
        row.append(
          try GaussianDivergence.factor(model.covariances[a][y], "covariances[\(a)][\(y)]").solve(Matrix.identity(d))
            .symmetrized())
      }
      precisions.append(row)
    }
    var latentCovariances: [Matrix] = []
    var means: [[Double]] = []
    var offsets: [[Double]] = []
    switch direction {
    case .forward:
      for y in 0..<k {
        var sum = Matrix(rows: d, columns: d)
        var mass = 0.0
        for a in 0..<g {
          sum = sum.adding(precisions[a][y].scaled(by: weights[a][y] * gammas[a] * gammas[a]))
          mass += weights[a][y]
        }
        latentCovariances.append(
          try GaussianDivergence.factor(sum, "latent precision").solve(Matrix.identity(d)).scaled(by: mass)
            .symmetrized())
      }
      let metric = (0..<g).map { a in (0..<k).map { y in precisions[a][y].scaled(by: weights[a][y]) } }
      (means, offsets) = try leastSquares(gammas: gammas, metric: metric)
    case .reverse:
      var residuals = Array(repeating: Array(repeating: Array(repeating: 0.0, count: d), count: k), count: g)
      var previous = Double.infinity
      for _ in 0..<500 {
        latentCovariances = (0..<k).map { y in
          var sum = Matrix(rows: d, columns: d)
          var mass = 0.0
          for a in 0..<g {
            var cell = model.covariances[a][y]
            for p in 0..<d { for q in 0..<d { cell[p, q] += residuals[a][y][p] * residuals[a][y][q] } }
            sum = sum.adding(cell.scaled(by: weights[a][y] / (gammas[a] * gammas[a])))
            mass += weights[a][y]
          }
          return sum.scaled(by: 1 / mass).symmetrized()
        }
        var metric: [[Matrix]] = []
        for a in 0..<g {
          var row: [Matrix] = []
          for y in 0..<k {
            let target = latentCovariances[y].scaled(by: gammas[a] * gammas[a])
            row.append(
              try GaussianDivergence.factor(target, "latent covariance").solve(Matrix.identity(d)).symmetrized()
                .scaled(by: weights[a][y]))
          }
          metric.append(row)
        }
        (means, offsets) = try leastSquares(gammas: gammas, metric: metric)
        for a in 0..<g {
          for y in 0..<k {
            residuals[a][y] = (0..<d).map { model.means[a][y][$0] - gammas[a] * means[y][$0] - offsets[a][$0] }
          }
        }
        let value = try objective(gammas, offsets, means, latentCovariances)
        if abs(previous - value) <= 1e-13 * Swift.max(1, abs(value)) { break }
        previous = value
      }
    }
    let value = try objective(gammas, offsets, means, latentCovariances)
    return Fit(
      gammas: gammas, offsets: offsets, latentMeans: means, latentCovariances: latentCovariances, objective: value)
  }

  /// `Σ w_ay KL` of the cells in the program's direction (computed directly, not from the program).
  func objective(_ gammas: [Double], _ offsets: [[Double]], _ means: [[Double]], _ covariances: [Matrix])
    throws(SteeringError) -> Double
  {
    var total = 0.0
    for a in 0..<model.groupCount {
      for y in 0..<model.classCount {
        let mean = means[y].enumerated().map { gammas[a] * $1 + offsets[a][$0] }
        let cov = covariances[y].scaled(by: gammas[a] * gammas[a])
        total +=
          weights[a][y]
          * (try GaussianDivergence.kl(
            direction, steeredMean: mean, steeredCovariance: cov, originalMean: model.means[a][y],
            originalCovariance: model.covariances[a][y]))
      }
    }
    return total
  }

  /// `min Σ_ay ‖γ_a m_y + c_a − μ_ya‖²_{metric[a][y]}` over `m_y` and `c_a` (`c_ref = 0`): the normal
  /// equations, of order `(K + G − 1)d`, solved by Cholesky.
  func leastSquares(gammas: [Double], metric: [[Matrix]]) throws(SteeringError) -> ([[Double]], [[Double]]) {
    let (g, k, d) = (model.groupCount, model.classCount, model.dimension)
    let moved = (0..<g).filter { $0 != reference }
    let n = (k + moved.count) * d
    var lhs = Matrix(rows: n, columns: n)
    var rhs = Array(repeating: 0.0, count: n)
    func block(_ index: Int) -> Int { index * d }
    for a in 0..<g {
      let cBlock = moved.firstIndex(of: a).map { block(k + $0) }
      for y in 0..<k {
        let w = metric[a][y]
        let wm = w.applied(to: model.means[a][y])
        let mBlock = block(y)
        for p in 0..<d {
          rhs[mBlock + p] += gammas[a] * wm[p]
          if let cBlock { rhs[cBlock + p] += wm[p] }
          for q in 0..<d {
            lhs[mBlock + p, mBlock + q] += gammas[a] * gammas[a] * w[p, q]
            if let cBlock {
              lhs[mBlock + p, cBlock + q] += gammas[a] * w[p, q]
              lhs[cBlock + p, mBlock + q] += gammas[a] * w[p, q]
              lhs[cBlock + p, cBlock + q] += w[p, q]
            }
          }
        }
      }
    }
    let z = try GaussianDivergence.factor(lhs.symmetrized(), "all-subgroup normal equations").solve(rhs)
    let means = (0..<k).map { Array(z[block($0)..<(block($0) + d)]) }
    var offsets = Array(repeating: Array(repeating: 0.0, count: d), count: g)
    for (i, a) in moved.enumerated() { offsets[a] = Array(z[block(k + i)..<(block(k + i) + d)]) }
    return (means, offsets)
  }
}

/// Golden-section search for the minimum of `f` on `[lo, hi]` until the bracket is shorter than
/// `tolerance`; returns the better of the two interior points and its value (a local minimum when
/// `f` is unimodal on the bracket).
func goldenSectionMinimum<E: Error>(
  _ lo: Double, _ hi: Double, tolerance: Double, _ f: (Double) throws(E) -> Double
) throws(E) -> (x: Double, value: Double) {
  var (lo, hi) = (lo, hi)
  let ratio = (5.0.squareRoot() - 1) / 2
  var x1 = hi - ratio * (hi - lo)
  var x2 = lo + ratio * (hi - lo)
  var f1 = try f(x1)
  var f2 = try f(x2)
  while hi - lo > tolerance {
    if f1 < f2 {
      (hi, x2, f2) = (x2, x1, f1)
      x1 = hi - ratio * (hi - lo)
      f1 = try f(x1)
    } else {
      (lo, x1, f1) = (x1, x2, f2)
      x2 = lo + ratio * (hi - lo)
      f2 = try f(x2)
    }
  }
  return f1 < f2 ? (x1, f1) : (x2, f2)
}
