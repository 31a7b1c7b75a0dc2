public import DenseLinearAlgebra

/// The first and second derivatives of a *softmax layer on features*, kept in factored form.
///
/// A parameter block is a softmax layer when it is an affine map from per-sample features
/// `f_i ∈ ℝ^q` to `m` of the logits, `z_ic = w_cᵀ f_i + b_c` (`W` is `m x q`, `b ∈ ℝ^m`), and the
/// remaining logits (if any) do not depend on the block. With `r_i = (p_i − e_{y_i})` and
/// `q_i = p_i`, both restricted to those `m` classes, and `f̃_i = [f_i; 1]`:
///
///     g_i = ∇_B ℓ_i = r_i ⊗ f̃_i                                   (per-sample gradient)
///     ∇²_BB J = Σ_i ŵ_i (diag(q_i) − q_i q_iᵀ) ⊗ f̃_i f̃_iᵀ + λ diag(m)   (Hessian, ŵ_i = w_i / Σw)
///
/// Examples: ``MultinomialLogisticRegression`` (`f_i = x_i`, classes `1…K−1`; class 0's logit is
/// fixed at 0) and the last layer of ``MLPClassifier`` (`f_i` = hidden representation, all `K`
/// classes).
///
/// Keeping `R` (`n x m`), `Q` (`n x m`) and `F` (`n x q`) instead of `G` (`n x m(q+1)`) costs
/// `n(q + 2m)` doubles instead of `n·m(q+1)` and turns every product with `G` into products with
/// `F`: `G s = Σ_c r_ic (w^s_cᵀ f_i + b^s_c)` is one `F (W^s)ᵀ` (`n x m`) and row dots, and
/// `Gᵀ c = [((c ⊙ R)ᵀ F), (c ⊙ R)ᵀ 1]`. `G` itself is only formed by ``gradientMatrix()``.
public struct SoftmaxLayerDerivatives: Sendable {
  /// Where each parameter of the block sits in the flat block vector.
  public enum Layout: Sendable, Hashable {
    /// Class-major rows `[w_c; b_c]`: weight `(c, u)` at `c(q+1) + u`, bias `c` at `c(q+1) + q`
    /// (``MultinomialLogisticRegression/coefficients``).
    case interleavedBias
    /// `[vec(W), b]`: weight `(c, u)` at `c·q + u`, bias `c` at `m·q + c` (``MLPClassifier``'s
    /// last layer).
    case trailingBias
  }

  /// `F`, `n x q`: the features the layer acts on (one row per sample).
  public let features: Matrix
  /// `R`, `n x m`: `p_ic − [y_i = c]` for the layer's classes (unweighted).
  public let residuals: Matrix
  /// `Q`, `n x m`: `p_ic` for the layer's classes.
  public let probabilities: Matrix
  /// Whether the layer's classes are all the classes (then each row of `Q` sums to 1).
  public let coversAllClasses: Bool
  /// The model's class index of column 0 of `R` and `Q`: the layer's classes are
  /// ``classes`` `= firstClass ..< firstClass + m` (1 for logistic regression, whose class 0 is
  /// the reference; 0 for an MLP's last layer).
  public let firstClass: Int
  /// The flat order of the block.
  public let layout: Layout
  /// `λ`.
  public let l2Strength: Double
  /// `m_j` for every parameter of the block (1 penalized, 0 not).
  public let penaltyMask: [Double]

  /// - Precondition: `R` and `Q` are `n x m` with `n = F.rows`, `penaltyMask.count == m(q+1)`.
  public init(
    features: Matrix, residuals: Matrix, probabilities: Matrix, coversAllClasses: Bool, firstClass: Int = 0,
    layout: Layout, l2Strength: Double, penaltyMask: [Double]
  ) {
    precondition(residuals.rows == features.rows && probabilities.rows == features.rows, "row counts differ")
    precondition(residuals.columns == probabilities.columns, "residuals and probabilities cover different classes")
    precondition(penaltyMask.count == residuals.columns * (features.columns + 1), "penalty mask of wrong length")
    (self.features, self.residuals, self.probabilities) = (features, residuals, probabilities)
    (self.coversAllClasses, self.firstClass, self.layout) = (coversAllClasses, firstClass, layout)
    (self.l2Strength, self.penaltyMask) = (l2Strength, penaltyMask)
  }

  /// `n`.
  public var rowCount: Int { features.rows }
  /// `m`, the number of classes the layer produces logits for.
  public var classCount: Int { residuals.columns }
  /// The model classes the layer's columns stand for.
  public var classes: Range<Int> { firstClass..<(firstClass + classCount) }
  /// `q`, the feature width.
  public var featureWidth: Int { features.columns }
  /// `|block| = m(q+1)`.
  public var parameterCount: Int { classCount * (featureWidth + 1) }

  /// The flat index of weight `(c, u)`.
  @inline(__always) func weightIndex(_ c: Int, _ u: Int) -> Int {
    layout == .interleavedBias ? c * (featureWidth + 1) + u : c * featureWidth + u
  }
  /// The flat index of bias `c`.
  @inline(__always) func biasIndex(_ c: Int) -> Int {
    layout == .interleavedBias ? c * (featureWidth + 1) + featureWidth : classCount * featureWidth + c
  }

  /// A block vector split into its weight matrix (`m x q`) and biases (`m`).
  func split(_ s: [Double]) -> (weights: Matrix, biases: [Double]) {
    precondition(s.count == parameterCount, "vector of length \(s.count) for a block of \(parameterCount) parameters")
    let (m, q) = (classCount, featureWidth)
    var w = [Double](repeating: 0, count: m * q)
    for c in 0..<m {
      for u in 0..<q { w[c * q + u] = s[weightIndex(c, u)] }
    }
    return (Matrix(rows: m, columns: q, elements: w), (0..<m).map { s[biasIndex($0)] })
  }

  /// The block vector with weight matrix `w` (`m x q`, row-major) and biases `b`.
  func joined(weights w: [Double], biases b: [Double]) -> [Double] {
    let (m, q) = (classCount, featureWidth)
    var s = [Double](repeating: 0, count: parameterCount)
    for c in 0..<m {
      for u in 0..<q { s[weightIndex(c, u)] = w[c * q + u] }
      s[biasIndex(c)] = b[c]
    }
    return s
  }

  /// `Σ_i c_i v_i ⊗ f̃_i` for the rows `v_i` of `V` (`n x m`): `[(diag(c) V)ᵀ F, (diag(c) V)ᵀ 1]`,
  /// one `dgemm` (`dgemv` for `m = 1`).
  func outerProductSum(_ v: Matrix, rowScales c: [Double]?) -> [Double] {
    let scaled = c.map { v.rowsScaled(by: $0) } ?? v
    let w = scaled.transposeMultiplied(by: features).elements
    let b = scaled.transposeApplied(to: [Double](repeating: 1, count: rowCount))
    return joined(weights: w, biases: b)
  }

  // MARK: Per-sample gradients

  /// `G` (`n x |block|`), row `i` being `g_i = r_i ⊗ f̃_i` in the block's flat order.
  public func gradientMatrix() -> Matrix {
    var g = [Double](repeating: 0, count: rowCount * parameterCount)
    g.withUnsafeMutableBufferPointer { writeGradients(into: $0, rowStride: parameterCount, offset: 0) }
    return Matrix(rows: rowCount, columns: parameterCount, elements: g)
  }

  /// Writes row `i` of `G` to `destination[i·rowStride + offset ..< … + |block|]`.
  func writeGradients(into destination: UnsafeMutableBufferPointer<Double>, rowStride: Int, offset: Int) {
    let (n, m, q) = (rowCount, classCount, featureWidth)
    precondition(
      offset >= 0 && offset + parameterCount <= rowStride && n * rowStride <= destination.count, "destination too small"
    )
    guard n > 0, let out = destination.baseAddress else { return }
    features.elements.withUnsafeBufferPointer { f in
      residuals.elements.withUnsafeBufferPointer { r in
        for i in 0..<n {
          let row = out + i * rowStride + offset
          for c in 0..<m {
            let ric = r[i * m + c]
            let w = row + weightIndex(c, 0)
            for u in 0..<q { w[u] = ric * f[i * q + u] }
            row[biasIndex(c)] = ric
          }
        }
      }
    }
  }

  /// `G s`: `(G s)_i = Σ_c r_ic (w^s_cᵀ f_i + b^s_c)` with `s = [W^s, b^s]`; one `F (W^s)ᵀ + 1 b^sᵀ`
  /// (`n x m`) and `n` row dots, never forming `G`.
  ///
  /// - Precondition: `s.count == |block|`.
  public func gradientsApplied(to s: [Double]) -> [Double] {
    let (w, b) = split(s)
    let u = features.multiplied(byTransposeOf: w, addingToEachRow: b)
    return rowDots(residuals, u)
  }

  /// `Gᵀ c = Σ_i c_i g_i = [(diag(c) R)ᵀ F, (diag(c) R)ᵀ 1]` (for `c = ŵ` the data part of `∇J`).
  ///
  /// - Precondition: `c.count == n`.
  public func gradientsTransposeApplied(to c: [Double]) -> [Double] {
    precondition(c.count == rowCount, "\(c.count) coefficients for \(rowCount) rows")
    return outerProductSum(residuals, rowScales: c)
  }

  /// `Σ_i c_i g_i ⊙ g_i`: weight `(k, u)` gets `Σ_i c_i r_ik² f_iu²`, bias `k` gets `Σ_i c_i r_ik²`
  /// (the diagonal empirical Fisher for `c = ŵ`), as `(diag(c) R⊙R)ᵀ (F⊙F)` without forming `G`.
  ///
  /// - Precondition: `c.count == n`.
  public func squaredGradientsTransposeApplied(to c: [Double]) -> [Double] {
    precondition(c.count == rowCount, "\(c.count) coefficients for \(rowCount) rows")
    let r2 = residuals.map { $0 * $0 }
    let f2 = features.map { $0 * $0 }
    let scaled = r2.rowsScaled(by: c)
    let w = scaled.transposeMultiplied(by: f2).elements
    let b = scaled.transposeApplied(to: [Double](repeating: 1, count: rowCount))
    return joined(weights: w, biases: b)
  }

  // MARK: Hessian

  /// The curvature weights `a_i = ŵ_i (δ_cc' q_ic − q_ic q_ic')` of block `(c, c')`.
  func curvature(_ c: Int, _ c2: Int, _ w: [Double]) -> [Double] {
    let m = classCount
    return probabilities.elements.withUnsafeBufferPointer { q in
      (0..<rowCount).map { i in w[i] * ((c == c2 ? q[i * m + c] : 0) - q[i * m + c] * q[i * m + c2]) }
    }
  }

  /// The regularized Hessian `Σ_i ŵ_i (diag(q_i) − q_i q_iᵀ) ⊗ f̃_i f̃_iᵀ + λ diag(m)`
  /// (`ŵ_i = w_i / Σ w`, ones if `weights` is nil), in the block's flat order.
  ///
  /// Block `(c, c')` is `F̃ᵀ diag(a) F̃ = [Fᵀ A F, Fᵀ a; aᵀ F, Σ a]` with `a` the curvature weights:
  /// one weighted Gram with the ones column added blockwise (``Matrix/weightedGramWithOnes(_:)``:
  /// `dsyrk` on `√a ⊙ F̃` for the non-negative diagonal blocks, `dgemm` for the cross blocks) for
  /// each of the `m(m+1)/2` blocks. With two classes covering all classes the blocks are
  /// `± one matrix` (`q₀ − q₀² = q₁ − q₁² = q₀q₁`, cross term `−q₀q₁`), so one Gram serves all three.
  ///
  /// - Precondition: `weights` (if given) has `n` non-negative entries with a positive sum.
  public func hessian(weights: [Double]?) -> Matrix {
    let w = normalizedWeights(weights, count: rowCount)
    let (m, q) = (classCount, featureWidth)
    let size = parameterCount
    // Flat index of (class c, feature u), where u == q is the bias.
    func index(_ c: Int, _ u: Int) -> Int { u < q ? weightIndex(c, u) : biasIndex(c) }
    var result = [Double](repeating: 0, count: size * size)
    // ŵ q₀ q₁ (= −curvature(0, 1)) when two classes cover all classes.
    let shared = coversAllClasses && m == 2 ? features.weightedGramWithOnes(curvature(0, 1, w).map { -$0 }) : nil
    for c in 0..<m {
      for c2 in c..<m {
        let gram = shared ?? features.weightedGramWithOnes(curvature(c, c2, w))
        let sign = shared != nil && c != c2 ? -1.0 : 1.0
        gram.elements.withUnsafeBufferPointer { g in
          for u in 0...q {
            for u2 in 0...q {
              let value = sign * g[u * (q + 1) + u2]
              result[index(c, u) * size + index(c2, u2)] = value
              result[index(c2, u2) * size + index(c, u)] = value
            }
          }
        }
      }
    }
    if l2Strength > 0 {
      for j in 0..<size { result[j * size + j] += l2Strength * penaltyMask[j] }
    }
    return Matrix(rows: size, columns: size, elements: result)
  }

  /// The exact product `(∇²_BB J) v` without forming the Hessian: with `v = [V, c]`,
  /// `U = F Vᵀ + 1cᵀ` (`n x m`), `s_ic = ŵ_i q_ic (u_ic − Σ_c' q_ic' u_ic')`, the product is
  /// `[SᵀF, Sᵀ1] + λ m ⊙ v` (two passes over `F`, `O(n q m)`).
  ///
  /// - Precondition: `v.count == |block|`; `weights` as in ``hessian(weights:)``.
  public func hessianVectorProduct(_ v: [Double], weights: [Double]?) -> [Double] {
    let w = normalizedWeights(weights, count: rowCount)
    let (vw, vb) = split(v)
    let m = classCount
    var s = features.multiplied(byTransposeOf: vw, addingToEachRow: vb).elements
    probabilities.elements.withUnsafeBufferPointer { q in
      s.withUnsafeMutableBufferPointer { u in
        for i in 0..<rowCount {
          var mean = 0.0
          for c in 0..<m { mean += q[i * m + c] * u[i * m + c] }
          for c in 0..<m { u[i * m + c] = w[i] * q[i * m + c] * (u[i * m + c] - mean) }
        }
      }
    }
    var hv = outerProductSum(Matrix(rows: rowCount, columns: m, elements: s), rowScales: nil)
    if l2Strength > 0 {
      for j in hv.indices { hv[j] += l2Strength * penaltyMask[j] * v[j] }
    }
    return hv
  }

  /// The same layer restricted to the listed rows (in order, repeats allowed), e.g. a mini-batch.
  public func rows(_ indices: [Int]) -> SoftmaxLayerDerivatives {
    SoftmaxLayerDerivatives(
      features: features.rows(indices), residuals: residuals.rows(indices), probabilities: probabilities.rows(indices),
      coversAllClasses: coversAllClasses, firstClass: firstClass, layout: layout, l2Strength: l2Strength,
      penaltyMask: penaltyMask)
  }
}

/// `Σ_c a_ic b_ic` for each row of two `n x m` matrices.
func rowDots(_ a: Matrix, _ b: Matrix) -> [Double] {
  precondition(
    a.rows == b.rows && a.columns == b.columns, "row dots of \(a.rows) x \(a.columns) and \(b.rows) x \(b.columns)")
  let m = a.columns
  return a.elements.withUnsafeBufferPointer { pa in
    b.elements.withUnsafeBufferPointer { pb in
      (0..<a.rows).map { i in
        var sum = 0.0
        for c in 0..<m { sum += pa[i * m + c] * pb[i * m + c] }
        return sum
      }
    }
  }
}
