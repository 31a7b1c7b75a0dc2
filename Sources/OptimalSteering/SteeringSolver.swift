public import DenseLinearAlgebra
import FailureReporting
import Foundation

/// The outcome of one intervention: the steered model, its KL to the original and the maps.
public struct SteeringResult: Sendable {
  public let original: GaussianModel
  public let steered: GaussianModel
  public let options: SteeringOptions
  /// The index of the reference group.
  public let referenceIndex: Int
  /// KL of the whole joint law in `options.direction`.
  public let kl: Double
  /// The other direction, for comparison.
  public let otherDirectionKL: Double
  /// Per-cell divergences of the class-conditionals in `options.direction`.
  public let cellKL: [[Double]]
  /// `Γ_a` of the affine family per group (the reference's is the identity; nil for baselines).
  public let scales: [Matrix?]
  /// `c_a` per group (nil for baselines).
  public let offsets: [[Double]?]
  /// The scalar scale per group, where one exists (1-D or `scale == .scalar` affirmative action,
  /// all-subgroup); nil otherwise.
  public let gamma: [Double?]
  /// The Newton summaries of the moved groups' programs (affirmative action).
  public let newton: [NewtonSummary?]
  /// `maps[a][y]`: the W2 map from `N(μ_ay, Σ_ay)` to the steered `N(μ̃_ay, Σ̃_ay)`.
  public let maps: [[AffineMap]]
  /// Outer iterations of the forward prior/moment alternation (1 when not needed).
  public let priorIterations: Int
}

/// Solves the steering interventions on a ``GaussianModel``.
public enum SteeringSolver {
  /// Runs one intervention.
  ///
  /// - Throws: ``SteeringError``: bad input (unknown reference, full Γ in too many dimensions)
  ///   or internal failure (a solver missed its tolerance).
  public static func solve(_ model: GaussianModel, options: SteeringOptions) throws(SteeringError) -> SteeringResult {
    let reference =
      if let name = options.reference {
        try model.groupIndex(named: name)
      } else {
        (0..<model.groupCount).max { model.priors[$0].reduce(0, +) < model.priors[$1].reduce(0, +) } ?? 0
      }
    let (g, k) = (model.groupCount, model.classCount)
    let groupMass = model.priors.map { $0.reduce(0, +) }
    let classMass = (0..<k).map { y in model.priors.reduce(0) { $0 + $1[y] } }
    var priors: [[Double]] =
      switch options.priors {
      case .keep: model.priors
      case .reference: (0..<g).map { a in model.baseRates[reference].map { groupMass[a] * $0 } }
      case .project: (0..<g).map { a in classMass.map { groupMass[a] * $0 } }
      }
    var moments = try moments(model, priors: priors, reference: reference, options: options)
    var steered = try model.replacing(priors: priors, means: moments.means, covariances: moments.covariances)
    var kl = try GaussianDivergence.joint(steered: steered, original: model, direction: options.direction)
    var iterations = 1
    if options.priors == .project && options.direction == .forward {
      // Alternate: priors given moments (tilted I-projection), moments given priors (weights).
      for _ in 0..<100 {
        let cells = try GaussianDivergence.cellDivergences(steered: steered, original: model, direction: .forward)
        let candidatePriors = tiltedIndependentProjection(model.priors, penalties: cells)
        let candidateMoments = try self.moments(model, priors: candidatePriors, reference: reference, options: options)
        let candidate = try model.replacing(
          priors: candidatePriors, means: candidateMoments.means, covariances: candidateMoments.covariances)
        let candidateKL = try GaussianDivergence.joint(steered: candidate, original: model, direction: .forward)
        iterations += 1
        guard candidateKL < kl else { break }
        let improvement = kl - candidateKL
        (priors, moments, steered, kl) = (candidatePriors, candidateMoments, candidate, candidateKL)
        if improvement <= 1e-12 * Swift.max(1, kl) { break }
      }
    }
    let other = try GaussianDivergence.joint(
      steered: steered, original: model, direction: options.direction == .forward ? .reverse : .forward)
    let cells = try GaussianDivergence.cellDivergences(steered: steered, original: model, direction: options.direction)
    var maps: [[AffineMap]] = []
    for a in 0..<g {
      var row: [AffineMap] = []
      for y in 0..<k {
        row.append(
          try AffineMap.gaussianTransport(
            from: model.means[a][y], model.covariances[a][y], to: steered.means[a][y], steered.covariances[a][y],
            field: "map[\(a)][\(y)]"))
      }
      maps.append(row)
    }
    return SteeringResult(
      original: model, steered: steered, options: options, referenceIndex: reference, kl: kl, otherDirectionKL: other,
      cellKL: cells, scales: moments.scales, offsets: moments.offsets, gamma: moments.gamma, newton: moments.newton,
      maps: maps, priorIterations: iterations)
  }

  /// Target moments and the affine parameters of one intervention given the steered priors.
  struct Moments {
    var means: [[[Double]]]
    var covariances: [[Matrix]]
    var scales: [Matrix?]
    var offsets: [[Double]?]
    var gamma: [Double?]
    var newton: [NewtonSummary?]
  }

  /// The KL weights of the class-conditional terms: the steered priors (forward) or the
  /// original ones (reverse), from the chain rule of KL.
  static func weights(_ model: GaussianModel, priors: [[Double]], direction: KLDirection) -> [[Double]] {
    direction == .forward ? priors : model.priors
  }

  static func moments(_ model: GaussianModel, priors: [[Double]], reference r: Int, options: SteeringOptions)
    throws(SteeringError) -> Moments
  {
    let (g, d) = (model.groupCount, model.dimension)
    let w = weights(model, priors: priors, direction: options.direction)
    var result = Moments(
      means: model.means, covariances: model.covariances, scales: Array(repeating: nil, count: g),
      offsets: Array(repeating: nil, count: g), gamma: Array(repeating: nil, count: g),
      newton: Array(repeating: nil, count: g))
    switch options.intervention {
    case .mean, .meanCovariance:
      for a in 0..<g where a != r {
        result.means[a] = model.means[r]
        if options.intervention == .meanCovariance { result.covariances[a] = model.covariances[r] }
      }
    case .affirmative:
      result.scales[r] = .identity(d)
      result.offsets[r] = Array(repeating: 0, count: d)
      if options.scale == .scalar || d == 1 { result.gamma[r] = 1 }
      for a in 0..<g where a != r {
        let (gamma, c, summary) = try affirmative(model, weights: w[a], moved: a, reference: r, options: options)
        result.scales[a] = gamma
        result.offsets[a] = c
        result.newton[a] = summary
        if options.scale == .scalar || d == 1 { result.gamma[a] = gamma[0, 0] }
        for y in 0..<model.classCount {
          result.means[a][y] = zip(gamma.applied(to: model.means[r][y]), c).map { $0 + $1 }
          result.covariances[a][y] = gamma.multiplied(by: model.covariances[r][y]).multiplied(by: gamma).symmetrized()
        }
      }
    case .allSubgroup:
      let fit = try AllSubgroupProgram(model: model, weights: w, reference: r, direction: options.direction).solve()
      for a in 0..<g {
        result.gamma[a] = fit.gammas[a]
        result.scales[a] = Matrix.identity(d).scaled(by: fit.gammas[a])
        result.offsets[a] = fit.offsets[a]
        for y in 0..<model.classCount {
          result.means[a][y] = fit.latentMeans[y].enumerated().map { fit.gammas[a] * $1 + fit.offsets[a][$0] }
          result.covariances[a][y] = fit.latentCovariances[y].scaled(by: fit.gammas[a] * fit.gammas[a])
        }
      }
    }
    return result
  }

  /// The affirmative-action program for one moved group, in the chosen KL direction.
  ///
  /// Forward: `Γ, c` minimize `Σ_y w_y KL(N(Γμ_yr + c, ΓΣ_yrΓ) ‖ N(μ_ya, Σ_ya))`. Reverse: KL is
  /// invariant under the bijection `T⁻¹(x) = Λx + b` (`Λ = Γ⁻¹`, `b = −Γ⁻¹c`), so
  /// `KL(N_ya ‖ T#N_yr) = KL(N(Λμ_ya + b, ΛΣ_yaΛ) ‖ N(μ_yr, Σ_yr))`: the same program in `(Λ, b)`
  /// with the roles of the groups exchanged; then `Γ = Λ⁻¹`, `c = −Λ⁻¹b`.
  static func affirmative(
    _ model: GaussianModel, weights: [Double], moved a: Int, reference r: Int, options: SteeringOptions
  ) throws(SteeringError) -> (Matrix, [Double], NewtonSummary?) {
    let d = model.dimension
    var terms: [AffineTerm] = []
    for y in 0..<model.classCount {
      let (source, target) = options.direction == .forward ? (r, a) : (a, r)
      let precision = try GaussianDivergence.factor(model.covariances[target][y], "covariances[\(target)][\(y)]")
        .solve(Matrix.identity(d)).symmetrized()
      terms.append(
        AffineTerm(
          weight: weights[y], a: precision, b: model.covariances[source][y], source: model.means[source][y],
          target: model.means[target][y]))
    }
    let program = AffineKLProgram(terms: terms, structure: d == 1 ? .scalar : options.scale, dimension: d)
    var gamma: Matrix
    var c: [Double]
    var summary: NewtonSummary?
    if d == 1 {
      let closed = program.univariateClosedForm()
      gamma = Matrix(diagonal: [closed.gamma])
      c = [closed.offset]
    } else {
      let solved = try program.solve()
      (gamma, c, summary) = (solved.gamma, solved.offset, solved.summary)
    }
    if options.direction == .reverse {
      let inverse = try GaussianDivergence.factor(gamma, "Λ").solve(Matrix.identity(d)).symmetrized()
      c = inverse.applied(to: c).map { -$0 }
      gamma = inverse
    }
    return (gamma, c, summary)
  }

  /// Independent priors `r_a s_y` minimizing `Σ r_a s_y [log(r_a s_y / q_ay) + k_ay]`: coordinate
  /// updates `r_a ∝ exp(Σ_y s_y log t_ay)`, `s_y ∝ exp(Σ_a r_a log t_ay)` with `t = q e^(−k)`, from
  /// the marginals (each update minimizes exactly in its block, so the objective decreases).
  static func tiltedIndependentProjection(_ q: [[Double]], penalties k: [[Double]]) -> [[Double]] {
    let (g, kk) = (q.count, q[0].count)
    let logT = (0..<g).map { a in (0..<kk).map { y in log(q[a][y]) - k[a][y] } }
    var r = q.map { $0.reduce(0, +) }
    var s = (0..<kk).map { y in q.reduce(0) { $0 + $1[y] } }
    func normalizedExp(_ v: [Double]) -> [Double] {
      let top = v.max() ?? 0
      let e = v.map { exp($0 - top) }
      let total = e.reduce(0, +)
      return e.map { $0 / total }
    }
    for _ in 0..<1000 {
      let newR = normalizedExp((0..<g).map { a in (0..<kk).reduce(0) { $0 + s[$1] * logT[a][$1] } })
      let newS = normalizedExp((0..<kk).map { y in (0..<g).reduce(0) { $0 + newR[$1] * logT[$1][y] } })
      let change = zip(newR, r).map { abs($0 - $1) }.max()! + zip(newS, s).map { abs($0 - $1) }.max()!
      (r, s) = (newR, newS)
      if change <= 1e-15 { break }
    }
    return (0..<g).map { a in s.map { r[a] * $0 } }
  }
}
