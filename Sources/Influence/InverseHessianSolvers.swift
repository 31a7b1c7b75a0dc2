import DenseLinearAlgebra
import FairnessModels
import SeededRandom

/// Cholesky of the dense Hessian, damped with `δI` (`δ = 1e-10·mean|diag H|`, ×10 per attempt,
/// at most 16 attempts) if `H` is not numerically positive definite: `dpotrf` fails, or the
/// smallest squared pivot is below `minimumRelativePivot` times the largest (condition ≳ 1e12).
struct ExactSolver: Sendable {
  static let minimumRelativePivot = 1e-12
  let factor: Cholesky
  /// The undamped dense Hessian (for residuals without another full-data HVP).
  let hessian: Matrix
  let damping: Double
  let reason: String?

  init(hessian h: Matrix) throws(InfluenceError) {
    guard h.isFinite else { throw .notPositiveDefinite(dampingTried: []) }
    let p = h.rows
    let scale = p == 0 ? 1 : Swift.max(h.diagonal.reduce(0) { $0 + abs($1) } / Double(p), Double.leastNormalMagnitude)
    var delta = 0.0
    var tried: [Double] = []
    var why: String? = nil
    for _ in 0..<17 {
      let m = delta == 0 ? h : h.addingToDiagonal(delta)
      do {
        let c = try Cholesky(m)
        let pivots = c.lower.diagonal.map { $0 * $0 }
        let small = pivots.min() ?? 1
        let large = pivots.max() ?? 1
        if small >= ExactSolver.minimumRelativePivot * large {
          factor = c
          hessian = h
          damping = delta
          reason = delta == 0 ? nil : why
          return
        }
        if why == nil {
          why = "Hessian numerically singular: smallest squared Cholesky pivot \(small) < 1e-12 × largest \(large)"
        }
      } catch {
        if why == nil { why = "Hessian not positive definite: \(error)" }
      }
      tried.append(delta)
      delta = delta == 0 ? 1e-10 * scale : delta * 10
    }
    throw .notPositiveDefinite(dampingTried: tried)
  }
}

extension InfluenceEngine {
  /// `x ≈ H⁻¹v` with an explicit method (used to compare methods on the same engine).
  ///
  /// - Throws: ``InfluenceError/didNotConverge(method:iterations:residual:)`` when CG misses its
  ///   tolerance or LiSSA diverges; ``InfluenceError/notPositiveDefinite(dampingTried:)`` when
  ///   the Hessian cannot be factored, CG meets non-positive curvature or the damped Fisher
  ///   diagonal has a non-positive entry; ``InfluenceError/shapeMismatch(_:)`` for a wrong length.
  public func inverseHessianVectorProduct(_ v: [Double], method: InverseHessianMethod) throws(InfluenceError)
    -> InverseHessianResult
  {
    guard v.count == parameterCount else {
      throw .shapeMismatch("vector has length \(v.count), block has \(parameterCount) parameters")
    }
    let vNorm = VectorMath.norm(v)
    guard vNorm > 0 else {
      return InverseHessianResult(
        vector: v, method: method, iterations: 0, residual: 0, converged: true, dampingAdded: 0, dampingReason: nil)
    }
    switch method {
    case .exact:
      let solver: ExactSolver
      if let cached = exactSolver {
        solver = cached
      } else {
        guard parameterCount <= Self.maximumExactDimension else {
          throw .shapeMismatch(
            "exact Hessian of \(parameterCount) parameters exceeds maximumExactDimension \(Self.maximumExactDimension)")
        }
        solver = try ExactSolver(hessian: denseHessian())
      }
      let x = solver.factor.solve(v)
      let hx = solver.hessian.applied(to: x)
      let residual = VectorMath.norm(zip(hx, v).map { $0 - $1 }) / vNorm
      return InverseHessianResult(
        vector: x, method: method, iterations: 0, residual: residual, converged: true,
        dampingAdded: solver.damping, dampingReason: solver.reason)

    case .conjugateGradient(let tolerance, let maxIterations):
      return try conjugateGradient(v, vNorm: vNorm, tolerance: tolerance, maxIterations: maxIterations, method: method)

    case .lissa(let damping, let scale, let depth, let repeats, let batchSize, let seed):
      return try lissa(
        v, vNorm: vNorm, damping: damping, scale: scale, depth: depth, repeats: repeats, batchSize: batchSize,
        seed: seed, method: method)

    case .diagonalFisher(let damping):
      let fisherDiagonal = empiricalFisherDiagonal
      var x = v
      for j in x.indices {
        let d = fisherDiagonal[j] + damping
        guard d > 0, d.isFinite else { throw .notPositiveDefinite(dampingTried: [damping]) }
        x[j] /= d
      }
      return InverseHessianResult(
        vector: x, method: method, iterations: 0, residual: relativeResidual(x, v, vNorm), converged: true,
        dampingAdded: damping,
        dampingReason: damping > 0 ? "diagonal empirical Fisher damping (seed 001 App. A)" : nil)
    }
  }

  /// `‖Hx − v‖/‖v‖` with the exact undamped Hessian.
  func relativeResidual(_ x: [Double], _ v: [Double], _ vNorm: Double) -> Double {
    let hx = hessianVectorProduct(x)
    var s = 0.0
    for j in v.indices {
      let r = hx[j] - v[j]
      s += r * r
    }
    return s.squareRoot() / vNorm
  }

  private func conjugateGradient(
    _ v: [Double], vNorm: Double, tolerance: Double, maxIterations: Int, method: InverseHessianMethod
  ) throws(InfluenceError) -> InverseHessianResult {
    let p = v.count
    var x = Array(repeating: 0.0, count: p)
    var iterations = 0
    var trueResidual = 1.0
    // Outer restarts recompute r = v − Hx so that the reported residual is the true one.
    while iterations < maxIterations {
      let hx = iterations == 0 ? Array(repeating: 0.0, count: p) : hessianVectorProduct(x)
      var r = zip(v, hx).map { $0 - $1 }
      var rr = VectorMath.dot(r, r)
      trueResidual = rr.squareRoot() / vNorm
      if trueResidual <= tolerance { break }
      var d = r
      while iterations < maxIterations {
        let hd = hessianVectorProduct(d)
        iterations += 1
        let curvature = VectorMath.dot(d, hd)
        guard curvature > 0, curvature.isFinite else { throw .notPositiveDefinite(dampingTried: []) }
        let alpha = rr / curvature
        VectorMath.axpy(alpha, d, &x)
        VectorMath.axpy(-alpha, hd, &r)
        let rrNew = VectorMath.dot(r, r)
        if rrNew.squareRoot() / vNorm <= tolerance { break }
        let beta = rrNew / rr
        rr = rrNew
        for j in 0..<p { d[j] = r[j] + beta * d[j] }
      }
      trueResidual = relativeResidual(x, v, vNorm)
      if trueResidual <= tolerance { break }
    }
    guard trueResidual <= tolerance, x.allSatisfy(\.isFinite) else {
      throw .didNotConverge(method: method, iterations: iterations, residual: trueResidual)
    }
    return InverseHessianResult(
      vector: x, method: method, iterations: iterations, residual: trueResidual, converged: true, dampingAdded: 0,
      dampingReason: nil)
  }

  private func lissa(
    _ v: [Double], vNorm: Double, damping: Double, scale: Double, depth: Int, repeats: Int, batchSize: Int,
    seed: UInt64, method: InverseHessianMethod
  ) throws(InfluenceError) -> InverseHessianResult {
    guard scale > 0, damping >= 0, damping < 1, depth > 0, repeats > 0, batchSize > 0 else {
      throw .shapeMismatch("LiSSA needs scale > 0, 0 ≤ damping < 1, depth, repeats, batchSize > 0")
    }
    let n = rowCount
    let p = v.count
    var generator = SplitMix64(seed: seed)
    var sum = Array(repeating: 0.0, count: p)
    let fullBatch = batchSize >= n
    let limit = 1e12 * vNorm
    for _ in 0..<repeats {
      var r = v
      for step in 0..<depth {
        let hr: [Double]
        if fullBatch {
          hr = hessianVectorProduct(r)
        } else {
          let rows = (0..<batchSize).map { _ in generator.uniformIndex(below: n) }
          var w = weights.map { all in rows.map { all[$0] } }
          if let ws = w, ws.reduce(0, +) <= 0 { w = nil }
          if case .factored(let factored) = gradients {
            hr = factored.rows(rows).hessianVectorProduct(r, weights: w)
          } else {
            let x = features.rows(rows)
            hr = model.hessianVectorProduct(x, labels: rows.map { labels[$0] }, weights: w, vector: r, block: block)
          }
        }
        for j in 0..<p { r[j] = v[j] + (1 - damping) * r[j] - hr[j] / scale }
        let norm = VectorMath.norm(r)
        guard norm.isFinite, norm <= limit else {
          throw .didNotConverge(method: method, iterations: step + 1, residual: .infinity)
        }
      }
      VectorMath.axpy(1 / scale, r, &sum)
    }
    let x = sum.map { $0 / Double(repeats) }
    let delta = damping * scale
    // Residual of the damped system the recursion solves.
    let hx = hessianVectorProduct(x)
    var dampedSq = 0.0
    var plainSq = 0.0
    for j in 0..<p {
      let a = hx[j] - v[j]
      let b = a + delta * x[j]
      plainSq += a * a
      dampedSq += b * b
    }
    let damped = dampedSq.squareRoot() / vNorm
    return InverseHessianResult(
      vector: x, method: method, iterations: depth * repeats, residual: plainSq.squareRoot() / vNorm,
      converged: damped <= 0.05, dampingAdded: delta,
      dampingReason: delta > 0 ? "LiSSA damping: fixed point is (H + damping·scale·I)⁻¹v" : nil)
  }
}
