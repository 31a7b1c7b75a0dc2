internal import DenseLinearAlgebra

/// A smooth objective: value and gradient at a point.
typealias ObjectiveEvaluation = (value: Double, gradient: [Double])

/// Whether `candidate` is an acceptable replacement for `current` when the decrease is below
/// rounding: the value did not increase beyond a few ulps and the gradient got smaller.
func acceptableWithinRounding(current: ObjectiveEvaluation, candidate: ObjectiveEvaluation) -> Bool {
  candidate.value <= current.value + 16 * Double.ulpOfOne * abs(current.value)
    && VectorMath.norm(candidate.gradient) < VectorMath.norm(current.gradient)
}

/// Damped Newton's method with Cholesky solves and backtracking Armijo line search.
///
/// `hessian` returns the exact Hessian at a point; if Cholesky fails, `μI` is added with `μ`
/// growing by 100× from `1e-12 · max(1, max diag)`.
func minimizeNewton(
  start: [Double], maximumIterations: Int, tolerance: Double,
  evaluate: ([Double]) -> ObjectiveEvaluation,
  hessian: ([Double]) -> Matrix,
  progress: (@Sendable (Int, Double) -> Void)?
) -> (parameters: [Double], report: FitReport) {
  var theta = start
  var current = evaluate(theta)
  let initialNorm = VectorMath.norm(current.gradient)
  let threshold = tolerance * max(1, initialNorm)
  var iteration = 0
  var termination = FitReport.Termination.maximumIterations
  while true {
    if VectorMath.norm(current.gradient) <= threshold {
      termination = .converged
      break
    }
    if iteration >= maximumIterations {
      termination = .maximumIterations
      break
    }
    iteration += 1
    let h = hessian(theta)
    let negativeGradient = current.gradient.map { -$0 }
    var direction: [Double]? = nil
    var damping = 1e-12 * max(1, h.diagonal.max() ?? 1)
    if let factor = try? h.cholesky() {
      direction = factor.solve(negativeGradient)
    } else {
      for _ in 0..<12 {
        if let factor = try? h.addingToDiagonal(damping).cholesky() {
          direction = factor.solve(negativeGradient)
          break
        }
        damping *= 100
      }
    }
    var step = direction ?? negativeGradient
    var slope = VectorMath.dot(current.gradient, step)
    if !(slope < 0) {  // Not a descent direction (should not happen): fall back to steepest descent.
      step = negativeGradient
      slope = VectorMath.dot(current.gradient, step)
    }
    var t = 1.0
    var accepted = false
    for _ in 0..<60 {
      let candidateTheta = VectorMath.adding(t, times: step, to: theta)
      let candidate = evaluate(candidateTheta)
      if candidate.value.isFinite
        && (candidate.value <= current.value + 1e-4 * t * slope
          || acceptableWithinRounding(current: current, candidate: candidate))
      {
        theta = candidateTheta
        current = candidate
        accepted = true
        break
      }
      t *= 0.5
    }
    progress?(iteration, current.value)
    if !accepted {
      termination = VectorMath.norm(current.gradient) <= threshold ? .converged : .lineSearchFailed
      break
    }
  }
  let report = FitReport(
    iterations: iteration, loss: current.value, gradientNorm: VectorMath.norm(current.gradient),
    initialGradientNorm: initialNorm, termination: termination)
  return (theta, report)
}

/// L-BFGS (two-loop recursion) with a weak-Wolfe bisection line search (Lewis & Overton), so
/// every stored pair has `sᵀy > 0`.
///
/// Near the optimum the decrease `J(t) − J` falls below the rounding error of `J` itself (a sum
/// of `n` terms: about `√n·ε·J`, `1e−14` relative for `n = 25 638`), and the sufficient-decrease
/// test becomes a coin flip that sends the bisection through dozens of evaluations. There the
/// search also accepts Hager & Zhang's (2005) *approximate Wolfe* step: `J(t) ≤ J + ε_J|J|`
/// (`ε_J = 1e−10`, ``approximateWolfeTolerance``) together with
/// `σ·φ'(0) ≤ φ'(t) ≤ (2δ − 1)·φ'(0)` (`φ'(t) = ∇J(θ + t d)ᵀd`, `δ = 1e−4` as in the Armijo test,
/// `σ = 0.9`), which uses only the directional derivative, accurate to `O(ε)` relative there.
func minimizeLBFGS(
  start: [Double], memory: Int, maximumIterations: Int, tolerance: Double,
  evaluate: ([Double]) -> ObjectiveEvaluation,
  progress: (@Sendable (Int, Double) -> Void)?
) -> (parameters: [Double], report: FitReport) {
  precondition(memory >= 1, "L-BFGS memory must be at least 1")
  var theta = start
  var current = evaluate(theta)
  let initialNorm = VectorMath.norm(current.gradient)
  let threshold = tolerance * max(1, initialNorm)
  var sHistory: [[Double]] = []
  var yHistory: [[Double]] = []
  var iteration = 0
  var termination = FitReport.Termination.maximumIterations
  while true {
    let gradientNorm = VectorMath.norm(current.gradient)
    if gradientNorm <= threshold {
      termination = .converged
      break
    }
    if iteration >= maximumIterations {
      termination = .maximumIterations
      break
    }
    iteration += 1
    // Two-loop recursion: direction = −H_k g.
    var q = current.gradient
    var alphas = Array(repeating: 0.0, count: sHistory.count)
    for j in stride(from: sHistory.count - 1, through: 0, by: -1) {
      let rho = 1 / VectorMath.dot(yHistory[j], sHistory[j])
      alphas[j] = rho * VectorMath.dot(sHistory[j], q)
      VectorMath.axpy(-alphas[j], yHistory[j], &q)
    }
    if let s = sHistory.last, let y = yHistory.last {
      VectorMath.scale(&q, by: VectorMath.dot(s, y) / VectorMath.dot(y, y))
    } else {
      VectorMath.scale(&q, by: 1 / max(gradientNorm, 1))
    }
    for j in 0..<sHistory.count {
      let rho = 1 / VectorMath.dot(yHistory[j], sHistory[j])
      let beta = rho * VectorMath.dot(yHistory[j], q)
      VectorMath.axpy(alphas[j] - beta, sHistory[j], &q)
    }
    var direction = q.map { -$0 }
    var slope = VectorMath.dot(current.gradient, direction)
    if !(slope < 0) {
      direction = current.gradient.map { -$0 / max(gradientNorm, 1) }
      slope = VectorMath.dot(current.gradient, direction)
      sHistory.removeAll()
      yHistory.removeAll()
    }
    // Weak Wolfe: J(t) <= J + c1 t slope and ∇J(t)ᵀd >= c2 slope.
    var (low, high, t) = (0.0, Double.infinity, 1.0)
    var accepted: (theta: [Double], evaluation: ObjectiveEvaluation, t: Double)? = nil
    var fallback: (theta: [Double], evaluation: ObjectiveEvaluation)? = nil
    for _ in 0..<40 {
      let candidateTheta = VectorMath.adding(t, times: direction, to: theta)
      let candidate = evaluate(candidateTheta)
      let derivative = VectorMath.dot(candidate.gradient, direction)
      if !candidate.value.isFinite || candidate.value > current.value + 1e-4 * t * slope {
        // Near the optimum the decrease drops below the rounding of J: take a step that does not
        // increase J beyond rounding and reduces the gradient, or meets the approximate Wolfe
        // conditions, rather than bisecting further.
        if candidate.value.isFinite
          && (acceptableWithinRounding(current: current, candidate: candidate)
            || (candidate.value <= current.value + approximateWolfeTolerance * abs(current.value)
              && derivative >= 0.9 * slope && derivative <= (2 * 1e-4 - 1) * slope))
        {
          accepted = (candidateTheta, candidate, t)
          break
        }
        high = t
      } else if derivative < 0.9 * slope {
        low = t
        fallback = (candidateTheta, candidate)
      } else {
        accepted = (candidateTheta, candidate, t)
        break
      }
      t = high.isFinite ? 0.5 * (low + high) : 2 * low
      if high.isFinite && high - low <= 1e-16 * high { break }
    }
    if accepted == nil, let fallback { accepted = (fallback.theta, fallback.evaluation, 0) }
    guard let step = accepted else {
      progress?(iteration, current.value)
      termination = .lineSearchFailed
      break
    }
    let s = VectorMath.adding(-1, times: theta, to: step.theta)
    let y = VectorMath.adding(-1, times: current.gradient, to: step.evaluation.gradient)
    theta = step.theta
    current = step.evaluation
    if VectorMath.dot(s, y) > 1e-12 * VectorMath.norm(s) * VectorMath.norm(y) {
      sHistory.append(s)
      yHistory.append(y)
      if sHistory.count > memory {
        sHistory.removeFirst()
        yHistory.removeFirst()
      }
    }
    progress?(iteration, current.value)
  }
  let report = FitReport(
    iterations: iteration, loss: current.value, gradientNorm: VectorMath.norm(current.gradient),
    initialGradientNorm: initialNorm, termination: termination)
  return (theta, report)
}

/// `ε_J` of the approximate Wolfe test in ``minimizeLBFGS(start:memory:maximumIterations:tolerance:evaluate:progress:)``:
/// increases of `J` up to `ε_J|J|` count as rounding.
let approximateWolfeTolerance = 1e-10
