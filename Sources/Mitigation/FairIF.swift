public import DenseLinearAlgebra

/// The norm penalty of the FairIF weight objective (seed 004 Eq. 14 writes `λ‖ε‖`).
public enum FairIFPenalty: String, Sendable, Hashable, CaseIterable {
  /// `λ‖Δw‖²`: closed form `Δw* = −Aᵀ(AAᵀ + λI)⁻¹b`.
  case squared
  /// `λ‖Δw‖₂` (unsquared): the same family of solutions with an effective ridge `μ = λ/(2‖Δw‖)`,
  /// found by a scalar root search (exactly 0 when `λ ≥ 2‖Aᵀb‖`).
  case norm
}

/// How a FairIF solution was obtained.
public enum FairIFSolver: String, Sendable, Hashable {
  /// The closed form (no constraint was active).
  case closedForm = "closed-form"
  /// Accelerated projected gradient (FISTA) under `w ≥ 0`.
  case projectedGradient = "projected-gradient"
  /// Proximal gradient with the group soft-threshold (unsquared norm, no constraint).
  case proximalGradient = "proximal-gradient"
}

/// The FairIF weights and diagnostics.
public struct FairIFSolution: Sendable, Equatable {
  /// The weights `w = 1 + Δw` (non-negative); `clipping` reports what the *unconstrained* solution
  /// would have needed clipped (the returned weights come from the constrained solve when it did).
  public var weights: SampleWeights
  /// `Δw` actually used (`weights.weights − 1`).
  public var change: [Double]
  /// The predicted gaps after reweighting, `b + A Δw` (first order).
  public var predictedGaps: [Double]
  /// The value of the objective `‖b + AΔw‖² + λ·penalty(Δw)`.
  public var objective: Double
  public var solver: FairIFSolver
  public var iterations: Int
  public var converged: Bool
}

extension Reweighting {
  /// FairIF stage one (seed 004 Eq. 13-14, Algorithm 1): weights that equalize the group metrics
  /// (TPR and TNR) on the validation split to first order,
  ///
  ///     min_Δw ‖b + A Δw‖² + λ·penalty(Δw)   subject to  w = 1 + Δw ≥ 0 (when `nonNegative`),
  ///
  /// where row `j` of `A` (`r × n`) is the influence of every training weight on gap `j`
  /// (`A_ji = ∂gap_j/∂w_i`, the same units as `I_F`; seed 004's `ε_i` is `Δw_i/n`, so its λ is
  /// ours times `n²`) and `b` holds the current gaps (`TPR₀ − TPR₁`, `TNR₀ − TNR₁`).
  ///
  /// With the squared penalty and no active constraint the answer is the closed form
  /// `Δw* = −Aᵀ(AAᵀ + λI)⁻¹b` (an `r × r` solve); with the unsquared norm it is the same formula
  /// with the ridge `μ` solving `2μ‖Δw(μ)‖ = λ`. When `nonNegative` and the unconstrained answer has
  /// a weight below 0, the constrained problem is solved by projected gradient (FISTA) and
  /// `weights.clipping` reports how much clipping the unconstrained answer needed.
  public static func fairIF(
    differenceInfluences a: Matrix, gaps b: [Double], lambda: Double, penalty: FairIFPenalty = .squared,
    nonNegative: Bool = true, maximumIterations: Int = 20_000, tolerance: Double = 1e-10
  ) -> FairIFSolution {
    precondition(a.rows == b.count, "A has \(a.rows) rows for \(b.count) gaps")
    precondition(lambda > 0, "lambda must be positive")
    let free: [Double]
    switch penalty {
    case .squared: free = fairIFClosedForm(a: a, b: b, ridge: lambda)
    case .norm: free = fairIFNormSolution(a: a, b: b, lambda: lambda) { fairIFClosedForm(a: a, b: b, ridge: $0) }
    }
    let unconstrained = SampleWeights(raw: free.map { 1 + $0 })
    guard nonNegative, unconstrained.clipping.clipped else {
      return fairIFSolution(
        a: a, b: b, lambda: lambda, penalty: penalty, change: free, solver: .closedForm, iterations: 0,
        converged: true, clip: nonNegative)
    }
    let constrained: (x: [Double], iterations: Int, converged: Bool)
    switch penalty {
    case .squared:
      constrained = fairIFProjectedGradient(
        a: a, b: b, ridge: lambda, lowerBound: -1, start: unconstrained.change,
        maximumIterations: maximumIterations, tolerance: tolerance)
    case .norm:
      var total = 0
      var ok = true
      let x = fairIFNormSolution(a: a, b: b, lambda: lambda) { mu in
        let r = fairIFProjectedGradient(
          a: a, b: b, ridge: mu, lowerBound: -1, start: unconstrained.change,
          maximumIterations: maximumIterations, tolerance: tolerance)
        total += r.iterations
        ok = ok && r.converged
        return r.x
      }
      constrained = (x, total, ok)
    }
    var s = fairIFSolution(
      a: a, b: b, lambda: lambda, penalty: penalty, change: constrained.x, solver: .projectedGradient,
      iterations: constrained.iterations, converged: constrained.converged)
    s.weights.rawWeights = unconstrained.rawWeights
    s.weights.clipping = unconstrained.clipping
    return s
  }

  /// `−Aᵀ(AAᵀ + μI)⁻¹b`.
  static func fairIFClosedForm(a: Matrix, b: [Double], ridge mu: Double) -> [Double] {
    let gram = a.multiplied(byTransposeOf: a).addingToDiagonal(mu)
    guard let c = try? gram.cholesky() else { return Array(repeating: 0, count: a.columns) }
    let y = c.solve(b)
    return a.transposeApplied(to: y).map { -$0 }
  }

  /// The unsquared-norm solution: `x(μ)` with `2μ‖x(μ)‖ = λ` (bisection in log μ; `μ‖x(μ)‖`
  /// increases in μ towards `‖Aᵀb‖`), or 0 when `λ ≥ 2‖Aᵀb‖`.
  static func fairIFNormSolution(a: Matrix, b: [Double], lambda: Double, solve: (Double) -> [Double]) -> [Double] {
    let atb = a.transposeApplied(to: b)
    let limit = 2 * VectorMath.norm(atb)
    guard lambda < limit else { return Array(repeating: 0, count: a.columns) }
    func excess(_ mu: Double) -> Double { 2 * mu * VectorMath.norm(solve(mu)) - lambda }
    var lo = lambda * 1e-12 + 1e-300
    var hi = max(lambda, 1e-300)
    while excess(hi) < 0 && hi < 1e300 { hi *= 4 }
    while excess(lo) > 0 && lo > 1e-300 { lo /= 4 }
    for _ in 0..<100 {
      let mid = (lo * hi).squareRoot()
      if excess(mid) < 0 { lo = mid } else { hi = mid }
      if hi / lo < 1 + 1e-13 { break }
    }
    return solve((lo * hi).squareRoot())
  }

  /// FISTA for `‖b + Ax‖² + μ‖x‖²` subject to `x ≥ lowerBound` (elementwise). Step `1/L` with
  /// `L = 2(trace(AAᵀ) + μ)` ≥ the gradient's Lipschitz constant. Stops when the projected
  /// gradient step moves less than `tolerance·(1 + ‖x‖)`.
  public static func fairIFProjectedGradient(
    a: Matrix, b: [Double], ridge mu: Double, lowerBound: Double?, start: [Double],
    maximumIterations: Int, tolerance: Double
  ) -> (x: [Double], iterations: Int, converged: Bool) {
    var frob = 0.0
    for e in a.elements { frob += e * e }
    let lipschitz = 2 * (frob + mu)
    let step = 1 / lipschitz
    var x = start.map { v in lowerBound.map { lb in Swift.max(v, lb) } ?? v }
    var y = x
    var t = 1.0
    for iteration in 1...Swift.max(1, maximumIterations) {
      var residual = a.applied(to: y)
      for j in residual.indices { residual[j] += b[j] }
      let g = a.transposeApplied(to: residual)
      var next = y
      for i in next.indices {
        var v = y[i] - step * (2 * g[i] + 2 * mu * y[i])
        if let lb = lowerBound, v < lb { v = lb }
        next[i] = v
      }
      var moved = 0.0
      var size = 0.0
      for i in next.indices {
        moved += (next[i] - x[i]) * (next[i] - x[i])
        size += next[i] * next[i]
      }
      let tNext = (1 + (1 + 4 * t * t).squareRoot()) / 2
      let momentum = (t - 1) / tNext
      for i in y.indices { y[i] = next[i] + momentum * (next[i] - x[i]) }
      x = next
      t = tNext
      if moved.squareRoot() <= tolerance * (1 + size.squareRoot()) && iteration > 1 {
        return (x, iteration, true)
      }
    }
    return (x, maximumIterations, false)
  }

  /// Proximal gradient (FISTA) for the unsquared penalty `‖b + Ax‖² + λ‖x‖₂` without constraints:
  /// the prox of `λ‖·‖₂` is the group soft-threshold `x·max(0, 1 − sλ/‖x‖)`. An independent route to
  /// the same minimizer as the closed form (used by the tests).
  public static func fairIFProximalGradient(
    differenceInfluences a: Matrix, gaps b: [Double], lambda: Double, maximumIterations: Int = 200_000,
    tolerance: Double = 1e-12
  ) -> (change: [Double], iterations: Int, converged: Bool) {
    var frob = 0.0
    for e in a.elements { frob += e * e }
    let step = 1 / (2 * frob)
    var x = Array(repeating: 0.0, count: a.columns)
    var y = x
    var t = 1.0
    for iteration in 1...maximumIterations {
      var residual = a.applied(to: y)
      for j in residual.indices { residual[j] += b[j] }
      let g = a.transposeApplied(to: residual)
      var next = y
      for i in next.indices { next[i] = y[i] - step * 2 * g[i] }
      let norm = VectorMath.norm(next)
      let shrink = norm > 0 ? Swift.max(0, 1 - step * lambda / norm) : 0
      for i in next.indices { next[i] *= shrink }
      var moved = 0.0
      for i in next.indices { moved += (next[i] - x[i]) * (next[i] - x[i]) }
      let tNext = (1 + (1 + 4 * t * t).squareRoot()) / 2
      let momentum = (t - 1) / tNext
      for i in y.indices { y[i] = next[i] + momentum * (next[i] - x[i]) }
      x = next
      t = tNext
      if moved.squareRoot() <= tolerance * (1 + VectorMath.norm(x)) && iteration > 1 { return (x, iteration, true) }
    }
    return (x, maximumIterations, false)
  }

  /// The objective `‖b + AΔw‖² + λ·penalty(Δw)`.
  public static func fairIFObjective(
    differenceInfluences a: Matrix, gaps b: [Double], lambda: Double, penalty: FairIFPenalty, change: [Double]
  ) -> Double {
    var r = a.applied(to: change)
    for j in r.indices { r[j] += b[j] }
    let fit = r.reduce(0) { $0 + $1 * $1 }
    let n2 = change.reduce(0) { $0 + $1 * $1 }
    return fit + lambda * (penalty == .squared ? n2 : n2.squareRoot())
  }

  static func fairIFSolution(
    a: Matrix, b: [Double], lambda: Double, penalty: FairIFPenalty, change: [Double], solver: FairIFSolver,
    iterations: Int, converged: Bool, clip: Bool = true
  ) -> FairIFSolution {
    let w = clip ? SampleWeights(raw: change.map { 1 + $0 }) : SampleWeights(unclipped: change.map { 1 + $0 })
    var gaps = a.applied(to: w.change)
    for j in gaps.indices { gaps[j] += b[j] }
    return FairIFSolution(
      weights: w, change: w.change, predictedGaps: gaps,
      objective: fairIFObjective(differenceInfluences: a, gaps: b, lambda: lambda, penalty: penalty, change: w.change),
      solver: solver, iterations: iterations, converged: converged)
  }
}
