public import DenseLinearAlgebra
import FailureReporting
import Foundation

/// Which symmetric positive definite matrices the scale `Γ` of an affine steering map may be.
public enum ScaleStructure: String, Sendable, Hashable, Codable, CaseIterable {
  /// Any symmetric positive definite `Γ` (`d(d+1)/2` unknowns; for `d <= maximumFullDimension`).
  case full
  /// Diagonal `Γ` with a positive diagonal (`d` unknowns; the variant for high dimensions).
  case diagonal
  /// `Γ = γI` (one unknown).
  case scalar

  /// The largest dimension the full-matrix Newton method accepts (its Hessian has
  /// `(d(d+1)/2)²` entries).
  public static let maximumFullDimension = 40
}

/// One term of the affine KL program: weight `w`, precision-like SPD `A`, covariance-like SPD
/// `B`, source mean `m` and target mean `t`.
struct AffineTerm {
  var weight: Double
  var a: Matrix
  var b: Matrix
  var source: [Double]
  var target: [Double]
}

/// How the Newton solve ended.
public struct NewtonSummary: Sendable, Equatable, Codable {
  /// Newton iterations taken.
  public var iterations: Int
  /// The infinity norm of the reduced gradient (over `Γ`, with `c` at its closed form) at the end.
  public var gradientNorm: Double
  /// The tolerance the norm had to reach.
  public var tolerance: Double

  enum CodingKeys: String, CodingKey {
    case iterations, tolerance
    case gradientNorm = "gradient_norm"
  }
}

/// The convex program behind the affirmative-action intervention:
///
/// minimize over symmetric positive definite `Γ` (restricted by a ``ScaleStructure``) and `c`
///
/// `F(Γ, c) = Σ_i w_i ½[tr(A_i Γ B_i Γ) + (Γm_i + c − t_i)ᵀ A_i (Γm_i + c − t_i)] − (Σ_i w_i) log det Γ`.
///
/// Forward KL: `A_i = Σ_ia⁻¹, B_i = Σ_ir, m_i = μ_ir, t_i = μ_ia` (moved group a, reference r),
/// so that `F + const = Σ_i w_i KL(N(Γμ_ir + c, ΓΣ_irΓ) ‖ N(μ_ia, Σ_ia))`. Reverse KL is the same
/// program for the inverse map (Docs/steering.md). `F` is convex: the trace term is
/// `‖A^(1/2) Γ B^(1/2)‖²_F`, the mean term a convex quadratic, `−log det` convex on SPD matrices.
///
/// `c` has a closed form given `Γ` (weighted least squares): `c(Γ) = (Σ w_i A_i)⁻¹ Σ w_i A_i (t_i − Γm_i)`.
/// `Γ` is found by damped Newton on the reduced function `φ(Γ) = F(Γ, c(Γ))` (gradient: the
/// partial gradient at `c(Γ)`; Hessian: the Schur complement of the joint Hessian), with
/// backtracking that keeps `Γ` positive definite, until the reduced gradient's infinity norm is
/// at most `tolerance = 1e-9 · max(1, s₀)`, where `s₀ = Σ w_i (1 + ‖A_i‖_max ‖B_i‖_max d + ‖A_i r_i‖_∞ ‖m_i‖_∞)`
/// at `Γ = I` is the magnitude of the terms the gradient sums (so the tolerance sits well above
/// their rounding error whatever the data's scale; Newton converges quadratically, so the
/// step after reaching it is at rounding level).
struct AffineKLProgram {
  var terms: [AffineTerm]
  var structure: ScaleStructure
  var dimension: Int

  /// The symmetric basis directions of the allowed `Γ`s.
  private var basis: [Matrix] {
    let d = dimension
    switch structure {
    case .scalar: return [Matrix.identity(d)]
    case .diagonal:
      return (0..<d).map { k in
        var e = Matrix(rows: d, columns: d)
        e[k, k] = 1
        return e
      }
    case .full:
      var result: [Matrix] = []
      for p in 0..<d {
        for q in p..<d {
          var e = Matrix(rows: d, columns: d)
          e[p, q] = 1
          e[q, p] = 1
          result.append(e)
        }
      }
      return result
    }
  }

  private var totalWeight: Double { terms.reduce(0) { $0 + $1.weight } }

  /// `Σ w_i A_i`, the Hessian block of `c`.
  private var offsetHessian: Matrix {
    var h = Matrix(rows: dimension, columns: dimension)
    for t in terms { h = h.adding(t.a.scaled(by: t.weight)) }
    return h.symmetrized()
  }

  /// The closed-form offset `c(Γ)`.
  func offset(for gamma: Matrix) throws(SteeringError) -> [Double] {
    let h = try GaussianDivergence.factor(offsetHessian, "program weights")
    var rhs = Array(repeating: 0.0, count: dimension)
    for t in terms {
      let residual = zip(t.target, gamma.applied(to: t.source)).map { $0 - $1 }
      VectorMath.axpy(t.weight, t.a.applied(to: residual), &rhs)
    }
    return h.solve(rhs)
  }

  /// `F(Γ, c)`, or nil when `Γ` is not positive definite.
  func objective(_ gamma: Matrix, _ c: [Double]) -> Double? {
    guard let chol = try? gamma.cholesky() else { return nil }
    var value = -totalWeight * chol.logDeterminant
    for t in terms {
      let trace = t.a.multiplied(by: gamma).multiplied(by: t.b).multiplied(by: gamma).trace
      let r = zip(gamma.applied(to: t.source), zip(c, t.target)).map { $0 + $1.0 - $1.1 }
      value += t.weight * 0.5 * (trace + VectorMath.dot(r, t.a.applied(to: r)))
    }
    return value
  }

  /// The reduced gradient (coordinates on the basis) and the reduced Hessian at `Γ`, `c(Γ)`.
  private func derivatives(_ gamma: Matrix, _ c: [Double], basis: [Matrix], inverse: Matrix) throws(SteeringError)
    -> (gradient: [Double], hessian: Matrix)
  {
    let d = dimension
    let w = totalWeight
    // Symmetric gradient matrix G = Σ w[½(BΓA + AΓB) + sym(A r mᵀ)] − W Γ⁻¹.
    var g = inverse.scaled(by: -w)
    for t in terms {
      let r = zip(gamma.applied(to: t.source), zip(c, t.target)).map { $0 + $1.0 - $1.1 }
      let bga = t.b.multiplied(by: gamma).multiplied(by: t.a)
      let ar = t.a.applied(to: r)
      var outer = Matrix(rows: d, columns: d)
      for p in 0..<d { for q in 0..<d { outer[p, q] = ar[p] * t.source[q] } }
      g = g.adding(bga.adding(bga.transposed()).scaled(by: 0.5 * t.weight))
      g = g.adding(outer.adding(outer.transposed()).scaled(by: 0.5 * t.weight))
    }
    let m = basis.count
    let gradient = basis.map { frobenius(g, $0) }
    // Directional derivatives of G (and of the c-gradient) along each basis direction.
    var hGG = Matrix(rows: m, columns: m)
    var hGc = Matrix(rows: m, columns: d)
    for (k, e) in basis.enumerated() {
      var dg = inverse.multiplied(by: e).multiplied(by: inverse).scaled(by: w)
      var dc = Array(repeating: 0.0, count: d)
      for t in terms {
        let bea = t.b.multiplied(by: e).multiplied(by: t.a)
        dg = dg.adding(bea.adding(bea.transposed()).scaled(by: 0.5 * t.weight))
        let aem = t.a.applied(to: e.applied(to: t.source))
        var outer = Matrix(rows: d, columns: d)
        for p in 0..<d { for q in 0..<d { outer[p, q] = aem[p] * t.source[q] } }
        dg = dg.adding(outer.adding(outer.transposed()).scaled(by: 0.5 * t.weight))
        VectorMath.axpy(t.weight, aem, &dc)
      }
      for (l, f) in basis.enumerated() { hGG[k, l] = frobenius(dg, f) }
      for j in 0..<d { hGc[k, j] = dc[j] }
    }
    // Schur complement: H_ΓΓ − H_Γc H_cc⁻¹ H_cΓ (H_cc = Σ w A is SPD).
    let solved = try GaussianDivergence.factor(offsetHessian, "program weights").solve(hGc.transposed())
    hGG = hGG.subtracting(hGc.multiplied(by: solved))
    return (gradient, hGG.symmetrized())
  }

  private func frobenius(_ x: Matrix, _ y: Matrix) -> Double { VectorMath.dot(x.elements, y.elements) }

  /// Solves the program by damped Newton from `Γ = I`.
  ///
  /// - Throws: ``SteeringError`` (internal failure) when the tolerance is not reached in 100
  ///   iterations; bad input when `structure == .full` and `d > maximumFullDimension`.
  func solve() throws(SteeringError) -> (gamma: Matrix, offset: [Double], summary: NewtonSummary) {
    let d = dimension
    if structure == .full && d > ScaleStructure.maximumFullDimension {
      throw SteeringError(
        field: "--scale",
        problem: "full Γ is limited to d <= \(ScaleStructure.maximumFullDimension) (d = \(d)); use diagonal")
    }
    let directions = basis
    var gamma = Matrix.identity(d)
    var c = try offset(for: gamma)
    guard var value = objective(gamma, c) else {
      throw SteeringError(field: "program", problem: "objective undefined at Γ = I", kind: .internalFailure)
    }
    var scale = 0.0
    for t in terms {
      let r = zip(t.source, zip(c, t.target)).map { $0 + $1.0 - $1.1 }
      scale +=
        t.weight
        * (1 + t.a.maxAbsoluteValue * t.b.maxAbsoluteValue * Double(d)
          + VectorMath.maxAbsoluteValue(t.a.applied(to: r)) * VectorMath.maxAbsoluteValue(t.source))
    }
    let tolerance = 1e-9 * Swift.max(1, scale)
    var norm = Double.infinity
    for iteration in 0...100 {
      guard let inverse = try? gamma.cholesky().solve(Matrix.identity(d)) else {
        throw SteeringError(field: "program", problem: "Γ lost positive definiteness", kind: .internalFailure)
      }
      let (gradient, hessian) = try derivatives(gamma, c, basis: directions, inverse: inverse.symmetrized())
      norm = VectorMath.maxAbsoluteValue(gradient)
      guard norm.isFinite else {
        throw SteeringError(field: "program", problem: "non-finite gradient", kind: .internalFailure)
      }
      if norm <= tolerance {
        return (gamma, c, NewtonSummary(iterations: iteration, gradientNorm: norm, tolerance: tolerance))
      }
      guard let chol = try? hessian.cholesky() else {
        throw SteeringError(field: "program", problem: "reduced Hessian not positive definite", kind: .internalFailure)
      }
      let step = chol.solve(gradient.map { -$0 })
      let slope = VectorMath.dot(gradient, step)
      var direction = Matrix(rows: d, columns: d)
      for (k, e) in directions.enumerated() { direction = direction.adding(e.scaled(by: step[k])) }
      var t = 1.0
      var accepted = false
      for _ in 0..<60 {
        let candidate = gamma.adding(direction.scaled(by: t))
        if let candidateOffset = try? offset(for: candidate), let v = objective(candidate, candidateOffset),
          v <= value + 1e-4 * t * slope || (v <= value && abs(slope) < 1e-18)
        {
          gamma = candidate
          c = candidateOffset
          value = v
          accepted = true
          break
        }
        t *= 0.5
      }
      if !accepted {
        // No decrease representable in double precision: accept if the gradient is at rounding level.
        if norm <= 1e3 * tolerance {
          return (gamma, c, NewtonSummary(iterations: iteration, gradientNorm: norm, tolerance: tolerance))
        }
        throw SteeringError(
          field: "program", problem: "line search failed at gradient norm \(norm)", kind: .internalFailure)
      }
    }
    throw SteeringError(
      field: "program", problem: "Newton did not reach gradient norm \(tolerance) (at \(norm))",
      kind: .internalFailure)
  }

  /// The univariate closed form (`d = 1`, any number of classes): with `α_i = w_i A_i`, α-weighted
  /// means `m̄`, `t̄`, `V = Σα(m−m̄)²`, `C = Σα(t−t̄)(m−m̄)`, `S = Σ w_i A_i B_i`, `W = Σ w_i`,
  /// `γ* = [C + √(C² + 4(S+V)W)] / (2(S+V))` (the positive root of `(S+V)γ² − Cγ − W = 0`, from
  /// `dφ/dγ = 0`; φ is convex) and `c* = t̄ − γ* m̄`. For two classes `V = αβ/(α+β)·Δm²` and
  /// `C = αβ/(α+β)·ΔmΔt`: the seed-algorithms.md §3.4 formula.
  func univariateClosedForm() -> (gamma: Double, offset: Double) {
    precondition(dimension == 1, "closed form is univariate")
    let alpha = terms.map { $0.weight * $0.a[0, 0] }
    let alphaSum = alpha.reduce(0, +)
    let mBar = zip(alpha, terms).reduce(0) { $0 + $1.0 * $1.1.source[0] } / alphaSum
    let tBar = zip(alpha, terms).reduce(0) { $0 + $1.0 * $1.1.target[0] } / alphaSum
    var v = 0.0
    var cross = 0.0
    var s = 0.0
    for (al, t) in zip(alpha, terms) {
      v += al * (t.source[0] - mBar) * (t.source[0] - mBar)
      cross += al * (t.target[0] - tBar) * (t.source[0] - mBar)
      s += t.weight * t.a[0, 0] * t.b[0, 0]
    }
    let w = totalWeight
    let gamma = (cross + (cross * cross + 4 * (s + v) * w).squareRoot()) / (2 * (s + v))
    return (gamma, tBar - gamma * mBar)
  }
}
