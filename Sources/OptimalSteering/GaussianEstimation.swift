public import DenseLinearAlgebra
import FailureReporting

/// How class-conditional covariances are estimated from a sample.
public enum CovarianceEstimate: String, Sendable, Hashable, Codable, CaseIterable {
  /// Full covariance, shrunk toward its diagonal (see ``GaussianModel/estimate(features:groups:labels:groupNames:classNames:covariance:)``).
  case full
  /// Diagonal covariance (independent features).
  case diagonal
}

extension GaussianModel {
  /// Estimates the model from a labelled sample: priors are the cell frequencies, means the cell
  /// means, covariances the unbiased cell covariances `Σ̂` regularized as
  /// `Σ = (1 − λ) Σ̂ + λ diag(Σ̂) + ε_j` on the diagonal, with `λ = d / (n_ay + d)` (small cells shrink
  /// more toward their diagonal) and `ε_j = 1e-3 ·` the pooled variance of feature `j` (so a
  /// feature that is constant inside one cell keeps the covariance positive definite). With
  /// ``CovarianceEstimate/diagonal`` only `diag(Σ̂) + ε` is kept.
  ///
  /// - Throws: ``SteeringError`` when a (group, class) cell has fewer than two rows, a label or
  ///   group is out of range, or a feature is not finite.
  public static func estimate(
    features x: Matrix, groups: [Int], labels: [Int], groupNames: [String], classNames: [String],
    covariance: CovarianceEstimate = .full
  ) throws(SteeringError) -> GaussianModel {
    let (n, d, g, k) = (x.rows, x.columns, groupNames.count, classNames.count)
    guard groups.count == n, labels.count == n else {
      throw SteeringError(field: "data", problem: "\(n) rows, \(groups.count) groups, \(labels.count) labels")
    }
    guard d >= 1 else { throw SteeringError(field: "features", problem: "no continuous feature to steer") }
    guard x.isFinite else { throw SteeringError(field: "features", problem: "must be finite") }
    var members = Array(repeating: Array(repeating: [Int](), count: k), count: g)
    for i in 0..<n {
      guard (0..<g).contains(groups[i]), (0..<k).contains(labels[i]) else {
        throw SteeringError(field: "data", problem: "row \(i): group or label out of range")
      }
      members[groups[i]][labels[i]].append(i)
    }
    var pooled = Array(repeating: 0.0, count: d)
    let overall = (0..<d).map { j in (0..<n).reduce(0) { $0 + x[$1, j] } / Double(Swift.max(n, 1)) }
    for i in 0..<n { for j in 0..<d { pooled[j] += (x[i, j] - overall[j]) * (x[i, j] - overall[j]) } }
    pooled = pooled.map { Swift.max($0 / Double(Swift.max(n - 1, 1)), 1e-12) }
    var priors: [[Double]] = []
    var means: [[[Double]]] = []
    var covariances: [[Matrix]] = []
    for a in 0..<g {
      var priorRow: [Double] = []
      var meanRow: [[Double]] = []
      var covRow: [Matrix] = []
      for y in 0..<k {
        let rows = members[a][y]
        guard rows.count >= 2 else {
          throw SteeringError(
            field: "cell \(groupNames[a])/\(classNames[y])",
            problem: "has \(rows.count) row(s); at least 2 are needed to estimate a covariance")
        }
        let m = Double(rows.count)
        let sub = x.rows(rows)
        let mean = (0..<d).map { j in (0..<rows.count).reduce(0) { $0 + sub[$1, j] } / m }
        var cov = Matrix(rows: d, columns: d)
        for r in 0..<rows.count {
          for p in 0..<d {
            let dp = sub[r, p] - mean[p]
            for q in p..<d { cov[p, q] += dp * (sub[r, q] - mean[q]) / (m - 1) }
          }
        }
        for p in 0..<d { for q in 0..<p { cov[p, q] = cov[q, p] } }
        let lambda = covariance == .diagonal ? 1 : Double(d) / (m + Double(d))
        for p in 0..<d {
          for q in 0..<d where p != q { cov[p, q] *= 1 - lambda }
          cov[p, p] += 1e-3 * pooled[p]
        }
        priorRow.append(m / Double(n))
        meanRow.append(mean)
        covRow.append(cov)
      }
      priors.append(priorRow)
      means.append(meanRow)
      covariances.append(covRow)
    }
    return try GaussianModel(
      groups: groupNames, classes: classNames, priors: priors, means: means, covariances: covariances)
  }
}
